"""Checkout benchmark: orders per second through HTTP against a no-op endpoint, the checkout
chunk's size, and how fast the cart drawer opens in a slow browser.

In one run it prepares a fresh SQLite file like the durability test does (the demo store,
its catalog and rules, and a mug with a very large tracked stock), starts one real
``keepcart serve`` process (one uvicorn worker, rate limits off) and measures, from a
separate load process with many keep-alive connections (a small asyncio HTTP/1.1 client,
light enough not to be the bottleneck):

  * the no-op ``GET /healthz`` in requests/s (HTTP and framework cost, no database work);
  * orders placed per second, each one a shopper's whole purchase: create a cart, add an
    item, ``POST /v1/checkout`` with a fresh Idempotency-Key. An order is acknowledged (201)
    only once its transaction is committed; afterwards the database is checked to hold every
    acknowledged order.

Then it prints the checkout chunk's gzip size against its 20 KB budget and, with the demo
store served beside the server, times in Chromium with 4× CPU throttling how long it takes
from a click on the shop's Cart button to the drawer being open with its close button
focusable, on a warm cache (the chunk comes from the HTTP cache; median of 5, target 150 ms).

It prints figures and never fails on a missed target; the exit status is 1 only when the run
itself is invalid (a server that fails, errors under load, acknowledged orders missing); the
figures are still printed, with the errors counted by kind.

    .venv/bin/python bench/checkout.py [--duration 8] [--connections 32] [--skip-browser]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
STATIC_DIR = REPO / "server" / "static"
CHUNK_BUDGET = 20_480  # gzip bytes, as widget/build.mjs enforces
DRAWER_TARGET_MS = 150
DRAWER_RUNS = 5
CPU_THROTTLING = 4
WARMUP_SECONDS = 2
SKU = "FH-MUG-01"
STOCK = 100_000_000
SERVER_ENV = {
    "KEEPCART_SECRET_KEYS": "bench-key-of-at-least-32-bytes-long",
    # One client address places every order: without this the bench would measure 429s.
    "KEEPCART_API_RATE_LIMIT": "100000000",
    "KEEPCART_LOG_LEVEL": "warning",
}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


class BenchFailed(Exception):
    """The run is invalid: whatever figures it printed are not to be trusted."""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.load:
        return run_load_process(args)
    # SIGTERM becomes SystemExit, so the finally blocks stop the processes and remove files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        run(args)
    except BenchFailed as exc:
        print(f"\nBENCH FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; processes stopped and temporary files removed", file=sys.stderr)
        return 130
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--skip-browser", action="store_true", help="no Chromium timing")
    # The load process (this file, started again by the bench):
    parser.add_argument("--load", choices=["noop", "orders"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--origin", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1:
        parser.error("need --duration >= 1 and --connections >= 1")
    return args


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="keepcart-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        shop_port = free_port()
        shop_url = f"http://127.0.0.1:{shop_port}"
        store_key = asyncio.run(prepare_database(db, shop_url))
        print(f"{args.connections} connections, {args.duration}s per run after a "
              f"{WARMUP_SECONDS}s warm-up; {os.cpu_count()} CPU cores")  # fmt: skip
        with Server(db, Path(tmp) / "server.log", shop_url) as server:
            print(f"server pid {server.pid} on {server.url}, database {db}")
            noop = measure(server, "noop", store_key, args)
            orders = measure(server, "orders", store_key, args)
            print_load_results(noop, orders)
            check_orders_stored(db, orders)
            failed = sum(noop.errors.values()) + sum(orders.errors.values())
            server_log = server.log_tail(12) if failed else ""
            drawer = None
            if not args.skip_browser:
                with DemoShop(server.url, store_key, shop_port):
                    drawer = time_drawer_open(shop_url)
    print()
    print_chunk_size()
    if drawer is not None:
        print_drawer_timing(drawer)
    print()
    print_summary(noop, orders, drawer)
    if failed:
        raise BenchFailed(
            f"{failed} requests failed under load, so the figures above are not a valid run."
            f"\nThe end of the server log:\n{server_log}"
        )


# --- the database and the server ------------------------------------------------------------------


async def prepare_database(db_path: Path, shop_url: str) -> str:
    """The demo store (catalog, shipping, VAT, codes) with a mug that never runs out."""
    from server.accounts import create_store
    from server.clock import now_ms
    from server.db import Database
    from server.demo_seed import seed_demo_store
    from server.stores.service import validate_new_store

    db = Database(db_path)
    await db.open()
    try:
        new = validate_new_store("Bench Goods", [shop_url], "EUR", "en-IE", "Europe/Dublin")
        store = await create_store(db, new, now=now_ms())
        await db.write(lambda conn: seed_demo_store(conn, store.id, shop_url, now_ms()))
        await db.write(
            lambda conn: conn.execute(
                "UPDATE products SET track_stock = 1, stock = ? WHERE sku = ?", (STOCK, SKU)
            )
        )
    finally:
        await db.close()
    return store.public_key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def python() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


class Server:
    """``keepcart serve`` as a child process in its own session (Ctrl-C is ours to handle)."""

    def __init__(self, db: Path, log_path: Path, shop_url: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.shop_url = shop_url  # the store's allowed origin
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [python(), "-m", "server", "serve", "--port", str(self.port), "--db", str(db)],
            cwd=REPO,
            env=os.environ | SERVER_ENV,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self.process.pid

    def __enter__(self) -> Server:
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchFailed(f"the server exited at start:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
                    if conn.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                time.sleep(0.1)
        raise BenchFailed(f"the server did not answer /healthz in {timeout:.0f}s")

    def stop(self, timeout: float = 15) -> None:
        """SIGINT (uvicorn's graceful shutdown), SIGKILL if that takes too long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:]) or "(the server printed nothing)"


# --- load: a separate process, many keep-alive connections ---------------------------------------


@dataclass(frozen=True)
class LoadResult:
    scenario: str
    done: int  # completed units (requests for noop, orders for orders) in the measured window
    requests: int  # HTTP requests answered in the measured window
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int]  # what failed, and how often
    acknowledged: int  # orders answered 201, warm-up included
    cpu: dict[str, float]

    @property
    def per_second(self) -> float:
        return self.done / self.seconds

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds


