"""The store overview shows true figures: orders and sessions seeded at known local times,
read back from the page, for the chosen range and the previous period, and only this
store's."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.services import attach, services
from server.stores.service import validate_new_store
from server.surveys.queries import save_survey
from server.surveys.templates import from_template
from server.trust.queries import load_trust_settings, save_trust_settings
from tests.api.admin_client import sign_in
from tests.api.attribution import insert_exposure
from tests.api.offering import live_campaign
from tests.api.ordering import insert_order

pytestmark = pytest.mark.anyio

DUBLIN = ZoneInfo("Europe/Dublin")  # the `store` fixture's timezone: UTC+1 in summer


def dublin(*args: int) -> int:
    return int(datetime(*args, tzinfo=DUBLIN).timestamp() * 1000)


NOW = dublin(2025, 7, 8, 12, 0)  # Tuesday 8 July 2025, 12:00 in Dublin (11:00 UTC)
_numbers = iter(range(5000, 9000))


@pytest.fixture
async def overview(app, client, merchant, store):
    """A signed-in client whose clock is NOW; ``get(query)`` returns the overview's HTML."""
    services(app).clock.set(NOW)
    await sign_in(client)

    async def get(query: str = "", status: int = 200) -> str:
        page = await client.get(f"/admin/stores/{store.id}{query}")
        assert page.status_code == status, page.text
        return page.text

    return get


async def order(app, store, at: int, total: int, status: str = "paid", visitor=None) -> str:
    """The order's public id (what the widget's order_complete event names)."""
    number = next(_numbers)
    await insert_order(app, store, number, created_at=at, total=total, status=status,
                       visitor_id=visitor)  # fmt: skip
    return f"ord_test{number}"


def completed(public_id: str) -> str:
    return json.dumps({"order": public_id, "total": 2500})


async def events(app, store, *rows: tuple) -> None:
    """(type, name, session id, received_at[, props JSON]) rows for the store, visitor v1."""
    await services(app).db.write(
        lambda conn: conn.executemany(
            "INSERT INTO events (store_id, type, name, occurred_at, received_at, url, referrer,"
            " visitor_id, session_id, props) VALUES (?, ?, ?, ?, ?, 'https://shop.test/', '',"
            " 'v1', ?, ?)",
            [(store.id, kind, name, at, at, session, props[0] if props else "{}")
             for kind, name, session, at, *props in rows],
        )
    )  # fmt: skip


def figure(text: str, key: str) -> dict[str, str]:
    """The figure's value, its change and its previous value, as the page shows them."""
    block = text[text.index(f'data-figure="{key}"') :]
    block = block[: block.index("</div>")]

    def inner(css: str) -> str:
        match = re.search(rf'class="{css}[^"]*">(.*?)</dd>', block, re.S)
        assert match, (css, block)
        return html.unescape(re.sub(r"<[^>]+>", " ", match[1])).split()

    return {
        "value": " ".join(inner("figure-value")),
        "change": " ".join(inner("change")),
        "previous": " ".join(inner("figure-previous")).removeprefix("Previous period: "),
    }


def funnel_counts(text: str) -> dict[str, str]:
    rows = re.findall(r'data-step="(\w+)">\s*<th scope="row">[^<]+</th>\s*<td[^>]*>([^<]+)<',
                      text)  # fmt: skip
    return {step: html.unescape(cell).strip() for step, cell in rows}


async def test_revenue_and_orders_count_paid_and_fulfilled_orders_by_local_day(
    app, store, overview
):
    # 7 days = 2–8 July in Dublin. 00:30 on 2 July is 23:30 UTC on 1 July: inside.
    await order(app, store, dublin(2025, 7, 2, 0, 30), 1000)
    await order(app, store, dublin(2025, 7, 8, 11, 59), 2000, status="fulfilled")
    await order(app, store, dublin(2025, 7, 5, 9), 9900, status="awaiting_payment")
    await order(app, store, dublin(2025, 7, 6, 9), 9900, status="refunded")
    # The previous period, 25 June – 1 July until 12:00: 00:30 on 25 June (23:30 UTC on
    # 24 June) is in it; 23:30 on 1 July is in neither (after the same time of day).
    await order(app, store, dublin(2025, 6, 25, 0, 30), 4000)
    await order(app, store, dublin(2025, 7, 1, 23, 30), 8800)
    page = await overview("?range=7d")
    assert figure(page, "revenue") == {"value": "€30.00", "change": "▼ 25.0% down 25.0 percent"
                                       " on the previous period", "previous": "€40.00"}  # fmt: skip
    assert figure(page, "orders")["value"] == "2"
    assert figure(page, "orders")["previous"] == "1"
    assert figure(page, "aov")["value"] == "€15.00"
    assert figure(page, "aov")["previous"] == "€40.00"
    assert "2 Jul – 8 Jul 2025" in page and "25 Jun – 1 Jul 2025" in page
    assert "paid and fulfilled orders" in page


