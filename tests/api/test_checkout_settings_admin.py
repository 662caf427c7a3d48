"""Checkout settings in the admin: general settings, discount codes, shipping and tax rates.

Each form is checked for its happy path (against the rows written), its validation errors
(422, the field's error, the values kept, nothing written) and its CSRF check.
"""

import json
import re
from datetime import UTC, datetime

import pytest

from server.accounts import create_store
from server.admin.checkout_settings.parsing import parse_tiers
from server.clock import now_ms
from server.forms import format_basis_points, parse_basis_points, parse_local_datetime
from server.money import format_major_units, parse_major_units
from server.offers.model import Offer
from server.services import services
from server.stores.service import validate_new_store
from tests.api.admin_client import csrf_from, field_error, sign_in
from tests.api.offering import exposed_claim, live_campaign
from tests.api.shopping import new_cart
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio


def utc_ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp()) * 1000


async def rows(app, sql, params=()):
    return [dict(row) for row in await services(app).db.fetch_all(sql, params)]


# ---- exact parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("4.95", "EUR", 495),
        ("4.9", "EUR", 490),
        ("4", "EUR", 400),
        ("0", "EUR", 0),
        (" 007.50 ", "EUR", 750),
        ("0.29", "EUR", 29),  # 0.29 * 100 is 28.999999999999996 as a float
        ("1.10", "EUR", 110),
        ("999999999.99", "EUR", 99_999_999_999),
        ("500", "JPY", 500),
    ],
)
def test_money_is_parsed_exactly(text, currency, minor):
    assert parse_major_units(text, currency) == minor
    assert parse_major_units(format_major_units(minor, currency), currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("4.955", "EUR", "at most 2 decimal places"),
        ("4.950", "EUR", "at most 2 decimal places"),
        ("4.5", "JPY", "no decimal places"),
        ("4,95", "EUR", "Enter an amount like 24.00"),
        ("-1", "EUR", "Enter an amount"),
        ("1e3", "EUR", "Enter an amount"),
        (".5", "EUR", "Enter an amount"),
        ("5.", "EUR", "Enter an amount"),
        ("NaN", "EUR", "Enter an amount"),
        ("", "EUR", "Enter an amount"),
        ("٤.٩٥", "EUR", "Enter an amount"),  # Arabic-Indic digits: \d would accept them
        ("1000000000", "EUR", "too large"),
    ],
)
def test_money_refuses_what_it_cannot_store_exactly(text, currency, message):
    with pytest.raises(ValueError, match=message):
        parse_major_units(text, currency)


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ("21", 2100),
        ("8.88", 888),
        ("8.870", 887),
        ("0", 0),
        ("100", 10_000),
        ("5.5 %", 550),
        ("0.01", 1),
    ],
)
def test_percentages_become_basis_points_exactly(text, points):
    assert parse_basis_points(text) == points


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8.875", "whole basis points"),
        ("0.001", "whole basis points"),
        ("100.01", "between 0"),
        ("101", "between 0"),
        ("-5", "percentage like"),
        ("21,5", "percentage like"),
    ],
)
def test_percentages_that_are_not_whole_basis_points_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_basis_points(text)


def test_basis_points_format_back_to_what_was_typed():
    assert [format_basis_points(p) for p in (2100, 888, 850, 1, 0)] == [
        "21",
        "8.88",
        "8.5",
        "0.01",
        "0",
    ]


def test_local_times_are_read_in_the_store_time_zone():
    # Irish summer time is UTC+1; winter time is UTC+0.
    assert parse_local_datetime("2025-07-01T00:00", "Europe/Dublin") == utc_ms(2025, 6, 30, 23)
    assert parse_local_datetime("2025-01-15T09:30", "Europe/Dublin") == utc_ms(2025, 1, 15, 9, 30)
    # Clocks go back at 02:00 on 26 October: 01:30 happens twice, the first one counts.
    assert parse_local_datetime("2025-10-26T01:30", "Europe/Dublin") == utc_ms(2025, 10, 26, 0, 30)
    # Clocks go forward at 01:00 on 30 March: 01:30 never happens.
    with pytest.raises(ValueError, match="does not happen"):
        parse_local_datetime("2025-03-30T01:30", "Europe/Dublin")
    with pytest.raises(ValueError, match="does not exist"):
        parse_local_datetime("2025-02-30T10:00", "Europe/Dublin")


