"""The daily reminder sweep of the objectives app (run by tasks.send_reminders): the year's plan due,
measurements due after each period, the year-end evaluation due. Nothing in services imports it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from qms.dates import format_date
from qms.messages import N_, Message
from qms.models import Organisation, Unit, User
from qms.roles import Role
from qms.services import notification_send, reminder_claim
from qms.workdays import add_working_days, working_days_between

from .lateness import late_items
from .models import IN_FORCE_STATES, ObjectivesSettings, Plan, PlanStatus, period_end, period_message
from .rules import approvers_of, drafters_of


def _remind(key: str, *, recipients: list, subject: Message, body: Message | str, url: str) -> int:
    """The claim, the inbox rows and their outbox e-mails commit together: a worker killed in between leaves
    nothing claimed, and the next sweep sends the reminder."""
    with transaction.atomic():
        if not reminder_claim(key):
            return 0
        notification_send(recipients=recipients, subject=subject, body=body, url=url)
    return 1


def reminders_send(*, today: dt.date) -> int:
    """Once-only reminders (safe under concurrent sweeps via reminder_claim), agency by agency with each
    agency's settings and days off: the year's plan due by 30/01, a measurement due after each period,
    the year-end evaluation due by 31/12."""
    return sum(_agency_reminders(organisation, today=today) for organisation in Organisation.objects.agencies())


def _agency_reminders(organisation: Organisation, *, today: dt.date) -> int:
    conf = ObjectivesSettings.of(organisation)
    lead = conf.reminder_lead_working_days
    sent = 0

    def due_soon(due: dt.date) -> bool:
        return due >= today and working_days_between(today, due, organisation) <= lead

    # 1. Plans of the year due by the plan date (also next year's plans when the date is early next year).
    for year in {today.year, today.year + 1}:
        due = conf.plan_due(year)
        if not due_soon(due):
            continue
        done = set(Plan.objects.of(organisation).filter(year=year, status__in=IN_FORCE_STATES).values_list("unit_id", flat=True))
        scopes: list[Unit | None] = [None, *Unit.objects.of(organisation).active()]
        for unit in scopes:
            unit_id = unit.pk if unit else None
            # A unit's key is its pk (unique in the province); the agency's names the agency.
            key = f"objectives:plan-due:{year}:{unit_id or f'agency-{organisation.pk}'}"
            if unit_id in done:
                continue
            probe = Plan(organisation=organisation, year=year, unit=unit)
            scope = unit.name if unit else N_("cơ quan")
            sent += _remind(
                key,
                recipients=drafters_of(probe) + (approvers_of(probe) if unit is None else []),
                subject=N_("Nhắc: kế hoạch MTCL năm %(y)s của %(s)s phải được phê duyệt trước ngày %(d)s")
                % {"y": year, "s": scope, "d": format_date(due)},
                body=N_("Theo QT.CTCL 5.9, MTCL và kế hoạch thực hiện MTCL được phê duyệt trước ngày %(d)s.") % {"d": format_date(due)},
                url=reverse("objectives:list") + f"?year={year}",
            )

    # 2. Measurements due a few working days after each period ends; 3. the year-end evaluation.
    plans = (
        Plan.objects.of(organisation)
        .filter(status__in=(PlanStatus.APPROVED, PlanStatus.MONITORING), year__lte=today.year)
        .select_related("unit")
        .prefetch_related("objectives__measurements")
    )
    for plan in plans:
        missing: dict[dt.date, list[Message | str]] = {}
        for obj in plan.objectives.all():
            measured = {m.period for m in obj.measurements.all()}
            for period in range(1, obj.periods + 1):
                if period in measured:
                    continue
                end = period_end(plan.year, obj.frequency, period)
                if end >= today + dt.timedelta(days=40):
                    break
                due = add_working_days(end, conf.measurement_due_working_days, organisation)
                if due_soon(due):
                    missing.setdefault(due, []).append(
                        Message("%(o)s. %(i)s (%(p)s)", {"o": obj.order, "i": obj.indicator, "p": period_message(obj.frequency, period)})
                    )
        for due, items in missing.items():
            sent += _remind(
                f"objectives:measurement:{plan.pk}:{due.isoformat()}",
                recipients=drafters_of(plan),
                subject=N_("Nhắc: nhập số liệu theo dõi MTCL của %(s)s trước ngày %(d)s") % {"s": plan.scope_name, "d": format_date(due)},
                body=Message.join(items),
                url=plan.get_absolute_url(),
            )
        due = conf.evaluation_due(plan.year)
        if due_soon(due):
            sent += _remind(
                f"objectives:evaluation-due:{plan.pk}",
                recipients=drafters_of(plan) + approvers_of(plan),
                subject=N_("Nhắc: đánh giá thực hiện MTCL năm %(y)s của %(s)s trước ngày %(d)s")
                % {"y": plan.year, "s": plan.scope_name, "d": format_date(due)},
                body=N_("Theo QT.CTCL 5.9, trước ngày %(d)s đánh giá thực hiện MTCL của năm.") % {"d": format_date(due)},
                url=plan.get_absolute_url(),
            )
    return sent


def late_reminders_send(*, today: dt.date) -> int:
    """Once after a QT.CTCL 5.9 date has passed (objectives.lateness): the plan not approved by 30/01 (or
    never drafted), the evaluation not done by 31/12 — to the drafters, the approvers and the secretary."""
    sent = 0
    for organisation in Organisation.objects.agencies():
        secretaries: list[User] | None = None
        for item in late_items(organisation, today):
            if not reminder_claim(f"objectives:{item.kind}-late:{item.year}:{item.scope_key}"):
                continue
            if secretaries is None:
                secretaries = list(User.objects.with_role(Role.SECRETARY, organisation=organisation))
            unit = None if item.scope_key.startswith("agency-") else Unit.objects.get(pk=int(item.scope_key))
            probe = item.plan or Plan(organisation=organisation, year=item.year, unit=unit)
            recipients = {user.pk: user for user in [*drafters_of(probe), *approvers_of(probe), *secretaries]}
            notification_send(
                recipients=list(recipients.values()),
                subject=N_("Trễ hạn: %(l)s") % {"l": item.label},
                body=N_(
                    "Theo QT.CTCL 5.9, MTCL và kế hoạch thực hiện được phê duyệt trước ngày 30/01; "
                    "việc đánh giá thực hiện MTCL của năm hoàn thành trước ngày 31/12."
                ),
                url=item.url,
            )
            sent += 1
    return sent
