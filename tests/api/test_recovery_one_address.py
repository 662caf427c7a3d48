"""Whom a cart's reminders go to, and how many one address gets: an abandoned checkout's
reminders stay with the address they were first sent to (a different email later starts a
checkout contact of its own); one address runs one sequence in a store whatever number of
carts it is given in, gets at most one reminder of a step a day and a few a day in all; and
"email me my cart" honours the store's suppression list, goes once a day a cart and a few
times a day an address, and answers every address alike (anyone can type any address)."""

from __future__ import annotations

import pytest

from server.carts.queries import insert_cart, load_cart
from server.messages.suppression import hash_suppressed, suppress
from server.offers import claiming
from server.offers.claiming import CART_EMAILS_A_DAY
from server.offers.model import Offer
from server.recovery.model import DAILY_CAP, RecoverySettings, Step
from server.services import services
from tests.api.mailing import deliver, mail_settings, messages
from tests.api.offering import exposed_claim, live_campaign
from tests.api.plans import recorded_plans
from tests.api.recovering import SHOPPER, at_hours, contacts, give_contact, set_recovery
from tests.api.shopping import new_cart
from tests.api.statistics import GROWN_OUTBOX, GROWN_STORE, use_statistics

pytestmark = pytest.mark.anyio

OTHER = "other@example.com"


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


async def given(client, shop, token: str, email: str = SHOPPER) -> None:
    response = await give_contact(client, token, email, store=shop)
    assert response.json() == {"saved": True, "sms": False}, response.text


async def abandoned_cart(client, shop, email: str = SHOPPER, **items: int) -> str:
    token = await new_cart(client, shop.public_key, **(items or {"FH_MUG_01": 2}))
    await given(client, shop, token, email)
    return token


async def delivered(app) -> None:
    while await deliver(app):
        pass


def recipients(mail_server) -> list[str]:
    return [address for message in mail_server.received for address in message.rcpt_tos]


async def test_a_different_email_after_abandonment_starts_a_contact_of_its_own(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop, mode="notice")
    token = await abandoned_cart(client, sending_shop, FH_MUG_01=1, FH_THR_01=1)
    at_hours(app, 1)
    await delivered(app)
    assert recipients(mail_server) == [SHOPPER]

    await given(client, sending_shop, token, OTHER)  # whoever holds the cart token
    first, second = await contacts(app)
    assert (first["email"], first["next_due_at"], first["stop_reason"]) == (
        SHOPPER, None, "replaced")  # fmt: skip
    assert (second["email"], second["abandoned_at"]) == (OTHER, None)
    at_hours(app, 2)  # the new contact runs its own sequence, from its own step 1
    await delivered(app)
    assert recipients(mail_server) == [SHOPPER, OTHER]
    assert "You left something" in mail_server.received[-1].message["Subject"]
    assert "Lambswool Throw" in mail_server.received[-1].part("plain")
    at_hours(app, 25)  # the first address's step 2 goes to no one; the new one's to it
    await delivered(app)
    assert recipients(mail_server) == [SHOPPER, OTHER, OTHER]


async def test_the_same_email_again_after_abandonment_keeps_its_sequence(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop, mode="notice")
    token = await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await delivered(app)
    await given(client, sending_shop, token)
    [contact] = await contacts(app)
    assert contact["next_step"] == 2 and contact["stop_reason"] is None
    at_hours(app, 24)
    await delivered(app)
    assert recipients(mail_server) == [SHOPPER, SHOPPER]


async def test_one_address_runs_one_sequence_whatever_number_of_carts(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop, mode="notice")
    for _ in range(10):
        await abandoned_cart(client, sending_shop)
    await abandoned_cart(client, sending_shop, email=OTHER)
    at_hours(app, 1)
    await delivered(app)
    assert sorted(recipients(mail_server)) == sorted([SHOPPER, OTHER])
    rows = await contacts(app)
    running = [row for row in rows if row["stop_reason"] is None]
    assert [row["email"] for row in running] == [SHOPPER, OTHER]  # the latest cart's
    assert {row["stop_reason"] for row in rows if row not in running} == {"replaced"}


