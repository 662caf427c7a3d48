"""The overview's figures: rates, changes, the funnel's drop-offs, and what offers brought."""

from __future__ import annotations

import math

import pytest

from server.admin.overview.figures import (
    ArmSample,
    CampaignSplit,
    DayCounts,
    funnel,
    headline,
    offers_brought,
    points_change,
    relative_change,
    total,
)
from server.offers import stats


def money(amount: float) -> str:
    return f"€{amount / 100:,.2f}"


def test_totals_add_every_count():
    days = [DayCounts(sessions=3, orders=1, revenue=500), DayCounts(sessions=2, page_views=9)]
    assert total(days) == DayCounts(sessions=5, page_views=9, orders=1, revenue=500)
    assert total([]) == DayCounts()


def test_headline_figures_beside_the_previous_period():
    current = DayCounts(sessions=200, order_sessions=10, orders=10, revenue=50_000)
    previous = DayCounts(sessions=100, order_sessions=8, orders=8, revenue=40_000)
    figures = {f.key: f for f in headline(current, previous, money)}
    assert (figures["revenue"].value, figures["revenue"].previous) == ("€500.00", "€400.00")
    assert (figures["revenue"].change.symbol, figures["revenue"].change.text) == ("▲", "25.0%")
    assert figures["orders"].change.text == "25.0%"
    # Conversion 5% against 8%: a rate changes in points, not percent.
    assert (figures["conversion"].value, figures["conversion"].previous) == ("5.00%", "8.00%")
    conversion = figures["conversion"].change
    assert (conversion.symbol, conversion.text, conversion.direction) == ("▼", "3.00 pts", "down")
    assert conversion.spoken == "down 3.00 percentage points on the previous period"
    assert (figures["aov"].value, figures["aov"].previous) == ("€50.00", "€50.00")
    assert figures["aov"].change.text == "no change"


def test_conversion_counts_sessions_that_ordered_so_it_never_passes_one_hundred_percent():
    two_orders_one_visit = DayCounts(sessions=1, order_sessions=1, orders=2, revenue=5000)
    figures = {f.key: f for f in headline(two_orders_one_visit, DayCounts(), money)}
    assert figures["conversion"].value == "100.00%"
    assert figures["orders"].value == "2"


def test_figures_without_sessions_or_orders_say_so_rather_than_divide_by_zero():
    figures = {f.key: f for f in headline(DayCounts(), DayCounts(), money)}
    assert figures["conversion"].value == "—"
    assert figures["aov"].value == "—"
    assert figures["aov"].change.text == "—"
    assert figures["revenue"].change.text == "no change"


def test_changes_are_told_by_symbol_and_words_not_colour_alone():
    up = relative_change(150, 100)
    assert (up.symbol, up.text, up.direction) == ("▲", "50.0%", "up")
    assert up.spoken == "up 50.0 percent on the previous period"
    down = relative_change(50, 200)
    assert (down.symbol, down.text) == ("▼", "75.0%")
    assert relative_change(7, 0).text == "new"
    assert relative_change(None, 3).text == "—"
    assert points_change(0.1234, 0.1234).text == "no change"
    assert points_change(0.05, 0.04).text == "1.00 pts"


def test_the_funnel_drops_off_step_by_step():
    counts = DayCounts(sessions=1000, product_view_sessions=600, cart_sessions=120,
                       checkout_sessions=60, order_sessions=30)  # fmt: skip
    steps = funnel(counts)
    assert [s.label for s in steps] == [
        "Sessions", "Viewed a product", "Added to cart", "Started checkout", "Ordered"
    ]  # fmt: skip
    assert [s.count for s in steps] == [1000, 600, 120, 60, 30]
    assert [s.of_first for s in steps] == [1.0, 0.6, 0.12, 0.06, 0.03]
    assert [s.continued for s in steps] == [None, 0.6, 0.2, 0.5, 0.5]
    assert [s.dropped for s in steps] == [None, 400, 480, 60, 30]


def test_product_views_not_measured_are_skipped_not_counted_as_a_total_drop():
    steps = funnel(DayCounts(sessions=100, cart_sessions=10, checkout_sessions=5, order_sessions=2))
    viewed = steps[1]
    assert not viewed.measured and viewed.count is None
    added = steps[2]
    assert (added.continued, added.dropped) == (0.1, 90)  # compared with the sessions


def test_a_step_counted_apart_can_exceed_the_one_before_without_negative_drop_off():
    steps = funnel(DayCounts(sessions=10, checkout_sessions=2, order_sessions=3))
    assert steps[-1].continued == 1.5
    assert steps[-1].dropped == 0


def test_an_empty_funnel_has_no_rates():
    steps = funnel(DayCounts())
    assert steps[0].of_first is None
    assert steps[2].continued is None


def side(revenues: list[int], zeros: int) -> ArmSample:
    return ArmSample(stats.Sample.of(revenues, zeros), len(revenues))


def test_offers_brought_adds_each_campaign_against_its_own_holdout():
    # Campaign 1: 100 shown, 10 spent 50.00; holdout 40, 2 spent 50.00.
    one = CampaignSplit(1, side([5000] * 10, 90), side([5000] * 2, 38))
    # Campaign 2: 60 shown, 3 spent 20.00; holdout 30, 3 spent 20.00 (no lift).
    two = CampaignSplit(2, side([2000] * 3, 57), side([2000] * 3, 27))
    brought = offers_brought([one, two])
    assert brought.offered_visitors == 160 and brought.held_visitors == 70
    assert brought.offered_conversion == 13 / 160
    assert brought.held_conversion == 5 / 70
    # (5000·10/100 − 5000·2/40) · 100 = 25,000; (2000·3/60 − 2000·3/30) · 60 = −6,000.
    assert brought.incremental == 19_000
    assert brought.compared == 2
    interval = brought.interval
    assert interval is not None
    variance = sum(
        s.offered.visitors.n**2
        * (s.offered.visitors.variance() / s.offered.visitors.n
           + s.held.visitors.variance() / s.held.visitors.n)
        for s in (one, two)
    )  # fmt: skip
    assert interval.high - interval.estimate == pytest.approx(stats.Z_95 * math.sqrt(variance))
    assert interval.low < 19_000 < interval.high


def test_offers_brought_waits_for_enough_visitors_before_an_interval():
    small = CampaignSplit(1, side([5000], 20), side([], 5))
    brought = offers_brought([small])
    assert brought.incremental == round(5000 / 21 * 21)
    assert brought.interval is None


def test_campaigns_without_a_holdout_are_counted_as_shown_but_left_out_of_the_estimate():
    no_holdout = CampaignSplit(1, side([4000], 49), side([], 0))
    brought = offers_brought([no_holdout])
    assert brought.offered_visitors == 50
    assert brought.incremental is None and brought.interval is None
    assert brought.without_holdout == 1
    assert brought.held_conversion is None
