"""The provincial overview as an Excel workbook: one row per agency, one column per figure."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .excel import safe_row
from .overview import Figure, Row


def overview_workbook(rows: Sequence[Row], figures: Sequence[Figure], year: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(year)
    sheet.append(safe_row([_("Cơ quan"), _("Mã"), *[str(figure.label) for figure in figures]]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Agency names are the admin's text: a leading "=" must stay text, never become a formula.
        sheet.append(safe_row([row.organisation.name, row.organisation.code, *[count for _figure, count, _url in row.cells]]))
    sheet.column_dimensions["A"].width = 48
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