def test_tiers_are_read_in_order_from_zero():
    assert parse_tiers("0 4.95\n50.00 2.95\n", "subtotal_tiers", "EUR") == ((0, 495), (5000, 295))
    assert parse_tiers("  0   4.95\n\n2000 9.95", "weight_tiers", "EUR") == ((0, 495), (2000, 995))
    for text, message in [
        ("10 4.95", "Start the first tier at 0"),
        ("0 4.95\n50 2.95\n50 1.95", "Line 3: list tiers from the lowest"),
        ("0 4.95\n2000.5 9.95", "Line 2: Enter a whole number"),
        ("0 4.955", "Line 1: EUR amounts have at most 2"),
        ("0 4.95 extra", "Line 1: write “from price”"),
        ("\n \n", "at least one tier"),
    ]:
        kind = "weight_tiers" if "2000.5" in text else "subtotal_tiers"
        with pytest.raises(ValueError, match=message):
            parse_tiers(text, kind, "EUR")


# ---- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "/discounts", "/discounts/new", "/shipping", "/taxes"])
async def test_pages_need_a_login(client, merchant, store, path):
    response = await client.get(f"/admin/stores/{store.id}/checkout{path}")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login?next=")


@pytest.mark.parametrize("path", ["", "/discounts", "/discounts/new", "/shipping", "/taxes"])
async def test_pages_render_with_the_store_navigation(client, admin, store, path):
    base, _ = admin
    response = await client.get(base + path)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    assert f'href="{base}" aria-current="page">Checkout settings' in response.text


async def test_an_unknown_store_is_not_found(client, admin):
    assert (await client.get("/admin/stores/999/checkout")).status_code == 404


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("", {"country": "DE", "phone": "hidden", "payment_methods": "test_card"}),
        ("/discounts", {"code": "NOPE", "kind": "free_shipping"}),
        ("/shipping/zones", {"name": "EU", "countries": "DE"}),
        ("/taxes", {"country": "DE", "rate": "19", "name": "VAT"}),
    ],
)
async def test_forms_without_a_csrf_token_are_refused(app, client, admin, path, data):
    base, _ = admin
    before = await rows(app, "SELECT country, payment_methods FROM stores")
    response = await client.post(base + path, data=data)
    assert response.status_code == 403
    assert "expired" in response.text
    assert await rows(app, "SELECT country, payment_methods FROM stores") == before
    for table in ("discounts", "shipping_zones", "tax_rates"):
        assert await rows(app, f"SELECT * FROM {table}") == []


async def test_a_csrf_token_from_another_session_is_refused(app, client, admin):
    base, _ = admin
    await client.post(
        "/admin/logout", data={"csrf_token": csrf_from((await client.get(base)).text)}
    )
    await sign_in(client)  # a new session: the old token no longer matches it
    _, post = admin
    response = await post("/taxes", {"country": "DE", "rate": "19", "name": "VAT"})
    assert response.status_code == 403
    assert await rows(app, "SELECT * FROM tax_rates") == []


# ---- general ------------------------------------------------------------------------------

GENERAL = {
    "country": "DE",
    "phone": "required",
    "payment_methods": ["cash_on_delivery", "test_card", "bank_transfer"],
    "bank_instructions": "IBAN DE89 3704 0044 0532 0130 00\r\nReference: your order number",
    "cod_instructions": "Have the exact amount ready.",
}


async def test_general_settings_are_saved(app, client, admin, store):
    base, post = admin
    response = await post("", GENERAL)
    assert response.status_code == 303
    assert response.headers["location"] == f"{base}?saved=general"
    [row] = await rows(
        app,
        "SELECT country, prices_include_tax, phone_required, payment_methods,"
        " bank_instructions, cod_instructions FROM stores WHERE id = ?",
        (store.id,),
    )
    assert row == {
        "country": "DE",
        "prices_include_tax": 0,  # unticked
        "phone_required": 2,
        "payment_methods": "test_card bank_transfer cash_on_delivery",
        "bank_instructions": "IBAN DE89 3704 0044 0532 0130 00\nReference: your order number",
        "cod_instructions": "Have the exact amount ready.",
    }
    page = await client.get(response.headers["location"])
    assert "Checkout settings saved." in page.text
    assert '<option value="DE" selected>' in page.text
    assert 'value="required" checked' in page.text


async def test_general_settings_reach_the_checkout_rules(app, admin, store):
    from server.checkout.queries import load_settings

    _, post = admin
    await post("", GENERAL | {"prices_include_tax": "true", "phone": "optional"})
    settings = await load_settings(services(app).db, store.id)
    assert settings.prices_include_tax is True
    assert settings.phone == "optional"
    assert settings.payment_methods == ("test_card", "bank_transfer", "cash_on_delivery")


