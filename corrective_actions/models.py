"""Corrective-action and improvement requests (QT.CTCL 5.1–5.7): the ticket BM.CTCL.01 from the
nonconformity to its verified closure, its evidence, monthly progress reports and change requests."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms import limits
from qms.dates import format_date
from qms.models import Organisation, OrganisationKind, Unit, User
from qms.roles import Role
from qms.tenancy import is_overseer
from qms.transitions import Transition, Transitions
from qms.workdays import add_years

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Chờ lãnh đạo đơn vị xem xét")
    HANDLING = "handling", _("Đang xử lý trực tiếp – chờ người được phân công thực hiện")
    HANDLED = "handled", _("Đã xử lý trực tiếp – chờ kiểm tra kết quả")
    CORRECTED = "corrected", _("Đã xử lý trực tiếp (khắc phục)")
    SUBMITTED = "submitted", _("Chờ Thư ký ISO tổng hợp")
    PRESENTED = "presented", _("Chờ Lãnh đạo Ban ISO phân công")
    ASSIGNED = "assigned", _("Chờ phân tích nguyên nhân, đề xuất biện pháp")
    PROPOSED = "proposed", _("Chờ phê duyệt biện pháp")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    REPORTED = "reported", _("Đã báo cáo kết quả – chờ kiểm tra")
    VERIFIED = "verified", _("Đạt – chờ Ban ISO đóng phiếu")
    CLOSED = "closed", _("Đã đóng – có hiệu lực")
    INEFFECTIVE = "ineffective", _("Đã đóng – không hiệu lực (mở phiếu mới)")


class Actor(models.TextChoices):
    """Who may make a move. Most are roles held on this very ticket, not global groups."""

    UNIT_HEAD = "unit_head", _("Lãnh đạo đơn vị liên quan")
    HANDLER = "handler", _("Người được phân công xử lý trực tiếp")
    HANDLING_CHECKER = "handling_checker", _("Người kiểm tra kết quả xử lý trực tiếp")
    SECRETARY = "secretary", _("Thư ký ISO")
    COMMITTEE_HEAD = "committee_head", _("Lãnh đạo Ban ISO")
    ASSIGNEE = "assignee", _("Người được phân công thực hiện")
    LEADER = "leader", _("Lãnh đạo cơ quan (hoặc người được ủy quyền)")
    COMMITTEE = "committee", _("Ban ISO (Thư ký hoặc Trưởng ban)")


# The allowed moves of a ticket and who may make each one (QT.CTCL clause in comments). `who` is an Actor,
# resolved against the ticket by rules.is_actor: the permission that makes a user each actor is
# ACTOR_PERMISSIONS below, not the row's `permission`, because the leader's delegate verifies without it.
# fmt: off
TICKET_TRANSITIONS = Transitions(
    [
        # 5.1.1 handled directly: the head chooses the handling and assigns who carries it out and who checks it
        Transition(TicketStatus.OPEN, TicketStatus.HANDLING, "correct", Actor.UNIT_HEAD),
        Transition(TicketStatus.HANDLING, TicketStatus.HANDLED, "handle", Actor.HANDLER),  # 5.1.1 what was done
        Transition(TicketStatus.HANDLED, TicketStatus.CORRECTED, "confirm_handling", Actor.HANDLING_CHECKER),  # 5.1.1 checked
        Transition(TicketStatus.HANDLED, TicketStatus.HANDLING, "return_handling", Actor.HANDLING_CHECKER),  # 5.1.1 not yet
        Transition(TicketStatus.OPEN, TicketStatus.SUBMITTED, "submit", Actor.UNIT_HEAD),  # 5.2.2 HĐKP/cải tiến needed: to the ISO secretary
        Transition(TicketStatus.SUBMITTED, TicketStatus.PRESENTED, "present", Actor.SECRETARY),  # 5.3 consolidated and presented
        Transition(TicketStatus.PRESENTED, TicketStatus.ASSIGNED, "assign", Actor.COMMITTEE_HEAD),  # 5.3
        Transition(TicketStatus.ASSIGNED, TicketStatus.PROPOSED, "propose", Actor.ASSIGNEE),  # 5.4 cause and measure
        Transition(TicketStatus.PROPOSED, TicketStatus.IN_PROGRESS, "approve", Actor.COMMITTEE_HEAD),  # 5.4 approved, completion date set
        Transition(TicketStatus.PROPOSED, TicketStatus.ASSIGNED, "return", Actor.COMMITTEE_HEAD),  # 5.4 returned with a comment
        Transition(TicketStatus.IN_PROGRESS, TicketStatus.REPORTED, "report", Actor.ASSIGNEE),  # 5.5 result reported
        Transition(TicketStatus.REPORTED, TicketStatus.VERIFIED, "verify", Actor.LEADER),  # 5.6 Đạt
        Transition(TicketStatus.REPORTED, TicketStatus.INEFFECTIVE, "verify", Actor.LEADER),  # 5.6/5.7 Không đạt or new measure: new ticket
        # 5.6/5.7 at the completion date a ticket is checked whatever its state: never carried out, or not fully
        Transition(TicketStatus.IN_PROGRESS, TicketStatus.INEFFECTIVE, "verify", Actor.LEADER),
        Transition(TicketStatus.VERIFIED, TicketStatus.CLOSED, "close", Actor.COMMITTEE),  # 5.7 closed with the evidence in box 3
    ]
)
# fmt: on
# Actions that change no state, and who may take them.
TICKET_STEPS: dict[str, Actor] = {
    "progress": Actor.ASSIGNEE,  # 5.5 monthly progress report
    "change_request": Actor.ASSIGNEE,  # 5.5 more resources or a changed measure
    "change_decide": Actor.COMMITTEE_HEAD,
    "delegate": Actor.COMMITTEE_HEAD,  # who verifies on the leader's behalf (5.6)
}
# The permission that makes a user each actor. The assignee is one by being named on the ticket; the
# leader's delegate acts without verify_ticket; a unit head only on the tickets of their own unit.
ACTOR_PERMISSIONS: dict[str, str] = {
    Actor.UNIT_HEAD: "corrective_actions.decide_ticket",
    Actor.SECRETARY: "corrective_actions.consolidate_ticket",
    Actor.COMMITTEE_HEAD: "corrective_actions.assign_ticket",
    Actor.LEADER: "corrective_actions.verify_ticket",
    Actor.COMMITTEE: "corrective_actions.close_ticket",
}


def action_actors(action: str) -> set[str]:
    """Who may take `action`: the "who" of its moves in TICKET_TRANSITIONS, or its entry in TICKET_STEPS."""
    actors = TICKET_TRANSITIONS.who_may(action)
    if action in TICKET_STEPS:
        actors.add(TICKET_STEPS[action])
    return actors


# What the ticket waits for in each state (the "my work" column and the ticket page).
NEXT_ACTION: dict[str, StrOrPromise] = {
    TicketStatus.OPEN: _("Xem xét: xử lý trực tiếp hoặc gửi Thư ký ISO"),
    TicketStatus.HANDLING: _("Thực hiện hình thức xử lý đã được xác định, ghi kết quả"),
    TicketStatus.HANDLED: _("Kiểm tra kết quả xử lý: xác nhận hoặc trả lại"),
    TicketStatus.SUBMITTED: _("Tổng hợp, trình Lãnh đạo Ban ISO"),
    TicketStatus.PRESENTED: _("Phân công đơn vị, cá nhân thực hiện"),
    TicketStatus.ASSIGNED: _("Phân tích nguyên nhân, đề xuất biện pháp"),
    TicketStatus.PROPOSED: _("Phê duyệt biện pháp, ấn định ngày hoàn thành"),
    TicketStatus.IN_PROGRESS: _("Thực hiện biện pháp và báo cáo kết quả"),
    TicketStatus.REPORTED: _("Kiểm tra xác nhận kết quả (Đạt / Không đạt / Biện pháp mới)"),
    TicketStatus.VERIFIED: _("Đóng phiếu, ghi bằng chứng vào ô 3"),
}
FINAL_STATES = {TicketStatus.CORRECTED, TicketStatus.CLOSED, TicketStatus.INEFFECTIVE}
# What the provincial overseer reads of another agency: the finished tickets only (handled directly, closed
# as effective, closed as not effective). A verified ticket still waits for its box 3 evidence at closing,
# so it is not finished yet: like every ticket in progress it stays the agency's own working record.
OVERSEER_STATES = FINAL_STATES
# Before the result is reported, a passed completion date means the action is overdue.
ACTIVE_ACTION_STATES = {TicketStatus.ASSIGNED, TicketStatus.PROPOSED, TicketStatus.IN_PROGRESS}
OVERSIGHT_ROLES = (Role.SECRETARY, Role.COMMITTEE_HEAD, Role.COMMITTEE_MEMBER)


class Kind(models.TextChoices):
    CORRECTIVE = "corrective", _("Hành động khắc phục")
    PREVENTIVE = "preventive", _("Hành động phòng ngừa/cải tiến")


class Source(models.TextChoices):
    """The inputs of QT.CTCL 5.1.2, the twelve in the seed's order and words, then "Khác" (with a text:
    the list is "không hạn chế"). corrective_actions/tests/test_sources.py compares them with the seed."""

    NONCONFORMITY = "nonconformity", _("Các hoạt động chức năng KPH")
    FEEDBACK = "feedback", _("Thông tin phản hồi từ các tổ chức/cá nhân/đơn vị khác; xử lý các ý kiến phản hồi của khách hàng")
    INTERNAL_AUDIT = "internal_audit", _("Kết quả đánh giá chất lượng nội bộ, thể hiện qua hồ sơ sự KPH, báo cáo đánh giá")
    EARLIER_ACTIONS = "earlier_actions", _("Kết quả thực hiện các biện pháp khắc phục, phòng ngừa trước đó")
    MANAGEMENT_REVIEW = "management_review", _("Các quyết định sau khi họp xem xét của Lãnh đạo đề ra")
    DATA_ANALYSIS = "data_analysis", _("Kết quả phân tích dữ liệu, giám sát các quá trình hoạt động chức năng")
    # Until 2026-12 this key meant both this and CONFORMITY_RESULTS (migration 0008 keeps it as this one).
    PROCESS_RESULTS = "process_results", _("Kết quả thực hiện các quá trình hoạt động chức năng")
    CONFORMITY_RESULTS = "conformity_results", _("Kết quả xác định sự phù hợp của hoạt động chức năng")
    QMS_RECORDS = "qms_records", _("Các hồ sơ có liên quan của HTQLCL")
    RISK_ANALYSIS = "risk_analysis", _("Kết quả phân tích rủi ro")
    INTERESTED_PARTIES = "interested_parties", _("Các thông tin các bên có liên quan khác nhằm để cải tiến")
    LESSONS_LEARNED = "lessons_learned", _("Các bài học kinh nghiệm nhằm để cải tiến")
    OTHER = "other", _("Khác")


class Sign(models.TextChoices):
    """5.2.2: the signs that make a corrective or improvement action necessary, in the seed's words."""

    OBJECTIVES_AT_RISK = (
        "objectives_at_risk",
        _(
            "Có dấu hiệu, hiện tượng các sự KPH hoặc tiềm ẩn, dẫn đến hoặc có nguy cơ không thực hiện được MTCL, không đáp ứng CSCL của cơ quan"
        ),
    )
    RECURRING = "recurring", _("Các dấu hiệu, hiện tượng KPH hoặc tiềm ẩn, có tính chất lặp lại")
    SERIOUS = "serious", _("Các dấu hiệu, hiện tượng KPH hoặc tiềm ẩn, gây hậu quả nặng, mức độ lớn")
    REPEATED_RECORDS = (
        "repeated_records",
        _("Khi các hồ sơ sự KPH được lập quá 03 lần liên tiếp cho cùng một nội dung KPH tại cùng đơn vị được đánh giá"),
    )
    QMS_EFFECTIVENESS = "qms_effectiveness", _("Các yêu cầu cần thực hiện để cải tiến nâng cao hiệu quả, hiệu lực của HTQLCL")
    CUSTOMER_SATISFACTION = (
        "customer_satisfaction",
        _("Các yêu cầu cần thực hiện để cải tiến chất lượng hoạt động chức năng nhằm nâng cao sự thoả mãn của khách hàng"),
    )
    CHANGE = (
        "change",
        _(
            "Các yêu cầu cần thực hiện khi có sự thay đổi cơ cấu tổ chức, thay đổi phạm vi HTQLCL, thay đổi hoạt động chức năng, "
            "định hướng thực hiện hoạt động chức năng"
        ),
    )
    OPPORTUNITY = "opportunity", _("Cơ hội cải tiến nhằm nâng cao hiệu lực và hiệu quả của HTQLCL")


