"""Ingest benchmark: how close does ``POST /v1/events`` come to a no-op endpoint?

Starts one real Keepcart server (one uvicorn worker, a fresh SQLite file) and drives it with
``wrk`` from a separate process. In one run against that one server it measures

  * the no-op endpoint ``GET /healthz`` (HTTP + framework cost, no database work),
  * single-event ingest (one event per request: the widget's worst case),
  * 20-event batches (what the widget sends when it has queued events),

then stops the server gracefully and checks in the database that every acknowledged event was
stored. It also prints the gzip size of each built widget file against its budget.

The last line is always ``ingest ratio: 0.NN of no-op; batched: NNNNN events/s``.

    .venv/bin/python bench/ingest.py [--duration 8] [--connections 64] [--threads 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATIC_DIR = REPO / "server" / "static"
ORIGIN = "http://bench.test"
BATCH_SIZE = 20
WARMUP_SECONDS = 2

RATIO_TARGET = 0.8
BATCHED_TARGET = 50_000  # events/s

# Gzip (level 9) byte budgets by widget file name; the same numbers as widget/build.mjs.
GZIP_BUDGETS = {
    "keepcart": 4096,
    "checkout": 20480,
    "offers": 8192,
    "surveys": 8192,
    "badges": 5120,
}
DEFAULT_CHUNK_BUDGET = 8192  # build.mjs's budget for a chunk it has no entry for

# The machine may be shared (tests, browsers): above this much CPU used by other processes
# during a run, its numbers are flagged as unreliable.
BUSY_MACHINE_CORES = 0.25

SERVER_ENV = {
    "KEEPCART_SECRET_KEYS": "bench-key-of-at-least-32-bytes-long",
    # The limiter is keyed by store and client address, and wrk is one client: without this
    # the bench would measure 429s.
    "KEEPCART_EVENTS_RATE_LIMIT": "100000000",
    "KEEPCART_LOG_LEVEL": "warning",
}


class BenchFailed(Exception):
    """The run is invalid (errors, lost events, no server): no numbers are worth printing."""


@dataclass(frozen=True)
class Scenario:
    label: str
    method: str
    path: str
    events: int  # per request; 0 for the no-op endpoint
    event_name: str = ""  # marks this scenario's rows, so storage is checked per scenario


@dataclass(frozen=True)
class CpuUse:
    """Average cores busy during one run, split by who used them."""

    server: float
    event_loop: float  # the server's main thread: at 1.0 it is the bottleneck
    wrk: float
    others: float


@dataclass(frozen=True)
class WrkResult:
    scenario: Scenario
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    sent: int  # requests wrk generated, including any still in flight when it stopped
    ok: int  # 2xx responses wrk read
    non_2xx: int
    accepted: int  # sum of the "accepted" counts in the 202 bodies
    last_bad_status: int
    socket_errors: str
    cpu: CpuUse | None = None  # None where /proc cannot be read

    @property
    def events_per_s(self) -> float:
        return self.requests_per_s * self.scenario.events


NOOP = Scenario("no-op GET /healthz", "GET", "/healthz", 0)
WARMUP = Scenario("warm-up (single events)", "POST", "/v1/events", 1, "bench-warmup")
SINGLE = Scenario("single-event ingest", "POST", "/v1/events", 1, "bench-single")
BATCHED = Scenario(f"{BATCH_SIZE}-event batches", "POST", "/v1/events", BATCH_SIZE, "bench-batch")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Turn SIGTERM into SystemExit so the finally blocks stop the server and remove the files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        wrk = ensure_wrk()
        run(args, wrk)
    except BenchFailed as exc:
        print(f"\nBENCH FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; server stopped and temporary files removed", file=sys.stderr)
        return 130
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.threads < 1 or args.connections < args.threads:
        parser.error("need --duration >= 1, --threads >= 1 and --connections >= --threads")
    return args


def run(args: argparse.Namespace, wrk: str) -> None:
    with tempfile.TemporaryDirectory(prefix="keepcart-bench-") as tmp:
        workdir = Path(tmp)
        db = workdir / "bench.db"
        store_key = create_store(db)
        print(
            f"{wrk_version(wrk)}; {args.threads} threads, {args.connections} connections, "
            f"{args.duration}s per run"
        )

        with Server(db, workdir / "server.log") as server:
            print(f"server pid {server.pid} on {server.url}, database {db}")
            bench = Bench(wrk, server, workdir, store_key, args)
            warmup = bench.measure(WARMUP, WARMUP_SECONDS)
            results = [bench.measure(s, args.duration) for s in (NOOP, SINGLE, BATCHED)]
            # Stop before counting: a graceful shutdown finishes requests that were in flight
            # when wrk stopped and flushes the event sink, so the database is final.
            server.stop()

        print_results(results)
        print()
        check_storage(db, [warmup, *results])
    print()
    print_widget_sizes()
    print()
    print_summary(*results)


# --- wrk --------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """Path of wrk, installed from Debian's package when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchFailed("wrk is not installed; install it with `sudo apt-get install -y wrk`.")
    print("wrk is not installed; installing the Debian package…", flush=True)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        # A fresh image has no package lists yet: refresh them once and retry.
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchFailed(f"could not install wrk with apt-get:\n{done.stderr.strip()}")
    found = shutil.which("wrk")
    if not found:
        raise BenchFailed("apt-get installed wrk, but it is not on PATH.")
    return found


