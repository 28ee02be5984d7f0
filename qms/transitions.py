"""One shape for every app's allowed state changes: a table of `Transition` rows, checked by
`check_transition`, which enforces both the move and who may make it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from .errors import NotAllowed, ServiceError
from .models import User


@dataclass(frozen=True)
class Transition:
    """`who` may move a record from `source` to `target` by taking `action` (the verb of the button and of
    the service). `who` is a role or an actor kind the app resolves against the record (the ticket's
    assignee, the unit's head); `permission` ("app_label.codename") is required in addition when set."""

    source: str
    target: str
    action: str
    who: str
    permission: str = ""

    def permits(self, actor: User) -> bool:
        """The default "who": the actor holds the role the row names, and its permission if it has one."""
        return bool(
            actor.is_authenticated and self.who in actor.role_names and (not self.permission or actor.has_role_perm(self.permission))
        )


class Transitions:
    """An app's transition table, readable as a list and indexed by (source, target)."""

    def __init__(self, rows: Iterable[Transition]) -> None:
        self.rows: tuple[Transition, ...] = tuple(rows)
        self._by_move = {(row.source, row.target): row for row in self.rows}
        if len(self._by_move) != len(self.rows):
            raise ValueError("A (source, target) move is listed twice.")

    def __iter__(self):
        return iter(self.rows)

    def __contains__(self, move: object) -> bool:
        return move in self._by_move

    def get(self, source: str, target: str) -> Transition | None:
        return self._by_move.get((str(source), str(target)))

    def moves_from(self, source: str) -> list[Transition]:
        return [row for row in self.rows if row.source == source]

    def who_may(self, action: str) -> set[str]:
        return {row.who for row in self.rows if row.action == action}


def _label(state: str) -> str:
    # Name the state as the user reads it when it is a member of the model's TextChoices.
    return str(state.label) if isinstance(state, models.TextChoices) else str(state)


def check_transition(
    table: Transitions,
    source: str,
    target: str,
    *,
    actor: User | None = None,
    may_act: Callable[[User, Transition], bool] | None = None,
) -> Transition:
    """The row that allows `source` → `target`, or a ServiceError naming both states. With `actor`, also
    NotAllowed unless `may_act(actor, row)` (default: the actor holds the role named in `who`) and the
    actor has the row's permission."""
    row = table.get(source, target)
    if row is None:
        choices = type(target) if isinstance(target, models.TextChoices) else None
        source_label = _label(choices(source)) if choices and source in choices.values else str(source)
        raise ServiceError(_("Không thể chuyển trạng thái từ “%(from)s” sang “%(to)s”.") % {"from": source_label, "to": _label(target)})
    if actor is not None:
        if may_act is None:
            allowed = row.permits(actor)
        else:
            allowed = actor.is_authenticated and may_act(actor, row) and (not row.permission or actor.has_role_perm(row.permission))
        if not allowed:
            raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."))
    return row
