"""The survey rules, without a server: what an answer may be, where it leads, when a visitor is
due a survey, what the widget is told, and the response token."""

from __future__ import annotations

import re
from datetime import date

import pytest

from server.errors import KeepcartError
from server.offers.model import Targeting
from server.security import Purpose, Signer
from server.surveys import service
from server.surveys.model import (
    Answer,
    Option,
    Question,
    Recontact,
    Survey,
    SurveyResponse,
    SurveySettings,
)
from server.surveys.service import DAY_MS, ResponseClaim, next_question, not_due, parse_answer

CHOICES = (Option("a", "A"), Option("b", "B"), Option("other", "Other", other=True))
QUESTIONS = {
    "single": Question("q", "single", "?", options=CHOICES),
    "multiple": Question("q", "multiple", "?", options=CHOICES),
    "rating": Question("q", "rating", "?", points=5),
    "nps": Question("q", "nps", "?"),
    "ces": Question("q", "ces", "?"),
    "csat": Question("q", "csat", "?", points=3),
    "short_text": Question("q", "short_text", "?"),
    "long_text": Question("q", "long_text", "?", max_length=10),
    "email": Question("q", "email", "?", consent_text="Yes, write."),
}
VALID = [
    ("single", "a", Answer(options=("a",))),
    ("single", {"option": "other", "text": " Too pricey "}, Answer(("other",), text="Too pricey")),
    ("single", {"option": "b"}, Answer(options=("b",))),
    ("multiple", ["b", "a"], Answer(options=("a", "b"))),
    ("multiple", {"options": ["other"], "text": "x"}, Answer(("other",), text="x")),
    ("rating", 1, Answer(number=1)),
    ("rating", 5, Answer(number=5)),
    ("nps", 0, Answer(number=0)),
    ("nps", 10, Answer(number=10)),
    ("ces", 7, Answer(number=7)),
    ("csat", 3, Answer(number=3)),
    ("short_text", "  fine  ", Answer(text="fine")),
    ("long_text", "x" * 10, Answer(text="x" * 10)),
    # Line breaks and tabs are writing, not control codes; Windows line ends are kept as \n.
    ("short_text", "a\tb\r\nc\nd", Answer(text="a\tb\nc\nd")),
    ("short_text", "العربية and English", Answer(text="العربية and English")),
]
INVALID = [
    ("single", "zzz", "answer_invalid"),
    ("single", 3, "answer_invalid"),
    ("single", ["a"], "answer_invalid"),
    ("single", {"option": "a", "text": "no Other chosen"}, "answer_invalid"),
    ("single", {"option": "other", "text": "x" * 201}, "answer_too_long"),
    ("multiple", "a", "answer_invalid"),
    ("multiple", ["a", "a"], "answer_invalid"),
    ("multiple", ["a", "nope"], "answer_invalid"),
    ("multiple", ["a", 1], "answer_invalid"),
    ("multiple", {"options": ["a"], "text": "x"}, "answer_invalid"),
    ("rating", 0, "answer_invalid"),
    ("rating", 6, "answer_invalid"),
    ("rating", True, "answer_invalid"),
    ("rating", 4.0, "answer_invalid"),
    ("rating", "4", "answer_invalid"),
    ("nps", -1, "answer_invalid"),
    ("nps", 11, "answer_invalid"),
    ("ces", 0, "answer_invalid"),
    ("ces", 8, "answer_invalid"),
    ("csat", 4, "answer_invalid"),
    ("short_text", 5, "answer_invalid"),
    ("short_text", "x" * 201, "answer_too_long"),
    ("long_text", "x" * 11, "answer_too_long"),
    ("email", "not an email", "answer_invalid"),
    ("email", 7, "answer_invalid"),
    ("short_text", "a\x00b", "answer_invalid"),
    ("short_text", "a\rb", "answer_invalid"),  # a lone carriage return rewrites a line
    ("short_text", "a\x9bb", "answer_invalid"),
    ("short_text", "a\u202db", "answer_invalid"),
    ("short_text", "a\u2068b", "answer_invalid"),
    ("short_text", "\u200b\u200b", "answer_invalid"),  # nothing a reader can see
    ("multiple", {"options": ["other"], "text": "x\x1b[0m"}, "answer_invalid"),
    ("email", "pat\u2069@example.test", "answer_invalid"),
]


@pytest.mark.parametrize(("kind", "raw", "expected"), VALID)
def test_valid_answers(kind, raw, expected):
    assert parse_answer(QUESTIONS[kind], raw) == expected


