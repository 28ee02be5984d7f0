"""Word (.docx) downloads of the review's forms (reviews.docx), under the same rules as their PDFs
(reviews.views.pdfs): the role's view permission (else 403), then the object through visible_to (else 404).
Built on the request: a .docx takes milliseconds, no layout engine is involved."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from qms.docx import docx_response
from qms.http import AuthenticatedHttpRequest
from qms.roles import role_permission_required

from .. import docx, pdf
from ..models import Minutes, Review


@require_safe
@login_required
@role_permission_required("reviews.view_review")
def notice_docx_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.visible_to(request.user).select_related("organisation", "approved_by"), pk=pk)
    return docx_response(docx.notice_docx(review), filename=f"{pdf.NOTICE}-{review.pk}.docx")


@require_safe
@login_required
@role_permission_required("reviews.view_minutes")
def minutes_docx_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visible = Minutes.objects.visible_to(request.user).select_related("review", "organisation", "chair", "secretary", "signed_by")
    minutes = get_object_or_404(visible, pk=pk)
    return docx_response(docx.minutes_docx(minutes), filename=f"{minutes.form_code}-{minutes.pk}.docx")
