"""Accessibility checks with axe-core (bundled by the axe-playwright-python package)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from playwright.sync_api import Page


@cache
def _axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text()


def serious_violations(page: Page) -> list[str]:
    """axe-core violations of serious or critical impact on the page, shadow roots included."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
