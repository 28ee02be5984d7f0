"""Quality objectives (MTCL; QT.CTCL 5.9, Phụ lục 3 of the quality manual): each year the agency and each
unit have a plan of objectives; the plan is drafted, submitted, approved (then locked), monitored with
measurements each period and evaluated at year end. A change to an approved plan is a new revision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms import limits
from qms.messages import N_, Message
from qms.models import Organisation, Unit, User
from qms.people import may_approve_agency_objectives
from qms.roles import Role
from qms.tenancy import is_overseer
from qms.transitions import Transition, Transitions
from qms.workdays import add_years


class ObjectivesSettings(models.Model):
    """One row per agency: the calendar of QT.CTCL 5.9 (dates are settings, not constants) and reminder leads."""

    organisation = models.OneToOneField(
        "qms.Organisation", verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="objectives_settings"
    )
    plan_due_day = models.PositiveSmallIntegerField(_("hạn phê duyệt kế hoạch: ngày"), default=30)
    plan_due_month = models.PositiveSmallIntegerField(_("hạn phê duyệt kế hoạch: tháng"), default=1)
    evaluation_due_day = models.PositiveSmallIntegerField(_("hạn đánh giá cuối năm: ngày"), default=31)
    evaluation_due_month = models.PositiveSmallIntegerField(_("hạn đánh giá cuối năm: tháng"), default=12)
    measurement_due_working_days = models.PositiveSmallIntegerField(_("hạn nhập số liệu sau khi hết kỳ (ngày làm việc)"), default=5)
    reminder_lead_working_days = models.PositiveSmallIntegerField(_("nhắc trước hạn (ngày làm việc)"), default=3)
    # QT.CTCL 5.9: the objectives are "nhất quán với CSCL"; the policy is shown on the objectives pages and PL3.KH.
    quality_policy = models.TextField(_("chính sách chất lượng (CSCL)"), max_length=4000, blank=True)
    # QT.CTCL §7: the Phụ lục 3 plans and reports are kept this many years.
    record_retention_years = models.PositiveSmallIntegerField(_("thời gian lưu kế hoạch, báo cáo MTCL (năm)"), default=3)

    class Meta:
        verbose_name = _("cấu hình mục tiêu chất lượng")
        verbose_name_plural = _("cấu hình mục tiêu chất lượng")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def of(cls, organisation: Organisation | int) -> ObjectivesSettings:
        """The agency's settings, made with the defaults the first time they are asked for."""
        org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
        row, _created = cls.objects.get_or_create(organisation_id=org_id)
        return row

    def plan_due(self, year: int) -> dt.date:
        return _safe_date(year, self.plan_due_month, self.plan_due_day)

    def evaluation_due(self, year: int) -> dt.date:
        return _safe_date(year, self.evaluation_due_month, self.evaluation_due_day)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    # A misconfigured 31/02 falls back to the month's last day rather than breaking every page.
    for d in range(day, 27, -1):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return dt.date(year, month, min(day, 28))


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã trình, chờ phê duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã phê duyệt")
    MONITORING = "monitoring", _("Đang theo dõi thực hiện")
    EVALUATED = "evaluated", _("Đã đánh giá cuối năm")
    SUPERSEDED = "superseded", _("Đã thay thế bằng lần sửa đổi sau")


class Actor(models.TextChoices):
    """Who may make a move, relative to the plan's scope (the role depends on the scope: see rules.py)."""

    DRAFTER = "drafter", _("người lập kế hoạch")  # agency: Thư ký ISO; unit: the unit's staff and head
    APPROVER = "approver", _("người phê duyệt")  # agency: Trưởng ban chỉ đạo ISO; unit: the unit's head
    MEASURER = "measurer", _("người nhập số liệu")
    SYSTEM = "system", _("hệ thống")


