"""The signed minutes as records the verification recognises (qms.signing.verify): a file is the stored
copy of minutes when its SHA-256 is the one kept at signing; a copy whose signature field names minutes
(`qms-minutes-<pk>-v<revision>`) but whose bytes differ is said to be not the stored copy; and a stored
file that is not the one signed for its minutes (swapped on disk) is said so on the minutes' page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.signing.records import Lookup, RecordMatch

from .models import Minutes

if TYPE_CHECKING:
    from qms.signing.verify import PdfCheck

FIELD = re.compile(r"^qms-minutes-(\d+)-v(\d+)$")


def _label(minutes: Minutes) -> str:
    number = f"{minutes.number:02d}/{minutes.organisation.minutes_symbol}" if minutes.number else "—"
    return _("Biên bản họp xem xét số %(number)s, %(title)s (bản %(revision)s, ký ngày %(date)s), %(agency)s") % {
        "number": number,
        "title": minutes.review.title,
        "revision": minutes.revision,
        "date": format_date(minutes.signed_at) if minutes.signed_at else "—",
        "agency": minutes.organisation.name,
    }


def _url(minutes: Minutes, user) -> str | None:
    if user is None or not Minutes.objects.visible_to(user).filter(pk=minutes.pk).exists():
        return None
    return reverse("reviews:minutes_detail", args=[minutes.pk])


def minutes_lookup(asked: Lookup) -> RecordMatch | None:
    """Registered in ReviewsConfig.ready()."""
    qs = Minutes.objects.select_related("review", "organisation")
    if asked.stored_name:
        owner = qs.filter(signed_file=asked.stored_name).first()
        if owner is not None:
            if owner.signed_file_sha256 == asked.sha256:
                return RecordMatch(label=_label(owner), url=_url(owner, asked.user), is_stored_copy=True)
            other = qs.filter(signed_file_sha256=asked.sha256).exclude(pk=owner.pk).first()
            note = (
                _("Tệp đang lưu cho hồ sơ này là tệp đã ký của hồ sơ khác: %(other)s.") % {"other": _label(other)}
                if other is not None
                else _("Tệp đang lưu cho hồ sơ này không phải tệp đã ký lúc ký.")
            )
            return RecordMatch(label=_label(owner), url=_url(owner, asked.user), is_stored_copy=False, note=note)
    stored = qs.filter(signed_file_sha256=asked.sha256).first()
    if stored is not None:
        return RecordMatch(label=_label(stored), url=_url(stored, asked.user), is_stored_copy=True)
    # A field name is only a claim anyone can write into a PDF: it names the reader's own minutes, never
    # another agency's (or a signed-in user could enumerate them by number).
    claimable = qs if asked.user is None else Minutes.objects.visible_to(asked.user).select_related("review", "organisation")
    for name in asked.field_names:
        found = FIELD.match(name)
        if found:
            claimed = claimable.filter(pk=int(found.group(1)), revision=int(found.group(2))).exclude(signed_file="").first()
            if claimed is not None:
                return RecordMatch(
                    label=_label(claimed),
                    url=_url(claimed, asked.user),
                    is_stored_copy=False,
                    note=_("Tệp mang chữ ký của hồ sơ này nhưng không trùng từng byte với bản đã lưu."),
                )
    return None


@dataclass
class StoredCheck:
    check: PdfCheck | None
    missing: bool = False


def minutes_stored_check(minutes: Minutes, user=None) -> StoredCheck | None:
    """The check of the minutes' stored signed file, as the verification page would give it; None when the
    minutes have no signed file (a draft, or minutes signed before signatures were digital)."""
    if not minutes.signed_file:
        return None
    from qms.signing.verify import verify_pdf  # pyHanko is loaded when a signed file is checked

    try:
        with minutes.signed_file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return StoredCheck(check=None, missing=True)
    return StoredCheck(check=verify_pdf(data, stored_name=minutes.signed_file.name or "", user=user))
