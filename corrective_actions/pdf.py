"""BM.CTCL.01 as a PDF, laid out like the seed's three boxes on the shared Decree-30 base."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from qms.pdf import html_to_pdf, render_html, vn_date_line

from .models import UNREPORTED_VERIFICATIONS, Kind, Ticket, Verification

ON, OFF = "☑", "☐"
# "Không đạt" on the form: failed as checked, and, at the completion date, never carried out or not fully (5.7).
FAILED_VERIFICATIONS = {Verification.FAILED, *UNREPORTED_VERIFICATIONS}


def _date_words(day: dt.date | None) -> str:
    """'Ngày 05 tháng 01 năm 2026' as in the signature blocks (Decree 30 leading zeros)."""
    if day is None:
        return "Ngày ..... tháng ..... năm ....."
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"Ngày {day.day:02d} tháng {month} năm {day.year}"


def ticket_pdf_context(ticket: Ticket) -> dict:
    org = ticket.organisation  # the header names the ticket's own agency
    return {
        "form_code": "BM.CTCL.01",
        "document_title": "Phiếu yêu cầu hành động khắc phục/cải tiến",
        # The seed's header for this form names only the agency (no parent agency line).
        "org": SimpleNamespace(name=org.name, parent_name="", place_name=org.place_name),
        "date_line": vn_date_line(org.place_name, ticket.description_date),
        "ticket": ticket,
        "box_corrective": ON if ticket.kind == Kind.CORRECTIVE else OFF,
        "box_preventive": ON if ticket.kind == Kind.PREVENTIVE else OFF,
        "box_passed": ON if ticket.verification == Verification.PASSED else OFF,
        "box_failed": ON if ticket.verification in FAILED_VERIFICATIONS else OFF,
        "box_new": ON if ticket.verification == Verification.NEW_MEASURE else OFF,
        "approved_line": _date_words(timezone.localtime(ticket.approved_at).date() if ticket.approved_at else None),
        "verified_line": _date_words(ticket.verified_on),
        "attachments": list(ticket.attachments.all()),
        "change_requests": [change for change in ticket.change_requests.all() if change.is_approved],
    }


def ticket_pdf_bytes(pk: int) -> bytes:
    return html_to_pdf(ticket_pdf_html(pk))


def ticket_pdf_html(pk: int) -> str:
    ticket = Ticket.objects.select_related(
        "organisation",
        "requesting_unit",
        "unit",
        "requester",
        "implementing_unit",
        "assignee",
        "implementing_unit_head",
        "approved_by",
        "verified_by",
        "predecessor",
        "delegate",
        "decided_by",
        "handler",
        "checker",
    ).get(pk=pk)
    return render_html("pdf/corrective_actions/bm_ctcl_01.html", ticket_pdf_context(ticket))
