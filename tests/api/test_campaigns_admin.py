"""Offers in the admin: the campaign form, status changes, offer settings, the results page
(against exposures and orders written straight into the database) and the live preview."""

import html
import json
import re
from datetime import datetime

import httpx
import pytest

from server.admin.campaigns.cart_emails import PAGE_SIZE
from server.admin.campaigns.queries import arm_totals
from server.clock import now_ms
from server.money import format_amount
from server.offers.model import Offer
from server.offers.queries import list_campaigns, load_campaign
from server.services import services
from tests.api.admin_client import field_error
from tests.api.attribution import DAY, T0, insert_exposure, insert_order
from tests.api.offering import exposed_claim, live_campaign
from tests.api.shopping import new_cart, order_body, place
from tests.conftest import MERCHANT_EMAIL

pytestmark = pytest.mark.anyio


def valid_form(**changes):
    form = {
        "name": "Leaving already?",
        "status": "live",
        "starts_at": "",
        "ends_at": "",
        "trigger_kind": "exit_intent",
        "min_seconds": "3",
        "sensitivity_px": "20",
        "return_delay_ms": "300",
        "phone_signals": ["scroll_up", "back_button"],
        "inactivity_seconds": "45",
        "seconds": "20",
        "percent": "50",
        "idle_minutes": "3",
        "cart": "not_empty",
        "subtotal_min": "10.00",
        "subtotal_max": "",
        "include_urls": "*/products/*",
        "exclude_urls": "",
        "devices": ["desktop", "phone"],
        "visitor": "any",
        "min_visits": "",
        "max_visits": "",
        "utm_sources": "",
        "frequency_mode": "once_per_session",
        "frequency_days": "7",
        "max_impressions": "3",
        "holdout_percent": "20",
        "variant_A_include": "true",
        "variant_A_weight": "50",
        "variant_A_headline": "Wait! 10% off",
        "variant_A_body": "For the next 30 minutes.",
        "variant_A_button_text": "Claim 10%",
        "variant_A_image_url": "",
        "variant_A_brand_colour": "#1F6F5C",
        "variant_A_offer_kind": "percent",
        "variant_A_offer_value": "10",
        "variant_A_gift_sku": "",
        "variant_A_min_subtotal": "",
        "variant_A_expires_minutes": "30",
        "variant_B_include": "true",
        "variant_B_weight": "50",
        "variant_B_headline": "Free shipping",
        "variant_B_body": "",
        "variant_B_button_text": "Claim",
        "variant_B_image_url": "/offer.png",
        "variant_B_brand_colour": "#000000",
        "variant_B_offer_kind": "free_shipping",
        "variant_B_offer_value": "",
        "variant_B_expires_minutes": "30",
    }
    return form | changes


@pytest.fixture
def admin_section() -> str:
    """The `admin` fixture (tests/api/conftest.py) posts to the campaigns pages here."""
    return "campaigns"


async def create(app, store, post, **changes):
    response = await post("", valid_form(**changes))
    assert response.status_code == 303, response.text
    return (await list_campaigns(services(app).db, store.id))[0]


# ---- access -------------------------------------------------------------------------------


