"""Offers benchmark: the offers chunk's size, and how fast an exit-intent offer appears.

It prints the loader's and the offers chunk's gzip sizes (level 9; ``widget/build.mjs``'s zlib
may differ from Python's by a few bytes) against their 4 KB and 8 KB budgets. Then, in one
run, it prepares a fresh SQLite file with the demo store and a single live exit-intent
campaign (no holdout, no minimum time, no return delay, so the
trigger fires as the pointer leaves), starts one real ``keepcart serve`` process and the demo
store beside it (the helpers of ``bench/checkout.py``), and in Chromium with 4× CPU
throttling times, on the demo store's home page, how long it takes from the pointer leaving
the window through the top (the ``mouseout`` event's timestamp) to the offer dialog being
open with its main button focused and visible, after the next frame. Each run is a new
visitor (storage cleared, page reloaded) on a settled page; the first run fetches the chunk
over the network (while the page is idle, before the trigger), later ones from the HTTP
cache. Median of the later visitors (7 by default), target 100 ms.

It prints figures and never fails on a missed target; the exit status is 1 only when the run
is invalid (a server that fails, an offer that never appears).

    .venv/bin/python bench/offers.py [--runs 7] [--skip-browser]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gzip
import json
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import checkout as checkout_bench  # bench/checkout.py: server, demo shop and browser helpers

REPO = Path(__file__).resolve().parent.parent
STATIC_DIR = REPO / "server" / "static"
CHUNK_BUDGET = 8_192  # gzip bytes, as widget/build.mjs enforces
BOOT_BUDGET = 2_560  # keepcart.js, the first stage
LOADER_BUDGET = 4_096  # chunks/main.*.js, the loader proper
TRIGGER_TARGET_MS = 100
CPU_THROTTLING = checkout_bench.CPU_THROTTLING  # the page throttled_page() gives

# Until the offer dialog is open with its main button focused and visible; then the time
# after the frame that shows it. Started at the pointer leaving the window.
MEASURE_EXIT = """() => {
  const timing = (window.__benchOffer = {});
  const root = () => document.getElementById("keepcart-root")?.shadowRoot;
  document.addEventListener("mouseout", (event) => {
    if (event.relatedTarget || timing.exit !== undefined) return;
    timing.exit = event.timeStamp;
    const ready = () => {
      const go = root()?.querySelector("dialog.kco[open] .kco-go");
      return go && root().activeElement === go && go.checkVisibility();
    };
    const poll = () => {
      if (!ready()) return requestAnimationFrame(poll);
      setTimeout(() => { timing.interactive = performance.now(); }, 0);
    };
    requestAnimationFrame(poll);
  }, true);
}"""
# The offers chunk has this visitor's arm (answered, then an idle moment, at most 1 s, so it
# is read): it builds the dialog only when the trigger fires.
ARMED = """() => new Promise((resolve) => requestIdleCallback(() => resolve(
  performance.getEntriesByType("resource")
    .some((entry) => entry.name.includes("/arm?") && entry.responseEnd > 0)), { timeout: 1000 }))"""
CHUNK_FROM_CACHE = """() => {
  const entries = performance.getEntriesByType("resource")
    .filter((entry) => entry.name.includes("/v1/chunks/offers."));
  return entries.length > 0 && entries.every((entry) => entry.transferSize === 0);
}"""


@dataclass(frozen=True)
class OfferTiming:
    first_ms: float  # the first visit: the chunk came over the network
    warm_ms: list[float]  # later visitors, the chunk from the HTTP cache
    cached: list[bool]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.warm_ms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed visits after the first")
    parser.add_argument("--skip-browser", action="store_true", help="sizes only")
    args = parser.parse_args(argv)
    print_sizes()
    if args.skip_browser:
        return 0
    try:
        timing = run(args.runs)
    except checkout_bench.BenchFailed as exc:
        print(f"\nBENCH FAILED: {exc}", file=sys.stderr)
        return 1
    if timing is not None:
        print_timing(timing)
    return 0


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def print_sizes() -> None:
    manifest = json.loads((STATIC_DIR / "manifest.json").read_text())
    rows = [
        ("keepcart.js (first stage)", STATIC_DIR / manifest["loader"], BOOT_BUDGET),
        (f"{manifest['main']} (loader)", STATIC_DIR / manifest["main"], LOADER_BUDGET),
    ]
    if "offers" not in manifest["chunks"]:
        raise SystemExit("no offers chunk in server/static: run `npm run build` in widget/")
    rows.append(
        (manifest["chunks"]["offers"], STATIC_DIR / manifest["chunks"]["offers"], CHUNK_BUDGET)
    )
    for name, path, budget in rows:
        size = gzip_size(path)
        verdict = "ok" if size <= budget else f"OVER by {size - budget} bytes"
        print(f"{name:32} {size:6} B gzip of {budget} B ({100 * size / budget:.0f} %)  {verdict}")


async def add_campaign(db_path: Path, store_key: str) -> None:
    """End the demo seed's campaign; one live campaign that fires as the pointer leaves."""
    from server.clock import now_ms
    from server.db import Database
    from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
    from server.offers.queries import save_campaign

    campaign = Campaign(
        name="Bench exit offer",
        status="live",
        trigger=Trigger(kind="exit_intent", min_seconds=0, return_delay_ms=0),
        targeting=Targeting(),
        frequency=Frequency(mode="once_per_session", max_impressions=None),
        holdout_percent=0,
        variants=(
            Variant(key="A", weight=100, headline="Before you go: 10% off",
                    body="Take 10% off your order for the next 30 minutes.",
                    button_text="Claim 10% off", offer=Offer(kind="percent", value=10)),
        ),
    )  # fmt: skip
    db = Database(db_path)
    await db.open()
    try:

        async def replace(conn: Any) -> None:
            async with conn.execute(
                "SELECT id FROM stores WHERE public_key = ?", (store_key,)
            ) as rows:
                (store_id,) = await rows.fetchone()
            await conn.execute(
                "UPDATE campaigns SET status = 'ended' WHERE store_id = ?", (store_id,)
            )
            await save_campaign(conn, dataclasses.replace(campaign, store_id=store_id), now_ms())

        await db.write(replace)
    finally:
        await db.close()


