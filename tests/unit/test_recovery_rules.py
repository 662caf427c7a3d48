"""Recovery's pure rules: when each reminder is due, who is held out, what a rebuilt cart
says, and the results' per-step attribution and holdout comparison."""

from __future__ import annotations

from server.money import format_amount
from server.recovery.model import (
    MINUTE_MS,
    OldLine,
    Step,
    due_after,
    first_due,
    is_held_out,
    may_store,
    notices_for,
)
from server.recovery.results import results

STEPS = (Step(60), Step(24 * 60), Step(72 * 60))


def euros(minor: int) -> str:
    return format_amount(minor, "EUR")


def test_the_checkout_is_abandoned_at_step_ones_delay():
    assert first_due(STEPS, 1000) == 1000 + 60 * MINUTE_MS


def test_each_step_is_due_its_delay_after_the_capture():
    abandoned = 60 * MINUTE_MS
    assert due_after(STEPS, 0, abandoned) == (1, abandoned)
    assert due_after(STEPS, 1, abandoned) == (2, 24 * 60 * MINUTE_MS)
    assert due_after(STEPS, 2, abandoned) == (3, 72 * 60 * MINUTE_MS)
    assert due_after(STEPS, 3, abandoned) is None


def test_a_disabled_step_is_skipped_and_keeps_the_next_ones_time():
    steps = (Step(60), Step(24 * 60, enabled=False), Step(72 * 60))
    assert due_after(steps, 1, 60 * MINUTE_MS) == (3, 72 * 60 * MINUTE_MS)
    off = (Step(60, enabled=False), Step(120, enabled=False), Step(180, enabled=False))
    assert due_after(off, 0, 0) is None


def test_consent_mode_keeps_only_a_ticked_box_and_notice_always():
    assert may_store("notice", False) and may_store("notice", True)
    assert may_store("consent", True) and not may_store("consent", False)
    assert not may_store("off", True)


def test_the_holdout_is_deterministic_and_near_its_share():
    carts = [f"cart_{n}" for n in range(2000)]
    held = [cart for cart in carts if is_held_out(cart, 10)]
    assert held == [cart for cart in carts if is_held_out(cart, 10)]
    assert 150 < len(held) < 250
    assert not any(is_held_out(cart, 0) for cart in carts)


def test_a_rebuilt_cart_says_what_changed():
    old = [OldLine("MUG", "Mug", 2, 2400), OldLine("THR", "Throw", 1, 9000),
           OldLine("KTL", "Kettle", 3, 5000), OldLine("CUP", "Cup", 1, 800)]  # fmt: skip
    notices = notices_for(
        old, {"MUG": 2600, "THR": None, "KTL": 5000, "CUP": 800},
        {"MUG": 2, "KTL": 1, "CUP": 1}, euros,
    )  # fmt: skip
    assert notices == [
        "The price of Mug changed from €24.00 to €26.00.",
        "Throw is no longer available, so it is not in your cart.",
        "Only 1 of Kettle left, so your cart has 1.",
    ]


def checkout(contact_id, holdout=0, total=None, at=None, order=None, abandoned_at=0):
    """A row of results_queries.abandoned_checkouts; each recovered one has its own order unless
    ``order`` says which."""
    order = order if order is not None else (None if total is None else 10_000 + contact_id)
    return {"id": contact_id, "holdout": holdout, "abandoned_at": abandoned_at,
            "order_id": order, "recovered_total": total, "recovered_at": at}  # fmt: skip


def written(contact_id, step, at, clicks=0, delivered=True):
    return {"contact_id": contact_id, "step": step, "written_at": at, "clicks": clicks,
            "delivered": delivered}  # fmt: skip


def test_an_order_counts_for_the_last_reminder_before_it():
    figures = results(
        [checkout(1, total=5000, at=150), checkout(2), checkout(3, holdout=1, total=700, at=9)],
        [written(1, 1, 100, clicks=2), written(1, 2, 200), written(2, 1, 100, delivered=False)],
        {1: 1},
        3,
    )
    step1, step2, step3 = figures.steps
    assert (step1.written, step1.delivered, step1.clicked, step1.clicks) == (2, 1, 1, 2)
    assert (step1.recovered, step1.revenue, step1.unsubscribes) == (1, 5000, 1)
    assert (step2.written, step2.recovered) == (1, 0) and step3.written == 0
    assert (figures.reminded.checkouts, figures.reminded.recovered) == (2, 1)
    assert (figures.holdout.checkouts, figures.holdout.revenue) == (1, 700)
    assert figures.abandoned == 3
    assert figures.lift is None and figures.incremental_revenue is None  # too few to judge


def test_with_enough_checkouts_the_lift_has_an_interval():
    reminded = [checkout(n, total=4000 if n % 4 == 0 else None, at=1) for n in range(200)]
    held = [checkout(1000 + n, 1, total=4000 if n % 10 == 0 else None, at=1) for n in range(200)]
    figures = results(reminded + held, [], {}, 3)
    assert figures.lift is not None
    assert round(figures.lift.estimate, 2) == 0.15 and figures.lift.low > 0
    extra = figures.incremental_revenue
    assert extra is not None and round(extra.estimate) == 200 * (1000 - 400)


def test_an_order_after_several_checkouts_is_credited_once_to_the_latest():
    figures = results(
        [checkout(1, total=3000, at=500, order=7, abandoned_at=100),
         checkout(2, total=3000, at=500, order=7, abandoned_at=300)],
        [written(1, 1, 150), written(2, 1, 350)],
        {},
        3,
    )  # fmt: skip
    assert (figures.reminded.checkouts, figures.reminded.recovered) == (2, 1)
    assert figures.reminded.revenue == 3000 and figures.steps[0].recovered == 1
