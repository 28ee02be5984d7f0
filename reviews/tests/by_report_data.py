"""Arrangements for the review by report's tests (QT.CTCL 5.8.2): each step through the services."""

import datetime as dt

from django.utils import timezone

from reviews.models import BY_REPORT_INPUT_FIELDS, OutputHeading
from reviews.services import by_report as services

FILLED_INPUTS = {name: f"Nội dung đầu vào “{name}”: đã rà soát, đạt yêu cầu." for name in BY_REPORT_INPUT_FIELDS}


def drafted(secretary, *, title="Xem xét của lãnh đạo về HTQLCL năm nay (thông qua báo cáo)"):
    review = services.by_report_create(actor=secretary, title=title, year=timezone.localdate().year)
    return review


def filled(secretary, **kwargs):
    review = drafted(secretary, **kwargs)
    report = review.by_report
    services.by_report_save(report=report, actor=secretary, version=report.version, data=FILLED_INPUTS)
    review.refresh_from_db()
    return review


def submitted(secretary, **kwargs):
    review = filled(secretary, **kwargs)
    services.by_report_submit(report=review.by_report, actor=secretary)
    review.refresh_from_db()
    return review


def approved(secretary, committee_head, *, working_days=5, **kwargs):
    review = submitted(secretary, **kwargs)
    services.by_report_approve(report=review.by_report, actor=committee_head, working_days=working_days)
    review.refresh_from_db()
    return review


def notice_rows(unit, *, days: int = 30, heading=OutputHeading.IMPROVEMENT, description="Rà soát, cập nhật quy trình QT.CTCL"):
    return [
        {
            "description": description,
            "responsible_unit": unit,
            "deadline": timezone.localdate() + dt.timedelta(days=days),
            "output_heading": heading,
        }
    ]


NOTICE_CONTENT = {
    "comments_summary": "Lãnh đạo cao nhất nhất trí với báo cáo.",
    "conclusions": "HTQLCL được duy trì, vận hành phù hợp và có hiệu lực.",
    "outputs_improvement": "",
    "outputs_changes": "Không có.",
    "outputs_resources": "Bố trí kinh phí đào tạo chuyên gia đánh giá nội bộ.",
}


def drafted_notice(review, secretary, unit, **content):
    notice = services.result_notice_create(review=review, actor=secretary)
    services.result_notice_save(
        notice=notice, actor=secretary, version=notice.version, data={**NOTICE_CONTENT, **content}, actions=notice_rows(unit)
    )
    notice.refresh_from_db()
    return notice


def forwarded_notice(review, secretary, committee_head, unit):
    notice = drafted_notice(review, secretary, unit)
    services.result_notice_submit(notice=notice, actor=secretary)
    services.result_notice_forward(notice=notice, actor=committee_head)
    return notice


def approved_notice(secretary, committee_head, top_leader, unit, **kwargs):
    review = approved(secretary, committee_head, **kwargs)
    notice = forwarded_notice(review, secretary, committee_head, unit)
    services.result_notice_approve(notice=notice, actor=top_leader)
    review.refresh_from_db()
    notice.refresh_from_db()
    return review, notice
