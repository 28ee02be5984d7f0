"""PDF downloads of the review's forms. They download under the same rules as their pages: the role's
view permission (else 403), then the object through visible_to (else 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from qms.http import AuthenticatedHttpRequest, file_download
from qms.pdf_cache import pdf_download
from qms.roles import role_permission_required

from .. import pdf
from ..models import Minutes, Review, UnitReport


def _pdf_response(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponseBase:
    """Laid out by the worker (qms.pdf_cache): the PDF when it is ready, else a page that waits for it."""
    return pdf_download(request, code=code, pk=pk, filename=f"{code}-{pk}.pdf", as_attachment=True)


@require_safe
@login_required
@role_permission_required("reviews.view_review")
def notice_pdf_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    review = get_object_or_404(Review.objects.visible_to(request.user).select_related("approved_by"), pk=pk)
    return _pdf_response(request, pdf.NOTICE, review.pk)


@require_safe
@login_required
@role_permission_required("reviews.view_unitreport")
def unit_report_pdf_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    reports = UnitReport.objects.visible_to(request.user).select_related("review", "unit", "submitted_by")
    report = get_object_or_404(reports, pk=pk)
    return _pdf_response(request, pdf.UNIT_REPORT, report.pk)


@require_safe
@login_required
@role_permission_required("reviews.view_consolidatedreport")
def consolidated_pdf_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    consolidated = get_object_or_404(pdf.consolidated_visible_to(request.user).select_related("review"), pk=pk)
    return _pdf_response(request, pdf.CONSOLIDATED, consolidated.pk)


@require_safe
@login_required
@role_permission_required("reviews.view_minutes")
def minutes_pdf_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    visible = Minutes.objects.visible_to(request.user).select_related("review", "chair", "secretary", "signed_by")
    minutes = get_object_or_404(visible, pk=pk)
    if minutes.signed_file:
        # The record: the signed file itself, byte for byte, never laid out again.
        return file_download(request, minutes.signed_file, filename=f"{minutes.form_code}-{minutes.pk}-v{minutes.revision}.pdf")
    return _pdf_response(request, minutes.form_code, minutes.pk)
