"""Home-page panels of management review: what waits for the secretary, the committee head and the
units' heads. Registered in ReviewsConfig.ready()."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dashboard import Panel
from qms.dates import format_date
from qms.models import User
from qms.people import may_chair_reviews
from qms.roles import Role

from .models import ActionStatus, Minutes, MinutesStatus, Review, ReviewAction, ReviewStatus, UnitReport, UnitReportStatus
from .rules import can_read_followup_report
from .yearly import review_register

UNDER_WAY = [ReviewStatus.DRAFT, ReviewStatus.RETURNED, ReviewStatus.APPROVED, ReviewStatus.COLLECTING, ReviewStatus.PREPARING]


def review_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not isinstance(user, User):  # the home page asks only for signed-in users
        return []
    panels: list[Panel] = []
    if user.organisation_id is None:  # the provincial admin: no agency's work waits for them
        return panels
    own = Review.objects.of(user.organisation_id)
    if user.has_role(Role.SECRETARY):
        reviews = (
            own.filter(status__in=UNDER_WAY)
            .annotate(missing=Count("unit_reports", filter=~Q(unit_reports__status=UnitReportStatus.SUBMITTED)))
            .order_by("meeting_start")[:10]
        )
        items = []
        for review in reviews:
            badge = review.get_status_display()
            if review.status == ReviewStatus.COLLECTING:
                badge = _("thiếu %(n)d báo cáo") % {"n": review.missing} if review.missing else _("đủ báo cáo")
            url = reverse("reviews:board" if review.status == ReviewStatus.COLLECTING else "reviews:detail", args=[review.pk])
            items.append((f"{review.title} — {format_date(timezone.localtime(review.meeting_start))}", url, badge))
        panels.append(Panel(title=_("Cuộc họp xem xét đang triển khai"), items=items, more_url=reverse("reviews:list")))
    if may_chair_reviews(user):  # the organisation's chair approves the plan (qms.people)
        pending = own.filter(status=ReviewStatus.PENDING_APPROVAL).order_by("meeting_start")[:10]
        panels.append(
            Panel(
                title=_("Kế hoạch họp xem xét chờ phê duyệt"),
                items=[
                    (r.title, reverse("reviews:detail", args=[r.pk]), format_date(timezone.localtime(r.meeting_start))) for r in pending
                ],
            )
        )
    if user.has_role(Role.UNIT_HEAD, Role.FOCAL_POINT, Role.STAFF) and user.unit_id:
        reports = (
            UnitReport.objects.filter(
                unit_id=user.unit_id, review__organisation=user.organisation_id, review__status=ReviewStatus.COLLECTING
            )
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
                        _("hạn %(d)s") % {"d": format_date(r.review.report_deadline)},
                    )
                    for r in reports
                ],
            )
        )
    return panels


# Minutes waiting for the committee head's signature; actions of the unit head's unit coming due.


def followup_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    panels: list[Panel] = []
    if user.organisation is None:
        return panels
    # The minutes that record this user as chair (a chair of the organisation, or the plan's deputy).
    drafts = list(
        Minutes.objects.filter(organisation=user.organisation_id, status=MinutesStatus.DRAFT, chair=user).select_related("review")[:20]
    )
    if drafts or (may_chair_reviews(user) and user.has_role_perm("reviews.sign_minutes")):
        panels.append(
            Panel(
                title=_("Biên bản chờ ký"),
                items=[
                    (f"{m.review.title} (v{m.revision})", reverse("reviews:minutes_sign", args=[m.pk]), m.get_status_display())
                    for m in drafts
                ],
                empty_text=_("Không có biên bản nào chờ ký."),
            )
        )
    if user.has_role(Role.UNIT_HEAD, Role.FOCAL_POINT, Role.STAFF) and user.unit_id:
        today = timezone.localdate()
        # Every open action of the unit, soonest first, each with its deadline: one due in four weeks waits on
        # the unit as much as one due this week (the reminder e-mail, not the home page, uses the short horizon).
        actions = (
            ReviewAction.objects.visible_to(user)
            .followed()
            .open()
            .filter(responsible_unit=user.unit_id)
            .order_by("deadline", "pk")
            .select_related("review")[:20]
        )
        panels.append(
            Panel(
                title=_("Hành động sau họp xem xét của đơn vị"),
                items=[
                    (
                        str(a),
                        reverse("reviews:action_detail", args=[a.pk]),
                        _("Quá hạn %(d)s") % {"d": format_date(a.deadline)}
                        if a.deadline < today
                        else _("Hạn %(d)s") % {"d": format_date(a.deadline)},
                    )
                    for a in actions
                ],
                empty_text=_("Không có hành động nào đang thực hiện."),
                more_url=reverse("reviews:action_list"),
            )
        )
    return panels


# The register of reviews per year ("ít nhất 1 năm 1 lần"), and the follow-up report, for the secretary and
# the steering-committee head.


def register_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated or user.organisation_id is None:
        return []
    if not user.has_role(Role.SECRETARY, Role.COMMITTEE_HEAD):
        return []
    today = timezone.localdate()
    items = []
    for entry in review_register(user.organisation_id, this_year=today.year):
        parts = []
        kinds = ((_("định kỳ"), entry.periodic), (_("đột xuất"), entry.extraordinary), (_("thông qua báo cáo"), entry.by_report))
        for label, reviews in kinds:
            if reviews:
                numbers = ", ".join(f"{r.sequence} ({r.get_status_display().lower()})" for r in reviews)
                parts.append(_("%(kind)s lần %(numbers)s") % {"kind": label, "numbers": numbers})
        text = _("Năm %(y)d: %(what)s") % {"y": entry.year, "what": "; ".join(parts) if parts else _("không có cuộc họp")}
        badge = _("Đã họp") if entry.held else _("Chưa họp")
        items.append((text, f"{reverse('reviews:list')}?year={entry.year}", badge))
    panels = [Panel(title=_("Sổ theo dõi họp xem xét hằng năm"), items=items, more_url=reverse("reviews:list"))]
    if can_read_followup_report(user):
        overdue = ReviewAction.objects.followed().filter(review__organisation=user.organisation_id).overdue(today).count()
        reported = ReviewAction.objects.followed().filter(review__organisation=user.organisation_id, status=ActionStatus.REPORTED).count()
        panels.append(
            Panel(
                title=_("Báo cáo theo dõi thực hiện kết luận họp xem xét"),
                items=[
                    (_("Hành động quá hạn"), f"{reverse('reviews:action_list')}?overdue=true", str(overdue)),
                    (
                        _("Đơn vị báo hoàn thành, chờ Thư ký ISO xác nhận"),
                        f"{reverse('reviews:action_list')}?status=reported",
                        str(reported),
                    ),
                    (_("Mở báo cáo theo dõi (trang và PDF)"), reverse("reviews:followup"), ""),
                ],
            )
        )
    return panels
