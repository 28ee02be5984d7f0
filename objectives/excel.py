"""The plan and the report of Phụ lục 3 as Excel workbooks (same columns as the PDFs)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.http import Http404
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qms.dates import format_date
from qms.excel import safe_row

from .models import Plan, PlanAction
from .pdf import KINDS, plan_title
from .progress import current_display, objective_progress
from .rollup import with_progress

PLAN_COLUMNS = [
    ("TT", 5),
    ("Mục tiêu chất lượng", 40),
    ("Chỉ số đo lường", 28),
    ("Chỉ tiêu", 14),
    ("Tần suất theo dõi", 12),
    ("Nội dung công việc", 40),
    ("Nguồn lực", 20),
    ("Người / đơn vị thực hiện", 20),
    ("Thời hạn", 12),
    ("Cách thức đánh giá kết quả", 30),
]
REPORT_COLUMNS = [
    ("TT", 5),
    ("Mục tiêu chất lượng", 40),
    ("Chỉ số đo lường", 28),
    ("Chỉ tiêu", 14),
    ("Kết quả đạt được", 14),
    ("Đánh giá", 12),
    ("Tình trạng theo dõi", 16),
    ("Nguyên nhân", 30),
    ("Hướng khắc phục / cải tiến", 30),
]
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def append(ws: Worksheet, values: list[Any]) -> None:
    """Typed text such as "=HYPERLINK(...)" is written as text, never as a formula that runs."""
    ws.append(safe_row(values))


def plan_xlsx(plan_id: int, kind: str) -> bytes:
    if kind not in KINDS:
        raise Http404
    plan = with_progress(Plan.objects.filter(pk=plan_id)).select_related("organisation").first()
    if plan is None:
        raise Http404
    org = plan.organisation  # the header names are the plan's agency's
    wb = Workbook()
    ws = wb.active
    ws.title = "Kế hoạch" if kind == "plan" else "Báo cáo"
    columns = PLAN_COLUMNS if kind == "plan" else REPORT_COLUMNS
    append(ws, [org.name.upper()])
    append(ws, [plan.scope_name if not plan.is_agency else ""])
    append(ws, [plan_title(plan, kind).upper() + (f" — {plan.scope_name}" if not plan.is_agency else "")])
    ws["A3"].font = Font(bold=True, size=13)
    append(
        ws,
        [
            f"Mã biểu mẫu: {KINDS[kind][0]}; trạng thái: {plan.get_status_display()}"
            + (f"; sửa đổi lần {plan.revision}" if plan.revision else "")
        ],
    )
    append(ws, [])
    append(ws, [name for name, _w in columns])
    header_row = ws.max_row
    for col, (_name, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=header_row, column=col)
        cell.font, cell.border, cell.alignment = Font(bold=True), BORDER, Alignment(wrap_text=True, horizontal="center")
    for obj in plan.objectives.all():
        if kind == "plan":
            actions: list[PlanAction | None] = [*obj.actions.all()] or [None]
            for i, action in enumerate(actions):
                head = (
                    [obj.order, obj.statement, obj.indicator, obj.target_display, obj.get_frequency_display()]
                    if i == 0
                    else ["", "", "", "", ""]
                )
                append(
                    ws,
                    head
                    + [
                        action.description if action else "",
                        action.resources if action else "",
                        action.responsible if action else "",
                        format_date(action.deadline) if action else "",
                        obj.evaluation_method if i == 0 else "",
                    ],
                )
        else:
            progress = objective_progress(obj)
            append(
                ws,
                [
                    obj.order,
                    obj.statement,
                    obj.indicator,
                    obj.target_display,
                    current_display(obj, progress),
                    obj.get_result_display() if obj.result else "",
                    progress.label,
                    obj.reasons,
                    obj.next_steps,
                ],
            )
    for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row, max_col=len(columns)):
        for cell in row:
            cell.border, cell.alignment = BORDER, WRAP
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.page_setup.orientation = "landscape"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