def measure(server: Server, scenario: str, store_key: str, args: argparse.Namespace) -> LoadResult:
    label = "no-op GET /healthz" if scenario == "noop" else "orders (cart + item + checkout)"
    print(f"running {label} for {args.duration}s…", flush=True)
    command = [python(), __file__, "--load", scenario, "--port", str(server.port),
               "--store", store_key, "--origin", server.shop_url, "--duration",
               str(args.duration), "--connections", str(args.connections)]  # fmt: skip
    before = CpuCounters.read(server.pid)
    load = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        out, _ = load.communicate(timeout=args.duration + WARMUP_SECONDS + 60)
    except subprocess.TimeoutExpired:
        raise BenchFailed(f"{label}: the load process did not finish") from None
    finally:
        if load.poll() is None:
            load.kill()
            load.wait()
    cpu = CpuCounters.read(server.pid).use_since(before)
    if load.returncode != 0:
        raise BenchFailed(f"the load process failed ({load.returncode}):\n{server.log_tail()}")
    result = LoadResult(**json.loads(out), cpu=cpu)
    if result.done == 0:
        raise BenchFailed(f"{label}: nothing completed {result.errors}\n{server.log_tail()}")
    return result


def run_load_process(args: argparse.Namespace) -> int:
    result = asyncio.run(drive(args))
    print(json.dumps(result))
    return 0


async def drive(args: argparse.Namespace) -> dict[str, Any]:
    start = time.monotonic()
    window = (start + WARMUP_SECONDS, start + WARMUP_SECONDS + args.duration)
    stats = LoadStats(window)
    shopper = buy_one if args.load == "orders" else ping
    await asyncio.gather(*(connection_loop(args, shopper, stats) for _ in range(args.connections)))
    latencies = sorted(stats.latencies) or [0.0]
    return {
        "scenario": args.load,
        "done": len(stats.latencies),
        "requests": stats.requests,
        "seconds": args.duration,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "errors": stats.errors,
        "acknowledged": stats.acknowledged,
    }


