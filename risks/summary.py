"""What the management review reads from the risk tables (ISO 9001 9.3.2 e; BM.CTCL.02 topic 5 "Hiệu lực
của hành động giải quyết rủi ro, cơ hội"; C2's input "Kết quả phân tích rủi ro"): rows by level, responses
due or late, effectiveness results. One query; reviews calls it (risks never imports reviews)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dates import format_date

from .models import LEVEL_ORDER, Effectiveness, Kind, Level, Risk

# Responses whose deadline falls within this many days are listed as due.
DUE_WITHIN_DAYS = 30


def _name(risk: Risk) -> str:
    scope = risk.unit.name if risk.unit is not None else _("Cơ quan")
    return f"{scope} — {risk.number:02d}. {risk.description.strip()[:200]}"


def _line(risk: Risk) -> str:
    return _("- %(row)s (hạn %(deadline)s; %(owner)s)") % {
        "row": _name(risk),
        "deadline": format_date(risk.deadline) if risk.deadline else "",
        "owner": risk.owner or _("chưa giao"),
    }


def risk_review_summary(*, organisation_id: int, today: dt.date | None = None, since: dt.date | None = None) -> str:
    """Vietnamese text for the review's inputs; empty when the agency keeps no table yet. `since`: the
    effectiveness reviews counted are those made from that day (the previous review), all when None."""
    today = today or timezone.localdate()
    rows = list(Risk.objects.filter(organisation_id=organisation_id).select_related("unit").order_by("unit__order", "unit__name", "number"))
    if not rows:
        return ""
    open_rows = [r for r in rows if r.is_open]
    tables = len({r.unit_id for r in rows})
    by_level = Counter(r.level for r in open_rows)
    kinds = Counter(r.kind for r in open_rows)
    lines = [
        _("Bảng phân tích rủi ro (%(tables)s bảng, %(rows)s dòng): đang xử lý %(risks)s rủi ro, %(chances)s cơ hội; theo mức: %(levels)s.")
        % {
            "tables": tables,
            "rows": len(rows),
            "risks": kinds[Kind.RISK],
            "chances": kinds[Kind.OPPORTUNITY],
            "levels": ", ".join(f"{Level(level).label} {by_level[level]}" for level in LEVEL_ORDER),
        }
    ]
    high = [r for r in open_rows if r.level == Level.HIGH]
    if high:
        lines.append(_("Mức cao:"))
        lines += [f"- {_name(r)}" for r in high]
    late = [r for r in open_rows if r.deadline is not None and r.deadline < today]
    due = [r for r in open_rows if r.deadline is not None and today <= r.deadline <= today + dt.timedelta(days=DUE_WITHIN_DAYS)]
    lines.append(_("Biện pháp đối phó quá hạn: %(n)s.") % {"n": len(late)})
    lines += [_line(r) for r in late]
    lines.append(_("Biện pháp đối phó đến hạn trong %(days)s ngày tới: %(n)s.") % {"days": DUE_WITHIN_DAYS, "n": len(due)})
    lines += [_line(r) for r in due]
    reviewed = [
        r for r in rows if r.effectiveness and (since is None or (r.effectiveness_reviewed_on and r.effectiveness_reviewed_on >= since))
    ]
    results = Counter(r.effectiveness for r in reviewed)
    lines.append(
        _("Kết quả xem xét hiệu lực: %(yes)s có hiệu lực, %(no)s chưa có hiệu lực.")
        % {"yes": results[Effectiveness.EFFECTIVE], "no": results[Effectiveness.NOT_EFFECTIVE]}
    )
    lines += [
        _("- %(row)s: chưa có hiệu lực") % {"row": _name(r)}
        + (f" — {r.effectiveness_note.strip()}" if r.effectiveness_note.strip() else "")
        for r in reviewed
        if r.effectiveness == Effectiveness.NOT_EFFECTIVE
    ]
    return "\n".join(lines)
