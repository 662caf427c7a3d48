"""Rules for surveys at runtime: what the widget is told, what an answer may be, where it
leads, and whether a visitor is due a survey. Pure functions; the clock and the database's
answers are passed in.

An answer's ``value`` in the public API, by question type (``null`` skips an optional one):

    single          "key", or {"option": "key", "text": "…"} (text only with an Other option)
    multiple        ["key", …], or {"options": ["key", …], "text": "…"}
    rating, nps,    a whole number on the question's scale
    ces, csat
    short_text,     a string (``max_length`` characters at most)
    long_text
    email           a string, sent with ``"consent": true`` beside ``value``

``answer_json`` gives a stored answer back in the same form, so a resumed survey can fill in
what was answered and send it again unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from server.characters import check_characters
from server.emails import normalize_email
from server.errors import BadRequest, Unprocessable, ValidationFailed
from server.offers.bucketing import bucket
from server.offers.service import glob_to_regex
from server.security import InvalidToken, Purpose, Signer
from server.surveys.model import (
    CHOICE_TYPES,
    END,
    MAX_OTHER_TEXT,
    SCALE_TYPES,
    TEXT_TYPES,
    Answer,
    Question,
    Survey,
    SurveyResponse,
    SurveySettings,
)

DAY_MS = 86_400_000
# An open response this recent is resumed rather than a new one shown.
RESUME_DAYS = 7
# Why a visitor is not due a survey (``state``'s ``reason``, a 409's ``field``).
ANSWERED = "answered"  # completed, and the rule is "until answered" (or it is the order's)
SHOWN = "shown"  # shown before, and the rule is "once"
RECENT = "recent"  # shown fewer than the rule's days ago
GAP = "gap"  # another survey was shown within the store's minimum gap
SAMPLED_OUT = "sampled_out"  # outside the survey's sample of visitors


# ---- config and the survey as the widget renders it ----------------------------------------


def survey_config(survey: Survey) -> dict[str, Any]:
    """What the loader and the surveys chunk need to decide whether a survey can show on a
    page; no question text (that comes with ``state``)."""
    return {
        "id": survey.public_id,
        "moments": [m for m in survey.moments if m != "order_status"],
        "trigger": asdict(survey.trigger),
        "targeting": asdict(survey.targeting),
        "pages": {
            "include": glob_to_regex(survey.targeting.include_urls),
            "exclude": glob_to_regex(survey.targeting.exclude_urls),
        },
        "recontact": asdict(survey.recontact),
    }


def in_widget(survey: Survey) -> bool:
    """Whether the widget shows it anywhere: any moment but the order-status page, which is
    Keepcart's own page and needs no widget."""
    return any(moment != "order_status" for moment in survey.moments)


def survey_config_block(surveys: list[Survey], settings: SurveySettings) -> dict[str, Any]:
    """``config.surveys``: the store's settings and its running surveys the widget shows."""
    return {
        "priority": settings.priority,
        "min_gap_days": settings.min_gap_days,
        "list": [survey_config(s) for s in surveys if in_widget(s)],
    }


def needs_cart(entry: Mapping[str, Any]) -> bool:
    """Can the survey (a ``survey_config`` entry) show only to a visitor with something in the
    cart: targeting a non-empty cart or a minimum subtotal, or shown only at cart moments
    (a cart left idle, the drawer closed with items, checkout left, an order's confirmation)?"""
    targeting = entry["targeting"]
    cart_moments = {"cart_idle", "drawer_close", "checkout_exit", "confirmation"}
    return (
        targeting["cart"] == "not_empty"
        or (targeting["subtotal_min"] or 0) > 0
        or set(entry["moments"]) <= cart_moments
    )


def survey_json(survey: Survey) -> dict[str, Any]:
    """The survey as the surveys chunk renders it: its questions, options and thanks (no
    remedies: which campaign an answer leads to is the server's to know)."""
    return {
        "id": survey.public_id,
        "thanks": survey.thanks,
        "questions": [_question_json(q) for q in survey.questions],
    }


def _question_json(question: Question) -> dict[str, Any]:
    body: dict[str, Any] = {
        "key": question.key,
        "type": question.type,
        "prompt": question.prompt,
        "required": question.required,
    }
    if question.type in CHOICE_TYPES:
        body["shuffle"] = question.shuffle
        body["options"] = [
            {"key": o.key, "label": o.label, "other": o.other, "next": o.next}
            for o in question.options
        ]
    if question.type in SCALE_TYPES:
        low, high = question.scale
        body |= {"low": low, "high": high, "low_label": question.low_label,
                 "high_label": question.high_label}  # fmt: skip
        if question.type == "rating":
            body["style"] = question.style
    if question.type in TEXT_TYPES or question.type == "email":
        body["max_length"] = question.text_limit
    if question.type == "email":
        body["consent_text"] = question.consent_text
    body["next"] = question.next
    return body


