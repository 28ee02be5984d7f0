"""Step 3 on screen: a unit's report BM.HT.06.02, its editing by the unit's head, its return by the
secretary, and its attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.errors import ServiceError
from qms.http import AuthenticatedHttpRequest, file_download
from qms.roles import role_permission_required
from qms.services import audit_trail

from .. import rules, services
from ..forms import RequiredCommentForm, UnitReportForm
from ..models import ReportAttachment, UnitReport


def _visible_report(request: AuthenticatedHttpRequest, pk: int) -> UnitReport:
    qs = UnitReport.objects.visible_to(request.user).select_related("review", "unit", "submitted_by")
    return get_object_or_404(qs.prefetch_related(Prefetch("attachments", ReportAttachment.objects.select_related("uploaded_by"))), pk=pk)


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    context = {
        "report": report,
        "review": report.review,
        "actions": rules.report_actions(report, request.user),
        "return_form": RequiredCommentForm(),
        "audit_entries": audit_trail(report),
    }
    return render(request, "reviews/report_detail.html", context)


@login_required
@role_permission_required("reviews.change_unitreport")
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    if report.unit_id != request.user.unit_id:  # another unit's report: not found, as in the list
        raise Http404
    if request.method != "POST" and not report.is_editable:
        messages.info(request, _("Báo cáo hiện không sửa được (đã nộp hoặc đã đóng thu báo cáo)."))
        return redirect("reviews:report_detail", pk=pk)
    form = UnitReportForm(request.POST or None, request.FILES or None, report=report)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.unit_report_save(
                report=report,
                actor=request.user,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
                files=form.cleaned_data["attachments"],
                submit=submit,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã nộp báo cáo.") if submit else _("Đã lưu nháp báo cáo."))
            return redirect("reviews:report_detail" if submit else "reviews:report_edit", pk=pk)
    context = {"form": form, "report": report, "review": report.review, "can_submit": rules.can_submit_report(request.user, report)}
    return render(request, "reviews/report_form.html", context)


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def report_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    form = RequiredCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["comment"])))
        return redirect("reviews:report_detail", pk=pk)
    try:
        services.unit_report_return(report=report, actor=request.user, comment=form.cleaned_data["comment"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã trả lại báo cáo để đơn vị bổ sung."))
    return redirect("reviews:report_detail", pk=pk)


def _visible_attachment(request: AuthenticatedHttpRequest, pk: int) -> ReportAttachment:
    reports = UnitReport.objects.visible_to(request.user).values("pk")
    return get_object_or_404(ReportAttachment.objects.select_related("report"), pk=pk, report__in=reports)


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    attachment = _visible_attachment(request, pk)
    return file_download(request, attachment.file, filename=attachment.original_name)


@login_required
@role_permission_required("reviews.change_unitreport")
@require_POST
def attachment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = _visible_attachment(request, pk)
    if attachment.report.unit_id != request.user.unit_id:  # another unit's file: not found
        raise Http404
    try:
        services.unit_report_attachment_delete(attachment=attachment, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa tệp đính kèm."))
    return redirect("reviews:report_edit", pk=attachment.report_id)
