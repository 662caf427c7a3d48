"""Quick feedback surveys in the browser tier: the surveys a test saves (through the real
queries, as the admin saves them), what the shopper's browser waits for before a moment can
show one, and the responses, answers and survey events stored."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from playwright.sync_api import Locator, Page

from server.clock import now_ms
from server.db import Database
from server.offers.model import Trigger
from server.surveys.model import Survey, SurveySettings
from server.surveys.queries import save_settings, save_survey
from server.surveys.templates import from_template
from tests.browser.conftest import Stack, wait_for
from tests.browser.shopping import wait_for_loader

# Exit intent that decides at once: no minimum time on the page, no return delay.
AT_ONCE = Trigger(kind="exit_intent", min_seconds=0, return_delay_ms=0)
EXIT_PROMPT = "What stopped you today?"

# How many surveys' states the surveys chunk has read (answered, then a task later, so the
# answers are read): it shows nothing before, so this is what "ready" is (as offering.ARMED).
SURVEYS_READY = """() => new Promise((resolve) => setTimeout(() => {
  const observer = new PerformanceObserver(() => {});
  observer.observe({ type: "resource", buffered: true });
  const entries = observer.takeRecords();
  observer.disconnect();
  resolve(entries.filter((each) => each.name.includes("/state?") && each.responseEnd > 0).length);
}))"""


def survey(template: str = "exit", **changes: Any) -> Survey:
    """A survey from ``template`` (a draft: only_surveys makes it live), exit intent at once."""
    return dataclasses.replace(from_template(template, 0), **{"trigger": AT_ONCE, **changes})


def only_surveys(
    stack: Stack, *surveys: Survey, settings: SurveySettings | None = None
) -> list[str]:
    """End every survey the store has, save these as its running surveys in order (and the
    store's survey settings, when given); returns their public ids."""
    with ThreadPoolExecutor(1) as pool:  # Playwright owns this thread's event loop
        return pool.submit(asyncio.run, _replace_surveys(stack, surveys, settings)).result()


async def _replace_surveys(
    stack: Stack, surveys: tuple[Survey, ...], settings: SurveySettings | None
) -> list[str]:
    db = Database(stack.db_path)
    await db.open()
    try:

        async def replace(conn: Any) -> list[str]:
            store_id = stack.store.id
            await conn.execute(
                "UPDATE surveys SET status = 'ended' WHERE store_id = ?", (store_id,)
            )
            if settings is not None:
                await save_settings(conn, store_id, settings, now_ms())
            saved = []
            for each in surveys:
                live = dataclasses.replace(each, store_id=store_id, status="live")
                saved.append((await save_survey(conn, live, now_ms())).public_id)
            return saved

        return await db.write(replace)
    finally:
        await db.close()


def open_shop(page: Page, stack: Stack, path: str = "/", surveys: int = 1) -> None:
    """Open a shop page and wait until the surveys chunk has read every survey's state."""
    page.goto(stack.shop_url + path)
    wait_for_loader(page)
    page.evaluate("new Promise((resolve) => keepcart('on', 'ready', () => resolve(true)))")
    wait_for(lambda: page.evaluate(SURVEYS_READY) >= surveys, message="the surveys never got ready")


def leave_narrow_page(page: Page) -> None:
    """offering.leave_through_the_top on a page 320 px wide: the pointer leaves from inside it."""
    page.mouse.move(160, 200)
    page.mouse.move(160, 5, steps=4)
    page.mouse.move(160, -20)


def survey_sheet(page: Page, prompt: str = EXIT_PROMPT) -> Locator:
    """The survey's sheet, named by its question (the legend labels it)."""
    return page.get_by_role("dialog", name=prompt)


# Is there an element matching the selector in Keepcart's shadow root?
IN_ROOT = """(selector) => {
  const root = document.getElementById("keepcart-root")?.shadowRoot;
  return !!root?.querySelector(selector);
}"""


def no_survey_sheet(page: Page) -> bool:
    return not page.evaluate(IN_ROOT, "dialog.kcs[open]")


def no_survey_built(page: Page) -> bool:
    """No survey sheet was ever made on this page (a sheet stays in the root once closed)."""
    return not page.evaluate(IN_ROOT, "dialog.kcs")


RESPONSES = (
    "SELECT s.public_id AS survey, r.public_id AS id, r.visitor_id, r.signal, r.status,"
    " r.order_id, r.utm_source, r.page, r.device, r.remedy_arm FROM survey_responses r"
    " JOIN surveys s ON s.id = r.survey_id ORDER BY r.id"
)
ANSWERS = (
    "SELECT r.public_id AS response, a.question, a.option, a.number, a.text"
    " FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id"
    " ORDER BY a.response_id, a.question, a.option"
)


def responses(stack: Stack) -> list[dict]:
    return [dict(row) for row in stack.query(RESPONSES)]


def answers(stack: Stack) -> list[dict]:
    return [dict(row) for row in stack.query(ANSWERS)]


def survey_events(stack: Stack) -> list[tuple[str, dict]]:
    return [(row["name"], json.loads(row["props"])) for row in stack.events(type="survey")]


def forget_interruptions(page: Page) -> None:
    """What a shopper clearing the site's storage does to Keepcart's interruption memory."""
    page.evaluate("localStorage.removeItem('keepcart:interruptions')")
