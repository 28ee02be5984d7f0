"""Two people acting on one ticket at the same moment: one result, one audit row. Real threads and real
transactions (transaction=True); meaningful on PostgreSQL, also run on SQLite (IMMEDIATE transactions)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from corrective_actions import reminders, services
from corrective_actions.models import ChangeRequest, ChangeRequestKind, ChangeRequestStatus, Ticket, TicketStatus, Verification
from qms.errors import ServiceError
from qms.models import AuditEntry, Notification, SentReminder
from qms.tests.concurrency import raised, run_at_once
from qms.workdays import add_working_days

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


def _race(*calls):
    """Each call's outcome: "ok", or the ServiceError that refused it (anything else fails the test)."""
    outcomes = run_at_once(*calls)
    unexpected = [o for o in raised(outcomes) if not isinstance(o, ServiceError)]
    assert not unexpected, unexpected
    return [o if isinstance(o, ServiceError) else "ok" for o in outcomes]


def _audit(ticket):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Ticket), object_id=ticket.pk)


def test_two_unit_decisions_at_once_leave_one_result_and_one_audit_row(drive, unit_head, staff_user):
    ticket = drive("open")
    outcomes = _race(
        lambda: services.ticket_submit(actor=unit_head, ticket=Ticket.objects.get(pk=ticket.pk), signs=["recurring"]),
        lambda: services.ticket_correct(
            actor=unit_head, ticket=Ticket.objects.get(pk=ticket.pk), correction_kind="redo", handler=staff_user, checker=unit_head
        ),
    )
    assert outcomes.count("ok") == 1
    status = Ticket.objects.get(pk=ticket.pk).status
    assert status in {TicketStatus.SUBMITTED, TicketStatus.HANDLING}
    assert _audit(ticket).exclude(to_state="open").count() == 1


def test_two_verifications_at_once_open_one_successor(drive, committee_head):
    ticket = drive("reported")
    outcomes = _race(
        *[
            (
                lambda: services.ticket_verify(
                    actor=committee_head, ticket=Ticket.objects.get(pk=ticket.pk), verification=Verification.FAILED, note="Chưa đạt."
                )
            )
            for _ in range(2)
        ]
    )
    assert outcomes.count("ok") == 1
    assert Ticket.objects.filter(predecessor=ticket).count() == 1
    assert _audit(ticket).filter(to_state=TicketStatus.INEFFECTIVE).count() == 1


def test_reminders_go_out_once_under_concurrent_sweeps(drive, today):
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=1))
    Ticket.objects.filter(pk=ticket.pk).update(completion_date=add_working_days(today, -6))  # past both escalations
    outcomes = _race(*[(lambda: reminders.ticket_reminders_send(today=today)) for _ in range(3)])
    assert outcomes.count("ok") == 3
    keys = list(SentReminder.objects.filter(key__startswith=f"ca:{ticket.pk}:").values_list("key", flat=True))
    # and the verifier's due date (5.6: the completion date, whatever was reported)
    assert sorted(k.split(":")[2] for k in keys) == ["escalate-1", "escalate-2", "passed", "verify"]
    assert Notification.objects.filter(subject__contains="đã quá hạn").count() == 1


def _change_request(ticket, assignee, reason):
    return lambda: services.change_request_open(
        actor=assignee, ticket=Ticket.objects.get(pk=ticket.pk), kind=ChangeRequestKind.RESOURCES, reason=reason
    )


def test_two_change_requests_at_once_leave_one_pending_and_refuse_the_other(drive, assignee):
    ticket = drive("in_progress")
    outcomes = _race(_change_request(ticket, assignee, "Cần thêm người."), _change_request(ticket, assignee, "Cần thêm máy."))
    assert outcomes.count("ok") == 1
    [refusal] = [o for o in outcomes if o != "ok"]
    assert refusal.message == "Phiếu đã có một đề nghị thay đổi đang chờ quyết định."
    assert ChangeRequest.objects.filter(ticket=ticket, status=ChangeRequestStatus.PENDING).count() == 1
    assert _audit(ticket).filter(action__startswith="Đề nghị thay đổi").count() == 1


def test_a_change_request_sent_as_the_result_is_reported_is_never_left_pending(drive, assignee):
    ticket = drive("in_progress")
    outcomes = _race(
        _change_request(ticket, assignee, "Cần thêm người."),
        lambda: services.ticket_report(actor=assignee, ticket=Ticket.objects.get(pk=ticket.pk), result="Đã thực hiện xong."),
    )
    assert outcomes[1] == "ok" and Ticket.objects.get(pk=ticket.pk).status == TicketStatus.REPORTED
    assert not ChangeRequest.objects.filter(ticket=ticket, status=ChangeRequestStatus.PENDING).exists()
    # Either the request came first and the report closed it, or the report came first and the request was refused.
    if outcomes[0] == "ok":
        assert ChangeRequest.objects.get(ticket=ticket).status == ChangeRequestStatus.LAPSED
    else:
        assert outcomes[0].message == "Chỉ đề nghị thay đổi khi phiếu đang được thực hiện."
