"""The outbox's sender, run by the Celery tasks qms.tasks.outbox_flush (periodic) and outbox_send (right
after a commit): every e-mail of the product is a qms.OutboxMessage row, written by
qms.services.outbox_enqueue in the transaction of what it tells, and sent here.

A row is sent at most once: a worker claims it before sending (on PostgreSQL a row lock taken with
SELECT … FOR UPDATE SKIP LOCKED and held until the row is marked sent; elsewhere a conditional UPDATE
that leases the row for OUTBOX_LEASE_SECONDS). A worker killed while sending leaves the row unsent:
the lock goes with its connection (the lease expires) and another worker sends it. A failed send is
recorded on the row and retried with exponential backoff. The only duplicate left is a provider's: a
server that accepted the message just before the worker died."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, models, transaction
from django.utils import timezone

from .models import OutboxMessage

# name -> function(params) -> bytes: attachments rebuilt at send time (the signed minutes' PDF).
_BUILDERS: dict[str, Callable[[dict[str, Any]], bytes]] = {}


def register_attachment_builder(name: str, builder: Callable[[dict[str, Any]], bytes]) -> None:
    """An app (in its AppConfig.ready) names a function that rebuilds an attachment from JSON params."""
    _BUILDERS[name] = builder


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after `attempts` failed ones: 1, 2, 4, 8… minutes, at most 6 hours."""
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 60)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), getattr(settings, "OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)))


def test_pause() -> None:
    """Test-only: OUTBOX_TEST_PAUSE_SECONDS (env QMS_TEST_OUTBOX_PAUSE) slows each queued and each sent
    message, so a test can kill a real worker in the middle of a sweep or of a send."""
    pause = getattr(settings, "OUTBOX_TEST_PAUSE_SECONDS", 0)
    if pause:
        time.sleep(pause)


@dataclass
class _Attachments:
    """Built attachments of one run, so the same PDF is rendered once for all its recipients."""

    cache: dict[str, bytes]

    def add_to(self, email: EmailMultiAlternatives, specs: Iterable[dict[str, Any]]) -> None:
        for spec in specs:
            filename, mimetype = spec.get("filename", "attachment"), spec.get("mimetype", "application/octet-stream")
            if "builder" in spec:
                cache_key = json.dumps([spec["builder"], spec.get("params", {})], sort_keys=True)
                if cache_key not in self.cache:
                    self.cache[cache_key] = _BUILDERS[spec["builder"]](spec.get("params", {}))
                email.attach(filename, self.cache[cache_key], mimetype)
            elif mimetype.startswith("text/"):
                part = MIMEText(spec.get("content", ""), mimetype.split("/", 1)[1], "utf-8")
                for name, value in (spec.get("params") or {}).items():
                    part.set_param(name, value)
                part.add_header("Content-Disposition", "attachment", filename=filename)
                email.attach(part)
            else:
                email.attach(filename, spec.get("content", "").encode(), mimetype)


def _email(row: OutboxMessage, attachments: _Attachments) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(row.subject, row.body, to=[row.recipient])
    if row.html:
        email.attach_alternative(row.html, "text/html")
    attachments.add_to(email, row.attachments)
    return email


def _failed(row: OutboxMessage, exc: Exception, now: dt.datetime) -> None:
    attempts = row.attempts + 1
    OutboxMessage.objects.filter(pk=row.pk, sent_at__isnull=True).update(
        attempts=attempts,
        next_attempt_at=now + backoff(attempts),
        claimed_until=None,
        last_error=(f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__)[:500],
    )


def _send_locked(pk: int, *, due_only: bool, attachments: _Attachments) -> bool | None:
    """PostgreSQL: the row stays locked from the claim until it is marked sent (or the worker dies)."""
    now = timezone.now()
    with transaction.atomic():
        qs = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=pk, sent_at__isnull=True)
        row = (qs.filter(next_attempt_at__lte=now) if due_only else qs).first()
        if row is None:
            return None
        try:
            test_pause()
            _email(row, attachments).send()
        except Exception as exc:  # noqa: BLE001 — any failure is recorded on the row and retried later
            _failed(row, exc, now)
            return False
        OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=row.attempts + 1, last_error="")
    return True


def _send_leased(pk: int, *, due_only: bool, attachments: _Attachments) -> bool | None:
    """SQLite (one writer at a time: no transaction is held while talking to the mail server): a
    conditional UPDATE leases the row; only the worker whose UPDATE changed it sends it."""
    now = timezone.now()
    lease = dt.timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 600))
    qs = OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).filter(
        models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now)
    )
    if due_only:
        qs = qs.filter(next_attempt_at__lte=now)
    if qs.update(claimed_until=now + lease) != 1:
        return None
    row = OutboxMessage.objects.get(pk=pk)
    try:
        test_pause()
        _email(row, attachments).send()
    except Exception as exc:  # noqa: BLE001 — any failure is recorded on the row and retried later
        _failed(row, exc, now)
        return False
    OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now(), attempts=row.attempts + 1, last_error="", claimed_until=None)
    return True


@dataclass
class OutboxRun:
    sent: int = 0
    failed: int = 0


def outbox_send(
    *, ids: Iterable[int] | None = None, keys: Iterable[str] | None = None, due_only: bool = True, limit: int = 500
) -> OutboxRun:
    """Send unsent rows (those given by `ids` or `keys`, else every row due) and mark them sent; a row
    another worker is sending is skipped. `due_only=False` also sends rows waiting out a backoff (a task
    retrying its own messages). Returns how many were sent and how many failed in this run."""
    qs = OutboxMessage.objects.filter(sent_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if keys is not None:
        qs = qs.filter(key__in=list(keys))
    if due_only:
        qs = qs.filter(next_attempt_at__lte=timezone.now())
    send = _send_locked if connection.features.has_select_for_update_skip_locked else _send_leased
    attachments = _Attachments(cache={})
    run = OutboxRun()
    for pk in list(qs.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]):
        outcome = send(pk, due_only=due_only, attachments=attachments)
        if outcome is True:
            run.sent += 1
        elif outcome is False:
            run.failed += 1
    return run
