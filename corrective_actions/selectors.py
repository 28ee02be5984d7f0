"""Reads about tickets that the services, the views and the reminder sweep share: repeats of the same
nonconformity, monthly progress dates, what a ticket waits for and its chain of linked tickets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from qms.models import Unit, User
from qms.roles import Role
from qms.services import local_today

from .models import Kind, ProgressReport, Ticket, TicketStatus, normalise_content
from .rules import leaders_of


def repeat_streak(*, unit: Unit, process: str, clause: str, exclude_pk: int | None = None) -> int:
    """5.2.2: nonconformity records on the same process and clause at the same unit since the last one
    whose corrective action was verified effective — within the unit's agency (a unit is one agency's)."""
    content = (normalise_content(process), normalise_content(clause))
    if not all(content):
        return 0
    same = Ticket.objects.of(unit.organisation_id).filter(unit=unit, kind=Kind.CORRECTIVE)
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    # Compared in Python: the same content typed with another case, spacing or a final full stop is a repeat.
    rows = [
        (status, closed_at, created_at)
        for status, closed_at, created_at, process_, clause_ in same.values_list("status", "closed_at", "created_at", "process", "clause")
        if (normalise_content(process_), normalise_content(clause_)) == content
    ]
    last_effective = max((closed for status, closed, _created in rows if status == TicketStatus.CLOSED and closed), default=None)
    return sum(1 for _status, _closed, created in rows if last_effective is None or created > last_effective)


def progress_window(ticket: Ticket, due: dt.date) -> tuple[dt.date, dt.date]:
    """The days in which a report counts for the monthly date `due`: after the previous date, up to `due`."""
    dues = ticket.progress_due_dates(due)
    if len(dues) >= 2:
        return dues[-2] + dt.timedelta(days=1), due
    return timezone.localtime(ticket.approved_at).date(), due


def missed_progress_dates(ticket: Ticket, today: dt.date | None = None, reports: list[ProgressReport] | None = None) -> list[dt.date]:
    today = today or local_today()
    if ticket.status != TicketStatus.IN_PROGRESS and ticket.reported_at is None:
        return []
    until = min(today - dt.timedelta(days=1), timezone.localtime(ticket.reported_at).date() if ticket.reported_at else today)
    reports = list(ticket.progress_reports.all()) if reports is None else reports
    days = [timezone.localtime(report.reported_at).date() for report in reports]
    missed = []
    for due in ticket.progress_due_dates(until):
        start, end = progress_window(ticket, due)
        if not any(start <= day <= end for day in days):
            missed.append(due)
    return missed


def _names(users: Iterable[User | None]) -> str:
    return ", ".join(user.display_name for user in users if user is not None) or "—"


def next_step(ticket: Ticket) -> tuple[str, str, dt.date | None]:
    """What the ticket waits for, from whom, and by when — shown on the ticket page."""
    status, org = ticket.status, ticket.organisation_id
    if status == TicketStatus.OPEN:
        who = (
            _("Lãnh đạo %(u)s") % {"u": ticket.unit}
            + f" ({_names(User.objects.with_role(Role.UNIT_HEAD, organisation=org, unit=ticket.unit_id))})"
        )
    elif status == TicketStatus.HANDLING:
        who = _names([ticket.handler])
    elif status == TicketStatus.HANDLED:
        who = _names([ticket.checker])
    elif status == TicketStatus.SUBMITTED:
        who = _("Thư ký ISO") + f" ({_names(User.objects.with_role(Role.SECRETARY, organisation=org))})"
    elif status in (TicketStatus.PRESENTED, TicketStatus.PROPOSED):
        who = _("Lãnh đạo Ban ISO") + f" ({_names(User.objects.with_role(Role.COMMITTEE_HEAD, organisation=org))})"
    elif status == TicketStatus.IN_PROGRESS and ticket.is_due_for_verification():
        # 5.6: at the completion date the verifier checks, whatever the assignee reported
        who = _names([ticket.assignee]) + " · " + _("Kiểm tra xác nhận") + f": {_names(leaders_of(ticket))}"
    elif status in (TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS):
        who = _names([ticket.assignee])
    elif status == TicketStatus.REPORTED:
        who = _names(leaders_of(ticket))
    elif status == TicketStatus.VERIFIED:
        who = _("Ban ISO") + f" ({_names(User.objects.with_role(Role.SECRETARY, organisation=org))})"
    else:
        who = ""
    by = ticket.completion_date if status in {TicketStatus.IN_PROGRESS, TicketStatus.REPORTED} else None
    return str(ticket.next_action), who, by


def ticket_chain(ticket: Ticket) -> list[Ticket]:
    """The tickets linked to this one by failed verifications, from the first; empty when it stands alone."""
    root, seen = ticket, {ticket.pk}
    while root.predecessor_id and root.predecessor_id not in seen:
        root = Ticket.objects.of(ticket.organisation_id).select_related("predecessor").get(pk=root.predecessor_id)
        seen.add(root.pk)
    chain, frontier = [root], [root]
    while frontier:
        frontier = list(Ticket.objects.of(ticket.organisation_id).filter(predecessor__in=frontier).order_by("pk"))
        chain.extend(frontier)
    return chain if len(chain) > 1 else []
