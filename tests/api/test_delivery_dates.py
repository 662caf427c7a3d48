"""Delivery dates: one rule per store (dispatch cut-off, handling days, working days and
holidays, then each method's transit) and one wording, the same in the quote, the order
confirmation, the order in the admin, and on the demo shop's own pages. The merchant edits
the rule on the checkout settings' Delivery dates page.
"""

import re
from datetime import UTC, datetime

import httpx
import pytest

from demo_store import create_demo_app
from server.demo_seed import DEMO_DELIVERY
from server.pricing.delivery import dispatch_wording
from server.services import services
from tests.api.shopping import ADDRESS, HEADERS, new_cart, order_body, place

pytestmark = pytest.mark.anyio

# Europe/Dublin is on UTC in December.
SUNDAY_EVENING = int(datetime(2026, 12, 6, 20, 0, tzinfo=UTC).timestamp() * 1000)
MONDAY_MORNING = int(datetime(2026, 12, 7, 9, 30, tzinfo=UTC).timestamp() * 1000)
MONDAY_AFTERNOON = int(datetime(2026, 12, 7, 14, 30, tzinfo=UTC).timestamp() * 1000)


async def quote_words(client, token: str) -> dict[str, str]:
    """Each shipping option's delivery words for an Irish address."""
    response = await client.post(
        f"/v1/carts/{token}/quote", json={"address": {"country": "IE"}}, headers=HEADERS
    )
    assert response.status_code == 200, response.text
    return {
        option["name"]: option["delivery"]["text"] for option in response.json()["shipping_options"]
    }


# ---- the demo shop's rule, end to end -------------------------------------------------------


async def test_a_sunday_evening_order_is_promised_what_the_shops_rule_says(
    app, client, shop, admin
):
    """Not "Arrives Mon 7 Dec": nothing leaves on a Sunday, so it leaves Monday (before the
    14:00 cut-off of a working day) and Standard takes 1 to 3 working days after that."""
    services(app).clock.set(SUNDAY_EVENING)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    words = await quote_words(client, token)
    assert words == {"Standard": "Arrives Tue 8 – Thu 10 Dec", "Express": "Arrives Tue 8 Dec"}

    placed = await place(client, order_body(token))
    assert placed.status_code == 201, placed.text
    order = placed.json()["order"]
    assert order["delivery"] == {
        "dispatch": "2026-12-07", "from": "2026-12-08", "to": "2026-12-10",
        "text": "Arrives Tue 8 – Thu 10 Dec",
    }  # fmt: skip

    base, _ = admin
    orders = await client.get(base.replace("/checkout", "/orders"))
    number = re.search(r'/orders/(\d+)"', orders.text).group(1)
    detail = await client.get(base.replace("/checkout", f"/orders/{number}"))
    assert "Arrives Tue 8 – Thu 10 Dec" in detail.text


@pytest.mark.parametrize(
    ("now", "standard"),
    [
        (MONDAY_MORNING, "Arrives Tue 8 – Thu 10 Dec"),
        (MONDAY_AFTERNOON, "Arrives Wed 9 – Fri 11 Dec"),
    ],
)
async def test_the_cut_off_moves_dispatch_to_the_next_working_day(app, client, shop, now, standard):
    services(app).clock.set(now)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    assert (await quote_words(client, token))["Standard"] == standard


async def test_christmas_holidays_are_skipped(app, client, shop):
    # Thursday 24 December after the cut-off: Friday 25, Monday 28 and Friday 1 January are
    # Irish holidays; it leaves on Tuesday 29.
    services(app).clock.set(int(datetime(2026, 12, 24, 15, 0, tzinfo=UTC).timestamp() * 1000))
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    words = await quote_words(client, token)
    assert words["Standard"] == "Arrives Wed 30 Dec 2026 – Mon 4 Jan 2027"
    assert words["Express"] == "Arrives Wed 30 Dec"


async def test_the_demo_shops_pages_state_its_rule(shop):
    """The shop's copy is the merchant's own words: they must say what the rule does."""
    assert dispatch_wording(DEMO_DELIVERY) == (
        "Orders placed before 14:00 on a working day (Mon–Fri) ship the same day;"
        " later orders ship the next working day."
    )
    demo = create_demo_app("http://keepcart.test", shop.public_key)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo), base_url="http://shop.test"
    ) as browser:
        product = (await browser.get("/products/stoneware-mug")).text
        about = (await browser.get("/about")).text
    promise = "Order before 14:00 (Irish time) on a working day and it ships the same day"
    assert promise in product and promise in about
    assert "later orders ship the next working day" in about
    assert "Monday to Friday, except Irish public holidays" in about
    assert "within 2 working days" not in product + about  # what the product page used to say
    # Each method's transit, as the shop's shipping zones have it.
    for words in ("1–3 working days", "Express €9.95, arriving the next working day",
                  "3–6 working days", "2–3 working days", "5–10 working days"):  # fmt: skip
        assert words in about


