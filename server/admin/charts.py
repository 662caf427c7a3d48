"""Charts drawn on the server as SVG: pure functions from values to geometry.

``line_chart`` (series over time, drawn by ``_chart.html``) and ``bar_chart`` (one horizontal
bar per label, each with its value written beside it, drawn by ``_bar_chart.html``). The
templates render the geometry as an SVG with a title and description, the values as visible
text, and a "Show as table" alternative: no script, no chart library, no outside CDN. The SVG
scales with its ``viewBox``; every text in it is escaped by Jinja.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 480, 200
# The plot inside the SVG: room on the left for the value axis, below for the time axis.
LEFT, TOP, RIGHT_GAP, BOTTOM_GAP = 70, 12, 12, 28
RIGHT, BOTTOM = WIDTH - RIGHT_GAP, HEIGHT - BOTTOM_GAP
MAX_TIME_LABELS = 6
Y_STEPS = 4


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    dashed: bool = False  # the comparison series: told apart by its dashes, not colour alone
    colour: int | None = None  # its colour class (series-N); by default its place, from 1


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in the SVG's coordinates
    label: str


@dataclass(frozen=True)
class Line:
    name: str
    path: str  # the SVG path's d attribute; "" for a series without values
    points: tuple[tuple[float, float], ...]
    dashed: bool
    number: int  # 1, 2, …: the series' colour class


@dataclass(frozen=True)
class Plot:
    """Where the lines go inside the SVG."""

    left: float
    right: float
    top: float
    bottom: float

    @classmethod
    def of(cls, width: int, height: int) -> Plot:
        return cls(LEFT, width - RIGHT_GAP, TOP, height - BOTTOM_GAP)

    def x(self, index: int, count: int) -> float:
        if count <= 1:
            return (self.left + self.right) / 2
        return self.left + index * (self.right - self.left) / (count - 1)

    def y(self, value: float, top_value: float) -> float:
        return self.bottom - (value / top_value) * (self.bottom - self.top)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    labels: tuple[str, ...]  # one per bucket of time
    series: tuple[Series, ...]
    columns: tuple[str, ...]  # the "Show as table" headings after the time column
    table: tuple[tuple[str, tuple[str, ...]], ...]  # (label, formatted cells) per bucket
    lines: tuple[Line, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    empty: bool  # nothing but zeros: the template says so
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def plot(self) -> Plot:
        return Plot.of(self.width, self.height)


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    format_value: Callable[[float], str],
    *,
    whole: bool = False,
    table: Sequence[tuple[str, ...]] | None = None,
    columns: Sequence[str] | None = None,
    format_tick: Callable[[float], str] | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """A chart of ``series`` over ``labels`` (one value per label; longer series are cut,
    shorter ones end early). ``whole``: the values are counts, so ticks are whole numbers.

    The table alternative shows each series' formatted values, unless ``table`` (one row of
    cells per label) and its ``columns`` say more than the lines do. The value axis uses
    ``format_tick`` when given (shorter: "€4,000" rather than "€4,000.00")."""
    tick_text = format_tick or format_value
    plot = Plot.of(width, height)
    values = [v for s in series for v in s.values[: len(labels)]]
    highest = max(values, default=0)
    top_value, step = axis_scale(highest, whole)
    lines = tuple(
        _line(plot, s, number, len(labels), top_value) for number, s in enumerate(series, start=1)
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        labels=tuple(labels),
        series=tuple(series),
        columns=tuple(columns or (s.name for s in series)),
        table=tuple(
            (label, tuple(table[i]) if table else tuple(_cell(s, i, format_value) for s in series))
            for i, label in enumerate(labels)
        ),
        lines=lines,
        y_ticks=tuple(
            # An empty chart labels only its zero line: its scale would mean nothing.
            Tick(plot.y(step * i, top_value), tick_text(step * i) if highest or not i else "")
            for i in range(Y_STEPS + 1)
        ),
        x_ticks=time_ticks(labels, plot),
        empty=not any(values),
        width=width,
        height=height,
    )


def axis_scale(highest: float, whole: bool = False) -> tuple[float, float]:
    """The top of the value axis and its step: ``Y_STEPS`` round steps covering ``highest``."""
    if highest <= 0:
        return (Y_STEPS, 1) if whole else (1.0, 1.0 / Y_STEPS)
    raw = highest / Y_STEPS
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if step >= raw and (not whole or step == int(step)):
            break
    if whole:
        step = max(1, math.ceil(step))
    return step * Y_STEPS, step


def time_ticks(labels: Sequence[str], plot: Plot | None = None) -> tuple[Tick, ...]:
    """At most ``MAX_TIME_LABELS`` evenly spaced labels, always the first and the last."""
    plot = plot or Plot.of(WIDTH, HEIGHT)
    count = len(labels)
    if count == 0:
        return ()
    every = max(1, math.ceil((count - 1) / (MAX_TIME_LABELS - 1))) if count > 1 else 1
    shown = list(range(0, count, every))
    if shown[-1] != count - 1:
        if count - 1 - shown[-1] < every / 2 and len(shown) > 1:
            shown[-1] = count - 1  # too close to the last: move it there
        else:
            shown.append(count - 1)
    return tuple(Tick(plot.x(i, count), labels[i]) for i in shown)


def _line(plot: Plot, series: Series, number: int, count: int, top_value: float) -> Line:
    points = tuple(
        (plot.x(i, count), plot.y(value, top_value))
        for i, value in enumerate(series.values[:count])
    )
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
    return Line(series.name, path, points, series.dashed, series.colour or number)


def _cell(series: Series, index: int, format_value: Callable[[float], str]) -> str:
    return format_value(series.values[index]) if index < len(series.values) else "—"


# ---- horizontal bars ------------------------------------------------------------------------

BAR_ROW = 44  # each bar's band: its label above, the bar below
BAR_HEIGHT = 16
BAR_LABEL_Y = 15  # the label's baseline within its band
BAR_TOP = 21  # the bar's top within its band
BAR_VALUE_ROOM = 110  # right of the longest bar, for its value's text
BAR_LABEL_CHARS = 64  # a longer label is cut in the SVG (whole in its tooltip and the table)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    cells: tuple[str, ...] = ()  # more of the table's cells for this bar, after its value


@dataclass(frozen=True)
class DrawnBar:
    label: str  # as the SVG shows it: cut with "…" when long
    full_label: str
    text: str  # the value, formatted: written beside the bar
    y: float  # the top of the bar's band
    width: float  # the bar's length; 0 draws no bar

    @property
    def label_y(self) -> float:
        return self.y + BAR_LABEL_Y

    @property
    def bar_y(self) -> float:
        return self.y + BAR_TOP

    @property
    def text_y(self) -> float:
        return self.bar_y + BAR_HEIGHT / 2


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[DrawnBar, ...]
    columns: tuple[str, ...]  # the "Show as table" headings after the label column
    table: tuple[tuple[str, tuple[str, ...]], ...]
    empty: bool  # every value zero (or no bars): the template says so
    width: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def track_width(self) -> float:
        """The length of a bar at ``top``: the values are written in a column right of it."""
        return self.width - BAR_VALUE_ROOM

    @property
    def value_x(self) -> float:
        return self.track_width + 8


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    format_value: Callable[[float], str],
    *,
    top: float | None = None,
    columns: Sequence[str] = ("Value",),
    width: int = WIDTH,
) -> BarChart:
    """One horizontal bar per item of ``bars``, in their order, each as long as its value
    against ``top`` (by default the largest value; give 1.0 for shares, so every chart of
    shares is drawn to the same scale). ``columns`` heads the table's value column and each
    bar's ``cells`` after it."""
    track = width - BAR_VALUE_ROOM
    highest = max((b.value for b in bars), default=0)
    scale = top if top and top > 0 else highest
    drawn = tuple(
        _bar(bar, index, track * min(bar.value, scale) / scale if scale > 0 else 0.0,
             format_value)
        for index, bar in enumerate(bars)
    )  # fmt: skip
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        bars=drawn,
        columns=tuple(columns),
        table=tuple((b.label, (format_value(b.value), *b.cells)) for b in bars),
        empty=not any(b.value for b in bars),
        width=width,
        height=max(1, len(bars)) * BAR_ROW,
    )


def _bar(bar: Bar, index: int, length: float, format_value: Callable[[float], str]) -> DrawnBar:
    label = bar.label
    if len(label) > BAR_LABEL_CHARS:
        label = label[: BAR_LABEL_CHARS - 1].rstrip() + "…"
    return DrawnBar(
        label=label,
        full_label=bar.label,
        text=format_value(bar.value),
        y=index * BAR_ROW,
        width=round(length, 1),
    )
