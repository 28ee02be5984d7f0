"""BM.CTCL.01 as a Word document (qms.docx), the same three boxes and the same data as its PDF
(corrective_actions.pdf.ticket_pdf_context), for agencies that fill and file it in Word."""

from __future__ import annotations

from django.utils import translation

from qms.dates import format_date
from qms.docx import DecreeDocument, register_docx, write_cell

from .models import UNREPORTED_VERIFICATIONS, Ticket, TicketStatus
from .pdf import ticket_pdf_context

FORM_CODE = "BM.CTCL.01"
# The text width of an A4 page with Decree 30 margins (210 − 30 − 15 mm), split as the PDF's columns.
WIDTHS_MM = (62.7, 39.6, 62.7)


def _full(table, *lines, bold: bool = False) -> None:
    row = table.add_row()
    cell = row.cells[0].merge(row.cells[2])
    write_cell(cell, *([[("b", line)] for line in lines] if bold else lines))


def _pair(table, left: str, right: str) -> None:
    row = table.add_row()
    write_cell(row.cells[0].merge(row.cells[1]), left)
    write_cell(row.cells[2], right)


def _label(table, label: str, value: str) -> None:
    row = table.add_row()
    write_cell(row.cells[0], label)
    write_cell(row.cells[1].merge(row.cells[2]), value)


def _signature(date_line: str, who: str, name: str) -> list:
    return [[("i", date_line)], [("b", who)], "", "", name]


def ticket_docx(ticket: Ticket) -> bytes:
    with translation.override("vi"):
        context = ticket_pdf_context(ticket)
        org = ticket.organisation
        doc = DecreeDocument(form_code=FORM_CODE, agency_lines=[(org.name, True)], date_line=context["date_line"])
        doc.title("Phiếu yêu cầu hành động khắc phục/cải tiến")
        doc.note(f"Số phiếu: {ticket.number_display}")
        table = doc.grid(widths_mm=WIDTHS_MM)
        requesting = f"Đơn vị đề nghị: {ticket.requesting_unit}"
        if ticket.unit_id != ticket.requesting_unit_id:
            requesting += f" — đơn vị có sự không phù hợp: {ticket.unit}"
        _full(table, requesting)
        _pair(table, f"Hành động khắc phục {context['box_corrective']}", f"Hành động phòng ngừa/cải tiến {context['box_preventive']}")
        documents = [f"Tài liệu liên quan (nếu có): {ticket.related_documents}"]
        if ticket.process:
            documents.append(f"Quy trình/thủ tục: {ticket.process}" + (f" (điều khoản {ticket.clause})" if ticket.clause else ""))
        source = f"Nguồn: {ticket.source_display}"
        if ticket.origin_label:
            source += f" — {ticket.origin_label}"
        if ticket.predecessor:
            source += f" — mở từ phiếu số {ticket.predecessor.number_display}"
        _full(table, *documents, [("i", source)])

        _full(table, "1. Mô tả sự không phù hợp:", bold=True)
        _full(table, ticket.description)
        _pair(table, f"Ngày: {format_date(ticket.description_date)}", f"Người đề nghị: {ticket.requester.display_name}")

        _full(table, "2. Xác định nguyên nhân và đề xuất biện pháp:", bold=True)
        _full(table, *_box_2(ticket, context))
        _label(table, "Đơn vị thực hiện:", str(ticket.implementing_unit or ""))
        _label(table, "Ngày hoàn thành:", format_date(ticket.completion_date) if ticket.completion_date else "")
        _label(table, "Người thực hiện:", ticket.assignee.display_name if ticket.assignee else "")
        _label(table, "Trưởng đơn vị thực hiện:", ticket.implementing_unit_head.display_name if ticket.implementing_unit_head else "")
        row = table.add_row()
        approver = ticket.approved_by.display_name if ticket.approved_by else ""
        write_cell(row.cells[0].merge(row.cells[2]), *_signature(context["approved_line"], "Phê duyệt", approver), align="right")

        _full(table, "3. Kiểm tra - Xác nhận thực hiện biện pháp khắc phục/phòng ngừa/cải tiến", bold=True)
        row = table.add_row()
        write_cell(row.cells[0], f"Đạt {context['box_passed']}")
        write_cell(row.cells[1], f"Không đạt {context['box_failed']}")
        write_cell(row.cells[2], f"Biện pháp KP/PN mới {context['box_new']}")
        verifier = ticket.verified_by.display_name if ticket.verified_by else ""
        row = table.add_row()
        cell = row.cells[0].merge(row.cells[2])
        write_cell(cell, *_box_3(ticket, context))
        write_cell(cell, *_signature(context["verified_line"], "Người kiểm tra", verifier), align="right")
        return doc.to_bytes()


