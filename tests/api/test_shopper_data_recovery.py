"""*Shopper data* and cart recovery (server/privacy/recovery.py): the email a shopper gave in
checkout, the reminders their abandoned cart was sent and their unsubscribe are found,
exported and erased like the rest; an erased shopper gets no more reminders, and stays
unsubscribed without the store keeping their address; a contact's email goes a while after
its sequence ended (maintenance)."""

from __future__ import annotations

import pytest

from server.app import run_maintenance
from server.messages.suppression import HASHED
from server.privacy.finding import find_shopper
from server.privacy.model import ShopperKey
from server.privacy.retention import CONTACT_DAYS, clear_ended_contacts
from server.recovery.model import HOUR_MS
from server.services import services
from tests.api.mailing import deliver, mail_settings, messages
from tests.api.recovering import (
    SHOPPER,
    at_hours,
    contacts,
    give_contact,
    set_recovery,
    unsubscribe_link,
)
from tests.api.shopping import new_cart

pytestmark = pytest.mark.anyio

OTHER = "other@example.com"
DAY_MS = 24 * HOUR_MS


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


@pytest.fixture
def admin_section() -> str:
    return "shopper-data"


async def abandoned_cart(client, shop, email=SHOPPER) -> str:
    token = await new_cart(client, shop.public_key, FH_MUG_01=2)
    response = await give_contact(client, token, email, store=shop)
    assert response.json() == {"saved": True, "sms": False}, response.text
    return token


async def suppressions(app) -> list[dict]:
    rows = await services(app).db.fetch_all("SELECT * FROM email_suppressions ORDER BY created_at")
    return [dict(row) for row in rows]


async def test_a_shopper_with_only_an_abandoned_checkout_is_found_and_erased_and_not_reminded(
    app, client, sending_shop, mail_server, admin
):
    _, post_form = admin
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    await abandoned_cart(client, sending_shop, email=OTHER)

    page = await post_form("", {"email": SHOPPER})
    assert "Nothing is stored" not in page.text
    assert "1 checkout contact" in page.text
    erased = await post_form("/erase", {"email": SHOPPER, "confirm": "true"})
    assert erased.status_code == 303

    at_hours(app, 1)
    await deliver(app)
    assert [m.rcpt_tos for m in mail_server.received] == [[OTHER]]  # the other shopper's only
    left = {row["email"] for row in await contacts(app)}
    assert left == {OTHER}  # theirs was never abandoned: nothing of it counts, it is gone


async def test_an_abandoned_checkout_is_exported_then_redacted_keeping_the_results(
    app, client, sending_shop, mail_server, admin
):
    _, post_form = admin
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)  # step 1 written and sent
    [reminder] = mail_server.received

    document = (await post_form(".json", {"email": SHOPPER})).json()
    [contact] = document["checkout_contacts"]
    assert contact["email"] == SHOPPER and contact["wording_shown"]
    assert [line["sku"] for line in contact["cart_when_abandoned"]] == ["FH-MUG-01"]
    assert [(s["step"], s["sent_to"]) for s in contact["reminders"]] == [(1, SHOPPER)]
    assert [m["what"] for m in document["messages"]] == ["Cart reminder"]

    await post_form("/erase", {"email": SHOPPER, "confirm": "true"})
    [row] = await contacts(app)
    assert (row["email"], row["wording"], row["phone"], row["cart_snapshot"]) == (
        None, None, None, "[]")  # fmt: skip
    assert row["abandoned_at"] is not None and row["next_due_at"] is None  # counted, stopped
    assert await services(app).db.fetch_value("SELECT count(*) FROM recovery_steps") == 1
    assert await messages(app) == []
    at_hours(app, 48)
    await deliver(app)
    assert mail_server.received == [reminder]  # no second step
    assert SHOPPER not in str(await contacts(app))