def wrk_version(wrk: str) -> str:
    # `wrk -v` prints "wrk 4.1.0 [epoll] Copyright …" and exits 1.
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True)
    first = (done.stdout or done.stderr).strip().splitlines()
    return " ".join(first[0].split()[:3]) if first else "wrk"


class Bench:
    """Runs wrk scenarios against one server and parses what wrk prints."""

    def __init__(
        self, wrk: str, server: Server, workdir: Path, store_key: str, args: argparse.Namespace
    ):
        self.wrk = wrk
        self.server = server
        self.workdir = workdir
        self.store_key = store_key
        self.args = args

    def measure(self, scenario: Scenario, seconds: int) -> WrkResult:
        print(f"running {scenario.label} for {seconds}s…", flush=True)
        script = self.workdir / f"{scenario.event_name or 'noop'}.lua"
        script.write_text(lua_script(scenario, self.body(scenario)))
        command = [
            self.wrk,
            f"-t{self.args.threads}",
            f"-c{self.args.connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            self.server.url + scenario.path,
        ]
        before = CpuCounters.read(self.server.pid)
        done = subprocess.run(command, capture_output=True, text=True)
        after = CpuCounters.read(self.server.pid)
        try:
            if done.returncode != 0:
                raise BenchFailed(f"wrk exited with {done.returncode}:\n{done.stdout}{done.stderr}")
            result = parse_wrk(scenario, done.stdout)
            fail_on_errors(result, done.stdout)
        except BenchFailed as exc:
            # The server's own account (tracebacks of 500s, a crash) is usually the answer.
            raise BenchFailed(f"{exc}\nserver log, last lines:\n{self.server.log_tail()}") from None
        cpu = after.use_since(before) if before and after else None
        return dataclasses.replace(result, cpu=cpu)

    def body(self, scenario: Scenario) -> str | None:
        if not scenario.events:
            return None
        occurred_at = int(time.time() * 1000) - 60_000  # a minute ago: valid for a whole day
        events = [
            {
                "type": "custom",
                "name": scenario.event_name,
                "occurred_at": occurred_at,
                "url": f"{ORIGIN}/p",
                "referrer": "",
                "session_id": "s_bench",
                "visitor_id": "v_bench",
                "props": {"i": i},
            }
            for i in range(scenario.events)
        ]
        return json.dumps({"store": self.store_key, "events": events}, separators=(",", ":"))