class CorrectionKind(models.TextChoices):
    """5.1.1: the forms of handling a nonconformity directly."""

    REDO = "redo", _("Làm lại")
    REPAIR = "repair", _("Sửa chữa/khắc phục")
    ACCEPT = "accept", _("Chấp nhận")
    DISCARD = "discard", _("Loại bỏ")


# 5.1.1: each handling's own fields, beyond the result every handler records. Those the unit head gives with
# the decision, and those the person carrying it out records. The services require each of them.
HANDLING_DECISION_FIELDS: dict[str, tuple[str, ...]] = {
    CorrectionKind.REDO: (),
    CorrectionKind.REPAIR: (),
    CorrectionKind.ACCEPT: ("accepted_by", "acceptance_ground"),
    CorrectionKind.DISCARD: (),
}
HANDLING_RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    CorrectionKind.REDO: ("redo_reference",),
    CorrectionKind.REPAIR: ("repair_scope",),
    CorrectionKind.ACCEPT: (),
    CorrectionKind.DISCARD: ("discard_method",),
}


class Verification(models.TextChoices):
    # Context keeps the English apart from objectives' "Đạt" (Achieved): here it means the action was effective.
    PASSED = "passed", pgettext_lazy("verification", "Đạt")
    FAILED = "failed", pgettext_lazy("verification", "Không đạt")
    NEW_MEASURE = "new_measure", _("Biện pháp KP/PN mới")
    # 5.7: checked at the completion date, the action was never carried out, or not fully.
    NOT_DONE = "not_done", _("Không đạt — chưa thực hiện")
    INCOMPLETE = "incomplete", _("Không đạt — không đầy đủ")


