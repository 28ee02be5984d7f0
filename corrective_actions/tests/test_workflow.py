import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from corrective_actions import selectors, services
from corrective_actions.models import (
    ChangeRequest,
    ChangeRequestKind,
    ChangeRequestStatus,
    RetainedRecordError,
    Source,
    Ticket,
    TicketStatus,
    Verification,
)
from qms.errors import ServiceError
from qms.models import AuditEntry, Notification, Organisation
from qms.roles import Role
from qms.tests.factories import UserFactory, default_organisation

pytestmark = pytest.mark.django_db

CALLS = {
    "correct": lambda u, t: services.ticket_correct(
        actor=u, ticket=t, correction_kind="redo", handler=UserFactory(unit=t.unit, roles=[Role.STAFF]), checker=u
    ),
    "submit": lambda u, t: services.ticket_submit(actor=u, ticket=t, signs=["recurring"]),
    "present": lambda u, t: services.ticket_present(actor=u, ticket=t),
    "assign": lambda u, t: services.ticket_assign(actor=u, ticket=t, implementing_unit=u.unit, assignee=u),
    "propose": lambda u, t: services.ticket_propose(actor=u, ticket=t, cause="Nguyên nhân", measure="Biện pháp"),
    "approve": lambda u, t: services.ticket_approve(actor=u, ticket=t, completion_date=timezone.localdate() + dt.timedelta(days=30)),
    "return": lambda u, t: services.ticket_return(actor=u, ticket=t, comment="Chưa rõ nguyên nhân gốc."),
    "report": lambda u, t: services.ticket_report(actor=u, ticket=t, result="Đã thực hiện xong."),
    "verify_pass": lambda u, t: services.ticket_verify(actor=u, ticket=t, verification=Verification.PASSED),
    "verify_fail": lambda u, t: services.ticket_verify(actor=u, ticket=t, verification=Verification.FAILED, note="Chưa đạt."),
    "close": lambda u, t: services.ticket_close(actor=u, ticket=t, evidence="Biên bản kiểm tra."),
}
# action -> (the states it starts from, the state it reaches, who may do it)
RULES = {
    "correct": ({"open"}, TicketStatus.HANDLING, {"unit_head"}),
    "submit": ({"open"}, TicketStatus.SUBMITTED, {"unit_head"}),
    "present": ({"submitted"}, TicketStatus.PRESENTED, {"secretary"}),
    "assign": ({"presented"}, TicketStatus.ASSIGNED, {"committee_head"}),
    "propose": ({"assigned"}, TicketStatus.PROPOSED, {"assignee"}),
    "approve": ({"proposed"}, TicketStatus.IN_PROGRESS, {"committee_head"}),
    "return": ({"proposed"}, TicketStatus.ASSIGNED, {"committee_head"}),
    "report": ({"in_progress"}, TicketStatus.REPORTED, {"assignee"}),
    "verify_pass": ({"reported"}, TicketStatus.VERIFIED, {"committee_head"}),
    "verify_fail": ({"reported"}, TicketStatus.INEFFECTIVE, {"committee_head"}),
    "close": ({"verified"}, TicketStatus.CLOSED, {"secretary", "committee_head"}),
}
ACTORS = ["staff", "unit_head", "other_unit_head", "secretary", "committee_head", "committee_member", "assignee"]
STATES = [
    "open",
    "corrected",
    "submitted",
    "presented",
    "assigned",
    "proposed",
    "in_progress",
    "reported",
    "verified",
    "closed",
    "ineffective",
]


@pytest.fixture
def people(role_users, assignee):
    return {**role_users, "assignee": assignee}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(RULES))
def test_each_move_is_allowed_only_to_its_role(drive, people, action, actor):
    starts, reaches, who = RULES[action]
    ticket = drive(sorted(starts)[0])
    audit_before = AuditEntry.objects.count()
    if actor in who:
        CALLS[action](people[actor], ticket)
        assert Ticket.objects.get(pk=ticket.pk).status == reaches
    else:
        with pytest.raises(ServiceError):
            CALLS[action](people[actor], ticket)
        assert Ticket.objects.get(pk=ticket.pk).status == ticket.status
        assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("action, state", [(a, st) for a in RULES for st in STATES if st not in RULES[a][0]])
