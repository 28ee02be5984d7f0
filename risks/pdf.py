"""The risk table as a PDF in the shared Decree-30 layout (RR.BANG: a unit's table, pk = the unit;
RR.BANG.CQ: the agency's, pk = the organisation), the columns of QT.HT.06 §VI."""

from __future__ import annotations

import copy

from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from qms.models import Organisation, Unit
from qms.pdf import render_html, vn_date_line

from .models import Frequency, Impact, Risk

UNIT_CODE = "RR.BANG"
AGENCY_CODE = "RR.BANG.CQ"
TITLE = "Bảng phân tích rủi ro và cơ hội"


def _context(organisation: Organisation, unit: Unit | None) -> dict:
    header = copy.copy(organisation)
    if unit is not None:  # a unit's form: the agency is the "parent" line, the unit the issuing line (Decree 30)
        header.parent_name, header.name = organisation.name, unit.name
    rows = list(Risk.objects.filter(organisation=organisation, unit=unit).order_by("number"))
    last = Risk.objects.filter(organisation=organisation, unit=unit).aggregate(at=Max("updated_at"))["at"]
    return {
        "org": header,
        "scope_name": unit.name if unit is not None else organisation.name,
        "form_code": UNIT_CODE if unit is not None else AGENCY_CODE,
        "document_title": TITLE,
        "date_line": vn_date_line(organisation.place_name, timezone.localtime(last).date() if last else None),
        "rows": rows,
        "frequencies": Frequency.values,
        "impacts": Impact.values,
        "frequency_labels": Frequency.labels,
        "impact_labels": Impact.labels,
    }


def unit_table_html(unit_id: int) -> str:
    unit = Unit.objects.select_related("organisation").filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return render_html("pdf/risks_table.html", _context(unit.organisation, unit))


def agency_table_html(organisation_id: int) -> str:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return render_html("pdf/risks_table.html", _context(organisation, None))