async def steps_written(app) -> list[int]:
    rows = await services(app).db.fetch_all(
        "SELECT step FROM recovery_steps ORDER BY written_at, step"
    )
    return [row["step"] for row in rows]


async def test_an_address_gets_one_reminder_of_a_step_a_day_and_three_in_all(
    app, client, sending_shop, mail_server
):
    # Steps an hour apart, and a shopper who leaves a cart every hour.
    await set_recovery(app, sending_shop, mode="notice", steps=(Step(60), Step(120), Step(180)))
    for hour in range(8):
        at_hours(app, hour)
        await delivered(app)  # the cart before is abandoned: its step 1 falls due
        await abandoned_cart(client, sending_shop)  # and it is replaced by this one
    assert await steps_written(app) == [1]  # each later cart's step 1: not again today

    for hour in (8, 9, 10):  # the last cart runs on: its steps 2 and 3 still go
        at_hours(app, hour)
        await delivered(app)
    assert await steps_written(app) == [1, 2, 3]

    await abandoned_cart(client, sending_shop)  # three today: nothing more
    for hour in (11, 12, 13):
        at_hours(app, hour)
        await delivered(app)
    assert await steps_written(app) == [1, 2, 3]
    assert recipients(mail_server) == [SHOPPER] * 3

    at_hours(app, 40)  # another day
    await abandoned_cart(client, sending_shop)
    for hour in (41, 42, 43):
        at_hours(app, hour)
        await delivered(app)
    assert await steps_written(app) == [1, 2, 3, 1, 2, 3]


def test_the_default_steps_fit_under_the_daily_cap():
    assert len(RecoverySettings().steps) <= DAILY_CAP


async def test_email_me_my_cart_honours_the_suppression_list(
    app, client, sending_shop, mail_server
):
    await services(app).db.write(lambda conn: conn.execute(
        "INSERT INTO email_suppressions VALUES (?, ?, 'unsubscribed', 1, 0)",
        (sending_shop.id, OTHER)))  # fmt: skip
    campaign = await live_campaign(app, sending_shop.id, Offer("none", 0, email_cart=True))
    for email in (OTHER, SHOPPER):
        token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
        _, response = await exposed_claim(client, campaign, cart=token, email=email, consent=True)
        assert response.status_code == 201, response.text
    await delivered(app)
    assert recipients(mail_server) == [SHOPPER]
    assert [m["recipient"] for m in await messages(app)] == [SHOPPER]


async def test_email_me_my_cart_goes_once_a_day_for_a_cart(app, client, sending_shop, mail_server):
    campaign = await live_campaign(app, sending_shop.id, Offer("none", 0, email_cart=True))
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    other_cart = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    for cart in (token, token, token, other_cart):
        _, response = await exposed_claim(client, campaign, cart=cart, email=SHOPPER,
                                          consent=True)  # fmt: skip
        assert response.status_code == 201, response.text
        assert response.json()["email_saved"] is True  # sent today, or to be
    at_hours(app, 24)
    _, response = await exposed_claim(client, campaign, cart=token, email=SHOPPER, consent=True)
    assert response.status_code == 201, response.text
    await delivered(app)
    assert recipients(mail_server) == [SHOPPER] * 3  # the cart's first, the other's, a day on


async def email_me_my_cart(client, campaign, email: str) -> dict:
    """A claim with no cart (each makes a new one), answered without its cart."""
    _, response = await exposed_claim(client, campaign, email=email, consent=True)
    assert response.status_code == 201, response.text
    return {k: v for k, v in response.json().items() if k not in ("cart", "cart_token")}