# The allowed moves of a plan and who makes each; `action` names the button and the service.
PLAN_TRANSITIONS = Transitions(
    [
        Transition(PlanStatus.DRAFT, PlanStatus.SUBMITTED, "submit", Actor.DRAFTER),
        Transition(PlanStatus.RETURNED, PlanStatus.SUBMITTED, "submit", Actor.DRAFTER),
        Transition(PlanStatus.SUBMITTED, PlanStatus.APPROVED, "approve", Actor.APPROVER),
        Transition(PlanStatus.SUBMITTED, PlanStatus.RETURNED, "return", Actor.APPROVER),
        Transition(PlanStatus.APPROVED, PlanStatus.MONITORING, "measure", Actor.MEASURER),  # the first measurement starts monitoring
        Transition(PlanStatus.APPROVED, PlanStatus.EVALUATED, "close", Actor.APPROVER),  # year-end evaluation closed
        Transition(PlanStatus.MONITORING, PlanStatus.EVALUATED, "close", Actor.APPROVER),
        Transition(PlanStatus.APPROVED, PlanStatus.SUPERSEDED, "supersede", Actor.SYSTEM),  # a later revision was approved
        Transition(PlanStatus.MONITORING, PlanStatus.SUPERSEDED, "supersede", Actor.SYSTEM),
    ]
)
EDITABLE_STATES = {PlanStatus.DRAFT, PlanStatus.RETURNED}
LOCKED_STATES = {PlanStatus.APPROVED, PlanStatus.MONITORING, PlanStatus.EVALUATED, PlanStatus.SUPERSEDED}
IN_FORCE_STATES = {PlanStatus.APPROVED, PlanStatus.MONITORING, PlanStatus.EVALUATED}
MEASURABLE_STATES = {PlanStatus.APPROVED, PlanStatus.MONITORING}
# What the provincial overseer reads of an agency: its plans once approved, never a draft or a submitted one.
FINISHED_STATES = IN_FORCE_STATES


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> PlanQuerySet:
        """Within the user's agency only: its ISO committee reads every plan; a unit's people read their
        unit's plans and the agency's plans once approved (a unit's objectives support the agency's). The
        provincial overseer reads every agency's plans once approved, never a draft or a submitted one."""
        if not user.is_authenticated:
            return self.none()
        if is_overseer(user):
            return self.filter(status__in=FINISHED_STATES)
        if user.organisation_id is None or not user.has_role_perm("objectives.view_plan"):
            return self.none()
        own = self.filter(organisation_id=user.organisation_id)
        if user.has_role_perm("objectives.view_all_plans"):
            return own
        scope = Q(unit__isnull=True, status__in=IN_FORCE_STATES | {PlanStatus.SUPERSEDED})
        if user.unit_id:
            scope |= Q(unit_id=user.unit_id)
        return own.filter(scope)

    def of(self, organisation: Organisation | int | None) -> PlanQuerySet:
        return self.filter(organisation=organisation) if organisation is not None else self.none()

    def current(self) -> PlanQuerySet:
        return self.exclude(status=PlanStatus.SUPERSEDED)

    def delete(self):
        for plan in self:
            plan.check_deletable()
        return super().delete()

    def awaiting_approval_by(self, user: User) -> PlanQuerySet:
        """Submitted plans of the user's agency that this user approves (the home page panel)."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        scope = Q(pk__in=[])
        if user.has_role_perm("objectives.approve_agency_plan") and may_approve_agency_objectives(user):
            scope |= Q(unit__isnull=True)
        if user.has_role_perm("objectives.approve_unit_plan") and user.unit_id:
            scope |= Q(unit_id=user.unit_id)
        return self.filter(scope, organisation_id=user.organisation_id, status=PlanStatus.SUBMITTED).select_related("unit")


class Plan(models.Model):
    """A year's objectives and plan (Kế hoạch thực hiện MTCL) of the agency (unit empty) or one unit. Its
    objectives, their actions and measurements belong to the plan's agency."""

    organisation = models.ForeignKey("qms.Organisation", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="objective_plans"
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    revision = models.PositiveSmallIntegerField(_("lần sửa đổi"), default=0)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("thay thế kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    revision_reason = models.TextField(_("lý do sửa đổi"), max_length=limits.NOTE, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("ngày phê duyệt"), null=True, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(_("ngày đánh giá"), null=True, blank=True)
    return_comment = models.TextField(_("ý kiến khi trả lại"), max_length=limits.NOTE, blank=True)
    evaluation_summary = models.TextField(_("nhận xét chung khi đánh giá"), max_length=limits.TEXT, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "unit__order", "unit__name", "-revision"]
        verbose_name = _("kế hoạch thực hiện MTCL")
        verbose_name_plural = _("kế hoạch thực hiện MTCL")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "revision"],
                condition=Q(unit__isnull=True),
                name="uniq_objectives_agency_plan_revision",
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "revision"],
                condition=Q(unit__isnull=False),
                name="uniq_objectives_unit_plan_revision",
            ),
        ]
        permissions = [
            ("view_all_plans", _("Xem kế hoạch MTCL của mọi đơn vị")),
            ("draft_agency_plan", _("Xây dựng và trình kế hoạch MTCL của cơ quan")),
            ("approve_agency_plan", _("Phê duyệt kế hoạch MTCL của cơ quan")),
            ("draft_unit_plan", _("Dự thảo và trình kế hoạch MTCL của đơn vị")),
            ("approve_unit_plan", _("Phê duyệt kế hoạch MTCL của đơn vị")),
            ("record_measurement", _("Nhập số liệu theo dõi MTCL")),
        ]

    def __str__(self) -> str:
        rev = f" (sửa đổi lần {self.revision})" if self.revision else ""
        return f"{self.scope_name} — {self.year}{rev}"

    def get_absolute_url(self) -> str:
        return reverse("objectives:plan_detail", args=[self.pk])

    @property
    def is_agency(self) -> bool:
        return self.unit_id is None

    @property
    def scope_name(self) -> str:
        return self.unit.name if self.unit is not None else str(_("Cơ quan"))

    @property
    def scope_key(self) -> str:
        return f"unit-{self.unit_id}" if self.unit_id else "agency"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATES

    @property
    def is_in_force(self) -> bool:
        return self.status in IN_FORCE_STATES

    @property
    def is_returned(self) -> bool:
        return self.status == PlanStatus.RETURNED

    @property
    def is_evaluated(self) -> bool:
        return self.status == PlanStatus.EVALUATED

    @property
    def can_be_measured(self) -> bool:
        return self.status in MEASURABLE_STATES

    # Lateness (QT.CTCL 5.9: approved before 30/01, evaluated before 31/12; the dates are the agency's settings)
    def approval_late(self, conf: ObjectivesSettings, today: dt.date) -> bool:
        """Not approved by the plan date: approved after it, or still not approved once it has passed."""
        due = conf.plan_due(self.year)
        if self.approved_at is not None:
            return timezone.localtime(self.approved_at).date() > due
        return self.status not in IN_FORCE_STATES | {PlanStatus.SUPERSEDED} and today > due

    def evaluation_late(self, conf: ObjectivesSettings, today: dt.date) -> bool:
        """Not evaluated by the year-end date: evaluated after it, or in force and not evaluated once it passed."""
        due = conf.evaluation_due(self.year)
        if self.evaluated_at is not None:
            return timezone.localtime(self.evaluated_at).date() > due
        return self.status in MEASURABLE_STATES and today > due

    # Retention (QT.CTCL §7: the Phụ lục 3 plan and report are kept 3 years)
    def retained_until(self) -> dt.date:
        """3 years (the agency's setting) from the end of the plan's year, or from its evaluation if later."""
        end = self.evaluated_at or self.approved_at or self.created_at
        start = max(timezone.localtime(end).date(), dt.date(self.year, 12, 31))
        return add_years(start, ObjectivesSettings.of(self.organisation_id).record_retention_years)

    def is_retained(self) -> bool:
        return timezone.localdate() < self.retained_until()

    def check_deletable(self) -> None:
        if self.is_retained():
            raise RetainedPlanError(self.retained_until())

    def delete(self, *args, **kwargs):
        self.check_deletable()
        return super().delete(*args, **kwargs)


