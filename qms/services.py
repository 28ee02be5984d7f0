"""Writes of the shared core: audit rows, conditional state transitions, notifications, once-only
reminder keys and per-year document numbers. Apps call these from their own services."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import clock
from .errors import StaleEditError
from .messages import N_, Message, render
from .models import AuditEntry, CalendarFeed, DocumentCounter, Notification, Organisation, OutboxMessage, SentReminder, User, new_feed_token


@transaction.atomic
def audit_record(
    *,
    target: models.Model,
    actor: User | None,
    action: Message | str,
    from_state: str = "",
    to_state: str = "",
    note: Message | str = "",
) -> AuditEntry:
    """`action` and `note` as Messages are shown in each reader's language; plain text (a note typed by a
    user) stays as typed. The columns keep the Vietnamese text."""
    # The record's agency; a child record without its own (a unit's report) is its actor's agency's.
    organisation_id = getattr(target, "organisation_id", None) or (
        actor.organisation_id if actor is not None and actor.is_authenticated else None
    )
    message = {key: value.to_json() for key, value in (("action", action), ("note", note)) if isinstance(value, Message)}
    return AuditEntry.objects.create(
        at=clock.now(),
        organisation_id=organisation_id,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=target.pk,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=render(action, settings.LANGUAGE_CODE)[:100],
        from_state=from_state,
        to_state=to_state,
        note=render(note, settings.LANGUAGE_CODE),
        message=message,
    )


@transaction.atomic
def state_transition(
    *,
    instance: models.Model,
    to_state: str,
    actor: User | None,
    action: Message | str,
    note: Message | str = "",
    field: str = "status",
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Move `instance` from the state it was loaded in to `to_state` with one conditional UPDATE, so that
    when two people act at once only the first wins; then write the audit row."""
    from_state = getattr(instance, field)
    updates = {field: to_state, **(extra or {})}
    if any(f.name == "version" for f in instance._meta.concrete_fields):
        updates["version"] = models.F("version") + 1
    changed = type(instance)._default_manager.filter(pk=instance.pk, **{field: from_state}).update(**updates)
    if changed != 1:
        raise StaleEditError(_("Hồ sơ vừa được người khác thay đổi trạng thái. Vui lòng tải lại trang và thử lại."))
    instance.refresh_from_db()
    audit_record(target=instance, actor=actor, action=action, from_state=from_state, to_state=to_state, note=note)


def audit_trail(target: models.Model, *, field: str = "status") -> list[AuditEntry]:
    """The target's audit rows, oldest first, each with `from_label`/`to_label`: the state names the
    user reads (the rows keep the stable codes), and `action_text`/`note_text` in the reader's (active)
    language."""
    try:
        labels = {str(k): str(v) for k, v in getattr(target._meta.get_field(field), "flatchoices", [])}
    except Exception:  # noqa: BLE001 — a target without that field shows its codes
        labels = {}
    entries = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=False), object_id=target.pk
        ).select_related("actor")
    )
    for entry in entries:
        entry.from_label = labels.get(entry.from_state, entry.from_state)  # type: ignore[attr-defined]
        entry.to_label = labels.get(entry.to_state, entry.to_state)  # type: ignore[attr-defined]
        entry.action_text = entry.action_in()  # type: ignore[attr-defined]
        entry.note_text = entry.note_in()  # type: ignore[attr-defined]
    return entries


@transaction.atomic
def outbox_enqueue(
    *,
    key: str,
    to: str,
    subject: str,
    body: str = "",
    html: str = "",
    attachments: Iterable[Mapping[str, Any]] = (),
    send_after_commit: bool = True,
) -> OutboxMessage | None:
    """Queue one e-mail in the outbox, in the caller's transaction: it is sent (qms.outbox) only if that
    transaction commits, and then surely, once per `key` (a key already queued returns None). An
    attachment is {"filename", "mimetype", "content"} for text kept as is, or {"filename", "mimetype",
    "builder", "params"} for a file rebuilt at send time (qms.outbox.register_attachment_builder).
    `send_after_commit` asks a worker to send it right after the commit; the periodic flush sends it
    anyway."""
    from .outbox import test_pause
    from .tasks import outbox_send

    key = key[:255]
    if not to or OutboxMessage.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            row = OutboxMessage.objects.create(
                key=key,
                recipient=to,
                subject=" ".join(subject.split())[:255],
                body=body,
                html=html,
                attachments=[dict(a) for a in attachments],
            )
    except IntegrityError:  # queued at the same moment by another process
        return None
    test_pause()
    if send_after_commit:
        # robust: a broker that is down does not fail the request; the periodic flush sends the row.
        transaction.on_commit(lambda: outbox_send.delay([row.pk]), robust=True)
    return row


