"""The surveys a merchant starts from: the four the issue names, and a blank one.

Each is a ``Survey`` as a draft, ready to save. The exit survey's reasons are the ones
shoppers give for leaving (Baymard's checkout studies); their keys are stable, because results,
remedies and the demo refer to them.
"""

from __future__ import annotations

import dataclasses

from server.offers.model import Targeting, Trigger
from server.surveys.model import END, Option, Question, Recontact, Survey

EXIT_REASONS = (
    ("unexpected_costs", "Extra costs were higher than I expected"),
    ("just_browsing", "I was just browsing"),
    ("checkout_too_long", "Checkout was too long or complicated"),
    ("card_trust", "I didn't trust the site with my card"),
    ("payment_missing", "The payment method I want is missing"),
    ("delivery", "Delivery was too slow or too costly"),
    ("site_errors", "The site had errors or was slow"),
    ("cheaper_elsewhere", "I found it cheaper elsewhere"),
)
ATTRIBUTION_SOURCES = (
    ("search", "Search engine"),
    ("social", "Social media"),
    ("friend", "A friend or family member"),
    ("podcast_blog", "A podcast or blog"),
    ("advert", "An advert"),
)


def _other(next_key: str | None = None) -> Option:
    return Option("other", "Other", other=True, next=next_key)


def exit_survey() -> Survey:
    reasons = tuple(Option(key, label, next=END) for key, label in EXIT_REASONS)
    question = Question(
        "q1",
        "single",
        "What stopped you today?",
        options=(*reasons, _other(END)),
        shuffle=True,
    )
    return Survey(
        name="Why shoppers leave",
        template="exit",
        moments=("exit_intent", "drawer_close", "checkout_exit"),
        questions=(question,),
        trigger=Trigger(kind="exit_intent"),
        targeting=Targeting(),
        recontact=Recontact("until_answered"),
        thanks="Thank you: that helps us fix it.",
    )


def checkout_experience_survey() -> Survey:
    return Survey(
        name="How checkout felt",
        template="checkout_experience",
        moments=("confirmation",),
        questions=(
            Question(
                "q1",
                "ces",
                "How easy was checkout?",
                low_label="Very difficult",
                high_label="Very easy",
            ),
            Question("q2", "long_text", "What could be better?", required=False),
        ),
        recontact=Recontact("until_answered"),
        thanks="Thank you for telling us.",
    )


def attribution_survey() -> Survey:
    sources = tuple(Option(key, label) for key, label in ATTRIBUTION_SOURCES)
    return Survey(
        name="How shoppers heard of us",
        template="attribution",
        moments=("confirmation",),
        questions=(
            Question("q1", "single", "How did you hear about us?", options=(*sources, _other())),
        ),
        recontact=Recontact("until_answered"),
        thanks="Thank you!",
    )


def nps_survey() -> Survey:
    return Survey(
        name="Would you recommend us?",
        template="nps",
        moments=("order_status",),
        questions=(
            Question(
                "q1",
                "nps",
                "How likely are you to recommend us to a friend?",
                low_label="Not at all likely",
                high_label="Extremely likely",
            ),
            Question("q2", "long_text", "What is the main reason for your score?", required=False),
        ),
        recontact=Recontact("until_answered"),
        thanks="Thank you for your answer.",
    )


def blank_survey() -> Survey:
    return Survey(
        name="New survey",
        template="blank",
        moments=("exit_intent",),
        questions=(Question("q1", "short_text", "What could we do better?"),),
    )


TEMPLATES = {
    "exit": exit_survey,
    "checkout_experience": checkout_experience_survey,
    "attribution": attribution_survey,
    "nps": nps_survey,
    "blank": blank_survey,
}
TEMPLATE_LABELS = {
    "exit": "Exit survey: what stopped you today?",
    "checkout_experience": "Checkout experience: how easy was checkout?",
    "attribution": "Attribution: how did you hear about us?",
    "nps": "Net Promoter Score after delivery",
    "blank": "Blank survey",
}


def from_template(name: str, store_id: int) -> Survey:
    """A new draft for ``store_id`` from the template ``name`` (a key of ``TEMPLATES``)."""
    return dataclasses.replace(TEMPLATES[name](), store_id=store_id)