def run(runs: int) -> OfferTiming | None:
    with tempfile.TemporaryDirectory(prefix="keepcart-bench-offers-") as tmp:
        db = Path(tmp) / "bench.db"
        shop_port = checkout_bench.free_port()
        shop_url = f"http://127.0.0.1:{shop_port}"
        store_key = asyncio.run(checkout_bench.prepare_database(db, shop_url))
        asyncio.run(add_campaign(db, store_key))
        server = checkout_bench.Server(db, Path(tmp) / "server.log", shop_url)
        with server, checkout_bench.DemoShop(server.url, store_key, shop_port):
            return time_offer(shop_url, runs)


def time_offer(shop_url: str, runs: int) -> OfferTiming | None:
    from playwright.sync_api import sync_playwright

    print(
        f"\ntiming the exit-intent offer in Chromium ({CPU_THROTTLING}× CPU throttling)…",
        flush=True,
    )
    with sync_playwright() as playwright, checkout_bench.throttled_page(playwright) as page:
        if page is None:
            return None
        page.goto(shop_url + "/")
        first = exit_once(page)
        warm, cached = [], []
        for _ in range(runs):
            # A new visitor: no visitor id, no session, no interruption spent.
            page.evaluate("localStorage.clear(); sessionStorage.clear()")
            page.reload()
            warm.append(exit_once(page))
            cached.append(page.evaluate(CHUNK_FROM_CACHE))
    return OfferTiming(first, warm, cached)


def exit_once(page: Any) -> float:
    """Move the pointer out through the top; ms until the offer is open and focusable."""
    checkout_bench.poll(page, ARMED)
    # A shopper leaves a page that has settled, not one still busy starting up.
    page.evaluate("new Promise((resolve) => requestIdleCallback(() => resolve(true)))")
    page.mouse.move(640, 300)
    page.evaluate(MEASURE_EXIT)
    page.mouse.move(640, 4, steps=3)
    page.mouse.move(640, -20)
    checkout_bench.poll(page, "window.__benchOffer.interactive !== undefined")
    timing = page.evaluate("window.__benchOffer")
    return timing["interactive"] - timing["exit"]


def print_timing(timing: OfferTiming) -> None:
    runs = ", ".join(f"{ms:.0f}" for ms in timing.warm_ms)
    cache = "from the HTTP cache" if all(timing.cached) else "NOT all from the HTTP cache"
    print(f"  first visitor (chunk fetched over the network when idle): {timing.first_ms:.0f} ms")
    print(f"  later visitors (chunk {cache}): {runs} ms")
    verdict = "ok" if timing.median_ms <= TRIGGER_TARGET_MS else "MISSED"
    print(f"\ntrigger to dialog: {timing.median_ms:.0f} ms median (target ≤ {TRIGGER_TARGET_MS} ms"
          f", {CPU_THROTTLING}× CPU throttling)  {verdict}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
