"""Steps 9–10 of QT.HT.06 §5.3: the follow-up of the actions decided in the minutes, their
corrective-action tickets (QT.CTCL 5.1.2), and the close of the review once every action is settled."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corrective_actions.models import Source as TicketSource
from corrective_actions.models import Ticket
from corrective_actions.services import ticket_open_from_source
from qms.dates import format_date
from qms.errors import NotAllowed, ServiceError
from qms.messages import N_
from qms.models import User
from qms.roles import Role
from qms.services import audit_record, notification_send, state_transition
from qms.transitions import Transition, check_transition
from qms.uploads import validate_upload

from ..models import (
    ACTION_TRANSITIONS,
    ANSWERED_RESOURCE_STATES,
    RESOURCE_REQUEST_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ActionStatus,
    ActionUpdate,
    Minutes,
    MinutesStatus,
    ResourceRequest,
    ResultNotice,
    Review,
    ReviewAction,
    ReviewStatus,
)
from ..rules import can_complete_action, can_open_action_tickets, can_report_action
from ..selectors import action_url
from .common import require_agency

# --- Progress, completion, reopening and cancelling of a decided action ---


def _check_in_force(action: ReviewAction) -> None:
    if action.minutes is None:  # a decision of a review by report: its result notice must be approved
        if action.result_notice is None or not action.result_notice.is_approved:
            raise ServiceError(_("Hành động này thuộc thông báo kết quả chưa được phê duyệt."))
    elif action.minutes.status != MinutesStatus.SIGNED:
        raise ServiceError(_("Hành động này thuộc biên bản chưa ký hoặc đã được thay thế."))
    if action.review.status == ReviewStatus.CLOSED:
        raise ServiceError(_("Cuộc họp xem xét đã hoàn thành, không thể cập nhật hành động."))


def _require_reporter(action: ReviewAction, actor: User) -> None:
    require_agency(actor, action.review)
    if not can_report_action(actor, action):
        raise NotAllowed(_("Chỉ lãnh đạo, đầu mối ISO và chuyên viên của đơn vị chủ trì được cập nhật tiến độ hành động này."))


def _reporter(action: ReviewAction) -> Callable[[User, Transition], bool]:
    def may_act(user: User, row: Transition) -> bool:
        return can_report_action(user, action)

    return may_act


def _completer(action: ReviewAction) -> Callable[[User, Transition], bool]:
    def may_act(user: User, row: Transition) -> bool:
        return can_complete_action(user, action)

    return may_act


def _check_evidence(evidence_file: UploadedFile | None) -> None:
    if evidence_file is not None:
        try:
            validate_upload(evidence_file)
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), field="evidence_file") from exc


@transaction.atomic
def action_progress_record(
    *, action: ReviewAction, actor: User, note: str, progress: int, evidence_file: UploadedFile | None = None
) -> ActionUpdate:
    _require_reporter(action, actor)
    _check_in_force(action)
    if not action.is_open:
        raise ServiceError(_("Hành động đã kết thúc, không thể ghi tiến độ."))
    if not (note or "").strip():
        raise ServiceError(_("Hãy ghi nội dung tiến độ."), field="note")
    if not 0 <= progress < 100:
        raise ServiceError(_("Tiến độ phải từ 0 đến 99%; khi xong hãy chọn “Hoàn thành”."), field="progress")
    _check_evidence(evidence_file)
    update = ActionUpdate.objects.create(
        action=action, author=actor, note=note.strip(), progress=progress, evidence_file=evidence_file or ""
    )
    if action.status == ActionStatus.OPEN:
        check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.IN_PROGRESS, actor=actor, may_act=_reporter(action))
        state_transition(
            instance=action,
            to_state=ActionStatus.IN_PROGRESS,
            actor=actor,
            action=N_("Bắt đầu thực hiện"),
            note=note.strip(),
            extra={"progress": progress},
        )
    else:
        ReviewAction.objects.filter(pk=action.pk).update(progress=progress, version=models.F("version") + 1)
        action.refresh_from_db()
    return update


@transaction.atomic
def action_complete(*, action: ReviewAction, actor: User, evidence: str, evidence_file: UploadedFile | None = None) -> ReviewAction:
    """The unit reports the action done, with its evidence: it is "reported done", awaiting the secretary's
    confirmation (action_evidence_confirm) or the return of the evidence (action_evidence_return)."""
    _require_reporter(action, actor)
    if not can_complete_action(actor, action):
        raise NotAllowed(_("Chỉ lãnh đạo đơn vị chủ trì (hoặc đầu mối ISO được lãnh đạo đơn vị giao) được báo hoàn thành hành động."))
    _check_in_force(action)
    check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.REPORTED, actor=actor, may_act=_completer(action))
    if not (evidence or "").strip():
        raise ServiceError(_("Hãy ghi bằng chứng / kết quả thực hiện trước khi báo hoàn thành."), field="evidence")
    _check_evidence(evidence_file)
    ActionUpdate.objects.create(action=action, author=actor, note=evidence.strip(), progress=100, evidence_file=evidence_file or "")
    state_transition(
        instance=action,
        to_state=ActionStatus.REPORTED,
        actor=actor,
        action=N_("Báo hoàn thành"),
        note=evidence.strip(),
        extra={"progress": 100, "evidence": evidence.strip(), "completed_at": timezone.now()},
    )
    notification_send(
        recipients=User.objects.with_role(Role.SECRETARY, organisation=action.review.organisation_id),
        subject=N_("Đơn vị báo hoàn thành, chờ xác nhận bằng chứng: %(a)s") % {"a": str(action)},
        body=evidence.strip(),
        url=action_url(action),
    )
    return action


def _unit_people(action: ReviewAction) -> list[User]:
    org = action.review.organisation_id
    unit = action.responsible_unit_id
    return list(User.objects.with_role(Role.UNIT_HEAD, Role.FOCAL_POINT, organisation=org, unit=unit))


@transaction.atomic
def action_evidence_confirm(*, action: ReviewAction, actor: User, note: str = "") -> ReviewAction:
    """The secretary has checked the evidence: the action is done."""
    require_agency(actor, action.review)
    _check_in_force(action)
    if action.status != ActionStatus.REPORTED:
        raise ServiceError(_("Chỉ xác nhận được hành động đơn vị đã báo hoàn thành."))
    check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.DONE, actor=actor)
    state_transition(
        instance=action,
        to_state=ActionStatus.DONE,
        actor=actor,
        action=N_("Xác nhận hoàn thành"),
        note=(note or "").strip(),
        extra={"confirmed_at": timezone.now(), "confirmed_by": actor},
    )
    notification_send(
        recipients=_unit_people(action),
        subject=N_("Thư ký ISO đã xác nhận hoàn thành: %(a)s") % {"a": str(action)},
        body=(note or "").strip(),
        url=action_url(action),
    )
    return action


@transaction.atomic
def action_evidence_return(*, action: ReviewAction, actor: User, note: str) -> ReviewAction:
    """The secretary does not accept the evidence: back in progress, with the note saying what is missing."""
    require_agency(actor, action.review)
    _check_in_force(action)
    if action.status != ActionStatus.REPORTED:
        raise ServiceError(_("Chỉ trả lại được bằng chứng của hành động đơn vị đã báo hoàn thành."))
    check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.IN_PROGRESS, actor=actor)
    if not (note or "").strip():
        raise ServiceError(_("Hãy ghi rõ bằng chứng còn thiếu khi trả lại."), field="note")
    state_transition(
        instance=action,
        to_state=ActionStatus.IN_PROGRESS,
        actor=actor,
        action=N_("Trả lại bằng chứng"),
        note=note.strip(),
        extra={"completed_at": None, "progress": 90},
    )
    notification_send(
        recipients=_unit_people(action),
        subject=N_("Bằng chứng hoàn thành bị trả lại: %(a)s") % {"a": str(action)},
        body=note.strip(),
        url=action_url(action),
    )
    return action


@transaction.atomic
def action_reopen(*, action: ReviewAction, actor: User, note: str) -> ReviewAction:
    require_agency(actor, action.review)
    _check_in_force(action)
    if action.status != ActionStatus.DONE:  # open -> in progress is the unit's progress; reported is returned, not reopened
        raise ServiceError(_("Chỉ mở lại hành động đã xác nhận hoàn thành."))
    check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.IN_PROGRESS, actor=actor)
    if not (note or "").strip():
        raise ServiceError(_("Hãy ghi lý do mở lại."), field="note")
    state_transition(
        instance=action,
        to_state=ActionStatus.IN_PROGRESS,
        actor=actor,
        action=N_("Mở lại hành động"),
        note=note.strip(),
        extra={"completed_at": None, "confirmed_at": None, "confirmed_by": None},
    )
    notification_send(
        recipients=User.objects.with_role(Role.UNIT_HEAD, organisation=action.review.organisation_id, unit=action.responsible_unit_id),
        subject=N_("Hành động được mở lại: %(a)s") % {"a": str(action)},
        body=note.strip(),
        url=action_url(action),
    )
    return action


@transaction.atomic
def action_cancel(*, action: ReviewAction, actor: User, note: str) -> ReviewAction:
    require_agency(actor, action.review)
    _check_in_force(action)
    check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.CANCELLED, actor=actor)
    if not (note or "").strip():
        raise ServiceError(_("Hãy ghi lý do hủy."), field="note")
    state_transition(instance=action, to_state=ActionStatus.CANCELLED, actor=actor, action=N_("Hủy hành động"), note=note.strip())
    return action


@transaction.atomic
def review_close(*, review: Review, actor: User) -> Review:
    """signed -> closed once every action in force is done or cancelled."""
    require_agency(actor, review)
    review = Review.objects.select_for_update().get(pk=review.pk)
    check_transition(REVIEW_TRANSITIONS, review.status, ReviewStatus.CLOSED, actor=actor)
    if Minutes.objects.filter(review=review, status=MinutesStatus.DRAFT).exists():
        raise ServiceError(_("Còn bản sửa đổi biên bản chưa ký."))
    pending = ReviewAction.objects.followed().filter(review=review).unsettled().count()
    if pending:
        raise ServiceError(_("Còn %(n)d hành động chưa được xác nhận hoàn thành hoặc chưa hủy.") % {"n": pending})
    state_transition(instance=review, to_state=ReviewStatus.CLOSED, actor=actor, action=N_("Kết thúc cuộc họp xem xét"))
    return review


# --- Corrective-action tickets from the review's decisions ---
# A decision of the minutes becomes a ticket BM.CTCL.01 in one click (QT.CTCL 5.1.2: "quyết định sau họp
# xem xét của lãnh đạo"); the ticket's state then shows in the follow-up and in the next review's inputs.


def _minutes_ref(minutes: Minutes) -> str:
    if not minutes.number:
        return _("bản %(r)s") % {"r": minutes.revision}
    ref = f"{minutes.number:02d}/{minutes.organisation.minutes_symbol}"
    if minutes.signed_at:
        ref += " " + _("ngày %(d)s") % {"d": format_date(timezone.localtime(minutes.signed_at))}
    return ref


def _result_notice_ref(notice: ResultNotice) -> str:
    ref = f"{notice.number:02d}/{notice.review.organisation.notice_symbol}" if notice.number else "—"
    if notice.approved_at:
        ref += " " + _("ngày %(d)s") % {"d": format_date(timezone.localtime(notice.approved_at))}
    return ref


@transaction.atomic
def review_action_ticket_open(*, action: ReviewAction, actor: User) -> Ticket:
    """Open the ticket of a decided action (source: management-review decision) and link both ways: the
    action points at the ticket, the ticket's origin link points back at the action page. The action row
    is locked first, so a double click (two requests at once) opens one ticket and refuses the other."""
    if not can_open_action_tickets(actor):
        raise NotAllowed(_("Chỉ Thư ký ISO hoặc Trưởng ban chỉ đạo ISO được mở phiếu HĐKP từ kết luận họp xem xét."))
    require_agency(actor, action.review)
    locked = ReviewAction.objects.select_for_update().get(pk=action.pk)
    if locked.ticket_id is not None:
        number = Ticket.objects.filter(pk=locked.ticket_id).values_list("number", "year").first()
        raise ServiceError(
            _("Hành động này đã có phiếu HĐKP số %(n)s; không mở thêm phiếu khác.")
            % {"n": f"{number[0]:02d}/{number[1]}" if number else "—"}
        )
    _check_in_force(locked)
    if not locked.is_open:
        raise ServiceError(_("Hành động đã hoàn thành hoặc đã hủy nên không mở phiếu HĐKP."))
    review, minutes = locked.review, locked.minutes
    values = {"title": review.title, "desc": locked.description, "unit": locked.responsible_unit, "deadline": format_date(locked.deadline)}
    if minutes is None:  # a decision of a review by report (QT.CTCL 5.8.2.2): cited by its result notice
        assert locked.result_notice is not None  # _check_in_force
        values["ref"] = _result_notice_ref(locked.result_notice)
        description = (
            _(
                "Thực hiện kết luận xem xét của lãnh đạo “%(title)s” (thông báo kết quả số %(ref)s):\n%(desc)s\n"
                "Đơn vị chủ trì: %(unit)s. Thời hạn hoàn thành theo thông báo: %(deadline)s."
            )
            % values
        )
        label = _("Kết luận xem xét “%(title)s”, thông báo kết quả số %(ref)s") % values
    else:
        values["ref"] = _minutes_ref(minutes)
        description = (
            _(
                "Thực hiện kết luận của cuộc họp xem xét của lãnh đạo “%(title)s” (biên bản số %(ref)s):\n%(desc)s\n"
                "Đơn vị chủ trì: %(unit)s. Thời hạn hoàn thành theo biên bản: %(deadline)s."
            )
            % values
        )
        label = _("Kết luận họp xem xét “%(title)s”, biên bản số %(ref)s") % values
    ticket = ticket_open_from_source(
        actor=actor,
        requesting_unit=locked.responsible_unit,
        source=TicketSource.MANAGEMENT_REVIEW,
        description=description,
        origin_label=label[:255],
        origin_url=action_url(locked),
    )
    # The lock above already serialises clicks; the condition also holds where the lock is a no-op.
    if ReviewAction.objects.filter(pk=locked.pk, ticket__isnull=True).update(ticket=ticket, version=models.F("version") + 1) != 1:
        raise ServiceError(_("Hành động này vừa được mở phiếu HĐKP; không mở thêm phiếu khác."))
    audit_record(target=locked, actor=actor, action=N_("Mở phiếu HĐKP/cải tiến"), note=N_("Phiếu số %(n)s") % {"n": ticket.number_display})
    action.ticket, action.version = ticket, locked.version + 1
    return ticket


# --- Resource requests: "Trưởng ban chỉ đạo ISO tạo điều kiện về nguồn lực" (QT.HT.06 5.3) ---

RESOURCE_TEXT_MAX = 2000


@transaction.atomic
def resource_request_create(*, action: ReviewAction, actor: User, description: str) -> ResourceRequest:
    """The responsible unit asks the steering-committee head for a resource it needs for the action."""
    _require_reporter(action, actor)
    _check_in_force(action)
    if not action.is_open:
        raise ServiceError(_("Hành động đã báo hoàn thành hoặc đã kết thúc, không đề nghị thêm nguồn lực."))
    text = (description or "").strip()
    if not text:
        raise ServiceError(_("Hãy ghi rõ nguồn lực cần có."), field="description")
    if len(text) > RESOURCE_TEXT_MAX:
        raise ServiceError(_("Nội dung tối đa %(n)d ký tự.") % {"n": RESOURCE_TEXT_MAX}, field="description")
    request = ResourceRequest.objects.create(action=action, unit=action.responsible_unit, description=text, requested_by=actor)
    audit_record(target=request, actor=actor, action=N_("Đề nghị nguồn lực"), to_state=request.status, note=text)
    audit_record(target=action, actor=actor, action=N_("Đề nghị nguồn lực"), note=text)
    notification_send(
        recipients=User.objects.with_role(Role.COMMITTEE_HEAD, organisation=action.review.organisation_id),
        subject=N_("Đơn vị %(u)s đề nghị nguồn lực: %(a)s") % {"u": action.responsible_unit.name, "a": str(action)},
        body=text,
        url=action_url(action),
    )
    return request


@transaction.atomic
def resource_request_answer(*, request: ResourceRequest, actor: User, answer: str, note: str) -> ResourceRequest:
    """The steering-committee head grants, refuses or partly grants the request, with a note."""
    action = request.action
    require_agency(actor, action.review)
    if answer not in ANSWERED_RESOURCE_STATES:
        raise ServiceError(_("Hãy chọn đồng ý, đồng ý một phần hoặc không đồng ý."), field="answer")
    if not request.is_pending:
        raise ServiceError(_("Đề nghị này đã được trả lời."))
    check_transition(RESOURCE_REQUEST_TRANSITIONS, request.status, answer, actor=actor)
    text = (note or "").strip()
    if not text:
        raise ServiceError(_("Hãy ghi ý kiến trả lời."), field="note")
    if len(text) > RESOURCE_TEXT_MAX:
        raise ServiceError(_("Nội dung tối đa %(n)d ký tự.") % {"n": RESOURCE_TEXT_MAX}, field="note")
    state_transition(
        instance=request,
        to_state=answer,
        actor=actor,
        action=N_("Trả lời đề nghị nguồn lực"),
        note=text,
        extra={"answer_note": text, "answered_by": actor, "answered_at": timezone.now()},
    )
    audit_record(
        target=action,
        actor=actor,
        action=N_("Trả lời đề nghị nguồn lực"),
        note=N_("%(answer)s: %(note)s") % {"answer": str(request.get_status_display()), "note": text},
    )
    notification_send(
        recipients=[request.requested_by, *_unit_people(action)],
        subject=N_("Trưởng ban chỉ đạo ISO đã trả lời đề nghị nguồn lực: %(a)s") % {"a": str(action)},
        body=N_("%(answer)s: %(note)s") % {"answer": str(request.get_status_display()), "note": text},
        url=action_url(action),
    )
    return request
