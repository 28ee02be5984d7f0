"""The daily sweep of the review by report's comment round (QT.CTCL 5.8.2.1): each person asked for a
comment who has not answered is reminded once, from the working day before the deadline (also after it,
if the sweep did not run that day), while the round is open. Claimed once (qms.services.reminder_claim),
even if sweeps overlap or run again the same day."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qms.dates import format_date
from qms.messages import N_
from qms.services import notification_send, reminder_claim
from qms.workdays import previous_working_day

from .models import RESULT_NOTICE_EDITABLE_STATES, ByReportComment, ResultNoticeStatus, ReviewStatus
from .selectors_by_report import by_report_url

CLOSED_NOTICE_STATES = [s for s in ResultNoticeStatus.values if s not in RESULT_NOTICE_EDITABLE_STATES]


def comment_reminders_sweep(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    waiting = (
        ByReportComment.objects.filter(
            answered_at__isnull=True, report__review__status=ReviewStatus.APPROVED, report__comment_deadline__isnull=False
        )
        .exclude(report__review__result_notice__status__in=CLOSED_NOTICE_STATES)
        .select_related("report__review", "reviewer")
    )
    for comment in waiting:
        report, review = comment.report, comment.report.review
        deadline = report.comment_deadline
        assert deadline is not None  # filtered above
        if today < previous_working_day(deadline, review.organisation_id) or comment.reviewer.organisation_id != review.organisation_id:
            continue
        with transaction.atomic():  # the claim, the inbox row and the e-mail commit together
            if not reminder_claim(f"review-by-report:{report.pk}:comment:{comment.reviewer_id}"):
                continue
            notification_send(
                recipients=[comment.reviewer],
                subject=N_("Nhắc cho ý kiến về báo cáo kết quả vận hành HTQLCL (hạn %(d)s)") % {"d": format_date(deadline)},
                body=N_("%(t)s.") % {"t": review.title},
                url=by_report_url(review),
            )
        sent += 1
    return sent
