"""Steps 1–4 on screen: the list, the review page, the plan and its approval, the notice and the board of
the units' reports. One small view per button: check the permission, load the review the user may see,
call one service, say how it went, go back to the review."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from qms.errors import ServiceError
from qms.http import AuthenticatedHttpRequest
from qms.roles import role_permission_required
from qms.services import audit_trail
from qms.tenancy import is_overseer

from .. import rules, rules_by_report, selectors, services
from ..filters import ReviewFilter
from ..forms import CommentForm, RequiredCommentForm, ReviewPlanForm
from ..models import ConsolidatedReport, Review, UnitReport, UnitReportStatus


class HtmxRequest(AuthenticatedHttpRequest):
    htmx: HtmxDetails


@login_required
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    reviews = (
        Review.objects.visible_to(request.user)
        .select_related("organisation")
        .annotate(
            n_reports=Count("unit_reports", distinct=True),
            n_submitted=Count("unit_reports", filter=Q(unit_reports__status=UnitReportStatus.SUBMITTED), distinct=True),
        )
        .order_by("-meeting_start", "-pk")
    )
    filterset = ReviewFilter(request.GET, queryset=reviews)
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "can_plan": rules.can_plan(request.user),
        "can_by_report": rules_by_report.can_manage_by_report(request.user),
        "show_agency": is_overseer(request.user),
    }
    return render(request, "reviews/list.html", context)


def _visible_review(request: AuthenticatedHttpRequest, pk: int) -> Review:
    return get_object_or_404(Review.objects.visible_to(request.user).select_related("organisation", "created_by", "approved_by"), pk=pk)


@login_required
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    if review.kind == Review.Kind.BY_REPORT:  # no plan, notice or minutes: its own page (QT.CTCL 5.8.2)
        return redirect("reviews:by_report", pk=pk)
    user = request.user
    reports = review.unit_reports.select_related("unit", "submitted_by")
    context = {
        "review": review,
        "reports": reports,
        "readable_reports": set(UnitReport.objects.visible_to(user).filter(review=review).values_list("pk", flat=True)),
        "notice_symbol": review.organisation.notice_symbol,
        "my_report": next((r for r in reports if r.unit_id == user.unit_id), None) if user.has_role(*rules.UNIT_PEOPLE) else None,
        "attendees": review.attendees.select_related("unit"),
        "units": review.units.all(),
        "who_next": review.next_step(),
        "actions": rules.review_actions(review, user),
        "earliest_meeting": selectors.review_notice_earliest_meeting_date(organisation=review.organisation),
        "comment_form": CommentForm(),
        "return_form": RequiredCommentForm(),
        "audit_entries": audit_trail(review),
    }
    return render(request, "reviews/detail.html", context)


@login_required
@role_permission_required("reviews.plan_review")
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReviewPlanForm(request.POST or None, organisation=request.user.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_plan_create(actor=request.user, data=form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Đã lưu dự thảo kế hoạch."))
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/plan_form.html", {"form": form})


@login_required
@role_permission_required("reviews.plan_review")
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    if not review.is_plan_editable:
        messages.error(request, _("Kế hoạch đã trình hoặc đã được phê duyệt nên không sửa được."))
        return redirect("reviews:detail", pk=pk)
    form = ReviewPlanForm(request.POST or None, instance=review, organisation=review.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_plan_update(
                review=review, actor=request.user, data=form.cleaned_data, version=form.cleaned_data["version"] or 0
            )
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("reviews:detail", pk=pk)
    return render(request, "reviews/plan_form.html", {"form": form, "review": review})


@login_required
@role_permission_required("reviews.plan_review")
@require_POST
def plan_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    try:
        services.review_plan_submit(review=review, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã trình kế hoạch để phê duyệt."))
    return redirect("reviews:detail", pk=pk)


@login_required
@role_permission_required("reviews.plan_review")
@require_POST
def plan_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    try:
        services.review_plan_reopen(review=review, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Kế hoạch đã trở lại dự thảo để điều chỉnh."))
    return redirect("reviews:detail", pk=pk)


@login_required
@role_permission_required("reviews.approve_review")
@require_POST
def plan_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["comment"])))
        return redirect("reviews:detail", pk=pk)
    try:
        services.review_plan_approve(review=review, actor=request.user, comment=form.cleaned_data["comment"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã phê duyệt kế hoạch."))
    return redirect("reviews:detail", pk=pk)


@login_required
@role_permission_required("reviews.approve_review")
@require_POST
def plan_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    form = RequiredCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["comment"])))
        return redirect("reviews:detail", pk=pk)
    try:
        services.review_plan_return(review=review, actor=request.user, comment=form.cleaned_data["comment"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã trả lại kế hoạch cho Thư ký ISO."))
    return redirect("reviews:detail", pk=pk)


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def notice_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    try:
        services.review_notice_issue(review=review, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã phát hành thông báo họp và gửi đến thành phần tham dự."))
    return redirect("reviews:detail", pk=pk)


@login_required
@role_permission_required("reviews.manage_review")
def review_board(request: HtmxRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    reports = review.unit_reports.select_related("unit", "submitted_by")
    context = {
        "review": review,
        "reports": reports,
        "counts": _board_counts(reports),
        "can_close_collection": "close_collection" in rules.review_actions(review, request.user),
    }
    template = "reviews/_board_table.html" if request.htmx else "reviews/board.html"
    return render(request, template, context)


def _board_counts(reports: Iterable[UnitReport]) -> dict[str, int]:
    """Late is judged on the first submission (UnitReport.is_late): a unit first submitted late stays late
    while its report is returned for revision, and one that first submitted in time never becomes late."""
    counts = {"total": 0, "submitted": 0, "late": 0, "waiting": 0}
    for report in reports:
        counts["total"] += 1
        counts["late"] += report.is_late
        if report.is_submitted:
            counts["submitted"] += 1
        else:
            counts["waiting"] += 1
    return counts


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def collection_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    preview = ConsolidatedReport.objects.filter(review=review).select_related("review").first()
    staleness = selectors.consolidated_staleness(preview) if preview is not None else None
    try:
        services.review_collection_close(review=review, actor=request.user, reason=request.POST.get("reason", "")[:1000])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đóng thu báo cáo."))
        if preview is not None and staleness is not None:
            preview.refresh_from_db()
            if selectors.consolidated_staleness(preview) is None:  # the service rebuilt the preview
                messages.info(request, _("Báo cáo tổng hợp lập trong lúc thu báo cáo đã được lập lại từ các báo cáo đã nộp."))
            else:  # left as it is: rebuilding it would have replaced the secretary's edits
                messages.warning(
                    request,
                    _(
                        "Báo cáo tổng hợp lập trong lúc thu báo cáo chưa cập nhật theo các báo cáo đã nộp và có mục đã "
                        "biên tập: hãy mở báo cáo tổng hợp và chọn “Lập lại”."
                    ),
                )
    return redirect("reviews:detail", pk=pk)
