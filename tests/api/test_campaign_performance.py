"""The offers list shows how each campaign is doing against its holdout, and a campaign's
results show its conversion over time; the figures agree with the results table."""

from __future__ import annotations

import html
import re

import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.offers import stats
from server.services import services
from server.stores.service import validate_new_store
from tests.api.admin_client import sign_in
from tests.api.attribution import DAY, T0, insert_exposure, insert_order
from tests.api.offering import live_campaign

pytestmark = pytest.mark.anyio

_numbers = iter(range(2000, 9000))


@pytest.fixture
async def pages(app, client, merchant, store):
    services(app).clock.set(T0 + 3 * DAY)
    await sign_in(client)
    base = f"/admin/stores/{store.id}/campaigns"

    async def get(path: str = "") -> str:
        page = await client.get(base + path)
        assert page.status_code == 200, page.text
        return html.unescape(page.text)

    return get


async def arm(db, store_id, campaign, arm_key, exposed, converted, total=2000, at=T0, prefix=""):
    """``exposed`` visitors in ``arm_key``, the first ``converted`` of them ordering ``total``
    a day after their exposure at ``at``."""
    for n in range(exposed):
        visitor = f"{prefix}{arm_key}{at}-{n}"
        await insert_exposure(db, campaign.id, visitor, arm_key, at)
        if n < converted:
            await insert_order(db, store_id, next(_numbers), visitor, at + DAY, total)


def row_text(page: str, public_id: str) -> str:
    marker = f'data-campaign="{public_id}">'
    row = page[page.index(marker) + len(marker) :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[: row.index("</tr>")]))


async def test_the_list_shows_conversion_revenue_and_lift_against_the_holdout(app, store, pages):
    campaign = await live_campaign(app, store.id, holdout_percent=10)
    db = services(app).db
    await arm(db, store.id, campaign, "A", 40, 8)
    await arm(db, store.id, campaign, "holdout", 40, 5)
    row = row_text(await pages(), campaign.public_id)
    assert "80 40 in the holdout" in row  # exposed visitors, every arm
    assert "Variant A: 20.0%" in row and "Holdout: 12.5%" in row
    # Revenue of the visitors shown the offer: 8 × €20; beyond the holdout (20·8/40 − 20·5/40)·40.
    assert "€160.00 €60.00 beyond the holdout" in row
    lift = stats.difference_of_proportions(8, 40, 5, 40)
    assert f"Variant A: {lift.low * 100:+.1f} to {lift.high * 100:+.1f} pts" in row
    assert "not yet significant" in row


async def test_the_list_says_why_there_is_no_lift_yet(app, store, pages):
    few = await live_campaign(app, store.id, holdout_percent=10, name="Few visitors")
    none = await live_campaign(app, store.id, holdout_percent=0, name="No holdout")
    db = services(app).db
    await arm(db, store.id, few, "A", 3, 1)
    await arm(db, store.id, few, "holdout", 2, 0)
    await arm(db, store.id, none, "A", 5, 1)
    page = await pages()
    assert "Variant A: not enough data yet 3 exposed so far" in row_text(page, few.public_id)
    assert "Variant A: no holdout this campaign shows every visitor the offer" in row_text(
        page, none.public_id
    )


async def test_another_stores_orders_and_exposures_never_count(app, store, pages):
    campaign = await live_campaign(app, store.id, holdout_percent=10)
    db = services(app).db
    await arm(db, store.id, campaign, "A", 2, 1)
    other = await create_store(
        db,
        validate_new_store("Other", ["http://other.test"], "EUR", "en-IE", "Europe/Dublin"),
        now=now_ms(),
    )
    theirs = await live_campaign(app, other.id, holdout_percent=10)
    await arm(db, other.id, theirs, "A", 30, 30, total=99_900)
    # An order in the other store by this campaign's visitor is not this store's revenue.
    await insert_order(db, other.id, next(_numbers), f"A{T0}-1", T0 + DAY, 77_700)
    page = await pages()
    row = row_text(page, campaign.public_id)
    assert row.startswith(" Leaving already? Live")
    assert " 2 " in row and "Variant A: 50.0%" in row and "€20.00" in row
    assert theirs.public_id not in page


async def test_the_list_and_the_results_page_agree(app, store, pages):
    campaign = await live_campaign(app, store.id, holdout_percent=10)
    db = services(app).db
    await arm(db, store.id, campaign, "A", 6, 2, total=4550)
    await arm(db, store.id, campaign, "holdout", 3, 1, total=1000)
    results = await pages(f"/{campaign.public_id}/results")

    def cell(arm_label: str, col: str) -> str:
        row = results[results.index(f'data-arm="{arm_label}"') :]
        start = row.index(f'data-col="{col}">') + len(f'data-col="{col}">')
        return row[start : row.index("<", start)]

    row = row_text(await pages(), campaign.public_id)
    assert f"Variant A: {cell('Variant A', 'rate')}" in row
    assert f"Holdout: {cell('Holdout', 'rate')}" in row
    assert cell("Variant A", "revenue") == "€91.00" and "€91.00" in row


async def test_results_show_conversion_over_time_per_arm(app, store, pages):
    campaign = await live_campaign(app, store.id, holdout_percent=10)
    db = services(app).db
    await arm(db, store.id, campaign, "A", 4, 1, at=T0)
    await arm(db, store.id, campaign, "A", 4, 3, at=T0 + DAY)
    await arm(db, store.id, campaign, "holdout", 2, 1, at=T0 + DAY)
    page = await pages(f"/{campaign.public_id}/results")
    assert '<svg class="chart-svg"' in page
    assert "Conversion rate so far, by day of exposure" in page
    table = page[page.index('id="chart-trend-table-caption"') :]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>'
                      r'<td class="num">([^<]+)</td>', table)  # fmt: skip
    # T0 is 21 Sep 2026, 22:33 in Dublin; the campaign is live, so the days run to today.
    assert rows[:2] == [
        ("21 Sep", "1 of 4 · 25.0% so far", "0 of 0 · 0.0% so far"),
        ("22 Sep", "3 of 4 · 50.0% so far", "1 of 2 · 50.0% so far"),
    ]
    assert rows[-1][0] == "24 Sep"
    legend = page[page.index('class="chart-legend"') :]
    assert "Variant A" in legend and "Holdout" in legend and "(dashed)" in legend


async def test_results_before_any_exposure_say_so(app, store, pages):
    campaign = await live_campaign(app, store.id, holdout_percent=10)
    page = await pages(f"/{campaign.public_id}/results")
    assert "No visitor has been exposed to this campaign yet." in page


async def test_the_method_is_behind_a_disclosure(app, store, pages):
    campaign = await live_campaign(app, store.id, holdout_percent=10)
    page = await pages(f"/{campaign.public_id}/results")
    method = page[page.index('<details class="card method">') :]
    assert method.index("<summary>How this is computed</summary>") < method.index("Bonferroni")
    assert method.index("Bonferroni") < method.index("</details>")
