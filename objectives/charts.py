"""Charts drawn as SVG strings on the server, so the page and the PDF show the same picture (WeasyPrint
renders inline SVG) and no JavaScript library is needed.

Fonts: by default a chart is drawn in the official forms' font (templates/pdf/base.html: Times New Roman
metrics, resolved to Liberation Serif or Tinos), since the PDFs and the frozen chart of the consolidated
report BM.HT.06.03 embed it; the web pages pass WEB_FONT. Text never runs off the chart nor gets cut: a
long unit name wraps over as many lines as it needs (widths estimated per character for the font and
size), and the margins, the legend and the drawing's height grow with the lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1a4d8f", "#e07b00", "#2e8b57", "#b22222", "#6a5acd", "#008b8b", "#8b4513", "#c71585"]
FONT_SIZE = 11
LINE_HEIGHT = 13  # between the baselines of a wrapped label's lines, at FONT_SIZE


@dataclass(frozen=True)
class ChartFont:
    """A font-family list for the SVG and the approximate advance of its characters, in em."""

    family: str
    regular: float  # lower-case letters and digits
    wide: float  # capitals, m, w
    narrow: float  # i, l, t, punctuation
    space: float

    def width(self, text: str, size: float = FONT_SIZE) -> float:
        """A slightly generous estimate of the width of `text` at `size` px (Vietnamese diacritics add none)."""
        em = 0.0
        for ch in text:
            if ch.isspace():
                em += self.space
            elif ch.isupper() or ch in "mwMW%—":
                em += self.wide
            elif ch in "iìíỉĩịIlfjtr.,;:'!|()[]-/":
                em += self.narrow
            else:
                em += self.regular
        return em * size


# The forms' font, as templates/pdf/base.html names it (quotes single: the list goes in an XML attribute).
FORMS_FONT = ChartFont("'Times New Roman', 'Liberation Serif', 'Tinos', serif", regular=0.5, wide=0.72, narrow=0.3, space=0.25)
WEB_FONT = ChartFont("'DejaVu Sans', Arial, sans-serif", regular=0.62, wide=0.78, narrow=0.36, space=0.32)


def wrap(text: str, max_width: float, font: ChartFont, size: float = FONT_SIZE) -> list[str]:
    """`text` in lines no wider than `max_width` px, broken between words (inside a word only when the
    word alone is wider); every character kept."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.width(candidate, size) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:  # a word wider than the line: broken where it must be
            if line and font.width(line + ch, size) > max_width:
                lines.append(line)
                line = ""
            line += ch
    if line or not lines:
        lines.append(line)
    return lines


def _fmt(value: Decimal | float) -> str:
    return f"{float(value):.0f}"


def _open(width: float, height: float, title: str, font: ChartFont) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="objectives-chart" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" role="img" aria-label="{escape(title)}" font-family="{font.family}" font-size="{FONT_SIZE}">'
    )


