"""BM.CTCL.01 as Word (corrective_actions.docx), under the same rule as its PDF: a ticket the user may see
(visible_to, else 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from qms.docx import docx_response
from qms.http import AuthenticatedHttpRequest

from ..docx import FORM_CODE, ticket_docx, ticket_for_docx
from .pages import visible_ticket


@login_required
@require_GET
def ticket_docx_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = visible_ticket(request, pk)
    return docx_response(ticket_docx(ticket_for_docx(ticket.pk)), filename=f"{FORM_CODE}-{ticket.number:02d}-{ticket.year}.docx")
