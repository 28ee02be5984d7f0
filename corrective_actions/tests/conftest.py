import datetime as dt

import pytest
from django.utils import timezone

from corrective_actions import services
from corrective_actions.models import Sign, Ticket, Verification
from qms.roles import Role
from qms.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def committee_head_verifies(request):
    """QT.CTCL 5.6: the Lãnh đạo Sở verifies, or the person they delegate. As in the demo, these tests'
    agency names its committee head as that delegate (Organisation.ticket_verifiers); the rule itself is
    tested without it in test_verifiers.py."""
    if "committee_head" in request.fixturenames and "no_named_verifier" not in request.keywords:
        head = request.getfixturevalue("committee_head")
        head.organisation.ticket_verifiers.add(head)


PATH = ["open", "submitted", "presented", "assigned", "proposed", "in_progress", "reported", "verified", "closed"]


@pytest.fixture
def assignee(db, other_unit):
    return UserFactory(username="thuchien", full_name="Ngô Thị Thực Hiện", unit=other_unit, roles=[Role.STAFF])


@pytest.fixture
def drive(secretary, committee_head, unit_head, other_unit_head, assignee, staff_user, unit):
    """Open a ticket as the staff member and take it along the procedure to `to` through the services."""

    def _drive(to: str = "open", *, completion_date: dt.date | None = None, **open_kwargs) -> Ticket:
        kwargs = {
            "description": "Hồ sơ trả kết quả chậm 02 ngày so với quy định.",
            "process": "Quy trình tiếp nhận hồ sơ",
            "clause": "5.3",
            **open_kwargs,
        }
        ticket = services.ticket_open(actor=staff_user, requesting_unit=unit, **kwargs)
        if to == "corrected":
            # 5.1.1: the head chooses the handling and assigns a doer and a checker; the doer records, the checker confirms.
            services.ticket_correct(actor=unit_head, ticket=ticket, correction_kind="redo", handler=staff_user, checker=unit_head)
            services.ticket_handling_record(
                actor=staff_user,
                ticket=Ticket.objects.get(pk=ticket.pk),
                correction_result="Đã làm lại hồ sơ.",
                redo_reference="Hồ sơ 12/TN",
            )
            services.ticket_handling_check(actor=unit_head, ticket=Ticket.objects.get(pk=ticket.pk), confirmed=True)
            return Ticket.objects.get(pk=ticket.pk)
        steps = PATH[: PATH.index("reported" if to == "ineffective" else to) + 1]
        if "submitted" in steps:
            services.ticket_submit(actor=unit_head, ticket=ticket, signs=[Sign.RECURRING], note="Cần HĐKP")
        if "presented" in steps:
            services.ticket_present(actor=secretary, ticket=ticket)
        if "assigned" in steps:
            services.ticket_assign(actor=committee_head, ticket=ticket, implementing_unit=assignee.unit, assignee=assignee)
        if "proposed" in steps:
            services.ticket_propose(
                actor=assignee, ticket=ticket, cause="Thiếu người kiểm tra chéo.", measure="Bổ sung bước kiểm tra chéo."
            )
        if "in_progress" in steps:
            services.ticket_approve(
                actor=committee_head, ticket=ticket, completion_date=completion_date or timezone.localdate() + dt.timedelta(days=14)
            )
        if "reported" in steps:
            services.ticket_report(actor=assignee, ticket=ticket, result="Đã bổ sung bước kiểm tra chéo và tập huấn cho cán bộ một cửa.")
        if to == "ineffective":
            services.ticket_verify(actor=committee_head, ticket=ticket, verification=Verification.FAILED, note="Còn 02 hồ sơ chậm.")
        if "verified" in steps:
            services.ticket_verify(actor=committee_head, ticket=ticket, verification=Verification.PASSED, note="Đạt.")
        if "closed" in steps:
            services.ticket_close(actor=secretary, ticket=ticket, evidence="Biên bản kiểm tra sau 01 tháng áp dụng.")
        return Ticket.objects.get(pk=ticket.pk)

    return _drive
