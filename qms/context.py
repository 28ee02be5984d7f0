"""What a unit's objectives are drafted from (QT.CTCL 5.9: "căn cứ … kết quả đánh giá thực hiện MTCL năm
trước và kết luận của xem xét lãnh đạo"). The apps that hold such material register a source function here
in their AppConfig.ready(), so objectives shows the review conclusions without importing reviews."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DraftingItem:
    text: str
    url: str = ""
    note: str = ""  # e.g. the unit and deadline of a decision


@dataclass
class DraftingSource:
    title: str
    items: list[DraftingItem] = field(default_factory=list)
    empty_text: str = ""


# (organisation_id, unit_id or None for the agency's plan, the plan's year) -> sources; one query per function.
SourceFunction = Callable[[int, int | None, int], list[DraftingSource]]
_SOURCES: list[SourceFunction] = []


def register_drafting_source(function: SourceFunction) -> None:
    if function not in _SOURCES:
        _SOURCES.append(function)


def drafting_sources(*, organisation_id: int, unit_id: int | None, year: int) -> list[DraftingSource]:
    return [source for function in _SOURCES for source in function(organisation_id, unit_id, year)]
