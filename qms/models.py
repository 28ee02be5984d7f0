"""The shared core: the organisations (each agency is a tenant: its own settings, units, users, records,
document numbers and days off), users, the working-day calendar's exceptions, the audit trail, the in-app
inbox and once-only reminder keys."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import limits
from .messages import render_stored
from .roles import Role


class MinutesForm(models.TextChoices):
    HT_06_04 = "BM.HT.06.04", _("BM.HT.06.04 — Biên bản họp xem xét (QT.HT.06)")
    CTCL_02 = "BM.CTCL.02", _("BM.CTCL.02 — Biên bản họp xem xét của lãnh đạo (QT.CTCL)")


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", _("Cơ quan áp dụng HTQLCL")
    # The provincial department in charge of ISO application in the province's agencies: reads their
    # finished records, never writes them.
    OVERSIGHT = "oversight", _("Cơ quan theo dõi áp dụng ISO cấp tỉnh")


class ReviewChairRole(models.TextChoices):
    """Who chairs the management review: QT.HT.06 names the steering-committee head, QT.CTCL the top leader."""

    COMMITTEE_HEAD = Role.COMMITTEE_HEAD.value, _("Trưởng ban chỉ đạo ISO (QT.HT.06)")
    TOP_LEADER = Role.TOP_LEADER.value, _("Lãnh đạo cao nhất (QT.CTCL)")


class ObjectivesApproverRole(models.TextChoices):
    """Who approves the agency's quality objectives (QT.CTCL 5.9: the top leader)."""

    TOP_LEADER = Role.TOP_LEADER.value, _("Lãnh đạo cao nhất")
    COMMITTEE_HEAD = Role.COMMITTEE_HEAD.value, _("Trưởng ban chỉ đạo ISO")


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNING_IMAGE_MAX_BYTES = 1024 * 1024


def validate_png(value) -> None:
    """A signature or seal image: a PNG of at most 1 MB (it is drawn into every signed PDF)."""
    if value.size > SIGNING_IMAGE_MAX_BYTES:
        raise ValidationError(gettext("Ảnh quá lớn (tối đa 1 MB)."))
    head = value.read(8)
    value.seek(0)
    if head != PNG_MAGIC:
        raise ValidationError(gettext("Ảnh phải là tệp PNG."))


class OrganisationQuerySet(models.QuerySet):
    def agencies(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.AGENCY, is_active=True)


