"""Demo risk tables: QT.HT.06 §VI's own three risks in the first agency's table, a few rows per unit (one of
them changed once, so its history shows), and the second agency's table. Built through the services.
Idempotent: a table that has rows is skipped."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qms.models import Unit, User

from . import services
from .models import Effectiveness, Frequency, Impact, Kind, Risk, RiskStatus

PROCESS = "Họp xem xét của lãnh đạo (QT.HT.06)"
# QT.HT.06 §VI, as the procedure writes them: risk, frequency, impact, response, owner.
QT_HT_06: list[tuple[str, str, str, str, str]] = [
    (
        "Không tổ chức họp xem xét của lãnh đạo về hệ thống quản lý chất lượng do không bố trí được được thời gian họp.",
        Frequency.RARE,
        Impact.MAJOR,
        "Thư ký ISO báo cáo Trưởng ban chỉ đạo ISO bố trí thời gian họp xem xét của lãnh đạo về hệ thống quản lý chất lượng.",
        "Thư ký ISO",
    ),
    (
        "Đơn vị không chuẩn bị báo cáo việc thực hiện hệ thống quản lý chất lượng hoặc nộp báo cáo cho Thư ký ISO chậm thời hạn.",
        Frequency.OCCASIONAL,
        Impact.MODERATE,
        "Lãnh đạo đơn vị chú ý thời hạn, chỉ đạo cán bộ, công chức trong đơn vị nộp báo cáo cho Thư ký ISO đúng thời hạn yêu cầu.",
        "Lãnh đạo các đơn vị",
    ),
    (
        "Thực hiện kết luận cuộc họp xem xét của lãnh đạo về hệ thống quản lý chất lượng bị chậm do đơn vị không triển khai và gửi "
        "báo cáo kịp thời đúng yêu cầu.",
        Frequency.OCCASIONAL,
        Impact.MODERATE,
        "Thư ký ISO thường xuyên kiểm tra, xác nhận và cập nhật báo cáo Trưởng ban chỉ đạo ISO tình hình thực hiện kết luận cuộc họp "
        "xem xét của lãnh đạo về hệ thống quản lý chất lượng của các đơn vị.",
        "Thư ký ISO",
    ),
]

# unit code -> rows (kind, process, description, cause, frequency, impact, response, owner, deadline in days)
UNIT_ROWS: dict[str, list[tuple[str, str, str, str, str, str, str, str, int]]] = {
    "VP": [
        (
            Kind.RISK,
            "Quản lý văn bản đến, đi",
            "Văn bản đến bị chuyển chậm tới đơn vị xử lý",
            "Văn bản giấy chưa được số hóa kịp thời",
            Frequency.OCCASIONAL,
            Impact.MODERATE,
            "Số hóa văn bản đến trong ngày; cảnh báo văn bản quá 1 ngày chưa chuyển",
            "Văn thư",
            45,
        ),
        (
            Kind.OPPORTUNITY,
            "Quản lý hồ sơ lưu trữ",
            "Lưu trữ điện tử hồ sơ HTQLCL giúp tra cứu nhanh khi đánh giá",
            "",
            Frequency.FREQUENT,
            Impact.MINOR,
            "Chuyển hồ sơ HTQLCL năm trước sang lưu trữ điện tử",
            "Chánh Văn phòng",
            -10,
        ),
    ],
    "NV": [
        (
            Kind.RISK,
            "Thẩm định hồ sơ cấp phép",
            "Trả kết quả chậm do hồ sơ cần xin ý kiến nhiều cơ quan",
            "Phối hợp liên ngành kéo dài",
            Frequency.FREQUENT,
            Impact.MAJOR,
            "Gửi xin ý kiến song song, nhắc hạn trả lời sau 3 ngày làm việc",
            "Trưởng phòng Nghiệp vụ",
            30,
        ),
    ],
    "TTBCXB": [
        (
            Kind.RISK,
            "Cấp phép xuất bản bản tin",
            "Sai sót thông tin trên giấy phép",
            "Nhập lại dữ liệu thủ công",
            Frequency.RARE,
            Impact.MODERATE,
            "Kiểm tra chéo trước khi trình ký",
            "Chuyên viên phụ trách",
            60,
        ),
    ],
}


def _values(row: tuple, today: dt.date) -> dict:
    kind, process, description, cause, frequency, impact, response, owner, days = row
    return {
        "kind": kind,
        "process": process,
        "description": description,
        "cause": cause,
        "frequency": frequency,
        "impact": impact,
        "response": response,
        "owner": owner,
        "deadline": today + dt.timedelta(days=days),
    }


def _agency_table(secretary: User) -> None:
    organisation_id = secretary.organisation_id
    assert organisation_id is not None
    if Risk.objects.filter(organisation_id=organisation_id, unit__isnull=True).exists():
        return
    for description, frequency, impact, response, owner in QT_HT_06:
        services.risk_create(
            actor=secretary,
            organisation_id=organisation_id,
            unit=None,
            values={
                "kind": Kind.RISK,
                "process": PROCESS,
                "description": description,
                "frequency": frequency,
                "impact": impact,
                "response": response,
                "owner": owner,
            },
        )


@transaction.atomic
def load(users: dict[str, User]) -> None:
    today = timezone.localdate()
    _agency_table(users["thuky"])
    organisation = users["thuky"].organisation
    for code, rows in UNIT_ROWS.items():
        unit = Unit.objects.get(organisation=organisation, code=code)
        head = users[f"{code.lower()}.truong"]
        if Risk.objects.filter(unit=unit).exists():
            continue
        created = [
            services.risk_create(actor=head, organisation_id=unit.organisation_id, unit=unit, values=_values(r, today)) for r in rows
        ]
        if code == "VP":  # one row whose response was carried out and reviewed: its earlier state is in the history
            first = created[0]
            services.risk_update(
                risk=first,
                actor=head,
                version=first.version,
                values={
                    "status": RiskStatus.DONE,
                    "effectiveness": Effectiveness.EFFECTIVE,
                    "effectiveness_reviewed_on": today - dt.timedelta(days=5),
                    "effectiveness_note": "Không còn văn bản chuyển chậm trong quý",
                    "frequency": Frequency.RARE,
                },
                note="Rà soát hiệu lực sau 1 quý",
            )


@transaction.atomic
def load_small(users: dict[str, User]) -> None:
    """The second agency (QT.CTCL) keeps QT.HT.06 §VI's first risk in its own table too."""
    _agency_table(users["sct.thuky"])