def lua_script(scenario: Scenario, body: str | None) -> str:
    """A wrk script that sends ``body`` and counts what came back, summed over all threads.

    wrk runs one Lua state per thread; ``setup`` keeps each thread so ``done`` can add up
    their counters. Every scenario, the no-op included, uses the same hooks, so wrk spends
    the same work per request in each and the ratio compares like with like.
    """
    lines = [f'wrk.method = "{scenario.method}"']
    if body is not None:
        lines += [
            f"wrk.body = {lua_long_string(body)}",
            'wrk.headers["Content-Type"] = "text/plain"',
            f'wrk.headers["Origin"] = "{ORIGIN}"',
        ]
    return "\n".join(lines) + LUA_COUNTERS


def lua_long_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


LUA_COUNTERS = """
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent, ok, bad, accepted, last_bad = 0, 0, 0, 0, 0
  prepared = wrk.format()
end

-- Defining request() costs one Lua call per request, but it counts what was sent.
function request()
  sent = sent + 1
  return prepared
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    local n = string.match(body, '"accepted"%s*:%s*(%d+)')
    if n then accepted = accepted + tonumber(n) end
  else
    bad = bad + 1
    last_bad = status
  end
end

function done(summary, latency, requests)
  local totals = {sent = 0, ok = 0, bad = 0, accepted = 0, last_bad = 0}
  for _, thread in ipairs(threads) do
    for key, value in pairs(totals) do
      if key == "last_bad" then
        totals[key] = math.max(value, thread:get(key))
      else
        totals[key] = value + thread:get(key)
      end
    end
  end
  io.write(string.format("keepcart-bench sent=%d ok=%d bad=%d accepted=%d last_bad=%d\\n",
    totals.sent, totals.ok, totals.bad, totals.accepted, totals.last_bad))
end
"""

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)(us|ms|s|m|h)\s*$", re.M)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_SOCKET_ERRORS = re.compile(r"^\s*Socket errors:\s*(.+)$", re.M)
_COUNTERS = re.compile(
    r"^keepcart-bench sent=(\d+) ok=(\d+) bad=(\d+) accepted=(\d+) last_bad=(\d+)$", re.M
)


def parse_wrk(scenario: Scenario, output: str) -> WrkResult:
    """Requests/s and p50/p99 from wrk's ``--latency`` report, counters from our ``done``."""
    percentiles = {float(p): float(v) * _UNIT_MS[u] for p, v, u in _PERCENTILE.findall(output)}
    rate = _RATE.search(output)
    counters = _COUNTERS.search(output)
    if rate is None or counters is None or not {50.0, 99.0} <= percentiles.keys():
        raise BenchFailed(f"could not read wrk's report:\n{output}")
    sent, ok, bad, accepted, last_bad = (int(n) for n in counters.groups())
    errors = _SOCKET_ERRORS.search(output)
    return WrkResult(
        scenario=scenario,
        requests_per_s=float(rate.group(1)),
        p50_ms=percentiles[50.0],
        p99_ms=percentiles[99.0],
        sent=sent,
        ok=ok,
        non_2xx=bad,
        accepted=accepted,
        last_bad_status=last_bad,
        socket_errors=errors.group(1).strip() if errors else "",
    )


def fail_on_errors(result: WrkResult, output: str) -> None:
    label = result.scenario.label
    if result.non_2xx:
        raise BenchFailed(
            f"{label}: {result.non_2xx} non-2xx responses (last status {result.last_bad_status})"
            f"\n{output}"
        )
    if result.socket_errors:
        # Dropped connections or timeouts mean requests without an answer: not a valid run.
        raise BenchFailed(f"{label}: wrk socket errors: {result.socket_errors}\n{output}")
    if result.ok == 0:
        raise BenchFailed(f"{label}: no request completed\n{output}")
    if result.scenario.events and result.accepted != result.ok * result.scenario.events:
        raise BenchFailed(
            f"{label}: {result.ok} requests answered 2xx but accepted {result.accepted} events, "
            f"expected {result.ok * result.scenario.events}"
        )


