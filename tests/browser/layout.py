"""Layout shifts on the host page, as the browser reports them, from the page's load on.

Keepcart's loader changes nothing on the page before the ``load`` event (it fills mounts when
idle after it), so every shift Keepcart could cause comes after the load. Shifts before it are
the page's own: on a slow or busy CPU the browser may paint a half-parsed document (the demo's
header with its cart button still empty) and move it once the rest is parsed — real, but not
what these tests measure, and it made them fail now and then on a loaded machine.
"""

from __future__ import annotations

from playwright.sync_api import Page

# Every shift, with whether an input excused it and the names of the nodes that moved.
WATCH_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const sources = entry.sources.map((source) => source.node?.nodeName || "?");
    window.__shifts.push({ value: entry.value, input: entry.hadRecentInput, sources,
                           start: entry.startTime });
  }
}).observe({ type: "layout-shift", buffered: true });
// The event's own time stamp: a page clock installed by a test fakes performance, not this.
addEventListener("load", (event) => { window.__loadedAt = event.timeStamp; }, { once: true });
"""

SINCE = """(since) => window.__shifts.filter((shift) => shift.start >= since)
  .map(({ value, input, sources }) => ({ value, input, sources }))"""


def watch_layout_shifts(page: Page) -> None:
    """Record the layout shifts of every page this tab opens from now on."""
    page.add_init_script(WATCH_SHIFTS)


def layout_shifts(page: Page, *, excused: bool = True, since: float | None = None) -> list[dict]:
    """The shifts since the page loaded (or since ``since``, a ``performance.now()`` the test
    read); ``excused=False`` leaves out those right after an input (which CLS does not
    count)."""
    loaded = page.evaluate("window.__loadedAt")
    assert loaded is not None, "the page has not loaded yet"
    shifts = page.evaluate(SINCE, max(loaded, since or 0))
    return shifts if excused else [shift for shift in shifts if not shift["input"]]