async def test_every_page_needs_a_login(client, merchant, store):
    base = f"/admin/stores/{store.id}/campaigns"
    for path in ("", "/new", "/cmp_x", "/cmp_x/results", "/cmp_x/preview"):
        response = await client.get(base + path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/admin/login?next=")
    response = await client.post(base, data=valid_form())
    assert response.status_code == 303 and "/admin/login" in response.headers["location"]


async def test_forms_without_a_valid_csrf_token_are_refused(app, client, merchant, store, admin):
    base, post = admin
    for path in ("", "/settings"):
        response = await client.post(base + path, data=valid_form(csrf_token="forged"))
        assert response.status_code == 403
    campaign = await create(app, store, post)
    response = await client.post(f"{base}/{campaign.public_id}/status/paused", data={})
    assert response.status_code == 403
    assert (await load_campaign(services(app).db, store.id, campaign.public_id)).status == "live"
    assert len(await list_campaigns(services(app).db, store.id)) == 1


async def test_the_store_navigation_links_to_offers(client, admin, store):
    page = await client.get(f"/admin/stores/{store.id}")
    assert f'href="/admin/stores/{store.id}/campaigns">Offers</a>' in page.text


# ---- create, edit, status -----------------------------------------------------------------


async def test_a_valid_form_creates_the_campaign(app, client, store, admin):
    base, post = admin
    campaign = await create(app, store, post)
    assert campaign.name == "Leaving already?" and campaign.status == "live"
    assert campaign.holdout_percent == 20
    assert campaign.targeting.subtotal_min == 1000
    assert campaign.targeting.include_urls == ("*/products/*",)
    assert campaign.trigger.phone_signals == ("scroll_up", "back_button")
    a, b = campaign.variants
    assert (a.key, a.offer.kind, a.offer.value, a.brand_colour) == ("A", "percent", 10, "#1f6f5c")
    assert (b.key, b.offer.kind, b.image_url) == ("B", "free_shipping", "/offer.png")
    listing = await client.get(base + "?saved=campaign")
    assert "Campaign saved." in listing.text
    assert "Leaving already?" in listing.text and "A, B" in listing.text


async def test_editing_keeps_the_campaign_and_drops_an_unticked_variant(app, client, store, admin):
    base, post = admin
    campaign = await create(app, store, post)
    page = await client.get(f"{base}/{campaign.public_id}")
    assert page.status_code == 200
    assert 'value="Wait! 10% off"' in page.text and 'value="10.00"' in page.text
    changed = valid_form(name="Renamed", variant_B_include="", variant_A_offer_kind="fixed",
                         variant_A_offer_value="5.50")  # fmt: skip
    response = await post(f"/{campaign.public_id}", changed)
    assert response.status_code == 303
    edited = await load_campaign(services(app).db, store.id, campaign.public_id)
    assert edited.id == campaign.id and edited.name == "Renamed"
    assert [(v.key, v.offer.kind, v.offer.value) for v in edited.variants] == [("A", "fixed", 550)]


async def test_status_buttons_pause_resume_and_end(app, client, store, admin):
    base, post = admin
    campaign = await create(app, store, post)

    async def status():
        return (await load_campaign(services(app).db, store.id, campaign.public_id)).status

    listing = await client.get(base)
    assert f"{campaign.public_id}/status/paused" in listing.text
    assert (await post(f"/{campaign.public_id}/status/paused", {})).status_code == 303
    assert await status() == "paused"
    assert (await post(f"/{campaign.public_id}/status/live", {})).status_code == 303
    assert await status() == "live"
    assert (await post(f"/{campaign.public_id}/status/ended", {})).status_code == 303
    assert await status() == "ended"
    refused = await post(f"/{campaign.public_id}/status/live", {})
    assert refused.status_code == 409 and "cannot be set to live" in refused.text
    assert await status() == "ended"
    assert (await post(f"/{campaign.public_id}/status/draft", {})).status_code == 404
    assert (await post("/cmp_nope/status/paused", {})).status_code == 404


async def test_the_edit_form_follows_the_status_rules(app, client, store, admin):
    _base, post = admin
    campaign = await create(app, store, post)
    path = f"/{campaign.public_id}"

    async def status():
        return (await load_campaign(services(app).db, store.id, campaign.public_id)).status

    assert (await post(f"{path}/status/ended", {})).status_code == 303
    refused = await post(path, valid_form(status="live", name="Back again"))
    assert refused.status_code == 422
    assert "cannot be set to live" in field_error(refused.text, "status")
    assert 'value="Back again"' in refused.text  # what was typed is kept
    edited = await load_campaign(services(app).db, store.id, campaign.public_id)
    assert (edited.status, edited.name) == ("ended", "Leaving already?")
    form = await client.get(f"{_base}{path}")
    assert '<option value="live"' not in form.text and '<option value="ended"' in form.text
    # Renaming an ended campaign keeps it ended.
    assert (await post(path, valid_form(status="ended", name="Old test"))).status_code == 303
    assert await status() == "ended"


async def test_an_edit_keeps_a_status_changed_meanwhile(app, client, store, admin):
    _base, post = admin
    campaign = await create(app, store, post)
    path = f"/{campaign.public_id}"
    assert 'name="status_shown" value="live"' in (await client.get(_base + path)).text
    assert (await post(f"{path}/status/paused", {})).status_code == 303  # another tab
    form = valid_form(status="live", status_shown="live", name="Renamed")
    assert (await post(path, form)).status_code == 303
    edited = await load_campaign(services(app).db, store.id, campaign.public_id)
    assert (edited.status, edited.name) == ("paused", "Renamed")
    # Changing the status on the form is a transition like the buttons'.
    assert (await post(path, form | {"status_shown": "paused"})).status_code == 303
    assert (await load_campaign(services(app).db, store.id, campaign.public_id)).status == "live"


async def test_a_new_campaign_starts_as_a_draft_or_live(app, client, store, admin):
    _base, post = admin
    for status in ("paused", "ended"):
        response = await post("", valid_form(status=status))
        assert response.status_code == 422
        assert "as a draft, or live" in field_error(response.text, "status")
    assert await list_campaigns(services(app).db, store.id) == []
    assert (await create(app, store, post, status="draft")).status == "draft"


async def test_another_stores_campaign_is_not_found(app, client, store, admin):
    from server.accounts import create_store
    from server.stores.service import validate_new_store

    _base, post = admin
    campaign = await create(app, store, post)
    # The merchant owns the other store too: the 404 comes from the campaign's scoping, not
    # from the membership check.
    other = await create_store(
        services(app).db,
        validate_new_store("Other", ["http://other.test"], "EUR"),
        MERCHANT_EMAIL,
        now=now_ms(),
    )
    services(app).stores.invalidate()
    assert (await client.get(f"/admin/stores/{other.id}/campaigns")).status_code == 200
    for path in ("", "/results", "/preview"):
        response = await client.get(
            f"/admin/stores/{other.id}/campaigns/{campaign.public_id}{path}"
        )
        assert response.status_code == 404


# ---- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "Enter a name"),
        ({"holdout_percent": "95"}, "holdout_percent", "from 0 to 90"),
        ({"ends_at": "2030-01-01T00:00", "starts_at": "2030-01-02T00:00"}, "ends_at", "after"),
        ({"variant_A_offer_value": "0"}, "variant_A_offer_value", "from 1 to 100"),
        ({"variant_A_offer_kind": "fixed", "variant_A_offer_value": "4.955"},
         "variant_A_offer_value", "at most 2 decimal places"),
        ({"variant_B_brand_colour": "red"}, "variant_B_brand_colour", "#1f6f5c"),
        ({"variant_B_image_url": "javascript:alert(1)"}, "variant_B_image_url", "https://"),
        ({"devices": []}, "devices", "at least one device"),
    ],
)  # fmt: skip
async def test_bad_input_comes_back_with_the_field_error(
    app, client, store, admin, changes, field, message
):
    _base, post = admin
    response = await post("", valid_form(**changes))
    assert response.status_code == 422
    assert message in html.unescape(field_error(response.text, field))
    assert f'id="f-{field}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'value="Wait! 10% off"' in response.text  # what was typed is kept
    assert await list_campaigns(services(app).db, store.id) == []


