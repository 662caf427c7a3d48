"""Emails shoppers gave with consent, by the merchant's role: the store's owners read them on
the written answers page, find them by its search and download them in the CSV; staff work
the same results, answers and CSV with every email answer withheld ("(owners only)"), and
their search of an email question finds nothing it could reveal an email by. The same goes
for an order's page (open to staff), which shows what its shopper answered."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re

import pytest

from server.accounts import add_member, create_user
from server.clock import now_ms
from server.orders.receipt_link import status_url
from server.services import services
from server.surveys.model import Question
from server.surveys.queries import save_survey
from tests.api.admin_client import MEMBER_PASSWORD, client_for, sign_in
from tests.api.ordering import insert_order
from tests.api.surveying import answer, live_survey, start

pytestmark = pytest.mark.anyio

STAFF = "staff@shop.test"
EMAILS = ("pat@example.test", "jo@example.test")
WITHHELD = "(owners only)"


@pytest.fixture
async def emailed(app, client, store):
    """A survey asking for an email (with consent) and a comment: two shoppers gave both,
    a third only a comment."""
    questions = (
        Question("q1", "email", "Your email?", required=False),
        Question("q2", "long_text", "Anything else?", required=False),
    )
    survey = await live_survey(app, store.id, "blank", questions=questions)
    given_by = [("v1", EMAILS[0], "Lovely mugs"), ("v2", EMAILS[1], "Too dear"),
                ("v3", None, "Just looking")]  # fmt: skip
    for visitor, email, comment in given_by:
        shown = (await start(client, survey, visitor)).json()
        given = await answer(client, survey, shown, "q1", email, consent=email is not None)
        assert given.status_code == 200, given.text
        assert (await answer(client, survey, shown, "q2", comment)).status_code == 200
    return survey


@pytest.fixture
async def owner(client, merchant):
    await sign_in(client)
    return client


@pytest.fixture
async def staff(app, store):
    await create_user(services(app).db, STAFF, MEMBER_PASSWORD, now=now_ms())
    await add_member(services(app).db, store.id, STAFF, "staff", now=now_ms())
    async with client_for(app, STAFF) as client:
        yield client


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))


@pytest.fixture
async def ordered(app, client, store):
    """Order 1001, whose shopper gave an email on its confirmation in two surveys, one of
    which has lost its email question since (the answer keeps its consent)."""
    await insert_order(app, store, 1001, visitor_id="v-1")
    token = status_url(services(app).signer, "", "ord_test1001").removeprefix("/orders/")
    questions = (
        Question("q1", "email", "Your email?", required=False),
        Question("q2", "long_text", "Anything else?", required=False),
    )
    asking = {"moments": ("confirmation",), "questions": questions}
    kept = await live_survey(app, store.id, "blank", name="Kept", **asking)
    removed = await live_survey(app, store.id, "blank", name="Edited", **asking)
    for survey, email in ((kept, EMAILS[0]), (removed, EMAILS[1])):
        shown = (await start(client, survey, "v-1", signal="confirmation", order=token)).json()
        given = await answer(client, survey, shown, "q1", email, consent=True)
        assert given.status_code == 200, given.text
    edited = dataclasses.replace(removed, questions=removed.questions[1:])
    state = services(app)
    await state.db.write(lambda conn: save_survey(conn, edited, state.clock.now_ms()))
    return f"/admin/stores/{store.id}/orders/1001"


def url(store, survey, page: str) -> str:
    return f"/admin/stores/{store.id}/surveys/{survey.public_id}/{page}"


# ---- owners ---------------------------------------------------------------------------------


async def test_owners_read_search_and_download_the_emails(owner, store, emailed):
    results = text_of((await owner.get(url(store, emailed, "results"))).text)
    assert "Read the 2 written answers to Your email?" in results

    answers = text_of((await owner.get(url(store, emailed, "answers"),
                                       params={"question": "q1"})).text)  # fmt: skip
    assert "2 answers" in answers and all(email in answers for email in EMAILS)
    found = text_of((await owner.get(url(store, emailed, "answers"),
                                     params={"question": "q1", "search": "pat"})).text)  # fmt: skip
    assert "1 answer containing “pat”" in found
    assert EMAILS[0] in found and EMAILS[1] not in found

    header, *rows = csv_rows(await owner.get(url(store, emailed, "results.csv")))
    assert header[-2:] == ["q1: Your email?", "q2: Anything else?"]
    assert sorted((row[-2], row[-1]) for row in rows) == [
        ("", "Just looking"), (EMAILS[1], "Too dear"), (EMAILS[0], "Lovely mugs"),
    ]  # fmt: skip


async def test_owners_read_the_emails_on_the_order_page(owner, ordered):
    page = text_of((await owner.get(ordered)).text)
    assert f"Your email? {EMAILS[0]} (agreed:" in page
    assert f"q1 {EMAILS[1]} (agreed:" in page  # the removed question: its key
    assert WITHHELD not in page


# ---- staff ----------------------------------------------------------------------------------


async def test_staff_get_the_csv_with_the_emails_withheld(staff, store, emailed):
    response = await staff.get(url(store, emailed, "results.csv"))
    header, *rows = csv_rows(response)
    assert header[-2:] == ["q1: Your email?", "q2: Anything else?"]
    assert sorted((row[-2], row[-1]) for row in rows) == [
        ("", "Just looking"), (WITHHELD, "Lovely mugs"), (WITHHELD, "Too dear"),
    ]  # fmt: skip
    assert "@" not in response.text


async def test_staff_read_the_results_and_the_comments_but_not_the_emails(staff, store, emailed):
    page = await staff.get(url(store, emailed, "results"))
    assert page.status_code == 200 and not any(email in page.text for email in EMAILS)
    results = text_of(page.text)
    assert "2 emails given with consent: only the store's owners can read them." in results
    assert "Read the 2 written answers to Your email?" not in results
    assert "Read the 3 written answers to Anything else?" in results

    searched = await staff.get(url(store, emailed, "answers"),
                               params={"question": "q2", "search": "dear"})  # fmt: skip
    comments = text_of(searched.text)
    assert "1 answer containing “dear”" in comments and "Too dear" in comments

    emails = await staff.get(url(store, emailed, "answers"), params={"question": "q1"})
    assert emails.status_code == 200 and not any(email in emails.text for email in EMAILS)
    listed = text_of(emails.text)
    assert "2 answers" in listed and listed.count(WITHHELD) == 2


@pytest.mark.parametrize("search", ["pat", "nobody", "@"])
async def test_a_staff_search_of_the_emails_reveals_nothing(staff, store, emailed, search):
    """Whether any email contains what staff type would tell them the email bit by bit: the
    search is not run on an email question for them, and says so."""
    page = await staff.get(url(store, emailed, "answers"),
                           params={"question": "q1", "search": search})  # fmt: skip
    assert page.status_code == 200
    assert not any(email in page.text for email in EMAILS)
    listed = text_of(page.text)
    assert "2 answers" in listed and "containing" not in listed
    assert listed.count(WITHHELD) == 2
    assert "Only the store's owners can read or search email answers." in listed


async def test_staff_read_the_order_page_with_the_emails_withheld(staff, ordered):
    response = await staff.get(ordered)
    assert response.status_code == 200
    assert not any(email in response.text for email in EMAILS)
    page = text_of(response.text)
    assert f"Your email? {WITHHELD}" in page and f"q1 {WITHHELD}" in page
