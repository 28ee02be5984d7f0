"""Steps 9–10 on screen: the decided actions, their progress, completion, reopening, cancelling and
tickets, and the close of the review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qms.errors import ServiceError
from qms.http import AuthenticatedHttpRequest, file_download, safe_next
from qms.roles import role_permission_required
from qms.services import audit_trail

from .. import rules, services
from ..filters import ReviewActionFilter
from ..followup_report import FOLLOWUP_AGENCY, FOLLOWUP_REVIEW, FollowupReport, followup_report
from ..followup_report import followup_report_pdf as followup_report_pdf_bytes
from ..forms import ActionCompleteForm, ActionDecisionForm, ActionProgressForm, ResourceAnswerForm, ResourceRequestForm
from ..models import ActionUpdate, ResourceRequest, Review, ReviewAction


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def review_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.visible_to(request.user), pk=pk)
    try:
        services.review_close(review=review, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Cuộc họp xem xét đã hoàn thành."))
    return redirect("reviews:detail", pk=pk)


@login_required
@role_permission_required("reviews.view_reviewaction")
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actions = (
        ReviewAction.objects.visible_to(request.user)
        .followed()
        .select_related("review", "responsible_unit", "minutes", "result_notice", "ticket")
    )
    filterset = ReviewActionFilter(request.GET, queryset=actions, request=request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "can_open_tickets": rules.can_open_action_tickets(request.user),
        "can_read_followup_report": rules.can_read_followup_report(request.user),
    }
    return render(request, "reviews/action_list.html", context)


def _visible_action(request: AuthenticatedHttpRequest, pk: int) -> ReviewAction:
    qs = ReviewAction.objects.visible_to(request.user).select_related(
        "review", "responsible_unit", "minutes", "result_notice", "ticket", "risk__unit"
    )
    return get_object_or_404(qs, pk=pk)


def _action_page(request: AuthenticatedHttpRequest, action: ReviewAction, *, status: int = 200, **forms: forms.Form) -> HttpResponse:
    context = {
        "action": action,
        "review": action.review,
        "updates": action.updates.select_related("author"),
        "actions": rules.action_actions(action, request.user),
        "can_open_ticket": rules.can_open_action_tickets(request.user) and action.ticket_openable,
        "can_record_risk": bool(rules.action_risk_scopes(request.user, action)),
        "progress_form": forms.get("progress_form") or ActionProgressForm(initial={"progress": action.progress}),
        "complete_form": forms.get("complete_form") or ActionCompleteForm(),
        "decision_form": forms.get("decision_form") or ActionDecisionForm(),
        "resource_form": forms.get("resource_form") or ResourceRequestForm(),
        "answer_form": ResourceAnswerForm(),
        "resource_requests": action.resource_requests.select_related("requested_by", "answered_by"),
        "can_answer_resources": rules.can_answer_resource_requests(request.user),
        "audit_entries": audit_trail(action),
    }
    return render(request, "reviews/action_detail.html", context, status=status)


@login_required
@role_permission_required("reviews.view_reviewaction")
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action_page(request, _visible_action(request, pk))


def _reported_action(request: AuthenticatedHttpRequest, pk: int) -> ReviewAction:
    """The action, if the user is one of its responsible unit's people: others get 403, not a form error."""
    action = _visible_action(request, pk)
    if not rules.can_report_action(request.user, action):
        raise PermissionDenied
    return action


def _evidence_file(data: dict[str, Any]) -> Any:
    return data.get("evidence_file") or None