class RetainedPlanError(Exception):
    """A Phụ lục 3 plan or report is deleted before the retention period of QT.CTCL §7 ends."""


class UnitOfMeasure(models.TextChoices):
    PERCENT = "percent", _("%")
    COUNT = "count", _("số lượng")
    DAYS = "days", _("ngày")
    HOURS = "hours", _("giờ")
    SCORE = "score", _("điểm")
    QUALITATIVE = "qualitative", _("định tính (đạt / không đạt)")


NUMERIC_UNITS = {u for u in UnitOfMeasure.values if u != UnitOfMeasure.QUALITATIVE}


class Direction(models.TextChoices):
    HIGHER = "higher", _("càng cao càng tốt")
    LOWER = "lower", _("càng thấp càng tốt")


class Aggregation(models.TextChoices):
    LEVEL = "level", _("mức đạt tại thời điểm đo (tỷ lệ, thời gian…)")
    CUMULATIVE = "cumulative", _("cộng dồn trong năm (số lượng…)")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("hằng tháng")
    QUARTERLY = "quarterly", _("hằng quý")
    HALF_YEARLY = "half", _("6 tháng")
    YEARLY = "yearly", _("hằng năm")


PERIODS_PER_YEAR: dict[str, int] = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.HALF_YEARLY: 2, Frequency.YEARLY: 1}