async def test_the_floating_cart_button_is_switched_on_and_off_for_the_widget(
    app, client, admin, store
):
    _, post = admin

    async def floating_button() -> bool:
        config = await client.get(f"/v1/stores/{store.public_key}/config")
        return config.json()["checkout"]["floating_button"]

    assert await floating_button() is False
    await post("", GENERAL | {"floating_cart_button": "true"})
    assert await floating_button() is True
    page = await client.get(admin[0])
    assert 'name="floating_cart_button" type="checkbox" value="true" checked' in page.text
    await post("", GENERAL)  # unticked
    assert await floating_button() is False


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"payment_methods": []}, "payment_methods", "at least one payment method"),
        ({"payment_methods": ["paypal"]}, "payment_methods", "at least one payment method"),
        ({"bank_instructions": "  "}, "bank_instructions", "it is turned on"),
        ({"cod_instructions": ""}, "cod_instructions", "it is turned on"),
        ({"cod_instructions": "x" * 2001}, "cod_instructions", "under 2000 characters"),
        ({"country": "XX"}, "country", "Choose the country"),
        ({"phone": "sometimes"}, "phone", "phone number"),
    ],
)
async def test_general_settings_errors(app, admin, store, change, field, message):
    _, post = admin
    before = await rows(app, "SELECT * FROM stores")
    response = await post("", GENERAL | change)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert f'href="#f-{field}"' in response.text  # the summary links to the field
    assert await rows(app, "SELECT * FROM stores") == before


async def test_instructions_of_a_method_that_is_off_may_be_empty_and_are_kept(app, admin, store):
    _, post = admin
    data = GENERAL | {"payment_methods": ["test_card"], "cod_instructions": ""}
    assert (await post("", data)).status_code == 303
    [row] = await rows(app, "SELECT payment_methods, bank_instructions FROM stores")
    assert row["payment_methods"] == "test_card"
    assert row["bank_instructions"].startswith("IBAN")


async def test_general_errors_keep_the_values_escaped(admin):
    _, post = admin
    hostile = '</textarea><script>alert("x")</script>'
    change = {"payment_methods": ["cash_on_delivery"], "bank_instructions": hostile}
    response = await post("", GENERAL | change | {"cod_instructions": ""})
    assert response.status_code == 422
    assert "<script>alert" not in response.text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text
    assert 'value="cash_on_delivery" checked' in response.text
    assert 'value="test_card" checked' not in response.text


# ---- discount codes -----------------------------------------------------------------------

DISCOUNT = {
    "code": "summer-10",
    "kind": "percent",
    "value": "10",
    "min_subtotal": "25.50",
    "starts_at": "2025-07-01T00:00",
    "expires_at": "2025-08-31T23:59",
    "usage_limit": "100",
    "once_per_email": "true",
    "active": "true",
}
DISCOUNT_COLUMNS = (
    "SELECT code, kind, value, min_subtotal, starts_at, expires_at, usage_limit, times_used,"
    " once_per_email, active FROM discounts"
)


async def test_a_percent_discount_is_created(app, client, admin):
    base, post = admin
    response = await post("/discounts", DISCOUNT)
    assert response.status_code == 303
    assert response.headers["location"] == f"{base}/discounts?saved=discount"
    assert await rows(app, DISCOUNT_COLUMNS) == [
        {
            "code": "SUMMER-10",
            "kind": "percent",
            "value": 10,
            "min_subtotal": 2550,
            "starts_at": utc_ms(2025, 6, 30, 23),  # midnight in Dublin summer time
            "expires_at": utc_ms(2025, 8, 31, 22, 59),
            "usage_limit": 100,
            "times_used": 0,
            "once_per_email": 1,
            "active": 1,
        }
    ]
    page = await client.get(response.headers["location"])
    assert "Discount code saved." in page.text
    assert "SUMMER-10" in page.text
    assert "31 Aug 2025, 23:59 IST" in page.text  # shown in the store's time zone
    assert "0 / 100" in page.text and "€25.50" in page.text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kind": "fixed", "value": "4.95"}, {"kind": "fixed", "value": 495}),
        ({"kind": "fixed", "value": "0.29"}, {"kind": "fixed", "value": 29}),
        ({"kind": "free_shipping", "value": "ignored"}, {"kind": "free_shipping", "value": 0}),
        ({"kind": "percent", "value": "100"}, {"kind": "percent", "value": 100}),
        (
            {
                "min_subtotal": "",
                "starts_at": "",
                "expires_at": "",
                "usage_limit": "",
                "once_per_email": "",
                "active": "",
            },
            {
                "min_subtotal": 0,
                "starts_at": None,
                "expires_at": None,
                "usage_limit": None,
                "once_per_email": 0,
                "active": 0,
            },
        ),
    ],
)
async def test_discount_kinds_and_optional_fields(app, admin, change, expected):
    _, post = admin
    data = {key: value for key, value in (DISCOUNT | change).items() if value != ""}
    assert (await post("/discounts", data)).status_code == 303
    [row] = await rows(app, DISCOUNT_COLUMNS)
    assert {key: row[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "AB"}, "code", "3 to 32"),
        ({"code": "A" * 33}, "code", "3 to 32"),
        ({"code": "SUMMER 10"}, "code", "3 to 32"),
        ({"code": "ÉTÉ-10"}, "code", "3 to 32"),
        ({"kind": "bogo"}, "kind", "Choose what the code gives"),
        ({"value": "0"}, "value", "from 1 to 100"),
        ({"value": "101"}, "value", "from 1 to 100"),
        ({"value": "10.5"}, "value", "whole number"),
        ({"value": ""}, "value", "whole number"),
        ({"kind": "fixed", "value": "4.955"}, "value", "at most 2 decimal places"),
        ({"kind": "fixed", "value": "0.00"}, "value", "above zero"),
        ({"kind": "fixed", "value": "-5"}, "value", "Enter an amount"),
        ({"min_subtotal": "25,50"}, "min_subtotal", "Enter an amount like 24.00"),
        ({"starts_at": "tomorrow"}, "starts_at", "date and time like"),
        ({"expires_at": "2025-06-30T23:00"}, "expires_at", "expire after it starts"),
        ({"expires_at": "2025-03-30T01:30"}, "expires_at", "does not happen in Europe/Dublin"),
        ({"usage_limit": "0"}, "usage_limit", "how many orders may use the code"),
        ({"usage_limit": "ten"}, "usage_limit", "a whole number from 1"),
    ],
)
async def test_discount_errors(app, admin, change, field, message):
    _, post = admin
    response = await post("/discounts", DISCOUNT | change)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert await rows(app, "SELECT * FROM discounts") == []


