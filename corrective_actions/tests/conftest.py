import datetime as dt

import pytest
from django.utils import timezone

from corrective_actions import services as s
from corrective_actions.models import Ticket, Verification
from qms.roles import Role
from qms.tests.factories import UserFactory

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
        t = s.ticket_open(actor=staff_user, requesting_unit=unit, **kwargs)
        if to == "corrected":
            s.ticket_correct(actor=unit_head, ticket=t, correction_kind="redo", correction_result="Đã làm lại hồ sơ.")
            return Ticket.objects.get(pk=t.pk)
        steps = PATH[: PATH.index("reported" if to == "ineffective" else to) + 1]
        if "submitted" in steps:
            s.ticket_submit(actor=unit_head, ticket=t, note="Cần HĐKP")
        if "presented" in steps:
            s.ticket_present(actor=secretary, ticket=t)
        if "assigned" in steps:
            s.ticket_assign(actor=committee_head, ticket=t, implementing_unit=assignee.unit, assignee=assignee)
        if "proposed" in steps:
            s.ticket_propose(actor=assignee, ticket=t, cause="Thiếu người kiểm tra chéo.", measure="Bổ sung bước kiểm tra chéo.")
        if "in_progress" in steps:
            s.ticket_approve(
                actor=committee_head, ticket=t, completion_date=completion_date or timezone.localdate() + dt.timedelta(days=14)
            )
        if "reported" in steps:
            s.ticket_report(actor=assignee, ticket=t, result="Đã bổ sung bước kiểm tra chéo và tập huấn cho cán bộ một cửa.")
        if to == "ineffective":
            s.ticket_verify(actor=committee_head, ticket=t, verification=Verification.FAILED, note="Còn 02 hồ sơ chậm.")
        if "verified" in steps:
            s.ticket_verify(actor=committee_head, ticket=t, verification=Verification.PASSED, note="Đạt.")
        if "closed" in steps:
            s.ticket_close(actor=secretary, ticket=t, evidence="Biên bản kiểm tra sau 01 tháng áp dụng.")
        return Ticket.objects.get(pk=t.pk)

    return _drive
