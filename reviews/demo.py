"""Demo reviews in every state of steps 1–4 (plan … collection closed), built through the services so
that the audit trail, numbers and notifications are those of real use. Idempotent: a review is found by
its title and left alone if it exists. Helpers below are public so that the part-2 demo can build on them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qms.clock import recorded_at
from qms.demo import DEMO_PASSWORD
from qms.models import MinutesForm, Organisation, Unit, User
from qms.workdays import add_working_days, add_years

from . import services
from .models import (
    DEFAULT_AGENDA,
    MINUTES_CONTENT_FIELDS,
    ConsolidatedReport,
    Minutes,
    MinutesAttendee,
    Review,
    ReviewAction,
    ReviewStatus,
    UnitReport,
)
from .yearly import next_free_sequence, sequence_taken

# --- Plan, approval, notice, unit reports, reminders ---

UNIT_HEADS = ["vp.truong", "cshtqt.truong", "dp.truong", "nv.truong", "ttbcxb.truong"]

SAMPLE_REPORT = {
    "s1_general": "Đơn vị duy trì áp dụng đầy đủ các quy trình ISO được phân công; hồ sơ được lưu trữ theo quy định.",
    "s2_policy_objectives": "Chính sách chất lượng được phổ biến tới toàn thể cán bộ; 4/5 mục tiêu chất lượng năm đạt kế hoạch.",
    "s3_audit_actions": "Đánh giá nội bộ tháng 9 phát hiện 01 điểm không phù hợp về kiểm soát hồ sơ; đã khắc phục xong.",
    "s4_feedback": "Không có phản ánh, kiến nghị của tổ chức, công dân liên quan đến đơn vị.",
    "s5_objectives_implementation": "Mục tiêu giải quyết hồ sơ đúng hạn đạt 98%; mục tiêu số hóa hồ sơ đạt 85% (kế hoạch 90%).",
    "s6_resources": "Đề nghị bổ sung 01 máy quét tài liệu phục vụ số hóa hồ sơ.",
    "s7_changes": "Thay đổi lãnh đạo phòng từ tháng 7; cập nhật phân công đầu mối ISO.",
}


def local_at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def attendees_of(users: dict[str, User]) -> list[User]:
    """The chair, the committee, the secretary, the units' heads and ISO focal points of the demo agency whose
    `users` these are (QT.HT.06: the plan is refused without them)."""
    others = sorted(n for n in users if n.endswith(".truong") and n not in UNIT_HEADS)
    focal_points = sorted(n for n in users if n.endswith(".daumoi"))
    names = ["lanhdao", "truongban", "thanhvien", "thanhvien2", "thuky", *UNIT_HEADS, *others, *focal_points]
    return [users[n] for n in names if n in users]


def agency_of(users: dict[str, User]) -> Organisation:
    """The agency the demo's secretary (users["thuky"]) works in: every record of `users` is its."""
    organisation = users["thuky"].organisation
    assert organisation is not None  # the demo's people all belong to an agency
    return organisation


def plan_ensure(
    users: dict[str, User],
    *,
    title: str,
    meeting_day: dt.date,
    deadline: dt.date,
    kind: str = Review.Kind.PERIODIC,
    sequence: int = 1,
    location: str = "Phòng họp tầng 3, trụ sở Cục",
) -> tuple[Review, bool]:
    """The review of this title in the secretary's agency, drafted by them if missing. Returns (review, created)."""
    organisation = agency_of(users)
    existing = Review.objects.filter(organisation=organisation, title=title).first()
    if existing is not None:
        return existing, False
    data = {
        "kind": kind,
        "title": title,
        "year": meeting_day.year,
        # The demo's numbers are wishes: a number another demo review of that year and kind holds (on a
        # day such as 29/02 two plans fall in one year) becomes the next free one.
        "sequence": sequence
        if not sequence_taken(organisation=organisation, year=meeting_day.year, kind=kind, sequence=sequence)
        else next_free_sequence(organisation=organisation, year=meeting_day.year, kind=kind),
        "meeting_start": local_at(meeting_day, 8),
        "meeting_end": local_at(meeting_day, 11, 30),
        "location": location,
        "agenda": DEFAULT_AGENDA,
        "report_deadline": deadline,
        "report_recipient": "Thư ký ISO (Văn phòng)",
        "related_parties": "Đại diện Phòng Tài chính",
        "units": list(Unit.objects.of(organisation).active()),
        "attendees": attendees_of(users),
    }
    return services.review_plan_create(actor=users["thuky"], data=data), True