def bar_chart(
    categories: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    *,
    title: str,
    width: int = 760,
    height: int = 320,
    target_line: Decimal | None = None,
    font: ChartFont = FORMS_FONT,
) -> SafeString:
    """Grouped bars of percentages (0–100) per category; None draws nothing and says 'chưa có'. The
    legend (top right) and the category labels (below) wrap; the drawing grows taller to hold them."""
    left, right = 44, 12
    plot_w, plot_h = width - left - right, height - 54 - 64
    legend, legend_bottom = _legend([name for name, _values in series], font, right_x=width - right, first_baseline=36, max_width=plot_w)
    top = max(54.0, legend_bottom + 14)
    n = max(len(categories), 1)
    group_w = plot_w / n
    labels = [wrap(category, group_w - 6, font) for category in categories]
    label_lines = max((len(lines) for lines in labels), default=1)
    bottom = max(64, 16 + LINE_HEIGHT * (label_lines - 1) + 12)
    total_h = top + plot_h + bottom
    parts = [
        _open(width, total_h, title, font),
        f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 20):
        y = top + plot_h - plot_h * tick / 100
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}%</text>')
    if target_line is not None:
        y = top + plot_h - plot_h * float(target_line) / 100
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b22222" stroke-dasharray="5,4"/>')
    bar_w = min(28.0, group_w * 0.8 / max(len(series), 1))
    for i, category in enumerate(categories):
        gx = left + group_w * i + (group_w - bar_w * len(series)) / 2
        for s, (_name, values) in enumerate(series):
            value = values[i] if i < len(values) else None
            x = gx + s * bar_w
            if value is None:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - 4:.1f}" text-anchor="middle" fill="#999" font-size="9">–</text>'
                )
                continue
            h = plot_h * min(float(value), 100) / 100
            y = top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(category)}: {_fmt(value)}%</title></rect>"
            )
            parts.append(f'<text x="{x + bar_w / 2 - 1:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10">{_fmt(value)}</text>')
        parts.append('<g class="category" text-anchor="middle">')
        for k, line in enumerate(labels[i]):
            parts.append(
                f'<text x="{left + group_w * i + group_w / 2:.1f}" y="{top + plot_h + 16 + LINE_HEIGHT * k:.1f}">{escape(line)}</text>'
            )
        parts.append("</g>")
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h:.1f}" y2="{top + plot_h:.1f}" stroke="#333"/>')
    parts.append(legend)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    x_labels: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    *,
    title: str,
    width: int = 760,
    height: int = 320,
    font: ChartFont = FORMS_FONT,
) -> SafeString:
    """One line of percentages (0–100) per series over the periods of the year; None breaks the line. The
    legend stands right of the plot, each name wrapped to the column; a long legend makes the drawing taller."""
    left, right, top, bottom = 44, 150, 40, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    text_x = left + plot_w + 28
    legend: list[str] = []
    ly = float(top + 10)  # the swatch's baseline, as the name's first line
    last_baseline = ly
    for s, (name, _values) in enumerate(series):
        lines = wrap(name, width - text_x - 4, font)
        legend.append(
            f'<g class="legend-item"><rect x="{left + plot_w + 12}" y="{ly - 8:.1f}" width="12" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
        )
        for k, line in enumerate(lines):
            last_baseline = ly + 1 + LINE_HEIGHT * k
            legend.append(f'<text x="{text_x}" y="{last_baseline:.1f}">{escape(line)}</text>')
        legend.append("</g>")
        ly += 18 + LINE_HEIGHT * (len(lines) - 1)
    total_h = max(float(height), last_baseline + 12)
    parts = [
        _open(width, total_h, title, font),
        f'<text x="{(width - right) / 2 + left / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 20):
        y = top + plot_h - plot_h * tick / 100
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}%</text>')
    step = plot_w / max(len(x_labels) - 1, 1)
    for i, label in enumerate(x_labels):
        parts.append(f'<text x="{left + step * i:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{escape(label)}</text>')
    for s, (_name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = [(left + step * i, top + plot_h - plot_h * min(float(v), 100) / 100) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
    parts.extend(legend)
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _legend(names: list[str], font: ChartFont, *, right_x: float, first_baseline: float, max_width: float) -> tuple[str, float]:
    """Swatches and names in rows flush right, ending at `right_x`: as many items to a row as fit in
    `max_width`, a name wider than half of it wrapped. Returns the SVG and the bottom of the last line."""
    items = []
    for s, name in enumerate(names):
        lines = wrap(name, max_width / 2 - 16, font)
        items.append((s, lines, 16 + max(font.width(line) for line in lines)))
    rows: list[list[tuple[int, list[str], float]]] = []
    for item in items:
        if rows and sum(w + 12 for _s, _l, w in rows[-1]) + item[2] <= max_width:
            rows[-1].append(item)
        else:
            rows.append([item])
    out: list[str] = []
    baseline = bottom = first_baseline
    for row in rows:
        x = right_x - sum(w for _s, _l, w in row) - 12 * (len(row) - 1)
        for s, lines, w in row:
            out.append(
                f'<g class="legend-item"><rect x="{x:.1f}" y="{baseline - 9:.1f}" width="12" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
            for k, line in enumerate(lines):
                out.append(f'<text x="{x + 16:.1f}" y="{baseline + LINE_HEIGHT * k:.1f}">{escape(line)}</text>')
            out.append("</g>")
            x += w + 12
        row_lines = max(len(lines) for _s, lines, _w in row)
        bottom = baseline + LINE_HEIGHT * (row_lines - 1) + 4
        baseline += LINE_HEIGHT * row_lines + 4
    return "".join(out), bottom
