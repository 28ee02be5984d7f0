"""What the corrective-action tickets did over a period, as plain text for another record: the
management review's input on nonconformities and corrective actions (ISO 9001 9.3.2 c, QT.HT.06 §V.3,
BM.HT.06.03 section 3). Knows nothing of the caller (no reviews import): it takes dates, returns text."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.models import Organisation

from .models import FINAL_STATES, Kind, Ticket, TicketStatus


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _date(day: dt.date | None) -> str:
    return format_date(day) or "—"


def tickets_summary(since: dt.date | None, until: dt.date, *, organisation: Organisation | int | None) -> str:
    """The tickets of `organisation` (an agency, or its pk) opened and closed from `since` (inclusive;
    None: from the first ticket) to `until` (inclusive), and every ticket of it still open at the end of
    `until` — those opened before `since` too, since an action not finished is the review's business
    whenever it began. None for `organisation` reads no ticket."""
    tickets = Ticket.objects.of(organisation)
    end = _start_of(until + dt.timedelta(days=1))
    opened = tickets.filter(created_at__lt=end)
    closed = tickets.filter(status__in=FINAL_STATES, closed_at__lt=end)
    if since is not None:
        opened = opened.filter(created_at__gte=_start_of(since))
        closed = closed.filter(closed_at__gte=_start_of(since))
        period = _("từ %(a)s đến %(b)s") % {"a": _date(since), "b": _date(until)}
    else:
        period = _("tính đến %(b)s") % {"b": _date(until)}
    by_state = Counter(opened.values_list("status", flat=True))
    by_kind = Counter(opened.values_list("kind", flat=True))
    closed_by_state = Counter(closed.values_list("status", flat=True))
    still_open = list(
        tickets.filter(created_at__lt=end)
        .exclude(status__in=FINAL_STATES)
        .select_related("unit", "implementing_unit")
        .order_by("year", "number")
    )
    overdue = [t for t in still_open if t.is_overdue(until)]
    n_opened = sum(by_state.values())

    lines = [_("Phiếu yêu cầu hành động khắc phục/cải tiến (BM.CTCL.01) %(period)s:") % {"period": period}]
    lines.append(
        _("- Mở mới: %(n)d phiếu (hành động khắc phục: %(c)d; phòng ngừa/cải tiến: %(p)d).")
        % {"n": n_opened, "c": by_kind[Kind.CORRECTIVE], "p": by_kind[Kind.PREVENTIVE]}
    )
    if n_opened:
        states = "; ".join(f"{label}: {by_state[value]}" for value, label in TicketStatus.choices if by_state[value])
        lines.append(_("- Trạng thái hiện nay của các phiếu mở mới: %(states)s.") % {"states": states})
    lines.append(
        _("- Đã kết thúc: %(n)d phiếu (đóng, có hiệu lực: %(ok)d; không hiệu lực, mở phiếu mới: %(ko)d; xử lý trực tiếp: %(fix)d).")
        % {
            "n": sum(closed_by_state.values()),
            "ok": closed_by_state[TicketStatus.CLOSED],
            "ko": closed_by_state[TicketStatus.INEFFECTIVE],
            "fix": closed_by_state[TicketStatus.CORRECTED],
        }
    )
    lines.append(_("- Đang mở: %(n)d phiếu, trong đó quá hạn hoàn thành: %(late)d phiếu.") % {"n": len(still_open), "late": len(overdue)})
    if still_open:
        lines.append(_("Các phiếu đang mở:"))
        for t in still_open:
            lines.append(
                _("- Phiếu số %(n)s — %(unit)s — %(state)s — ngày hoàn thành: %(due)s%(late)s — %(desc)s")
                % {
                    "n": t.number_display,
                    "unit": t.implementing_unit or t.unit,
                    "state": t.get_status_display(),
                    "due": _date(t.completion_date) if t.completion_date else _("chưa ấn định"),
                    "late": _(" (quá hạn)") if t in overdue else "",
                    "desc": _short(t.description),
                }
            )
    return "\n".join(lines)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