# What a drafter fills in for an objective (its form and its copy into next year's plan use the same list).
OBJECTIVE_FIELDS = [
    "order",
    "statement",
    "indicator",
    "unit_of_measure",
    "direction",
    "aggregation",
    "baseline",
    "target",
    "target_text",
    "frequency",
    "policy_consistency",
    "evaluation_method",
]


def period_message(frequency: str, period: int) -> Message:
    """The period's name as a Message: an audit note or a reminder names it in its reader's language."""
    if frequency == Frequency.MONTHLY:
        return N_("Tháng %(n)d") % {"n": period}
    if frequency == Frequency.QUARTERLY:
        return N_("Quý %(n)s") % {"n": ["I", "II", "III", "IV"][period - 1] if 1 <= period <= 4 else period}
    if frequency == Frequency.HALF_YEARLY:
        return N_("6 tháng đầu năm") if period == 1 else N_("6 tháng cuối năm")
    return N_("Cả năm")


def period_label(frequency: str, period: int) -> str:
    return period_message(frequency, period).render()


def period_end(year: int, frequency: str, period: int) -> dt.date:
    months = 12 // PERIODS_PER_YEAR[frequency]
    last_month = period * months
    next_first = dt.date(year + (last_month // 12), last_month % 12 + 1, 1)
    return next_first - dt.timedelta(days=1)


class Result(models.TextChoices):
    ACHIEVED = "achieved", _("Đạt")
    NOT_ACHIEVED = "not_achieved", _("Không đạt")


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    statement = models.TextField(_("mục tiêu chất lượng"), max_length=limits.NOTE)
    indicator = models.CharField(_("chỉ số đo lường"), max_length=300)
    unit_of_measure = models.CharField(_("đơn vị đo"), max_length=20, choices=UnitOfMeasure.choices, default=UnitOfMeasure.PERCENT)
    direction = models.CharField(_("chiều đánh giá"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    aggregation = models.CharField(_("cách tính kết quả"), max_length=12, choices=Aggregation.choices, default=Aggregation.LEVEL)
    baseline = models.DecimalField(_("giá trị nền (năm trước)"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("chỉ tiêu"), max_digits=12, decimal_places=2, null=True, blank=True)
    target_text = models.CharField(_("chỉ tiêu (định tính)"), max_length=300, blank=True)
    frequency = models.CharField(_("tần suất theo dõi"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    policy_consistency = models.TextField(_("sự nhất quán với chính sách chất lượng"), max_length=limits.NOTE, blank=True)
    evaluation_method = models.TextField(_("cách thức đánh giá kết quả"), max_length=limits.NOTE)
    supports = models.ForeignKey(
        "self",
        verbose_name=_("hỗ trợ mục tiêu của cơ quan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supporting",
    )
    revised_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions")
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("từ mục tiêu năm trước"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    # Year-end evaluation (Báo cáo thực hiện MTCL).
    result = models.CharField(_("kết quả đánh giá"), max_length=15, choices=Result.choices, blank=True)
    actual_value = models.DecimalField(_("kết quả đạt được"), max_digits=12, decimal_places=2, null=True, blank=True)
    actual_text = models.CharField(_("kết quả đạt được (định tính)"), max_length=300, blank=True)
    reasons = models.TextField(_("nguyên nhân"), max_length=limits.TEXT, blank=True)
    next_steps = models.TextField(_("hướng khắc phục / cải tiến năm sau"), max_length=limits.TEXT, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(null=True, blank=True)
    ticket_id = models.PositiveBigIntegerField(_("phiếu HĐKP"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("mục tiêu chất lượng")
        verbose_name_plural = _("mục tiêu chất lượng")

    def __str__(self) -> str:
        return f"{self.order}. {self.statement[:80]}"

    @property
    def is_numeric(self) -> bool:
        return self.unit_of_measure in NUMERIC_UNITS

    @property
    def periods(self) -> int:
        return PERIODS_PER_YEAR[Frequency(self.frequency)]

    def period_choices(self) -> list[tuple[int, str]]:
        return [(p, period_label(self.frequency, p)) for p in range(1, self.periods + 1)]

    def format_value(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}".rstrip("0")
        text = text.replace(".", ",")
        if self.unit_of_measure == UnitOfMeasure.PERCENT:
            return f"{text}%"
        if self.unit_of_measure == UnitOfMeasure.COUNT:
            return text
        return f"{text} {self.get_unit_of_measure_display()}"

    @property
    def target_display(self) -> str:
        if not self.is_numeric:
            return self.target_text
        sign = "≥" if self.direction == Direction.HIGHER else "≤"
        return f"{sign} {self.format_value(self.target)}"

    @property
    def baseline_display(self) -> str:
        return self.format_value(self.baseline) if self.is_numeric else "—"

    @property
    def needs_ticket(self) -> bool:
        """Evaluated not achieved and no corrective-action ticket opened for it yet."""
        return self.result == Result.NOT_ACHIEVED and not self.ticket_id

    @property
    def actual_display(self) -> str:
        return self.format_value(self.actual_value) if self.is_numeric else (self.actual_text or "—")


class PlanAction(models.Model):
    """One line of the plan of an objective: what will be done, with what, by whom, by when."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    description = models.TextField(_("nội dung công việc"), max_length=limits.TEXT)
    resources = models.CharField(_("nguồn lực"), max_length=300, blank=True)
    responsible = models.CharField(_("người / đơn vị thực hiện"), max_length=200)
    deadline = models.DateField(_("thời hạn"))

    class Meta:
        ordering = ["objective", "order", "pk"]
        verbose_name = _("hành động thực hiện")
        verbose_name_plural = _("hành động thực hiện")

    def __str__(self) -> str:
        return self.description[:80]


def evidence_path(instance: Measurement, filename: str) -> str:
    return f"objectives/{instance.objective.plan.year}/{instance.objective_id}/{filename}"


class Measurement(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measurements")
    period = models.PositiveSmallIntegerField(_("kỳ theo dõi"))
    value = models.DecimalField(_("giá trị đo"), max_digits=12, decimal_places=2, null=True, blank=True)
    value_text = models.CharField(_("kết quả (định tính)"), max_length=300, blank=True)
    measured_on = models.DateField(_("ngày đo"))
    comment = models.TextField(_("nhận xét"), max_length=limits.NOTE, blank=True)
    evidence = models.FileField(_("minh chứng"), upload_to=evidence_path, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["objective", "period"]
        verbose_name = _("số liệu theo dõi")
        verbose_name_plural = _("số liệu theo dõi")
        constraints = [models.UniqueConstraint(fields=["objective", "period"], name="uniq_objectives_measurement_period")]

    def __str__(self) -> str:
        return f"{self.objective_id} / {self.period}"

    @property
    def period_label(self) -> str:
        return period_label(self.objective.frequency, self.period)


OVERSIGHT_ROLES = (Role.SECRETARY, Role.COMMITTEE_HEAD, Role.COMMITTEE_MEMBER)
