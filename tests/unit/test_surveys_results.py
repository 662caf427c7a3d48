"""Survey result arithmetic: NPS, mean scores and shares, each with its 95 % interval, and
"not enough data yet" below the minimum sample."""

from __future__ import annotations

import math

import pytest

from server.offers.stats import MIN_SAMPLE, Z_95, Sample
from server.surveys.results import (
    NpsClasses,
    mean_score,
    nps,
    nps_classes,
    score_sample,
    share,
)


def test_nps_classes_split_at_seven_and_nine():
    counts = {0: 1, 6: 2, 7: 3, 8: 4, 9: 5, 10: 6}
    assert nps_classes(counts) == NpsClasses(promoters=11, passives=7, detractors=3)


def test_nps_is_promoters_minus_detractors_with_its_interval():
    # 50 promoters, 30 passives, 20 detractors: NPS 30. As a sample of +1/0/−1:
    # mean 0.3, s² = (100·70 − 30²) / (100·99) = 0.616162, se = sqrt(s² / 100) = 0.0784960
    figure = nps(NpsClasses(50, 30, 20))
    assert figure.estimate == pytest.approx(30)
    assert figure.n == 100
    assert figure.interval is not None
    assert figure.interval.low == pytest.approx(100 * (0.3 - Z_95 * 0.0784960), abs=1e-4)
    assert figure.interval.high == pytest.approx(100 * (0.3 + Z_95 * 0.0784960), abs=1e-4)


def test_nps_of_all_promoters_is_100_and_stays_inside_the_scale():
    figure = nps(NpsClasses(MIN_SAMPLE, 0, 0))
    assert figure.estimate == 100
    assert figure.interval is not None and figure.interval.high == 100


def test_nps_waits_for_the_minimum_sample():
    figure = nps(NpsClasses(MIN_SAMPLE - 1, 0, 0))
    assert figure.estimate == 100 and not figure.enough
    assert nps(NpsClasses(0, 0, 0)).estimate is None


def test_a_mean_score_from_counts_per_score():
    # CES: 10 × 7, 10 × 6, 10 × 4 → mean 17/3; s² = (30·1010 − 170²) / (30·29)
    sample = score_sample({7: 10, 6: 10, 4: 10})
    assert sample == Sample(30, 170, 1010)
    figure = mean_score(sample)
    assert figure.estimate == pytest.approx(170 / 30)
    se = math.sqrt((30 * 1010 - 170**2) / (30 * 29) / 30)
    assert figure.interval is not None
    assert figure.interval.low == pytest.approx(170 / 30 - Z_95 * se)
    assert not mean_score(score_sample({5: MIN_SAMPLE - 1})).enough
    assert mean_score(Sample(0, 0, 0)).estimate is None


def test_a_share_of_answers():
    figure = share(25, 100)
    assert figure.estimate == 0.25 and figure.enough
    assert 0.17 < figure.interval.low < 0.25 < figure.interval.high < 0.35
    assert not share(3, 10).enough and share(3, 10).estimate == 0.3
    assert share(0, 0).estimate is None


# ---- the results page's reading of the counts (server.admin.surveys.results_view) -----------


def test_a_choice_question_shows_shares_with_intervals_once_there_are_answers_enough():
    from server.admin.surveys.results_queries import AnswerGroup
    from server.admin.surveys.results_view import question_results
    from server.surveys.templates import exit_survey

    survey = exit_survey()
    groups = [AnswerGroup("q1", "delivery", None, 30, 0), AnswerGroup("q1", "gone", None, 10, 0),
              AnswerGroup("q1", "other", None, 2, 2)]  # fmt: skip
    [result] = question_results(survey, groups, {"q1": 42})
    table = dict(result.chart.table)
    assert table["Delivery was too slow or too costly"][0] == "71% · 30"
    assert table["Delivery was too slow or too costly"][1] == "95% interval 56% to 83%"  # Wilson
    assert table["gone (no longer asked)"][0] == "24% · 10"  # a removed option still counts
    assert (result.answered, result.texts, result.note) == (42, 2, "")
    few = question_results(survey, groups[:1], {"q1": 3})[0]
    assert len(dict(few.chart.table)["Delivery was too slow or too costly"]) == 1
    assert "3 of the 30 answers" in few.note
