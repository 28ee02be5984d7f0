"""The risk table as an Excel workbook (the agency's table or a unit's; same columns as the PDF)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from qms.dates import format_date
from qms.excel import safe_row
from qms.models import Organisation, Unit

from .models import Risk

COLUMNS = [
    ("STT", 5),
    ("Loại", 9),
    ("Quá trình / hoạt động", 24),
    ("Rủi ro / cơ hội", 40),
    ("Nguyên nhân", 28),
    ("Tần suất xuất hiện", 14),
    ("Mức độ ảnh hưởng", 12),
    ("Mức", 11),
    ("Biện pháp đối phó", 40),
    ("Người / đơn vị thực hiện", 20),
    ("Thời hạn", 12),
    ("Trạng thái", 16),
    ("Ngày xem xét hiệu lực", 12),
    ("Kết quả xem xét hiệu lực", 16),
    ("Nhận xét hiệu lực", 28),
]


def table_xlsx(organisation: Organisation, unit: Unit | None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng phân tích rủi ro"
    ws.append(safe_row([organisation.name.upper()]))
    ws.append(safe_row([unit.name if unit is not None else ""]))
    ws.append(safe_row(["BẢNG PHÂN TÍCH RỦI RO VÀ CƠ HỘI" + (f" — {unit.name}" if unit is not None else "")]))
    ws["A3"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append([name for name, _w in COLUMNS])
    header_row = ws.max_row
    for col, (_name, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        ws.cell(row=header_row, column=col).font = Font(bold=True)
    for risk in Risk.objects.filter(organisation=organisation, unit=unit).order_by("number"):
        ws.append(
            safe_row(
                [
                    risk.number,
                    risk.get_kind_display(),
                    risk.process,
                    risk.description,
                    risk.cause,
                    risk.get_frequency_display(),
                    risk.get_impact_display(),
                    risk.get_level_display(),
                    risk.response,
                    risk.owner,
                    format_date(risk.deadline) if risk.deadline else "",
                    risk.get_status_display(),
                    format_date(risk.effectiveness_reviewed_on) if risk.effectiveness_reviewed_on else "",
                    risk.get_effectiveness_display() if risk.effectiveness else "",
                    risk.effectiveness_note,
                ]
            )
        )
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