# ---- answers -------------------------------------------------------------------------------


def parse_answer(question: Question, raw: object, consent: object = None) -> Answer:
    """The answer ``raw`` gives ``question``, or the 422 that says why it can't be one.
    ``None`` skips an optional question (an empty ``Answer``)."""
    if raw is None or raw == [] or (isinstance(raw, str) and not raw.strip()):
        if question.required:
            raise _unfit("This question needs an answer.", "answer_required")
        return Answer()
    if question.type == "single":
        return _single(question, raw)
    if question.type == "multiple":
        return _multiple(question, raw)
    if question.type in SCALE_TYPES:
        return Answer(number=_score(question, raw))
    if question.type in TEXT_TYPES:
        return Answer(text=_text(raw, question.text_limit))
    return _email(question, raw, consent)


def _single(question: Question, raw: object) -> Answer:
    key, text = raw, None
    if isinstance(raw, dict):
        key, text = raw.get("option"), raw.get("text")
    if not isinstance(key, str):
        raise _unfit("Choose one of the options.")
    return Answer(options=(key,), text=_other_text(question, [key], text))


def _multiple(question: Question, raw: object) -> Answer:
    keys, text = raw, None
    if isinstance(raw, dict):
        keys, text = raw.get("options"), raw.get("text")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise _unfit("Choose one or more of the options.")
    if len(set(keys)) != len(keys):
        raise _unfit("Choose each option once.")
    order = [o.key for o in question.options]
    chosen = tuple(sorted(keys, key=lambda k: order.index(k) if k in order else len(order)))
    return Answer(options=chosen, text=_other_text(question, list(chosen), text))


def _other_text(question: Question, keys: list[str], text: object) -> str | None:
    """Every key one of the question's options; text only beside its Other option."""
    options = [question.option(key) for key in keys]
    if any(option is None for option in options):
        raise _unfit("That is not one of the options.")
    if text is None or text == "":
        return None
    if not any(option.other for option in options if option is not None):
        raise _unfit("Text goes only with the Other option.")
    return _text(text, MAX_OTHER_TEXT)


def _score(question: Question, raw: object) -> int:
    low, high = question.scale
    if type(raw) is not int or not low <= raw <= high:  # a bool is not a score
        raise _unfit(f"Choose a whole number from {low} to {high}.")
    return raw


def _text(raw: object, limit: int) -> str:
    if not isinstance(raw, str):
        raise _unfit("Write your answer as text.")
    text = raw.strip().replace("\r\n", "\n")
    if len(text) > limit:
        raise _unfit(f"Keep your answer to {limit} characters.", "answer_too_long")
    try:  # no control codes (the admin pages and the CSV export show it) or bidi overrides
        return check_characters("your answer", text)
    except ValueError as exc:
        raise _unfit(str(exc)) from None


def _email(question: Question, raw: object, consent: object) -> Answer:
    try:
        email = normalize_email(raw, field="value")
    except ValidationFailed as exc:
        raise _unfit(exc.message) from None
    if consent is not True:
        raise Unprocessable(
            "Tick the box to agree before you give your email.", field="consent",
            code="consent_required",
        )  # fmt: skip
    return Answer(text=email, consent=question.consent_text)


def _unfit(message: str, code: str = "answer_invalid") -> Unprocessable:
    return Unprocessable(message, field="value", code=code)


def answer_json(question: Question, answer: Answer) -> Any:
    """A stored answer in the form ``parse_answer`` reads (see the module docstring)."""
    if answer.skipped:
        return None
    if question.type == "single":
        key = answer.options[0] if answer.options else None
        return key if answer.text is None else {"option": key, "text": answer.text}
    if question.type == "multiple":
        keys = list(answer.options)
        return keys if answer.text is None else {"options": keys, "text": answer.text}
    if question.type in SCALE_TYPES:
        return answer.number
    return answer.text


def answers_json(survey: Survey, answers: Mapping[str, Answer]) -> dict[str, Any]:
    return {q.key: answer_json(q, answers[q.key]) for q in survey.questions if q.key in answers}


# ---- branching -----------------------------------------------------------------------------


def next_question(survey: Survey, key: str, answer: Answer) -> str | None:
    """The question after ``key`` given its answer: the chosen option's ``next`` (the first
    chosen, in the question's order, that has one), else the question's ``next``, else the
    following question. None ends the survey. A jump only goes forward: one to an earlier or
    unknown question reads as no jump (so a survey can never loop)."""
    keys = [q.key for q in survey.questions]
    question = survey.question(key)
    if question is None:
        return None
    here = keys.index(key)
    jumps = [o.next for o in question.options if o.key in answer.options and o.next]
    for target in [*jumps, question.next]:
        if target == END:
            return None
        if target in keys and keys.index(target) > here:
            return target
    return keys[here + 1] if here + 1 < len(keys) else None


