"""A survey's stored JSON reads back as the survey it was, fills defaults for what an older
release did not write, and ignores what a later release added."""

from __future__ import annotations

import json

import pytest

from server.offers.model import Targeting, Trigger
from server.surveys.model import (
    Option,
    Question,
    Recontact,
    Remedy,
    Survey,
    SurveySettings,
    from_json,
    moments_from_json,
    moments_to_json,
    questions_from_json,
    questions_to_json,
    targeting_from_json,
    to_json,
    trigger_from_json,
)
from server.surveys.templates import TEMPLATES, from_template

BRANCHING = (
    Question(
        "q1",
        "single",
        "Why?",
        options=(
            Option("delivery", "Delivery", next="q3", remedy=Remedy("cmp_x", "A")),
            Option("other", "Other", other=True, next="end"),
        ),
        shuffle=True,
    ),
    Question("q2", "rating", "Stars?", points=10, style="stars", low_label="Bad"),
    Question("q3", "long_text", "More?", required=False, max_length=500),
    Question("q4", "email", "Email?", required=False, consent_text="Write to me."),
)


def test_questions_round_trip_with_options_branching_and_remedies():
    assert questions_from_json(questions_to_json(BRANCHING)) == BRANCHING


def test_flat_values_round_trip():
    trigger = Trigger(kind="time_on_page", seconds=40)
    targeting = Targeting(cart="not_empty", include_urls=("/shop/*",), devices=("phone",))
    assert trigger_from_json(to_json(trigger)) == trigger
    assert targeting_from_json(to_json(targeting)) == targeting
    assert from_json(Recontact, to_json(Recontact("every_n_days", 9))) == Recontact(
        "every_n_days", 9
    )
    assert from_json(SurveySettings, to_json(SurveySettings(3, "surveys"))) == SurveySettings(
        3, "surveys"
    )
    moments = ("exit_intent", "confirmation")
    assert moments_from_json(moments_to_json(moments)) == moments


def test_unknown_keys_are_ignored_and_missing_ones_take_their_defaults():
    stored = [
        {
            "key": "q1",
            "type": "single",
            "prompt": "Why?",
            "from_a_later_release": 1,
            "options": [
                {"key": "a", "label": "A", "colour": "red", "remedy": {"campaign": "c",
                 "variant": "B", "extra": True}},
            ],
        }
    ]  # fmt: skip
    [question] = questions_from_json(json.dumps(stored))
    assert question == Question(
        "q1", "single", "Why?", options=(Option("a", "A", remedy=Remedy("c", "B")),)
    )
    assert from_json(Recontact, '{"mode": "once", "later": 2}') == Recontact("once")
    assert moments_from_json('["confirmation", "hologram", "exit_intent"]') == (
        "exit_intent",
        "confirmation",
    )


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_round_trips_and_branches_only_forward(name):
    survey = from_template(name, store_id=4)
    assert survey.store_id == 4 and survey.status == "draft" and survey.template == name
    assert questions_from_json(questions_to_json(survey.questions)) == survey.questions
    keys = [q.key for q in survey.questions]
    for index, question in enumerate(survey.questions):
        targets = [question.next, *(o.next for o in question.options)]
        for target in filter(None, targets):
            assert target == "end" or keys.index(target) > index


def test_the_exit_template_has_the_reasons_shoppers_give_and_other_last():
    [question] = from_template("exit", 1).questions
    keys = [o.key for o in question.options]
    assert keys == [
        "unexpected_costs", "just_browsing", "checkout_too_long", "card_trust",
        "payment_missing", "delivery", "site_errors", "cheaper_elsewhere", "other",
    ]  # fmt: skip
    assert question.shuffle and question.options[-1].other
    assert all(o.next == "end" for o in question.options)


def test_a_survey_is_running_only_live_and_inside_its_schedule():
    survey = Survey("S", ("exit_intent",), (), status="live", starts_at=10, ends_at=20)
    assert [survey.is_running(t) for t in (9, 10, 19, 20)] == [False, True, True, False]
    assert not Survey("S", ("exit_intent",), (), status="paused").is_running(15)


def test_text_limits_and_scales_follow_the_type():
    assert Question("q", "short_text", "").text_limit == 200
    assert Question("q", "long_text", "").text_limit == 2000
    assert Question("q", "long_text", "", max_length=50).text_limit == 50
    assert Question("q", "short_text", "", max_length=5000).text_limit == 200
    assert Question("q", "nps", "").scale == (0, 10)
    assert Question("q", "ces", "").scale == (1, 7)
    assert Question("q", "rating", "", points=10).scale == (1, 10)
