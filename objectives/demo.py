"""Demo objectives: 2025 evaluated and 2026 under monitoring (copied from 2025) for the agency and every
demo unit, with measurements, so the charts and the roll-up show something real; plus a 2027 draft of
one unit copied from 2026, in the first agency. The second, smaller agency (load_small) has its approved
plan of the current year. Built through the services. Idempotent: a scope and year already there is skipped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from qms.models import AuditEntry, Unit, User

from . import services
from .models import Aggregation, Direction, Frequency, Measurement, Objective, Plan, PlanStatus, Result, UnitOfMeasure, period_end
from .progress import Track, objective_progress

POLICY = "Phù hợp CSCL: giải quyết công việc đúng pháp luật, nhanh chóng, minh bạch, lấy sự hài lòng của tổ chức, công dân làm thước đo."

# key, statement, indicator, unit, direction, aggregation, target, frequency, supports(key), actions
AGENCY: list[tuple[Any, ...]] = [
    (
        "a1",
        "Giải quyết 100% hồ sơ, văn bản đúng thời hạn quy định",
        "Tỷ lệ hồ sơ, văn bản giải quyết đúng hạn",
        UnitOfMeasure.PERCENT,
        Direction.HIGHER,
        Aggregation.LEVEL,
        100,
        Frequency.QUARTERLY,
        None,
        [("Theo dõi hồ sơ trên hệ thống quản lý văn bản, cảnh báo hồ sơ sắp đến hạn", "Hệ thống QLVB", "Văn phòng", 12)],
    ),
    (
        "a2",
        "Mức độ hài lòng của tổ chức, công dân đạt từ 90% trở lên",
        "Tỷ lệ phiếu khảo sát hài lòng",
        UnitOfMeasure.PERCENT,
        Direction.HIGHER,
        Aggregation.LEVEL,
        90,
        Frequency.HALF_YEARLY,
        None,
        [("Khảo sát sự hài lòng 6 tháng/lần, tổng hợp và phân tích", "Phiếu khảo sát, kinh phí in ấn", "Thư ký ISO", 12)],
    ),
    (
        "a3",
        "Không quá 5 phản ánh, kiến nghị về chất lượng giải quyết công việc trong năm",
        "Số phản ánh, kiến nghị có cơ sở",
        UnitOfMeasure.COUNT,
        Direction.LOWER,
        Aggregation.CUMULATIVE,
        5,
        Frequency.QUARTERLY,
        None,
        [("Tiếp nhận, xử lý phản ánh; phân tích nguyên nhân, mở HĐKP khi cần", "Đường dây nóng, hòm thư góp ý", "Các đơn vị", 12)],
    ),
    (
        "a4",
        "100% công chức được phổ biến, tập huấn về HTQLCL theo TCVN ISO 9001:2015",
        "Tỷ lệ công chức được tập huấn",
        UnitOfMeasure.PERCENT,
        Direction.HIGHER,
        Aggregation.LEVEL,
        100,
        Frequency.QUARTERLY,
        None,
        [("Tổ chức các lớp tập huấn ISO cho công chức mới và nhắc lại", "Giảng viên, kinh phí đào tạo", "Văn phòng", 9)],
    ),
]
UNITS: dict[str, list[tuple[Any, ...]]] = {
    "VP": [
        (
            "Văn bản đến được xử lý, chuyển đúng hạn từ 98% trở lên",
            "Tỷ lệ văn bản đến xử lý đúng hạn",
            UnitOfMeasure.PERCENT,
            Direction.HIGHER,
            Aggregation.LEVEL,
            98,
            Frequency.MONTHLY,
            "a1",
            [("Phân loại, chuyển văn bản đến trong ngày trên hệ thống", "Hệ thống QLVB", "Bộ phận văn thư", 12)],
        ),
        (
            "Thời gian trung bình phát hành văn bản đi không quá 2 ngày làm việc",
            "Số ngày phát hành trung bình",
            UnitOfMeasure.DAYS,
            Direction.LOWER,
            Aggregation.LEVEL,
            2,
            Frequency.QUARTERLY,
            "a1",
            [("Chuẩn hóa quy trình trình ký điện tử", "Chữ ký số", "Bộ phận văn thư", 6)],
        ),
        (
            "Tổ chức 4 lớp tập huấn HTQLCL trong năm",
            "Số lớp tập huấn đã tổ chức",
            UnitOfMeasure.COUNT,
            Direction.HIGHER,
            Aggregation.CUMULATIVE,
            4,
            Frequency.QUARTERLY,
            "a4",
            [("Lập kế hoạch, mời giảng viên, tổ chức lớp theo quý", "Kinh phí đào tạo", "Thư ký ISO", 11)],
        ),
    ],
    "CSHTQT": [
        (
            "Tham mưu đúng hạn 100% văn bản chính sách được giao",
            "Tỷ lệ văn bản tham mưu đúng hạn",
            UnitOfMeasure.PERCENT,
            Direction.HIGHER,
            Aggregation.LEVEL,
            100,
            Frequency.QUARTERLY,
            "a1",
            [("Lập sổ theo dõi nhiệm vụ được giao, rà soát hằng tuần", "Sổ theo dõi", "Trưởng phòng", 12)],
        ),
        (
            "Hoàn thành 6 hoạt động hợp tác quốc tế theo kế hoạch",
            "Số hoạt động hoàn thành",
            UnitOfMeasure.COUNT,
            Direction.HIGHER,
            Aggregation.CUMULATIVE,
            6,
            Frequency.QUARTERLY,
            None,
            [("Triển khai các hoạt động theo kế hoạch hợp tác năm", "Kinh phí hợp tác", "Chuyên viên phụ trách", 11)],
        ),
    ],
    "DP": [
        (
            "Mức độ hài lòng của các địa phương phối hợp đạt từ 90% trở lên",
            "Tỷ lệ hài lòng của địa phương",
            UnitOfMeasure.PERCENT,
            Direction.HIGHER,
            Aggregation.LEVEL,
            90,
            Frequency.HALF_YEARLY,
            "a2",
            [("Gửi phiếu lấy ý kiến các Sở, địa phương phối hợp", "Phiếu khảo sát", "Chuyên viên", 12)],
        ),
        (
            "Không quá 2 phản ánh về việc phối hợp với địa phương",
            "Số phản ánh",
            UnitOfMeasure.COUNT,
            Direction.LOWER,
            Aggregation.CUMULATIVE,
            2,
            Frequency.QUARTERLY,
            "a3",
            [("Họp giao ban định kỳ với đầu mối địa phương", "Phòng họp trực tuyến", "Trưởng phòng", 12)],
        ),
    ],
    "NV": [
        (
            "Giải quyết hồ sơ nghiệp vụ đúng hạn từ 98% trở lên",
            "Tỷ lệ hồ sơ đúng hạn",
            UnitOfMeasure.PERCENT,
            Direction.HIGHER,
            Aggregation.LEVEL,
            98,
            Frequency.MONTHLY,
            "a1",
            [("Cảnh báo hồ sơ sắp đến hạn hằng ngày", "Hệ thống một cửa điện tử", "Chuyên viên thụ lý", 12)],
        ),
        (
            "Không quá 10 hồ sơ phải bổ sung do hướng dẫn chưa rõ",
            "Số hồ sơ phải bổ sung",
            UnitOfMeasure.COUNT,
            Direction.LOWER,
            Aggregation.CUMULATIVE,
            10,
            Frequency.QUARTERLY,
            "a3",
            [("Rà soát, công khai hướng dẫn thủ tục trên cổng thông tin", "Cổng thông tin điện tử", "Chuyên viên", 3)],
        ),
    ],
    "TTBCXB": [
        (
            "Cấp phép xuất bản đúng hạn 100% hồ sơ",
            "Tỷ lệ giấy phép cấp đúng hạn",
            UnitOfMeasure.PERCENT,
            Direction.HIGHER,
            Aggregation.LEVEL,
            100,
            Frequency.MONTHLY,
            "a1",
            [("Theo dõi thời hạn cấp phép trên sổ điện tử", "Sổ điện tử", "Chuyên viên cấp phép", 12)],
        ),
        (
            "Hài lòng của cơ quan báo chí đạt từ 92% trở lên",
            "Tỷ lệ hài lòng",
            UnitOfMeasure.PERCENT,
            Direction.HIGHER,
            Aggregation.LEVEL,
            92,
            Frequency.HALF_YEARLY,
            "a2",
            [("Khảo sát cơ quan báo chí 6 tháng/lần", "Phiếu khảo sát", "Chuyên viên", 12)],
        ),
        (
            "Hoàn thành số hóa hồ sơ cấp phép lưu trữ",
            "Mức độ hoàn thành số hóa",
            UnitOfMeasure.QUALITATIVE,
            Direction.HIGHER,
            Aggregation.LEVEL,
            "Hoàn thành số hóa 100% hồ sơ lưu trữ",
            Frequency.QUARTERLY,
            None,
            [("Scan, nhập liệu, kiểm tra hồ sơ cấp phép các năm trước", "Máy scan, 2 chuyên viên", "Tổ số hóa", 11)],
        ),
    ],
}
# How each scope performs, as a share of the target path (1.0 = exactly on the path): varied on purpose.
PERFORMANCE = {"agency": 1.0, "VP": 1.03, "CSHTQT": 0.95, "DP": 1.0, "NV": 1.01, "TTBCXB": 0.92}
PERFORMANCE_LAST_YEAR = {"agency": 1.0, "VP": 0.97, "CSHTQT": 1.02, "DP": 0.94, "NV": 1.01, "TTBCXB": 1.0}
AGENCY_DRAFTER, AGENCY_APPROVER = "thuky", "lanhdao"  # QT.CTCL 5.9: the top leader approves
DRAFTERS = {"VP": "vp.chuyenvien", "CSHTQT": "cshtqt.truong", "DP": "dp.truong", "NV": "nv.chuyenvien", "TTBCXB": "ttbcxb.truong"}
HEADS = {"VP": "vp.truong", "CSHTQT": "cshtqt.truong", "DP": "dp.truong", "NV": "nv.truong", "TTBCXB": "ttbcxb.truong"}


def _value(obj: Objective, period: int, perf: float, *, salt: int) -> Decimal:
    """A plausible measurement for `period`: on the target path scaled by `perf`, with a small wobble."""
    wobble = ((salt * 7 + period * 3) % 5 - 2) * 0.004
    if perf >= 1:  # a scope doing well does not dip below its path
        wobble = abs(wobble)
    target = float(obj.target) if obj.target is not None else 100.0
    share = period / obj.periods
    if not obj.is_numeric:
        return Decimal(str(round(min(100.0, 100 * share * perf), 0)))
    if obj.aggregation == Aggregation.CUMULATIVE:
        per_period = target / obj.periods
        factor = perf if obj.direction == Direction.HIGHER else (2 - perf)
        return Decimal(str(round(max(per_period * factor + (period % 2) * 0.5 * (1 if perf < 1 else -1), 0), 0)))
    factor = perf + wobble if obj.direction == Direction.HIGHER else (2 - perf) - wobble
    value = target * factor
    if obj.unit_of_measure == UnitOfMeasure.PERCENT:
        value = min(value, 100.0)
    return Decimal(str(round(value, 1)))


def _objective_data(row: tuple[Any, ...], year: int, agency_objs: dict[str, Objective]) -> tuple[dict, list[dict]]:
    statement, indicator, uom, direction, agg, target, freq, supports, actions = row
    numeric = uom != UnitOfMeasure.QUALITATIVE
    data = {
        "statement": statement,
        "indicator": indicator,
        "unit_of_measure": uom,
        "direction": direction,
        "aggregation": agg,
        "target": Decimal(target) if numeric else None,
        "target_text": "" if numeric else target,
        "frequency": freq,
        "policy_consistency": POLICY,
        "baseline": None,
        "evaluation_method": "Tổng hợp số liệu theo dõi theo kỳ, so sánh với chỉ tiêu; báo cáo Ban ISO.",
        "supports": agency_objs.get(supports) if supports else None,
    }
    acts = [
        {
            "order": i,
            "description": d,
            "resources": r,
            "responsible": who,
            "deadline": dt.date(year, month, 28 if month == 2 else 30 if month != 12 else 15),
        }
        for i, (d, r, who, month) in enumerate(actions, start=1)
    ]
    return data, acts


def _measure(plan: Plan, user: User, perf: float, up_to: dt.date) -> None:
    for salt, obj in enumerate(plan.objectives.all()):
        for period in range(1, obj.periods + 1):
            end = period_end(plan.year, obj.frequency, period)
            if end >= up_to:
                break
            services.measurement_record(
                actor=user,
                objective=obj,
                period=period,
                value=_value(obj, period, perf, salt=salt),
                measured_on=end + dt.timedelta(days=3),
                comment="Số liệu tổng hợp từ sổ theo dõi của đơn vị.",
            )


def _evaluate(plan: Plan, user: User, approver: User, perf: float) -> None:
    for obj in plan.objectives.prefetch_related("measurements"):
        progress = objective_progress(obj, use_result=False)
        met = progress.status == Track.ON_TRACK
        actual = progress.actual if obj.is_numeric else None
        services.objective_evaluate(
            actor=user,
            objective=obj,
            result=Result.ACHIEVED if met else Result.NOT_ACHIEVED,
            actual_value=actual,
            actual_text="" if obj.is_numeric else f"Hoàn thành {progress.actual or 0:.0f}%",
            reasons="" if met else "Khối lượng công việc tăng, nhân sự thiếu; một số hồ sơ phức tạp phải xin ý kiến liên ngành.",
            next_steps="Duy trì" if met else "Bổ sung nhân sự, rà soát quy trình, theo dõi hằng tháng.",
        )
    services.plan_evaluation_close(actor=approver, plan=plan, summary="Đánh giá theo QT.CTCL 5.9.")


def _backdate(plan: Plan, year: int, evaluated: bool) -> None:
    tz = timezone.get_current_timezone()
    fields = {
        "submitted_at": dt.datetime(year, 1, 20, 9, tzinfo=tz),
        "approved_at": dt.datetime(year, 1, 26, 10, tzinfo=tz),
        "created_at": dt.datetime(year - 1, 12, 20, 8, tzinfo=tz),
    }
    if evaluated:
        fields["evaluated_at"] = dt.datetime(year, 12, 26, 15, tzinfo=tz)
    Plan.objects.filter(pk=plan.pk).update(**fields)
    # The plan's audit trail tells the same dates: drafted, submitted, approved, first measured, evaluated.
    first = Measurement.objects.filter(objective__plan=plan).order_by("measured_on").values_list("measured_on", flat=True).first()
    moments = {
        PlanStatus.DRAFT: fields["created_at"],
        PlanStatus.SUBMITTED: fields["submitted_at"],
        PlanStatus.APPROVED: fields["approved_at"],
        PlanStatus.MONITORING: dt.datetime.combine(first, dt.time(10), tzinfo=tz) if first else fields["approved_at"],
        PlanStatus.EVALUATED: fields.get("evaluated_at"),
    }
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Plan), object_id=plan.pk)
    for state, moment in moments.items():
        if moment is not None:
            entries.filter(to_state=state).update(at=min(moment, timezone.now()))


@transaction.atomic
def _year(users: dict[str, User], year: int, *, evaluate: bool, copy: bool, performance: dict[str, float]) -> None:
    up_to = dt.date(year, 12, 31) if evaluate else timezone.localdate()
    organisation = users[AGENCY_DRAFTER].organisation
    scopes: list[tuple[str, Unit | None]] = [("agency", None)] + [(c, Unit.objects.get(organisation=organisation, code=c)) for c in UNITS]
    agency_objs: dict[str, Objective] = {}
    for key, unit in scopes:
        drafter = users[AGENCY_DRAFTER if unit is None else DRAFTERS[key]]
        approver = users[AGENCY_APPROVER if unit is None else HEADS[key]]
        plan = Plan.objects.of(organisation).filter(year=year, unit=unit).current().first()
        if plan is not None:
            if unit is None:
                agency_objs = {row[0]: o for row, o in zip(AGENCY, plan.objectives.all(), strict=False)}
            continue
        if copy:
            plan = services.plan_copy_from_previous(actor=drafter, year=year, unit=unit)
        else:
            plan = services.plan_create(actor=drafter, year=year, unit=unit)
            rows = [r[1:] for r in AGENCY] if unit is None else UNITS[key]
            for order, row in enumerate(rows, start=1):
                data, acts = _objective_data(row, year, agency_objs)
                data["order"] = order
                services.objective_save(actor=drafter, plan=plan, data=data, actions=acts)
        if unit is None:
            agency_objs = {row[0]: o for row, o in zip(AGENCY, plan.objectives.all(), strict=False)}
        services.plan_submit(actor=drafter, plan=plan)
        services.plan_approve(actor=approver, plan=plan)
        _measure(plan, drafter, performance[key], up_to)
        plan.refresh_from_db()
        if evaluate:
            _evaluate(plan, drafter, approver, performance[key])
        _backdate(plan, year, evaluate)


def load(users: dict[str, User]) -> None:
    today = timezone.localdate()
    _year(users, today.year - 1, evaluate=True, copy=False, performance=PERFORMANCE_LAST_YEAR)
    _year(users, today.year, evaluate=False, copy=True, performance=PERFORMANCE)
    organisation = users[AGENCY_DRAFTER].organisation
    vp = Unit.objects.get(organisation=organisation, code="VP")
    if not Plan.objects.filter(year=today.year + 1, unit=vp).exists():
        services.plan_copy_from_previous(actor=users[DRAFTERS["VP"]], year=today.year + 1, unit=vp)
    if (
        not Plan.objects.of(organisation).filter(status=PlanStatus.SUBMITTED).exists()
        and not Plan.objects.of(organisation).filter(year=today.year + 1, unit__code="NV").exists()
    ):
        nv = Unit.objects.get(organisation=organisation, code="NV")
        plan = services.plan_copy_from_previous(actor=users[DRAFTERS["NV"]], year=today.year + 1, unit=nv)
        services.plan_submit(actor=users[DRAFTERS["NV"]], plan=plan)


# The second agency (QT.CTCL): its agency plan of the current year, two objectives, approved.
SMALL_AGENCY: list[tuple[Any, ...]] = [
    (
        "Giải quyết 100% thủ tục hành chính lĩnh vực thương mại đúng hạn",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        UnitOfMeasure.PERCENT,
        Direction.HIGHER,
        Aggregation.LEVEL,
        100,
        Frequency.QUARTERLY,
        None,
        [("Theo dõi hồ sơ trên hệ thống thông tin giải quyết TTHC của tỉnh", "Hệ thống một cửa điện tử", "Phòng Quản lý thương mại", 12)],
    ),
    (
        "Mức độ hài lòng của doanh nghiệp đạt từ 90% trở lên",
        "Tỷ lệ doanh nghiệp hài lòng",
        UnitOfMeasure.PERCENT,
        Direction.HIGHER,
        Aggregation.LEVEL,
        90,
        Frequency.HALF_YEARLY,
        None,
        [("Khảo sát doanh nghiệp 6 tháng/lần, tổng hợp kết quả", "Phiếu khảo sát", "Văn phòng Sở", 12)],
    ),
]


@transaction.atomic
def load_small(users: dict[str, User]) -> None:
    """The second agency's approved plan of the current year (users "sct.*", keyed by username)."""
    drafter, approver = users["sct.thuky"], users["sct.truongban"]
    year = timezone.localdate().year
    if Plan.objects.of(drafter.organisation_id).filter(year=year, unit__isnull=True).exists():
        return
    plan = services.plan_create(actor=drafter, year=year, unit=None)
    for order, row in enumerate(SMALL_AGENCY, start=1):
        data, acts = _objective_data(row, year, {})
        data["order"] = order
        services.objective_save(actor=drafter, plan=plan, data=data, actions=acts)
    services.plan_submit(actor=drafter, plan=plan)
    services.plan_approve(actor=approver, plan=plan)
    _backdate(plan, year, evaluated=False)