@dataclass(frozen=True)
class CpuCounters:
    """CPU seconds so far: the whole machine's, the server process's and finished children's.

    wrk is a child that has finished by the second reading, so its time shows up in
    RUSAGE_CHILDREN; whatever else the machine did was some other process's doing.
    """

    machine: float
    server: float
    event_loop: float
    children: float
    at: float

    @classmethod
    def read(cls, server_pid: int) -> CpuCounters | None:
        tick = os.sysconf("SC_CLK_TCK")
        try:
            # /proc/stat "cpu user nice system idle iowait irq softirq steal …", in ticks.
            fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
            server = _proc_cpu_ticks(Path(f"/proc/{server_pid}/stat"))  # all threads
            main_thread = _proc_cpu_ticks(Path(f"/proc/{server_pid}/task/{server_pid}/stat"))
        except (OSError, ValueError, IndexError):
            return None
        busy = sum(fields[:8]) - fields[3] - fields[4]  # everything but idle and iowait
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return cls(
            machine=busy / tick,
            server=server / tick,
            event_loop=main_thread / tick,
            children=children.ru_utime + children.ru_stime,
            at=time.monotonic(),
        )

    def use_since(self, before: CpuCounters) -> CpuUse:
        wall = self.at - before.at
        server = self.server - before.server
        wrk = self.children - before.children
        others = max(0.0, self.machine - before.machine - server - wrk)
        return CpuUse(
            server=server / wall,
            event_loop=(self.event_loop - before.event_loop) / wall,
            wrk=wrk / wall,
            others=others / wall,
        )


def _proc_cpu_ticks(stat_file: Path) -> int:
    # utime and stime are the 14th and 15th fields; the 2nd, (comm), may contain spaces.
    fields = stat_file.read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


# --- the server ---------------------------------------------------------------------------------