async def test_an_erased_shopper_stays_unsubscribed_without_their_address_being_kept(
    app, client, sending_shop, mail_server, admin
):
    _, post_form = admin
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    unsubscribe = unsubscribe_link(mail_server.received[0].message["List-Unsubscribe"])
    assert (await client.post(unsubscribe)).status_code == 200

    document = (await post_form(".json", {"email": SHOPPER})).json()
    assert [u["email"] for u in document["unsubscribes"]] == [SHOPPER]
    erased = await post_form("/erase", {"email": SHOPPER, "confirm": "true"})
    assert "1 unsubscribe kept as a keyed fingerprint" in " ".join(
        (await client.get(erased.headers["location"])).text.split()
    )
    [row] = await suppressions(app)
    assert row["email"].startswith(HASHED) and SHOPPER not in str(row)
    assert row["step"] == 1  # still counted in the results

    # They come back and give their email in checkout again: no reminder reaches them.
    # The sequence finds the fingerprint too (the app's signer): it writes no reminder at
    # all, rather than ones the sender then suppresses.
    await abandoned_cart(client, sending_shop)
    at_hours(app, 30)
    await deliver(app)
    assert len(mail_server.received) == 1
    assert await messages(app) == []
    latest = (await contacts(app))[-1]
    assert latest["stop_reason"] == "unsubscribed" and latest["next_due_at"] is None
    # The fingerprint is not found as theirs: nothing of it can be exported or shown.
    found = await find_shopper(services(app).db, sending_shop, ShopperKey(SHOPPER))
    assert found.sections["unsubscribes"] == [] and found.counts["checkout_contacts"] == 1


async def test_maintenance_clears_a_contacts_email_a_while_after_its_sequence_ended(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    at_hours(app, 24 * 10)
    await deliver(app)  # the last steps, then the sequence ends
    [row] = await contacts(app)
    assert row["next_due_at"] is None and row["stopped_at"] is not None
    ended = row["stopped_at"]
    db = services(app).db

    assert (
        await clear_ended_contacts(db, services(app).signer, ended + CONTACT_DAYS * DAY_MS - 1) == 0
    )
    assert (await contacts(app))[0]["email"] == SHOPPER
    services(app).clock.set(ended + CONTACT_DAYS * DAY_MS)
    await run_maintenance(services(app))  # the hourly upkeep clears it
    [row] = await contacts(app)
    assert (row["email"], row["wording"], row["cart_snapshot"]) == (None, None, "[]")
    assert row["abandoned_at"] is not None  # still counted in the results
    assert (
        await clear_ended_contacts(db, services(app).signer, ended + CONTACT_DAYS * DAY_MS * 2) == 0
    )


async def reminded_to(app) -> list[str | None]:
    rows = await services(app).db.fetch_all("SELECT sent_to FROM recovery_steps ORDER BY step")
    return [row["sent_to"] for row in rows]


async def test_erasure_takes_the_address_off_the_reminders_sent_to_it(
    app, client, sending_shop, mail_server, admin
):
    _, post_form = admin
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    assert await reminded_to(app) == [SHOPPER]
    await post_form("/erase", {"email": SHOPPER, "confirm": "true"})
    assert await reminded_to(app) == [None]


async def test_erasure_finds_a_reminder_sent_to_them_before_the_checkout_changed_its_email(
    app, client, sending_shop, mail_server, admin
):
    _, post_form = admin
    await set_recovery(app, sending_shop)
    token = await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    # OTHER's now: after the abandonment a new address is a contact of its own.
    await give_contact(client, token, OTHER, store=sending_shop)
    await post_form("/erase", {"email": SHOPPER, "confirm": "true"})
    assert await reminded_to(app) == [None]
    assert [c["email"] for c in await contacts(app)] == [None, OTHER]  # OTHER's: kept


async def test_an_old_unsubscribe_link_after_erasure_keeps_only_the_fingerprint(
    app, client, sending_shop, mail_server, admin
):
    _, post_form = admin
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    link = unsubscribe_link(mail_server.received[0].message["List-Unsubscribe"])
    await post_form("/erase", {"email": SHOPPER, "confirm": "true"})
    assert (await client.post(link)).status_code == 200  # clicked after the erasure
    assert SHOPPER not in str(await suppressions(app))


async def test_retention_takes_the_address_off_the_reminders(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    await abandoned_cart(client, sending_shop)
    at_hours(app, 1)
    await deliver(app)
    at_hours(app, 24 * 10)
    await deliver(app)
    ended = (await contacts(app))[0]["stopped_at"]
    await clear_ended_contacts(
        services(app).db, services(app).signer, ended + CONTACT_DAYS * DAY_MS
    )
    assert (await contacts(app))[0]["email"] is None
    assert await reminded_to(app) and set(await reminded_to(app)) == {None}