def advance(review: Review, users: dict[str, User], to: str, *, notice_today: dt.date | None = None) -> Review:
    """Moves a review along the happy path up to state `to` (draft → pending → approved → collecting →
    preparing) through the services."""
    order: list[str] = [
        ReviewStatus.DRAFT,
        ReviewStatus.PENDING_APPROVAL,
        ReviewStatus.APPROVED,
        ReviewStatus.COLLECTING,
        ReviewStatus.PREPARING,
    ]
    secretary, head = users["thuky"], users["truongban"]
    # A back-dated story (notice_today given) is told at its own dates: submitted two working days before the
    # notice, approved the day before, collection closed the working day after the report deadline.
    moments: dict[str, int] = {
        ReviewStatus.DRAFT: -2,
        ReviewStatus.PENDING_APPROVAL: -1,
        ReviewStatus.APPROVED: 0,
    }
    while order.index(review.status) < order.index(to):
        if notice_today is None:
            moment = timezone.now()
        elif review.status in moments:
            moment = local_at(add_working_days(notice_today, moments[review.status]), 9)
        else:
            moment = min(local_at(add_working_days(review.report_deadline, 1), 9), timezone.now())
        with recorded_at(moment):
            if review.status == ReviewStatus.DRAFT:
                services.review_plan_submit(review=review, actor=secretary)
            elif review.status == ReviewStatus.PENDING_APPROVAL:
                services.review_plan_approve(review=review, actor=head, comment="Đồng ý với kế hoạch.")
                if notice_today is not None:
                    Review.objects.filter(pk=review.pk).update(approved_at=moment)
                    review.refresh_from_db()
            elif review.status == ReviewStatus.APPROVED:
                services.review_notice_issue(review=review, actor=secretary, today=notice_today)
            elif review.status == ReviewStatus.COLLECTING:
                services.review_collection_close(
                    review=review, actor=secretary, reason="Các đơn vị còn lại báo cáo trực tiếp tại cuộc họp theo chỉ đạo của Trưởng ban."
                )
    return review


def report_fill(report: UnitReport, users: dict[str, User], *, submit: bool, at: dt.datetime | None = None) -> UnitReport:
    """The sample report: a draft written by the unit's ISO focal point (`<code>.daumoi`, else its head),
    submitted at `at` if given by the unit's head (`<code>.truong`) or the focal point the head named."""
    code = report.unit.code.lower()
    author = users[f"{code}.truong"]
    if report.unit.report_submitter is not None:
        author = report.unit.report_submitter
    elif not submit:
        author = users.get(f"{code}.daumoi", author)
    with recorded_at(at or timezone.now()):
        return services.unit_report_save(report=report, actor=author, data=SAMPLE_REPORT, version=report.version, submit=submit, now=at)


