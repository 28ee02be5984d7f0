"""The registry of the records a verified file may be (no pyHanko here: the apps register at start-up
without loading it). An app registers `register_record_lookup(fn)`; fn(Lookup) -> RecordMatch | None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class RecordMatch:
    """A record of ours the file belongs to: `label` names it, `url` its page (None: not for this reader),
    `is_stored_copy` whether the file is byte for byte the stored signed file, `note` what else to say
    (the stored file is another record's, …)."""

    label: str
    url: str | None
    is_stored_copy: bool
    note: str = ""


@dataclass
class Lookup:
    """What a record lookup is given: the file's SHA-256, the names of its signature fields, where it is
    stored (its name under MEDIA_ROOT, when the file checked is a stored one) and who asks (None: the
    command line)."""

    sha256: str
    field_names: list[str]
    stored_name: str = ""
    user: Any = None


RecordLookup = Callable[[Lookup], "RecordMatch | None"]
_lookups: list[RecordLookup] = []


def register_record_lookup(fn: RecordLookup) -> None:
    if fn not in _lookups:
        _lookups.append(fn)


def lookups() -> list[RecordLookup]:
    return list(_lookups)