async def test_free_gift_needs_an_active_sku_of_this_store(app, client, shop, admin):
    _base, post = admin
    gift = {"variant_A_offer_kind": "free_gift", "variant_A_gift_sku": "NOPE"}
    response = await post("", valid_form(**gift))
    assert response.status_code == 422
    assert "active product" in field_error(response.text, "variant_A_gift_sku")
    mug = valid_form(variant_A_offer_kind="free_gift", variant_A_gift_sku="FH-MUG-01")
    assert (await post("", mug)).status_code == 303
    saved = [
        c for c in await list_campaigns(services(app).db, shop.id) if c.name != "Before you go"
    ]
    assert saved[0].variants[0].offer.gift_sku == "FH-MUG-01"


async def test_edit_with_errors_comes_back_unsaved(app, client, store, admin):
    _base, post = admin
    campaign = await create(app, store, post)
    response = await post(f"/{campaign.public_id}", valid_form(name="", holdout_percent="x"))
    assert response.status_code == 422
    assert "Enter a name" in field_error(response.text, "name")
    assert "from 0 to 90" in field_error(response.text, "holdout_percent")
    assert (
        await load_campaign(services(app).db, store.id, campaign.public_id)
    ).name == campaign.name


async def test_a_garbled_form_is_a_422_never_a_500(client, admin):
    _base, post = admin
    response = await post("", {"name": "x", "variant_A_offer_kind": "??", "status": "gone"})
    assert response.status_code == 422
    assert "Choose a status" in response.text and "Choose what the offer gives" in response.text


async def test_merchant_text_is_escaped_everywhere(app, client, store, admin):
    base, post = admin
    evil = '<script>alert("x")</script>'
    campaign = await create(app, store, post, name=evil, variant_A_headline=evil)
    for path in ("", f"/{campaign.public_id}", f"/{campaign.public_id}/results"):
        page = await client.get(base + path)
        assert page.status_code == 200
        assert evil not in page.text
        assert "&lt;script&gt;" in page.text
    preview = await client.get(f"{base}/{campaign.public_id}/preview")
    assert evil not in preview.text and "\\u003cscript\\u003e" in preview.text


# ---- offer settings -----------------------------------------------------------------------


async def test_offer_settings_are_saved_on_the_store(app, client, store, admin):
    _base, post = admin
    response = await post("/settings", {"attribution_days": "14", "interruptions_per_week": "3"})
    assert response.status_code == 303
    row = await services(app).db.fetch_one(
        "SELECT attribution_days, interruptions_per_week FROM stores WHERE id = ?", (store.id,)
    )
    assert tuple(row) == (14, 3)
    assert "Offer settings saved." in (await client.get(response.headers["location"])).text


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"attribution_days": "0", "interruptions_per_week": "2"}, "attribution_days"),
        ({"attribution_days": "91", "interruptions_per_week": "2"}, "attribution_days"),
        ({"attribution_days": "7", "interruptions_per_week": "15"}, "interruptions_per_week"),
        ({"attribution_days": "7", "interruptions_per_week": "two"}, "interruptions_per_week"),
    ],
)
async def test_offer_settings_out_of_range_come_back_with_errors(
    app, client, store, admin, values, field
):
    _base, post = admin
    response = await post("/settings", values)
    assert response.status_code == 422
    assert "whole number from" in field_error(response.text, field)
    row = await services(app).db.fetch_one(
        "SELECT attribution_days FROM stores WHERE id = ?", (store.id,)
    )
    assert row[0] == 7