@transaction.atomic
def load_planning(users: dict[str, User]) -> dict[str, Review]:
    today = timezone.localdate()
    year = today.year
    reviews: dict[str, Review] = {}

    review, created = plan_ensure(
        users,
        title=f"Họp xem xét đột xuất về thay đổi cơ cấu tổ chức năm {year}",
        kind=Review.Kind.EXTRAORDINARY,
        sequence=3,
        meeting_day=add_working_days(today, 25),
        deadline=add_working_days(today, 18),
    )
    reviews["draft"] = review

    review, created = plan_ensure(
        users,
        title=f"Họp xem xét của lãnh đạo về HTQLCL lần 1 năm {year + 1}",
        meeting_day=add_working_days(today, 40),
        deadline=add_working_days(today, 33),
    )
    if created:
        advance(review, users, ReviewStatus.PENDING_APPROVAL)
    reviews["pending"] = review

    review, created = plan_ensure(
        users,
        title=f"Họp xem xét chuyên đề số hóa hồ sơ ISO năm {year}",
        kind=Review.Kind.EXTRAORDINARY,
        sequence=4,
        meeting_day=add_working_days(today, 20),
        deadline=add_working_days(today, 15),
    )
    if created:
        advance(review, users, ReviewStatus.PENDING_APPROVAL)
        services.review_plan_return(
            review=review,
            actor=users["truongban"],
            comment="Đề nghị bổ sung Phòng Tài chính vào thành phần và lùi hạn nộp báo cáo thêm 02 ngày.",
        )
    reviews["returned"] = review

    review, created = plan_ensure(
        users,
        title=f"Họp xem xét kết quả đánh giá bên ngoài năm {year}",
        kind=Review.Kind.EXTRAORDINARY,
        sequence=5,
        meeting_day=add_working_days(today, 12),
        deadline=add_working_days(today, 7),
    )
    if created:
        advance(review, users, ReviewStatus.APPROVED)
    reviews["approved"] = review

    notice_day = add_working_days(today, -30)
    review, created = plan_ensure(
        users,
        title=f"Họp xem xét của lãnh đạo về HTQLCL lần 1 năm {year}",
        sequence=1,
        meeting_day=add_working_days(today, -1),
        deadline=add_working_days(today, -20),
    )
    if created:
        advance(review, users, ReviewStatus.COLLECTING, notice_today=notice_day)
        at = local_at(add_working_days(today, -22), 10)
        for report in review.unit_reports.select_related("unit"):
            report_fill(report, users, submit=True, at=at)
        advance(review, users, ReviewStatus.PREPARING)
    reviews["preparing"] = review

    # Notice issued 10 working days ago; the deadline was yesterday's working day; the meeting is in 6 days.
    notice_day = add_working_days(today, -10)
    deadline = add_working_days(today, -1)
    review, created = plan_ensure(
        users,
        title=f"Họp xem xét của lãnh đạo về HTQLCL lần 2 năm {year}",
        sequence=2,
        meeting_day=add_working_days(today, 6),
        deadline=deadline,
    )
    if created:
        advance(review, users, ReviewStatus.COLLECTING, notice_today=notice_day)
        reports = {r.unit.code: r for r in review.unit_reports.select_related("unit")}
        on_time = local_at(add_working_days(deadline, -2), 15)
        if "VP" in reports:
            report_fill(reports["VP"], users, submit=True, at=on_time)
        if "CSHTQT" in reports:
            report_fill(reports["CSHTQT"], users, submit=True, at=on_time)
        if "DP" in reports:
            report_fill(reports["DP"], users, submit=True)  # today: after the deadline, so late
        if "NV" in reports:
            report_fill(reports["NV"], users, submit=False)
    reviews["collecting"] = review
    return reviews


# --- Consolidated report, minutes, signature, distribution, follow-up ---


DEMO_TOPICS = {
    "topic_2": "Thay đổi chức năng, nhiệm vụ theo quyết định mới của Bộ; yêu cầu chuyển đổi số trong xử lý văn bản.",
    "conclusion_2": "Cập nhật bối cảnh và bảng rủi ro trong Sổ tay chất lượng.",
    "topic_3": "Các đơn vị đạt 4/5 mục tiêu chất lượng; đánh giá nội bộ phát hiện 02 điểm không phù hợp, đã khắc phục.",
    "conclusion_3": "Ghi nhận kết quả; Văn phòng theo dõi mục tiêu số hóa hồ sơ.",
    "topic_4": "Thiếu thiết bị số hóa hồ sơ tại Phòng Nghiệp vụ.",
    "conclusion_4": "Giao Văn phòng bố trí 01 máy quét tài liệu.",
    "topic_6": "Đề xuất áp dụng phần mềm theo dõi hồ sơ ISO.",
    "conclusion_6": "Nghiên cứu, báo cáo Trưởng ban trong quý tới.",
}


def _past_review(users: dict[str, User], *, title: str, meeting_day: dt.date, sequence: int, **plan) -> tuple[Review, bool]:
    """A periodic review held on `meeting_day`, its reports collected, ready for the minutes."""
    review, created = plan_ensure(
        users, title=title, meeting_day=meeting_day, sequence=sequence, deadline=add_working_days(meeting_day, -4), **plan
    )
    if created:
        advance(review, users, ReviewStatus.COLLECTING, notice_today=add_working_days(meeting_day, -12))
        at = local_at(add_working_days(meeting_day, -6), 10)
        for report in review.unit_reports.select_related("unit"):
            report_fill(report, users, submit=True, at=at)
        advance(review, users, ReviewStatus.PREPARING)
    return review, created