def answered_path(survey: Survey, answers: Mapping[str, Answer]) -> tuple[list[str], str | None]:
    """The questions the answers so far lead through from the first, and the first question
    on that path still to answer (None when the path is answered to its end)."""
    path: list[str] = []
    key = survey.questions[0].key if survey.questions else None
    while key is not None and key in answers:
        path.append(key)
        key = next_question(survey, key, answers[key])
    return path, key


def resume_point(survey: Survey, answers: Mapping[str, Answer]) -> str | None:
    """Where a survey goes on from: the first question still to answer on its path."""
    return answered_path(survey, answers)[1]


# ---- frequency -----------------------------------------------------------------------------


def not_due(
    survey: Survey,
    latest: SurveyResponse | None,
    last_other_shown: int | None,
    settings: SurveySettings,
    visitor: str,
    now_ms: int,
    *,
    for_order: bool = False,
) -> str | None:
    """Why the visitor is not due this survey now, or None when they are.

    ``latest`` is their latest response to it (``for_order``: the order's);
    ``last_other_shown`` when another survey was last shown to them. The survey's recontact
    rule comes first, then the store's gap between two surveys, then the survey's sample.
    Shown for an order (the confirmation, the order-status page), a survey has one response
    per order and none of the page rules.
    """
    if for_order:
        if latest is not None and latest.status == "completed":
            return ANSWERED
    else:
        reason = _recontact(survey, latest, now_ms)
        if reason is not None:
            return reason
        gap_ms = settings.min_gap_days * DAY_MS
        if last_other_shown is not None and now_ms - last_other_shown < gap_ms:
            return GAP
    if in_sample(survey, visitor):
        return None
    return SAMPLED_OUT


def _recontact(survey: Survey, latest: SurveyResponse | None, now_ms: int) -> str | None:
    if latest is None:
        return None
    rule = survey.recontact
    if rule.mode == "once":
        return SHOWN
    if rule.mode == "until_answered":
        return ANSWERED if latest.status == "completed" else None
    last = max(latest.shown_at, latest.completed_at or 0)
    return RECENT if now_ms - last < rule.days * DAY_MS else None


def in_sample(survey: Survey, visitor: str) -> bool:
    """Whether the visitor is in the survey's sample: stable per visitor, and independent of
    the offers' buckets (a survey's id is hashed under its own name)."""
    assert survey.id is not None
    return bucket(survey.id, f"survey:{visitor}") < survey.sample_percent * 100


def resumable(response: SurveyResponse | None, now_ms: int) -> bool:
    """An open response recent enough to continue rather than show the survey anew."""
    return (
        response is not None
        and response.status != "completed"
        and now_ms - response.shown_at < RESUME_DAYS * DAY_MS
    )


def delivered(order_status: str, delivery_to: str, today: date) -> bool:
    """Whether an order-status survey may ask about an order on the store's ``today``:
    shipped, and past the last day of the delivery window it was promised."""
    if order_status != "fulfilled":
        return False
    try:
        return today > date.fromisoformat(delivery_to)
    except ValueError:
        return True  # no window to wait for


# ---- the response token ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseClaim:
    """What a response token proves: this store's survey gave this response to this visitor."""

    store_id: int
    survey: str  # public ids
    response: str
    visitor: str


def response_token(signer: Signer, claim: ResponseClaim) -> str:
    value = [claim.store_id, claim.survey, claim.response, claim.visitor]
    return signer.sign(Purpose.SURVEY_RESPONSE, value)


def read_response_token(signer: Signer, token: object) -> ResponseClaim:
    """The claim a response token proves; forged, tampered or malformed → 400
    response_invalid."""
    try:
        match signer.unsign(Purpose.SURVEY_RESPONSE, str(token)):
            case [int() as store_id, str() as survey, str() as response, str() as visitor]:
                return ResponseClaim(store_id, survey, response, visitor)
    except InvalidToken:
        pass
    raise _token_invalid()


def _token_invalid() -> BadRequest:
    return BadRequest("That response token isn't valid.", field="token", code="response_invalid")


def check_claim(claim: ResponseClaim, store_id: int, survey: Survey, response: str) -> None:
    """The token is for this store, survey and response; 400 response_invalid otherwise."""
    if (claim.store_id, claim.survey, claim.response) != (store_id, survey.public_id, response):
        raise _token_invalid()


def check_visitor(claim: ResponseClaim, response: SurveyResponse | None) -> SurveyResponse:
    """The response exists and is the token's visitor's; 400 response_invalid otherwise."""
    if response is None or response.visitor_id != claim.visitor:
        raise _token_invalid()
    return response
