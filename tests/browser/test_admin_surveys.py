"""A merchant builds a survey from the exit template, links an answer to an offer, watches the
live preview follow the form, makes it live and reads its results (charts, the written
answers, the CSV); every page passes axe-core at a desktop's width and a phone's."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.merchant import sign_in
from tests.browser.survey_admin import EXIT_ANSWERS, answer_survey

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def preview_query(page: Page) -> dict[str, list[str]]:
    src = page.locator("#survey-preview").get_attribute("src") or ""
    return parse_qs(urlsplit(src).query)


def test_merchant_builds_an_exit_survey_links_an_offer_and_reads_its_results(
    page: Page, stack: Stack, problems: PageProblems
):
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(viewport)
            if violations := serious_violations(page):
                found[f"{name} at {size} px"] = violations
        page.set_viewport_size(DESKTOP)

    page.set_viewport_size(DESKTOP)
    sign_in(page, stack)
    page.get_by_role("navigation", name="Fernhill Goods").get_by_role(
        "link", name="Surveys"
    ).click()
    expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()
    check("list")

    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Exit survey: what stopped you today?").check()
    check("templates")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("status")).to_contain_text("Survey created from its template")
    expect(page.get_by_role("heading", name="Edit Why shoppers leave", level=1)).to_be_visible()

    # "Delivery was too slow or too costly" leads to the demo campaign's free-shipping variant.
    question = page.get_by_role("group", name="Question 1")
    delivery = question.get_by_role("group", name="Option 6")
    expect(delivery.get_by_role("textbox", name="Label")).to_have_value(
        "Delivery was too slow or too costly"
    )
    offer = delivery.get_by_label("Offer after this answer")
    offer.select_option(label="Before you go: variant B, “Before you go: free shipping”")
    # Only what the chosen moments and question types use shows (admin.js).
    expect(question.get_by_label("Highest score", exact=True)).to_be_hidden()
    expect(page.get_by_label("Time on page (seconds)")).to_be_hidden()
    page.get_by_role("group", name="Ask it at").get_by_label("Time on the page").check()
    expect(page.get_by_label("Time on page (seconds)")).to_be_visible()
    page.get_by_role("group", name="Ask it at").get_by_label("Time on the page").uncheck()

    # A second question, for anything else they want to say.
    second = page.get_by_role("group", name="Question 2")
    second.get_by_text("Add question 2").click()
    second.get_by_label("Kind of question").select_option(label="Long text")
    second.get_by_role("textbox", name="Question", exact=True).fill("Anything else?")

    # The live preview follows the unsaved form, debounced, through the frame's address.
    prompt = question.get_by_role("textbox", name="Question", exact=True)
    prompt.fill("What stopped you <today>?")
    wait_for(
        lambda: preview_query(page).get("q1_prompt") == ["What stopped you <today>?"],
        message="the preview did not follow the form",
    )
    preview = page.frame_locator("#survey-preview")
    expect(preview.get_by_role("heading", name="Your shop")).to_be_visible()
    # The real widget renders the typed question, the merchant's text as text.
    expect(preview.get_by_text("What stopped you <today>?")).to_be_visible()
    check("form")

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Survey saved.")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Why shoppers leave", exact=True)
    )
    expect(row).to_contain_text("Draft")
    row.get_by_role("button", name="Go live").click()
    expect(page.get_by_role("status")).to_have_text("Survey is live.")
    expect(row).to_contain_text("Live")
    [survey] = stack.query("SELECT public_id, questions FROM surveys WHERE status = 'live'")
    assert '"remedy":{"campaign":"cmp_' in survey["questions"]

    # Shoppers answer (as the public API records them), and the merchant reads the results.
    answer_survey(stack, survey["public_id"], EXIT_ANSWERS)
    row.get_by_role("link", name="Results").click()
    expect(
        page.get_by_role("heading", name="Results of Why shoppers leave", level=1)
    ).to_be_visible()
    funnel = page.get_by_role("table", name="Responses in the range")
    expect(funnel.get_by_role("row", name="Shown 5")).to_be_visible()
    expect(funnel.get_by_role("row", name="Completed 4")).to_be_visible()
    chart = page.get_by_role("img", name="What stopped you <today>?")
    expect(chart).to_be_visible()
    expect(page.get_by_role("figure", name="What stopped you <today>?")).to_contain_text(
        "Delivery was too slow or too costly"
    )
    page.get_by_text("Show as table: What stopped you <today>?").click()
    table = page.get_by_role("table", name="What stopped you <today>?")
    expect(
        table.get_by_role("row", name="Delivery was too slow or too costly 50% · 2")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Responses by week")).to_be_visible()
    check("results")

    # The CSV the link downloads: one row per response, the question's answers in words.
    link = page.get_by_role("link", name="Download these responses (CSV)")
    with page.expect_download() as download_info:
        link.click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    reasons = Counter(r["q1: What stopped you <today>?"] for r in rows)
    assert reasons == {"Delivery was too slow or too costly": 2, "I was just browsing": 1,
                       "Extra costs were higher than I expected": 1, "": 1}  # fmt: skip

    page.get_by_role("link", name="Read the 2 written answers").click()
    expect(page.get_by_role("status")).to_have_text("2 answers")
    page.get_by_role("searchbox", name="Containing").fill("TAX")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 answer containing “TAX”")
    expect(page.get_by_text("Tax added at the end")).to_be_visible()
    check("written answers")

    assert found == {}
    assert problems.errors == [] and problems.csp_violations == []
