"""The "Cart recovery" admin pages: the owners' settings form (saved, every error at once,
nothing half-written) and the results, with and without a holdout."""

from __future__ import annotations

import pytest

from server.recovery import queries
from server.recovery.model import DEFAULTS
from server.services import services
from tests.api.mailing import mail_settings
from tests.api.recovering import at_hours, give_contact, set_recovery
from tests.api.shopping import new_cart, order_body, place

pytestmark = pytest.mark.anyio


@pytest.fixture
def admin_section() -> str:
    return "recovery"


def form(**changes: str) -> dict[str, str]:
    values = {
        "mode": "notice",
        "notice_text": "We may email you a reminder.",
        "consent_text": "Remind me by email.",
        "sms_text": "Text me once about my cart",
        "shop_url": "http://shop.test/cart",
        "holdout_percent": "20",
        "step1_enabled": "true",
        "step1_minutes": "30",
        "step1_incentive": "none",
        "step2_minutes": "600",
        "step2_incentive": "fixed",
        "step2_value": "5.00",
        "step2_days": "3",
        "step3_enabled": "true",
        "step3_minutes": "2880",
        "step3_incentive": "percent",
        "step3_value": "15",
        "step3_days": "7",
    }
    return {key: value for key, value in (values | changes).items() if value is not None}


async def test_the_owner_saves_the_settings(app, admin, store):
    _, post = admin
    response = await post("", form())
    assert response.status_code == 303, response.text
    saved = await queries.load_settings(services(app).db, store.id)
    assert (saved.mode, saved.notice_text, saved.shop_url, saved.holdout_percent) == (
        "notice", "We may email you a reminder.", "http://shop.test/cart", 20)  # fmt: skip
    assert saved.sms_text == "Text me once about my cart"
    assert [(s.delay_minutes, s.enabled) for s in saved.steps] == [
        (30, True), (600, False), (2880, True)]  # fmt: skip
    assert [s.incentive and (s.incentive.kind, s.incentive.value) for s in saved.steps] == [
        None, ("fixed", 500), ("percent", 15)]  # fmt: skip


async def test_every_error_at_once_and_nothing_saved(app, admin, client, store):
    base, post = admin
    response = await post("", form(
        mode="maybe", consent_text="", sms_text="", shop_url="https://elsewhere.test/",
        holdout_percent="80",
        step2_minutes="20", step3_value="0",
    ))  # fmt: skip
    assert response.status_code == 422
    for name in ("mode", "consent_text", "sms_text", "shop_url", "holdout_percent", "step2_minutes",
                 "step3_value"):  # fmt: skip
        assert f'id="f-{name}-error"' in response.text, name
    assert await queries.load_settings(services(app).db, store.id) == DEFAULTS
    page = await client.get(base)
    assert page.status_code == 200 and "Cart recovery" in page.text


class TestResults:
    @pytest.fixture
    def settings(self, tmp_path, mail_server):
        return mail_settings(tmp_path, mail_server.url)

    async def test_without_a_holdout_the_page_says_what_it_cannot_tell(
        self, app, admin, client, sending_shop
    ):
        base, _ = admin
        await set_recovery(app, sending_shop)
        token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
        await give_contact(client, token, store=sending_shop)
        at_hours(app, 1)
        await services(app).sender.run_once()
        at_hours(app, 2)
        other = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
        await place(client, order_body(other, email="aoife@example.com"))

        page = await client.get(base + "/results")
        assert page.status_code == 200
        assert 'data-figure="no-holdout"' in page.text
        assert '<td class="num" data-col="written">1</td>' in page.text
        assert '<td class="num" data-col="recovered">1</td>' in page.text
        assert '<td class="num" data-col="delivered">1</td>' in page.text
