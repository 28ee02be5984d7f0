"""Charts drawn as SVG strings on the server, so the page and the PDF show the same picture (WeasyPrint
renders inline SVG) and no JavaScript library is needed."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1a4d8f", "#e07b00", "#2e8b57", "#b22222", "#6a5acd", "#008b8b", "#8b4513", "#c71585"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _wrap(text: str, width: int = 14, lines: int = 2) -> list[str]:
    words, out, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return out


def _fmt(value: Decimal | float) -> str:
    return f"{float(value):.0f}"


def bar_chart(
    categories: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    *,
    title: str,
    width: int = 760,
    height: int = 320,
    target_line: Decimal | None = None,
) -> SafeString:
    """Grouped bars of percentages (0–100) per category; None draws nothing and says 'chưa có'."""
    left, right, top, bottom = 44, 12, 54, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="objectives-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" {FONT} font-size="11">',
        f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 20):
        y = top + plot_h - plot_h * tick / 100
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}%</text>')
    if target_line is not None:
        y = top + plot_h - plot_h * float(target_line) / 100
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b22222" stroke-dasharray="5,4"/>')
    n = max(len(categories), 1)
    group_w = plot_w / n
    bar_w = min(28.0, group_w * 0.8 / max(len(series), 1))
    for i, category in enumerate(categories):
        gx = left + group_w * i + (group_w - bar_w * len(series)) / 2
        for s, (_name, values) in enumerate(series):
            value = values[i] if i < len(values) else None
            x = gx + s * bar_w
            if value is None:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - 4}" text-anchor="middle" fill="#999" font-size="9">–</text>'
                )
                continue
            h = plot_h * min(float(value), 100) / 100
            y = top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(category)}: {_fmt(value)}%</title></rect>"
            )
            parts.append(f'<text x="{x + bar_w / 2 - 1:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10">{_fmt(value)}</text>')
        for k, line in enumerate(_wrap(category, width=max(8, int(group_w / 6.5)))):
            parts.append(
                f'<text x="{left + group_w * i + group_w / 2:.1f}" y="{top + plot_h + 16 + 13 * k}" text-anchor="middle">{escape(line)}</text>'
            )
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append(_legend([name for name, _values in series], width, 36))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    x_labels: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    *,
    title: str,
    width: int = 760,
    height: int = 320,
) -> SafeString:
    """One line of percentages (0–100) per series over the periods of the year; None breaks the line."""
    left, right, top, bottom = 44, 150, 40, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="objectives-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" {FONT} font-size="11">',
        f'<text x="{(width - right) / 2 + left / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 20):
        y = top + plot_h - plot_h * tick / 100
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}%</text>')
    step = plot_w / max(len(x_labels) - 1, 1)
    for i, label in enumerate(x_labels):
        parts.append(f'<text x="{left + step * i:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{escape(label)}</text>')
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = [(left + step * i, top + plot_h - plot_h * min(float(v), 100) / 100) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        ly = top + 10 + s * 18
        parts.append(f'<rect x="{left + plot_w + 12}" y="{ly - 8}" width="12" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{left + plot_w + 28}" y="{ly + 1}">{escape(_wrap(name, 20, 1)[0])}</text>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _legend(names: list[str], width: int, y: float) -> str:
    out, x = [], width - 12
    for s in reversed(range(len(names))):
        text = escape(names[s])
        x -= 7 * len(names[s]) + 24
        out.append(f'<rect x="{x}" y="{y - 9}" width="12" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 16}" y="{y}">{text}</text>')
    return "".join(out)
