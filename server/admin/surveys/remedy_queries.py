"""What a survey's remedies earned: for each answer linked to an offer, the visitors who got
the remedy against those its campaign held out, and the orders that followed.

A response earns a remedy with its completing answer (``server/surveys/remedies.py``), which
records the campaign's exposure at that moment and keeps the campaign and arm on the response
(``remedy_*``). A campaign keeps one exposure per visitor and gives a remedy only to a visitor
it has never exposed, so each such response has exactly its own exposure: the orders counted
for it are that exposure's, by the campaign results' own attribution (``ATTRIBUTED_ORDER``:
the same visitor, paid or fulfilled, within the store's attribution window). The arms are
compared as a campaign's are (``offers.results.compare_arms``).

Which option earned a response its remedy is read from its answers: the first chosen option,
in the survey's order, linked to that campaign (as ``offer_remedy`` chose it). A survey edited
since may link the campaign to no chosen option any more; those responses still count, under
the campaign alone.

The order page's side (``order_remedies``): the answers whose remedy an order followed, in the
window of the page's "offers seen before ordering".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from server.admin.campaigns.queries import ATTRIBUTED_ORDER, DAY_MS
from server.admin.campaigns.reports import describe_arm
from server.db import Database, Row
from server.money import format_amount
from server.offers.bucketing import HOLDOUT
from server.offers.results import ArmResult, ArmTotals, compare_arms
from server.offers.service import SURVEY_SIGNAL
from server.surveys.model import Answer, Survey, questions_from_json
from server.surveys.remedies import linked_remedies

# Each response of the survey that earned a remedy, with its attributed orders (parameter:
# the survey's id): the survey's responses by survey_responses_by_survey, each one's exposure
# by its key, the visitor's orders by orders_by_visitor.
REMEDIED = f"""
SELECT r.id, r.remedy_arm AS arm, c.public_id AS campaign_public_id, c.name AS campaign_name,
       count(o.id) AS orders, coalesce(sum(o.total), 0) AS revenue
FROM survey_responses r
CROSS JOIN campaigns c ON c.id = r.remedy_campaign_id
CROSS JOIN stores s ON s.id = c.store_id
CROSS JOIN exposures x ON x.campaign_id = c.id AND x.visitor_id = r.visitor_id
LEFT JOIN orders o ON {ATTRIBUTED_ORDER}
WHERE r.survey_id = ? AND r.remedy_campaign_id IS NOT NULL
GROUP BY r.id
"""

# The options chosen in a survey's responses that earned a remedy (parameter: the survey's id).
REMEDIED_CHOICES = """
SELECT a.response_id, a.question, a.option FROM survey_responses r
JOIN survey_answers a ON a.response_id = r.id
WHERE r.survey_id = ? AND r.remedy_campaign_id IS NOT NULL AND a.option != ''
"""


@dataclass(frozen=True)
class EarnedBy:
    """The chosen option that earned a response its remedy, as the survey reads now."""

    question: str
    option: str
    label: str
    variant: str  # the variant the option links


def earned_by(survey: Survey, answers: Mapping[str, Answer], campaign: str) -> EarnedBy | None:
    """The first chosen option, in the survey's order, linked to ``campaign``; None when the
    survey links it to no chosen option any more."""
    for link in linked_remedies(survey, answers):
        if link.remedy.campaign == campaign:
            question = survey.question(link.question)
            option = question.option(link.option) if question else None
            label = option.label if option else link.option
            return EarnedBy(link.question, link.option, label, link.remedy.variant)
    return None


@dataclass(frozen=True)
class RemedyResult:
    """One linked answer's remedy: who got it, who was held out, and what they ordered."""

    earned_by: EarnedBy | None  # None: no option links the campaign any more
    campaign_name: str
    campaign_public_id: str
    variant: str | None  # the linked variant's key
    arms: list[ArmResult]  # the variant, then the holdout
    orders: int  # attributed orders, every arm together


@dataclass
class _Tally:
    campaign_name: str
    campaign_public_id: str
    earned_by: EarnedBy | None
    variant: str | None
    exposed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    revenues: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    orders: int = 0

    def count(self, arm: str, orders: int, revenue: int) -> None:
        """One response: its visitor was exposed in ``arm`` and placed ``orders``."""
        self.exposed[arm] += 1
        if orders:
            self.revenues[arm].append(revenue)
            self.orders += orders
        if self.variant is None and arm != HOLDOUT:  # no link names it: the arm does
            self.variant = arm

    def result(self) -> RemedyResult:
        totals = [
            ArmTotals.of_visitors(arm, exposed, self.revenues[arm])
            for arm, exposed in self.exposed.items()
        ]
        arms = compare_arms(totals, [self.variant] if self.variant else [])
        return RemedyResult(self.earned_by, self.campaign_name, self.campaign_public_id,
                            self.variant, arms, self.orders)  # fmt: skip


