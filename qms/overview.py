"""The provincial overview: a few figures per agency, read by the provincial overseer. Each app registers
its figures here in AppConfig.ready(), so the core never imports the apps.

A figure function receives the agencies on the page and the year, and answers with one count per agency
in a fixed number of queries (grouped by organisation: never a query per agency), plus the link that
drills down to the records behind the count — finished records only, never drafts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Figure:
    key: str  # stable, e.g. "reviews_held"; also the Excel column
    label: StrOrPromise  # translated when shown, in the reader's language
    # Where the count drills down to for one agency: a URL the overseer may open (it shows that agency's
    # finished records only). Called with the organisation and the year.
    link: Callable[[Organisation, int], str]


# The function returns {organisation_id: {figure key: count}}; an agency without records may be absent.
FigureFunction = Callable[[Sequence[Organisation], int], dict[int, dict[str, int]]]


@dataclass(frozen=True)
class FigureGroup:
    figures: tuple[Figure, ...]
    function: FigureFunction


_GROUPS: list[FigureGroup] = []


def register_figures(figures: Sequence[Figure], function: FigureFunction) -> None:
    group = FigureGroup(tuple(figures), function)
    if all(existing.function is not function for existing in _GROUPS):
        _GROUPS.append(group)


def figures() -> list[Figure]:
    return [figure for group in _GROUPS for figure in group.figures]


@dataclass
class Row:
    organisation: Organisation
    cells: list[tuple[Figure, int, str]]  # (figure, count, drill-down URL)


def overview_rows(organisations: Sequence[Organisation], year: int) -> list[Row]:
    counts: dict[int, dict[str, int]] = {org.pk: {} for org in organisations}
    for group in _GROUPS:
        for org_id, values in group.function(organisations, year).items():
            counts.setdefault(org_id, {}).update(values)
    return [
        Row(org, [(figure, counts[org.pk].get(figure.key, 0), figure.link(org, year)) for figure in figures()]) for org in organisations
    ]