def server_python() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def create_store(db: Path) -> str:
    command = [server_python(), "-m", "server", "stores", "create", "--name", "Bench"]
    command += ["--origin", ORIGIN, "--currency", "EUR", "--db", str(db)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    found = re.search(r'data-store="(pk_[^"]+)"', done.stdout)
    if done.returncode != 0 or found is None:
        raise BenchFailed(f"could not create the bench store:\n{done.stdout}{done.stderr}")
    return found.group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``keepcart serve`` as a child process in its own session.

    Its own session keeps Ctrl-C away from it: we stop it ourselves, gracefully, so the
    event sink flushes before the database is counted.
    """

    def __init__(self, db: Path, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        command = [server_python(), "-m", "server", "serve"]
        command += ["--port", str(self.port), "--db", str(db)]
        self.process = subprocess.Popen(
            command,
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

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.stop()
            return
        # Already failing or interrupted: stop the server, but keep the first error.
        try:
            self.stop()
        except BenchFailed as exc:
            print(f"(while cleaning up: {exc})", file=sys.stderr)

    def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchFailed(f"the server exited at start:\n{self.log_tail()}")
            # http.client, not urllib: no proxy settings from the environment apply.
            probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            try:
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
            finally:
                probe.close()
        raise BenchFailed(f"the server did not answer /healthz in {timeout:.0f}s")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGINT (uvicorn's graceful shutdown), SIGKILL if that takes too long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise BenchFailed(f"the server did not stop in {timeout:.0f}s") from None
        if not self._log.closed:
            self._log.close()
            if self.process.returncode != 0:
                raise BenchFailed(
                    f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
                )

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:]) or "(the server printed nothing)"


# --- reports ------------------------------------------------------------------------------------


def print_results(results: list[WrkResult]) -> None:
    print()
    print(
        f"{'scenario':<22} {'requests/s':>10} {'events/s':>9} {'p50':>9} {'p99':>9} "
        f"{'non-2xx':>7}   cores: server (event loop) / wrk / others"
    )
    for r in results:
        events = f"{r.events_per_s:,.0f}" if r.scenario.events else "-"
        print(
            f"{r.scenario.label:<22} {r.requests_per_s:>10,.0f} {events:>9} "
            f"{r.p50_ms:>7.2f}ms {r.p99_ms:>7.2f}ms {r.non_2xx:>7}   {format_cpu(r.cpu)}"
        )
    busy = busy_runs(results)
    if busy:
        print(
            f"WARNING: other processes used more than {BUSY_MACHINE_CORES} cores during: "
            f"{', '.join(busy)}. These numbers are unreliable; rerun on a quiet machine."
        )


def format_cpu(cpu: CpuUse | None) -> str:
    if cpu is None:
        return "n/a"
    return f"{cpu.server:.2f} ({cpu.event_loop:.2f}) / {cpu.wrk:.2f} / {cpu.others:.2f}"


def busy_runs(results: list[WrkResult]) -> list[str]:
    return [r.scenario.label for r in results if r.cpu and r.cpu.others > BUSY_MACHINE_CORES]


def check_storage(db: Path, results: list[WrkResult]) -> None:
    """Every acknowledged event is in the database, and nothing that was never sent is.

    wrk stops mid-flight: a request can be sent, committed and answered 202 by the server,
    and still be uncounted because wrk closed the connection before reading the answer. So
    per scenario, stored must lie between acknowledged-as-seen-by-wrk and sent; anything
    above acknowledged is one of those requests, at most one per connection.
    """
    # closing(): sqlite3's own context manager commits but never closes.
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        stored = dict(conn.execute("SELECT name, count(*) FROM events GROUP BY name").fetchall())
    print("storage check (read-only SQLite, after a graceful server stop):")
    problems = []
    for r in results:
        if not r.scenario.events:
            continue
        name, per_request = r.scenario.event_name, r.scenario.events
        got, acked, sent = stored.pop(name, 0), r.accepted, r.sent * per_request
        in_flight = (got - acked) / per_request
        verdict = "ok" if acked <= got <= sent and got % per_request == 0 else "MISMATCH"
        print(
            f"  {r.scenario.label:<24} acknowledged {acked:>9,}  stored {got:>9,}  "
            f"sent {sent:>9,}  ({in_flight:g} requests answered after wrk stopped)  "
            f"{verdict}"
        )
        if verdict != "ok":
            problems.append(r.scenario.label)
    if stored:
        problems.append(f"unexpected rows {stored}")
    total_acked = sum(r.accepted for r in results)
    print(
        f"  every one of the {total_acked:,} acknowledged events is stored: "
        f"{'yes' if not problems else 'NO'}"
    )
    if problems:
        raise BenchFailed(f"stored events do not match what the server acknowledged: {problems}")


def print_widget_sizes() -> None:
    files = sorted(STATIC_DIR.glob("keepcart.js")) + sorted(STATIC_DIR.glob("chunks/*.js"))
    print("widget sizes (gzip -9):")
    if not files:
        print(f"  no built widget files under {STATIC_DIR.relative_to(REPO)}/ (run `make widget`)")
        return
    for path in files:
        size = len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
        budget = GZIP_BUDGETS.get(widget_name(path), DEFAULT_CHUNK_BUDGET)
        verdict = "ok" if size <= budget else f"OVER BUDGET by {size - budget} bytes"
        name = path.relative_to(STATIC_DIR).as_posix()
        print(f"  {name:<32} {size:>6,} / {budget:>6,} bytes  {verdict}")


def widget_name(path: Path) -> str:
    # keepcart.js is the loader; chunks are named NAME.HASH.js.
    return path.name.split(".", 1)[0]


def print_summary(noop: WrkResult, single: WrkResult, batched: WrkResult) -> None:
    ratio = single.requests_per_s / noop.requests_per_s
    events = batched.events_per_s
    caveat = " (busy machine: unreliable)" if busy_runs([noop, single, batched]) else ""
    print(
        f"target: single-event ingest >= {RATIO_TARGET:.2f} of no-op req/s: {ratio:.2f} -> "
        f"{'met' if ratio >= RATIO_TARGET else 'NOT met'}{caveat}"
    )
    print(
        f"target: batched ingest >= {BATCHED_TARGET:,} events/s: {events:,.0f} -> "
        f"{'met' if events >= BATCHED_TARGET else 'NOT met'}{caveat}"
    )
    print(f"ingest ratio: {ratio:.2f} of no-op; batched: {events:.0f} events/s")


if __name__ == "__main__":
    sys.exit(main())
