"""The daily reminder sweep of the objectives app (run by tasks.send_reminders): the year's plan due,
measurements due after each period, the year-end evaluation due. Nothing in services imports it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.urls import reverse

from qms.dates import format_date
from qms.messages import N_, Message
from qms.models import Organisation, Unit, User
from qms.roles import Role
from qms.services import Reminder, notification_send, reminder_claim
from qms.services import reminders_send as reminders_send_batch
from qms.workdays import Calendar

from .lateness import late_items
from .models import IN_FORCE_STATES, ObjectivesSettings, Plan, PlanStatus, period_end, period_message
from .rules import approvers_of, drafters_of


class _People:
    """rules.drafters_of / approvers_of for every plan of the sweep, from one query per role for all the
    agencies (the same people: the agency's secretaries and approvers, each unit's heads)."""

    def __init__(self, organisations: dict[int, Organisation]) -> None:
        self.secretaries: dict[int, list[User]] = defaultdict(list)
        self.heads: dict[tuple[int, int], list[User]] = defaultdict(list)
        self.approvers: dict[int, list[User]] = defaultdict(list)
        roles = {Role.SECRETARY.value, Role.UNIT_HEAD.value, *(org.objectives_approver_role for org in organisations.values())}
        users = {user.pk: user for user in User.objects.filter(is_active=True, organisation__in=organisations, groups__name__in=roles)}
        held = User.groups.through.objects.filter(user_id__in=users, group__name__in=roles).values_list("user_id", "group__name")
        for user_id, role in held:
            user = users[user_id]
            org_id = user.organisation_id
            if org_id is None:
                continue
            if role == Role.SECRETARY.value:
                self.secretaries[org_id].append(user)
            if role == Role.UNIT_HEAD.value and user.unit_id is not None:
                self.heads[(org_id, user.unit_id)].append(user)
            if role == organisations[org_id].objectives_approver_role:
                self.approvers[org_id].append(user)

    def drafters_of(self, plan: Plan) -> list[User]:
        if plan.unit_id is None:
            return self.secretaries[plan.organisation_id]
        return self.heads[(plan.organisation_id, plan.unit_id)]

    def approvers_of(self, plan: Plan) -> list[User]:
        if plan.unit_id is None:
            return self.approvers[plan.organisation_id]
        return self.heads[(plan.organisation_id, plan.unit_id)]


def reminders_send(*, today: dt.date) -> int:
    """Once-only reminders (safe under concurrent sweeps: qms.services.reminders_send), agency by agency
    with each agency's settings and days off: the year's plan due by 30/01, a measurement due after each
    period, the year-end evaluation due by 31/12. The calendars, settings, people and plans of every agency
    are read once (only plans of this year and last can have a reminder due): the sweep's queries do not
    grow with its plans and objectives."""
    organisations = {org.pk: org for org in Organisation.objects.agencies()}
    if not organisations:
        return 0
    settings_of = {conf.organisation_id: conf for conf in ObjectivesSettings.objects.filter(organisation__in=organisations)}
    for org_id in organisations.keys() - settings_of.keys():
        settings_of[org_id] = ObjectivesSettings.of(org_id)  # made with the defaults, once per agency
    calendars = Calendar.for_organisations(organisations, dt.date(today.year - 1, 1, 1), dt.date(today.year + 2, 12, 31))
    people = _People(organisations)
    pending: dict[str, Callable[[], Reminder]] = {}
    in_force: dict[tuple[int, int], set[int | None]] = defaultdict(set)
    for org_id, year, unit_id in Plan.objects.filter(
        organisation__in=organisations, year__in=[today.year, today.year + 1], status__in=IN_FORCE_STATES
    ).values_list("organisation_id", "year", "unit_id"):
        in_force[(org_id, year)].add(unit_id)
    units = defaultdict(list)
    for unit in Unit.objects.filter(organisation__in=organisations).active():
        units[unit.organisation_id].append(unit)
    plans = defaultdict(list)
    for plan in (
        Plan.objects.filter(
            organisation__in=organisations,
            status__in=(PlanStatus.APPROVED, PlanStatus.MONITORING),
            year__range=(today.year - 1, today.year),
        )
        .select_related("unit")
        .prefetch_related("objectives__measurements")
    ):
        plans[plan.organisation_id].append(plan)
    for org_id, organisation in organisations.items():
        _agency_reminders(
            organisation,
            today=today,
            conf=settings_of[org_id],
            calendar=calendars[org_id],
            people=people,
            in_force=in_force,
            units=units[org_id],
            plans=plans[org_id],
            pending=pending,
        )
    return reminders_send_batch(pending)


def _agency_reminders(
    organisation: Organisation,
    *,
    today: dt.date,
    conf: ObjectivesSettings,
    calendar: Calendar,
    people: _People,
    in_force: dict[tuple[int, int], set[int | None]],
    units: list[Unit],
    plans: list[Plan],
    pending: dict[str, Callable[[], Reminder]],
) -> None:
    lead = conf.reminder_lead_working_days

    def due_soon(due: dt.date) -> bool:
        return due >= today and calendar.working_days_between(today, due) <= lead

    # 1. Plans of the year due by the plan date (also next year's plans when the date is early next year).
    for year in {today.year, today.year + 1}:
        due = conf.plan_due(year)
        if not due_soon(due):
            continue
        done = in_force[(organisation.pk, year)]
        scopes: list[Unit | None] = [None, *units]
        for unit in scopes:
            unit_id = unit.pk if unit else None
            if unit_id in done:
                continue
            probe = Plan(organisation=organisation, year=year, unit=unit)
            scope = unit.name if unit else N_("cơ quan")
            # A unit's key is its pk (unique in the province); the agency's names the agency.
            pending[f"objectives:plan-due:{year}:{unit_id or f'agency-{organisation.pk}'}"] = partial(
                Reminder,
                recipients=people.drafters_of(probe) + (people.approvers_of(probe) if unit is None else []),
                subject=N_("Nhắc: kế hoạch MTCL năm %(y)s của %(s)s phải được phê duyệt trước ngày %(d)s")
                % {"y": year, "s": scope, "d": format_date(due)},
                body=N_("Theo QT.CTCL 5.9, MTCL và kế hoạch thực hiện MTCL được phê duyệt trước ngày %(d)s.") % {"d": format_date(due)},
                url=reverse("objectives:list") + f"?year={year}",
            )

    # 2. Measurements due a few working days after each period ends; 3. the year-end evaluation.
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
                due = calendar.add_working_days(end, conf.measurement_due_working_days)
                if due_soon(due):
                    missing.setdefault(due, []).append(
                        Message("%(o)s. %(i)s (%(p)s)", {"o": obj.order, "i": obj.indicator, "p": period_message(obj.frequency, period)})
                    )
        for due, items in missing.items():
            pending[f"objectives:measurement:{plan.pk}:{due.isoformat()}"] = partial(
                Reminder,
                recipients=people.drafters_of(plan),
                subject=N_("Nhắc: nhập số liệu theo dõi MTCL của %(s)s trước ngày %(d)s") % {"s": plan.scope_name, "d": format_date(due)},
                body=Message.join(items),
                url=plan.get_absolute_url(),
            )
        due = conf.evaluation_due(plan.year)
        if due_soon(due):
            pending[f"objectives:evaluation-due:{plan.pk}"] = partial(
                Reminder,
                recipients=people.drafters_of(plan) + people.approvers_of(plan),
                subject=N_("Nhắc: đánh giá thực hiện MTCL năm %(y)s của %(s)s trước ngày %(d)s")
                % {"y": plan.year, "s": plan.scope_name, "d": format_date(due)},
                body=N_("Theo QT.CTCL 5.9, trước ngày %(d)s đánh giá thực hiện MTCL của năm.") % {"d": format_date(due)},
                url=plan.get_absolute_url(),
            )


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