def test_each_move_is_refused_from_any_other_state(drive, people, action, state):
    starts, reaches, who = RULES[action]
    ticket = drive(state)
    with pytest.raises(ServiceError):
        CALLS[action](people[sorted(who)[0]], ticket)
    assert Ticket.objects.get(pk=ticket.pk).status == ticket.status


def test_the_full_path_writes_one_audit_row_per_step_and_numbers_per_year(drive, today):
    ticket = drive("closed")
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Ticket), object_id=ticket.pk)
    assert [e.to_state for e in entries] == [
        "open",
        "submitted",
        "presented",
        "assigned",
        "proposed",
        "in_progress",
        "reported",
        "verified",
        "closed",
    ]
    second = drive("open")
    assert (ticket.year, second.number) == (today.year, ticket.number + 1)
    assert ticket.evidence == "Biên bản kiểm tra sau 01 tháng áp dụng."


def test_the_committee_head_returns_a_proposal_with_a_comment_and_the_assignee_proposes_again(drive, committee_head, assignee):
    ticket = drive("proposed")
    services.ticket_return(actor=committee_head, ticket=ticket, comment="Chưa phân tích nguyên nhân gốc.")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.return_comment) == (TicketStatus.ASSIGNED, "Chưa phân tích nguyên nhân gốc.")
    services.ticket_propose(actor=assignee, ticket=ticket, cause="Nguyên nhân gốc", measure="Biện pháp mới")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.PROPOSED


def test_it_refuses_a_completion_date_in_the_past_in_vietnamese(drive, committee_head, today):
    ticket = drive("proposed")
    with pytest.raises(ServiceError) as exc:
        services.ticket_approve(actor=committee_head, ticket=ticket, completion_date=today - dt.timedelta(days=1))
    assert exc.value.field == "completion_date"
    assert "đã qua" in exc.value.message
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.PROPOSED


def test_it_refuses_a_verification_before_the_result_is_reported(drive, committee_head):
    ticket = drive("in_progress")
    with pytest.raises(ServiceError) as exc:
        services.ticket_verify(actor=committee_head, ticket=ticket, verification=Verification.PASSED)
    assert "chưa báo cáo kết quả" in exc.value.message
    assert Ticket.objects.get(pk=ticket.pk).verification == ""


def test_it_refuses_to_close_a_ticket_without_evidence(drive, secretary):
    ticket = drive("verified")
    with pytest.raises(ServiceError) as exc:
        services.ticket_close(actor=secretary, ticket=ticket, evidence="  ")
    assert exc.value.field == "evidence" and "bằng chứng" in exc.value.message
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.VERIFIED