async def remedy_results(db: Database, survey: Survey) -> list[RemedyResult]:
    """Each linked answer's remedy results, in the survey's order of questions and options,
    then campaigns no option links any more; empty when no response earned a remedy."""
    assert survey.id is not None
    remedied = await db.fetch_all(REMEDIED, (survey.id,))
    if not remedied:
        return []
    chosen = _choices(await db.fetch_all(REMEDIED_CHOICES, (survey.id,)))
    tallies: dict[tuple[str, str | None, str | None], _Tally] = {}
    for row in remedied:
        campaign = row["campaign_public_id"]
        earned = earned_by(survey, chosen.get(row["id"], {}), campaign)
        key = (campaign, earned and earned.question, earned and earned.option)
        if key not in tallies:
            variant = earned.variant if earned else None
            tallies[key] = _Tally(row["campaign_name"], campaign, earned, variant)
        tallies[key].count(row["arm"], row["orders"], row["revenue"])
    return [tally.result() for tally in _in_survey_order(survey, tallies.values())]


async def remedy_table(db: Database, survey: Survey, currency: str) -> list[dict[str, Any]]:
    """``remedy_results`` as the survey's results page shows them (``surveys/_remedies.html``):
    each arm as a campaign's results page describes it, amounts in ``currency``."""

    def money(amount: float) -> str:
        return format_amount(round(amount), currency)

    return [
        {
            "result": result,
            "arms": [describe_arm(arm, money) for arm in result.arms],
            "verdict": next((arm.verdict for arm in result.arms if arm.verdict), None),
            "held_out": any(arm.is_holdout and arm.exposed for arm in result.arms),
        }
        for result in await remedy_results(db, survey)
    ]


def _choices(rows: Iterable[Row]) -> dict[int, dict[str, Answer]]:
    """Per response, its choice answers (the options only: all a remedy depends on)."""
    options: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        options[row["response_id"]][row["question"]].append(row["option"])
    return {
        response: {q: Answer(options=tuple(keys)) for q, keys in by_question.items()}
        for response, by_question in options.items()
    }


def _in_survey_order(survey: Survey, tallies: Iterable[_Tally]) -> list[_Tally]:
    options = [(q.key, o.key) for q in survey.questions for o in q.options]
    place = {option: n for n, option in enumerate(options)}

    def position(tally: _Tally) -> tuple[int, str]:
        earned = tally.earned_by
        where = place[(earned.question, earned.option)] if earned else len(place)
        return where, tally.campaign_name

    return sorted(tallies, key=position)


# ---- the order page -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRemedy:
    """A survey answer whose remedy the order followed."""

    survey_name: str
    answer: str | None  # the option's label; None when the survey no longer links it
    campaign_name: str
    campaign_public_id: str
    arm: str
    given_at: int  # with the completing answer


# The remedies the order's visitor was given before it, inside the attribution window
# (parameter: the order's id): the visitor's exposures by exposures_by_visitor, each one's
# response by survey_responses_by_visitor.
ORDER_REMEDIES = f"""
SELECT r.id, sv.name AS survey_name, sv.questions, c.name AS campaign_name,
       c.public_id AS campaign_public_id, r.remedy_arm AS arm, r.remedy_at AS given_at
FROM orders o
JOIN stores s ON s.id = o.store_id
JOIN exposures x ON x.visitor_id = o.visitor_id AND x.signal = '{SURVEY_SIGNAL}'
    AND x.created_at <= o.created_at
    AND o.created_at <= x.created_at + s.attribution_days * {DAY_MS}
JOIN campaigns c ON c.id = x.campaign_id AND c.store_id = o.store_id
JOIN survey_responses r ON r.store_id = o.store_id AND r.visitor_id = x.visitor_id
    AND r.remedy_campaign_id = c.id
JOIN surveys sv ON sv.id = r.survey_id
WHERE o.id = ?
ORDER BY r.remedy_at, r.id
"""


async def order_remedies(db: Database, order_id: int) -> list[OrderRemedy]:
    """The survey answers whose remedy the order followed, oldest first."""
    found = []
    for row in await db.fetch_all(ORDER_REMEDIES, (order_id,)):
        survey = Survey(row["survey_name"], (), questions_from_json(row["questions"]))
        choices = await db.fetch_all(
            "SELECT response_id, question, option FROM survey_answers"
            " WHERE response_id = ? AND option != ''",
            (row["id"],),
        )
        earned = earned_by(survey, _choices(choices).get(row["id"], {}), row["campaign_public_id"])
        found.append(
            OrderRemedy(row["survey_name"], earned and earned.label, row["campaign_name"],
                        row["campaign_public_id"], row["arm"], row["given_at"])
        )  # fmt: skip
    return found
