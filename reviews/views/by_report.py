"""The review by report on screen (QT.CTCL 5.8.2): the secretary's report, its approval and comment round,
the result notice, its approval, and the two PDFs. Each view fetches through visible_to, asks
reviews.rules_by_report for the buttons and calls one service of reviews.services.by_report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qms.errors import NotAllowed, ServiceError
from qms.http import AuthenticatedHttpRequest
from qms.pdf_cache import pdf_download
from qms.roles import role_permission_required
from qms.services import audit_trail

from .. import pdf_by_report, rules_by_report
from ..forms import CommentForm, ReviewActionFormSet
from ..forms_by_report import ByReportApproveForm, ByReportCommentForm, ByReportCreateForm, ByReportForm, ResultNoticeForm
from ..models import BY_REPORT_INPUT_FIELDS, BY_REPORT_STATE_LABELS, RESULT_NOTICE_CONTENT_FIELDS, ResultNotice, ReviewByReport
from ..selectors_by_report import comment_round
from ..services import by_report as services


def _report(request: AuthenticatedHttpRequest, pk: int) -> ReviewByReport:
    """The report of review `pk`, if the user may read it (else 404)."""
    visible = ReviewByReport.objects.visible_to(request.user).select_related(
        "review__organisation", "approved_by", "created_by", "updated_by", "review__result_notice"
    )
    return get_object_or_404(visible, review_id=pk)


def _notice(request: AuthenticatedHttpRequest, pk: int) -> ResultNotice:
    report = _report(request, pk)
    notice = ResultNotice.objects.select_related("review__organisation", "approved_by", "forwarded_by").filter(review_id=pk).first()
    if notice is None or not rules_by_report.notice_visible(notice, request.user):
        raise Http404
    notice.review.by_report = report  # already loaded: the notice page reads its dates
    return notice


@login_required
@role_permission_required("reviews.manage_by_report")
def by_report_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ByReportCreateForm(request.POST or None, initial=ByReportCreateForm.initial_for())
    if request.method == "POST" and form.is_valid():
        try:
            review = services.by_report_create(actor=request.user, title=form.cleaned_data["title"], year=form.cleaned_data["year"])
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã lập báo cáo, điền sẵn từ dữ liệu của hệ thống: hãy rà soát và bổ sung."))
            return redirect("reviews:by_report_edit", pk=review.pk)
    return render(request, "reviews/by_report/create.html", {"form": form})


@login_required
@role_permission_required("reviews.view_reviewbyreport")
def by_report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    review, user = report.review, request.user
    comments = comment_round(report)
    mine = next((c for c in comments if c.reviewer_id == user.pk), None)
    notice = getattr(review, "result_notice", None)
    round_open = services.comment_round_open(report)
    context = {
        "report": report,
        "review": review,
        "state_label": BY_REPORT_STATE_LABELS.get(review.status, ""),
        "inputs": report.inputs(),
        "comments": comments if rules_by_report.can_follow_comments(user) else None,
        "answered": sum(1 for c in comments if c.is_answered),
        "my_comment": mine,
        "round_open": round_open,
        "notice": notice if notice is not None and rules_by_report.notice_visible(notice, user) else None,
        "actions": rules_by_report.by_report_actions(report, user, my_comment=mine, round_open=round_open, notice=notice),
        "approve_form": ByReportApproveForm(),
        "comment_form": ByReportCommentForm(initial={"text": mine.text if mine else ""}),
        "audit_entries": _relabelled(audit_trail(review)),
    }
    return render(request, "reviews/by_report/detail.html", context)


def _relabelled(entries: list) -> list:
    """The review's moves named as the by-report path names its states (the field's labels speak of a meeting)."""
    for entry in entries:
        entry.from_label = BY_REPORT_STATE_LABELS.get(entry.from_state, entry.from_label)
        entry.to_label = BY_REPORT_STATE_LABELS.get(entry.to_state, entry.to_label)
    return entries


@login_required
@role_permission_required("reviews.manage_by_report")
def by_report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not report.is_editable:
        messages.error(request, _("Báo cáo đã trình hoặc đã được phê duyệt nên không sửa được."))
        return redirect("reviews:by_report", pk=pk)
    initial = {
        "version": report.version,
        "unit_reports_summary": report.unit_reports_summary,
        **{f: getattr(report, f) for f in BY_REPORT_INPUT_FIELDS},
    }
    form = ByReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.by_report_save(report=report, actor=request.user, version=form.cleaned_data["version"], data=form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lưu báo cáo."))
            return redirect("reviews:by_report", pk=pk)
    return render(request, "reviews/by_report/form.html", {"form": form, "report": report, "review": report.review})


def _run(request: AuthenticatedHttpRequest, pk: int, call: Any, done: str, target: str = "reviews:by_report") -> HttpResponse:
    try:
        call()
    except NotAllowed:
        raise  # the role or person the transition table names is not this user: Django's 403
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(target, pk=pk)


@login_required
@role_permission_required("reviews.manage_by_report")
@require_POST
def by_report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return _run(
        request, pk, lambda: services.by_report_submit(report=report, actor=request.user), _("Đã trình Lãnh đạo Ban ISO phê duyệt báo cáo.")
    )


@login_required
@role_permission_required("reviews.approve_by_report")
@require_POST
def by_report_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ByReportApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reviews:by_report", pk=pk)
    days = form.cleaned_data["working_days"]
    return _run(
        request,
        pk,
        lambda: services.by_report_approve(report=report, actor=request.user, working_days=days),
        _("Đã phê duyệt báo cáo và gửi Lãnh đạo cao nhất, các thành viên Ban ISO cho ý kiến."),
    )


@login_required
@role_permission_required("reviews.approve_by_report")
@require_POST
def by_report_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = CommentForm(request.POST)  # its length limit; the service refuses an empty comment in its own words
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["comment"])))
        return redirect("reviews:by_report", pk=pk)
    comment = form.cleaned_data["comment"]
    return _run(
        request, pk, lambda: services.by_report_return(report=report, actor=request.user, comment=comment), _("Đã trả lại báo cáo.")
    )


@login_required
@role_permission_required("reviews.comment_by_report")
@require_POST
def by_report_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ByReportCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reviews:by_report", pk=pk)
    text = form.cleaned_data["text"]
    return _run(request, pk, lambda: services.by_report_comment(report=report, actor=request.user, text=text), _("Đã gửi ý kiến."))


# --- The result notice ---


@login_required
@role_permission_required("reviews.manage_by_report")
@require_POST
def result_notice_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        services.result_notice_create(review=report.review, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:by_report", pk=pk)
    return redirect("reviews:result_notice_edit", pk=pk)


@login_required
@role_permission_required("reviews.view_resultnotice")
def result_notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    context = {
        "notice": notice,
        "review": notice.review,
        "outputs": notice.outputs(),
        "missing": notice.missing_outputs() if notice.is_editable else [],
        "actions": rules_by_report.notice_actions(notice, request.user),
        "audit_entries": audit_trail(notice),
    }
    return render(request, "reviews/by_report/notice_detail.html", context)


def _action_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    return [
        f.cleaned_data
        for f in formset.forms
        if (f.has_changed() or f.cleaned_data.get("id")) and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
@role_permission_required("reviews.manage_by_report")
def result_notice_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    if "edit" not in rules_by_report.notice_actions(notice, request.user):
        messages.error(request, _("Thông báo đã trình hoặc đã được phê duyệt nên không sửa được."))
        return redirect("reviews:result_notice", pk=pk)
    existing = list(notice.actions.all())
    data = request.POST if request.method == "POST" else None
    form = ResultNoticeForm(data, initial={"version": notice.version, **{f: getattr(notice, f) for f in RESULT_NOTICE_CONTENT_FIELDS}})
    actions = ReviewActionFormSet(
        data,
        prefix="act",
        form_kwargs={"kept_deadlines": {a.pk: a.deadline for a in existing}, "organisation": notice.review.organisation_id},
        initial=[
            {
                "id": a.pk,
                "description": a.description,
                "responsible_unit": a.responsible_unit_id,
                "deadline": a.deadline,
                "output_heading": a.output_heading,
            }
            for a in existing
        ],
    )
    # The units are read once for every row (a row's select would read them again): a flat page.
    unit_choices: list = []
    for i, row in enumerate(actions.forms):
        field = row.fields["responsible_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        if i == 0:
            unit_choices = list(field.choices)  # type: ignore[arg-type]  # a ModelChoiceIterator here
        field.choices = unit_choices
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        try:
            services.result_notice_save(
                notice=notice,
                actor=request.user,
                version=form.cleaned_data["version"],
                data=form.cleaned_data,
                actions=_action_rows(actions),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lưu thông báo kết quả."))
            return redirect("reviews:result_notice", pk=pk)
    return render(
        request, "reviews/by_report/notice_form.html", {"form": form, "actions": actions, "notice": notice, "review": notice.review}
    )


@login_required
@role_permission_required("reviews.manage_by_report")
@require_POST
def result_notice_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    call = lambda: services.result_notice_submit(notice=notice, actor=request.user)  # noqa: E731
    return _run(request, pk, call, _("Đã trình Lãnh đạo Ban ISO thông báo kết quả."), "reviews:result_notice")


@login_required
@role_permission_required("reviews.approve_by_report")
@require_POST
def result_notice_forward(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    call = lambda: services.result_notice_forward(notice=notice, actor=request.user)  # noqa: E731
    return _run(request, pk, call, _("Đã trình Lãnh đạo cao nhất phê duyệt thông báo."), "reviews:result_notice")


@login_required
@require_POST
def result_notice_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The Lãnh đạo Ban ISO's or the top leader's: the transition table says whose, by the notice's state."""
    notice = _notice(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["comment"])))
        return redirect("reviews:result_notice", pk=pk)
    comment = form.cleaned_data["comment"]
    call = lambda: services.result_notice_return(notice=notice, actor=request.user, comment=comment)  # noqa: E731
    return _run(request, pk, call, _("Đã trả lại thông báo."), "reviews:result_notice")


@login_required
@role_permission_required("reviews.approve_result_notice")
@require_POST
def result_notice_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    call = lambda: services.result_notice_approve(notice=notice, actor=request.user)  # noqa: E731
    return _run(request, pk, call, _("Đã phê duyệt thông báo kết quả; thông báo đã gửi các đơn vị."), "reviews:result_notice")


# --- PDFs ---


@require_safe
@login_required
@role_permission_required("reviews.view_reviewbyreport")
def by_report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    report = _report(request, pk)
    return pdf_download(request, code=pdf_by_report.REPORT, pk=report.pk, filename=f"{pdf_by_report.REPORT}-{pk}.pdf", as_attachment=True)


@require_safe
@login_required
@role_permission_required("reviews.view_resultnotice")
def result_notice_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    notice = _notice(request, pk)
    return pdf_download(request, code=pdf_by_report.NOTICE, pk=notice.pk, filename=f"{pdf_by_report.NOTICE}-{pk}.pdf", as_attachment=True)
