"""The survey form read into a Survey: every error at once, branches forward only, remedies
that exist, and question and option keys that stay put however the form is edited."""

from __future__ import annotations

import dataclasses

import pytest

from server.admin.surveys.survey_form import (
    RemedyChoice,
    SurveyTerms,
    preview_survey,
    read_survey,
)
from server.admin.surveys.survey_prefill import survey_values
from server.forms import FormInvalid
from server.surveys.model import END, Remedy
from server.surveys.templates import TEMPLATES, exit_survey, nps_survey

FREE_DELIVERY = RemedyChoice("cmp_free", "A", "Free delivery: variant A", None)
ON_EXIT = RemedyChoice("cmp_exit", "B", "Before you go: variant B", "exit_intent")
REMEDIES = {c.value: c for c in (FREE_DELIVERY, ON_EXIT)}


def terms(stored=None) -> SurveyTerms:
    return SurveyTerms("EUR", "Europe/Dublin", stored, REMEDIES)


def errors_of(values: dict[str, str], stored=None) -> dict[str, str]:
    with pytest.raises(FormInvalid) as refused:
        read_survey(values, terms(stored))
    return refused.value.errors


def values_of(survey, **changes: str) -> dict[str, str]:
    return survey_values(survey, "EUR", "Europe/Dublin") | changes


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_reads_back_as_itself(name):
    stored = dataclasses.replace(TEMPLATES[name](), id=1, public_id="srv_1", store_id=1)
    read = read_survey(values_of(stored), terms(stored))
    assert read == dataclasses.replace(stored, id=None, public_id=None, store_id=None)


def test_every_error_is_reported_at_once():
    stored = exit_survey()
    errors = errors_of(values_of(
        stored,
        name="",
        moments="exit_intent confirmation",
        sample_percent="0",
        recontact_mode="every_n_days",
        recontact_days="400",
        q1_prompt="",
        q1_o1_label="",  # options left without a prompt
        q2_prompt="How did it go?",
        q2_type="nps",
        q2_low_label="x" * 41,
        q3_prompt="Anything else?",
        q3_type="bogus",
    ))  # fmt: skip
    assert set(errors) == {
        "name", "moments", "sample_percent", "recontact_days", "q1_prompt", "q2_low_label",
        "q3_type",
    }  # fmt: skip
    assert "not both" in errors["moments"]
    assert "clear its options" in errors["q1_prompt"]


def test_a_survey_needs_a_question_and_a_choice_two_options():
    blank = {f"q1_o{n}_label": "" for n in range(1, 10)}
    assert (
        "at least one question"
        in errors_of(values_of(exit_survey(), q1_prompt="", **blank))["q1_prompt"]
    )
    one = {f"q1_o{n}_label": "" for n in range(2, 10)}
    assert "at least 2 options" in errors_of(values_of(exit_survey(), **one))["q1_type"]


def test_branches_go_forward_only_and_to_questions_on_the_survey():
    survey = nps_survey()  # q1 NPS, q2 text
    assert read_survey(values_of(survey, q1_next="question-2"), terms()).questions[0].next == "q2"
    assert read_survey(values_of(survey, q1_next="end"), terms()).questions[0].next == END
    errors = errors_of(values_of(survey, q2_next="question-1", q1_next="question-5"))
    assert "later question" in errors["q2_next"]
    assert "on the survey" in errors["q1_next"]  # the fifth fieldset is blank


def test_an_option_may_jump_and_lead_to_an_offer_of_the_store():
    survey = exit_survey()
    values = values_of(survey, q1_o6_remedy="cmp_free:A", q2_prompt="Which method?",
                       q2_type="short_text", q1_o5_next="question-2")  # fmt: skip
    read = read_survey(values, terms(survey))
    delivery = read.questions[0].option("delivery")
    assert delivery is not None and delivery.remedy == Remedy("cmp_free", "A")
    assert read.questions[0].option("payment_missing").next == "q2"
    assert (
        "offer of this store" in errors_of(values | {"q1_o6_remedy": "cmp_other:A"})["q1_o6_remedy"]
    )


def test_a_survey_after_an_order_has_no_offers():
    values = values_of(exit_survey(), moments="confirmation", q1_o6_remedy="cmp_free:A")
    assert "only on your shop's pages" in errors_of(values)["q1_o6_remedy"]


def test_other_is_one_option_and_the_last():
    values = values_of(exit_survey(), q1_o2_other="true")
    assert "Only one" in errors_of(values)["q1_o9_other"]
    values = values_of(exit_survey(), q1_o9_other="false", q1_o3_other="true")
    assert "the last one" in errors_of(values)["q1_o3_other"]
    values = values_of(exit_survey(), q1_o3_label="I was just BROWSING")
    assert "different label" in errors_of(values)["q1_o3_label"]