async def test_all_discount_errors_are_shown_at_once_with_the_values_kept(admin):
    _, post = admin
    response = await post(
        "/discounts", DISCOUNT | {"code": "<b>x", "value": "0", "usage_limit": "-1"}
    )
    assert response.status_code == 422
    for field in ("code", "value", "usage_limit"):
        assert f'id="f-{field}-error"' in response.text
    assert 'value="&lt;b&gt;x"' in response.text
    assert 'value="2025-07-01T00:00"' in response.text
    assert 'id="f-once_per_email" name="once_per_email" type="checkbox" value="true" checked' in (
        response.text
    )


async def test_a_duplicate_code_is_a_field_error(app, admin):
    _, post = admin
    assert (await post("/discounts", DISCOUNT)).status_code == 303
    response = await post("/discounts", DISCOUNT | {"code": "Summer-10", "value": "20"})
    assert response.status_code == 422
    assert "already uses this code" in field_error(response.text, "code")
    assert [row["value"] for row in await rows(app, DISCOUNT_COLUMNS)] == [10]


async def test_the_same_code_in_another_store_is_fine(app, admin):
    _, post = admin
    other = await create_store(
        services(app).db, validate_new_store("Other", [SHOP_ORIGIN + ":81"], "EUR"), now=now_ms()
    )
    await services(app).db.write(
        lambda conn: conn.execute(
            "INSERT INTO discounts (store_id, code, kind, created_at) VALUES (?, ?, ?, 0)",
            (other.id, "SUMMER-10", "free_shipping"),
        )
    )
    assert (await post("/discounts", DISCOUNT)).status_code == 303


async def discount_id(app, code="SUMMER-10") -> int:
    return await services(app).db.fetch_value("SELECT id FROM discounts WHERE code = ?", (code,))


async def test_a_discount_is_edited(app, client, admin, store):
    base, post = admin
    await post("/discounts", DISCOUNT)
    ident = await discount_id(app)
    form = await client.get(f"{base}/discounts/{ident}")
    assert form.status_code == 200
    for value in (
        'value="SUMMER-10"',
        'value="25.50"',
        'value="2025-07-01T00:00"',
        'value="2025-08-31T23:59"',
        'value="100"',
    ):
        assert value in form.text  # the stored values, back in the store's terms
    changed = DISCOUNT | {"code": "summer-15", "kind": "fixed", "value": "15", "usage_limit": ""}
    response = await post(f"/discounts/{ident}", changed)
    assert response.status_code == 303
    [row] = await rows(app, DISCOUNT_COLUMNS)
    assert (row["code"], row["kind"], row["value"], row["usage_limit"]) == (
        "SUMMER-15",
        "fixed",
        1500,
        None,
    )


async def test_editing_to_another_codes_name_is_refused(app, admin):
    _, post = admin
    await post("/discounts", DISCOUNT)
    await post("/discounts", DISCOUNT | {"code": "WINTER"})
    response = await post(f"/discounts/{await discount_id(app, 'WINTER')}", DISCOUNT)
    assert response.status_code == 422
    assert "already uses this code" in field_error(response.text, "code")
    assert sorted(r["code"] for r in await rows(app, DISCOUNT_COLUMNS)) == ["SUMMER-10", "WINTER"]


