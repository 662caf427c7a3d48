"""Server-side SVG charts: the geometry a template draws, empty data included."""

from __future__ import annotations

import pytest

from server.admin.charts import (
    BAR_LABEL_CHARS,
    BAR_ROW,
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    Bar,
    Series,
    axis_scale,
    bar_chart,
    line_chart,
    time_ticks,
)


def count(value: float) -> str:
    return f"{round(value):,}"


def test_points_span_the_plot_from_left_to_right_and_zero_to_the_top():
    chart = line_chart("c", "Orders", "desc", ["a", "b", "c"],
                       [Series("Now", (0, 2, 4)), Series("Before", (4, 0, 2), dashed=True)],
                       count, whole=True)  # fmt: skip
    now, before = chart.lines
    assert [x for x, _ in now.points] == [LEFT, (LEFT + RIGHT) / 2, RIGHT]
    assert now.points[0][1] == BOTTOM  # zero sits on the axis
    assert now.points[2][1] == TOP  # 4 is the top of a 0…4 axis
    assert now.path.startswith(f"M{LEFT:.1f},{BOTTOM:.1f} L")
    assert before.dashed and not now.dashed
    assert (now.number, before.number) == (1, 2)
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert chart.table == (("a", ("0", "4")), ("b", ("2", "0")), ("c", ("4", "2")))
    assert chart.columns == ("Now", "Before")
    assert not chart.empty


def test_an_empty_chart_draws_its_zero_line_and_says_it_is_empty():
    chart = line_chart("c", "Revenue", "desc", ["1 Mar", "2 Mar"],
                       [Series("Now", (0, 0))], count)  # fmt: skip
    assert chart.empty
    assert [t.label for t in chart.y_ticks] == ["0", "", "", "", ""]
    assert all(y == BOTTOM for _, y in chart.lines[0].points)


def test_no_buckets_at_all_draws_no_line():
    chart = line_chart("c", "Revenue", "desc", [], [Series("Now", ())], count)
    assert chart.lines[0].path == ""
    assert chart.x_ticks == ()
    assert chart.table == ()
    assert chart.empty


def test_a_single_bucket_is_drawn_in_the_middle():
    chart = line_chart("c", "Orders", "desc", ["Today"], [Series("Now", (3,))], count, whole=True)
    assert chart.lines[0].points == (((LEFT + RIGHT) / 2, TOP + (BOTTOM - TOP) / 4),)


def test_a_longer_series_is_cut_to_the_labels_and_a_shorter_one_ends_early():
    chart = line_chart("c", "t", "d", ["a", "b"],
                       [Series("Now", (1,)), Series("Before", (1, 2, 3))], count)  # fmt: skip
    assert len(chart.lines[0].points) == 1
    assert len(chart.lines[1].points) == 2
    assert chart.table[1] == ("b", ("—", "2"))


@pytest.mark.parametrize(
    ("highest", "whole", "expected"),
    [(0, False, (1.0, 0.25)), (0, True, (4, 1)), (3, True, (4, 1)), (9, True, (20, 5)),
     (17, True, (20, 5)), (9.5, False, (10, 2.5)), (123_456, False, (200_000, 50_000)),
     (1, True, (4, 1))],
)  # fmt: skip
def test_the_value_axis_has_round_steps_covering_the_highest_value(highest, whole, expected):
    assert axis_scale(highest, whole) == expected


def test_time_labels_are_thinned_but_keep_the_first_and_last():
    labels = [f"d{i}" for i in range(30)]
    shown = [t.label for t in time_ticks(labels)]
    assert shown[0] == "d0" and shown[-1] == "d29"
    assert len(shown) <= 6
    assert [t.label for t in time_ticks(["a", "b"])] == ["a", "b"]


def test_a_custom_table_and_tick_format_replace_the_defaults():
    chart = line_chart("c", "t", "d", ["a"], [Series("A", (0.5,))], lambda v: f"{v:.0%}",
                       table=[("50% (1 of 2)",)], columns=["Variant A"],
                       format_tick=lambda v: f"{v:.1f}")  # fmt: skip
    assert chart.table == (("a", ("50% (1 of 2)",)),)
    assert chart.columns == ("Variant A",)
    assert chart.y_ticks[-1].label == "0.8"  # 0.5 on a 0…0.8 axis


# ---- bar charts -----------------------------------------------------------------------------


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def test_bars_are_as_long_as_their_value_against_the_largest():
    chart = bar_chart("b", "Reasons", "desc",
                      [Bar("Delivery", 6, ("6",)), Bar("Browsing", 3, ("3",)), Bar("Other", 0)],
                      count, columns=("Answers", "Count"))  # fmt: skip
    delivery, browsing, other = chart.bars
    assert delivery.width == chart.track_width
    assert browsing.width == chart.track_width / 2
    assert other.width == 0
    assert [b.y for b in chart.bars] == [0, BAR_ROW, 2 * BAR_ROW]
    assert chart.height == 3 * BAR_ROW
    assert [b.text for b in chart.bars] == ["6", "3", "0"]
    assert chart.value_x > chart.track_width  # values in a column right of the longest bar
    assert chart.table == (("Delivery", ("6", "6")), ("Browsing", ("3", "3")), ("Other", ("0",)))
    assert chart.columns == ("Answers", "Count")
    assert not chart.empty


def test_shares_are_drawn_against_a_fixed_top():
    chart = bar_chart("b", "Shares", "desc", [Bar("A", 0.25), Bar("B", 0.5)], percent, top=1.0)
    assert [b.width for b in chart.bars] == [chart.track_width / 4, chart.track_width / 2]
    assert [b.text for b in chart.bars] == ["25%", "50%"]


def test_a_long_label_is_cut_in_the_svg_and_whole_in_the_table():
    long = "Delivery was too slow, too costly, or not offered to where I live at all, sadly"
    chart = bar_chart("b", "Reasons", "desc", [Bar(long, 1)], count)
    [bar] = chart.bars
    assert len(bar.label) == BAR_LABEL_CHARS and bar.label.endswith("…")
    assert bar.full_label == long and chart.table[0][0] == long


def test_an_empty_bar_chart_says_so():
    zeros = bar_chart("b", "Reasons", "desc", [Bar("A", 0), Bar("B", 0)], count)
    assert zeros.empty and all(b.width == 0 for b in zeros.bars)
    nothing = bar_chart("b", "Reasons", "desc", [], count)
    assert nothing.empty and nothing.bars == () and nothing.height == BAR_ROW
