"""Official forms as Word documents (.docx), in the same Decree 30/2020 layout as their PDFs
(templates/pdf/base.html), for agencies that draft and circulate documents in Word.

`DecreeDocument` is the one base every form builds on: A4 portrait, margins 20/20/30/15 mm, Times New Roman
13 pt; the header block (the parent agency and the agency in capitals over a short rule, the document's
number; Quốc hiệu and Tiêu ngữ over its rule, the place and date line in italics); the title in 14 pt bold
capitals; the closing block (Nơi nhận / signatures). Each app builds its forms in its own `docx.py` from the
same data as its PDF and registers them here with `register_docx(code, title, build)`, as it registers its
PDFs with qms.pdf.register_form, so the core imports no app. Official forms are always Vietnamese."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

FONT = "Times New Roman"
BODY_PT = 13
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
EMPTY_TEXT = "(Không có nội dung)"


@dataclass(frozen=True)
class DocxForm:
    code: str
    title: str
    build: Callable[[int], bytes]  # pk -> .docx bytes


DOCX_REGISTRY: dict[str, DocxForm] = {}


def register_docx(code: str, title: str, build: Callable[[int], bytes]) -> None:
    DOCX_REGISTRY[code] = DocxForm(code=code, title=title, build=build)


def docx_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def set_font(run: Any, *, size: float | None = None, bold: bool | None = None, italic: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    # Word picks the font of Vietnamese letters from the East Asian and complex-script slots too.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


SYMBOL_FONT = "Segoe UI Symbol"  # ☐ ☑: Times New Roman has no such glyphs
BOXES = ("☐", "☑")


def write_cell(cell: Any, *lines: str | Sequence[str | tuple[str, str]], size: float = 12, align: str = "") -> None:
    """Fill a table cell: one paragraph per line; a line is a string or runs (see DecreeDocument.para);
    a string may hold line breaks (free text as typed). `align`: "" (left), "center" or "right"."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraphs: list[list[str | tuple[str, str]]] = []
    for line in lines:
        if isinstance(line, str):
            paragraphs += [[part] for part in (line.splitlines() or [""])]
        else:
            paragraphs.append(list(line))
    first = True
    for parts in paragraphs:
        paragraph = cell.paragraphs[0] if first and not cell.paragraphs[0].text else cell.add_paragraph()
        first = False
        paragraph.paragraph_format.space_after = Pt(1)
        if align:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.RIGHT
        for part in parts:
            style, text = part if isinstance(part, tuple) else ("", part)
            for piece in _split_boxes(text):
                run = paragraph.add_run(piece)
                set_font(run, size=size, bold="b" in style or None, italic="i" in style or None)
                if piece in BOXES:
                    run.font.name = SYMBOL_FONT


