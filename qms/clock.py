"""The moment the product writes on its audit rows: now, except while a back-filled story is recorded.

The demo tells what happened months ago (a notice issued, minutes signed last year) through the real
services, so that numbers, notifications and the audit trail are those of real use; `recorded_at(moment)`
makes the audit rows written inside it carry the moment of the event they tell, not the day of loading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_RECORDED_AT: ContextVar[dt.datetime | None] = ContextVar("qms_recorded_at", default=None)


def now() -> dt.datetime:
    return _RECORDED_AT.get() or timezone.now()


@contextmanager
def recorded_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    token = _RECORDED_AT.set(moment)
    try:
        yield moment
    finally:
        _RECORDED_AT.reset(token)