@pytest.mark.parametrize(("kind", "raw", "code"), INVALID)
def test_invalid_answers_are_422_on_value(kind, raw, code):
    with pytest.raises(KeepcartError) as caught:
        parse_answer(QUESTIONS[kind], raw, consent=True)
    assert (caught.value.status, caught.value.code, caught.value.field) == (422, code, "value")


def test_an_email_is_kept_only_with_consent_and_its_wording():
    question = QUESTIONS["email"]
    with pytest.raises(KeepcartError) as caught:
        parse_answer(question, "Pat@Example.test", consent="yes")
    assert (caught.value.status, caught.value.code, caught.value.field) == (
        422, "consent_required", "consent",
    )  # fmt: skip
    given = parse_answer(question, "Pat@Example.test", consent=True)
    assert given == Answer(text="pat@example.test", consent="Yes, write.")


@pytest.mark.parametrize("empty", [None, "", [], " \n "])
def test_a_required_question_cannot_be_skipped_and_an_optional_one_can(empty):
    with pytest.raises(KeepcartError) as caught:
        parse_answer(QUESTIONS["nps"], empty)
    assert caught.value.code == "answer_required"
    optional = Question("q", "long_text", "?", required=False)
    assert parse_answer(optional, empty) == Answer()
    assert Answer().skipped


@pytest.mark.parametrize(
    ("kind", "raw"),
    [("single", {"option": "other", "text": "t"}), ("multiple", ["a", "b"]), ("nps", 9),
     ("short_text", "hi"), ("single", "a")],
)  # fmt: skip
def test_a_stored_answer_is_given_back_as_the_value_that_made_it(kind, raw):
    question = QUESTIONS[kind]
    assert service.answer_json(question, parse_answer(question, raw)) == raw


# ---- branching ----------------------------------------------------------------------------

BRANCHING = Survey(
    "S",
    ("exit_intent",),
    (
        Question(
            "q1",
            "single",
            "?",
            options=(
                Option("jump", "Jump", next="q3"),
                Option("stop", "Stop", next="end"),
                Option("back", "Back", next="q1"),  # backwards: read as no jump
                Option("plain", "Plain"),
            ),
            next="q2",
        ),
        Question("q2", "short_text", "?", next="q4"),
        Question("q3", "short_text", "?"),
        Question("q4", "multiple", "?", options=(Option("x", "X"), Option("y", "Y", next="end"))),
        Question("q5", "nps", "?"),
    ),
)


@pytest.mark.parametrize(
    ("key", "answer", "expected"),
    [
        ("q1", Answer(options=("jump",)), "q3"),  # the option's jump
        ("q1", Answer(options=("stop",)), None),  # the option ends it
        ("q1", Answer(options=("plain",)), "q2"),  # the question's own next
        ("q1", Answer(options=("back",)), "q2"),  # a backward jump is no jump
        ("q2", Answer(text="t"), "q4"),  # the question's next
        ("q3", Answer(text="t"), "q4"),  # the following question
        ("q4", Answer(options=("x", "y")), None),  # the first chosen option with a jump
        ("q4", Answer(options=("x",)), "q5"),
        ("q5", Answer(number=3), None),  # the last question
        ("q9", Answer(), None),  # no such question
    ],
)
def test_next_question(key, answer, expected):
    assert next_question(BRANCHING, key, answer) == expected


def test_the_resume_point_follows_the_path_the_answers_took():
    answers = {"q1": Answer(options=("jump",)), "q2": Answer(text="stale")}
    assert service.answered_path(BRANCHING, answers) == (["q1"], "q3")
    answers["q3"] = Answer(text="t")
    assert service.resume_point(BRANCHING, answers) == "q4"
    assert service.resume_point(BRANCHING, {}) == "q1"


# ---- frequency ----------------------------------------------------------------------------

NOW = 1_000 * DAY_MS
SETTINGS = SurveySettings(min_gap_days=14)


def survey(mode="until_answered", days=30, sample=100, moments=("exit_intent",)) -> Survey:
    return Survey("S", moments, (), recontact=Recontact(mode, days), sample_percent=sample, id=7)


