"""The daily reminder sweep of corrective actions. Each reminder is sent once: its key is claimed with
qms.services.reminder_claim, so concurrent or repeated sweeps send it once.

- completion date approaching: the ticket's agency's action_reminder_working_days working days before, to the assignee;
- completion date passed (the day after): to the assignee;
- escalation while still overdue: ESCALATION_STEPS working days after the completion date, first to the head
  of the implementing unit, then to the ISO secretary and the committee head;
- monthly progress report due (5.5, actions longer than a month): the same lead before each monthly date, to
  the assignee; a missed one goes to the secretary the day after;
- verification due (5.6): on the completion date, whatever was reported, to the verifier (rules.leaders_of);
- verification late: VERIFY_ESCALATION_DAYS working days after the completion date with a reported ticket still
  not checked, to the ISO secretary and the committee head (an unreported one is escalated above).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from qms.dates import format_date
from qms.messages import N_, Message
from qms.models import User
from qms.roles import Role
from qms.services import local_today, reminder_claim
from qms.workdays import Calendar

from .models import ACTIVE_ACTION_STATES, Ticket, TicketStatus
from .rules import escalation_heads_of, leaders_of
from .selectors import progress_window
from .services.common import ticket_notify

# How far past the latest completion date the calendars reach: the reminders' lead (a few working days).
_LEAD_SCAN_DAYS = 120
# Working days after the completion date -> who is told that the action is still not reported.
ESCALATION_STEPS: list[tuple[int, str]] = [(3, "unit_head"), (5, "committee")]
# Working days after the completion date -> the check (5.6) is still not made: the committee is told.
VERIFY_ESCALATION_DAYS = 5


def _calendars(tickets: list[Ticket], today: dt.date) -> dict[int, Calendar]:
    """Each agency's working-day calendar over the sweep's dates, from one query for every agency."""
    dues = [ticket.completion_date for ticket in tickets if ticket.completion_date is not None]
    start = min([today, *dues]) - dt.timedelta(days=1)
    end = max([today, *dues]) + dt.timedelta(days=_LEAD_SCAN_DAYS)
    return Calendar.for_organisations({ticket.organisation_id for ticket in tickets}, start, end)


def _people_by_agency(role: Role, org_ids: set[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(is_active=True, organisation__in=org_ids, groups__name=role.value).distinct():
        if user.organisation_id is not None:
            people[user.organisation_id].append(user)
    return people


def ticket_reminders_send(*, today: dt.date | None = None) -> int:
    """The daily sweep: how many reminders it sent. Each ticket is reminded on its own agency's settings,
    calendar and people; the agencies' settings, calendars and committees are read once for all tickets."""
    today = today or local_today()
    tickets = list(
        Ticket.objects.filter(status__in=[*ACTIVE_ACTION_STATES, TicketStatus.REPORTED], completion_date__isnull=False)
        .select_related("organisation", "assignee", "implementing_unit_head", "delegate")
        .prefetch_related("progress_reports")
    )
    if not tickets:
        return 0
    org_ids = {ticket.organisation_id for ticket in tickets}
    calendars = _calendars(tickets, today)
    secretaries_of = _people_by_agency(Role.SECRETARY, org_ids)
    heads_of = _people_by_agency(Role.COMMITTEE_HEAD, org_ids)
    sent = 0

    def once(key: str, recipients: Iterable[User | None], ticket: Ticket, subject: Message, body: Message | str = "") -> None:
        nonlocal sent
        # The claim, the inbox rows and their outbox e-mails commit together (a killed worker loses nothing).
        with transaction.atomic():
            if not reminder_claim(f"ca:{ticket.pk}:{key}:{ticket.completion_date:%Y%m%d}"):
                return
            ticket_notify(recipients=recipients, ticket=ticket, subject=subject, body=body)
        sent += 1

    for ticket in tickets:
        number, due = ticket.number_display, ticket.completion_date
        if due is None:  # excluded by the query; tells the type checker
            continue
        calendar, lead = calendars[ticket.organisation_id], ticket.organisation.action_reminder_working_days
        secretaries = secretaries_of[ticket.organisation_id]
        committee = [*secretaries, *heads_of[ticket.organisation_id]]
        due_text = format_date(due)
        if ticket.status in ACTIVE_ACTION_STATES:
            if today <= due and calendar.working_days_between(today, due) <= lead:
                once("due-soon", [ticket.assignee], ticket, N_("Phiếu %(n)s sắp đến hạn hoàn thành (%(d)s)") % {"n": number, "d": due_text})
            if today > due:
                once("passed", [ticket.assignee], ticket, N_("Phiếu %(n)s đã quá hạn hoàn thành (%(d)s)") % {"n": number, "d": due_text})
                late = calendar.working_days_between(due, today)
                for level, (days, who) in enumerate(ESCALATION_STEPS, start=1):
                    if late >= days:
                        once(
                            f"escalate-{level}",
                            escalation_heads_of(ticket) if who == "unit_head" else committee,
                            ticket,
                            N_("Phiếu %(n)s quá hạn %(k)d ngày làm việc, chưa báo cáo kết quả") % {"n": number, "k": late},
                            N_("Người thực hiện: %(a)s. Ngày hoàn thành: %(d)s.")
                            % {"a": ticket.assignee.display_name if ticket.assignee else "—", "d": due_text},
                        )
        if ticket.status == TicketStatus.IN_PROGRESS:
            reports = list(ticket.progress_reports.all())
            for monthly in ticket.progress_due_dates(calendar.add_working_days(today, lead)):
                start, end = progress_window(ticket, monthly)
                if any(start <= timezone.localtime(report.reported_at).date() <= end for report in reports):
                    continue
                once(
                    f"progress-{monthly:%Y%m%d}",
                    [ticket.assignee],
                    ticket,
                    N_("Phiếu %(n)s: đến hạn báo cáo tiến độ tháng (%(d)s)") % {"n": number, "d": format_date(monthly)},
                )
                if today > monthly:
                    once(
                        f"progress-missed-{monthly:%Y%m%d}",
                        [ticket.assignee, *secretaries],
                        ticket,
                        N_("Phiếu %(n)s: chưa báo cáo tiến độ tháng hạn %(d)s") % {"n": number, "d": format_date(monthly)},
                    )
        if ticket.is_due_for_verification(today) and today >= due:
            # 5.6: the verifier's due date is the completion date, whether the result was reported or not.
            once(
                "verify",
                leaders_of(ticket),
                ticket,
                N_("Phiếu %(n)s đến hạn kiểm tra xác nhận kết quả") % {"n": number}
                if ticket.status == TicketStatus.REPORTED
                else N_("Phiếu %(n)s đến hạn kiểm tra xác nhận (chưa báo cáo kết quả)") % {"n": number},
            )
            late = calendar.working_days_between(due, today)
            # Unreported, the overdue escalation above already tells the committee on the same day.
            if late >= VERIFY_ESCALATION_DAYS and ticket.status == TicketStatus.REPORTED:
                once(
                    "verify-late",
                    committee,
                    ticket,
                    N_("Phiếu %(n)s quá hạn kiểm tra xác nhận %(k)d ngày làm việc") % {"n": number, "k": late},
                    N_("Người kiểm tra: %(v)s. Ngày hoàn thành: %(d)s.")
                    % {"v": ", ".join(user.display_name for user in leaders_of(ticket)) or "—", "d": due_text},
                )
    return sent
