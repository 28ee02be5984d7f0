"""The dashboards: the agency-wide one (ISO secretary, steering-committee head, top leader) and the unit
view (a unit head, their unit only). Each app registers a function here in its AppConfig.ready(), so the
core never imports the apps (as qms.overview and qms.dashboard do for their pages).

A figure function receives the viewer's scope and answers with charts. It reads only what the viewer may
read (the app's `visible_to(user)`), narrowed to the unit for the unit view, in a fixed number of grouped
queries: never a query per unit, per state or per record. Each bar links to the filtered list that shows
exactly the rows it counts (the lists' own query parameters), so a figure can always be checked.

The charts are drawn here as SVG (as objectives.charts draws the objectives charts): offline, printable,
readable without JavaScript; each chart also comes with its figures as a table of links, for screen
readers and for whoever wants the numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Unit, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Scope:
    """Who looks, and at what: the whole agency (unit None) or one unit of it."""

    user: User
    unit: Unit | None
    year: int
    today: dt.date


@dataclass(frozen=True)
class Part:
    """One segment of a stacked bar (e.g. a unit's objectives achieved, at risk, missed)."""

    label: StrOrPromise
    value: int
    tone: str = "neutral"


@dataclass(frozen=True)
class Bar:
    label: StrOrPromise
    value: int
    url: str = ""  # the filtered list behind the count; empty when no list can show exactly these rows
    tone: str = "neutral"  # neutral | good | warning | bad | muted: the bar's colour, never its meaning alone
    parts: tuple[Part, ...] = ()  # a stacked bar: its segments, in order; value is then their sum


@dataclass
class Chart:
    key: str  # stable; the section's id on the page
    title: StrOrPromise
    bars: list[Bar] = field(default_factory=list)
    note: StrOrPromise = ""  # what is counted, in one sentence

    @property
    def legend(self) -> list[tuple[StrOrPromise, str]]:
        """(label, colour) of the segments of a stacked chart, in the order drawn; empty otherwise."""
        seen: dict[str, tuple[StrOrPromise, str]] = {}
        for bar in self.bars:
            for part in bar.parts:
                seen.setdefault(str(part.label), (part.label, TONES.get(part.tone, TONES["neutral"])))
        return list(seen.values())

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    def svg(self) -> SafeString:
        return bar_chart_svg(self)


FigureFunction = Callable[[Scope], list[Chart]]
_FUNCTIONS: list[FigureFunction] = []


def register_dashboard_figures(function: FigureFunction) -> None:
    if function not in _FUNCTIONS:
        _FUNCTIONS.append(function)


def dashboard_charts(scope: Scope) -> list[Chart]:
    return [chart for function in _FUNCTIONS for chart in function(scope)]


# The drawing. Horizontal bars, one per row, the label above its bar: a long Vietnamese label never has
# to share a line with the bar, so the drawing stays legible when it is scaled down to a phone's width.
TONES = {"neutral": "#1a4d8f", "good": "#2e8b57", "warning": "#e07b00", "bad": "#b22222", "muted": "#8c959d"}
# 360 units wide: drawn at about that many px on a phone (12 px text stays legible) and at most 400 px on a
# wide screen (static/css/qms.css), so the text never grows large either.
WIDTH = 360
LABEL_GAP = 16  # from the top of a row to the bar
BAR_HEIGHT = 14
ROW_HEIGHT = 40
BAR_MAX = 310  # the longest bar; the value is written after it
FONT = "'DejaVu Sans', Arial, sans-serif"
LABEL_CHARS = 44  # a label longer than this is cut with an ellipsis in the drawing (the table has it whole)


def bar_width(value: int, largest: int) -> int:
    """The bar's length in px: proportional to the largest bar of the chart; a non-zero count is never
    drawn thinner than 2 px, so it does not look like zero."""
    if value <= 0 or largest <= 0:
        return 0
    return max(2, round(BAR_MAX * value / largest))


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def bar_chart_svg(chart: Chart) -> SafeString:
    largest = max((bar.value for bar in chart.bars), default=0)
    height = max(ROW_HEIGHT * len(chart.bars), ROW_HEIGHT) + 4
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
            'class="dashboard-chart" font-family="{}" font-size="13">',
            WIDTH,
            height,
            chart.title,
            FONT,
        )
    ]
    for index, bar in enumerate(chart.bars):
        top = index * ROW_HEIGHT
        width = bar_width(bar.value, largest)
        if bar.parts:
            # Segments laid end to end; each as long as its share of the bar, the last one taking the
            # rounding so the stack is exactly the bar's length.
            rects, x, done = [], 0, 0
            for part in bar.parts:
                done += part.value
                end = round(width * done / bar.value) if bar.value else 0
                rects.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" data-value="{}"><title>{}: {}</title></rect>',
                        x,
                        top + LABEL_GAP,
                        end - x,
                        BAR_HEIGHT,
                        TONES.get(part.tone, TONES["neutral"]),
                        part.value,
                        part.label,
                        part.value,
                    )
                )
                x = end
            shapes = mark_safe("".join(str(rect) for rect in rects))  # noqa: S308 — each built by format_html
        else:
            shapes = format_html(
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}" data-value="{}"><title>{}: {}</title></rect>',
                top + LABEL_GAP,
                width,
                BAR_HEIGHT,
                TONES.get(bar.tone, TONES["neutral"]),
                bar.value,
                bar.label,
                bar.value,
            )
        row = format_html(
            '<text x="0" y="{}" fill="#212529">{}</text>{}<text x="{}" y="{}" fill="#212529" font-weight="bold">{}</text>',
            top + 13,
            _short(str(bar.label)),
            shapes,
            width + 6,
            top + LABEL_GAP + BAR_HEIGHT - 2,
            bar.value,
        )
        parts.append(format_html('<a href="{}">{}</a>', bar.url, row) if bar.url else row)
    parts.append(mark_safe("</svg>"))  # noqa: S308 — a constant
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 — every part escaped by format_html


# Who has which dashboard. The agency-wide one is for the people who steer the QMS of the whole agency;
# a unit head has the unit view of their own unit. Someone holding both roles has both.
def has_agency_dashboard(user: User) -> bool:
    from .roles import Role  # noqa: PLC0415 — roles imports models; kept beside its only use

    return bool(user.is_authenticated and user.organisation_id and user.has_role(Role.SECRETARY, Role.COMMITTEE_HEAD, Role.TOP_LEADER))


def has_unit_dashboard(user: User) -> bool:
    from .roles import Role  # noqa: PLC0415

    return bool(user.is_authenticated and user.organisation_id and user.unit_id and user.has_role(Role.UNIT_HEAD))
