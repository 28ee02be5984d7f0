"""A stored SVG drawing is shown only rebuilt from safe elements and attributes (qms.svg.safe_svg)."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from qms.svg import safe_svg

HOSTILE = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="alert(1)">'
    "<script>alert(2)</script>"
    '<rect x="1" y="1" width="5" height="5" fill="url(javascript:alert(3))" onclick="alert(4)"/>'
    '<a xlink:href="javascript:alert(5)"><text x="1" y="9">Nhấn</text></a> sau'
    "<foreignObject><iframe src='javascript:alert(6)'></iframe></foreignObject>"
    '<text x="2" y="8" style="background:url(x)">Đạt 97%</text>'
    "</svg>"
)


def test_scripts_handlers_links_and_foreign_objects_are_removed_and_the_drawing_kept():
    clean = str(safe_svg(HOSTILE))
    lowered = clean.lower()
    for bad in ("script", "onload", "onclick", "javascript", "foreignobject", "iframe", "href", "style", "alert"):
        assert bad not in lowered, (bad, clean)
    root = ET.fromstring(clean)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 10 10"
    assert "Đạt 97%" in clean and " sau" in clean
    assert root.find("{http://www.w3.org/2000/svg}rect").get("width") == "5"


def test_what_is_not_an_svg_drawing_is_shown_as_text():
    assert str(safe_svg("<img src=x onerror=alert(1)>")) == "&lt;img src=x onerror=alert(1)&gt;"
    assert str(safe_svg("<html><script>alert(1)</script></html>")).startswith("&lt;html&gt;")
    assert str(safe_svg('<!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>')).startswith("&lt;!DOCTYPE")
    assert str(safe_svg("")) == ""


def test_the_objectives_charts_come_out_unchanged():
    from objectives.charts import bar_chart, line_chart

    drawings = [
        bar_chart(["Văn phòng", "Phòng Thông tin"], [("Quý I", [Decimal("97"), None])], title="Tỷ lệ đạt", target_line=Decimal("95")),
        line_chart(["Quý I", "Quý II"], [("Văn phòng", [Decimal("90"), Decimal("97")])], title="Theo quý"),
    ]
    for svg in drawings:
        before, after = ET.fromstring(str(svg)), ET.fromstring(str(safe_svg(svg)))
        assert [(e.tag, e.attrib, e.text, e.tail) for e in before.iter()] == [(e.tag, e.attrib, e.text, e.tail) for e in after.iter()]