def _split_boxes(text: str) -> list[str]:
    out, current = [], ""
    for char in text:
        if char in BOXES:
            if current:
                out.append(current)
            out.append(char)
            current = ""
        else:
            current += char
    if current or not out:
        out.append(current)
    return out


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _bottom_rule(paragraph: Any) -> None:
    """A rule under the paragraph's text (the line under the agency's name and under the Tiêu ngữ)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


class DecreeDocument:
    """One official form being written. Methods add blocks top to bottom, as the PDF template lays them."""

    def __init__(
        self,
        *,
        form_code: str,
        agency_lines: Sequence[tuple[str, bool]],
        number_line: str = "",
        date_line: str = "",
        is_draft: bool = False,
    ) -> None:
        """`agency_lines`: the left header's lines as (text, bold) — the parent agency, then the agency that
        issues the form (written in capitals)."""
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt

        self.doc = Document()
        self.form_code = form_code
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT
        )
        normal.paragraph_format.space_after = Pt(3)
        normal.paragraph_format.line_spacing = 1.15
        self.doc.core_properties.title = form_code
        self.doc.core_properties.language = "vi-VN"

        code = self.doc.add_paragraph()
        code.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        set_font(code.add_run(form_code), size=10)

        header = self.doc.add_table(rows=1, cols=2)
        _no_borders(header)
        header.autofit = False
        left, right = header.rows[0].cells
        left.width, right.width = Mm(66), Mm(99)
        first = True
        for text, bold in agency_lines:
            paragraph = left.paragraphs[0] if first else left.add_paragraph()
            first = False
            self._centre(paragraph)
            set_font(paragraph.add_run(text.upper()), size=12, bold=bold)
        # The short rule under the agency's name (22 mm, centred): an empty paragraph's bottom border.
        rule = left.add_paragraph()
        self._centre(rule)
        rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Mm(22)
        set_font(rule.add_run(""), size=4)
        _bottom_rule(rule)
        if number_line:
            number = left.add_paragraph()
            self._centre(number)
            set_font(number.add_run(number_line), size=13)
        motto = right.paragraphs[0]
        self._centre(motto)
        set_font(motto.add_run(QUOC_HIEU), size=12, bold=True)
        slogan = right.add_paragraph()
        self._centre(slogan)
        slogan_run = slogan.add_run(TIEU_NGU)
        set_font(slogan_run, size=13, bold=True)
        slogan_run.underline = True  # the rule under the Tiêu ngữ, as long as the text
        if date_line:
            date = right.add_paragraph()
            self._centre(date)
            date.paragraph_format.space_before = Pt(6)
            set_font(date.add_run(date_line), size=13, italic=True)
        if is_draft:
            banner = self.doc.add_paragraph()
            self._centre(banner)
            set_font(banner.add_run("DỰ THẢO – văn bản chưa được ký, phát hành"), size=12, bold=True)

    @staticmethod
    def _centre(paragraph: Any) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)

    # --- blocks -----------------------------------------------------------------------------------------

    def title(self, *lines: str) -> None:
        """The form's name: 14 pt bold capitals, centred, one paragraph per line of the PDF's title."""
        from docx.shared import Pt

        for i, line in enumerate(lines):
            paragraph = self.doc.add_paragraph()
            self._centre(paragraph)
            if i == 0:
                paragraph.paragraph_format.space_before = Pt(18)
            if i == len(lines) - 1:
                paragraph.paragraph_format.space_after = Pt(12)
            set_font(paragraph.add_run(line.upper()), size=14, bold=True)

    def note(self, text: str) -> None:
        """An italic centred line under the title (a revision's note)."""
        paragraph = self.doc.add_paragraph()
        self._centre(paragraph)
        set_font(paragraph.add_run(text), size=11, italic=True)

    def heading(self, text: str, rest: str = "", *, italic: bool = False) -> None:
        """A numbered heading ("1. Thời gian:"), with its value in plain type on the same line if given."""
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        set_font(paragraph.add_run(text), bold=True, italic=italic)
        if rest:
            set_font(paragraph.add_run(" " + rest), bold=False)

    def para(self, *parts: str | tuple[str, str], indent: bool = False, italic: bool = False, level: int = 0) -> Any:
        """A justified paragraph of runs: a string is plain; ("b", text) bold, ("i", text) italic."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = Mm(10)
        if level:
            paragraph.paragraph_format.left_indent = Mm(6 * level)
        for part in parts:
            style, text = part if isinstance(part, tuple) else ("", part)
            set_font(paragraph.add_run(text), bold="b" in style or None, italic=italic or "i" in style or None)
        return paragraph

    def dash(self, items: Iterable[str | Sequence[str | tuple[str, str]]], *, level: int = 1, empty: str = "") -> None:
        """A "- " list, as the PDF's `ul.dash`; an item may be a sequence of runs (see `para`)."""
        from docx.shared import Mm

        count = 0
        for item in items:
            count += 1
            parts = [item] if isinstance(item, str) else list(item)
            paragraph = self.para("- ", *parts, level=level)
            paragraph.paragraph_format.first_line_indent = Mm(-4)
        if not count and empty:
            self.para(("i", empty), level=level)

    def text(self, text: str, *, empty: str = EMPTY_TEXT, level: int = 0) -> None:
        """Free text a user typed: one paragraph per line, as typed; an empty field says so."""
        lines = [line.rstrip() for line in (text or "").splitlines()]
        if not any(lines):
            self.para(("i", empty), level=level)
            return
        for line in lines:
            if line:
                self.para(line, level=level)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]], *, widths_mm: Sequence[float]) -> Any:
        """A ruled table (the PDF's `table.grid`), 12 pt, bold centred headers, each row kept on one page."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.shared import Mm

        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.autofit = False
        for cell, header, width in zip(table.rows[0].cells, headers, widths_mm, strict=True):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(paragraph.add_run(header), size=12, bold=True)
        for values in rows:
            row = table.add_row()
            no_split = OxmlElement("w:cantSplit")
            row._tr.get_or_add_trPr().append(no_split)
            for cell, value, width in zip(row.cells, values, widths_mm, strict=True):
                cell.width = Mm(width)
                lines = str(value).splitlines() or [""]
                cell.paragraphs[0].text = ""
                for i, line in enumerate(lines):
                    paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                    set_font(paragraph.add_run(line), size=12)
        # The header row repeats on every page the table runs over.
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        return table

    def grid(self, *, widths_mm: Sequence[float]) -> Any:
        """An empty ruled table (a form drawn as boxes, like BM.CTCL.01): add rows with `add_row`, merge cells
        for a box across columns, fill them with `write_cell`."""
        from docx.shared import Mm

        table = self.doc.add_table(rows=0, cols=len(widths_mm))
        table.style = "Table Grid"
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        return table

    def closing(self, left: Callable[[Any], None], right: Callable[[Any], None]) -> None:
        """The closing block on one line: e.g. "Nơi nhận" on the left and the signature on the right."""
        from docx.shared import Mm, Pt

        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(6)
        table = self.doc.add_table(rows=1, cols=2)
        _no_borders(table)
        table.autofit = False
        cells = table.rows[0].cells
        for cell in cells:
            cell.width = Mm(82.5)
        left(cells[0])
        right(cells[1])

    @staticmethod
    def recipients(lines: Sequence[str]) -> Callable[[Any], None]:
        def fill(cell: Any) -> None:
            set_font(cell.paragraphs[0].add_run("Nơi nhận:"), size=12, bold=True, italic=True)
            for line in lines:
                set_font(cell.add_paragraph().add_run(f"- {line}"), size=11)

        return fill

    @classmethod
    def signature(cls, sig: dict[str, Any]) -> Callable[[Any], None]:
        """A signature column from the PDF's signature dict: {role, note, name, esign, role_plain}."""
        from docx.shared import Pt

        def fill(cell: Any) -> None:
            role = cell.paragraphs[0]
            cls._centre(role)
            text = sig.get("role", "")
            set_font(role.add_run(text if sig.get("role_plain") else text.upper()), size=13, bold=True)
            if sig.get("note"):
                note = cell.add_paragraph()
                cls._centre(note)
                set_font(note.add_run(sig["note"]), size=12, italic=True)
            space = cell.add_paragraph()
            cls._centre(space)
            space.paragraph_format.space_before = Pt(8)
            esign = sig.get("esign")
            if esign:
                # The chữ ký số lives in the signed PDF only: the Word copy says who signed, when, and where the proof is.
                set_font(space.add_run(f"Đã ký số bởi {esign['name']}, {esign['agency']}, {esign['at']} (bản ký số: tệp PDF)"), size=10)
            space.paragraph_format.space_after = Pt(48 if not esign else 12)
            name = cell.add_paragraph()
            cls._centre(name)
            set_font(name.add_run(sig.get("name", "")), size=13, bold=True)

        return fill

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
