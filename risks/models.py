"""The risk table (bảng phân tích rủi ro; QT.HT.06 §VI, QT.CTCL 5.8.1.2 "cập nhật bảng phân tích rủi ro của
đơn vị"): per unit and for the agency (unit empty), rows of risk or opportunity with the process concerned,
cause, frequency and impact, the level that follows from them by the agency's matrix, the response, owner,
deadline, status and the review of its effectiveness. Every change keeps the earlier row in RiskHistory."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms import limits
from qms.models import Organisation, Unit, User
from qms.roles import Role
from qms.tenancy import is_overseer
from qms.transitions import Transition, Transitions
from qms.workdays import add_years


class Kind(models.TextChoices):
    RISK = "risk", _("Rủi ro")
    OPPORTUNITY = "opportunity", _("Cơ hội")


class Frequency(models.TextChoices):
    """QT.HT.06 §VI: "Tần suất xuất hiện"."""

    FREQUENT = "frequent", _("Thường xuyên")
    OCCASIONAL = "occasional", _("Thỉnh thoảng")
    RARE = "rare", _("Hiếm khi")


class Impact(models.TextChoices):
    """QT.HT.06 §VI: "Mức độ ảnh hưởng"."""

    MAJOR = "major", _("Lớn")
    MODERATE = "moderate", _("Vừa")
    MINOR = "minor", _("Nhỏ")


class Level(models.TextChoices):
    HIGH = "high", _("Cao")
    MEDIUM = "medium", _("Trung bình")
    LOW = "low", _("Thấp")


# Frequency × impact -> level, unless the agency's settings say otherwise.
DEFAULT_MATRIX: dict[str, dict[str, str]] = {
    Frequency.FREQUENT: {Impact.MAJOR: Level.HIGH, Impact.MODERATE: Level.HIGH, Impact.MINOR: Level.MEDIUM},
    Frequency.OCCASIONAL: {Impact.MAJOR: Level.HIGH, Impact.MODERATE: Level.MEDIUM, Impact.MINOR: Level.LOW},
    Frequency.RARE: {Impact.MAJOR: Level.MEDIUM, Impact.MODERATE: Level.LOW, Impact.MINOR: Level.LOW},
}
LEVEL_ORDER = [Level.HIGH, Level.MEDIUM, Level.LOW]


def default_matrix() -> dict[str, dict[str, str]]:
    return {str(f): {str(i): str(level) for i, level in row.items()} for f, row in DEFAULT_MATRIX.items()}


def check_matrix(matrix: object) -> None:
    """A matrix names a level for every frequency and impact, and only known levels."""
    if not isinstance(matrix, dict):
        raise ValidationError(_("Ma trận mức rủi ro không hợp lệ."))
    for frequency in Frequency.values:
        row = matrix.get(frequency)
        if not isinstance(row, dict):
            raise ValidationError(_("Ma trận thiếu tần suất “%(f)s”.") % {"f": Frequency(frequency).label})
        for impact in Impact.values:
            if row.get(impact) not in Level.values:
                raise ValidationError(
                    _("Ma trận thiếu mức rủi ro cho “%(f)s” × “%(i)s”.") % {"f": Frequency(frequency).label, "i": Impact(impact).label}
                )


class RiskSettings(models.Model):
    """One row per agency: the level matrix and how long the table's records are kept."""

    organisation = models.OneToOneField(Organisation, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="risk_settings")
    # {frequency: {impact: level}} with the values of Frequency, Impact and Level.
    matrix = models.JSONField(_("ma trận mức rủi ro (tần suất × mức độ ảnh hưởng)"), default=default_matrix)
    # Kept like the other QMS records (QT.CTCL §7: 3 years) from the row's last change.
    record_retention_years = models.PositiveSmallIntegerField(_("thời gian lưu bảng phân tích rủi ro (năm)"), default=3)

    class Meta:
        verbose_name = _("cấu hình bảng phân tích rủi ro")
        verbose_name_plural = _("cấu hình bảng phân tích rủi ro")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def clean(self) -> None:
        try:
            check_matrix(self.matrix)
        except ValidationError as exc:
            raise ValidationError({"matrix": exc.messages}) from None

    @classmethod
    def of(cls, organisation: Organisation | int) -> RiskSettings:
        org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
        row, _created = cls.objects.get_or_create(organisation_id=org_id)
        return row

    def level_of(self, frequency: str, impact: str) -> str:
        try:
            check_matrix(self.matrix)
        except ValidationError:  # a matrix broken outside admin's form falls back rather than breaking every page
            return DEFAULT_MATRIX[Frequency(frequency)][Impact(impact)]
        return self.matrix[frequency][impact]


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    DONE = "done", _("Đã thực hiện biện pháp")
    CLOSED = "closed", _("Đã đóng")


class Maintainer(models.TextChoices):
    """Who keeps a table: the agency's — the ISO secretary; a unit's — its head (qms.people.may_decide_for_unit)."""

    MAINTAINER = "maintainer", _("người cập nhật bảng")


# Status moves, made by the table's maintainer when they save the row.
RISK_TRANSITIONS = Transitions(
    [
        Transition(RiskStatus.OPEN, RiskStatus.DONE, "done", Maintainer.MAINTAINER),
        Transition(RiskStatus.OPEN, RiskStatus.CLOSED, "close", Maintainer.MAINTAINER),
        Transition(RiskStatus.DONE, RiskStatus.CLOSED, "close", Maintainer.MAINTAINER),
        Transition(RiskStatus.DONE, RiskStatus.OPEN, "reopen", Maintainer.MAINTAINER),
        Transition(RiskStatus.CLOSED, RiskStatus.OPEN, "reopen", Maintainer.MAINTAINER),
    ]
)
OPEN_STATES = {RiskStatus.OPEN}
# The roles that read every table of their agency (the ISO committee and the top leader).
COMMITTEE_ROLES = (Role.SECRETARY, Role.TOP_LEADER, Role.COMMITTEE_HEAD, Role.COMMITTEE_MEMBER)