@login_required
@role_permission_required("reviews.view_reviewaction")
@require_POST
def action_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _reported_action(request, pk)
    form = ActionProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_progress_record(
                action=action, actor=request.user, note=data["note"], progress=data["progress"], evidence_file=_evidence_file(data)
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã ghi nhận tiến độ."))
            return redirect("reviews:action_detail", pk=pk)
    return _action_page(request, action, status=400, progress_form=form)


@login_required
@role_permission_required("reviews.view_reviewaction")
@require_POST
def action_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _reported_action(request, pk)
    if not rules.can_complete_action(request.user, action):  # staff and a focal point not named by the head
        raise PermissionDenied
    form = ActionCompleteForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_complete(action=action, actor=request.user, evidence=data["evidence"], evidence_file=_evidence_file(data))
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã báo hoàn thành hành động."))
            return redirect("reviews:action_detail", pk=pk)
    return _action_page(request, action, status=400, complete_form=form)


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def action_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _visible_action(request, pk)
    form = ActionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["note"])))
        return redirect("reviews:action_detail", pk=pk)
    try:
        services.action_reopen(action=action, actor=request.user, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã mở lại hành động."))
    return redirect("reviews:action_detail", pk=pk)


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def action_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _visible_action(request, pk)
    form = ActionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["note"])))
        return redirect("reviews:action_detail", pk=pk)
    try:
        services.action_cancel(action=action, actor=request.user, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã hủy hành động."))
    return redirect("reviews:action_detail", pk=pk)


@login_required
@role_permission_required("reviews.view_reviewaction")
def action_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    actions = ReviewAction.objects.visible_to(request.user).values("pk")
    update = get_object_or_404(ActionUpdate, pk=pk, action__in=actions)
    if not update.evidence_file:
        raise Http404
    return file_download(request, update.evidence_file)


@login_required
@role_permission_required("reviews.follow_up_actions")
@require_POST
def action_ticket_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One click: the decided action gets its ticket BM.CTCL.01; back to the page the click came from."""
    action = _visible_action(request, pk)
    if not rules.can_open_action_tickets(request.user):
        raise PermissionDenied
    try:
        ticket = services.review_action_ticket_open(action=action, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã mở phiếu HĐKP/cải tiến số %(n)s; phiếu chờ Thư ký ISO tổng hợp.") % {"n": ticket.number_display})
    return safe_next(request, reverse("reviews:action_detail", args=[pk]))


# --- The secretary confirms or returns the evidence of an action the unit reported done ---


def _secretary_decision(request: AuthenticatedHttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    action = _visible_action(request, pk)
    form = ActionDecisionForm(request.POST)
    note_required = service is services.action_evidence_return
    if note_required and not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["note"])))
        return redirect("reviews:action_detail", pk=pk)
    note = (request.POST.get("note") or "").strip()[:2000]
    try:
        service(action=action, actor=request.user, note=note)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("reviews:action_detail", pk=pk)


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def action_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _secretary_decision(request, pk, services.action_evidence_confirm, _("Đã xác nhận hoàn thành hành động."))


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def action_return_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _secretary_decision(request, pk, services.action_evidence_return, _("Đã trả lại bằng chứng cho đơn vị."))


# --- Resource requests: the unit asks, the steering-committee head answers ---


@login_required
@role_permission_required("reviews.add_resourcerequest")
@require_POST
def resource_request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _visible_action(request, pk)
    if not rules.can_request_resources(request.user, action):
        raise PermissionDenied
    form = ResourceRequestForm(request.POST)
    if form.is_valid():
        try:
            services.resource_request_create(action=action, actor=request.user, description=form.cleaned_data["description"])
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã gửi đề nghị nguồn lực tới Trưởng ban chỉ đạo ISO."))
            return redirect("reviews:action_detail", pk=pk)
    return _action_page(request, action, status=400, resource_form=form)


@login_required
@role_permission_required("reviews.answer_resource_request")
@require_POST
def resource_request_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resource_request = get_object_or_404(ResourceRequest.objects.visible_to(request.user).select_related("action"), pk=pk)
    if not rules.can_answer_resource_requests(request.user):
        raise PermissionDenied
    form = ResourceAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reviews:action_detail", pk=resource_request.action_id)
    try:
        services.resource_request_answer(
            request=resource_request, actor=request.user, answer=form.cleaned_data["answer"], note=form.cleaned_data["note"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã trả lời đề nghị nguồn lực."))
    return redirect("reviews:action_detail", pk=resource_request.action_id)


# --- The follow-up report to the steering-committee head (page and PDF) ---


def _followup_report(request: AuthenticatedHttpRequest, pk: int | None) -> FollowupReport:
    if not rules.can_read_followup_report(request.user) or request.user.organisation is None:
        raise PermissionDenied
    review = get_object_or_404(Review.objects.visible_to(request.user), pk=pk) if pk is not None else None
    return followup_report(organisation=request.user.organisation, review=review)


@require_safe
@login_required
@role_permission_required("reviews.follow_up_actions")
def followup_report_page(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    report = _followup_report(request, pk)
    pdf_url = reverse("reviews:followup_review_pdf", args=[pk]) if pk is not None else reverse("reviews:followup_pdf")
    return render(request, "reviews/followup_report.html", {"report": report, "totals": report.totals, "pdf_url": pdf_url})


@require_safe
@login_required
@role_permission_required("reviews.follow_up_actions")
def followup_report_pdf(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    report = _followup_report(request, pk)
    response = HttpResponse(followup_report_pdf_bytes(report), content_type="application/pdf")
    code = FOLLOWUP_REVIEW if pk is not None else FOLLOWUP_AGENCY
    name = f"{code}-{pk if pk is not None else report.organisation.pk}-{report.today.isoformat()}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response
