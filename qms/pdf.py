"""PDF rendering of official forms (Decree 30/2020 layout, templates/pdf/base.html) and the registry
that `render_form <CODE> <pk>` uses. Apps register their forms in AppConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class FormRenderer:
    code: str
    title: str
    render: Callable[[int], bytes]  # pk -> PDF bytes
    # pk -> the form's HTML: cheap (no layout). The download views key their cached PDF on it and a Celery
    # task lays it out (qms.pdf_cache), so no request waits for WeasyPrint.
    html: Callable[[int], str] | None = None


REGISTRY: dict[str, FormRenderer] = {}


def register_form(code: str, title: str, render: Callable[[int], bytes] | None = None, *, html: Callable[[int], str] | None = None) -> None:
    """A form with its HTML (`html`; the PDF is then its layout) or, for a form written before, its PDF."""
    if render is None:
        if html is None:
            raise ValueError("register_form needs render or html")
        make_html = html
        render = lambda pk: html_to_pdf(make_html(pk))  # noqa: E731
    REGISTRY[code] = FormRenderer(code=code, title=title, render=render, html=html)


def render_html(template_name: str, context: dict) -> str:
    with translation.override("vi"):  # official forms are always Vietnamese
        return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint's layout: the slow part (seconds per page), run by the Celery task in production."""
    # WeasyPrint costs ~0.5 s to import: only pay it when a PDF is asked for.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template_name, context))


def vn_date_line(place: str, day: dt.date | None) -> str:
    """'Hà Nội, ngày 05 tháng 01 năm 2026' — day under 10 and months 1–2 with a leading zero."""
    if day is None:
        return f"{place}, ngày      tháng      năm 20…"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def document_number(number: int | None, symbol: str) -> str:
    """'Số: 05/TB-BCĐ ISO' — numbers under 10 with a leading zero."""
    return f"Số: {number:02d}/{symbol}" if number else f"Số:      /{symbol}"