async def test_today_is_compared_with_yesterday_until_the_same_time(app, store, overview):
    await order(app, store, dublin(2025, 7, 8, 9), 1500)
    await order(app, store, dublin(2025, 7, 7, 11, 59), 1000)  # yesterday, before 12:00
    await order(app, store, dublin(2025, 7, 7, 12, 1), 7700)  # yesterday, after 12:00
    await order(app, store, dublin(2025, 7, 8, 12, 1), 7700)  # after "now"
    page = await overview("?range=today")
    assert figure(page, "revenue")["value"] == "€15.00"
    assert figure(page, "revenue")["previous"] == "€10.00"
    assert figure(page, "revenue")["change"].startswith("▲ 50.0%")
    assert "until the same time of day" in page
    assert "Revenue per hour" in page


async def test_sessions_are_distinct_session_ids_with_a_pageview(app, store, overview):
    day = dublin(2025, 7, 7, 10)
    placed = await order(app, store, dublin(2025, 7, 7, 10, 5), 2500, visitor="v1")
    await events(
        app, store,
        ("pageview", "pageview", "s1", day), ("pageview", "pageview", "s1", day + 1000),
        ("custom", "product_view", "s1", day + 2000), ("checkout", "cart_add", "s1", day + 3000),
        ("checkout", "checkout_start", "s1", day + 4000),
        ("checkout", "order_complete", "s1", day + 5000, completed(placed)),
        ("pageview", "pageview", "s2", day), ("checkout", "cart_add", "s2", day + 1),
        ("pageview", "pageview", "s3", dublin(2025, 7, 8, 11)),
        ("pageview", "pageview", "s4", dublin(2025, 7, 8, 11)),
        ("custom", "signup", "s5", day),  # no pageview: not a session
        ("pageview", "pageview", "s6", dublin(2025, 6, 30, 10)),  # the previous period
    )  # fmt: skip
    page = await overview("?range=7d")
    assert funnel_counts(page) == {
        "sessions": "4", "product_view_sessions": "1", "cart_sessions": "2",
        "checkout_sessions": "1", "order_sessions": "1",
    }  # fmt: skip
    assert figure(page, "conversion") == {
        "value": "25.00%", "change": "▲ 25.00 pts up 25.00 percentage points on the previous"
        " period", "previous": "0.00%",
    }  # fmt: skip
    # Counted again from the days kept in event_days, the figures are the same.
    kept = await services(app).db.fetch_all(
        "SELECT day, sessions FROM event_days WHERE store_id = ? AND sessions > 0 ORDER BY day",
        (store.id,),
    )
    assert [tuple(row) for row in kept] == [("2025-06-30", 1), ("2025-07-07", 2)]
    again = await overview("?range=7d")
    assert funnel_counts(again) == funnel_counts(page)


async def test_two_orders_in_one_session_are_one_converted_session(app, store, overview):
    day = dublin(2025, 7, 7, 10)
    first = await order(app, store, day + 1000, 2500, visitor="v1")
    second = await order(app, store, day + 2000, 2500, visitor="v1")
    await events(
        app, store,
        ("pageview", "pageview", "s1", day),
        ("checkout", "order_complete", "s1", day + 1000, completed(first)),
        ("checkout", "order_complete", "s1", day + 2000, completed(second)),
        ("pageview", "pageview", "s2", day),
    )  # fmt: skip
    page = await overview("?range=7d")
    assert figure(page, "orders")["value"] == "2"
    assert figure(page, "conversion")["value"] == "50.00%"  # 1 of 2 sessions, not 2 ÷ 2
    assert funnel_counts(page)["order_sessions"] == "1"


async def test_only_real_orders_convert_a_session_never_a_sent_event(app, store, overview):
    # Anyone can post events: an order_complete counts only when it names an order of this
    # store placed by the same visitor, and one order converts one session at most.
    day = dublin(2025, 7, 7, 10)
    real = await order(app, store, day + 1000, 2500, visitor="v1")
    elsewhere = await order(app, store, day + 1000, 2500, visitor="v-someone-else")
    forged = [
        ("checkout", "order_complete", "f1", day, "{}"),
        ("checkout", "order_complete", "f2", day, completed("ord_made_up_123")),
        ("checkout", "order_complete", "f3", day, completed(elsewhere)),
        ("checkout", "order_complete", "f4", day, completed(real)),  # replayed in other sessions
        ("checkout", "order_complete", "f5", day, completed(real)),
    ]
    await events(
        app, store,
        *[("pageview", "pageview", f"f{n}", day) for n in range(1, 6)],
        ("pageview", "pageview", "s1", day),
        ("checkout", "order_complete", "s1", day + 1000, completed(real)), *forged,
    )  # fmt: skip
    page = await overview("?range=7d")
    assert funnel_counts(page)["order_sessions"] == "1"
    assert figure(page, "conversion")["value"] == "16.67%"  # 1 of 6 sessions


