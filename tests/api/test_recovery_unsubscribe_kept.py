"""An unsubscribe link works for ever (server/recovery/links.py), also after the retention or
an erasure cleared the address it was sent to: the reminder keeps the address's keyed hash
(``server.messages.suppression.HASHED``), which goes on the store's list; and where nothing
at all is left to put on it, the page says so rather than "You are unsubscribed"."""

from __future__ import annotations

import pytest

from server.messages.suppression import HASHED, hashed_forms, is_suppressed
from server.privacy.retention import clear_ended_contacts
from server.services import services
from tests.api.mailing import deliver, mail_settings
from tests.api.recovering import SHOPPER, at_hours, give_contact, set_recovery, unsubscribe_link
from tests.api.shopping import new_cart

pytestmark = pytest.mark.anyio

MONTH_AFTER = 72 + 31 * 24  # hours: a month after the third reminder


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


@pytest.fixture
def admin_section() -> str:
    return "shopper-data"


async def reminded(app, client, shop, mail_server, hours=(1, 24, 72)) -> str:
    """A checkout abandoned and sent its reminders (``hours`` after it was given: the three
    by default); the last one's unsubscribe link."""
    await set_recovery(app, shop)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await give_contact(client, token, SHOPPER, store=shop)
    for hour in hours:
        at_hours(app, hour)
        await deliver(app)
    assert len(mail_server.received) == len(hours)
    return unsubscribe_link(mail_server.received[-1].part("plain"))


async def suppressed_rows(app) -> list[str]:
    rows = await services(app).db.fetch_all("SELECT email FROM email_suppressions")
    return [row["email"] for row in rows]


async def test_a_link_used_after_the_retention_cleared_the_address_still_unsubscribes(
    app, client, sending_shop, mail_server
):
    link = await reminded(app, client, sending_shop, mail_server)
    at_hours(app, MONTH_AFTER)
    state = services(app)
    assert await clear_ended_contacts(state.db, state.signer, state.clock.now_ms()) == 1
    answer = await client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and "You are unsubscribed" in answer.text
    # On the list as its keyed hash only: the store never holds the address again.
    rows = await suppressed_rows(app)
    assert len(rows) == 1 and rows[0].startswith(HASHED) and SHOPPER not in rows[0]
    assert await is_suppressed(state.db, sending_shop.id, SHOPPER, state.signer)
    # The same shopper leaves another checkout: no reminder reaches them.
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    await give_contact(client, token, SHOPPER, store=sending_shop)
    at_hours(app, MONTH_AFTER + 1)
    await deliver(app)
    assert len(mail_server.received) == 3


async def test_the_retention_keeps_no_address_only_its_hash(app, client, sending_shop, mail_server):
    await reminded(app, client, sending_shop, mail_server)
    at_hours(app, MONTH_AFTER)
    state = services(app)
    await clear_ended_contacts(state.db, state.signer, state.clock.now_ms())
    steps = await state.db.fetch_all("SELECT sent_to, sent_to_hash FROM recovery_steps")
    assert [row["sent_to"] for row in steps] == [None, None, None]
    assert {row["sent_to_hash"] for row in steps} == {hashed_forms(state.signer, SHOPPER)[0]}


async def test_a_link_used_after_an_erasure_puts_the_hash_on_the_list(
    app, client, sending_shop, mail_server, admin
):
    _, post_form = admin
    # Erased while the admin's session is fresh: after the first reminder.
    link = await reminded(app, client, sending_shop, mail_server, hours=(1,))
    erased = await post_form("/erase", {"email": SHOPPER, "confirm": "true"})
    assert erased.status_code in (200, 303), erased.text
    answer = await client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and "You are unsubscribed" in answer.text
    state = services(app)
    assert await is_suppressed(state.db, sending_shop.id, SHOPPER, state.signer)
    assert SHOPPER not in str(await suppressed_rows(app))


async def test_where_nothing_is_left_to_put_on_the_list_the_page_says_so(
    app, client, sending_shop, mail_server
):
    link = await reminded(app, client, sending_shop, mail_server)

    # As a retention before the hash was kept (migration 0037) left a contact.
    async def cleared_long_ago(conn) -> None:
        await conn.execute("UPDATE checkout_contacts SET email = NULL")
        await conn.execute("UPDATE recovery_steps SET sent_to = NULL, sent_to_hash = NULL")

    await services(app).db.write(cleared_long_ago)
    answer = await client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert "You are unsubscribed" not in answer.text
    assert "no longer holds the address" in answer.text
    assert await suppressed_rows(app) == []