async def test_a_usage_limit_below_the_uses_so_far_is_refused(app, admin):
    _, post = admin
    await post("/discounts", DISCOUNT)
    await services(app).db.write(lambda conn: conn.execute("UPDATE discounts SET times_used = 7"))
    response = await post(f"/discounts/{await discount_id(app)}", DISCOUNT | {"usage_limit": "5"})
    assert response.status_code == 422
    assert "used 7 times already" in field_error(response.text, "usage_limit")
    [row] = await rows(app, DISCOUNT_COLUMNS)
    assert row["usage_limit"] == 100


async def test_a_discount_is_deactivated_and_activated(app, client, admin):
    base, post = admin
    await post("/discounts", DISCOUNT | {"starts_at": "", "expires_at": ""})
    ident = await discount_id(app)
    response = await post(f"/discounts/{ident}/deactivate", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"{base}/discounts?saved=deactivated"
    assert (await rows(app, "SELECT active FROM discounts")) == [{"active": 0}]
    page = await client.get(response.headers["location"])
    assert "Inactive" in page.text and f"{ident}/activate" in page.text
    assert (await post(f"/discounts/{ident}/activate", {})).status_code == 303
    assert (await rows(app, "SELECT active FROM discounts")) == [{"active": 1}]


async def test_the_list_says_when_a_code_has_expired(app, client, admin):
    base, post = admin
    past = {"starts_at": "2020-01-01T00:00", "expires_at": "2020-02-01T00:00"}
    await post("/discounts", DISCOUNT | past)
    page = await client.get(f"{base}/discounts")
    assert "badge-expired" in page.text


async def test_another_stores_discount_is_not_found(app, client, admin):
    base, post = admin
    other = await create_store(
        services(app).db, validate_new_store("Other", [SHOP_ORIGIN + ":81"], "EUR"), now=now_ms()
    )
    foreign = await services(app).db.write(
        lambda conn: conn.execute(
            "INSERT INTO discounts (store_id, code, kind, created_at) VALUES (?, 'THEIRS', "
            "'free_shipping', 0)",
            (other.id,),
        )
    )
    ident = foreign.lastrowid
    assert (await client.get(f"{base}/discounts/{ident}")).status_code == 404
    assert (await post(f"/discounts/{ident}", DISCOUNT)).status_code == 404
    assert (await post(f"/discounts/{ident}/deactivate", {})).status_code == 404
    assert await rows(app, "SELECT code, active FROM discounts") == [
        {"code": "THEIRS", "active": 1}
    ]


# ---- shipping -----------------------------------------------------------------------------

FLAT = {"name": "Standard", "kind": "flat", "rate": "4.95", "min_days": "2", "max_days": "4"}


async def make_zone(post, name="Europe", countries="de, fr AT") -> str:
    response = await post("/shipping/zones", {"name": name, "countries": countries})
    assert response.status_code == 303, response.text
    return response.headers["location"].split("?")[0]


async def test_a_zone_is_created(app, client, admin, store):
    base, post = admin
    url = await make_zone(post)
    [zone] = await rows(app, "SELECT id, store_id, name, countries FROM shipping_zones")
    assert zone == {
        "id": zone["id"],
        "store_id": store.id,
        "name": "Europe",
        "countries": "DE FR AT",
    }
    assert url == f"{base}/shipping/zones/{zone['id']}"
    page = await client.get(url)
    assert "Germany, France, Austria" in page.text
    assert "No methods yet" in page.text


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "Europe", "countries": "DE XX"}, "countries", "does not know XX"),
        ({"name": "Europe", "countries": "* DE"}, "countries", "Use * on its own"),
        ({"name": "Europe", "countries": " , "}, "countries", "at least one country"),
        ({"name": "  ", "countries": "DE"}, "name", "1 to 100 characters"),
    ],
)
async def test_zone_errors(app, admin, values, field, message):
    _, post = admin
    response = await post("/shipping/zones", values)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert await rows(app, "SELECT * FROM shipping_zones") == []


async def test_a_country_belongs_to_one_zone_and_only_one_zone_is_everywhere_else(app, admin):
    _, post = admin
    await make_zone(post)
    await make_zone(post, "Rest of world", "*")
    response = await post("/shipping/zones", {"name": "DACH", "countries": "CH AT DE"})
    assert response.status_code == 422
    assert "AT, DE are already in the zone “Europe”" in field_error(response.text, "countries")
    response = await post("/shipping/zones", {"name": "World 2", "countries": "*"})
    assert response.status_code == 422
    assert "“Rest of world” already covers everywhere else" in response.text
    assert len(await rows(app, "SELECT * FROM shipping_zones")) == 2