def test_a_failed_verification_closes_the_ticket_and_opens_a_linked_one_for_the_leader(drive, committee_head, mailoutbox):
    ticket = drive("reported")
    successor = services.ticket_verify(
        actor=committee_head, ticket=ticket, verification=Verification.NEW_MEASURE, note="Cần biện pháp khác."
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.INEFFECTIVE and ticket.closed_at is not None
    assert successor.predecessor_id == ticket.pk and successor.status == TicketStatus.PRESENTED
    assert successor.source == Source.EARLIER_ACTIONS and ticket.number_display in successor.description
    assert Notification.objects.filter(recipient=committee_head, url=successor.get_absolute_url()).exists()


def test_a_delegate_verifies_in_the_leaders_place(drive, committee_head, staff_user):
    deputy = UserFactory(username="phocuc", full_name="Nguyễn Phó Cục", roles=[Role.UNIT_HEAD])
    ticket = drive("reported")
    services.ticket_delegate_set(actor=committee_head, ticket=ticket, delegate=deputy)
    with pytest.raises(ServiceError):
        services.ticket_verify(actor=staff_user, ticket=Ticket.objects.get(pk=ticket.pk), verification=Verification.PASSED)
    services.ticket_verify(actor=deputy, ticket=Ticket.objects.get(pk=ticket.pk), verification=Verification.PASSED)
    assert Ticket.objects.get(pk=ticket.pk).verified_by == deputy


def test_an_approved_change_rewrites_box_2_and_keeps_the_earlier_text(drive, assignee, committee_head, today):
    ticket = drive("in_progress")
    change = services.change_request_open(
        actor=assignee,
        ticket=ticket,
        kind=ChangeRequestKind.MEASURE,
        reason="Không đủ nhân lực.",
        proposed_measure="Thuê chuyên gia hỗ trợ.",
        proposed_completion_date=today + dt.timedelta(days=40),
    )
    services.change_request_decide(actor=committee_head, change=change, approve=True, note="Đồng ý.")
    ticket.refresh_from_db()
    change.refresh_from_db()
    assert ticket.measure == "Thuê chuyên gia hỗ trợ." and ticket.completion_date == today + dt.timedelta(days=40)
    assert change.previous_measure == "Bổ sung bước kiểm tra chéo." and change.status == ChangeRequestStatus.APPROVED
    assert "Bổ sung bước kiểm tra chéo." in AuditEntry.objects.filter(object_id=ticket.pk).last().note
    with pytest.raises(ServiceError):
        services.change_request_decide(actor=committee_head, change=change, approve=False)


def test_a_rejected_change_leaves_box_2_alone(drive, assignee, committee_head):
    ticket = drive("in_progress")
    change = services.change_request_open(actor=assignee, ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Cần thêm người.")
    services.change_request_decide(actor=committee_head, change=change, approve=False, note="Tự bố trí.")
    assert Ticket.objects.get(pk=ticket.pk).measure == "Bổ sung bước kiểm tra chéo."


def test_a_long_action_needs_monthly_progress_and_a_missed_one_is_flagged(drive, assignee, today):
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=100))
    dues = ticket.progress_due_dates(today + dt.timedelta(days=100))
    assert len(dues) == 3 and all(due.day == today.day or due.day >= 28 for due in dues)
    assert [(due.year * 12 + due.month) - (today.year * 12 + today.month) for due in dues] == [1, 2, 3]
    assert selectors.missed_progress_dates(ticket, today=dues[0] + dt.timedelta(days=1)) == [dues[0]]
    services.progress_report_add(actor=assignee, ticket=ticket, text="Đã xong 50%.")
    assert selectors.missed_progress_dates(ticket, today=dues[0] + dt.timedelta(days=1)) == []


def test_monthly_report_dates_fall_on_the_last_day_of_a_shorter_month(drive, travel):
    today = travel(dt.date(2027, 1, 31))
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=100))
    assert ticket.progress_due_dates(ticket.completion_date) == [dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]
    short = drive("in_progress", completion_date=today + dt.timedelta(days=20))
    assert short.progress_due_dates(today + dt.timedelta(days=60)) == []


@pytest.mark.parametrize("threshold, opened, required", [(3, 3, False), (3, 4, True), (2, 3, True)])
def test_repeated_nonconformities_require_a_corrective_action(drive, unit_head, secretary, threshold, opened, required):
    Organisation.objects.filter(pk=default_organisation().pk).update(repeat_nonconformity_threshold=threshold)
    tickets = [drive("open") for _ in range(opened)]
    drive("open", clause="9.9")  # another clause: not the same content
    last = Ticket.objects.get(pk=tickets[-1].pk)
    assert (last.repeat_required, last.repeat_count) == (required, opened)
    told = Notification.objects.filter(subject__contains="lặp lại", recipient__in=[unit_head, secretary]).count()
    assert told == (2 if required else 0)
    if required:
        with pytest.raises(ServiceError):
            services.ticket_correct(actor=unit_head, ticket=last, correction_kind="redo", handler=unit_head, checker=secretary)


def test_an_effective_corrective_action_restarts_the_repeat_count(drive):
    for _ in range(3):
        drive("open")
    drive("closed")
    assert Ticket.objects.order_by("-pk").first().repeat_count == 4
    assert drive("open").repeat_count == 1


