"""Thin Celery tasks of the shared core: they take ids and call code that does the work."""

from celery import shared_task
from django.conf import settings

from . import outbox
from .models import Notification


@shared_task
def outbox_send(ids: list[int]) -> int:
    """Right after a commit: send these outbox rows (rows already sent or being sent are skipped). Not only
    when due by this worker's clock: the row's time was set by another machine's."""
    return outbox.outbox_send(ids=ids, due_only=False).sent


@shared_task
def outbox_flush() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): every unsent outbox row that is due, retries included."""
    return outbox.outbox_send().sent


@shared_task
def send_notification_email(notification_id: int) -> None:
    """An inbox row's e-mail through the outbox (queued once per notification, then sent)."""
    from .services import notification_email_enqueue

    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None:
        return
    notification_email_enqueue(notification=notification, send_after_commit=False)
    outbox.outbox_send(keys=[f"notification:{notification_id}"])


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_password_reset_email(
    self,
    *,
    email: str,
    domain: str,
    use_https: bool,
    subject_template_name: str,
    email_template_name: str,
    from_email: str | None = None,
) -> None:
    """The password-reset mail, looked up and sent here rather than in the request (qms.security)."""
    from django.contrib.auth.forms import PasswordResetForm  # noqa: PLC0415

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    try:
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            from_email=from_email,
        )
    except OSError as exc:  # SMTP down: try again later
        raise self.retry(exc=exc) from exc


@shared_task
def ping() -> str:
    """Used by the health check and by the test that a real worker consumes from the broker."""
    return "pong"


@shared_task(
    soft_time_limit=settings.QMS_PDF_TIME_LIMIT,
    time_limit=settings.QMS_PDF_TIME_LIMIT + 15,
    acks_late=False,  # a render that kills its worker is not handed to the next one
    ignore_result=True,
)
def render_form_pdf(code: str, pk: int, key: str) -> str:
    """Lay out one official form (qms.pdf_cache): `key` is the digest of the HTML the page asked for."""
    from .pdf_cache import pdf_render_to_cache

    return pdf_render_to_cache(code=code, pk=pk, key=key)