# ---- results ------------------------------------------------------------------------------


async def insert_coupon(db, store_id, campaign_id, code, arm, visitor):
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO discounts (store_id, code, kind, value, usage_limit, created_at,"
            " campaign_id, arm, visitor_id) VALUES (?, ?, 'percent', 10, 1, ?, ?, ?, ?)",
            (store_id, code, T0, campaign_id, arm, visitor),
        )
    )


async def test_results_count_exposures_and_attributed_orders_per_arm(app, client, store, admin):
    base, post = admin
    campaign = await create(app, store, post)
    db = services(app).db
    for n in range(4):
        await insert_exposure(db, campaign.id, f"a{n}", "A", T0, "back_button" if n else "exit_top")
    for n in range(2):
        await insert_exposure(db, campaign.id, f"h{n}", "holdout", T0)
    await insert_coupon(db, store.id, campaign.id, "KC-AAAA-0001", "A", "a0")
    # a0: two orders in the window, one with the campaign's coupon.
    await insert_order(db, store.id, 1001, "a0", T0 + 1000, 4500, 500, "KC-AAAA-0001")
    await insert_order(db, store.id, 1002, "a0", T0 + 2 * DAY, 1500)
    # a1: a typed code that is not the campaign's; it counts as revenue, not as its cost.
    await insert_order(db, store.id, 1003, "a1", T0 + DAY, 2000, 200, "WELCOME10")
    # Outside the 7-day window, before the exposure, and a visitor never exposed: not counted.
    await insert_order(db, store.id, 1004, "a2", T0 + 8 * DAY, 9900)
    await insert_order(db, store.id, 1005, "a3", T0 - 1, 9900)
    await insert_order(db, store.id, 1006, "zz", T0 + 1, 9900)
    await insert_order(db, store.id, 1007, "h0", T0 + DAY, 3000)
    # Orders that may never be paid, or were refunded, are not revenue.
    await insert_order(db, store.id, 1008, "a3", T0 + DAY, 7000, status="awaiting_payment")
    await insert_order(db, store.id, 1009, "h1", T0 + DAY, 7000, status="refunded")
    await insert_order(db, store.id, 1010, "a1", T0 + DAY, 1000, status="fulfilled")

    page = await client.get(f"{base}/{campaign.public_id}/results")
    assert page.status_code == 200
    text = page.text

    def cell(arm: str, col: str) -> str:
        row = text[text.index(f'data-arm="{arm}"') :]
        start = row.index(f'data-col="{col}">') + len(f'data-col="{col}">')
        return html.unescape(row[start : row.index("<", start)])

    assert cell("Variant A", "exposed") == "4" and cell("Variant A", "converted") == "2"
    assert cell("Variant A", "rate") == "50.0%"
    assert cell("Variant A", "revenue") == "€90.00"
    assert cell("Variant A", "rpv") == "€22.50"
    assert cell("Variant A", "discount_cost") == "€5.00"
    # (9000/4 − 3000/2) × 4 = 3000 cents
    assert cell("Variant A", "incremental") == "€30.00"
    assert cell("Holdout", "exposed") == "2" and cell("Holdout", "rate") == "50.0%"
    assert cell("Variant B", "exposed") == "0"
    assert "Variant A: not enough data yet to tell." in text
    assert "How this is computed" in text
    assert "95% confidence intervals for all 2 variants together" in text
    assert "Bonferroni: each comparison at 5% ÷ 2" in text
    assert "stopping the first time a lift looks significant" in text
    signals = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td>\s*'
                         r'<td class="num">(\d+)</td>', text)  # fmt: skip
    assert signals == [("Back button (phone)", "3", "1"),
                       ("Pointer left through the top (desktop)", "3", "2")]  # fmt: skip
    numbers = [int(n) for n in re.findall(r"orders/(\d+)\">#", text)]
    assert numbers == [1002, 1010, 1007, 1003, 1001]  # newest first


