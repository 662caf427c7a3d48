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


def recovered(contact_id, total, holdout=0, order=None, abandoned_at=0, last_step=None):
    """A row of results_queries.recovered_checkouts; each has its own order unless ``order``
    says which."""
    return {"id": contact_id, "holdout": holdout, "abandoned_at": abandoned_at,
            "order_id": order or 10_000 + contact_id, "recovered_total": total,
            "last_step": last_step}  # fmt: skip


def counted(step, written, delivered=0, clicked=0, clicks=0):
    """A row of results_queries.step_counts."""
    return {"step": step, "written": written, "delivered": delivered, "clicked": clicked,
            "clicks": clicks}  # fmt: skip


def test_an_order_counts_for_its_last_reminder_and_each_step_as_counted():
    figures = results(
        {False: 2, True: 1},
        [recovered(1, 5000, last_step=1), recovered(3, 700, holdout=1)],
        [counted(1, 2, delivered=1, clicked=1, clicks=2), counted(2, 1)],
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


def test_reminders_of_a_step_no_longer_in_the_settings_still_show():
    figures = results({False: 1}, [recovered(1, 900, last_step=3)], [counted(3, 1)], {2: 1}, 1)
    assert [(s.number, s.written, s.recovered, s.unsubscribes) for s in figures.steps] == [
        (1, 0, 0, 0), (2, 0, 0, 1), (3, 1, 1, 0),
    ]  # fmt: skip


def test_with_enough_checkouts_the_lift_has_an_interval():
    reminded = [recovered(n, 4000) for n in range(0, 200, 4)]
    held = [recovered(1000 + n, 4000, holdout=1) for n in range(0, 200, 10)]
    figures = results({False: 200, True: 200}, reminded + held, [], {}, 3)
    assert figures.lift is not None
    assert round(figures.lift.estimate, 2) == 0.15 and figures.lift.low > 0
    extra = figures.incremental_revenue
    assert extra is not None and round(extra.estimate) == 200 * (1000 - 400)


def test_an_order_after_several_checkouts_is_credited_once_to_the_latest():
    figures = results(
        {False: 2},
        [recovered(2, 3000, order=7, abandoned_at=300, last_step=1),
         recovered(1, 3000, order=7, abandoned_at=100, last_step=2)],
        [counted(1, 2), counted(2, 1)],
        {},
        3,
    )  # fmt: skip
    assert (figures.reminded.checkouts, figures.reminded.recovered) == (2, 1)
    assert figures.reminded.revenue == 3000
    assert (figures.steps[0].recovered, figures.steps[1].recovered) == (1, 0)
