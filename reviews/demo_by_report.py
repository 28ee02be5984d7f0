"""Demo of the review by report (QT.CTCL 5.8.2) in the first agency: one review at each step of its path, so
that every page and form of it is shown (the report drafted, awaiting approval, in its comment round; the
result notice drafted, with the Lãnh đạo Ban ISO, with the top leader). Idempotent: keyed by title."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from qms.models import User
from qms.workdays import add_working_days

from .models import BY_REPORT_INPUT_FIELDS, OutputHeading, Review
from .services import by_report as services

STEPS = ["draft", "pending", "comments", "notice_draft", "notice_submitted", "notice_forwarded"]
TITLES = {
    "draft": "Xem xét thông qua báo cáo — báo cáo đang lập",
    "pending": "Xem xét thông qua báo cáo — chờ Lãnh đạo Ban ISO phê duyệt",
    "comments": "Xem xét thông qua báo cáo — đang lấy ý kiến",
    "notice_draft": "Xem xét thông qua báo cáo — thông báo kết quả dự thảo",
    "notice_submitted": "Xem xét thông qua báo cáo — thông báo chờ Lãnh đạo Ban ISO trình",
    "notice_forwarded": "Xem xét thông qua báo cáo — thông báo chờ Lãnh đạo cao nhất phê duyệt",
}
INPUT_TEXT = "Đã rà soát; nội dung chi tiết theo hồ sơ của Thư ký ISO."


def load(users: dict[str, User]) -> dict[str, Review]:
    secretary, head, leader = users.get("thuky"), users.get("truongban"), users.get("lanhdao")
    if secretary is None or head is None or leader is None or secretary.unit is None:
        return {}
    done: dict[str, Review] = {}
    for position, step in enumerate(STEPS):
        existing = Review.objects.filter(organisation=secretary.organisation_id, kind=Review.Kind.BY_REPORT, title=TITLES[step]).first()
        if existing is not None:
            done[step] = existing
            continue
        review = services.by_report_create(actor=secretary, title=TITLES[step], year=timezone.localdate().year)
        report = review.by_report
        data = {name: getattr(report, name) or INPUT_TEXT for name in BY_REPORT_INPUT_FIELDS}
        services.by_report_save(report=report, actor=secretary, version=report.version, data=data)
        if position >= 1:
            services.by_report_submit(report=review.by_report, actor=secretary)
        if position >= 2:
            services.by_report_approve(report=review.by_report, actor=head)
            if "thanhvien" in users:
                services.by_report_comment(report=review.by_report, actor=users["thanhvien"], text=_("Nhất trí với báo cáo."))
        if position >= 3:
            notice = services.result_notice_create(review=review, actor=secretary)
            rows = [
                {
                    "description": "Số hóa hồ sơ một cửa của Văn phòng",
                    "responsible_unit": secretary.unit,
                    "deadline": add_working_days(timezone.localdate(), 40, review.organisation_id),
                    "output_heading": OutputHeading.IMPROVEMENT,
                }
            ]
            content = {
                "comments_summary": notice.comments_summary,
                "conclusions": "HTQLCL được duy trì, vận hành phù hợp và có hiệu lực.",
                "outputs_changes": "Không có.",
                "outputs_resources": "Không có.",
            }
            services.result_notice_save(notice=notice, actor=secretary, version=notice.version, data=content, actions=rows)
            if position >= 4:
                services.result_notice_submit(notice=notice, actor=secretary)
            if position >= 5:
                services.result_notice_forward(notice=notice, actor=head)
        review.refresh_from_db()
        done[step] = review
    return done