# 5.6: what the verifier may record on a ticket whose result was never reported, once its completion date came.
UNREPORTED_VERIFICATIONS = (Verification.NOT_DONE, Verification.INCOMPLETE)


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    APPROVED = "approved", _("Đã chấp thuận")
    REJECTED = "rejected", _("Không chấp thuận")
    # Still pending when the result was reported: closed undecided (services.ticket_report, migration 0006).
    LAPSED = "lapsed", _("Đã đóng – không còn cần thiết")


class ChangeRequestKind(models.TextChoices):
    RESOURCES = "resources", _("Bổ sung nguồn lực")
    MEASURE = "measure", _("Thay đổi biện pháp")


def normalise_content(text: str) -> str:
    """Process and clause compared for repeats: case, spaces and punctuation around them ignored."""
    return re.sub(r"\s+", " ", (text or "").strip().strip(".;:,").lower())


class TicketQuerySet(models.QuerySet):
    def of(self, organisation: Organisation | int | None) -> TicketQuerySet:
        """The tickets of one agency (none for None)."""
        return self.filter(organisation=organisation) if organisation is not None else self.none()

    def visible_to(self, user: User) -> TicketQuerySet:
        """Within the user's own agency only: the ISO committee reads all of its tickets; a unit head reads
        the tickets of their unit; anyone reads the tickets they opened, carry out or verify. The
        provincial overseer reads every agency's finished tickets (OVERSEER_STATES), never one in progress;
        the provincial admin (a superuser without an agency) reads every ticket, as in Django admin."""
        if not user.is_authenticated:
            return self.none()
        if is_overseer(user):
            return self.filter(status__in=OVERSEER_STATES, organisation__kind=OrganisationKind.AGENCY)
        if user.is_superuser and user.organisation_id is None:
            return self
        own = self.of(user.organisation_id)
        if user.is_superuser or user.has_role(*OVERSIGHT_ROLES):
            return own
        scope = Q(requester=user) | Q(assignee=user) | Q(delegate=user) | Q(implementing_unit_head=user) | Q(handler=user) | Q(checker=user)
        if user.has_role(Role.UNIT_HEAD) and user.unit_id:
            scope |= Q(unit_id=user.unit_id) | Q(requesting_unit_id=user.unit_id) | Q(implementing_unit_id=user.unit_id)
        return own.filter(scope)

    def overdue(self, today: dt.date | None = None) -> TicketQuerySet:
        today = today or timezone.localdate()
        return self.filter(status__in=ACTIVE_ACTION_STATES, completion_date__lt=today)

    def not_overdue(self, today: dt.date | None = None) -> TicketQuerySet:
        today = today or timezone.localdate()
        return self.exclude(status__in=ACTIVE_ACTION_STATES, completion_date__lt=today)

    def awaiting(self, user: User | AnonymousUser) -> TicketQuerySet:
        """The tickets on which `user` must act next."""
        if not isinstance(user, User) or not user.is_authenticated or user.organisation_id is None:
            return self.none()
        cond = Q(assignee=user, status__in=[TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS])
        cond |= Q(handler=user, status=TicketStatus.HANDLING) | Q(checker=user, status=TicketStatus.HANDLED)
        today = timezone.localdate()
        # 5.6: reported, or at its completion date whatever was reported
        due_check = Q(status=TicketStatus.REPORTED) | Q(status=TicketStatus.IN_PROGRESS, completion_date__lte=today)
        cond |= Q(delegate=user) & due_check
        if user.has_role(Role.UNIT_HEAD) and user.unit_id:
            cond |= Q(unit_id=user.unit_id, status=TicketStatus.OPEN)
        if user.has_role(Role.SECRETARY):
            cond |= Q(status__in=[TicketStatus.SUBMITTED, TicketStatus.VERIFIED])
        if user.has_role(Role.COMMITTEE_HEAD):
            # 5.3: a submitted ticket waits for the secretary's presentation, not for the head
            cond |= Q(status__in=[TicketStatus.PRESENTED, TicketStatus.PROPOSED, TicketStatus.VERIFIED])
            cond |= Q(delegate__isnull=True) & due_check
            cond |= Q(status=TicketStatus.IN_PROGRESS, change_requests__status=ChangeRequestStatus.PENDING)
        return self.of(user.organisation_id).filter(cond).distinct()

    def delete(self):
        for ticket in self:
            ticket.check_deletable()
        return super().delete()