# ---- the Delivery dates page ---------------------------------------------------------------


async def test_the_page_shows_the_rule_and_what_an_order_now_is_told(app, client, shop, admin):
    services(app).clock.set(SUNDAY_EVENING)
    base, _ = admin
    page = await client.get(base + "/delivery")
    assert page.status_code == 200
    assert 'aria-current="page">Delivery dates</a>' in page.text
    assert "Orders placed before 14:00 on a working day (Mon–Fri) ship the same day" in page.text
    assert 'value="14:00"' in page.text and "2026-12-25\n2026-12-28" in page.text
    assert re.search(
        r"Ireland</td><th scope=\"row\">Standard</th><td>Arrives Tue 8 – Thu 10 Dec", page.text
    )


async def test_a_saved_rule_changes_what_checkout_promises(app, client, shop, admin):
    services(app).clock.set(MONDAY_MORNING)
    base, post = admin
    saved = await post("/delivery", {
        "dispatch_cutoff": "09:00", "handling_days": "1", "holidays": "2026-12-09",
        "working_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
    })  # fmt: skip
    assert saved.status_code == 303
    assert saved.headers["location"] == base + "/delivery?saved=delivery"
    [row] = await services(app).db.fetch_all(
        "SELECT dispatch_cutoff_minutes, handling_days, working_days, holidays FROM stores"
        " WHERE id = ?", (shop.id,),
    )  # fmt: skip
    assert tuple(row) == (540, 1, "mon tue wed thu fri sat", "2026-12-09")
    # 09:30 is after the cut-off: ready Tuesday 8, one handling day (not Wednesday 9, a
    # holiday) → leaves Thursday 10; Standard 1–3 working days, Saturdays included.
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    assert (await quote_words(client, token))["Standard"] == "Arrives Fri 11 – Mon 14 Dec"
    page = await client.get(saved.headers["location"])
    assert "Delivery dates saved." in page.text and 'value="09:00"' in page.text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"dispatch_cutoff": "25:00"}, "dispatch_cutoff", "time of day like 14:00"),
        ({"dispatch_cutoff": ""}, "dispatch_cutoff", "time of day like 14:00"),
        ({"handling_days": "31"}, "handling_days", "from 0 to 30"),
        ({"handling_days": "-1"}, "handling_days", "from 0 to 30"),
        ({"working_days": []}, "working_days", "at least one"),
        ({"working_days": ["mon", "someday"]}, "working_days", "at least one"),
        ({"holidays": "2026-12-25 25/12/2026"}, "holidays", "“25/12/2026” is not a date"),
        ({"holidays": "2026-02-30"}, "holidays", "is not a date"),
        ({"holidays": "1999-12-25"}, "holidays", "between 2000 and 2100"),
        ({"holidays": " ".join(f"2027-{1 + n // 28:02d}-{1 + n % 28:02d}" for n in range(201))},
         "holidays", "at most 200"),
    ],
)  # fmt: skip
async def test_bad_input_comes_back_with_the_field_error_and_saves_nothing(
    app, client, store, admin, change, field, message
):
    _, post = admin
    form = {"dispatch_cutoff": "12:00", "handling_days": "0", "holidays": "",
            "working_days": ["mon", "fri"]} | change  # fmt: skip
    response = await post("/delivery", form)
    assert response.status_code == 422
    assert message in response.text
    assert f'id="f-{field}-error"' in response.text and 'aria-invalid="true"' in response.text
    [row] = await services(app).db.fetch_all(
        "SELECT dispatch_cutoff_minutes, working_days FROM stores WHERE id = ?", (store.id,)
    )
    assert tuple(row) == (840, "mon tue wed thu fri")  # the defaults, untouched


async def test_the_order_confirmation_carries_the_same_words(app, client, shop):
    services(app).clock.set(MONDAY_AFTERNOON)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    body = order_body(token, shipping_method=2, address=ADDRESS)  # Ireland Express
    placed = await place(client, body)
    assert placed.json()["order"]["delivery"]["text"] == "Arrives Wed 9 Dec"