async def test_a_zone_is_edited_keeping_its_own_countries(app, admin):
    _, post = admin
    url = await make_zone(post)
    zone_path = url.split("/checkout")[1]
    response = await post(zone_path, {"name": "EU", "countries": "DE FR AT NL"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?saved=zone"
    [zone] = await rows(app, "SELECT name, countries FROM shipping_zones")
    assert zone == {"name": "EU", "countries": "DE FR AT NL"}


async def test_zone_countries_are_a_list_of_names_to_tick(app, client, admin):
    base, post = admin
    await make_zone(post, "Rest of world", "*")
    # What a browser sends from the checkboxes: one value per ticked country.
    created = await post("/shipping/zones", {"name": "DACH", "countries": ["DE", "AT", "CH"]})
    assert created.status_code == 303, created.text
    [zone] = await rows(app, "SELECT countries FROM shipping_zones WHERE name = 'DACH'")
    assert zone["countries"] == "DE AT CH"

    page = (await client.get(created.headers["location"])).text
    assert 'id="f-countries-filter" type="search"' in page  # shown by script
    assert re.search(r'value="AT" checked>\s*<label for="f-countries-AT">Austria</label>', page)
    assert re.search(r'value="FR">\s*<label for="f-countries-FR">France</label>', page)
    assert 'Everywhere else <span class="muted small">· now Rest of world</span>' in page
    assert "Codes:" not in page and 'name="countries" type="text"' not in page
    overview = (await client.get(base + "/shipping")).text
    assert '<label for="f-countries-DE">Germany <span class="muted small">· in DACH</span>' in (
        overview
    )


async def test_zone_errors_escape_the_values_they_keep(admin):
    _, post = admin
    response = await post("/shipping/zones", {"name": "<script>x</script>", "countries": "ZZ"})
    assert response.status_code == 422
    assert "<script>x" not in response.text
    assert 'value="&lt;script&gt;x&lt;/script&gt;"' in response.text


async def test_a_flat_method_is_added(app, client, admin):
    _, post = admin
    url = await make_zone(post)
    zone_path = url.split("/checkout")[1]
    assert (await client.get(f"{url}/methods/new")).status_code == 200
    response = await post(f"{zone_path}/methods", FLAT | {"free_over": "60"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?saved=method"
    express = {"name": "Express", "rate": "12.5", "min_days": "1", "max_days": "1"}
    response = await post(f"{zone_path}/methods", FLAT | express)
    assert response.status_code == 303
    assert await rows(
        app,
        "SELECT name, kind, rate, tiers, free_over, min_days, max_days, position"
        " FROM shipping_methods ORDER BY id",
    ) == [
        {
            "name": "Standard",
            "kind": "flat",
            "rate": 495,
            "tiers": "[]",
            "free_over": 6000,
            "min_days": 2,
            "max_days": 4,
            "position": 0,
        },
        {
            "name": "Express",
            "kind": "flat",
            "rate": 1250,
            "tiers": "[]",
            "free_over": None,
            "min_days": 1,
            "max_days": 1,
            "position": 1,
        },
    ]
    page = await client.get(url)
    assert "€4.95" in page.text and "€60.00" in page.text and "2–4 working days" in page.text
    assert "1 working day" in page.text


@pytest.mark.parametrize(
    ("kind", "tiers", "stored"),
    [
        ("subtotal_tiers", "0 4.95\r\n50.00 2.95", [[0, 495], [5000, 295]]),
        ("weight_tiers", "0 4.95\n2000 9.95\n5000 14.95", [[0, 495], [2000, 995], [5000, 1495]]),
    ],
)
async def test_tiered_methods_are_added(app, client, admin, kind, tiers, stored):
    _, post = admin
    url = await make_zone(post)
    data = FLAT | {"kind": kind, "rate": "", "tiers": tiers}
    assert (await post(url.split("/checkout")[1] + "/methods", data)).status_code == 303
    [method] = await rows(app, "SELECT kind, rate, tiers FROM shipping_methods")
    # The base rate is what the first tier charges, so no cart is priced below every tier.
    assert method == {"kind": kind, "rate": 495, "tiers": json.dumps(stored)}
    ident = await services(app).db.fetch_value("SELECT id FROM shipping_methods")
    form = await client.get(f"{url}/methods/{ident}")
    assert tiers.replace("\r\n", "\n") in form.text  # back as the merchant typed it


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"rate": "4.955"}, "rate", "at most 2 decimal places"),
        ({"rate": ""}, "rate", "Enter an amount"),
        ({"kind": "pigeon"}, "kind", "Choose how the price"),
        ({"kind": "subtotal_tiers", "tiers": ""}, "tiers", "at least one tier"),
        ({"kind": "subtotal_tiers", "tiers": "5 4.95"}, "tiers", "Start the first tier at 0"),
        ({"kind": "subtotal_tiers", "tiers": "0 4.95\n0.00 3"}, "tiers", "Line 2: list tiers"),
        ({"kind": "weight_tiers", "tiers": "0 4.95\n1.5 3"}, "tiers", "Line 2: Enter a whole"),
        ({"free_over": "50.001"}, "free_over", "at most 2 decimal places"),
        ({"min_days": "5", "max_days": "3"}, "max_days", "at least the shortest"),
        ({"min_days": "-1"}, "min_days", "whole working days"),
        ({"max_days": "366"}, "max_days", "from 0 to 365"),
        ({"name": ""}, "name", "1 to 100 characters"),
    ],
)
async def test_method_errors(app, admin, change, field, message):
    _, post = admin
    url = await make_zone(post)
    response = await post(url.split("/checkout")[1] + "/methods", FLAT | change)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert await rows(app, "SELECT * FROM shipping_methods") == []