async def test_the_debug_commands_offers_never_reach_the_results(app, client, shop, admin):
    """A merchant testing with ?keepcart_debug=exit sends a "debug" exposure (an older widget
    did): it is not recorded, so neither the list nor the results count it."""
    from tests.api.offering import expose, visitor_in

    base, post = admin
    campaign = await create(app, shop, post)
    response = await expose(client, campaign, visitor_in(campaign, "A"), signal="debug")
    assert response.status_code == 200 and response.json()["counted"] is False
    await expose(client, campaign, visitor_in(campaign, "A"))  # one real shopper
    listed = (await client.get(base)).text
    assert re.search(r'<td class="num" data-col="exposed">1(<|</td>)', listed)
    page = (await client.get(f"{base}/{campaign.public_id}/results")).text
    assert "Debug" not in page
    assert [t.exposed for t in await arm_totals(services(app).db, campaign.id)] == [1]


async def test_the_attribution_window_follows_the_store_setting(app, client, store, admin):
    base, post = admin
    campaign = await create(app, store, post)
    db = services(app).db
    await insert_exposure(db, campaign.id, "a0", "A", T0)
    await insert_order(db, store.id, 1001, "a0", T0 + 8 * DAY, 4500)
    url = f"{base}/{campaign.public_id}/results"
    assert "No orders attributed" in (await client.get(url)).text
    await post("/settings", {"attribution_days": "10", "interruptions_per_week": "2"})
    assert "#1001" in (await client.get(url)).text


# ---- preview ------------------------------------------------------------------------------


def preview_data(text: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="keepcart-offer-preview">(.*?)</script>', text
    )
    assert match, "no preview element"
    return json.loads(match.group(1))


async def test_the_preview_page_loads_the_real_widget_with_the_variant(app, client, store, admin):
    base, post = admin
    campaign = await create(app, store, post)
    response = await client.get(f"{base}/{campaign.public_id}/preview?variant=B")
    assert response.status_code == 200
    assert (
        f'<script async src="/v1/keepcart.js" data-store="{store.public_key}"'
        ' data-consent="required"></script>' in response.text
    )
    data = preview_data(response.text)
    assert data["currency"] == "EUR" and data["locale"] == "en-IE"
    variant = data["variant"]
    assert variant["key"] == "B" and variant["headline"] == "Free shipping"
    assert variant["offer"]["kind"] == "free_shipping"
    assert variant["offer"]["label"] == "Free shipping"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp


async def test_the_preview_shows_unsaved_form_values(client, store, admin):
    base, _ = admin
    form = valid_form(variant_A_headline="Typed, not saved", variant_A_offer_kind="fixed",
                      variant_A_offer_value="5.00", variant_A_brand_colour="#zz")  # fmt: skip
    params = httpx.QueryParams({**form, "variant": "A"})
    response = await client.get(f"{base}/new/preview", params=params)
    assert response.status_code == 200
    variant = preview_data(response.text)["variant"]
    assert variant["headline"] == "Typed, not saved"
    assert variant["offer"]["value"] == 500 and variant["offer"]["label"] == "€5.00 off"
    assert variant["brand_colour"] == "#1f6f5c"  # not a colour yet: the default shows


async def test_the_form_page_frames_the_preview(client, store, admin):
    base, _ = admin
    page = await client.get(f"{base}/new")
    assert page.status_code == 200
    assert f'src="{base}/new/preview?variant=A"' in page.text
    assert '<script src="/admin/static/campaign-form.js" defer></script>' in page.text
    script = await client.get("/admin/static/campaign-form.js")
    assert script.status_code == 200 and "data-preview-base" in script.text


# ---- the demo ------------------------------------------------------------------------------


async def test_the_demo_store_runs_one_exit_offer_with_two_variants_and_a_holdout(
    app, client, shop, admin
):
    from server.clock import now_ms
    from server.demo_seed import seed_demo_store
    from server.offers.queries import running_campaigns

    base, _ = admin
    # Seeding again (a restart) neither duplicates nor overwrites the campaign.
    await services(app).db.write(lambda conn: seed_demo_store(conn, shop.id, "http://s", now_ms()))
    (campaign,) = await running_campaigns(services(app).db, shop.id, now_ms())
    assert campaign.name == "Before you go" and campaign.holdout_percent == 20
    assert (campaign.trigger.kind, campaign.trigger.min_seconds) == ("exit_intent", 3)
    assert campaign.frequency.mode == "once_per_session"
    offers = [(v.key, v.offer.kind, v.offer.value, v.offer.expires_minutes)
              for v in campaign.variants]  # fmt: skip
    assert offers == [("A", "percent", 10, 30), ("B", "free_shipping", 0, 30)]
    assert campaign.targeting.cart == "not_empty"  # "your order ships free" needs an order
    assert "Before you go" in (await client.get(base)).text