def response(status="shown", shown_days_ago=1, completed_days_ago=None) -> SurveyResponse:
    completed = None if completed_days_ago is None else NOW - completed_days_ago * DAY_MS
    shown = NOW - shown_days_ago * DAY_MS
    return SurveyResponse(1, "rsp_x", 7, 1, "v", "", None, "exit_top", status, shown, shown,
                          completed)  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "latest", "expected"),
    [
        (survey("once"), None, None),
        (survey("once"), response("shown", 300), "shown"),
        (survey("until_answered"), response("started", 1), None),
        (survey("until_answered"), response("completed", 400, 400), "answered"),
        (survey("every_n_days", 30), response("shown", 29), "recent"),
        (survey("every_n_days", 30), response("shown", 30), None),
        (survey("every_n_days", 30), response("completed", 40, 10), "recent"),
        (survey("every_n_days", 30), response("completed", 40, 31), None),
    ],
    ids=["once-new", "once-shown", "until-open", "until-done", "days-recent", "days-due",
         "days-completed-recent", "days-completed-due"],
)  # fmt: skip
def test_recontact_rules(rule, latest, expected):
    assert not_due(rule, latest, None, SETTINGS, "v", NOW) == expected


def test_the_store_gap_counts_other_surveys_only():
    rule = survey()
    assert not_due(rule, None, NOW - 13 * DAY_MS, SETTINGS, "v", NOW) == "gap"
    assert not_due(rule, None, NOW - 14 * DAY_MS, SETTINGS, "v", NOW) is None
    assert not_due(rule, None, NOW - DAY_MS, SurveySettings(min_gap_days=0), "v", NOW) is None


def test_sampling_is_stable_per_visitor_and_near_its_share():
    half = survey(sample=50)
    visitors = [f"v-{n}" for n in range(2000)]
    shown = [v for v in visitors if not_due(half, None, None, SETTINGS, v, NOW) is None]
    assert 900 < len(shown) < 1100
    assert all(not_due(half, None, None, SETTINGS, v, NOW) is None for v in shown)
    assert all(not_due(survey(sample=100), None, None, SETTINGS, v, NOW) is None
               for v in visitors)  # fmt: skip


def test_an_order_survey_asks_once_per_order_and_ignores_the_page_rules():
    rule = survey("once", moments=("confirmation",))
    open_one = response("started", 400)
    assert not_due(rule, open_one, NOW - DAY_MS, SETTINGS, "v", NOW, for_order=True) is None
    done = response("completed", 1, 1)
    assert not_due(rule, done, None, SETTINGS, "v", NOW, for_order=True) == "answered"


@pytest.mark.parametrize(
    ("status", "delivery_to", "today", "expected"),
    [
        ("paid", "2024-05-01", date(2024, 6, 1), False),
        ("fulfilled", "2024-05-10", date(2024, 5, 10), False),
        ("fulfilled", "2024-05-10", date(2024, 5, 11), True),
        ("refunded", "2024-05-10", date(2024, 6, 1), False),
        ("fulfilled", "", date(2024, 6, 1), True),
    ],
)
def test_an_order_is_asked_about_only_after_its_delivery_window(
    status, delivery_to, today, expected
):
    assert service.delivered(status, delivery_to, today) is expected


# ---- config and token ---------------------------------------------------------------------


def test_the_config_entry_has_page_regexes_and_no_question_text():
    entry = service.survey_config(
        Survey(
            "S", ("exit_intent", "order_status"),
            (Question("q1", "short_text", "Secret prompt"),),
            targeting=Targeting(include_urls=("/shop/*",), exclude_urls=("/shop/a.b",)),
            public_id="srv_x",
        )
    )  # fmt: skip
    assert entry["id"] == "srv_x" and entry["moments"] == ["exit_intent"]
    assert "Secret prompt" not in str(entry)
    include, exclude = entry["pages"]["include"], entry["pages"]["exclude"]
    assert re.fullmatch(include, "/shop/mugs/blue") and not re.fullmatch(include, "/cart")
    assert re.fullmatch(exclude, "/shop/a.b") and not re.fullmatch(exclude, "/shop/axb")
    assert entry["recontact"] == {"mode": "until_answered", "days": 30}


def test_a_response_token_proves_its_store_survey_response_and_visitor():
    signer = Signer(("k" * 40,))
    claim = ResponseClaim(1, "srv_a", "rsp_b", "v-1")
    assert service.read_response_token(signer, service.response_token(signer, claim)) == claim
    coupon = signer.sign(Purpose.COUPON, [1, "srv_a", "rsp_b", "v-1"])
    for bad in ("nonsense", coupon, signer.sign(Purpose.SURVEY_RESPONSE, [1, 2]), None):
        with pytest.raises(KeepcartError) as caught:
            service.read_response_token(signer, bad)
        assert (caught.value.status, caught.value.code) == (400, "response_invalid")