async def test_a_method_is_edited_and_deleted(app, client, admin):
    _, post = admin
    url = await make_zone(post)
    zone_path = url.split("/checkout")[1]
    await post(f"{zone_path}/methods", FLAT)
    ident = await services(app).db.fetch_value("SELECT id FROM shipping_methods")
    assert 'value="4.95"' in (await client.get(f"{url}/methods/{ident}")).text
    response = await post(f"{zone_path}/methods/{ident}", FLAT | {"rate": "5", "max_days": "6"})
    assert response.status_code == 303
    assert await rows(app, "SELECT rate, max_days FROM shipping_methods") == [
        {"rate": 500, "max_days": 6}
    ]
    response = await post(f"{zone_path}/methods/{ident}", FLAT | {"rate": "five"})
    assert response.status_code == 422
    assert await rows(app, "SELECT rate FROM shipping_methods") == [{"rate": 500}]
    response = await post(f"{zone_path}/methods/{ident}/delete", {})
    assert response.headers["location"] == f"{url}?saved=method-deleted"
    assert await rows(app, "SELECT * FROM shipping_methods") == []


async def test_deleting_a_zone_deletes_its_methods(app, admin):
    base, post = admin
    zone_path = (await make_zone(post)).split("/checkout")[1]
    await post(f"{zone_path}/methods", FLAT)
    response = await post(f"{zone_path}/delete", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"{base}/shipping?saved=zone-deleted"
    assert await rows(app, "SELECT * FROM shipping_zones") == []
    assert await rows(app, "SELECT * FROM shipping_methods") == []


async def test_a_method_of_another_zone_or_store_is_not_found(app, client, admin):
    _, post = admin
    first = (await make_zone(post)).split("/checkout")[1]
    second = (await make_zone(post, "UK", "GB")).split("/checkout")[1]
    await post(f"{first}/methods", FLAT)
    ident = await services(app).db.fetch_value("SELECT id FROM shipping_methods")
    assert (await post(f"{second}/methods/{ident}", FLAT)).status_code == 404
    assert (await post(f"{second}/methods/{ident}/delete", {})).status_code == 404
    assert (await post("/shipping/zones/999/methods", FLAT)).status_code == 404
    assert len(await rows(app, "SELECT * FROM shipping_methods")) == 1


async def test_shipping_uses_the_store_currency(app, client, merchant):
    jpy = await create_store(
        services(app).db,
        validate_new_store("Tokyo", ["https://tokyo.test"], "JPY"),
        owner_email=merchant,
        now=now_ms(),
    )
    await sign_in(client)
    base = f"/admin/stores/{jpy.id}/checkout"
    token = csrf_from((await client.get(base)).text)
    zone = await client.post(
        f"{base}/shipping/zones", data={"csrf_token": token, "name": "Japan", "countries": "JP"}
    )
    methods = zone.headers["location"].split("?")[0] + "/methods"
    response = await client.post(methods, data={"csrf_token": token, **FLAT})
    assert response.status_code == 422
    assert "JPY amounts have no decimal places." in field_error(response.text, "rate")
    response = await client.post(methods, data={"csrf_token": token, **FLAT, "rate": "500"})
    assert response.status_code == 303
    assert await rows(app, "SELECT rate FROM shipping_methods") == [{"rate": 500}]


async def test_the_checkout_finds_the_zone_methods(app, admin, store):
    from server.checkout.queries import shipping_countries, shipping_methods_for

    _, post = admin
    zone_path = (await make_zone(post)).split("/checkout")[1]
    await post(f"{zone_path}/methods", FLAT | {"kind": "weight_tiers", "tiers": "0 4\n2000 9"})
    [method] = await shipping_methods_for(services(app).db, store.id, "FR")
    assert (method.rate, method.tiers) == (400, ((0, 400), (2000, 900)))
    assert await shipping_countries(services(app).db, store.id) == {"DE", "FR", "AT"}


# ---- tax rates ----------------------------------------------------------------------------

TAX = {"country": "DE", "region": "", "rate": "19", "name": "VAT"}


@pytest.mark.parametrize(
    ("change", "stored"),
    [
        ({}, {"country": "DE", "region": "", "rate": 1900, "name": "VAT"}),
        (
            {"rate": "8.88", "country": "US", "region": "ny", "name": "Sales tax"},
            {"country": "US", "region": "NY", "rate": 888, "name": "Sales tax"},
        ),
        ({"rate": "7.50%"}, {"rate": 750}),
        (
            {"country": "ES", "region": " Canarias ", "rate": "7"},
            {"region": "Canarias", "rate": 700},
        ),
        ({"rate": "0"}, {"rate": 0}),
    ],
)
async def test_a_tax_rate_is_created(app, client, admin, store, change, stored):
    base, post = admin
    response = await post("/taxes", TAX | change)
    assert response.status_code == 303
    assert response.headers["location"] == f"{base}/taxes?saved=tax"
    [row] = await rows(app, "SELECT store_id, country, region, rate, name FROM tax_rates")
    assert row["store_id"] == store.id
    assert {key: row[key] for key in stored} == stored
    assert "Tax rate saved." in (await client.get(response.headers["location"])).text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"rate": "8.875"}, "rate", "whole basis points"),
        ({"rate": "101"}, "rate", "between 0 and 100%"),
        ({"rate": "19,5"}, "rate", "percentage like 21"),
        ({"rate": ""}, "rate", "percentage like 21"),
        ({"country": "ZZ"}, "country", "Choose a country"),
        ({"region": "Bavaria"}, "region", "Germany have no region"),
        ({"country": "US", "region": "Texas"}, "region", "Use a state code, like AL"),
        ({"name": ""}, "name", "1 to 40 characters"),
    ],
)
async def test_tax_rate_errors(app, admin, change, field, message):
    _, post = admin
    response = await post("/taxes", TAX | change)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert await rows(app, "SELECT * FROM tax_rates") == []


