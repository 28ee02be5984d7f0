"""The home page shows each user what waits for them. Each app registers a panel function here in its
AppConfig.ready(), so the core never imports the apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass
class Panel:
    title: str
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (label, url, badge)
    empty_text: str = ""
    more_url: str = ""


PanelFunction = Callable[[HttpRequest], list[Panel]]
_PANELS: list[PanelFunction] = []


def register_panel(function: PanelFunction) -> None:
    if function not in _PANELS:
        _PANELS.append(function)


def panels_for(request: HttpRequest) -> list[Panel]:
    return [panel for function in _PANELS for panel in function(request)]
