"""QT.CTCL 5.8 / 5.8.1.2: a review held with the agency's giao ban, sơ kết or tổng kết is recorded in the agency's
combined minutes, "có đầy đủ nội dung như BM.CTCL.02". What such minutes must hold besides what every minutes
need to be signed (reviews.services.minutes._check_complete: time, place, chair, attendance, conclusions, the
three output headings): the reports (4.1) and every one of the seven discussion topics (4.2)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import BRIEFING_TEXT_FIELDS, MINUTES_TOPICS, TOPIC_2_PARTS, Minutes


def _filled(minutes: Minutes, *names: str) -> bool:
    return any(str(getattr(minutes, name) or "").strip() for name in names)


def combined_missing(minutes: Minutes) -> list[str]:
    """The parts of BM.CTCL.02 the minutes of a combined meeting lack (none for a meeting of its own)."""
    if not minutes.review.is_combined:
        return []
    missing = []
    # 4.1 "Các báo cáo": the summary (BM.CTCL.02) or the secretary's briefing headings (BM.HT.06.04 §1.1).
    if not _filled(minutes, "reports_summary", *BRIEFING_TEXT_FIELDS):
        missing.append(_("phần 4.1 “Các báo cáo” của BM.CTCL.02"))
    for number in range(1, 8):
        names = [f"topic_{number}", f"conclusion_{number}", *(TOPIC_2_PARTS if number == 2 else [])]
        if not _filled(minutes, *names):
            missing.append(
                _("nội dung thảo luận %(n)s “%(title)s” của BM.CTCL.02")
                % {"n": number, "title": str(MINUTES_TOPICS[number - 1]).rstrip(".")}
            )
    return missing