def _minutes_recorded(
    review: Review, users: dict[str, User], actions: list[tuple[str, str, dt.date]], meeting_day: dt.date, form_code: str | None = None
) -> Minutes:
    """Consolidated report finalised and minutes recorded (not signed) through the services."""
    secretary = users["thuky"]
    # The consolidated report the working day before the meeting; the minutes on the meeting's day.
    if not ConsolidatedReport.objects.filter(review=review).exists():
        with recorded_at(min(local_at(add_working_days(meeting_day, -1), 15), timezone.now())):
            report = services.consolidated_report_generate(review=review, actor=secretary)
            services.consolidated_report_finalise(report=report, actor=secretary)
    with recorded_at(min(local_at(meeting_day, 11, 30), timezone.now())):
        minutes = review.minutes.first() or services.minutes_create(review=review, actor=secretary, form_code=form_code)
    attendance = [
        {
            "id": a.pk,
            "user": a.user,
            "name": a.name,
            "title": a.title,
            "presence": MinutesAttendee.Presence.REPLACED if a.user and a.user.username == "dp.truong" else a.presence,
            "replaced_by": "Nguyễn Văn Hùng, Phó Trưởng phòng" if a.user and a.user.username == "dp.truong" else "",
        }
        for a in minutes.attendance.select_related("user")
    ]
    units = {u.code: u for u in Unit.objects.of(review.organisation_id)}
    rows = [{"description": d, "responsible_unit": units[code], "deadline": due} for d, code, due in actions if code in units]
    content = {f: getattr(minutes, f) for f in MINUTES_CONTENT_FIELDS}
    content.update(DEMO_TOPICS)
    content.update(
        started_at=local_at(meeting_day, 8),
        ended_at=local_at(meeting_day, 11, 15),
        chair=users["truongban"],
        secretary=secretary,
        location=review.location,
        conclusions="1. Tiếp tục sửa đổi, hoàn thiện các quy trình nghiệp vụ theo kế hoạch.\n"
        "2. Quán triệt việc tuân thủ các quy định, quy trình, biểu mẫu của HTQLCL.\n"
        "3. Bố trí nguồn lực cho số hóa hồ sơ.",
        recommendations="Các đơn vị rà soát lại các tài liệu bên ngoài và tập hợp đầy đủ theo yêu cầu công việc.",
        # QT.CTCL 5.8.1.2: the outputs under their three headings.
        outputs_improvement="Số hóa hồ sơ lưu trữ tại các đơn vị; rà soát, đơn giản hóa biểu mẫu của các quy trình.",
        outputs_changes="Sửa đổi quy trình nghiệp vụ theo các văn bản quy phạm pháp luật mới ban hành.",
        outputs_resources="Bố trí kinh phí và 01 máy quét tài liệu cho việc số hóa hồ sơ.",
    )
    with recorded_at(min(local_at(meeting_day, 11, 30), timezone.now())):
        services.minutes_save(
            minutes=minutes, actor=secretary, version=minutes.version, data=content, attendance=attendance, actions=rows, today=meeting_day
        )
    minutes.refresh_from_db()
    return minutes


def _signed(review: Review, users: dict[str, User], actions, meeting_day: dt.date, form_code: str | None = None) -> Minutes:
    minutes = _minutes_recorded(review, users, actions, meeting_day, form_code)
    signed_at = local_at(add_working_days(meeting_day, 1), 15)
    with recorded_at(signed_at):
        services.minutes_sign(minutes=minutes, actor=users["truongban"], password=DEMO_PASSWORD, secret=DEMO_PASSWORD, now=signed_at)
    minutes.refresh_from_db()
    return minutes


def _head_of(action: ReviewAction, users: dict[str, User]) -> User:
    return users[f"{action.responsible_unit.code.lower()}.truong"]