async def test_a_finished_day_is_kept_only_once_it_has_settled(app, store, overview):
    await overview("?range=7d")
    days = await services(app).db.fetch_all(
        "SELECT day FROM event_days WHERE store_id = ? ORDER BY day", (store.id,)
    )
    kept = [row["day"] for row in days]
    # Whole days of both periods, but not today, nor 1 July (the previous period's last
    # day, cut at 12:00).
    assert "2025-07-08" not in kept and "2025-07-01" not in kept
    assert "2025-07-07" in kept and "2025-06-25" in kept


async def test_product_views_not_recorded_are_shown_as_not_measured(app, store, overview):
    await events(app, store, ("pageview", "pageview", "s1", dublin(2025, 7, 8, 10)))
    page = await overview("?range=today")
    assert "Not measured yet." in page
    assert "keepcart('track', 'product_view')" in page


async def test_another_stores_orders_and_events_never_appear(app, store, overview):
    other = await create_store(
        services(app).db,
        validate_new_store("Other", ["http://other.test"], "EUR", "en-IE", "Europe/Dublin"),
        now=now_ms(),
    )
    await order(app, other, dublin(2025, 7, 8, 9), 99_900)
    await events(app, other, ("pageview", "pageview", "x1", dublin(2025, 7, 8, 9)))
    await order(app, store, dublin(2025, 7, 8, 9), 1200)
    page = await overview("?range=today")
    assert figure(page, "revenue")["value"] == "€12.00"
    assert funnel_counts(page)["sessions"] == "0"
    # This store has no events: the install card is still there.
    assert "Install Keepcart on your shop" in page


async def test_a_custom_range_and_its_previous_period(app, store, overview):
    await order(app, store, dublin(2025, 6, 1, 0, 10), 500)  # first day, just after midnight
    await order(app, store, dublin(2025, 6, 30, 23, 50), 700)  # last day, just before midnight
    await order(app, store, dublin(2025, 5, 31, 23, 50), 300)  # the previous 30 days
    page = await overview("?range=custom&from=2025-06-01&to=2025-06-30")
    assert figure(page, "revenue")["value"] == "€12.00"
    assert figure(page, "revenue")["previous"] == "€3.00"
    assert "1 Jun – 30 Jun 2025" in page and "2 May – 31 May 2025" in page
    assert 'value="2025-06-01"' in page and 'value="2025-06-30"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [("from=2025-07-09&to=2025-07-09", "Choose a date up to today."),
     ("from=2025-07-05&to=2025-07-01", "The end date is before the start date."),
     ("from=tomorrow&to=2025-07-01", "Enter a date like 2025-03-31.")],
)  # fmt: skip
async def test_custom_dates_that_cannot_be_shown_come_back_with_the_error(overview, query, message):
    page = await overview(f"?range=custom&{query}", status=422)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert "How your shop is doing" in page  # the default range's figures still show


async def test_the_install_card_steps_aside_once_events_arrive(app, store, overview):
    page = await overview()
    assert "Install Keepcart on your shop" in page
    assert 'id="snippet"' in page
    await events(app, store, ("pageview", "pageview", "s1", dublin(2025, 7, 8, 11)))
    page = await overview()
    assert "Install Keepcart on your shop" not in page
    assert '<h2 id="snippet-title">Snippet</h2>' in page
    assert 'id="snippet"' in page  # still there to copy, behind a disclosure


async def test_the_snippet_warns_when_shoppers_cannot_reach_it(overview):
    page = html.unescape(await overview())
    assert "KEEPCART_PUBLIC_URL is not set" in page
    assert "The snippet points at 127.0.0.1" in page


async def test_no_warning_once_keepcart_public_url_is_a_public_address(app, overview):
    public = dataclasses.replace(services(app).settings, public_url="https://keepcart.shop.example")
    attach(app, dataclasses.replace(services(app), settings=public))
    page = await overview()
    assert "cannot reach this snippet" not in page
    assert "https://keepcart.shop.example/v1/keepcart.js" in page


