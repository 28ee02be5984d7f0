"""The shared core: organisation settings, units, users, the working-day calendar's exceptions, the
audit trail, the in-app inbox, once-only reminder keys and per-year document numbers."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .roles import Role


class MinutesForm(models.TextChoices):
    HT_06_04 = "BM.HT.06.04", _("BM.HT.06.04 — Biên bản họp xem xét (QT.HT.06)")
    CTCL_02 = "BM.CTCL.02", _("BM.CTCL.02 — Biên bản họp xem xét của lãnh đạo (QT.CTCL)")


class Organisation(models.Model):
    """One row: the agency running this QMS. Edited in Django admin; read with Organisation.current()."""

    name = models.CharField(_("tên cơ quan"), max_length=200, default="Cục Thông tin đối ngoại")
    short_name = models.CharField(_("tên viết tắt"), max_length=50, default="Cục TTĐN")
    parent_name = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True, default="Bộ Ngoại giao")
    place_name = models.CharField(_("địa danh ghi ngày tháng"), max_length=100, default="Hà Nội")
    committee_name = models.CharField(_("tên Ban chỉ đạo ISO"), max_length=200, default="Ban chỉ đạo ISO")
    notice_symbol = models.CharField(_("ký hiệu thông báo"), max_length=50, default="TB-BCĐ ISO")
    minutes_symbol = models.CharField(_("ký hiệu biên bản"), max_length=50, default="BB-BCĐ ISO")
    report_symbol = models.CharField(_("ký hiệu báo cáo"), max_length=50, default="BC-BCĐ ISO")
    minutes_form = models.CharField(_("mẫu biên bản"), max_length=20, choices=MinutesForm.choices, default=MinutesForm.HT_06_04)
    review_record_retention_years = models.PositiveSmallIntegerField(_("thời gian lưu hồ sơ xem xét (năm)"), default=2)
    ticket_record_retention_years = models.PositiveSmallIntegerField(_("thời gian lưu phiếu HĐKP (năm)"), default=3)
    notice_lead_working_days = models.PositiveSmallIntegerField(_("thông báo trước cuộc họp (ngày làm việc)"), default=3)
    report_reminder_working_days = models.PositiveSmallIntegerField(_("nhắc nộp báo cáo trước hạn (ngày làm việc)"), default=2)
    action_reminder_working_days = models.PositiveSmallIntegerField(_("nhắc hạn hành động trước (ngày làm việc)"), default=3)
    repeat_nonconformity_threshold = models.PositiveSmallIntegerField(_("số lần KPH lặp lại phải mở HĐKP"), default=3)

    class Meta:
        verbose_name = _("cấu hình cơ quan")
        verbose_name_plural = _("cấu hình cơ quan")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation:
        org = cls.objects.order_by("pk").first()
        return org if org is not None else cls.objects.create()


class UnitQuerySet(models.QuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


class Unit(models.Model):
    """An organisational unit (Đơn vị): a department of the agency."""

    name = models.CharField(_("tên đơn vị"), max_length=200, unique=True)
    code = models.CharField(_("mã"), max_length=20, unique=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def with_role(self, *roles: Role, unit: Unit | int | None = None) -> UserQuerySet:
        """Active users holding any of `roles` (of `unit` when given): who receives a message, who may act."""
        qs = self.filter(is_active=True, groups__name__in=[role.value for role in roles])
        if unit is not None:
            qs = qs.filter(unit=unit)
        return qs.distinct()


class QmsUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    job_title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="members")

    objects: ClassVar[QmsUserManager] = QmsUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: Role) -> bool:
        return any(role.value in self.role_names for role in roles)


class CalendarException(models.Model):
    """A day that the official calendar changes: an extra day off, or a Saturday/Sunday worked to make
    up for a swapped day. Public holidays themselves come from the `holidays` package."""

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Ngày nghỉ (hoán đổi / bổ sung)")
        WORKING_DAY = "work", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    note = models.CharField(_("căn cứ / ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("ngày nghỉ / làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"


class AuditEntry(models.Model):
    """One state change of any record: who, when, from, to, and a note."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(_("thao tác"), max_length=100)
    from_state = models.CharField(_("từ"), max_length=40, blank=True)
    to_state = models.CharField(_("đến"), max_length=40, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An item in a user's in-app inbox."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.subject


class SentReminder(models.Model):
    """The key of each reminder already sent. Its unique constraint is what makes a reminder go out
    once even when two sweeps run at the same moment."""

    key = models.CharField(max_length=255, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")

    def __str__(self) -> str:
        return self.key


class DocumentCounter(models.Model):
    """The last number issued in a series (e.g. notices) for a year; rows are locked while incremented."""

    series = models.CharField(max_length=50)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="uniq_counter_series_year")]

    def __str__(self) -> str:
        return f"{self.series}/{self.year}: {self.last_number}"