class LoadStats:
    """What the connections did; only work that finished inside ``window`` is counted."""

    def __init__(self, window: tuple[float, float]):
        self.window = window
        self.latencies: list[float] = []
        self.requests = 0
        self.acknowledged = 0
        self.errors: dict[str, int] = {}

    def fail(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def measured(self, started: float, finished: float) -> bool:
        return self.window[0] <= started and finished <= self.window[1]


class Connection:
    """One keep-alive HTTP/1.1 connection: a request, then its whole answer (Content-Length)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, origin: str):
        self.reader, self.writer = reader, writer
        self.origin = origin  # a shopper's browser on the shop sends it
        self.requests = 0

    @classmethod
    async def open(cls, port: int, origin: str) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port), origin)

    def close(self) -> None:
        self.writer.close()

    async def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nOrigin: {self.origin}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        self.writer.write((head + "\r\n").encode() + payload)
        answer = await self.reader.readuntil(b"\r\n\r\n")
        status = int(answer[9:12])
        match = re.search(rb"(?i)\r\ncontent-length: *(\d+)", answer)
        content = await self.reader.readexactly(int(match.group(1)) if match else 0)
        self.requests += 1
        return status, content


async def connection_loop(args: argparse.Namespace, shopper: Any, stats: LoadStats) -> None:
    connection = await Connection.open(args.port, args.origin)
    try:
        while time.monotonic() < stats.window[1]:
            started, before = time.monotonic(), connection.requests
            try:
                ok = await shopper(connection, args.store, stats)
            except (ConnectionError, asyncio.IncompleteReadError):
                # uvicorn closes the connection after a request that raised: count, go on.
                stats.fail("connection closed by the server")
                connection.close()
                connection = await Connection.open(args.port, args.origin)
                continue
            finished = time.monotonic()
            if ok and stats.measured(started, finished):
                stats.latencies.append(finished - started)
                stats.requests += connection.requests - before
    finally:
        connection.close()


async def ping(connection: Connection, store_key: str, stats: LoadStats) -> bool:
    status, _ = await connection.call("GET", "/healthz")
    return expect_status(stats, "GET /healthz", status, 200, b"")


async def buy_one(connection: Connection, store_key: str, stats: LoadStats) -> bool:
    """A shopper's whole purchase: a new cart, one mug, the order."""
    status, body = await connection.call("POST", "/v1/carts", {"store": store_key})
    if not expect_status(stats, "POST /v1/carts", status, 201, body):
        return False
    token = json.loads(body)["token"]
    item = {"sku": SKU, "quantity": 1}
    status, body = await connection.call("POST", f"/v1/carts/{token}/items", item)
    if not expect_status(stats, "POST /v1/carts/…/items", status, 200, body):
        return False
    order = {**ORDER, "cart": token}
    key = f"bench-{secrets.token_hex(12)}"
    status, body = await connection.call("POST", "/v1/checkout", order, {"Idempotency-Key": key})
    if not expect_status(stats, "POST /v1/checkout", status, 201, body):
        return False
    stats.acknowledged += 1
    return True


ORDER = {
    "email": "bench@example.com",
    "phone": "+353 1 234 5678",
    "address": {"name": "Aoife Byrne", "line1": "12 Harbour Road", "city": "Dublin",
                "postal_code": "D02 X285", "country": "IE"},
    "shipping_method": 1,  # the demo's Ireland Standard
    "payment": {"method": "test_card",
                "card": {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"}},
}  # fmt: skip


def expect_status(stats: LoadStats, what: str, status: int, wanted: int, body: bytes) -> bool:
    if status != wanted:
        try:
            code = json.loads(body)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = body[:80].decode(errors="replace")
        stats.fail(f"{what} answered {status} {code}")
    return status == wanted


# --- where the CPU went -----------------------------------------------------------------------


@dataclass(frozen=True)
class CpuCounters:
    """CPU seconds so far: the machine's, the server's and this process's finished children's
    (the load process has finished by the second reading)."""

    machine: float
    server: float
    children: float
    at: float

    @classmethod
    def read(cls, server_pid: int) -> CpuCounters:
        tick = os.sysconf("SC_CLK_TCK")
        try:
            fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
            stat = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
            server = int(stat[11]) + int(stat[12])
            machine = sum(fields[:8]) - fields[3] - fields[4]  # all but idle and iowait
        except (OSError, ValueError, IndexError):
            server = machine = 0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return cls(machine / tick, server / tick, children.ru_utime + children.ru_stime,
                   time.monotonic())  # fmt: skip

    def use_since(self, before: CpuCounters) -> dict[str, float]:
        wall = self.at - before.at
        server, load = self.server - before.server, self.children - before.children
        others = max(0.0, self.machine - before.machine - server - load)
        return {"server": server / wall, "load": load / wall, "others": others / wall}


# --- the demo shop and the browser ------------------------------------------------------------


class DemoShop:
    """The demo storefront (strict CSP, the real snippet) on uvicorn in a background thread."""

    def __init__(self, keepcart_url: str, store_key: str, port: int):
        import uvicorn

        from demo_store import create_demo_app

        app = create_demo_app(keepcart_url, store_key)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> DemoShop:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise BenchFailed("the demo shop did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@dataclass(frozen=True)
class DrawerTiming:
    first_ms: float  # the first open of the visit: the chunk comes over the network
    warm_ms: list[float]  # later page loads: the chunk comes from the HTTP cache
    from_cache: list[bool]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.warm_ms)


# From the click (its event timestamp) to the first frame painted with the drawer open and
# its close button focusable: a rAF poll finds the frame, the task queued from it runs after
# that frame is painted.
MEASURE_CLICK = """() => {
  const timing = (window.__benchDrawer = {});
  addEventListener("click", (event) => {
    timing.click = event.timeStamp;
    const ready = () => {
      const root = document.getElementById("keepcart-root")?.shadowRoot;
      const close = root?.querySelector('dialog[open] button[aria-label="Close cart"]');
      return close && !close.disabled && close.tabIndex >= 0 && close.checkVisibility();
    };
    const poll = () => {
      if (!ready()) return requestAnimationFrame(poll);
      setTimeout(() => { timing.interactive = performance.now(); }, 0);
    };
    requestAnimationFrame(poll);
  }, {capture: true, once: true});
}"""
CHUNK_FROM_CACHE = """() => {
  const entries = performance.getEntriesByType("resource")
    .filter((entry) => entry.name.includes("/v1/chunks/checkout."));
  return entries.length > 0 && entries.every((entry) => entry.transferSize === 0);
}"""


def time_drawer_open(shop_url: str) -> DrawerTiming | None:
    from playwright.sync_api import sync_playwright

    print(f"timing the cart drawer in Chromium ({CPU_THROTTLING}× CPU throttling)…", flush=True)
    with sync_playwright() as playwright, throttled_page(playwright) as page:
        if page is None:
            return None
        page.goto(shop_url + "/")
        first = open_drawer_once(page)
        warm, cached = [], []
        for _ in range(DRAWER_RUNS):
            page.reload()
            warm.append(open_drawer_once(page))
            cached.append(page.evaluate(CHUNK_FROM_CACHE))
    return DrawerTiming(first, warm, cached)


@contextmanager
def throttled_page(playwright: Any) -> Iterator[Any]:
    """A desktop-sized page in Chromium with CPU_THROTTLING× CPU throttling; None (and a
    line saying so) when no Chromium is installed. The browser closes on the way out."""
    launch = chromium_launch_args(playwright)
    if launch is None:
        print("  no Chromium found (Playwright's or the system's): skipped")
        yield None
        return
    browser = playwright.chromium.launch(**launch)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_THROTTLING})
        yield page
    finally:
        browser.close()


def chromium_launch_args(playwright: Any) -> dict[str, Any] | None:
    """Playwright's own Chromium if installed, else the system's; None when there is none."""
    if Path(playwright.chromium.executable_path).exists():
        return {"args": CHROMIUM_FLAGS}
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return {"args": CHROMIUM_FLAGS, "executable_path": found}
    return None


def open_drawer_once(page: Any) -> float:
    """Click the shop's Cart button; ms until the drawer is interactive. Closes it again."""
    poll(page, "typeof keepcart === 'function' && !!keepcart.version && !keepcart.pending")
    page.evaluate("() => { keepcart('on', 'ready', () => { window.__benchReady = true }) }")
    poll(page, "window.__benchReady === true")
    # A shopper clicks a page that has settled, not one still busy starting up.
    page.evaluate("new Promise((resolve) => requestIdleCallback(() => resolve(true)))")
    page.evaluate(MEASURE_CLICK)
    page.get_by_role("button", name=re.compile(r"^Cart\b")).click()
    poll(page, "window.__benchDrawer.interactive !== undefined")
    timing = page.evaluate("window.__benchDrawer")
    page.keyboard.press("Escape")
    return timing["interactive"] - timing["click"]


def poll(page: Any, expression: str, timeout: float = 30) -> None:
    # The demo store's CSP forbids eval, so page.wait_for_function(string) cannot run there.
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise BenchFailed(f"in the browser, never true: {expression}")
        time.sleep(0.01)


# --- reports ------------------------------------------------------------------------------------


def print_load_results(noop: LoadResult, orders: LoadResult) -> None:
    print()
    print(f"{'scenario':<34} {'per second':>12} {'requests/s':>11} {'p50':>9} {'p99':>9}"
          "   cores: server / load / others")  # fmt: skip
    for result, unit in ((noop, "req"), (orders, "orders")):
        label = "no-op GET /healthz" if result is noop else "orders: cart + item + checkout"
        cpu = result.cpu
        print(
            f"{label:<34} {result.per_second:>8,.0f} {unit:<3} {result.requests_per_second:>11,.0f}"
            f" {result.p50_ms:>7.2f}ms {result.p99_ms:>7.2f}ms"
            f"   {cpu['server']:.2f} / {cpu['load']:.2f} / {cpu['others']:.2f}"
        )
    for result in (noop, orders):
        for what, count in result.errors.items():
            print(f"ERRORS during {result.scenario}: {count:,} × {what}")
    busy = [r.scenario for r in (noop, orders) if r.cpu["others"] > 0.25]
    if busy:
        print(f"WARNING: other processes used more than 0.25 cores during {', '.join(busy)}: "
              "these numbers are unreliable; rerun on a quiet machine.")  # fmt: skip


def check_orders_stored(db: Path, orders: LoadResult) -> None:
    """Every order answered 201 is in the database (the load process has finished)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        stored = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        sold, stock = conn.execute(
            "SELECT (SELECT coalesce(sum(quantity), 0) FROM order_items),"
            " (SELECT stock FROM products WHERE sku = ?)",
            (SKU,),
        ).fetchone()
    verdict = "ok" if stored >= orders.acknowledged and stock == STOCK - sold else "MISMATCH"
    print(f"storage check: {orders.acknowledged:,} orders acknowledged, {stored:,} stored, "
          f"stock taken {STOCK - stock:,} for {sold:,} sold: {verdict}")  # fmt: skip
    if verdict != "ok":
        raise BenchFailed("acknowledged orders are missing, or stock and orders disagree")


def checkout_chunk() -> Path | None:
    manifest = json.loads((STATIC_DIR / "manifest.json").read_text())
    name = manifest.get("chunks", {}).get("checkout")
    return STATIC_DIR / name if name else None


def print_chunk_size() -> None:
    path = checkout_chunk()
    if path is None or not path.exists():
        print("checkout chunk: not built (run `make widget`)")
        return
    size = len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
    verdict = "ok" if size <= CHUNK_BUDGET else f"OVER BUDGET by {size - CHUNK_BUDGET} bytes"
    name = path.relative_to(STATIC_DIR).as_posix()
    print(f"checkout chunk {name}: {size:,} / {CHUNK_BUDGET:,} bytes gzip -9  {verdict}")


def print_drawer_timing(drawer: DrawerTiming) -> None:
    runs = ", ".join(f"{ms:.0f}" for ms in drawer.warm_ms)
    cached = "yes" if all(drawer.from_cache) else "NO (check the chunk's cache headers)"
    print(f"cart drawer, click → interactive, {CPU_THROTTLING}× CPU throttling:")
    print(f"  first open of the visit (chunk over the network): {drawer.first_ms:.0f} ms")
    print(f"  warm cache, {DRAWER_RUNS} page loads: {runs} ms; chunk from the HTTP cache: {cached}")


def print_summary(noop: LoadResult, orders: LoadResult, drawer: DrawerTiming | None) -> None:
    ratio = orders.per_second / noop.per_second
    print(f"orders placed: {orders.per_second:,.0f}/s ({orders.requests_per_second:,.0f} "
          f"requests/s) against no-op {noop.per_second:,.0f} req/s")  # fmt: skip
    print(f"order ratio: {ratio:.4f} of no-op req/s (requests while ordering: "
          f"{orders.requests_per_second / noop.per_second:.3f} of no-op)")  # fmt: skip
    if drawer is not None:
        met = "met" if drawer.median_ms <= DRAWER_TARGET_MS else "NOT met"
        print(f"target: drawer interactive <= {DRAWER_TARGET_MS} ms (median, warm cache, "
              f"{CPU_THROTTLING}× throttling): {drawer.median_ms:.0f} ms -> {met}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
