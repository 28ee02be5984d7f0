"""The ticket list as an Excel workbook (same filter as the screen)."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qms.excel import safe_row


def tickets_xlsx(tickets: QuerySet) -> bytes:
    today = timezone.localdate()
    wb = Workbook()
    ws = wb.active
    ws.title = _("Phiếu HĐKP")
    headers = [
        _("Số phiếu"),
        _("Ngày"),
        _("Đơn vị đề nghị"),
        _("Đơn vị có sự KPH"),
        _("Loại"),
        _("Nguồn"),
        _("Quy trình/thủ tục"),
        _("Điều khoản"),
        _("Mô tả"),
        _("Người đề nghị"),
        _("Trạng thái"),
        _("Đơn vị thực hiện"),
        _("Người thực hiện"),
        _("Ngày hoàn thành"),
        _("Quá hạn"),
        _("Kết quả kiểm tra"),
        _("Phiếu trước"),
    ]
    ws.append(safe_row(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for t in tickets:
        ws.append(
            safe_row(
                [
                    t.number_display,
                    t.description_date,
                    str(t.requesting_unit),
                    str(t.unit),
                    t.get_kind_display(),
                    t.source_display,
                    t.process,
                    t.clause,
                    t.description,
                    t.requester.display_name,
                    t.get_status_display(),
                    str(t.implementing_unit or ""),
                    t.assignee.display_name if t.assignee else "",
                    t.completion_date,
                    _("Có") if t.is_overdue(today) else "",
                    t.get_verification_display(),
                    t.predecessor.number_display if t.predecessor else "",
                ]
            )
        )
    for row in ws.iter_rows(min_row=2):
        for idx in (1, 13):
            row[idx].number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", [10, 12, 24, 24, 18, 28, 28, 12, 50, 22, 28, 24, 22, 14, 9, 16, 12], strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