async def test_email_me_my_cart_goes_to_an_address_a_few_times_a_day_whatever_number_of_carts(
    app, client, sending_shop, mail_server
):
    assert CART_EMAILS_A_DAY == DAILY_CAP  # as the reminders'
    campaign = await live_campaign(app, sending_shop.id, Offer("none", 0, email_cart=True))
    for minute in range(15):  # a new cart each time: the once-a-cart rule never applies
        at_hours(app, minute / 60)
        answer = await email_me_my_cart(client, campaign, SHOPPER)
        assert answer == {"coupon": None, "email_saved": True}  # the claim still succeeds
    assert await email_me_my_cart(client, campaign, OTHER) == {"coupon": None, "email_saved": True}
    await delivered(app)
    # (sorted: the sender delivers a batch side by side, in no set order)
    assert sorted(recipients(mail_server)) == sorted([SHOPPER] * CART_EMAILS_A_DAY + [OTHER])
    # The merchant's Messages show the emails sent, nothing queued for the rest; the
    # requests themselves are all kept (Cart email requests).
    assert [m["recipient"] for m in await messages(app)] == [SHOPPER] * 3 + [OTHER]
    consents = await services(app).db.fetch_value("SELECT count(*) FROM email_consents")
    assert consents == 16

    at_hours(app, 24 + 0.5 / 60)  # a rolling day: the first has gone out of it, not the next two
    await email_me_my_cart(client, campaign, SHOPPER)
    await email_me_my_cart(client, campaign, SHOPPER)
    await delivered(app)
    assert sorted(recipients(mail_server)) == sorted([SHOPPER] * 3 + [OTHER, SHOPPER])


async def test_email_me_my_cart_answers_a_suppressed_or_capped_address_as_any_other(
    app, client, sending_shop, mail_server
):
    unsubscribed, erased, capped = "gone@example.com", "erased@example.com", "busy@example.com"
    signer = services(app).signer

    async def suppress_both(conn):
        await suppress(conn, sending_shop.id, unsubscribed, "unsubscribed", 0, step=1)
        await suppress(conn, sending_shop.id, erased, "unsubscribed", 0, step=1)
        await hash_suppressed(conn, signer, sending_shop.id, erased)

    await services(app).db.write(suppress_both)
    campaign = await live_campaign(app, sending_shop.id, Offer("none", 0, email_cart=True))
    for _ in range(CART_EMAILS_A_DAY):
        await email_me_my_cart(client, campaign, capped)
    answers = {
        email: await email_me_my_cart(client, campaign, email)
        for email in (SHOPPER, unsubscribed, erased, capped)
    }
    assert all(answer == answers[SHOPPER] for answer in answers.values()), answers
    assert answers[SHOPPER] == {"coupon": None, "email_saved": True}
    await delivered(app)  # the store honours the suppression and the cap silently
    # (sorted: the sender delivers a batch side by side, in no set order)
    assert sorted(recipients(mail_server)) == sorted([capped] * CART_EMAILS_A_DAY + [SHOPPER])


async def test_email_me_my_cart_promises_no_email_when_the_store_sends_none(
    app, client, sending_shop, mail_server
):
    switch_off = "INSERT OR REPLACE INTO message_switches VALUES (?, 'cart_email', 0)"
    await services(app).db.write(lambda conn: conn.execute(switch_off, (sending_shop.id,)))
    campaign = await live_campaign(app, sending_shop.id, Offer("none", 0, email_cart=True))
    for email in (SHOPPER, OTHER):
        assert await email_me_my_cart(client, campaign, email) == {
            "coupon": None, "email_saved": False}  # fmt: skip
    await delivered(app)
    assert mail_server.received == []


@pytest.mark.parametrize("statistics", [[], GROWN_STORE + GROWN_OUTBOX], ids=["none", "grown"])
async def test_email_me_my_cart_counts_an_addresss_emails_by_its_address(
    app, sending_shop, statistics
):
    """Not by the store's messages of the day: a busy store writes thousands, in the claim's
    write every shopper's order waits for."""
    await use_statistics(services(app).db, statistics)

    async def email_a_cart(conn) -> None:
        cart = await load_cart(conn, await insert_cart(conn, sending_shop.id, 0))
        assert cart is not None
        await claiming._email_cart(conn, sending_shop.id, cart.id, SHOPPER, 0, None)

    plans = await recorded_plans(services(app).db, email_a_cart)
    on_messages = [line for _, plan in plans for line in plan if "messages" in line]
    assert on_messages and all("recipient=?" in line or "cart_id=?" in line
                               for line in on_messages), on_messages  # fmt: skip
