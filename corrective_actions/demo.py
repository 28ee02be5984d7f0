"""Demo tickets in every state, built through the services. Idempotent: a scenario whose first ticket
exists (same description) is skipped."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack

from django.db import transaction
from django.utils import timezone

from qms.clock import recorded_at
from qms.models import Unit, User
from qms.roles import Role
from qms.services import local_today

from .models import ChangeRequestKind, CorrectionKind, Kind, Sign, Source, Ticket, Verification
from .services import (
    change_request_open,
    progress_report_add,
    ticket_approve,
    ticket_assign,
    ticket_close,
    ticket_correct,
    ticket_handling_check,
    ticket_handling_record,
    ticket_open,
    ticket_present,
    ticket_propose,
    ticket_report,
    ticket_submit,
    ticket_verify,
)

# (key description, unit code, requester, kind, source, process, clause, the state to reach)
SCENARIOS = [
    (
        "Hồ sơ cấp giấy phép xuất bản bản tin của Công ty ABC trả kết quả chậm 02 ngày so với thời hạn.",
        "TTBCXB",
        "ttbcxb.truong",
        Kind.CORRECTIVE,
        Source.NONCONFORMITY,
        "Quy trình cấp giấy phép xuất bản bản tin",
        "5.3",
        "open",
    ),
    (
        "Sổ theo dõi công văn đến tháng 9 thiếu 03 văn bản chưa được vào sổ.",
        "VP",
        "vp.chuyenvien",
        Kind.CORRECTIVE,
        Source.INTERNAL_AUDIT,
        "Quy trình quản lý văn bản đến",
        "5.2",
        "corrected",
    ),
    (
        "Công dân phản ánh biểu mẫu trên cổng thông tin điện tử là phiên bản cũ.",
        "NV",
        "nv.chuyenvien",
        Kind.CORRECTIVE,
        Source.FEEDBACK,
        "Quy trình kiểm soát tài liệu",
        "5.4",
        "submitted",
    ),
    (
        "Đề xuất số hóa sổ theo dõi hồ sơ để tra cứu nhanh tình trạng giải quyết.",
        "DP",
        "dp.truong",
        Kind.PREVENTIVE,
        Source.LESSONS_LEARNED,
        "Quy trình tiếp nhận và trả kết quả",
        "5.1",
        "presented",
    ),
    (
        "Đánh giá nội bộ: chưa lưu biên bản họp giao ban tháng 8 theo quy định.",
        "CSHTQT",
        "thanhvien",
        Kind.CORRECTIVE,
        Source.INTERNAL_AUDIT,
        "Quy trình kiểm soát hồ sơ",
        "5.6",
        "assigned",
    ),
    (
        "Kết quả phân tích rủi ro: nguy cơ mất dữ liệu hồ sơ điện tử do chưa sao lưu định kỳ.",
        "VP",
        "vp.truong",
        Kind.PREVENTIVE,
        Source.RISK_ANALYSIS,
        "Quy trình quản lý rủi ro",
        "5.2",
        "proposed",
    ),
    (
        "Mục tiêu chất lượng 'giải quyết 100% hồ sơ đúng hạn' năm {year} của Phòng Nghiệp vụ có nguy cơ không đạt.",
        "NV",
        "nv.truong",
        Kind.CORRECTIVE,
        Source.PROCESS_RESULTS,
        "Mục tiêu chất lượng năm {year}",
        "6.2",
        "in_progress",
    ),
    (
        "Hồ sơ thẩm định nội dung ấn phẩm thông tin đối ngoại thiếu chữ ký của người thẩm định.",
        "TTBCXB",
        "ttbcxb.truong",
        Kind.CORRECTIVE,
        Source.NONCONFORMITY,
        "Quy trình thẩm định ấn phẩm",
        "5.4",
        "overdue",
    ),
    (
        "Báo cáo định kỳ quý III gửi Bộ chậm 05 ngày.",
        "DP",
        "dp.truong",
        Kind.CORRECTIVE,
        Source.DATA_ANALYSIS,
        "Quy trình báo cáo định kỳ",
        "5.5",
        "reported",
    ),
    (
        "Phiếu lấy ý kiến khách hàng chưa được tổng hợp hằng quý.",
        "VP",
        "vp.chuyenvien",
        Kind.CORRECTIVE,
        Source.INTERNAL_AUDIT,
        "Quy trình đo lường sự hài lòng",
        "5.3",
        "verified",
    ),
    (
        "Danh mục tài liệu nội bộ chưa cập nhật Quyết định ban hành quy trình mới.",
        "VP",
        "vp.chuyenvien",
        Kind.CORRECTIVE,
        Source.MANAGEMENT_REVIEW,
        "Quy trình kiểm soát tài liệu",
        "5.1",
        "closed",
    ),
    (
        "Hồ sơ trình ký văn bản đối ngoại không qua bước kiểm tra thể thức.",
        "CSHTQT",
        "cshtqt.truong",
        Kind.CORRECTIVE,
        Source.NONCONFORMITY,
        "Quy trình soạn thảo, ban hành văn bản",
        "5.3",
        "failed",
    ),
    (
        "Bản sao kết quả thẩm định hồ sơ của Công ty XYZ ghi sai số điện thoại liên hệ (không ảnh hưởng nội dung giải quyết).",
        "NV",
        "nv.chuyenvien",
        Kind.CORRECTIVE,
        Source.CONFORMITY_RESULTS,
        "Quy trình thẩm định hồ sơ",
        "5.4",
        "handling",
    ),
    (
        "Phiếu kiểm soát quá trình giải quyết hồ sơ số 45 thiếu chữ ký của người tiếp nhận.",
        "VP",
        "vp.chuyenvien",
        Kind.CORRECTIVE,
        Source.QMS_RECORDS,
        "Quy trình tiếp nhận và trả kết quả",
        "5.1",
        "handled",
    ),
]
# The second agency (Sở Công Thương): a few tickets of its own, numbered from 01 in its own series.
SMALL_SCENARIOS = [
    (
        "Hồ sơ cấp Giấy phép kinh doanh bán lẻ rượu của hộ kinh doanh trả kết quả chậm 01 ngày.",
        "QLTM",
        "sct.qltm.chuyenvien",
        Kind.CORRECTIVE,
        Source.NONCONFORMITY,
        "Quy trình cấp Giấy phép kinh doanh bán lẻ rượu",
        "5.4",
        "closed",
    ),
    (
        "Đánh giá nội bộ: sổ theo dõi hồ sơ một cửa của Văn phòng Sở chưa ghi ngày trả kết quả.",
        "VP",
        "sct.vp.truong",
        Kind.CORRECTIVE,
        Source.INTERNAL_AUDIT,
        "Quy trình tiếp nhận và trả kết quả",
        "5.2",
        "in_progress",
    ),
    (
        "Doanh nghiệp phản ánh biểu mẫu đề nghị cấp Giấy chứng nhận đủ điều kiện kinh doanh trên cổng dịch vụ công là mẫu cũ.",
        "QLTM",
        "sct.qltm.truong",
        Kind.CORRECTIVE,
        Source.FEEDBACK,
        "Quy trình kiểm soát tài liệu",
        "5.3",
        "open",
    ),
]
SMALL_ASSIGNEES = {"QLTM": "sct.qltm.chuyenvien", "VP": "sct.vp.truong"}
ORDER = ["open", "submitted", "presented", "assigned", "proposed", "in_progress", "reported", "verified", "closed"]
ASSIGNEES = {"NV": "nv.chuyenvien", "VP": "vp.chuyenvien"}


def local_at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def load(users: dict[str, User]) -> None:
    """The first agency's tickets (users of qms.demo.load_core)."""
    _scenarios_load(users, SCENARIOS, head=users["truongban"], secretary=users["thuky"], assignees=ASSIGNEES)


