"""Server-drawn SVG stored in a record (the frozen objectives chart of BM.HT.06.03) is shown only through
`safe_svg`: the drawing is parsed and rebuilt from a short list of drawing elements and attributes, so
a stored script, event handler, link or foreign object never reaches a page or a PDF."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"
ELEMENTS = {"svg", "g", "rect", "line", "polyline", "polygon", "path", "circle", "ellipse", "text", "tspan", "title", "desc"}
ATTRIBUTES = {
    "x", "y", "x1", "x2", "y1", "y2", "dx", "dy", "cx", "cy", "r", "rx", "ry", "width", "height", "viewBox",
    "points", "d", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap",
    "opacity", "transform", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "class", "role", "aria-label", "preserveAspectRatio",
}  # fmt: skip
# A value that could call out (url(…), javascript:, expression(…)) is dropped.
_UNSAFE_VALUE = re.compile(r"url\s*\(|javascript:|expression\s*\(|[<>]", re.IGNORECASE)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _clean(element: ET.Element) -> ET.Element | None:
    if _local(element.tag) not in ELEMENTS or (element.tag.startswith("{") and not element.tag.startswith(f"{{{SVG_NS}}}")):
        return None
    clean = ET.Element(_local(element.tag))
    for name, value in element.attrib.items():
        if "}" not in name and name in ATTRIBUTES and not _UNSAFE_VALUE.search(value):
            clean.set(name, value)
    clean.text = element.text
    for child in element:
        kept = _clean(child)
        if kept is not None:
            kept.tail = child.tail
            clean.append(kept)
        elif child.tail:  # the text after a dropped element stays, as text
            if len(clean):
                clean[-1].tail = (clean[-1].tail or "") + child.tail
            else:
                clean.text = (clean.text or "") + child.tail
    return clean


def safe_svg(markup: str) -> SafeString:
    """The drawing, rebuilt from safe elements and attributes only; text that is not an SVG drawing is
    shown escaped (as text, never as markup)."""
    markup = (markup or "").strip()
    if not markup:
        return mark_safe("")  # noqa: S308 — empty
    if "<!DOCTYPE" in markup.upper() or "<!ENTITY" in markup.upper():
        return escape(markup)
    try:
        root = ET.fromstring(markup)
    except ET.ParseError:
        return escape(markup)
    if _local(root.tag) != "svg":
        return escape(markup)
    clean = _clean(root)
    if clean is None:
        return escape(markup)
    clean.set("xmlns", SVG_NS)
    return mark_safe(ET.tostring(clean, encoding="unicode", short_empty_elements=True))  # noqa: S308 — rebuilt from the allow-list