async def test_a_new_campaign_is_for_carts_with_items_and_old_ones_keep_theirs(
    app, client, store, admin
):
    """An offer's promise ("your order ships free") means nothing to an empty cart: the form
    starts at carts with items; a campaign saved for any cart stays so."""
    base, _ = admin
    new = (await client.get(base + "/new")).text
    assert re.search(r'id="f-cart-not_empty"[^>]*checked', new)
    assert not re.search(r'id="f-cart-any"[^>]*checked', new)
    old = await live_campaign(app, store.id)  # saved as "any" before this default
    edit = (await client.get(f"{base}/{old.public_id}")).text
    assert re.search(r'id="f-cart-any"[^>]*checked', edit)
    assert (await load_campaign(services(app).db, store.id, old.public_id)).targeting.cart == "any"


async def test_the_preview_variant_is_exactly_what_the_arm_endpoint_serves(
    app, client, store, admin
):
    from server.offers.service import arm_for

    base, post = admin
    campaign = await create(app, store, post)
    visitor = next(v for v in (f"v{n}" for n in range(100)) if arm_for(campaign, v) == "B")
    served = await client.get(f"/v1/offers/{campaign.public_id}/arm", params={"visitor": visitor})
    assert served.status_code == 200, served.text
    preview = await client.get(f"{base}/{campaign.public_id}/preview?variant=B")
    assert preview_data(preview.text)["variant"] == served.json()["variant"]


async def test_editing_a_campaign_people_have_seen_warns_about_mixing_experiments(
    app, client, store, admin
):
    base, post = admin
    campaign = await create(app, store, post)
    assert "mixes two experiments" not in (await client.get(f"{base}/{campaign.public_id}")).text
    await insert_exposure(services(app).db, campaign.id, "v1", "A", T0)
    page = await client.get(f"{base}/{campaign.public_id}")
    assert "1 visitor has seen this campaign" in page.text and "mixes two experiments" in page.text
    assert (await client.get(f"{base}/cmp_unknown/preview?variant_A_headline=x")).status_code == 404


# ---- email me my cart ---------------------------------------------------------------------

CONSENT = "Email me a link to my cart <b>now</b>. I can unsubscribe at any time."


async def test_cart_email_requests_are_listed_exported_and_deleted(app, client, shop, admin):
    base, post = admin
    offer = Offer("none", 0, email_cart=True, consent_text=CONSENT)
    campaign = await live_campaign(app, shop.id, offer, name="Cart <i>saver</i>")
    cart = await new_cart(client, shop.public_key, FH_MUG_01=2, FH_POUR_01=1)
    _, claimed = await exposed_claim(
        client, campaign, cart=cart, email="o'brien&co@example.com", consent=True
    )
    assert claimed.status_code == 201, claimed.text
    assert f'href="{base}/cart-emails"' in (await client.get(base)).text
    page = await client.get(f"{base}/cart-emails")
    assert page.status_code == 200
    text = page.text
    assert html.escape(CONSENT, quote=False) in text and "<b>now</b>" not in text
    assert "Cart &lt;i&gt;saver&lt;/i&gt;" in text and "o&#39;brien&amp;co@example.com" in text
    assert "2 × Stoneware Mug" in text and "80.00" in text  # 2 × 24.00 + 32.00
    export = await client.get(f"{base}/cart-emails.csv")
    assert export.headers["content-type"].startswith("text/csv")
    assert export.headers["cache-control"] == "no-store"
    [header, row] = export.text.lstrip("\ufeff").splitlines()
    assert header.startswith("requested_at,email,consent_wording,campaign")
    assert "o'brien&co@example.com" in row and CONSENT in row and "80.00,EUR" in row
    # A moment a spreadsheet reads as one, with its offset, as the orders export writes it.
    requested_at = datetime.fromisoformat(row.split(",")[0])
    assert requested_at.utcoffset() is not None
    [consent_id] = [r[0] for r in await services(app).db.fetch_all("SELECT id FROM email_consents")]
    delete = f"{base}/cart-emails/{consent_id}/delete"
    assert (await client.post(delete, data={"csrf_token": "forged"})).status_code == 403
    response = await post(f"/cart-emails/{consent_id}/delete", {})
    assert response.status_code == 303
    assert "Request deleted." in (await client.get(response.headers["location"])).text
    assert await services(app).db.fetch_all("SELECT * FROM email_consents") == []
    assert (await post(f"/cart-emails/{consent_id}/delete", {})).status_code == 404


