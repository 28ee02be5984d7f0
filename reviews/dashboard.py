"""Home-page panels of management review: what waits for the secretary, the committee head and the
units' heads. Registered in ReviewsConfig.ready()."""
from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dashboard import Panel
from qms.roles import Role

from .models import Review, ReviewStatus, UnitReport, UnitReportStatus

UNDER_WAY = [ReviewStatus.DRAFT, ReviewStatus.RETURNED, ReviewStatus.APPROVED, ReviewStatus.COLLECTING, ReviewStatus.PREPARING]


def review_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels: list[Panel] = []
    if user.has_role(Role.SECRETARY):
        reviews = (
            Review.objects.filter(status__in=UNDER_WAY)
            .annotate(missing=Count("unit_reports", filter=~Q(unit_reports__status=UnitReportStatus.SUBMITTED)))
            .order_by("meeting_start")[:10]
        )
        items = []
        for review in reviews:
            badge = review.get_status_display()
            if review.status == ReviewStatus.COLLECTING:
                badge = _("thiếu %(n)d báo cáo") % {"n": review.missing} if review.missing else _("đủ báo cáo")
            url = reverse("reviews:board" if review.status == ReviewStatus.COLLECTING else "reviews:detail", args=[review.pk])
            items.append((f"{review.title} — {timezone.localtime(review.meeting_start):%d/%m/%Y}", url, badge))
        panels.append(Panel(title=_("Cuộc họp xem xét đang triển khai"), items=items, more_url=reverse("reviews:list")))
    if user.has_role(Role.COMMITTEE_HEAD):
        pending = Review.objects.filter(status=ReviewStatus.PENDING_APPROVAL).order_by("meeting_start")[:10]
        panels.append(
            Panel(
                title=_("Kế hoạch họp xem xét chờ phê duyệt"),
                items=[(r.title, reverse("reviews:detail", args=[r.pk]), timezone.localtime(r.meeting_start).strftime("%d/%m/%Y")) for r in pending],
            )
        )
    if user.has_role(Role.UNIT_HEAD) and user.unit_id:
        reports = (
            UnitReport.objects.filter(unit_id=user.unit_id, review__status=ReviewStatus.COLLECTING)
            .exclude(status=UnitReportStatus.SUBMITTED)
            .select_related("review")
            .order_by("review__report_deadline")
        )
        panels.append(
            Panel(
                title=_("Báo cáo HTQLCL đơn vị cần nộp"),
                items=[
                    (
                        f"{r.review.title} — {r.get_status_display()}",
                        reverse("reviews:report_edit", args=[r.pk]),
                        _("hạn %(d)s") % {"d": r.review.report_deadline.strftime("%d/%m/%Y")},
                    )
                    for r in reports
                ],
            )
        )
    return panels
