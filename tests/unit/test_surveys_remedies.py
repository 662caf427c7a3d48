"""Which arm a survey answer's remedy puts a visitor in, and which chosen option's remedy
comes first."""

from __future__ import annotations

import pytest

from server.offers.bucketing import HOLDOUT
from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
from server.offers.service import arm_for
from server.surveys.model import Answer, Option, Question, Remedy, Survey
from server.surveys.remedies import LinkedRemedy, linked_remedies, remedy_arm

VISITORS = [f"v-{n}" for n in range(2000)]


def campaign(holdout_percent: int) -> Campaign:
    return Campaign(
        id=11,
        public_id="cmp_remedy",
        name="Free delivery",
        trigger=Trigger(kind="survey_answer"),
        targeting=Targeting(),
        frequency=Frequency(),
        variants=(
            Variant("A", 9, "Free delivery", "", "Claim", Offer("free_shipping", 0)),
            Variant("B", 1, "10% off", "", "Claim", Offer("percent", 10)),
        ),
        holdout_percent=holdout_percent,
    )


def test_the_holdout_is_the_campaigns_own_and_everyone_else_gets_the_linked_variant():
    remedy = campaign(holdout_percent=20)
    arms = {v: remedy_arm(remedy, "B", v) for v in VISITORS}
    # The same visitors the campaign holds out on its own trigger, no more, no fewer...
    assert {v for v, arm in arms.items() if arm == HOLDOUT} == {
        v for v in VISITORS if arm_for(remedy, v) == HOLDOUT
    }
    # ...and every other one sees B, although the weights (9:1) would mostly give A.
    assert {arm for arm in arms.values() if arm != HOLDOUT} == {"B"}
    held = sum(arm == HOLDOUT for arm in arms.values()) / len(VISITORS)
    assert 0.16 < held < 0.24


@pytest.mark.parametrize(("holdout", "expected"), [(0, {"A"}), (100, {HOLDOUT})])
def test_no_holdout_shows_everyone_the_remedy_and_a_full_one_shows_no_one(holdout, expected):
    remedy = campaign(holdout_percent=holdout)
    assert {remedy_arm(remedy, "A", v) for v in VISITORS} == expected


def test_the_arm_is_the_same_for_a_visitor_every_time():
    remedy = campaign(holdout_percent=50)
    assert [remedy_arm(remedy, "A", v) for v in VISITORS[:50]] == [
        remedy_arm(remedy, "A", v) for v in VISITORS[:50]
    ]


FREE = Remedy("cmp_free", "A")
TEN = Remedy("cmp_ten", "B")
SURVEY = Survey(
    name="Why",
    moments=("exit_intent",),
    questions=(
        Question(
            "q1",
            "multiple",
            "What stopped you?",
            options=(
                Option("costs", "Costs", remedy=TEN),
                Option("browsing", "Browsing"),
                Option("delivery", "Delivery", remedy=FREE),
            ),
            shuffle=True,
        ),
        Question("q2", "short_text", "Anything else?", required=False),
        Question("q3", "single", "Again?", options=(Option("trust", "Trust", remedy=FREE),)),
    ),
)


def test_remedies_come_in_the_surveys_order_of_questions_and_options():
    # The shopper ticked delivery before costs (the options were shuffled): the question's
    # own order decides.
    answers = {
        "q3": Answer(options=("trust",)),
        "q2": Answer(text="no"),
        "q1": Answer(options=("delivery", "costs")),
    }
    assert list(linked_remedies(SURVEY, answers)) == [
        LinkedRemedy("q1", "costs", TEN),
        LinkedRemedy("q1", "delivery", FREE),
        LinkedRemedy("q3", "trust", FREE),
    ]


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"q1": Answer(options=("browsing",))},
        {"q1": Answer()},  # skipped
        {"q2": Answer(text="delivery")},  # a text that names an option chooses nothing
    ],
)
def test_answers_without_a_linked_option_earn_no_remedy(answers):
    assert list(linked_remedies(SURVEY, answers)) == []