async def test_cart_email_requests_are_shown_a_page_at_a_time_and_exported_whole(
    app, client, shop, admin
):
    base, _post = admin
    count = 2 * PAGE_SIZE + 7

    async def write(conn):
        await conn.executemany(
            "INSERT INTO email_consents (store_id, email, wording, created_at)"
            " VALUES (?, ?, 'Email me my cart.', ?)",
            [(shop.id, f"asker{n}@example.com", T0 + n) for n in range(count)],
        )

    await services(app).db.write(write)

    def shown(page):
        return re.findall(r"asker(\d+)@example.com</th>", page.text)

    first = await client.get(f"{base}/cart-emails")
    assert shown(first) == [str(n) for n in range(count - 1, count - 1 - PAGE_SIZE, -1)]
    assert f"Requests 1–{PAGE_SIZE} of {count}" in first.text and "Page 1 of 3" in first.text
    assert f'href="{base}/cart-emails?page=2" rel="next"' in first.text
    last = await client.get(f"{base}/cart-emails?page=3")
    assert shown(last) == [str(n) for n in range(6, -1, -1)]
    assert f'href="{base}/cart-emails?page=2" rel="prev"' in last.text
    assert 'rel="next"' not in last.text
    assert shown(await client.get(f"{base}/cart-emails?page=99")) == shown(last)
    export = await client.get(f"{base}/cart-emails.csv")
    assert len(export.text.lstrip("\ufeff").splitlines()) == count + 1


async def test_a_free_shipping_coupons_cost_is_the_shipping_it_waived(app, client, shop, admin):
    base, _post = admin
    campaign = await live_campaign(app, shop.id, Offer("free_shipping", 0))
    # The same cart without the coupon: what Ireland Standard charges for it.
    plain = await new_cart(client, shop.public_key, FH_MUG_01=1)
    paid = (await place(client, order_body(plain))).json()["order"]["totals"]["shipping"]
    assert paid > 0
    cart = await new_cart(client, shop.public_key, FH_MUG_01=1)
    visitor, claimed = await exposed_claim(client, campaign, cart=cart)
    assert claimed.status_code == 201, claimed.text
    order = (await place(client, order_body(cart, visitor=visitor))).json()["order"]
    assert order["totals"]["shipping"] == 0 and order["totals"]["discount"] == 0
    waived = await services(app).db.fetch_value(
        "SELECT shipping_discount FROM orders WHERE public_id = ?", (order["id"],)
    )
    assert waived == paid
    [arm] = await arm_totals(services(app).db, campaign.id)
    assert (arm.converted, arm.discount_cost) == (1, paid)
    page = await client.get(f"{base}/{campaign.public_id}/results")
    assert format_amount(paid, "EUR") in page.text


# ---- the gift picker ------------------------------------------------------------------------


async def test_the_form_lists_no_products_and_names_the_chosen_gift(app, client, shop, admin):
    """A store with thousands of products put them all in each gift dropdown; now the field
    is the SKU, with the chosen product's name under it."""
    base, post = admin
    new = (await client.get(f"{base}/new")).text
    assert "Stoneware Mug" not in new and "Linen Cross-Back Apron" not in new
    assert 'name="variant_A_gift_sku" type="text"' in new
    assert f'data-gift-search="{base}/gifts"' in new
    mug = valid_form(variant_A_offer_kind="free_gift", variant_A_gift_sku="FH-MUG-01")
    assert (await post("", mug)).status_code == 303
    [campaign] = [
        c for c in await list_campaigns(services(app).db, shop.id) if c.name == "Leaving already?"
    ]
    edit = (await client.get(f"{base}/{campaign.public_id}")).text
    assert 'value="FH-MUG-01"' in edit and "Stoneware Mug" in edit
    assert "Linen Cross-Back Apron" not in edit
    # Without script the merchant types the SKU; an unknown one comes back as its field's error.
    wrong = await post(f"/{campaign.public_id}", {**mug, "variant_A_gift_sku": "FH-MUG-0"})
    assert wrong.status_code == 422
    assert "active product" in field_error(wrong.text, "variant_A_gift_sku")
    assert 'value="FH-MUG-0"' in wrong.text


async def test_the_gift_search_finds_active_products_by_sku_or_name(app, client, shop, admin):
    base, _post = admin

    async def found(text):
        response = await client.get(f"{base}/gifts", params={"q": text})
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
        return [(p["sku"], p["name"]) for p in response.json()["products"]]

    assert await found("fh-mug") == [("FH-MUG-01", "Stoneware Mug")]
    assert ("FH-MUG-01", "Stoneware Mug") in await found("stoneware")
    assert await found("") == [] and await found("   ") == []
    assert await found("%") == [] and await found("_") == []  # matched as themselves
    db = services(app).db
    await db.write(
        lambda conn: conn.execute("UPDATE products SET active = 0 WHERE sku = 'FH-MUG-01'")
    )
    assert await found("fh-mug") == []


async def add_product(db, store_id: int, sku: str, name: str, active: bool = True) -> None:
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO products (store_id, sku, product_group, name, price, active,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 500, ?, 0, 0)",
            (store_id, sku, sku, name, int(active)),
        )
    )


