"""The server-drawn SVG charts: in the PDFs they use the forms' serif font (the one templates/pdf/base.html
sets), and a long unit name wraps over several lines in the legend and under the bars, never cut."""

import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.charts import FORMS_FONT, WEB_FONT, bar_chart, line_chart
from objectives.models import Plan, PlanStatus, Result
from objectives.tests.conftest import plan_with_objective
from qms.pdf import REGISTRY
from qms.tests.factories import UnitFactory

LONG_NAME = "Phòng Quản lý xuất nhập khẩu, thương mại điện tử và phát triển thị trường nước ngoài tỉnh Khánh Hòa"
SVG = "{http://www.w3.org/2000/svg}"
SERIF_STACK = ["Times New Roman", "Liberation Serif", "Tinos", "serif"]


def families(svg: str) -> list[str]:
    return [name.strip().strip("'\"") for name in ET.fromstring(svg).get("font-family", "").split(",")]


def groups(svg: str, css_class: str) -> list[list[ET.Element]]:
    """The <text> lines of each <g class=css_class> of the chart, in document order."""
    root = ET.fromstring(svg)
    return [list(g.iter(f"{SVG}text")) for g in root.iter(f"{SVG}g") if css_class in g.get("class", "").split()]


def joined(lines: list[ET.Element]) -> str:
    return " ".join("".join(line.itertext()) for line in lines)


def baselines(lines: list[ET.Element]) -> list[float]:
    return [float(line.get("y", "nan")) for line in lines]


def gridlines(svg: str) -> list[float]:
    """The y of the plot's horizontal grid lines (0 %, 20 %, … 100 %)."""
    return sorted(float(line.get("y1", "nan")) for line in ET.fromstring(svg).iter(f"{SVG}line") if line.get("stroke") == "#ddd")


def test_charts_are_drawn_in_the_forms_serif_font_by_default_and_the_web_font_on_request():
    values = [Decimal("80"), None, Decimal("95"), None]
    for svg in (
        bar_chart(["Cơ quan", "Văn phòng"], [("Năm 2025", values[:2]), ("Năm 2026", values[2:])], title="T"),
        line_chart(["Quý I", "Quý II", "Quý III", "Quý IV"], [("Văn phòng", values)], title="T"),
    ):
        assert families(svg) == SERIF_STACK
        assert "DejaVu" not in svg
    assert families(line_chart(["Quý I"], [("Văn phòng", [None])], title="T", font=WEB_FONT))[-1] == "sans-serif"
    assert FORMS_FONT != WEB_FONT


def test_a_long_unit_name_wraps_in_the_line_chart_legend_and_the_legend_grows_without_overlap():
    svg = line_chart(
        ["Quý I", "Quý II", "Quý III", "Quý IV"],
        [("Cơ quan", [Decimal("50"), None, None, None]), (LONG_NAME, [Decimal("75"), None, None, None]), ("Văn phòng", [None] * 4)],
        title="Diễn biến trong năm",
    )
    assert "…" not in svg and "..." not in svg
    items = groups(svg, "legend-item")
    assert [joined(item) for item in items] == ["Cơ quan", LONG_NAME, "Văn phòng"]
    assert len(items[1]) >= 3  # wrapped, not one line running off the chart
    rows = [y for item in items for y in baselines(item)]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)  # every line below the one before
    assert all(later - earlier >= 11 for earlier, later in zip(rows, rows[1:], strict=False))  # 11 px text: no overlap
    # The legend stands right of the plot and inside the drawing, which grows to hold it.
    height = float(ET.fromstring(svg).get("height", "0"))
    assert rows[-1] + 4 <= height
    plot_right = max(float(line.get("x2", "0")) for line in ET.fromstring(svg).iter(f"{SVG}line") if line.get("stroke") == "#ddd")
    assert all(float(line.get("x", "0")) > plot_right for item in items for line in item)


