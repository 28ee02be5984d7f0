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
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.utils import timezone

from qms.dates import format_date
from qms.messages import N_, Message
from qms.models import Organisation, User
from qms.people import ticket_verifiers
from qms.roles import Role
from qms.services import Reminder, local_today, reminders_send
from qms.workdays import Calendar

from .models import ACTIVE_ACTION_STATES, Ticket, TicketStatus
from .selectors import progress_window

# How far after today the calendars reach: the reminders' lead (a few working days).
_LEAD_SCAN_DAYS = 120
# Working days after the completion date -> who is told that the action is still not reported.
ESCALATION_STEPS: list[tuple[int, str]] = [(3, "unit_head"), (5, "committee")]
# Working days after the completion date -> the check (5.6) is still not made: the committee is told.
VERIFY_ESCALATION_DAYS = 5


def _people_by_agency(role: Role, org_ids: set[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(is_active=True, organisation__in=org_ids, groups__name=role.value).distinct():
        if user.organisation_id is not None:
            people[user.organisation_id].append(user)
    return people


def _unit_heads(org_ids: set[int]) -> dict[tuple[int, int], list[User]]:
    """Each unit's heads now, from one query: who is told of an escalation when the head recorded at
    assignment has left (rules.escalation_heads_of)."""
    heads: dict[tuple[int, int], list[User]] = defaultdict(list)
    for user in User.objects.filter(
        is_active=True, organisation__in=org_ids, unit__isnull=False, groups__name=Role.UNIT_HEAD.value
    ).distinct():
        if user.organisation_id is not None and user.unit_id is not None:
            heads[(user.organisation_id, user.unit_id)].append(user)
    return heads


def ticket_reminders_send(*, today: dt.date | None = None) -> int:
    """The daily sweep: how many reminders it sent. Each ticket is reminded on its own agency's settings,
    calendar and people; the candidates (a completion date within the lead time or past, or a monthly
    progress report to ask for) are chosen in SQL, and the agencies' settings, calendars, committees,
    verifiers and unit heads are read once for all tickets: the sweep's queries do not grow with them."""
    today = today or local_today()
    organisations = {org.pk: org for org in Organisation.objects.all()}
    if not organisations:
        return 0
    calendars = Calendar.for_organisations(organisations, today, today + dt.timedelta(days=_LEAD_SCAN_DAYS))
    # A completion date before the day after the lead's last working day is due within the lead time.
    horizon = {pk: calendars[pk].add_working_days(today, org.action_reminder_working_days + 1) for pk, org in organisations.items()}
    tickets = list(
        Ticket.objects.filter(status__in=[*ACTIVE_ACTION_STATES, TicketStatus.REPORTED], completion_date__isnull=False)
        # Long actions in progress are asked for their monthly report (5.5) whatever their completion date.
        .filter(Q(completion_date__lt=max(horizon.values())) | Q(status=TicketStatus.IN_PROGRESS, approved_at__isnull=False))
        .select_related("assignee", "implementing_unit_head", "delegate")
        .prefetch_related("progress_reports")
    )
    if not tickets:
        return 0
    # The calendars again from the earliest completion date: an overdue ticket's working days late.
    earliest = min(ticket.completion_date for ticket in tickets if ticket.completion_date is not None)
    calendars = Calendar.for_organisations(
        organisations, min(earliest, today) - dt.timedelta(days=1), today + dt.timedelta(days=_LEAD_SCAN_DAYS)
    )
    org_ids = {ticket.organisation_id for ticket in tickets}
    secretaries_of = _people_by_agency(Role.SECRETARY, org_ids)
    heads_of = _people_by_agency(Role.COMMITTEE_HEAD, org_ids)
    unit_heads = _unit_heads(org_ids)
    verifiers_of: dict[int, list[User]] = {}
    pending: dict[str, Callable[[], Reminder]] = {}

    def verifiers(ticket: Ticket) -> list[User]:
        """rules.leaders_of, each agency's verifiers read once."""
        if ticket.delegate is not None:
            return [ticket.delegate]
        if ticket.organisation_id not in verifiers_of:
            verifiers_of[ticket.organisation_id] = list(ticket_verifiers(organisations[ticket.organisation_id]))
        return verifiers_of[ticket.organisation_id]

    def escalation_heads(ticket: Ticket) -> list[User]:
        """rules.escalation_heads_of, the units' heads read once."""
        head = ticket.implementing_unit_head
        if head is not None and head.is_active:
            return [head]
        if ticket.implementing_unit_id is None:
            return []
        return unit_heads[(ticket.organisation_id, ticket.implementing_unit_id)]

    def once(
        key: str,
        recipients: Callable[[], Iterable[User | None]],
        ticket: Ticket,
        subject: Callable[[], Message],
        body: Callable[[], Message | str] = str,
    ) -> None:
        # Built only when not claimed yet: a run with everything already sent builds nothing.
        def build() -> Reminder:
            # Only people of the ticket's agency are told (as services.common.ticket_notify).
            people = [user for user in recipients() if user is not None and user.organisation_id == ticket.organisation_id]
            return Reminder(recipients=people, subject=subject(), body=body(), url=ticket.get_absolute_url())

        pending[f"ca:{ticket.pk}:{key}:{ticket.completion_date:%Y%m%d}"] = build

    for ticket in tickets:
        _ticket_reminders(
            ticket,
            today=today,
            organisation=organisations[ticket.organisation_id],
            calendar=calendars[ticket.organisation_id],
            secretaries=secretaries_of[ticket.organisation_id],
            committee=[*secretaries_of[ticket.organisation_id], *heads_of[ticket.organisation_id]],
            verifiers=verifiers,
            escalation_heads=escalation_heads,
            once=once,
        )
    return reminders_send(pending)


def _ticket_reminders(
    ticket: Ticket,
    *,
    today: dt.date,
    organisation: Organisation,
    calendar: Calendar,
    secretaries: list[User],
    committee: list[User],
    verifiers: Callable[[Ticket], list[User]],
    escalation_heads: Callable[[Ticket], list[User]],
    once: Callable[..., None],
) -> None:
    """The keys of one ticket's reminders due today, each with what builds it."""
    number, due = ticket.number_display, ticket.completion_date
    if due is None:  # excluded by the query; tells the type checker
        return
    lead = organisation.action_reminder_working_days
    due_text = format_date(due)
    if ticket.status in ACTIVE_ACTION_STATES:
        if today <= due and calendar.working_days_between(today, due) <= lead:
            once(
                "due-soon",
                lambda: [ticket.assignee],
                ticket,
                lambda: N_("Phiếu %(n)s sắp đến hạn hoàn thành (%(d)s)") % {"n": number, "d": due_text},
            )
        if today > due:
            once(
                "passed",
                lambda: [ticket.assignee],
                ticket,
                lambda: N_("Phiếu %(n)s đã quá hạn hoàn thành (%(d)s)") % {"n": number, "d": due_text},
            )
            late = calendar.working_days_between(due, today)
            for level, (days, who) in enumerate(ESCALATION_STEPS, start=1):
                if late >= days:
                    once(
                        f"escalate-{level}",
                        (lambda: escalation_heads(ticket)) if who == "unit_head" else (lambda: committee),
                        ticket,
                        lambda: N_("Phiếu %(n)s quá hạn %(k)d ngày làm việc, chưa báo cáo kết quả") % {"n": number, "k": late},
                        lambda: (
                            N_("Người thực hiện: %(a)s. Ngày hoàn thành: %(d)s.")
                            % {"a": ticket.assignee.display_name if ticket.assignee else "—", "d": due_text}
                        ),
                    )
    if ticket.status == TicketStatus.IN_PROGRESS:
        reports = list(ticket.progress_reports.all())
        for monthly in ticket.progress_due_dates(calendar.add_working_days(today, lead)):
            start, end = progress_window(ticket, monthly)
            if any(start <= timezone.localtime(report.reported_at).date() <= end for report in reports):
                continue
            once(
                f"progress-{monthly:%Y%m%d}",
                lambda: [ticket.assignee],
                ticket,
                lambda monthly=monthly: N_("Phiếu %(n)s: đến hạn báo cáo tiến độ tháng (%(d)s)") % {"n": number, "d": format_date(monthly)},
            )
            if today > monthly:
                once(
                    f"progress-missed-{monthly:%Y%m%d}",
                    lambda: [ticket.assignee, *secretaries],
                    ticket,
                    lambda monthly=monthly: (
                        N_("Phiếu %(n)s: chưa báo cáo tiến độ tháng hạn %(d)s") % {"n": number, "d": format_date(monthly)}
                    ),
                )
    if ticket.is_due_for_verification(today) and today >= due:
        # 5.6: the verifier's due date is the completion date, whether the result was reported or not.
        once(
            "verify",
            lambda: verifiers(ticket),
            ticket,
            lambda: (
                N_("Phiếu %(n)s đến hạn kiểm tra xác nhận kết quả") % {"n": number}
                if ticket.status == TicketStatus.REPORTED
                else N_("Phiếu %(n)s đến hạn kiểm tra xác nhận (chưa báo cáo kết quả)") % {"n": number}
            ),
        )
        late = calendar.working_days_between(due, today)
        # Unreported, the overdue escalation above already tells the committee on the same day.
        if late >= VERIFY_ESCALATION_DAYS and ticket.status == TicketStatus.REPORTED:
            once(
                "verify-late",
                lambda: committee,
                ticket,
                lambda: N_("Phiếu %(n)s quá hạn kiểm tra xác nhận %(k)d ngày làm việc") % {"n": number, "k": late},
                lambda: (
                    N_("Người kiểm tra: %(v)s. Ngày hoàn thành: %(d)s.")
                    % {"v": ", ".join(user.display_name for user in verifiers(ticket)) or "—", "d": due_text}
                ),
            )