@transaction.atomic
def notification_send(
    *, recipients: Iterable[User], subject: Message | str, body: Message | str = "", url: str = "", email: bool = True
) -> list[Notification]:
    """Put a message in each recipient's inbox and, in the same transaction, its e-mail in the outbox (sent
    once after the commit). Messages are rendered in the reader's language when read and in the
    recipient's language when e-mailed; the `subject`/`body` columns keep the Vietnamese text."""
    message = {key: value.to_json() for key, value in (("subject", subject), ("body", body)) if isinstance(value, Message)}
    subject_text = render(subject, settings.LANGUAGE_CODE)[:255]
    body_text = render(body, settings.LANGUAGE_CODE)
    seen: set[int] = set()
    created = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        created.append(Notification(recipient=user, subject=subject_text, body=body_text, url=url, message=message))
    Notification.objects.bulk_create(created)  # sets pk on PostgreSQL and SQLite (RETURNING)
    if email:
        for notification in created:
            notification_email_enqueue(notification=notification)
    return created


def notification_email_enqueue(*, notification: Notification, send_after_commit: bool = True) -> OutboxMessage | None:
    """The inbox row's e-mail in the outbox, in the recipient's language (not the language of the person
    who acted), with the link to the page; none for a recipient without an address."""
    recipient = notification.recipient
    if not recipient.email:
        return None
    language = recipient.language
    body = notification.body_in(language)
    if notification.url:
        body = f"{body}\n\n{settings.SITE_URL}{notification.url}"
    return outbox_enqueue(
        key=f"notification:{notification.pk}",
        to=recipient.email,
        subject=notification.subject_in(language),
        body=body,
        send_after_commit=send_after_commit,
    )


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def reminder_claim(key: str) -> bool:
    """True the first time `key` is claimed, False ever after, even under concurrent sweeps. Call it in the
    transaction that also writes the reminder's inbox rows and outbox e-mails (notification_send), so the
    claim, the inbox and the e-mail commit together or not at all: a worker killed in between loses nothing."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(key=key[:255])
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Reminder:
    """One reminder of a sweep (its key is the one it was built for): to `recipients` (None and inactive
    people skipped)."""

    recipients: Sequence[User | None]
    subject: Message | str
    body: Message | str = ""
    url: str = ""


def reminders_claimed(keys: Iterable[str]) -> set[str]:
    """Which of `keys` were already claimed, in one query however many keys (one array or JSON parameter,
    not one placeholder per key), so a sweep skips what it sent before without a query per candidate."""
    wanted = sorted({key[:255] for key in keys})
    if not wanted:
        return set()
    table, column = connection.ops.quote_name(SentReminder._meta.db_table), connection.ops.quote_name("key")
    if connection.vendor == "postgresql":
        sql, param = f"SELECT {column} FROM {table} WHERE {column} = ANY(%s)", wanted
    else:  # SQLite: the keys as one JSON array
        sql, param = f"SELECT {column} FROM {table} WHERE {column} IN (SELECT value FROM json_each(%s))", json.dumps(wanted)  # type: ignore[assignment]
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return {row[0] for row in cursor.fetchall()}


def _claim_batch(keys: list[str]) -> set[str]:
    """Claim `keys` in the caller's transaction; the ones this call won. A key claimed at the same moment by
    another sweep is skipped: PostgreSQL makes this insert wait for the other transaction and then skip
    the key if it committed (ON CONFLICT DO NOTHING), SQLite serialises writers."""
    table, key_column = connection.ops.quote_name(SentReminder._meta.db_table), connection.ops.quote_name("key")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = ", ".join(["(%s, %s)"] * len(keys))
    params: list[Any] = []
    for key in keys:
        params += [key, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, sent_at) VALUES {values} ON CONFLICT ({key_column}) DO NOTHING RETURNING {key_column}",
            params,
        )
        return {row[0] for row in cursor.fetchall()}


def reminders_send(pending: Mapping[str, Callable[[], Reminder]]) -> int:
    """Send each reminder once (the batched reminder_claim + notification_send of a sweep): how many were
    sent now. `pending` maps each candidate's key to what builds its reminder, called only for a key not
    claimed yet (an "all sent" run builds nothing). The keys already claimed are read first in one query;
    the others are claimed in batches of REMINDER_BATCH_SIZE, each batch with its inbox rows and outbox e-mails in one transaction (a worker
    killed in between loses the uncommitted batch only, which the next sweep sends). The queries do not
    grow with the number of candidates, only with the batches of reminders actually sent."""
    claimed = reminders_claimed(pending)
    todo = {key[:255]: build for key, build in pending.items() if key[:255] not in claimed}
    # In key order, so two sweeps at the same moment lock their keys in the same order (no deadlock).
    keys = sorted(todo)
    size = max(int(getattr(settings, "REMINDER_BATCH_SIZE", 2000)), 1)
    sent = 0
    for start in range(0, len(keys), size):
        with transaction.atomic():
            won = _claim_batch(keys[start : start + size])
            _notifications_send([todo[key]() for key in keys[start : start + size] if key in won])
        sent += len(won)
    return sent


def _notifications_send(reminders: list[Reminder]) -> None:
    """notification_send for many reminders at once: one insert of the inbox rows, one of their e-mails."""
    from .outbox import test_pause
    from .tasks import outbox_send

    created: list[Notification] = []
    for reminder in reminders:
        message = {k: v.to_json() for k, v in (("subject", reminder.subject), ("body", reminder.body)) if isinstance(v, Message)}
        subject_text = render(reminder.subject, settings.LANGUAGE_CODE)[:255]
        body_text = render(reminder.body, settings.LANGUAGE_CODE)
        seen: set[int] = set()
        for user in reminder.recipients:
            if user is None or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            created.append(Notification(recipient=user, subject=subject_text, body=body_text, url=reminder.url, message=message))
    Notification.objects.bulk_create(created)  # sets pk on PostgreSQL and SQLite (RETURNING)
    rows = []
    for notification in created:
        recipient = notification.recipient
        if not recipient.email:
            continue
        body = notification.body_in(recipient.language)
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL}{notification.url}"
        rows.append(
            OutboxMessage(
                key=f"notification:{notification.pk}",  # a new inbox row's: never queued before
                recipient=recipient.email,
                subject=" ".join(notification.subject_in(recipient.language).split())[:255],
                body=body,
            )
        )
        test_pause()
    OutboxMessage.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    if ids:
        # robust: a broker that is down does not fail the sweep; the periodic flush sends the rows.
        transaction.on_commit(lambda: outbox_send.delay(ids), robust=True)


@transaction.atomic
def document_number_next(*, organisation: Organisation, series: str, year: int) -> int:
    """The agency's next number of `series` in `year`. The counter row is locked, so two documents issued
    at the same moment get different numbers; a number is never given twice."""
    DocumentCounter.objects.get_or_create(organisation=organisation, series=series, year=year)
    counter = DocumentCounter.objects.select_for_update().get(organisation=organisation, series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def local_today() -> dt.date:
    return timezone.localdate()


def calendar_feed_of(*, user: User) -> CalendarFeed:
    """The person's calendar subscription, made the first time they open the calendar page."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret for the person's feed (they shared or lost the URL): the old URL answers 404 from now on."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token, feed.created_at = new_feed_token(), timezone.now()
        feed.save(update_fields=["token", "created_at"])
    audit_record(target=feed, actor=user, action=N_("Đổi địa chỉ lịch đăng ký"))
    return feed