@transaction.atomic
def load_small(users: dict[str, User]) -> None:
    """The second, smaller agency's tickets (users of qms.demo.load_small_agency): one closed, one in
    progress, one waiting for its unit head."""
    _scenarios_load(users, SMALL_SCENARIOS, head=users["sct.truongban"], secretary=users["sct.thuky"], assignees=SMALL_ASSIGNEES)


def _scenarios_load(users: dict[str, User], scenarios, *, head: User, secretary: User, assignees: dict[str, str]) -> None:
    organisation = head.organisation
    today = local_today()
    for description, unit_code, requester, kind, source, process, clause, target in scenarios:
        description, process = description.format(year=today.year), process.format(year=today.year)
        if Ticket.objects.of(organisation).filter(description=description).exists():
            continue
        # The overdue ticket's story happened weeks ago: its audit trail carries those days.
        with ExitStack() as story:
            if target == "overdue":
                story.enter_context(recorded_at(local_at(today - dt.timedelta(days=42))))
            unit = Unit.objects.of(organisation).get(code=unit_code)
            actor = users[requester]
            if actor.unit is None:
                raise ValueError(f"The demo requester {actor.username} has no unit.")
            ticket = ticket_open(
                actor=actor,
                requesting_unit=actor.unit,
                unit=unit,
                description=description,
                kind=kind,
                source=source,
                process=process,
                clause=clause,
                related_documents=f"{process} (QT)",
            )
            unit_head = next(iter(User.objects.with_role(Role.UNIT_HEAD, organisation=organisation, unit=unit)))
            if target == "corrected":
                # 5.1.1: the head chooses the handling, the person who found it repairs, the head checks.
                handler = actor if actor.pk != unit_head.pk else users[assignees.get(unit_code, requester)]
                ticket_correct(actor=unit_head, ticket=ticket, correction_kind=CorrectionKind.REPAIR, handler=handler, checker=unit_head)
                ticket_handling_record(
                    actor=handler,
                    ticket=Ticket.objects.get(pk=ticket.pk),
                    correction_result="Đã vào sổ bổ sung 03 văn bản, kiểm tra lại toàn bộ sổ tháng 9.",
                    repair_scope="Bổ sung vào sổ đăng ký văn bản đến 03 văn bản còn thiếu.",
                )
                ticket_handling_check(actor=unit_head, ticket=Ticket.objects.get(pk=ticket.pk), confirmed=True, note="Đã kiểm tra sổ.")
                continue
            if target == "handling":  # 5.1.1 accepted by the leader: waits for the person assigned to record it
                ticket_correct(
                    actor=unit_head,
                    ticket=ticket,
                    correction_kind=CorrectionKind.ACCEPT,
                    handler=actor,
                    checker=unit_head,
                    accepted_by="Phó Cục trưởng phụ trách (đồng ý bằng văn bản)",
                    acceptance_ground="Sai sót không ảnh hưởng nội dung, thời hạn giải quyết; doanh nghiệp đã được thông báo số đúng.",
                )
                continue
            if target == "handled":  # 5.1.1 redone: waits for the checker
                ticket_correct(actor=unit_head, ticket=ticket, correction_kind=CorrectionKind.REDO, handler=actor, checker=unit_head)
                ticket_handling_record(
                    actor=actor,
                    ticket=Ticket.objects.get(pk=ticket.pk),
                    correction_result="Đã lập lại phiếu kiểm soát, đủ chữ ký.",
                    redo_reference="Phiếu kiểm soát số 45 lập lại ngày hôm nay",
                )
                continue
            reach = "in_progress" if target in {"overdue", "failed"} else target
            steps = ORDER[: ORDER.index(reach) + 1]
            if "submitted" in steps:
                ticket_submit(
                    actor=unit_head,
                    ticket=ticket,
                    signs=[Sign.RECURRING if kind == Kind.CORRECTIVE else Sign.OPPORTUNITY],
                    note="Cần thực hiện hành động khắc phục.",
                )
            if "presented" in steps:
                ticket_present(actor=secretary, ticket=ticket, note="Trình Trưởng ban xem xét, phân công.")
            assignee = users[assignees.get(unit_code, unit_head.username)]
            if assignee.unit is None:
                raise ValueError(f"The demo assignee {assignee.username} has no unit.")
            if "assigned" in steps:
                ticket_assign(actor=head, ticket=ticket, implementing_unit=assignee.unit, assignee=assignee, note="Khẩn trương thực hiện.")
            if "proposed" in steps:
                ticket_propose(
                    actor=assignee,
                    ticket=ticket,
                    cause="Chưa phân công người kiểm tra chéo; quy trình chưa quy định rõ bước kiểm tra.",
                    measure="Bổ sung bước kiểm tra chéo vào quy trình; tập huấn cho cán bộ; rà soát hồ sơ tồn.",
                )
            if "in_progress" in steps:
                if target == "overdue":
                    with recorded_at(local_at(today - dt.timedelta(days=40))):
                        ticket_approve(
                            actor=head, ticket=ticket, completion_date=today - dt.timedelta(days=12), today=today - dt.timedelta(days=40)
                        )
                    Ticket.objects.filter(pk=ticket.pk).update(
                        created_at=local_at(today - dt.timedelta(days=42)), description_date=today - dt.timedelta(days=42)
                    )
                else:
                    long = target == "in_progress"
                    ticket_approve(actor=head, ticket=ticket, completion_date=today + dt.timedelta(days=75 if long else 10))
                    if long:
                        progress_report_add(actor=assignee, ticket=ticket, text="Đã dự thảo sửa đổi quy trình, đang lấy ý kiến các phòng.")
                        change_request_open(
                            actor=assignee,
                            ticket=ticket,
                            kind=ChangeRequestKind.RESOURCES,
                            reason="Cần bổ sung 01 cán bộ hỗ trợ rà soát hồ sơ tồn.",
                        )
            if target == "failed" or "reported" in steps:
                ticket_report(
                    actor=assignee,
                    ticket=ticket,
                    result=f"Đã sửa đổi quy trình, tập huấn ngày {today - dt.timedelta(days=20):%d/%m}, rà soát xong hồ sơ tồn.",
                )
            if target == "failed":
                ticket_verify(
                    actor=head,
                    ticket=ticket,
                    verification=Verification.FAILED,
                    note=f"Kiểm tra 10 hồ sơ tháng {today.month} vẫn còn 02 hồ sơ không qua bước kiểm tra thể thức.",
                )
            if "verified" in steps:
                ticket_verify(
                    actor=head,
                    ticket=ticket,
                    verification=Verification.PASSED,
                    note="Đã kiểm tra hồ sơ, đạt yêu cầu.",
                    evidence="Quy trình sửa đổi; danh sách tập huấn; biên bản kiểm tra.",
                )
            if "closed" in steps:
                ticket_close(
                    actor=secretary,
                    ticket=ticket,
                    evidence="Quyết định ban hành danh mục tài liệu cập nhật; biên bản kiểm tra của Ban ISO.",
                )
