"""Management review (QT.HT.06; QT.CTCL 5.8): the plan and its notice (BM.HT.06.01), the units'
reports (BM.HT.06.02), the consolidated report (BM.HT.06.03), the minutes (BM.HT.06.04 or
BM.CTCL.02) with their online signature and distribution, and the follow-up of decided actions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms import limits
from qms.models import MinutesForm, Organisation, Unit, User
from qms.roles import Role
from qms.tenancy import is_overseer
from qms.transitions import Transition, Transitions
from qms.workdays import add_years

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The seven sections of BM.HT.06.03, mirrored by each unit's BM.HT.06.02.
REPORT_SECTIONS: list[tuple[str, StrOrPromise]] = [
    ("s1_general", _("1. Tình hình chung của Hệ thống quản lý chất lượng (HTQLCL)")),
    ("s2_policy_objectives", _("2. Tình hình thực hiện chính sách và mục tiêu chất lượng")),
    ("s3_audit_actions", _("3. Kết quả đánh giá nội bộ gần nhất và hành động khắc phục phòng ngừa sự không phù hợp")),
    ("s4_feedback", _("4. Phản hồi của các bên liên quan")),
    ("s5_objectives_implementation", _("5. Tình hình triển khai thực hiện mục tiêu chất lượng")),
    ("s6_resources", _("6. Nguồn lực cần thiết cho việc duy trì và cải tiến HTQLCL")),
    ("s7_changes", _("7. Các thay đổi có ảnh hưởng tới HTQLCL")),
]
SECTION_FIELDS = [name for name, _label in REPORT_SECTIONS]

# Review contents of QT.HT.06 §V.3: the default agenda of a new plan.
DEFAULT_AGENDA = "\n".join(
    [
        "- Các báo cáo kết quả đánh giá nội bộ HTQLCL và kết quả đánh giá của bên ngoài;",
        "- Tình hình hoạt động của cơ quan, các ý kiến phản hồi của công dân, tổ chức và việc xử lý các ý kiến đó;",
        "- Sự phù hợp và tình hình thực hiện chính sách chất lượng;",
        "- Sự phù hợp và tình hình thực hiện mục tiêu chất lượng;",
        "- Tính phù hợp và nhu cầu cải tiến hệ thống văn bản của HTQLCL;",
        "- Các báo cáo sự không phù hợp, hành động khắc phục và phòng ngừa;",
        "- Các khuyến nghị cải tiến chất lượng để phù hợp với các công nghệ mới, phương pháp quản lý chất lượng mới, các thay đổi trong hệ thống văn bản quy phạm pháp luật;",
        "- Yêu cầu về nguồn lực để thực hiện và cải tiến HTQLCL;",
        "- Kết quả thực hiện kết luận của cuộc họp xem xét trước đó (nếu có);",
        "- Kết quả thực hiện của nhà cung cấp sản phẩm, dịch vụ bên ngoài;",
        "- Những thay đổi trong các vấn đề nội bộ và bên ngoài liên quan đến hệ thống quản lý chất lượng (nếu có);",
        "- Hiệu lực của hành động thực hiện để giải quyết rủi ro và cơ hội;",
        "- Các nội dung khác nếu cần thiết.",
    ]
)

# The seven discussion topics of BM.CTCL.02 §4.2 (ISO 9001 clause 9.3.2), used by both minutes forms.
# Lazy: the web pages show them in the user's language, the PDFs render them under translation.override("vi").
MINUTES_TOPICS: list = [
    _("Tình trạng của các hành động từ các cuộc họp xem xét trước đó."),
    _("Bối cảnh hoạt động, những thay đổi vấn đề nội bộ và bên ngoài ảnh hưởng tới HTQLCL."),
    _(
        "Kết quả thực hiện và hiệu lực của hệ thống: thỏa mãn của người dân, phản hồi bên quan tâm; mức độ thực hiện các MTCL; sự không phù hợp và HĐKP; kết quả thực hiện quá trình và sự phù hợp của sản phẩm và dịch vụ; kết quả theo dõi đo lường; kết quả đánh giá, kết quả thực hiện của các nhà cung cấp."
    ),
    _("Sự đầy đủ của nguồn lực."),
    _("Hiệu lực của hành động giải quyết rủi ro, cơ hội."),
    _("Các cơ hội cải tiến."),
    _("Các nội dung khác."),
]


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo kế hoạch")
    PENDING_APPROVAL = "pending", _("Chờ phê duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã phê duyệt")
    COLLECTING = "collecting", _("Đã thông báo – đang thu báo cáo")
    PREPARING = "preparing", _("Đã đóng thu báo cáo – chuẩn bị họp")
    SIGNED = "signed", _("Biên bản đã ký – theo dõi thực hiện")
    CLOSED = "closed", _("Hoàn thành")


class ReviewActor(models.TextChoices):
    """Who acts on a review besides a role: resolved against the record by reviews.rules.is_actor."""

    # The chair of the organisation's procedure (qms.people.may_chair_reviews: the committee head under
    # QT.HT.06, the top leader under QT.CTCL) or the deputy the plan names.
    CHAIR = "chair", _("Người chủ trì họp xem xét")
    # The person recorded as chair of the minutes, who must also be a chair as above.
    MINUTES_CHAIR = "minutes_chair", _("Người chủ trì ghi trong biên bản")


# The allowed moves of a review, who makes each and with which permission.
REVIEW_TRANSITIONS = Transitions(
    [
        Transition(ReviewStatus.DRAFT, ReviewStatus.PENDING_APPROVAL, "submit", Role.SECRETARY, "reviews.plan_review"),
        Transition(ReviewStatus.RETURNED, ReviewStatus.PENDING_APPROVAL, "resubmit", Role.SECRETARY, "reviews.plan_review"),
        Transition(ReviewStatus.PENDING_APPROVAL, ReviewStatus.APPROVED, "approve", ReviewActor.CHAIR),
        Transition(ReviewStatus.PENDING_APPROVAL, ReviewStatus.RETURNED, "return", ReviewActor.CHAIR),
        # The notice BM.HT.06.01 opens the collection of the units' reports.
        Transition(ReviewStatus.APPROVED, ReviewStatus.COLLECTING, "issue_notice", Role.SECRETARY, "reviews.manage_review"),
        # An approved plan changed before its notice goes back to draft and is approved again.
        Transition(ReviewStatus.APPROVED, ReviewStatus.DRAFT, "reopen", Role.SECRETARY, "reviews.plan_review"),
        Transition(ReviewStatus.COLLECTING, ReviewStatus.PREPARING, "close_collection", Role.SECRETARY, "reviews.manage_review"),
        Transition(ReviewStatus.PREPARING, ReviewStatus.SIGNED, "sign_minutes", ReviewActor.MINUTES_CHAIR),
        # Once every action in force is done or cancelled.
        Transition(ReviewStatus.SIGNED, ReviewStatus.CLOSED, "close", Role.SECRETARY, "reviews.manage_review"),
    ]
)
EDITABLE_PLAN_STATES = {ReviewStatus.DRAFT, ReviewStatus.RETURNED}
NOTICE_ISSUED_STATES = {ReviewStatus.COLLECTING, ReviewStatus.PREPARING, ReviewStatus.SIGNED, ReviewStatus.CLOSED}
# BM.HT.06.03 is drafted while reports come in (a preview) and finalised once collection is closed.
CONSOLIDATE_STATES = {ReviewStatus.COLLECTING, ReviewStatus.PREPARING}
# The minutes are drafted before the meeting is signed off and corrected by revision after.
MINUTES_STATES = {ReviewStatus.PREPARING, ReviewStatus.SIGNED}
OVERSIGHT_ROLES = (Role.SECRETARY, Role.TOP_LEADER, Role.COMMITTEE_HEAD, Role.COMMITTEE_MEMBER)
# What the provincial overseer reads of every agency: reviews whose minutes are signed, nothing in the making.
FINISHED_STATES = (ReviewStatus.SIGNED, ReviewStatus.CLOSED)


class ReviewQuerySet(models.QuerySet):
    def of(self, organisation: Organisation | int | None) -> ReviewQuerySet:
        return self.filter(organisation=organisation) if organisation is not None else self.none()

    def visible_to(self, user: User) -> ReviewQuerySet:
        """The user's agency's reviews their role may read; the provincial overseer reads every agency's
        finished reviews; nobody else reads another agency's."""
        if not user.is_authenticated:
            return self.none()
        if is_overseer(user):
            return self.filter(status__in=FINISHED_STATES)
        own = self.of(user.organisation_id)
        if user.has_role(Role.SECRETARY):
            return own
        if user.has_role(Role.COMMITTEE_HEAD, Role.TOP_LEADER):
            return own.exclude(status=ReviewStatus.DRAFT)
        issued = Q(status__in=NOTICE_ISSUED_STATES)
        if user.has_role(Role.COMMITTEE_MEMBER):
            return own.filter(issued)
        scope = Q(attendees=user)
        if user.unit_id:
            scope |= Q(units=user.unit_id)
        return own.filter(issued & scope).distinct()