async def test_a_rate_is_unique_per_country_and_region(app, admin):
    _, post = admin
    assert (await post("/taxes", TAX)).status_code == 303
    response = await post("/taxes", TAX | {"rate": "7"})
    assert response.status_code == 422
    assert "already a rate for all of DE" in field_error(response.text, "region")
    assert (await post("/taxes", TAX | {"country": "AT", "rate": "20"})).status_code == 303
    assert [r["rate"] for r in await rows(app, "SELECT rate FROM tax_rates ORDER BY id")] == [
        1900,
        2000,
    ]


async def test_a_tax_rate_is_edited_and_deleted(app, client, admin):
    base, post = admin
    await post("/taxes", TAX | {"country": "US", "region": "NY", "rate": "8.88"})
    await post("/taxes", TAX | {"country": "US", "region": "", "rate": "5"})
    ident = await services(app).db.fetch_value("SELECT id FROM tax_rates WHERE region = 'NY'")
    form = await client.get(f"{base}/taxes/{ident}")
    assert 'value="8.88"' in form.text and 'value="NY"' in form.text
    new_york = TAX | {"country": "US", "region": "NY"}
    response = await post(f"/taxes/{ident}", new_york | {"rate": "8.875"})
    assert response.status_code == 422
    response = await post(f"/taxes/{ident}", TAX | {"country": "US", "region": "", "rate": "9"})
    assert response.status_code == 422  # the country-wide US rate exists already
    assert "already a rate for all of US" in field_error(response.text, "region")
    response = await post(f"/taxes/{ident}", new_york | {"rate": "8.25", "name": "NY tax"})
    assert response.status_code == 303
    assert await rows(app, "SELECT rate, name FROM tax_rates WHERE id = ?", (ident,)) == [
        {"rate": 825, "name": "NY tax"}
    ]
    response = await post(f"/taxes/{ident}/delete", {})
    assert response.headers["location"] == f"{base}/taxes?saved=tax-deleted"
    assert [r["region"] for r in await rows(app, "SELECT region FROM tax_rates")] == [""]
    assert (await client.get(f"{base}/taxes/{ident}")).status_code == 404


async def test_offer_coupons_stay_out_of_the_discount_code_pages(app, client, admin, shop):
    base, post = admin
    await post("/discounts", DISCOUNT)
    campaign = await live_campaign(app, shop.id, Offer("free_gift", 0, gift_sku="FH-MUG-01"))
    cart = await new_cart(client, shop.public_key, FH_POUR_01=1)
    _, claimed = await exposed_claim(client, campaign, cart=cart)
    code = claimed.json()["coupon"]["code"]
    coupon = await discount_id(app, code)
    page = await client.get(f"{base}/discounts")
    assert page.status_code == 200
    assert "SUMMER-10" in page.text and code not in page.text
    assert (await client.get(f"{base}/discounts/{coupon}")).status_code == 404
    assert (await post(f"/discounts/{coupon}", DISCOUNT | {"code": "MINE"})).status_code == 404
    assert (await post(f"/discounts/{coupon}/deactivate", {})).status_code == 404
    [row] = await rows(app, "SELECT code, active FROM discounts WHERE id = ?", (coupon,))
    assert row == {"code": code, "active": 1}