class Organisation(models.Model):
    """An agency running its QMS on this installation — a tenant: every unit, user, record, counter and
    setting belongs to one — or the provincial department that oversees them. Created by a provincial
    admin in Django admin; each agency's admin edits its own settings."""

    code = models.SlugField(_("mã cơ quan"), max_length=40, unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=OrganisationKind.choices, default=OrganisationKind.AGENCY)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
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
    # QT.CTCL §7 keeps the minutes BM.CTCL.02 three years; BM.HT.06.03/.04 follow the line above (QT.HT.06 §VII).
    ctcl_minutes_retention_years = models.PositiveSmallIntegerField(_("thời gian lưu biên bản BM.CTCL.02 (năm)"), default=3)
    ticket_record_retention_years = models.PositiveSmallIntegerField(_("thời gian lưu phiếu HĐKP (năm)"), default=3)
    notice_lead_working_days = models.PositiveSmallIntegerField(_("thông báo trước cuộc họp (ngày làm việc)"), default=3)
    report_reminder_working_days = models.PositiveSmallIntegerField(_("nhắc nộp báo cáo trước hạn (ngày làm việc)"), default=2)
    action_reminder_working_days = models.PositiveSmallIntegerField(_("nhắc hạn hành động trước (ngày làm việc)"), default=3)
    repeat_nonconformity_threshold = models.PositiveSmallIntegerField(_("số lần KPH lặp lại phải mở HĐKP"), default=3)
    # The people of the procedure this agency applies (read through qms.people, never here directly).
    review_chair_role = models.CharField(
        _("người chủ trì họp xem xét"),
        max_length=50,
        choices=ReviewChairRole.choices,
        default=ReviewChairRole.COMMITTEE_HEAD,
        help_text=_("QT.HT.06: Trưởng ban chỉ đạo ISO chủ trì; QT.CTCL: Lãnh đạo cao nhất chủ trì."),
    )
    ticket_verifiers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người kiểm tra xác nhận phiếu HĐKP"),
        blank=True,
        related_name="+",
        help_text=_("Lãnh đạo Sở và người được ủy quyền. Để trống: những người giữ vai trò Lãnh đạo cao nhất của cơ quan."),
    )
    objectives_approver_role = models.CharField(
        _("người phê duyệt mục tiêu chất lượng của cơ quan"),
        max_length=50,
        choices=ObjectivesApproverRole.choices,
        default=ObjectivesApproverRole.TOP_LEADER,
        help_text=_("QT.CTCL 5.9: Lãnh đạo cao nhất phê duyệt mục tiêu chất lượng của cơ quan."),
    )
    # QT.HT.06 H1 "ít nhất 1 năm 1 lần" and §VI risk 1: from this day of the year, a year without a held
    # review raises a reminder to the secretary and a notice to the steering-committee head (once a year).
    review_watch_day = models.PositiveSmallIntegerField(
        _("nhắc họp xem xét hằng năm từ ngày"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    review_watch_month = models.PositiveSmallIntegerField(
        _("nhắc họp xem xét hằng năm từ tháng"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Từ ngày/tháng này, nếu trong năm chưa họp xem xét, Thư ký ISO và Trưởng ban chỉ đạo ISO được nhắc."),
    )
    # Decree 30/2020 Phụ lục I mục II: the agency's seal drawn over the left third of the signer's image.
    seal_image = models.FileField(
        _("hình dấu của cơ quan (PNG)"),
        upload_to="signing/seals/",
        blank=True,
        validators=[validate_png],
        help_text=_("PNG màu đỏ, nền trong suốt, kích thước thật của con dấu."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.kind == OrganisationKind.AGENCY

    def review_watch_date(self, year: int) -> dt.date:
        """The day of `year` from which a year without a held review is reminded (31/02 -> 28/02 or 29/02)."""
        month = min(max(self.review_watch_month, 1), 12)
        day = min(max(self.review_watch_day, 1), calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)

    def clean(self) -> None:
        super().clean()
        if self.review_watch_month and self.review_watch_day:
            if self.review_watch_day > calendar.monthrange(2024, min(max(self.review_watch_month, 1), 12))[1]:
                raise ValidationError({"review_watch_day": _("Ngày không có trong tháng đã chọn.")})


class UnitQuerySet(models.QuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def of(self, organisation: Organisation | int | None) -> UnitQuerySet:
        return self.filter(organisation=organisation) if organisation is not None else self.none()


class Unit(models.Model):
    """An organisational unit (Đơn vị): a department of one agency."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("tên đơn vị"), max_length=200)
    code = models.CharField(_("mã"), max_length=20)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # The unit's ISO focal point whom the head named to submit the unit's report BM.HT.06.02 and declare
    # the unit's review actions done in the head's stead; empty: only the head does.
    report_submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("đầu mối ISO được lãnh đạo đơn vị giao nộp báo cáo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Đầu mối ISO của đơn vị được thay lãnh đạo đơn vị nộp báo cáo và báo hoàn thành hành động. Để trống: chỉ lãnh đạo đơn vị."
        ),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="uniq_unit_code_per_organisation"),
            models.UniqueConstraint(fields=["organisation", "name"], name="uniq_unit_name_per_organisation"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        submitter = self.report_submitter
        if submitter is not None and (submitter.unit_id != self.pk or not submitter.has_role(Role.FOCAL_POINT)):
            raise ValidationError({"report_submitter": _("Hãy chọn một Đầu mối ISO của chính đơn vị này.")})


class UserQuerySet(models.QuerySet):
    def with_role(self, *roles: Role, organisation: Organisation | int | None, unit: Unit | int | None = None) -> UserQuerySet:
        """Active users of `organisation` holding any of `roles` (of `unit` when given): who receives a
        message, who may act. The organisation is required: a role is held within one agency only."""
        if organisation is None:
            return self.none()
        qs = self.filter(is_active=True, organisation=organisation, groups__name__in=[role.value for role in roles])
        if unit is not None:
            qs = qs.filter(unit=unit)
        return qs.distinct()


class QmsUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    # Null only for a provincial admin (a superuser who creates agencies) — never for a person of an agency.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("cơ quan"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    job_title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    # The language the person reads their inbox, e-mails and audit trails in: set by the language switch.
    language = models.CharField(_("ngôn ngữ"), max_length=10, choices=settings.LANGUAGES, default="vi")

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

    @cached_property
    def role_permissions(self) -> frozenset[str]:
        """The "app_label.codename" permissions the user's role groups grant. Unlike has_perm, being a
        superuser adds nothing: the app's own pages and services follow the roles (Django admin does not)."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        rows = Permission.objects.filter(group__user=self).values_list("content_type__app_label", "codename")
        return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)

    def has_role_perm(self, perm: str) -> bool:
        return perm in self.role_permissions


class CalendarException(models.Model):
    """A day that the official calendar changes: an extra day off, or a Saturday/Sunday worked to make
    up for a swapped day. Public holidays themselves come from the `holidays` package."""

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Ngày nghỉ (hoán đổi / bổ sung)")
        WORKING_DAY = "work", _("Ngày làm việc bù")

    # Null: a day of the whole province (the Chairman's decision on swapped days); else one agency's.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("cơ quan"), null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_exceptions"
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    note = models.CharField(_("căn cứ / ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="uniq_calendar_day_per_organisation"),
            models.UniqueConstraint(fields=["date"], condition=models.Q(organisation__isnull=True), name="uniq_calendar_day_province"),
        ]
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("ngày nghỉ / làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"


class AuditEntry(models.Model):
    """One state change of any record: who, when, from, to, and a note."""

    # Whose record it is, so that an agency's admin reads only its own trail.
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(_("thao tác"), max_length=100)
    from_state = models.CharField(_("từ"), max_length=40, blank=True)
    to_state = models.CharField(_("đến"), max_length=40, blank=True)
    note = models.TextField(_("ghi chú"), max_length=limits.LONG_TEXT, blank=True)
    # {"action": Message JSON, "note": Message JSON}: rendered in the reader's language. `action`/`note`
    # above keep the Vietnamese text (admin, search); a row without it shows that text.
    message = models.JSONField(_("thông điệp"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"

    def action_in(self, language: str | None = None) -> str:
        """The action in `language` (the active language when None). A row written before messages were
        stored holds a catalogue string (the trail always translated it) or plain text."""
        if self.message.get("action"):
            return render_stored(self.message["action"], self.action, language)
        if language is None:
            return gettext(self.action) if self.action else ""
        with translation.override(language):
            return gettext(self.action) if self.action else ""

    def note_in(self, language: str | None = None) -> str:
        return render_stored(self.message.get("note"), self.note, language)


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An item in a user's in-app inbox."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), max_length=limits.LONG_TEXT, blank=True)
    url = models.CharField(_("liên kết"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # {"subject": Message JSON, "body": Message JSON}: rendered in the reader's language when read or
    # e-mailed. `subject`/`body` above keep the Vietnamese text (admin); a row without it shows that text.
    message = models.JSONField(_("thông điệp"), default=dict, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.subject

    def subject_in(self, language: str | None = None) -> str:
        """The subject in `language` (the active language when None)."""
        return render_stored(self.message.get("subject"), self.subject, language)

    def body_in(self, language: str | None = None) -> str:
        return render_stored(self.message.get("body"), self.body, language)


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
    """The last number an agency issued in a series (e.g. notices) for a year; rows are locked while
    incremented. Each agency numbers its own documents from 01 every year (Decree 30/2020)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=50)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "series", "year"], name="uniq_counter_organisation_series_year")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.series}/{self.year}: {self.last_number}"


class OutboxMessage(models.Model):
    """An e-mail to send, written in the same transaction as what it tells (a reminder's claim, an inbox
    row), so a message is never lost; the outbox worker (qms.outbox) sends each row once and marks it
    sent, retrying a failed send with exponential backoff. `key` is unique: a message is queued once."""

    key = models.CharField(_("khóa"), max_length=255, unique=True)
    recipient = models.EmailField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), max_length=limits.COMPILED_TEXT, blank=True)
    html = models.TextField(_("nội dung HTML"), max_length=limits.COMPILED_TEXT, blank=True)
    # [{"filename", "mimetype", "content"} (text stored as is) or {"filename", "mimetype", "builder", "params"}
    # (rebuilt at send time by a function an app registered with qms.outbox.register_attachment_builder)].
    attachments = models.JSONField(_("tệp đính kèm"), default=list, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), default=timezone.now)
    # While a worker sends the row (the claim on databases without row locks that skip locked rows).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="qms_outbox_due")]
        verbose_name = _("thư đi")
        verbose_name_plural = _("thư đi")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


def new_feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's calendar subscription (qms.feeds): calendar apps cannot sign in, so the feed's URL carries
    this secret instead. 256 random bits, unguessable; kept as is so the person can see the URL again, and
    replaced by a new one when they reset it (the old URL then answers 404)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lịch đăng ký")
        verbose_name_plural = _("lịch đăng ký")

    def __str__(self) -> str:
        return str(self.user)


class SignerKind(models.TextChoices):
    PKCS12 = "pkcs12", _("Tệp chữ ký số .p12 (PKCS#12)")
    PKCS11 = "pkcs11", _("Thiết bị ký số: token, HSM (PKCS#11)")
    REMOTE = "remote", _("Ký số từ xa")


SIGNER_CONFIG_MAX_CHARS = 2_000


class SignerProfile(models.Model):
    """How a person (or, with no user, the agency itself, for the văn thư's issuing signature) signs: the
    backend kind and its configuration (qms.signing.backends). The passphrase or PIN is never stored: the
    signer types it at signing time. Managed in Django admin."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="signer_profiles", verbose_name=_("cơ quan"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signer_profile",
        verbose_name=_("người ký"),
        help_text=_("Để trống: chứng thư số của cơ quan (văn thư dùng khi ban hành)."),
    )
    kind = models.CharField(_("cách ký"), max_length=10, choices=SignerKind.choices, default=SignerKind.PKCS12)
    config = models.JSONField(
        _("cấu hình"),
        default=dict,
        blank=True,
        help_text=_('pkcs12: {"path": "/đường/dẫn/tệp.p12"}; pkcs11: thư viện, nhãn token, nhãn khóa; remote: địa chỉ dịch vụ.'),
    )
    signature_image = models.FileField(
        _("hình chữ ký (PNG)"),
        upload_to="signing/signatures/",
        blank=True,
        validators=[validate_png],
        help_text=_("PNG màu xanh, nền trong suốt."),
    )

    class Meta:
        verbose_name = _("chữ ký số")
        verbose_name_plural = _("chữ ký số")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], condition=models.Q(user__isnull=True), name="qms_one_agency_signer"),
        ]

    def __str__(self) -> str:
        who = self.user.display_name if self.user_id and self.user else gettext("Cơ quan")
        return f"{who} ({self.get_kind_display()})"

    def clean(self) -> None:
        super().clean()
        import json

        from .signing.backends import BACKENDS

        if not isinstance(self.config, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in self.config.items()):
            raise ValidationError({"config": gettext("Cấu hình phải là một đối tượng JSON, mỗi giá trị là một chuỗi.")})
        if len(json.dumps(self.config, ensure_ascii=False)) > SIGNER_CONFIG_MAX_CHARS:
            raise ValidationError({"config": gettext("Cấu hình quá dài.")})
        if self.kind == SignerKind.PKCS12 and self.kind in BACKENDS:
            from .signing.backends.pkcs12 import validate_config

            errors = validate_config(self.config)
            if errors:
                raise ValidationError({"config": errors})
        if self.user_id and self.user and self.user.organisation_id != self.organisation_id:
            raise ValidationError({"user": gettext("Người ký phải thuộc cơ quan này.")})


class TrustAnchor(models.Model):
    """A root certificate the verification trusts (the national root CAs the agency installs; the demo's
    root in the demo). Installation-wide: a signature is checked the same way for every agency."""

    name = models.CharField(_("tên"), max_length=200)
    certificate = models.TextField(_("chứng thư số gốc (PEM)"), max_length=limits.TEXT * 4)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chứng thư số gốc tin cậy")
        verbose_name_plural = _("chứng thư số gốc tin cậy")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        from cryptography import x509

        try:
            x509.load_pem_x509_certificate(self.certificate.encode())
        except ValueError:
            raise ValidationError({"certificate": gettext("Không đọc được chứng thư số (cần định dạng PEM).")}) from None