def test_a_long_unit_name_under_the_bars_and_in_the_legend_wraps_whole_above_and_below_the_plot():
    svg = bar_chart(
        ["Cơ quan", LONG_NAME, "Văn phòng"],
        [(f"Năm 2025 — {LONG_NAME}", [Decimal("60"), None, Decimal("70")]), ("Năm 2026", [Decimal("80"), Decimal("90"), None])],
        title="Tỷ lệ mục tiêu chất lượng đạt / đúng tiến độ theo đơn vị (%)",
    )
    assert "…" not in svg and "..." not in svg
    top, bottom = gridlines(svg)[0], gridlines(svg)[-1]
    labels = groups(svg, "category")
    assert [joined(label) for label in labels] == ["Cơ quan", LONG_NAME, "Văn phòng"]
    assert len(labels[1]) >= 3
    ys = baselines(labels[1])
    assert ys == sorted(ys) and ys[0] > bottom and ys[-1] + 4 <= float(ET.fromstring(svg).get("height", "0"))
    legend = groups(svg, "legend-item")
    assert [joined(item) for item in legend] == [f"Năm 2025 — {LONG_NAME}", "Năm 2026"]
    assert len(legend[0]) >= 2
    for item in legend:
        ys = baselines(item)
        assert all(later - earlier >= 11 for earlier, later in zip(ys, ys[1:], strict=False))  # 11 px text: no overlap
        assert all(0 <= float(line.get("x", "-1")) <= float(ET.fromstring(svg).get("width", "0")) for line in item)
    assert max(y for item in legend for y in baselines(item)) + 4 < top  # above the plot's 100 % line, however long


@pytest.mark.django_db
def test_the_objectives_report_pdf_draws_its_charts_in_the_serif_font_with_the_whole_long_unit_name(
    tmp_path, secretary, staff_user, today, organisation
):
    long_unit = UnitFactory(name=LONG_NAME, code="QLXNK", organisation=organisation)
    agency = plan_with_objective(unit=None, created_by=secretary, status=PlanStatus.EVALUATED, year=today.year)
    agency.objectives.update(result=Result.ACHIEVED, actual_value=Decimal("96"))
    Plan.objects.filter(pk=agency.pk).update(evaluated_at=timezone.now(), evaluated_by=secretary)  # dated, not a draft
    unit_plan = plan_with_objective(unit=long_unit, created_by=staff_user, status=PlanStatus.EVALUATED, year=today.year)
    unit_plan.objectives.update(result=Result.ACHIEVED, actual_value=Decimal("97"))

    path = tmp_path / "pl3-bc.pdf"
    path.write_bytes(REGISTRY["PL3.BC"].render(agency.pk))
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    fonts = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    assert fonts and all(name.startswith(("Tinos", "LiberationSerif", "TimesNewRoman")) for name in fonts), fonts

    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(unicodedata.normalize("NFC", text).split())
    # Once in the units' table, once under the bars, once in the legend of the year's chart.
    assert flat.count(LONG_NAME) == 3, flat
    assert "…" not in flat


@pytest.mark.django_db
def test_the_web_list_keeps_its_own_sans_font_and_wraps_the_long_unit_name_too(client, secretary, staff_user, today, organisation):
    long_unit = UnitFactory(name=LONG_NAME, code="QLXNK", organisation=organisation)
    plan_with_objective(unit=long_unit, created_by=staff_user, status=PlanStatus.MONITORING, year=today.year)
    client.force_login(secretary)
    page = client.get(reverse("objectives:list"), {"year": today.year}).content.decode()
    charts = [page[start : page.index("</svg>", start) + 6] for start in range(len(page)) if page.startswith("<svg", start)]
    assert len(charts) == 2
    for svg in charts:
        assert families(svg)[-1] == "sans-serif" and "…" not in svg
    assert [joined(label) for label in groups(charts[0], "category")][-1] == LONG_NAME
    assert LONG_NAME in [joined(item) for item in groups(charts[1], "legend-item")]