@transaction.atomic
def load_followup(users: dict[str, User]) -> dict[str, Review]:
    """Steps 5–10: a closed review of last year, a signed one under follow-up (one action done, one in
    progress, one overdue), and the minutes of the 'preparing' review waiting for the head's signature."""
    today = timezone.localdate()
    reviews: dict[str, Review] = {}

    day = add_working_days(add_years(today, -1), 0)
    review, created = _past_review(
        users, title=f"Họp xem xét của lãnh đạo về HTQLCL lần 1 năm {today.year - 1}", meeting_day=day, sequence=1
    )
    if created:
        minutes = _signed(
            review,
            users,
            [
                ("Sửa đổi quy trình kiểm soát hồ sơ QT.HT.02", "VP", day + dt.timedelta(days=60)),
                ("Tổ chức tập huấn ISO cho cán bộ mới", "NV", day + dt.timedelta(days=90)),
            ],
            day,
            form_code=MinutesForm.CTCL_02,
        )  # last year's meeting was minuted on QT.CTCL's form
        for action in minutes.actions.all():
            with recorded_at(local_at(action.deadline - dt.timedelta(days=5), 10)):
                services.action_complete(action=action, actor=_head_of(action, users), evidence="Đã thực hiện; hồ sơ lưu tại đơn vị.")
            with recorded_at(local_at(action.deadline - dt.timedelta(days=3), 10)):
                services.action_evidence_confirm(action=action, actor=users["thuky"], note="Đã kiểm tra hồ sơ tại đơn vị.")
        with recorded_at(local_at(day + dt.timedelta(days=100), 10)):
            services.review_close(review=review, actor=users["thuky"])
    reviews["closed"] = review

    day = add_working_days(today, -45)
    # Extraordinary: "lần trong năm" is unique per year and kind, and this year's periodic 1 and 2 are planned below.
    review, created = _past_review(
        users, title=f"Họp xem xét giữa kỳ về HTQLCL năm {today.year}", meeting_day=day, sequence=1, kind=Review.Kind.EXTRAORDINARY
    )
    if created:
        minutes = _signed(
            review,
            users,
            [
                ("Bố trí 01 máy quét tài liệu cho Phòng Nghiệp vụ", "VP", add_working_days(day, 20)),
                ("Cập nhật bảng phân tích rủi ro, cơ hội", "CSHTQT", add_working_days(today, 2)),
                ("Số hóa hồ sơ ISO năm trước", "NV", add_working_days(day, 35)),
                ("Xây dựng đề xuất phần mềm theo dõi hồ sơ ISO", "DP", add_working_days(today, 15)),
            ],
            day,
        )
        actions = {a.responsible_unit.code: a for a in minutes.actions.select_related("responsible_unit")}
        vp = actions["VP"]
        services.action_complete(action=vp, actor=_head_of(vp, users), evidence="Đã bàn giao máy quét ngày 12/10.")
        nv = actions["NV"]  # overdue: in progress, deadline passed
        services.action_progress_record(action=nv, actor=_head_of(nv, users), note="Đã số hóa 60% hồ sơ.", progress=60)
        dp = actions["DP"]
        services.action_progress_record(action=dp, actor=_head_of(dp, users), note="Đang khảo sát nhu cầu.", progress=20)
    overdue_action_ticket_ensure(review, users)  # before the next review's BM.HT.06.03 is generated
    reviews["signed"] = review

    preparing = (
        Review.objects.of(agency_of(users)).filter(status=ReviewStatus.PREPARING, title__contains="lần 1 năm").order_by("pk").first()
    )
    if preparing is not None and not preparing.minutes.exists():
        _minutes_recorded(
            preparing,
            users,
            [
                ("Hoàn thiện mục tiêu chất lượng năm sau", "VP", add_working_days(today, 30)),
            ],
            add_working_days(today, -1),
        )  # held on the last working day; the head can sign it now
    return reviews


def load(users: dict[str, User]) -> dict[str, Review]:
    """The entry point of `load_demo`: reviews in every state, from draft plans to a closed review."""
    reviews = load_planning(users)
    reviews.update(load_followup(users))
    from .demo_by_report import load as load_by_report  # noqa: PLC0415 — the review by report (QT.CTCL 5.8.2)

    reviews.update({f"by_report_{step}": review for step, review in load_by_report(users).items()})
    return reviews


@transaction.atomic
def load_small(users: dict[str, User]) -> dict[str, Review]:
    """The second agency (Sở Công Thương, users "sct.*" of qms.demo.load_small_agency): one review held,
    its minutes signed on the agency's own form (BM.CTCL.02), one decision under follow-up."""
    cast = {name.removeprefix("sct."): user for name, user in users.items() if name.startswith("sct.")}
    if "thuky" not in cast or "truongban" not in cast:
        return {}
    today = timezone.localdate()
    day = add_working_days(today, -20)
    review, created = _past_review(
        cast,
        title=f"Họp xem xét của lãnh đạo về HTQLCL năm {day.year} — Sở Công Thương",
        meeting_day=day,
        sequence=1,
        location="Phòng họp Sở Công Thương",
    )
    if created:
        _signed(review, cast, [("Rà soát, cập nhật quy trình cấp giấy phép kinh doanh", "QLTM", add_working_days(today, 20))], day)
    return {"signed": review}


# --- Corrective-action tickets from decided actions ---


def overdue_action_ticket_ensure(review: Review, users: dict[str, User]) -> None:
    """The overdue action of the signed review gets its corrective-action ticket, through the service
    (the secretary's one click); a second run finds the link and does nothing."""
    overdue = ReviewAction.objects.followed().filter(review=review).overdue().select_related("minutes", "review")
    for action in overdue.order_by("deadline", "pk")[:1]:
        if action.ticket_openable:
            services.review_action_ticket_open(action=action, actor=users["thuky"])