def test_option_keys_stay_with_their_options_when_the_list_changes():
    stored = exit_survey()  # unexpected_costs, just_browsing, … delivery (6th) … other (9th)
    values = values_of(stored)
    # The first option is cleared, the sixth renamed, a new one typed into a blank row (and
    # the Other option moved after it).
    values |= {"q1_o1_label": "", "q1_o1_key": "unexpected_costs",
               "q1_o6_label": "Shipping cost too much",
               "q1_o9_label": "Free returns", "q1_o9_other": "false", "q1_o9_key": "",
               "q1_o10_label": "Other", "q1_o10_other": "true", "q1_o10_key": "other"}  # fmt: skip
    keys = [o.key for o in read_survey(values, terms(stored)).questions[0].options]
    assert keys == [
        "just_browsing", "checkout_too_long", "card_trust", "payment_missing", "delivery",
        "site_errors", "cheaper_elsewhere", "free_returns", "other",
    ]  # fmt: skip


def test_a_forged_or_repeated_option_key_is_not_kept():
    stored = exit_survey()
    values = values_of(stored, q1_o2_key="unexpected_costs", q1_o3_key="made_up")
    keys = [o.key for o in read_survey(values, terms(stored)).questions[0].options]
    assert keys[:3] == ["unexpected_costs", "i_was_just_browsing", "checkout_was_too_long_or"]


def test_question_keys_stay_and_a_new_question_never_takes_a_kept_key():
    stored = nps_survey()  # q1, q2
    values = values_of(stored, q1_prompt="", q1_key="q1",
                       q3_prompt="Email me?", q3_type="email")  # fmt: skip
    read = read_survey(values, terms(stored))
    assert [(q.key, q.type) for q in read.questions] == [("q2", "long_text"), ("q3", "email")]
    # A key the stored survey does not have is not trusted: the question gets a new one.
    forged = values_of(stored, q2_key="q9")
    assert [q.key for q in read_survey(forged, terms(stored)).questions] == ["q1", "q3"]


def test_a_new_question_never_takes_the_key_of_a_removed_one_that_has_answers():
    stored = nps_survey()  # q1, q2; a q3 was removed in an earlier edit, its answers kept
    values = values_of(stored, q3_prompt="Email me?", q3_type="email")
    answered = dataclasses.replace(terms(stored), answered=frozenset({"q1", "q3"}))
    assert [q.key for q in read_survey(values, answered).questions] == ["q1", "q2", "q4"]


def answered_terms(stored, *keys: str) -> SurveyTerms:
    return dataclasses.replace(terms(stored), answered=frozenset(keys))


def rated_survey(points: int):
    """The NPS template with its first question a rating of 1 to ``points``."""
    stored = nps_survey()
    rating = dataclasses.replace(stored.questions[0], type="rating", points=points)
    return dataclasses.replace(stored, questions=(rating, stored.questions[1]))


@pytest.mark.parametrize(
    ("stored", "changes", "keys"),
    [
        (nps_survey(), {"q1_type": "rating", "q1_points": "5"}, ["q3", "q2"]),  # 0–10 as 1–5
        (nps_survey(), {"q2_type": "short_text"}, ["q1", "q3"]),
        (rated_survey(5), {"q1_points": "10"}, ["q3", "q2"]),
        (rated_survey(10), {"q1_type": "csat"}, ["q3", "q2"]),
    ],
)
def test_an_answered_question_whose_type_or_scale_changes_gets_a_new_key(stored, changes, keys):
    """Its answers were given on another scale ("8 of 5" in the results): they leave its
    results, as a removed question's do, rather than be read on the new one."""
    values = values_of(stored, **changes)
    read = read_survey(values, answered_terms(stored, "q1", "q2"))
    assert [q.key for q in read.questions] == keys
    # Unanswered, it keeps its key: there is nothing to misread.
    assert [q.key for q in read_survey(values, terms(stored)).questions] == ["q1", "q2"]


def test_an_answered_question_edited_otherwise_keeps_its_key():
    stored = rated_survey(5)
    values = values_of(stored, q1_prompt="How was it?", q1_style="stars", q1_low_label="Meh",
                       q1_required="false", q2_prompt="Why?")  # fmt: skip
    read = read_survey(values, answered_terms(stored, "q1", "q2"))
    assert [(q.key, q.prompt) for q in read.questions] == [("q1", "How was it?"), ("q2", "Why?")]


def test_the_preview_reads_what_it_can():
    survey = preview_survey(values_of(exit_survey(), name="", q1_prompt="Why leave?"), terms())
    assert survey.questions[0].prompt == "Why leave?"
    assert survey.name == ""