class RetainedRecordError(Exception):
    """A ticket or its evidence is deleted before the retention period of QT.CTCL §7 ends."""


class Ticket(models.Model):
    """BM.CTCL.01 — Phiếu yêu cầu hành động khắc phục/cải tiến."""

    # The agency whose ticket it is: its number series, settings, people and files.
    organisation = models.ForeignKey(Organisation, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("số phiếu"))
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    requesting_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT, related_name="requested_tickets")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị có sự không phù hợp"), on_delete=models.PROTECT, related_name="tickets")
    kind = models.CharField(_("loại hành động"), max_length=20, choices=Kind.choices, default=Kind.CORRECTIVE)
    source = models.CharField(_("nguồn thông tin"), max_length=30, choices=Source.choices, default=Source.NONCONFORMITY)
    source_other = models.CharField(_("nguồn thông tin khác"), max_length=255, blank=True)
    related_documents = models.CharField(_("tài liệu liên quan"), max_length=500, blank=True)
    process = models.CharField(_("quy trình/thủ tục liên quan"), max_length=255, blank=True)
    clause = models.CharField(_("điều khoản/bước"), max_length=100, blank=True)
    # Box 1
    description = models.TextField(_("mô tả sự không phù hợp / đề xuất cải tiến"), max_length=limits.TEXT)
    description_date = models.DateField(_("ngày"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đề nghị"), on_delete=models.PROTECT, related_name="requested_tickets"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # 5.1.1 / 5.2.2 the unit head's decision
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ý kiến của lãnh đạo đơn vị"), max_length=limits.NOTE, blank=True)
    correction_kind = models.CharField(_("hình thức xử lý"), max_length=20, choices=CorrectionKind.choices, blank=True)
    correction_result = models.TextField(_("kết quả xử lý"), max_length=limits.TEXT, blank=True)
    # 5.1.1: who carries the handling out, who checks it, and each handling's own fields
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_tickets",
    )
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người kiểm tra kết quả xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checked_tickets",
    )
    accepted_by = models.CharField(_("người/cơ quan chấp nhận"), max_length=255, blank=True)
    acceptance_ground = models.TextField(_("căn cứ chấp nhận"), max_length=2000, blank=True)
    redo_reference = models.CharField(_("hồ sơ/kết quả đã làm lại (số, ngày)"), max_length=255, blank=True)
    repair_scope = models.TextField(_("nội dung đã sửa chữa, khắc phục"), max_length=2000, blank=True)
    discard_method = models.CharField(_("cách thức loại bỏ (hủy, thu hồi…)"), max_length=500, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_checked_at = models.DateTimeField(null=True, blank=True)
    handling_check_note = models.TextField(_("ý kiến kiểm tra kết quả xử lý"), max_length=2000, blank=True)
    # 5.2.2 the signs that made the action necessary (Sign values)
    signs = models.JSONField(_("dấu hiệu cần thực hiện HĐKP/cải tiến"), default=list, blank=True)
    presented_at = models.DateTimeField(null=True, blank=True)
    presentation = models.ForeignKey(
        "Presentation", verbose_name=_("lần trình"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    # Box 2
    implementing_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị thực hiện"), null=True, blank=True, on_delete=models.PROTECT, related_name="implemented_tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    implementing_unit_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trưởng đơn vị thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)
    assignment_note = models.TextField(_("chỉ đạo của Lãnh đạo Ban ISO"), max_length=limits.NOTE, blank=True)
    cause = models.TextField(_("nguyên nhân"), max_length=limits.TEXT, blank=True)
    measure = models.TextField(_("biện pháp khắc phục/cải tiến"), max_length=limits.TEXT, blank=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("ý kiến trả lại"), max_length=limits.NOTE, blank=True)
    completion_date = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    result_report = models.TextField(_("kết quả thực hiện"), max_length=limits.TEXT, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    # Box 3
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được ủy quyền kiểm tra"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegated_tickets",
    )
    verification = models.CharField(_("kết quả kiểm tra"), max_length=20, choices=Verification.choices, blank=True)
    verification_note = models.TextField(_("nhận xét kiểm tra"), max_length=limits.NOTE, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verified_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    evidence = models.TextField(_("bằng chứng kết quả thực hiện"), max_length=limits.TEXT, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # Links
    predecessor = models.ForeignKey(
        "self", verbose_name=_("phiếu trước"), null=True, blank=True, on_delete=models.SET_NULL, related_name="successors"
    )
    origin_label = models.CharField(_("nguồn gốc"), max_length=255, blank=True)
    origin_url = models.CharField(_("liên kết nguồn gốc"), max_length=500, blank=True)
    # The row of a risk table the ticket responds to (QT.CTCL: "kiểm soát rủi ro"); the agency's own rows only.
    risk = models.ForeignKey(
        "risks.Risk", verbose_name=_("rủi ro / cơ hội liên quan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    # 5.2.2 repeated nonconformities on the same content at the same unit
    repeat_count = models.PositiveSmallIntegerField(_("số lần KPH lặp lại liên tiếp"), default=0)
    repeat_required = models.BooleanField(_("bắt buộc HĐKP do lặp lại"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("phiếu yêu cầu HĐKP/cải tiến")
        verbose_name_plural = _("phiếu yêu cầu HĐKP/cải tiến")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "number"], name="uniq_ca_ticket_number_per_organisation_year")
        ]
        indexes = [
            models.Index(fields=["status", "completion_date"]),
            models.Index(fields=["unit", "process", "clause"]),
            models.Index(fields=["organisation", "status"]),
        ]
        permissions = [
            ("open_ticket", _("Mở phiếu yêu cầu HĐKP/cải tiến")),
            ("decide_ticket", _("Xem xét phiếu của đơn vị mình (khắc phục trực tiếp hoặc gửi Ban ISO)")),
            ("consolidate_ticket", _("Tổng hợp, trình phiếu cho Lãnh đạo Ban ISO")),
            ("assign_ticket", _("Phân công, phê duyệt biện pháp, quyết định thay đổi")),
            ("verify_ticket", _("Kiểm tra xác nhận kết quả thực hiện")),
            ("close_ticket", _("Đóng phiếu")),
            ("export_tickets", _("Xuất danh sách phiếu ra Excel")),
        ]

    def __str__(self) -> str:
        return f"{self.number_display} — {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("corrective_actions:detail", args=[self.pk])

    @property
    def number_display(self) -> str:
        return f"{self.number:02d}/{self.year}"

    @property
    def source_display(self) -> str:
        if self.source == Source.OTHER and self.source_other:
            return f"{self.get_source_display()}: {self.source_other}"
        return str(self.get_source_display())

    @property
    def sign_labels(self) -> list[StrOrPromise]:
        return [Sign(value).label for value in Sign.values if value in (self.signs or [])]

    def is_due_for_verification(self, today: dt.date | None = None) -> bool:
        """5.6: a reported result may be checked at once; at its completion date a ticket is checked
        whatever its state after approval, reported or not."""
        if self.status == TicketStatus.REPORTED:
            return True
        today = today or timezone.localdate()
        return self.status == TicketStatus.IN_PROGRESS and self.completion_date is not None and today >= self.completion_date

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in ACTIVE_ACTION_STATES and self.completion_date is not None and self.completion_date < today

    @property
    def next_action(self) -> StrOrPromise:
        return NEXT_ACTION.get(self.status, _("Không còn việc phải làm — phiếu đã kết thúc."))

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    def progress_due_dates(self, until: dt.date) -> list[dt.date]:
        """5.5: an action longer than a month is reported on every month from its approval."""
        if self.approved_at is None or self.completion_date is None:
            return []
        start = timezone.localtime(self.approved_at).date()
        if self.completion_date <= _add_months(start, 1):
            return []
        dates, k = [], 1
        while (due := _add_months(start, k)) < self.completion_date and due <= until:
            dates.append(due)
            k += 1
        return dates

    # Retention (QT.CTCL §7: 3 years)
    def retained_until(self) -> dt.date | None:
        """None while the ticket is still open: an open ticket is never deleted."""
        if not self.is_final:
            return None
        end = self.closed_at or self.decided_at or self.updated_at
        start = timezone.localtime(end).date()
        return add_years(start, self.organisation.ticket_record_retention_years)

    def is_retained(self) -> bool:
        until = self.retained_until()
        return until is None or timezone.localdate() < until

    def check_deletable(self) -> None:
        if self.is_retained():
            raise RetainedRecordError(self.retained_until())

    def delete(self, *args, **kwargs):
        self.check_deletable()
        return super().delete(*args, **kwargs)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


class Presentation(models.Model):
    """5.3: the ISO secretary presents one or several submitted tickets to the committee head at once, with
    one presentation note."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("nội dung trình"), max_length=4000, blank=True)
    presented_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người trình"), on_delete=models.PROTECT, related_name="+")
    presented_at = models.DateTimeField(_("thời điểm trình"), default=timezone.now)

    class Meta:
        ordering = ["-presented_at", "-pk"]
        verbose_name = _("lần trình phiếu")
        verbose_name_plural = _("lần trình phiếu")

    def __str__(self) -> str:
        return f"{format_date(timezone.localtime(self.presented_at).date())} — {self.note[:60]}"


class Box(models.TextChoices):
    BOX1 = "1", _("Ô 1 – Mô tả")
    BOX2 = "2", _("Ô 2 – Nguyên nhân, biện pháp, thực hiện")
    BOX3 = "3", _("Ô 3 – Kiểm tra, xác nhận")


def attachment_path(instance: TicketAttachment, filename: str) -> str:
    """Under the agency's code first: each agency's files apart on the shared storage."""
    ticket = instance.ticket
    return f"{ticket.organisation.code}/corrective_actions/{ticket.year}/{ticket.pk}/box{instance.box}/{filename}"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    box = models.CharField(_("ô"), max_length=1, choices=Box.choices)
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    description = models.CharField(_("mô tả"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bằng chứng đính kèm")
        verbose_name_plural = _("bằng chứng đính kèm")

    def __str__(self) -> str:
        return self.original_name

    def delete(self, *args, **kwargs):
        self.ticket.check_deletable()
        return super().delete(*args, **kwargs)


class ProgressReport(models.Model):
    """5.5: the monthly progress report of a long action."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="progress_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("tình hình thực hiện"), max_length=limits.TEXT)

    class Meta:
        ordering = ["reported_at", "pk"]
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")

    def __str__(self) -> str:
        return f"{self.ticket.number_display} {format_date(timezone.localtime(self.reported_at).date())}"


class ChangeRequest(models.Model):
    """5.5: the assignee asks for more resources or a changed measure; the committee head decides and an
    approved change rewrites box 2, the earlier text kept here. At most one request of a ticket waits
    for a decision at a time: the database refuses a second one, even sent at the same instant."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(_("nội dung đề nghị"), max_length=20, choices=ChangeRequestKind.choices)
    reason = models.TextField(_("lý do, khó khăn"), max_length=limits.NOTE)
    proposed_measure = models.TextField(_("biện pháp đề nghị (nếu thay đổi)"), max_length=limits.TEXT, blank=True)
    proposed_completion_date = models.DateField(_("ngày hoàn thành đề nghị"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("trạng thái"), max_length=20, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ý kiến quyết định"), max_length=limits.NOTE, blank=True)
    previous_measure = models.TextField(_("biện pháp trước khi thay đổi"), max_length=limits.TEXT, blank=True)
    previous_completion_date = models.DateField(_("ngày hoàn thành trước khi thay đổi"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("đề nghị thay đổi")
        verbose_name_plural = _("đề nghị thay đổi")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status=ChangeRequestStatus.PENDING), name="uniq_ca_one_pending_change_per_ticket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number_display} {self.get_kind_display()}"

    @property
    def is_approved(self) -> bool:
        return self.status == ChangeRequestStatus.APPROVED