class Effectiveness(models.TextChoices):
    EFFECTIVE = "effective", _("Có hiệu lực")
    NOT_EFFECTIVE = "not_effective", _("Chưa có hiệu lực")


class RiskContent(models.Model):
    """What a row says: kept on the row and copied, as it was, into each history row."""

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.RISK)
    process = models.CharField(_("quá trình / hoạt động liên quan"), max_length=255)
    description = models.TextField(_("rủi ro / cơ hội"), max_length=limits.TEXT)
    cause = models.TextField(_("nguyên nhân"), max_length=limits.TEXT, blank=True)
    frequency = models.CharField(_("tần suất xuất hiện"), max_length=12, choices=Frequency.choices)
    impact = models.CharField(_("mức độ ảnh hưởng"), max_length=12, choices=Impact.choices)
    level = models.CharField(_("mức rủi ro"), max_length=8, choices=Level.choices)
    response = models.TextField(_("biện pháp đối phó"), max_length=limits.TEXT)
    owner = models.CharField(_("người / đơn vị thực hiện"), max_length=255, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    effectiveness_reviewed_on = models.DateField(_("ngày xem xét hiệu lực"), null=True, blank=True)
    effectiveness = models.CharField(_("kết quả xem xét hiệu lực"), max_length=16, choices=Effectiveness.choices, blank=True)
    effectiveness_note = models.TextField(_("nhận xét hiệu lực"), max_length=limits.NOTE, blank=True)

    class Meta:
        abstract = True


CONTENT_FIELDS = [f.name for f in RiskContent._meta.local_fields]


class RiskQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> RiskQuerySet:
        """Within the user's agency: the ISO committee and the top leader read every table; a unit's people
        read the agency's table and their unit's."""
        if not user.is_authenticated or is_overseer(user):
            return self.none()
        if user.organisation_id is None or not user.has_role_perm("risks.view_risk"):
            return self.none()
        own = self.filter(organisation_id=user.organisation_id)
        if user.has_role(*COMMITTEE_ROLES):
            return own
        scope = Q(unit__isnull=True)
        if user.unit_id:
            scope |= Q(unit_id=user.unit_id)
        return own.filter(scope)

    def open(self) -> RiskQuerySet:
        return self.filter(status__in=OPEN_STATES)

    def due_by(self, day: dt.date) -> RiskQuerySet:
        return self.open().filter(deadline__isnull=False, deadline__lte=day)

    def delete(self):
        for risk in self:
            risk.check_deletable()
        return super().delete()


class Risk(RiskContent):
    """One row of a table; `version` refuses a save from a stale page."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="risks")
    number = models.PositiveIntegerField(_("STT"))
    # Where the row came from when another record opened it (a review conclusion): shown as a link.
    origin_label = models.CharField(_("nguồn"), max_length=255, blank=True)
    origin_url = models.CharField(_("liên kết nguồn"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["unit__order", "unit__name", "number"]
        verbose_name = _("dòng bảng phân tích rủi ro")
        verbose_name_plural = _("bảng phân tích rủi ro")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], condition=Q(unit__isnull=True), name="uniq_risk_agency_number"),
            models.UniqueConstraint(fields=["unit", "number"], condition=Q(unit__isnull=False), name="uniq_risk_unit_number"),
        ]
        permissions = [
            ("view_all_risks", _("Xem bảng phân tích rủi ro của mọi đơn vị")),
            ("maintain_agency_risks", _("Cập nhật bảng phân tích rủi ro của cơ quan")),
            ("maintain_unit_risks", _("Cập nhật bảng phân tích rủi ro của đơn vị")),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}. {self.description[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("risks:detail", args=[self.pk])

    @property
    def is_agency(self) -> bool:
        return self.unit_id is None

    @property
    def scope_name(self) -> str:
        return self.unit.name if self.unit is not None else str(_("Cơ quan"))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def is_opportunity(self) -> bool:
        return self.kind == Kind.OPPORTUNITY

    def is_late(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < (today or timezone.localdate())

    # Retention (QT.CTCL §7, RiskSettings.record_retention_years) from the row's last change.
    def retained_until(self) -> dt.date:
        years = RiskSettings.of(self.organisation_id).record_retention_years
        return add_years(timezone.localtime(self.updated_at).date(), years)

    def is_retained(self) -> bool:
        return timezone.localdate() < self.retained_until()

    def check_deletable(self) -> None:
        if self.is_retained():
            raise ValidationError(_("Dòng bảng phân tích rủi ro được lưu đến %(d)s.") % {"d": self.retained_until().strftime("%d/%m/%Y")})

    def delete(self, *args, **kwargs):
        self.check_deletable()
        return super().delete(*args, **kwargs)


class RiskHistory(RiskContent):
    """The row as it was before a change (version `version`), who changed it, when and why."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="history")
    version = models.PositiveIntegerField(_("phiên bản"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("thời điểm thay đổi"), default=timezone.now)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["risk", "-version"]
        verbose_name = _("lịch sử dòng bảng phân tích rủi ro")
        verbose_name_plural = _("lịch sử bảng phân tích rủi ro")
        constraints = [models.UniqueConstraint(fields=["risk", "version"], name="uniq_risk_history_version")]

    def __str__(self) -> str:
        return f"{self.risk} (v{self.version})"