def test_other_apps_open_a_ticket_from_a_review_for_the_secretary(secretary, unit):
    ticket = services.ticket_open_from_source(
        actor=secretary,
        requesting_unit=unit,
        source=Source.MANAGEMENT_REVIEW,
        description="Cập nhật bảng phân tích rủi ro.",
        origin_label="Họp xem xét 2026",
        origin_url="/reviews/1/",
    )
    assert ticket.status == TicketStatus.SUBMITTED and ticket.origin_url == "/reviews/1/"


def test_tickets_and_evidence_are_kept_for_the_retention_period(drive):
    open_ticket, closed = drive("open"), drive("closed")
    for t in (open_ticket, closed):
        with pytest.raises(RetainedRecordError):
            t.delete()
    with pytest.raises(RetainedRecordError):
        Ticket.objects.filter(pk=closed.pk).delete()
    Ticket.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - dt.timedelta(days=365 * 3 + 2))
    Ticket.objects.get(pk=closed.pk).delete()
    assert not Ticket.objects.filter(pk=closed.pk).exists() and Ticket.objects.filter(pk=open_ticket.pk).exists()


def test_the_admin_refuses_to_delete_a_retained_ticket(drive, admin_client):
    ticket = drive("closed")
    response = admin_client.post(f"/admin/corrective_actions/ticket/{ticket.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_the_database_refuses_a_second_pending_change_request_for_a_ticket(drive, assignee):
    ticket = drive("in_progress")
    ChangeRequest.objects.create(ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Cần thêm người.", requested_by=assignee)
    ChangeRequest.objects.create(
        ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Đã xong.", requested_by=assignee, status=ChangeRequestStatus.REJECTED
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(ticket=ticket, kind=ChangeRequestKind.MEASURE, reason="Đổi biện pháp.", requested_by=assignee)


def test_a_second_change_request_is_refused_while_one_waits_for_a_decision(drive, assignee):
    ticket = drive("in_progress")
    services.change_request_open(actor=assignee, ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Cần thêm người.")
    with pytest.raises(ServiceError) as refused:
        services.change_request_open(actor=assignee, ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Cần thêm máy.")
    assert refused.value.message == "Phiếu đã có một đề nghị thay đổi đang chờ quyết định."
    assert ChangeRequest.objects.filter(ticket=ticket, status=ChangeRequestStatus.PENDING).count() == 1


def test_reporting_the_result_closes_a_pending_change_request_and_tells_the_requester(drive, assignee, committee_head):
    ticket = drive("in_progress")
    change = services.change_request_open(actor=assignee, ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Cần thêm người.")
    Notification.objects.all().delete()
    closed = services.ticket_report(actor=assignee, ticket=Ticket.objects.get(pk=ticket.pk), result="Đã thực hiện xong biện pháp.")
    change.refresh_from_db()
    assert closed == [change]
    assert change.status == ChangeRequestStatus.LAPSED and change.decided_at is not None and change.decided_by is None
    assert Ticket.objects.get(pk=ticket.pk).measure == "Bổ sung bước kiểm tra chéo."  # box 2 as last approved
    row = AuditEntry.objects.filter(object_id=ticket.pk, action="Đóng đề nghị thay đổi không còn cần thiết (đã báo cáo kết quả)").get()
    assert row.actor == assignee and row.note == "Cần thêm người."
    told = Notification.objects.filter(subject__contains="đề nghị thay đổi không còn cần thiết, đã đóng")
    assert {n.recipient for n in told} == {assignee, committee_head}
    assert all("đã được báo cáo" in n.body for n in told)
    with pytest.raises(ServiceError):  # nothing left for the committee head to decide
        services.change_request_decide(actor=committee_head, change=change, approve=True)


def test_reporting_the_result_without_a_pending_change_request_closes_nothing(drive, assignee, committee_head):
    ticket = drive("in_progress")
    change = services.change_request_open(actor=assignee, ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Cần thêm người.")
    services.change_request_decide(actor=committee_head, change=change, approve=False, note="Tự bố trí.")
    closed = services.ticket_report(actor=assignee, ticket=Ticket.objects.get(pk=ticket.pk), result="Đã thực hiện xong biện pháp.")
    change.refresh_from_db()
    assert closed == [] and change.status == ChangeRequestStatus.REJECTED