async def test_a_gift_of_another_store_or_an_inactive_one_is_refused_and_never_named(
    app, client, shop, admin
):
    """Tenancy: a SKU of another store neither validates nor shows its name; an inactive
    product of this store is refused the same way, on the gift's own field."""
    from server.accounts import create_store
    from server.stores.service import validate_new_store

    base, post = admin
    db = services(app).db
    other = await create_store(
        db, validate_new_store("Other", ["http://other.test"], "EUR"), MERCHANT_EMAIL, now=now_ms()
    )
    await add_product(db, other.id, "THEIRS-1", "Their Secret Teapot")
    await add_product(db, shop.id, "OLD-1", "Retired Tote", active=False)
    for sku in ("THEIRS-1", "OLD-1"):
        gift = valid_form(variant_B_offer_kind="free_gift", variant_B_gift_sku=sku)
        response = await post("", gift)
        assert response.status_code == 422
        assert "active product" in field_error(response.text, "variant_B_gift_sku")
        assert f'value="{sku}"' in response.text  # what was typed comes back
        assert "Their Secret Teapot" not in response.text and "Retired Tote" not in response.text
        preview = await client.get(
            f"{base}/new/preview", params=httpx.QueryParams({**gift, "variant": "B"})
        )
        offer = preview_data(preview.text)["variant"]["offer"]
        assert offer["gift_name"] == "" and offer["label"] == "Free gift"
    assert [c.name for c in await list_campaigns(db, shop.id)] == ["Before you go"]


async def test_the_edit_form_and_the_preview_name_a_saved_gift(app, client, shop, admin):
    base, post = admin
    mug = valid_form(variant_B_offer_kind="free_gift", variant_B_gift_sku="FH-MUG-01")
    assert (await post("", mug)).status_code == 303
    [campaign] = [
        c for c in await list_campaigns(services(app).db, shop.id) if c.name == "Leaving already?"
    ]
    edit = await client.get(f"{base}/{campaign.public_id}")
    assert re.search(r'id="f-variant_B_gift_sku-name"[^>]*>Stoneware Mug</p>', edit.text)
    assert re.search(r'id="f-variant_A_gift_sku-name"[^>]*></p>', edit.text)
    saved = await client.get(f"{base}/{campaign.public_id}/preview?variant=B")
    assert preview_data(saved.text)["variant"]["offer"]["label"] == "Free gift: Stoneware Mug"
    spaced = {**mug, "variant_B_gift_sku": " FH-MUG-01 ", "variant": "B"}  # typed by hand
    typed = await client.get(f"{base}/new/preview", params=httpx.QueryParams(spaced))
    assert preview_data(typed.text)["variant"]["offer"]["gift_name"] == "Stoneware Mug"
    # A form sent back with another field's error keeps the gift's name under its field.
    refused = await post(f"/{campaign.public_id}", {**mug, "name": ""})
    assert refused.status_code == 422 and "Enter a name" in field_error(refused.text, "name")
    assert re.search(r'id="f-variant_B_gift_sku-name"[^>]*>Stoneware Mug</p>', refused.text)
    spaced = {**mug, "variant_B_gift_sku": " FH-MUG-01 "}
    refused = await post(f"/{campaign.public_id}", {**spaced, "name": ""})  # typed with spaces
    assert re.search(r'id="f-variant_B_gift_sku-name"[^>]*>Stoneware Mug</p>', refused.text)
    assert (await post(f"/{campaign.public_id}", spaced)).status_code == 303


async def test_the_campaign_pages_look_up_only_the_gifts_on_the_form(
    app, client, shop, admin, monkeypatch
):
    """A store with thousands of products: the form, its save and the preview name and check
    the SKUs the form holds, never the whole catalog."""
    from server.admin.campaigns import queries

    base, post = admin
    asked: list[set[str]] = []
    real = queries.gift_names

    async def recorded(db, store_id, skus):
        asked.append(set(skus))
        return await real(db, store_id, skus)

    monkeypatch.setattr(queries, "gift_names", recorded)
    mug = valid_form(variant_B_offer_kind="free_gift", variant_B_gift_sku="FH-MUG-01")
    assert (await client.get(f"{base}/new")).status_code == 200
    assert (await post("", mug)).status_code == 303
    [campaign] = [
        c for c in await list_campaigns(services(app).db, shop.id) if c.name == "Leaving already?"
    ]
    assert (await client.get(f"{base}/{campaign.public_id}")).status_code == 200
    assert (await post(f"/{campaign.public_id}", {**mug, "name": ""})).status_code == 422
    preview = await client.get(f"{base}/{campaign.public_id}/preview?variant=B")
    assert preview.status_code == 200
    assert asked and all(skus <= {"", "FH-MUG-01"} for skus in asked), asked
    assert {"FH-MUG-01"} in [skus - {""} for skus in asked]