class CombinedMeeting(models.TextChoices):
    """QT.CTCL 5.8: the review may be held "kết hợp với các cuộc họp giao ban, sơ kết, tổng kết"; its minutes are
    then the agency's combined minutes, which must still hold every part of BM.CTCL.02 (5.8.1.2)."""

    BRIEFING = "giao_ban", _("Họp giao ban")
    MID_TERM = "so_ket", _("Hội nghị sơ kết")
    YEAR_END = "tong_ket", _("Hội nghị tổng kết")


class Review(models.Model):
    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Định kỳ")
        EXTRAORDINARY = "extraordinary", _("Đột xuất")
        # QT.CTCL 5.8.2: the review held through the secretary's report and the leaders' result notice,
        # without a meeting (reviews.services.by_report; its path is BY_REPORT_TRANSITIONS).
        BY_REPORT = "by_report", _("Thông qua báo cáo và thông báo kết quả")

    # The agency whose review it is: its units report, its people attend, its settings and numbers apply.
    organisation = models.ForeignKey(Organisation, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại cuộc họp"), max_length=20, choices=Kind.choices, default=Kind.PERIODIC)
    year = models.PositiveSmallIntegerField(_("năm"))
    sequence = models.PositiveSmallIntegerField(_("lần trong năm"), default=1)
    title = models.CharField(_("tên cuộc họp"), max_length=255)
    status = models.CharField(_("trạng thái"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    meeting_start = models.DateTimeField(_("thời gian bắt đầu họp"))
    meeting_end = models.DateTimeField(_("thời gian dự kiến kết thúc"), null=True, blank=True)
    location = models.CharField(_("địa điểm"), max_length=255)
    agenda = models.TextField(_("nội dung họp"), max_length=limits.TEXT, default=DEFAULT_AGENDA)
    report_deadline = models.DateField(_("hạn nộp báo cáo đơn vị"))
    report_recipient = models.CharField(_("nộp báo cáo về"), max_length=255, default="Thư ký ISO")
    units = models.ManyToManyField(Unit, verbose_name=_("đơn vị báo cáo"), related_name="reviews")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("thành phần tham dự"), related_name="invited_reviews", blank=True
    )
    related_parties = models.TextField(_("các bộ phận có liên quan"), max_length=limits.NOTE, blank=True)
    # The person who chairs in the chair's stead when the plan says so (e.g. a deputy head of the committee).
    deputy_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được ủy quyền chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    head_comment = models.TextField(_("ý kiến của Trưởng ban"), max_length=limits.NOTE, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    notice_number = models.PositiveIntegerField(_("số thông báo"), null=True, blank=True)
    notice_year = models.PositiveSmallIntegerField(null=True, blank=True)
    notice_issued_at = models.DateTimeField(_("ngày thông báo"), null=True, blank=True)
    notice_issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    collection_closed_at = models.DateTimeField(_("đóng thu báo cáo lúc"), null=True, blank=True)
    # Why the secretary closed the collection before the deadline while units had not submitted.
    collection_close_reason = models.CharField(_("lý do đóng thu báo cáo trước hạn"), max_length=500, blank=True)
    # Empty: a review meeting of its own; else the kind and name of the meeting it is combined with.
    combined_with = models.CharField(_("kết hợp với cuộc họp"), max_length=12, choices=CombinedMeeting.choices, blank=True)
    combined_meeting_name = models.CharField(_("tên cuộc họp kết hợp"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_start", "-pk"]
        verbose_name = _("cuộc họp xem xét")
        verbose_name_plural = _("cuộc họp xem xét")
        constraints = [
            # Each agency numbers its own notices from 01 every year.
            models.UniqueConstraint(
                fields=["organisation", "notice_year", "notice_number"],
                condition=Q(notice_number__isnull=False),
                name="uniq_review_notice_number_per_organisation_year",
            ),
            # "Lần trong năm": one review numbered N of a kind in a year, per agency.
            models.UniqueConstraint(fields=["organisation", "year", "kind", "sequence"], name="uniq_review_sequence_per_year_kind"),
        ]
        permissions = [
            ("plan_review", _("Lập và trình kế hoạch họp xem xét")),
            ("approve_review", _("Phê duyệt kế hoạch họp xem xét")),
            ("manage_review", _("Phát hành thông báo, thu và tổng hợp báo cáo, lập biên bản")),
            ("sign_minutes", _("Ký biên bản họp xem xét")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def meeting_date(self) -> dt.date:
        return timezone.localtime(self.meeting_start).date()

    @property
    def is_plan_editable(self) -> bool:
        return self.status in EDITABLE_PLAN_STATES

    @property
    def notice_issued(self) -> bool:
        return self.status in NOTICE_ISSUED_STATES

    @property
    def is_returned(self) -> bool:
        return self.status == ReviewStatus.RETURNED

    @property
    def is_collecting(self) -> bool:
        return self.status == ReviewStatus.COLLECTING

    @property
    def is_combined(self) -> bool:
        return bool(self.combined_with)

    @property
    def combined_title(self) -> str:
        """ "Họp giao ban tháng 6/2026" as the minutes name the other meeting; empty for a meeting of its own."""
        if not self.combined_with:
            return ""
        return self.combined_meeting_name.strip() or str(self.get_combined_with_display())

    def status_label(self) -> StrOrPromise:
        """The state as its path names it: a review by report (QT.CTCL 5.8.2) has no plan, notice or minutes."""
        if self.kind == Review.Kind.BY_REPORT:
            return BY_REPORT_STATE_LABELS.get(self.status, self.get_status_display())
        return self.get_status_display()

    def next_step(self) -> tuple[StrOrPromise, StrOrPromise]:
        """Who must act next, and what they must do: shown at the top of the review page."""
        return NEXT_STEPS.get(self.status, ("", ""))


# status -> (who acts, what they do)
NEXT_STEPS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    ReviewStatus.DRAFT: (Role.SECRETARY.label, _("Hoàn thiện kế hoạch và trình Trưởng ban chỉ đạo ISO phê duyệt.")),
    ReviewStatus.PENDING_APPROVAL: (Role.COMMITTEE_HEAD.label, _("Phê duyệt hoặc trả lại kế hoạch (ghi rõ ý kiến).")),
    ReviewStatus.RETURNED: (Role.SECRETARY.label, _("Sửa kế hoạch theo ý kiến của Trưởng ban và trình lại.")),
    ReviewStatus.APPROVED: (Role.SECRETARY.label, _("Phát hành thông báo họp (BM.HT.06.01) trước ít nhất 03 ngày làm việc.")),
    ReviewStatus.COLLECTING: (
        _("Lãnh đạo các đơn vị; Thư ký ISO"),
        _("Các đơn vị nộp báo cáo BM.HT.06.02 đúng hạn; Thư ký ISO theo dõi và đóng thu báo cáo."),
    ),
    ReviewStatus.PREPARING: (
        _("Thư ký ISO; Trưởng ban chỉ đạo ISO"),
        _("Tổng hợp báo cáo (BM.HT.06.03), tiến hành họp, lập biên bản và trình Trưởng ban ký."),
    ),
    ReviewStatus.SIGNED: (
        _("Lãnh đạo các đơn vị; Thư ký ISO"),
        _("Triển khai các kết luận của cuộc họp; Thư ký ISO theo dõi và báo cáo Trưởng ban."),
    ),
    ReviewStatus.CLOSED: ("", _("Cuộc họp đã hoàn thành.")),
}


class UnitReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa bắt đầu")
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Trả lại để sửa")


# Submitting is the unit head's; only the secretary returns a report.
UNIT_REPORT_TRANSITIONS = Transitions(
    [
        # Drafting is the unit's people's (reviews.rules.can_edit_report), submitting its head's or the
        # focal point the head named (can_submit_report): the services pass those as `may_act`.
        Transition(UnitReportStatus.NOT_STARTED, UnitReportStatus.DRAFT, "start", Role.UNIT_HEAD, "reviews.change_unitreport"),
        Transition(UnitReportStatus.NOT_STARTED, UnitReportStatus.SUBMITTED, "submit", Role.UNIT_HEAD, "reviews.submit_unit_report"),
        Transition(UnitReportStatus.DRAFT, UnitReportStatus.SUBMITTED, "submit", Role.UNIT_HEAD, "reviews.submit_unit_report"),
        Transition(UnitReportStatus.RETURNED, UnitReportStatus.SUBMITTED, "submit", Role.UNIT_HEAD, "reviews.submit_unit_report"),
        Transition(UnitReportStatus.SUBMITTED, UnitReportStatus.RETURNED, "return", Role.SECRETARY, "reviews.manage_review"),
    ]
)
REPORT_EDITABLE_STATES = {UnitReportStatus.NOT_STARTED, UnitReportStatus.DRAFT, UnitReportStatus.RETURNED}


class UnitReportQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> UnitReportQuerySet:
        """Oversight roles read submitted reports; a unit's own people read (and its head edits) drafts."""
        if not user.is_authenticated:
            return self.none()
        if is_overseer(user):  # submitted reports of finished reviews, never a draft
            return self.filter(status=UnitReportStatus.SUBMITTED, review__status__in=FINISHED_STATES)
        if user.organisation_id is None:
            return self.none()
        agency = self.filter(review__organisation=user.organisation_id)
        own = Q(unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
        if user.has_role(*OVERSIGHT_ROLES):
            return agency.filter(own | Q(status=UnitReportStatus.SUBMITTED) | Q(submitted_at__isnull=False))
        return agency.filter(own, review__status__in=NOTICE_ISSUED_STATES)


class UnitReport(models.Model):
    """BM.HT.06.02 — Báo cáo thực hiện HTQLCL of one unit for one review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="unit_reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="review_reports")
    status = models.CharField(_("trạng thái"), max_length=20, choices=UnitReportStatus.choices, default=UnitReportStatus.NOT_STARTED)
    s1_general = models.TextField(REPORT_SECTIONS[0][1], blank=True, max_length=limits.LONG_TEXT)
    s2_policy_objectives = models.TextField(REPORT_SECTIONS[1][1], blank=True, max_length=limits.LONG_TEXT)
    s3_audit_actions = models.TextField(REPORT_SECTIONS[2][1], blank=True, max_length=limits.LONG_TEXT)
    s4_feedback = models.TextField(REPORT_SECTIONS[3][1], blank=True, max_length=limits.LONG_TEXT)
    s5_objectives_implementation = models.TextField(REPORT_SECTIONS[4][1], blank=True, max_length=limits.LONG_TEXT)
    s6_resources = models.TextField(REPORT_SECTIONS[5][1], blank=True, max_length=limits.LONG_TEXT)
    s7_changes = models.TextField(REPORT_SECTIONS[6][1], blank=True, max_length=limits.LONG_TEXT)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    # The unit's first submission: set once, kept when the report is returned and submitted again. Lateness
    # is judged on it, so a return for revision never makes a unit that reported in time late.
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Whether the first submission came after the deadline (set with first_submitted_at, never changed after).
    is_late = models.BooleanField(_("nộp muộn"), default=False)
    return_comment = models.TextField(_("ý kiến trả lại"), max_length=limits.NOTE, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = UnitReportQuerySet.as_manager()

    class Meta:
        ordering = ["review", "unit__order", "unit__name"]
        verbose_name = _("báo cáo đơn vị (BM.HT.06.02)")
        verbose_name_plural = _("báo cáo đơn vị (BM.HT.06.02)")
        constraints = [models.UniqueConstraint(fields=["review", "unit"], name="uniq_unit_report_per_review")]
        permissions = [("submit_unit_report", _("Soạn và nộp báo cáo của đơn vị mình"))]

    def __str__(self) -> str:
        return f"{self.unit} — {self.review}"

    def sections(self) -> list[tuple[str, StrOrPromise, str]]:
        return [(name, label, getattr(self, name)) for name, label in REPORT_SECTIONS]

    @property
    def is_not_started(self) -> bool:
        return self.status == UnitReportStatus.NOT_STARTED

    @property
    def is_being_written(self) -> bool:
        return self.status in (UnitReportStatus.DRAFT, UnitReportStatus.RETURNED)

    @property
    def is_returned(self) -> bool:
        return self.status == UnitReportStatus.RETURNED

    @property
    def is_submitted(self) -> bool:
        return self.status == UnitReportStatus.SUBMITTED

    @property
    def is_editable(self) -> bool:
        """Its unit may still save or submit it: not submitted (or returned) while reports are collected."""
        return self.status in REPORT_EDITABLE_STATES and self.review.status == ReviewStatus.COLLECTING


def attachment_path(instance: ReportAttachment, filename: str) -> str:
    """Under the agency's code first, so that each agency's files live apart on the shared storage."""
    review = instance.report.review
    return f"{review.organisation.code}/reviews/{review.pk}/units/{instance.report.unit_id}/{filename}"


def signed_minutes_path(instance: Minutes, filename: str) -> str:
    """Under the agency's folder, beside the review's other records."""
    return f"{instance.organisation.code}/reviews/{instance.review_id}/minutes/{filename}"


def evidence_path(instance: ActionUpdate, filename: str) -> str:
    review = instance.action.review
    return f"{review.organisation.code}/reviews/actions/{timezone.localdate().year}/{filename}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(UnitReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name


class RetainedRecordError(Exception):
    """Raised when a record under its retention period is deleted."""


class RetainedRecord(models.Model):
    """BM.HT.06.03 and .04 are kept for the organisation's retention period (QT.HT.06 §VII)."""

    # The fields the retention period counts from, first set one wins.
    retention_fields: tuple[str, ...] = ("created_at",)

    class Meta:
        abstract = True

    def retention_start(self) -> dt.datetime:
        return next(getattr(self, f) for f in self.retention_fields if getattr(self, f) is not None)

    def retention_organisation(self) -> Organisation:
        """The agency whose retention period applies: the review's."""
        return self.review.organisation  # type: ignore[attr-defined]  # both concrete records have a review

    def retention_years(self) -> int:
        return self.retention_organisation().review_record_retention_years

    def retained_until(self) -> dt.date:
        years = self.retention_years()
        start = timezone.localtime(self.retention_start()).date()
        return add_years(start, years)

    def is_retained(self) -> bool:
        return timezone.localdate() < self.retained_until()

    def delete(self, *args, **kwargs):
        if self.is_retained():
            raise RetainedRecordError(self.retained_until())
        return super().delete(*args, **kwargs)


class ConsolidatedReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang biên tập")
    FINAL = "final", _("Đã hoàn thiện")


class ConsolidatedReport(RetainedRecord):
    """BM.HT.06.03 — the secretary's consolidation of the units' reports."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="consolidated_report")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ConsolidatedReportStatus.choices, default=ConsolidatedReportStatus.DRAFT
    )
    s1_general = models.TextField(REPORT_SECTIONS[0][1], max_length=limits.COMPILED_TEXT, blank=True)
    s2_policy_objectives = models.TextField(REPORT_SECTIONS[1][1], max_length=limits.COMPILED_TEXT, blank=True)
    s3_audit_actions = models.TextField(REPORT_SECTIONS[2][1], max_length=limits.COMPILED_TEXT, blank=True)
    s4_feedback = models.TextField(REPORT_SECTIONS[3][1], max_length=limits.COMPILED_TEXT, blank=True)
    s5_objectives_implementation = models.TextField(REPORT_SECTIONS[4][1], max_length=limits.COMPILED_TEXT, blank=True)
    s6_resources = models.TextField(REPORT_SECTIONS[5][1], max_length=limits.COMPILED_TEXT, blank=True)
    s7_changes = models.TextField(REPORT_SECTIONS[6][1], max_length=limits.COMPILED_TEXT, blank=True)
    # BM.HT.06.03 §3 as the seed draws it: "Kết quả" (s3_audit_actions), "Hồ sơ", "Một số khuyến nghị cải tiến".
    s3_records = models.TextField(_("Hồ sơ"), max_length=limits.COMPILED_TEXT, blank=True)
    s3_recommendations = models.TextField(
        _("Một số khuyến nghị cải tiến chung đối với HTQLCL"), max_length=limits.COMPILED_TEXT, blank=True
    )
    # The objectives roll-up chart (objectives.charts, server-drawn SVG) frozen when the report is
    # generated, so the page and the PDF show the picture the committee reviewed.
    objectives_chart_svg = models.TextField(_("biểu đồ thực hiện MTCL (SVG)"), max_length=limits.COMPILED_TEXT, blank=True)
    # What the report was last built from: {unit report id: its version} of the reports submitted then, so a
    # page can tell that units have submitted, resubmitted or been returned since (reviews.selectors).
    sources = models.JSONField(_("các báo cáo đơn vị đã tổng hợp"), default=dict, blank=True)
    # {section: the text the build wrote}: a section whose text differs was edited by the secretary; a
    # section whose new build differs has changed inputs. Empty for a report built before it was recorded.
    generated = models.JSONField(_("nội dung đã tổng hợp tự động"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("báo cáo tổng hợp (BM.HT.06.03)")
        verbose_name_plural = _("báo cáo tổng hợp (BM.HT.06.03)")

    def __str__(self) -> str:
        return f"BM.HT.06.03 — {self.review}"

    retention_fields = ("finalised_at", "created_at")

    @property
    def is_final(self) -> bool:
        return self.status == ConsolidatedReportStatus.FINAL

    def sections(self) -> list[tuple[str, StrOrPromise, str]]:
        return [(name, label, getattr(self, name)) for name, label in REPORT_SECTIONS]


# BM.HT.06.03 §3 besides its "Kết quả" (s3_audit_actions): edited with the sections, printed under §3.
CONSOLIDATED_S3_PARTS = ["s3_records", "s3_recommendations"]


# The secretary finalises BM.HT.06.03 before the meeting.
CONSOLIDATED_TRANSITIONS = Transitions(
    [
        Transition(ConsolidatedReportStatus.DRAFT, ConsolidatedReportStatus.FINAL, "finalise", Role.SECRETARY, "reviews.manage_review"),
    ]
)


# What the secretary writes in the minutes (besides times, chair and secretary): saved, copied into a
# revision and signed as they are.
# BM.HT.06.04 §1.1: what the ISO secretary presents, heading by heading (text fields; two figures below).
BRIEFING_TEXT_FIELDS = [
    "brief_application",
    "brief_policy_objectives",
    "brief_audit",
    "brief_improvement",
    "brief_change_legal",
    "brief_change_organisation",
    "brief_change_leadership",
    "brief_change_other",
    "brief_resources",
]
# "đạt khoảng …% kế hoạch năm", "… điểm không phù hợp".
BRIEFING_NUMBER_FIELDS = ["brief_plan_percent", "brief_nonconformities"]
# BM.CTCL.02 topic 2: "a) Vấn đề bên ngoài … b) Vấn đề bên trong".
TOPIC_2_PARTS = ["topic_2_external", "topic_2_internal"]
MINUTES_CONTENT_FIELDS = [
    "location",
    *BRIEFING_TEXT_FIELDS,
    *TOPIC_2_PARTS,
    "reports_summary",
    "unit_reports_summary",
    *[f"topic_{i}" for i in range(1, 8)],
    *[f"conclusion_{i}" for i in range(1, 8)],
    "conclusions",
    "recommendations",
    "time_change_reason",
    *[f"outputs_{key}" for key in ("improvement", "changes", "resources", "other")],
]


class OutputHeading(models.TextChoices):
    """The outputs of the review, QT.CTCL 5.8.1.2: decisions and actions on improvement opportunities, any
    need for change of the QMS and resource needs; plus "other"."""

    IMPROVEMENT = "improvement", _("Các cơ hội cải tiến")
    CHANGES = "changes", _("Nhu cầu thay đổi HTQLCL")
    RESOURCES = "resources", _("Nhu cầu về nguồn lực")
    OTHER = "other", _("Khác")


# The headings the minutes must address (a decision, an action, or a "không có" statement).
REQUIRED_OUTPUT_HEADINGS = (OutputHeading.IMPROVEMENT, OutputHeading.CHANGES, OutputHeading.RESOURCES)


class ReviewOutputs:
    """The outputs of 5.8.1.2 as the minutes and the review-by-report result notice both hold them: an
    `outputs_<heading>` text per heading and the decided actions (`actions`) classified under them."""

    actions: Any  # the reverse of ReviewAction.minutes / ReviewAction.result_notice

    def outputs(self) -> list[tuple[str, StrOrPromise, str, list[ReviewAction]]]:
        """(key, heading, the decisions written under it, the actions classified under it), in the order of
        QT.CTCL 5.8.1.2; "other" only when it holds something."""
        actions = list(self.actions.select_related("responsible_unit").order_by("deadline", "pk"))
        rows: list[tuple[str, StrOrPromise, str, list[ReviewAction]]] = []
        for key, label in OutputHeading.choices:
            text = getattr(self, f"outputs_{key}")
            mine = [a for a in actions if a.output_heading == key]
            if key == OutputHeading.OTHER and not text.strip() and not mine:
                continue
            rows.append((key, label, text, mine))
        return rows

    def missing_outputs(self) -> list[StrOrPromise]:
        """The required headings with neither a decision, an action nor a "không có" statement."""
        classified = set(self.actions.values_list("output_heading", flat=True))
        return [
            heading.label
            for heading in REQUIRED_OUTPUT_HEADINGS
            if not getattr(self, f"outputs_{heading.value}").strip() and heading.value not in classified
        ]


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SIGNED = "signed", _("Đã ký")
    SUPERSEDED = "superseded", _("Đã được thay thế")


class MinutesQuerySet(models.QuerySet):
    def current(self) -> MinutesQuerySet:
        return self.exclude(status=MinutesStatus.SUPERSEDED)

    def visible_to(self, user: User) -> MinutesQuerySet:
        """Oversight roles of the agency read every revision; others read signed minutes of reviews they may
        see; the provincial overseer reads the signed minutes of every agency's finished reviews."""
        if not user.is_authenticated:
            return self.none()
        if is_overseer(user):
            return self.filter(review__status__in=FINISHED_STATES).exclude(status=MinutesStatus.DRAFT)
        if user.organisation_id is None:
            return self.none()
        if user.has_role(*OVERSIGHT_ROLES):
            return self.filter(review__organisation=user.organisation_id)
        reviews = Review.objects.visible_to(user).values("pk")
        return self.filter(review__in=reviews).exclude(status=MinutesStatus.DRAFT)


class Minutes(ReviewOutputs, RetainedRecord):
    """BM.HT.06.04 or BM.CTCL.02. Signed minutes are locked; a correction is a new revision."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="minutes")
    # The review's agency, copied so that a minutes number is unique within its agency (a constraint cannot
    # follow the review); always the review's, filled on save.
    organisation = models.ForeignKey(Organisation, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveSmallIntegerField(_("lần sửa đổi"), default=1)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by")
    correction_reason = models.TextField(_("lý do sửa đổi"), max_length=limits.NOTE, blank=True)
    form_code = models.CharField(_("mẫu biên bản"), max_length=20, choices=MinutesForm.choices)
    status = models.CharField(_("trạng thái"), max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    number = models.PositiveIntegerField(_("số biên bản"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chủ trì"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("thư ký cuộc họp"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reports_summary = models.TextField(_("các báo cáo trình bày tại cuộc họp"), max_length=limits.LONG_TEXT, blank=True)
    # BM.HT.06.04 §1.1, the six headings of the secretary's briefing and their sub-items.
    brief_application = models.TextField(
        _("Tình hình áp dụng Hệ thống quản lý chất lượng (HTQLCL)"), max_length=limits.LONG_TEXT, blank=True
    )
    brief_policy_objectives = models.TextField(
        _("Tình hình thực hiện chính sách và mục tiêu chất lượng"), max_length=limits.LONG_TEXT, blank=True
    )
    brief_plan_percent = models.PositiveSmallIntegerField(_("kết quả đạt khoảng (% kế hoạch năm)"), null=True, blank=True)
    brief_audit = models.TextField(
        _("Kết quả đánh giá chất lượng nội bộ gần nhất và tình hình thực hiện các hành động khắc phục và phòng ngừa"),
        max_length=limits.LONG_TEXT,
        blank=True,
    )
    brief_nonconformities = models.PositiveSmallIntegerField(_("số điểm không phù hợp phát hiện"), null=True, blank=True)
    brief_improvement = models.TextField(_("Các cơ hội cải tiến"), max_length=limits.LONG_TEXT, blank=True)
    brief_change_legal = models.TextField(_("Quy định tại văn bản quy phạm pháp luật"), max_length=limits.LONG_TEXT, blank=True)
    brief_change_organisation = models.TextField(_("Thay đổi chức năng nhiệm vụ, cơ cấu tổ chức"), max_length=limits.LONG_TEXT, blank=True)
    brief_change_leadership = models.TextField(_("Thay đổi lãnh đạo, nguồn nhân lực"), max_length=limits.LONG_TEXT, blank=True)
    brief_change_other = models.TextField(_("Thay đổi khác"), max_length=limits.LONG_TEXT, blank=True)
    brief_resources = models.TextField(
        _("Các nguồn lực cần thiết để phục vụ cho hoạt động của HTQLCL"), max_length=limits.LONG_TEXT, blank=True
    )
    topic_2_external = models.TextField(_("a) Vấn đề bên ngoài"), max_length=limits.LONG_TEXT, blank=True)
    topic_2_internal = models.TextField(_("b) Vấn đề bên trong"), max_length=limits.LONG_TEXT, blank=True)
    unit_reports_summary = models.TextField(_("báo cáo của các đơn vị"), max_length=limits.LONG_TEXT, blank=True)
    topic_1 = models.TextField(_("thảo luận 1"), max_length=limits.LONG_TEXT, blank=True)
    topic_2 = models.TextField(_("thảo luận 2"), max_length=limits.LONG_TEXT, blank=True)
    topic_3 = models.TextField(_("thảo luận 3"), max_length=limits.LONG_TEXT, blank=True)
    topic_4 = models.TextField(_("thảo luận 4"), max_length=limits.LONG_TEXT, blank=True)
    topic_5 = models.TextField(_("thảo luận 5"), max_length=limits.LONG_TEXT, blank=True)
    topic_6 = models.TextField(_("thảo luận 6"), max_length=limits.LONG_TEXT, blank=True)
    topic_7 = models.TextField(_("thảo luận 7"), max_length=limits.LONG_TEXT, blank=True)
    conclusion_1 = models.TextField(_("kết luận 1"), max_length=limits.LONG_TEXT, blank=True)
    conclusion_2 = models.TextField(_("kết luận 2"), max_length=limits.LONG_TEXT, blank=True)
    conclusion_3 = models.TextField(_("kết luận 3"), max_length=limits.LONG_TEXT, blank=True)
    conclusion_4 = models.TextField(_("kết luận 4"), max_length=limits.LONG_TEXT, blank=True)
    conclusion_5 = models.TextField(_("kết luận 5"), max_length=limits.LONG_TEXT, blank=True)
    conclusion_6 = models.TextField(_("kết luận 6"), max_length=limits.LONG_TEXT, blank=True)
    conclusion_7 = models.TextField(_("kết luận 7"), max_length=limits.LONG_TEXT, blank=True)
    conclusions = models.TextField(_("kết luận của chủ trì"), max_length=limits.LONG_TEXT, blank=True)
    recommendations = models.TextField(_("khuyến nghị đối với HTQLCL"), max_length=limits.LONG_TEXT, blank=True)
    # Why the meeting was held at another time than the notice gave (required then).
    time_change_reason = models.TextField(_("lý do thay đổi thời gian họp"), max_length=limits.LONG_TEXT, blank=True)
    # The outputs grouped as QT.CTCL 5.8.1.2 lists them: the decisions under each heading, or "Không có".
    outputs_improvement = models.TextField(OutputHeading.IMPROVEMENT.label, max_length=limits.LONG_TEXT, blank=True)
    outputs_changes = models.TextField(OutputHeading.CHANGES.label, max_length=limits.LONG_TEXT, blank=True)
    outputs_resources = models.TextField(OutputHeading.RESOURCES.label, max_length=limits.LONG_TEXT, blank=True)
    outputs_other = models.TextField(OutputHeading.OTHER.label, max_length=limits.LONG_TEXT, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    # An internal content digest (not a signature): the canonical JSON of the content at signing and its
    # SHA-256, so that a change in the database is noticed. The signature is the PAdES file below.
    signed_sha256 = models.CharField(_("mã băm nội dung lúc ký (SHA-256)"), max_length=64, blank=True)
    signed_content = models.TextField(_("nội dung lúc ký"), max_length=limits.SNAPSHOT, blank=True)
    # The record: the PDF the chair signed (PAdES, qms.signing), served byte for byte, never re-rendered.
    signed_file = models.FileField(_("tệp đã ký số"), upload_to=signed_minutes_path, max_length=255, blank=True)
    signed_file_sha256 = models.CharField(_("SHA-256 của tệp đã ký số"), max_length=64, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)

    objects = MinutesQuerySet.as_manager()

    class Meta:
        ordering = ["review", "-revision"]
        verbose_name = _("biên bản họp xem xét")
        verbose_name_plural = _("biên bản họp xem xét")
        constraints = [
            models.UniqueConstraint(fields=["review", "revision"], name="uniq_minutes_revision"),
            # A corrected revision keeps the number of the minutes it corrects; other minutes never share it.
            models.UniqueConstraint(
                fields=["organisation", "number_year", "number", "revision"],
                condition=Q(number__isnull=False),
                name="uniq_minutes_number_per_organisation_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_code} — {self.review} (v{self.revision})"

    def save(self, *args, **kwargs):
        if self.organisation_id is None and self.review_id is not None:
            self.organisation_id = self.review.organisation_id
        super().save(*args, **kwargs)

    retention_fields = ("signed_at", "created_at")

    @property
    def is_locked(self) -> bool:
        return self.status != MinutesStatus.DRAFT

    @property
    def is_draft(self) -> bool:
        return self.status == MinutesStatus.DRAFT

    @property
    def is_superseded(self) -> bool:
        return self.status == MinutesStatus.SUPERSEDED

    def topics(self) -> list[tuple[int, str, str, str]]:
        return [(i, MINUTES_TOPICS[i - 1], getattr(self, f"topic_{i}"), getattr(self, f"conclusion_{i}")) for i in range(1, 8)]

    @property
    def meeting_moved(self) -> bool:
        """The minutes record a start other than the one the notice gave (to the minute)."""
        notified = self.review.meeting_start
        if self.started_at is None or notified is None:
            return False
        return abs((self.started_at - notified).total_seconds()) >= 60

    def retention_years(self) -> int:
        """BM.CTCL.02 is kept as QT.CTCL §7 says (3 years by default), BM.HT.06.04 as QT.HT.06 §VII (2)."""
        org = self.retention_organisation()
        if self.form_code == MinutesForm.CTCL_02:
            return org.ctcl_minutes_retention_years
        return org.review_record_retention_years


# Signed minutes are never edited: a correction is a new revision whose signature supersedes the old one.
MINUTES_TRANSITIONS = Transitions(
    [
        Transition(MinutesStatus.DRAFT, MinutesStatus.SIGNED, "sign", ReviewActor.MINUTES_CHAIR),
        # By signing the revision that corrects them.
        Transition(MinutesStatus.SIGNED, MinutesStatus.SUPERSEDED, "supersede", ReviewActor.MINUTES_CHAIR),
    ]
)


class MinutesAttendee(models.Model):
    class Presence(models.TextChoices):
        PRESENT = "present", _("Có mặt")
        ABSENT = "absent", _("Vắng mặt")
        REPLACED = "replaced", _("Cử người thay thế")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("họ và tên"), max_length=150)
    title = models.CharField(_("chức danh"), max_length=200, blank=True)
    presence = models.CharField(_("tham dự"), max_length=10, choices=Presence.choices, default=Presence.PRESENT)
    replaced_by = models.CharField(_("người thay thế"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("thành phần tham dự")
        verbose_name_plural = _("thành phần tham dự")

    def __str__(self) -> str:
        return self.name


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    # The unit declared it done; the secretary has not yet confirmed the evidence (QT.HT.06 5.3).
    REPORTED = "reported", _("Đã báo hoàn thành – chờ xác nhận")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Hủy bỏ")


# The responsible unit's head reports progress and completion; only the secretary, having checked the
# evidence, makes an action done (or returns the evidence with a note); the secretary reopens and cancels.
ACTION_TRANSITIONS = Transitions(
    [
        Transition(ActionStatus.OPEN, ActionStatus.IN_PROGRESS, "progress", Role.UNIT_HEAD),
        Transition(ActionStatus.OPEN, ActionStatus.REPORTED, "complete", Role.UNIT_HEAD),
        Transition(ActionStatus.IN_PROGRESS, ActionStatus.REPORTED, "complete", Role.UNIT_HEAD),
        Transition(ActionStatus.REPORTED, ActionStatus.DONE, "confirm", Role.SECRETARY, "reviews.manage_review"),
        # The evidence was not accepted: back to the unit with the secretary's note.
        Transition(ActionStatus.REPORTED, ActionStatus.IN_PROGRESS, "return_evidence", Role.SECRETARY, "reviews.manage_review"),
        # A confirmed action found not done after all.
        Transition(ActionStatus.DONE, ActionStatus.IN_PROGRESS, "reopen", Role.SECRETARY, "reviews.manage_review"),
        Transition(ActionStatus.OPEN, ActionStatus.CANCELLED, "cancel", Role.SECRETARY, "reviews.manage_review"),
        Transition(ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED, "cancel", Role.SECRETARY, "reviews.manage_review"),
        Transition(ActionStatus.REPORTED, ActionStatus.CANCELLED, "cancel", Role.SECRETARY, "reviews.manage_review"),
    ]
)
OPEN_ACTION_STATES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
# An action is in force when its minutes are signed (the current revision) or its result notice approved.
# ("approved" is ResultNoticeStatus.APPROVED, defined with the review by report at the end of the module.)
IN_FORCE = Q(minutes__status=MinutesStatus.SIGNED) | Q(minutes__isnull=True, result_notice__status="approved")
# Not settled yet: a review is not closed while any of its actions is in one of these.
UNSETTLED_ACTION_STATES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.REPORTED)


class ReviewActionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ReviewActionQuerySet:
        if not user.is_authenticated:
            return self.none()
        if is_overseer(user):  # the decisions of every agency's signed minutes (or result notices) of finished reviews
            return self.filter(review__status__in=FINISHED_STATES).filter(IN_FORCE)
        if user.organisation_id is None:
            return self.none()
        agency = self.filter(review__organisation=user.organisation_id)
        if user.has_role(*OVERSIGHT_ROLES):
            return agency
        if not user.has_role(Role.UNIT_HEAD, Role.FOCAL_POINT, Role.STAFF) or not user.unit_id:
            return self.none()
        # Decisions of unsigned minutes (a draft or a draft revision) are not yet the unit's to read.
        # So are those of a result notice (QT.CTCL 5.8.2.2) before the top leader approves it.
        mine = agency.filter(responsible_unit_id=user.unit_id).exclude(minutes__status=MinutesStatus.DRAFT)
        return mine.filter(Q(minutes__isnull=False) | Q(result_notice__status=ResultNoticeStatus.APPROVED))

    def followed(self) -> ReviewActionQuerySet:
        """The actions in force: those of the signed (current) revision of the minutes, or of the approved
        result notice of a review by report."""
        return self.filter(IN_FORCE)

    def open(self) -> ReviewActionQuerySet:
        return self.filter(status__in=OPEN_ACTION_STATES)

    def unsettled(self) -> ReviewActionQuerySet:
        return self.filter(status__in=UNSETTLED_ACTION_STATES)

    def overdue(self, today: dt.date | None = None) -> ReviewActionQuerySet:
        return self.open().filter(deadline__lt=today or timezone.localdate())


class ReviewAction(models.Model):
    """An action decided in the minutes (QT.HT.06 §5.3), followed up to done."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="actions")
    minutes = models.ForeignKey(Minutes, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    # Or the result notice of a review by report (QT.CTCL 5.8.2.2) that decided it: followed up the same way.
    result_notice = models.ForeignKey(
        "ResultNotice", null=True, blank=True, on_delete=models.PROTECT, related_name="actions", verbose_name=_("thông báo kết quả XXLĐ")
    )
    description = models.TextField(_("nội dung hành động"), max_length=limits.TEXT)
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="review_actions")
    deadline = models.DateField(_("thời hạn hoàn thành"))
    # Under which output heading of QT.CTCL 5.8.1.2 the decision falls.
    output_heading = models.CharField(_("nhóm đầu ra"), max_length=12, choices=OutputHeading.choices, default=OutputHeading.OTHER)
    status = models.CharField(_("trạng thái"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    evidence = models.TextField(_("bằng chứng / kết quả"), max_length=limits.TEXT, blank=True)
    # When the unit reported it done (kept when the secretary confirms; cleared when the evidence is returned).
    completed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận hoàn thành lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xác nhận"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The same action in the revision this one's minutes correct: its follow-up carries over on signing.
    origin = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successor")
    # The corrective-action ticket (BM.CTCL.01) opened from this decision: one per action. SET_NULL, not
    # PROTECT: a ticket can only be deleted once its own retention period (QT.CTCL §7) has run out, and the
    # review's record must not block that; the action's audit trail keeps the ticket's number.
    ticket = models.OneToOneField(
        "corrective_actions.Ticket",
        verbose_name=_("phiếu HĐKP/cải tiến"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_action",
    )
    # The row of a risk table this decision opened or updated (QT.CTCL 5.8.1.2 "cập nhật bảng phân tích rủi ro";
    # reviews.services.review_action_risk_record); the row's origin or history names the decision back.
    risk = models.ForeignKey(
        "risks.Risk",
        verbose_name=_("dòng bảng phân tích rủi ro"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_actions",
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ReviewActionQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("hành động sau họp xem xét")
        verbose_name_plural = _("hành động sau họp xem xét")
        permissions = [("follow_up_actions", _("Theo dõi thực hiện kết luận họp xem xét"))]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()

    @property
    def is_reported(self) -> bool:
        return self.status == ActionStatus.REPORTED

    def days_late(self, today: dt.date | None = None) -> int:
        """Days past the deadline: until today while open, until the unit reported it done otherwise."""
        if self.status == ActionStatus.CANCELLED:
            return 0
        if self.status in OPEN_ACTION_STATES or self.completed_at is None:
            end = today or timezone.localdate()
        else:
            end = timezone.localdate(self.completed_at)
        return max((end - self.deadline).days, 0)

    @property
    def is_in_force(self) -> bool:
        """A decision of the signed (current) minutes, or of the approved result notice, of a review still
        followed up. Reads action.minutes (or action.result_notice) and action.review: select_related them on lists."""
        if self.review.status != ReviewStatus.SIGNED:
            return False
        if self.minutes is not None:
            return self.minutes.status == MinutesStatus.SIGNED
        return self.result_notice is not None and self.result_notice.status == ResultNoticeStatus.APPROVED

    @property
    def ticket_openable(self) -> bool:
        """Whether the action is in a state to get a corrective-action ticket (the button shows only then)."""
        return self.ticket_id is None and self.is_open and self.is_in_force


class ActionUpdate(models.Model):
    action = models.ForeignKey(ReviewAction, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("ghi nhận tiến độ"), max_length=limits.NOTE)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    evidence_file = models.FileField(_("tệp bằng chứng"), upload_to=evidence_path, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.note[:80]


class ResourceRequestStatus(models.TextChoices):
    PENDING = "pending", _("Chờ Trưởng ban trả lời")
    GRANTED = "granted", _("Đồng ý")
    PARTLY = "partly", _("Đồng ý một phần")
    REFUSED = "refused", _("Không đồng ý")


ANSWERED_RESOURCE_STATES = (ResourceRequestStatus.GRANTED, ResourceRequestStatus.PARTLY, ResourceRequestStatus.REFUSED)
# "Trưởng ban chỉ đạo ISO tạo điều kiện về nguồn lực" (QT.HT.06 5.3): the unit asks, the head answers.
RESOURCE_REQUEST_TRANSITIONS = Transitions(
    [
        Transition(ResourceRequestStatus.PENDING, answer, "answer", Role.COMMITTEE_HEAD, "reviews.answer_resource_request")
        for answer in ANSWERED_RESOURCE_STATES
    ]
)


class ResourceRequestQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ResourceRequestQuerySet:
        """Whoever sees the action sees the resource requests made on it."""
        return self.filter(action__in=ReviewAction.objects.visible_to(user).values("pk"))


class ResourceRequest(models.Model):
    """A resource the responsible unit needs to carry out a decided action, answered by the head."""

    action = models.ForeignKey(ReviewAction, on_delete=models.PROTECT, related_name="resource_requests")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("nguồn lực cần có"), max_length=2000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("trạng thái"), max_length=10, choices=ResourceRequestStatus.choices, default=ResourceRequestStatus.PENDING)
    answer_note = models.TextField(_("ý kiến của Trưởng ban"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ResourceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("đề nghị nguồn lực")
        verbose_name_plural = _("đề nghị nguồn lực")
        permissions = [("answer_resource_request", _("Trả lời đề nghị nguồn lực"))]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_pending(self) -> bool:
        return self.status == ResourceRequestStatus.PENDING


class Delivery(models.Model):
    """One recipient's copy of the signed minutes (QT.HT.06 §5.2: sent to every attendee)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["minutes", "recipient"], name="uniq_delivery_per_recipient")]
        verbose_name = _("phát hành biên bản")
        verbose_name_plural = _("phát hành biên bản")

    def __str__(self) -> str:
        return f"{self.minutes} → {self.recipient}"


# --- Review by report (QT.CTCL 5.8.2) ---
# "XXLĐ … thông qua báo cáo kết quả hoạt động vận hành duy trì HTQLCL và các thông báo chỉ đạo của lãnh đạo":
# the ISO secretary's report holds every input of 5.8.1.1 and is approved by the Lãnh đạo Ban ISO (5.8.2.1);
# the top leader and the members of the Ban ISO comment on it; the secretary consolidates their comments into
# the result notice, which holds every output of 5.8.1.2, goes through the Lãnh đạo Ban ISO to the top leader
# for approval and is then sent to the units (5.8.2.2). Its actions are ReviewActions, followed up like a
# meeting's. The review's own status walks the path below, so the review's visibility, the follow-up, the
# overseer's reading and the yearly watch (a SIGNED review is a held one) apply unchanged.

# The inputs of 5.8.1.1, in its order; the third one ("thông tin về kết quả thực hiện và hiệu lực") in its parts.
BY_REPORT_INPUTS: list[tuple[str, StrOrPromise]] = [
    ("in_previous_actions", _("1. Tình trạng của các hành động từ các cuộc xem xét trước đó")),
    ("in_context", _("2. Bối cảnh hoạt động, những thay đổi vấn đề nội bộ và bên ngoài ảnh hưởng tới HTQLCL")),
    (
        "in_satisfaction",
        _("3.1. Sự thỏa mãn của khách hàng và thông tin phản hồi của các bên liên quan (tổ chức, công dân, cơ quan phối hợp)"),
    ),
    ("in_objectives", _("3.2. Mức độ thực hiện các mục tiêu chất lượng")),
    ("in_nonconformities", _("3.3. Sự không phù hợp và hành động khắc phục")),
    (
        "in_monitoring",
        _("3.4. Kết quả theo dõi đo lường sự hài lòng của khách hàng; kết quả các cuộc đánh giá; kết quả thực hiện của các nhà cung cấp"),
    ),
    ("in_resources", _("4. Sự đầy đủ của nguồn lực")),
    ("in_risks", _("5. Hiệu lực của hành động giải quyết rủi ro, cơ hội")),
    ("in_improvement", _("6. Các cơ hội cải tiến")),
]
BY_REPORT_INPUT_FIELDS = [name for name, _label in BY_REPORT_INPUTS]

# The review's moves on the by-report path (the meeting path is REVIEW_TRANSITIONS; closing once every action
# is settled is its SIGNED -> CLOSED row, shared). Approving the report opens the comment round; approving the
# result notice is the top leader's and makes the review held.
BY_REPORT_TRANSITIONS = Transitions(
    [
        Transition(ReviewStatus.DRAFT, ReviewStatus.PENDING_APPROVAL, "submit", Role.SECRETARY, "reviews.manage_by_report"),
        Transition(ReviewStatus.RETURNED, ReviewStatus.PENDING_APPROVAL, "submit", Role.SECRETARY, "reviews.manage_by_report"),
        Transition(ReviewStatus.PENDING_APPROVAL, ReviewStatus.APPROVED, "approve", Role.COMMITTEE_HEAD, "reviews.approve_by_report"),
        Transition(ReviewStatus.PENDING_APPROVAL, ReviewStatus.RETURNED, "return", Role.COMMITTEE_HEAD, "reviews.approve_by_report"),
        Transition(ReviewStatus.APPROVED, ReviewStatus.SIGNED, "approve_notice", Role.TOP_LEADER, "reviews.approve_result_notice"),
    ]
)
# What the by-report path calls each state of the review (the ReviewStatus labels speak of a meeting).
BY_REPORT_STATE_LABELS: dict[str, StrOrPromise] = {
    ReviewStatus.DRAFT: _("Thư ký ISO đang lập báo cáo"),
    ReviewStatus.PENDING_APPROVAL: _("Chờ Lãnh đạo Ban ISO phê duyệt báo cáo"),
    ReviewStatus.RETURNED: _("Báo cáo bị trả lại để sửa"),
    ReviewStatus.APPROVED: _("Báo cáo đã phê duyệt – lấy ý kiến, lập thông báo kết quả"),
    ReviewStatus.SIGNED: _("Thông báo kết quả đã phê duyệt – theo dõi thực hiện"),
    ReviewStatus.CLOSED: _("Hoàn thành"),
}
BY_REPORT_EDITABLE_STATES = {ReviewStatus.DRAFT, ReviewStatus.RETURNED}


class ByReportQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ByReportQuerySet:
        """The secretary reads the agency's reports from the draft; the Lãnh đạo Ban ISO and the top leader
        once submitted; the members of the Ban ISO once approved (they comment); the units once the result
        notice is approved and sent to them; the provincial overseer those of finished reviews."""
        if not user.is_authenticated:
            return self.none()
        if is_overseer(user):
            return self.filter(review__status__in=FINISHED_STATES)
        own = self.filter(review__organisation=user.organisation_id) if user.organisation_id else self.none()
        if user.has_role(Role.SECRETARY):
            return own
        if user.has_role(Role.COMMITTEE_HEAD, Role.TOP_LEADER):
            return own.exclude(review__status=ReviewStatus.DRAFT)
        if user.has_role(Role.COMMITTEE_MEMBER):
            return own.filter(review__status__in=(ReviewStatus.APPROVED, *FINISHED_STATES))
        if user.has_role(Role.UNIT_HEAD, Role.FOCAL_POINT, Role.STAFF):
            return own.filter(review__status__in=FINISHED_STATES)
        return self.none()


class ReviewByReport(RetainedRecord):
    """Báo cáo kết quả hoạt động vận hành duy trì HTQLCL (QT.CTCL 5.8.2.1): every input of 5.8.1.1."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="by_report")
    in_previous_actions = models.TextField(BY_REPORT_INPUTS[0][1], max_length=limits.LONG_TEXT, blank=True)
    in_context = models.TextField(BY_REPORT_INPUTS[1][1], max_length=limits.LONG_TEXT, blank=True)
    in_satisfaction = models.TextField(BY_REPORT_INPUTS[2][1], max_length=limits.LONG_TEXT, blank=True)
    in_objectives = models.TextField(BY_REPORT_INPUTS[3][1], max_length=limits.LONG_TEXT, blank=True)
    in_nonconformities = models.TextField(BY_REPORT_INPUTS[4][1], max_length=limits.LONG_TEXT, blank=True)
    in_monitoring = models.TextField(BY_REPORT_INPUTS[5][1], max_length=limits.LONG_TEXT, blank=True)
    in_resources = models.TextField(BY_REPORT_INPUTS[6][1], max_length=limits.LONG_TEXT, blank=True)
    in_risks = models.TextField(BY_REPORT_INPUTS[7][1], max_length=limits.LONG_TEXT, blank=True)
    in_improvement = models.TextField(BY_REPORT_INPUTS[8][1], max_length=limits.LONG_TEXT, blank=True)
    # The units' reports (BM.HT.06.02) of a round run this year, when there was one: a summary, optional.
    unit_reports_summary = models.TextField(_("Báo cáo của các đơn vị"), max_length=limits.LONG_TEXT, blank=True)
    head_comment = models.TextField(_("ý kiến của Lãnh đạo Ban ISO"), max_length=limits.NOTE, blank=True)
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    comment_deadline = models.DateField(_("hạn cho ý kiến"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = ByReportQuerySet.as_manager()

    retention_fields = ("approved_at", "created_at")

    class Meta:
        verbose_name = _("báo cáo kết quả vận hành HTQLCL (QT.CTCL 5.8.2)")
        verbose_name_plural = _("báo cáo kết quả vận hành HTQLCL (QT.CTCL 5.8.2)")
        permissions = [
            ("manage_by_report", _("Lập báo cáo và thông báo kết quả xem xét của lãnh đạo (QT.CTCL 5.8.2)")),
            ("approve_by_report", _("Phê duyệt báo cáo, trình thông báo kết quả xem xét của lãnh đạo")),
            ("comment_by_report", _("Cho ý kiến về báo cáo kết quả vận hành HTQLCL")),
            ("approve_result_notice", _("Phê duyệt thông báo kết quả xem xét của lãnh đạo")),
        ]

    def __str__(self) -> str:
        return f"CTCL.5.8.2.BC — {self.review}"

    def inputs(self) -> list[tuple[str, StrOrPromise, str]]:
        return [(name, label, getattr(self, name)) for name, label in BY_REPORT_INPUTS]

    def missing_inputs(self) -> list[StrOrPromise]:
        """The inputs of 5.8.1.1 still blank: the report is not sent for approval while any is."""
        return [label for name, label in BY_REPORT_INPUTS if not getattr(self, name).strip()]

    @property
    def is_editable(self) -> bool:
        return self.review.status in BY_REPORT_EDITABLE_STATES

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None and self.review.status not in BY_REPORT_EDITABLE_STATES

    def retention_years(self) -> int:
        """Kept as QT.CTCL §7 keeps the review's records (the BM.CTCL.02 period, 3 years by default)."""
        return self.retention_organisation().ctcl_minutes_retention_years


class ByReportComment(models.Model):
    """One person's comment on the approved report: the top leader and each member of the Ban ISO."""

    report = models.ForeignKey(ReviewByReport, on_delete=models.CASCADE, related_name="comments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cho ý kiến"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("ý kiến"), max_length=limits.TEXT, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "reviewer"], name="uniq_by_report_comment_per_reviewer")]
        verbose_name = _("ý kiến về báo cáo (QT.CTCL 5.8.2)")
        verbose_name_plural = _("ý kiến về báo cáo (QT.CTCL 5.8.2)")

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.report}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ResultNoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Chờ Lãnh đạo Ban ISO trình")
    FORWARDED = "forwarded", _("Chờ Lãnh đạo cao nhất phê duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã phê duyệt và gửi các đơn vị")


# "Gửi Thông báo XXLĐ cho Lãnh đạo Ban ISO trình Lãnh đạo cao nhất phê duyệt" (5.8.2.2).
RESULT_NOTICE_TRANSITIONS = Transitions(
    [
        Transition(ResultNoticeStatus.DRAFT, ResultNoticeStatus.SUBMITTED, "submit", Role.SECRETARY, "reviews.manage_by_report"),
        Transition(ResultNoticeStatus.RETURNED, ResultNoticeStatus.SUBMITTED, "submit", Role.SECRETARY, "reviews.manage_by_report"),
        Transition(ResultNoticeStatus.SUBMITTED, ResultNoticeStatus.FORWARDED, "forward", Role.COMMITTEE_HEAD, "reviews.approve_by_report"),
        Transition(ResultNoticeStatus.SUBMITTED, ResultNoticeStatus.RETURNED, "return", Role.COMMITTEE_HEAD, "reviews.approve_by_report"),
        Transition(ResultNoticeStatus.FORWARDED, ResultNoticeStatus.APPROVED, "approve", Role.TOP_LEADER, "reviews.approve_result_notice"),
        Transition(ResultNoticeStatus.FORWARDED, ResultNoticeStatus.RETURNED, "return", Role.TOP_LEADER, "reviews.approve_result_notice"),
    ]
)
RESULT_NOTICE_EDITABLE_STATES = {ResultNoticeStatus.DRAFT, ResultNoticeStatus.RETURNED}
# The fields of the notice the secretary writes (besides its actions).
RESULT_NOTICE_CONTENT_FIELDS = [
    "comments_summary",
    "conclusions",
    *[f"outputs_{key}" for key in ("improvement", "changes", "resources", "other")],
]


class ResultNotice(ReviewOutputs, RetainedRecord):
    """Thông báo kết quả xem xét của lãnh đạo (QT.CTCL 5.8.2.2): every output of 5.8.1.2."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="result_notice")
    status = models.CharField(_("trạng thái"), max_length=12, choices=ResultNoticeStatus.choices, default=ResultNoticeStatus.DRAFT)
    comments_summary = models.TextField(
        _("Tổng hợp ý kiến của Lãnh đạo cao nhất và các thành viên Ban ISO"), max_length=limits.LONG_TEXT, blank=True
    )
    conclusions = models.TextField(_("Kết luận chung"), max_length=limits.LONG_TEXT, blank=True)
    outputs_improvement = models.TextField(OutputHeading.IMPROVEMENT.label, max_length=limits.LONG_TEXT, blank=True)
    outputs_changes = models.TextField(OutputHeading.CHANGES.label, max_length=limits.LONG_TEXT, blank=True)
    outputs_resources = models.TextField(OutputHeading.RESOURCES.label, max_length=limits.LONG_TEXT, blank=True)
    outputs_other = models.TextField(OutputHeading.OTHER.label, max_length=limits.LONG_TEXT, blank=True)
    return_comment = models.TextField(_("ý kiến trả lại"), max_length=limits.NOTE, blank=True)
    number = models.PositiveIntegerField(_("số thông báo"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    retention_fields = ("approved_at", "created_at")

    class Meta:
        verbose_name = _("thông báo kết quả xem xét của lãnh đạo (QT.CTCL 5.8.2)")
        verbose_name_plural = _("thông báo kết quả xem xét của lãnh đạo (QT.CTCL 5.8.2)")

    def __str__(self) -> str:
        return f"CTCL.5.8.2.TB — {self.review}"

    @property
    def is_editable(self) -> bool:
        return self.status in RESULT_NOTICE_EDITABLE_STATES

    @property
    def is_approved(self) -> bool:
        return self.status == ResultNoticeStatus.APPROVED

    def retention_years(self) -> int:
        return self.retention_organisation().ctcl_minutes_retention_years