async def test_offers_show_exposed_visitors_against_the_holdout(app, store, overview):
    campaign = await live_campaign(app, store.id, holdout_percent=10)
    db = services(app).db
    seen = dublin(2025, 7, 3, 10)
    for n in range(3):
        await insert_exposure(db, campaign.id, f"a{n}", "A", seen)
    await insert_exposure(db, campaign.id, "h0", "holdout", seen)
    await insert_exposure(db, campaign.id, "h1", "holdout", seen)
    await insert_exposure(db, campaign.id, "old", "A", dublin(2025, 6, 1, 10))  # before
    await order(app, store, seen + 3_600_000, 3000, visitor="a0")
    await order(app, store, seen + 3_600_000, 1000, visitor="h0")
    await order(app, store, seen + 9 * 86_400_000, 5000, visitor="a1")  # after the window
    page = html.unescape(await overview("?range=7d"))
    row = page[page.index('data-feature="Offers"') :]
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[: row.index("</tr>")]))
    assert "3 visitors 33.3% ordered" in row
    assert "2 visitors 50.0% ordered" in row
    # (3000/3 − 1000/2) × 3 = 1500 cents, too few visitors for an interval.
    assert "€15.00" in row and "Not enough data yet" in row
    assert f'href="/admin/stores/{store.id}/campaigns"' in page
    for later in ("Surveys", "Trust badges", "Cart recovery"):
        assert f'data-feature="{later}"' in page
    assert page.count("Not set up yet") == 2  # surveys and cart recovery


def feature_row(page: str, feature: str) -> str:
    row = page[page.index(f'data-feature="{feature}"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[: row.index("</tr>")]))


async def test_the_surveys_row_says_what_was_asked_and_answered_in_the_period(app, store, overview):
    assert "Not set up yet: no survey." in feature_row(html.unescape(await overview()), "Surveys")
    survey = dataclasses.replace(from_template("exit", store.id), status="live")

    async def seed(conn):
        saved = await save_survey(conn, survey, NOW)
        await save_survey(conn, from_template("nps", store.id), NOW)  # a draft
        for status, at in [
            ("completed", dublin(2025, 7, 7, 9)),
            ("shown", dublin(2025, 7, 8, 9)),
            ("completed", dublin(2025, 6, 1, 9)),  # before the 7 days
        ]:
            await conn.execute(
                "INSERT INTO survey_responses (public_id, survey_id, store_id, visitor_id,"
                " signal, status, shown_at, updated_at) VALUES (?, ?, ?, 'v', 'exit_top', ?,"
                " ?, ?)",
                (f"rsp_{status}{at}", saved.id, store.id, status, at, at),
            )

    await services(app).db.write(seed)
    row = feature_row(html.unescape(await overview("?range=7d")), "Surveys")
    assert "1 live. 1 answered of 2 shown in this period" in row
    assert f'href="/admin/stores/{store.id}/surveys"' in await overview()


async def test_the_trust_row_says_whether_badges_are_measured(app, store, overview):
    row = feature_row(html.unescape(await overview()), "Trust badges")
    assert "no holdout, so no effect measured" in row
    settings = dataclasses.replace(await load_trust_settings(services(app).db, store.id),
                                   badges_holdout=10)  # fmt: skip
    await services(app).db.write(lambda conn: save_trust_settings(conn, store.id, settings, NOW))
    row = feature_row(html.unescape(await overview()), "Trust badges")
    assert "10% of visitors held out" in row


async def test_offers_not_set_up_yet_say_so(overview):
    page = await overview()
    row = page[page.index('data-feature="Offers"') :]
    assert "Not set up yet: no offer campaign." in row[: row.index("</tr>")]


async def test_charts_are_svg_with_a_title_a_description_and_a_table(app, store, overview):
    await order(app, store, dublin(2025, 7, 6, 9), 4200)
    page = await overview("?range=7d")
    assert page.count('<svg class="chart-svg"') == 3
    assert '<title id="chart-revenue-svg-title">Revenue per day</title>' in page
    description = re.search(r'<desc id="chart-revenue-svg-desc">([^<]+)</desc>', page)[1]
    assert html.unescape(description) == (
        "Revenue per day, 2 Jul – 8 Jul 2025: €42.00 in all, highest €42.00 on 6 Jul."
        " The dashed line is the previous period, 25 Jun – 1 Jul 2025: €0.00 in all."
    )
    table = page[page.index('id="chart-revenue-table-caption"') :]
    assert re.search(r'<th scope="row">6 Jul</th><td class="num">€42.00</td>'
                     r'<td class="num">€0.00</td>', table)  # fmt: skip
    assert "Show as table" in page
    assert "cdn" not in page.lower()


async def test_the_live_counts_endpoint_still_answers(app, client, store, overview):
    await events(app, store, ("pageview", "pageview", "s1", NOW - 1000))
    counts = (await client.get(f"/admin/stores/{store.id}/activity")).json()
    assert counts["page_views"] == 1 and counts["last_event"] == "just now"