def _box_2(ticket: Ticket, context: dict) -> list:
    lines: list = []
    if ticket.correction_kind:
        decided = f" — Lãnh đạo đơn vị: {ticket.decided_by.display_name}" if ticket.decided_by else ""
        lines.append(["Xử lý trực tiếp (5.1.1): ", ("b", str(ticket.get_correction_kind_display())), decided])
        handler = ticket.handler.display_name if ticket.handler else ""
        checker = ticket.checker.display_name if ticket.checker else ""
        lines.append(f"Người thực hiện xử lý: {handler}; người kiểm tra kết quả: {checker}")
        if ticket.accepted_by:
            lines.append(f"Người/cơ quan chấp nhận: {ticket.accepted_by}. Căn cứ chấp nhận: {ticket.acceptance_ground}")
        if ticket.correction_result:
            lines.append(f"Kết quả xử lý: {ticket.correction_result}")
        if ticket.redo_reference:
            lines.append(f"Hồ sơ/kết quả đã làm lại: {ticket.redo_reference}")
        if ticket.repair_scope:
            lines.append(f"Nội dung đã sửa chữa, khắc phục: {ticket.repair_scope}")
        if ticket.discard_method:
            lines.append(f"Cách thức loại bỏ: {ticket.discard_method}")
        if ticket.handling_checked_at:
            outcome = "đã xác nhận" if ticket.status == TicketStatus.CORRECTED else "trả lại"
            note = f": {ticket.handling_check_note}" if ticket.handling_check_note else ""
            lines.append(f"Kiểm tra kết quả xử lý: {checker}, ngày {format_date(ticket.handling_checked_at)} — {outcome}{note}")
    if ticket.sign_labels:
        lines.append("Dấu hiệu cần thực hiện HĐKP/cải tiến (5.2.2): " + "; ".join(str(label) for label in ticket.sign_labels) + ".")
    lines.append(f"Nguyên nhân: {ticket.cause}")
    lines.append(f"Biện pháp: {ticket.measure}")
    if ticket.result_report:
        lines.append(f"Kết quả thực hiện: {ticket.result_report}")
    for change in context["change_requests"]:
        lines.append([("i", f"Thay đổi ngày {format_date(change.decided_at)} ({str(change.get_kind_display()).lower()}): {change.reason}")])
    return lines


def _box_3(ticket: Ticket, context: dict) -> list:
    lines: list = []
    if ticket.verification in UNREPORTED_VERIFICATIONS:
        lines.append([("b", str(ticket.get_verification_display())), " (kiểm tra khi đến thời hạn hoàn thành)"])
    if ticket.verification_note:
        lines.append(ticket.verification_note)
    for successor in ticket.successors.all():
        lines.append([("i", f"Đã mở phiếu mới số {successor.number_display}.")])
    if ticket.evidence:
        lines.append(f"Bằng chứng: {ticket.evidence}")
    if context["attachments"]:
        lines.append([("i", "Tệp đính kèm: " + "; ".join(a.original_name for a in context["attachments"]))])
    return lines


def register() -> None:
    """Called from CorrectiveActionsConfig.ready()."""
    register_docx(FORM_CODE, "Phiếu yêu cầu hành động khắc phục/cải tiến", lambda pk: ticket_docx(ticket_for_docx(pk)))


def ticket_for_docx(pk: int) -> Ticket:
    return Ticket.objects.select_related(
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
