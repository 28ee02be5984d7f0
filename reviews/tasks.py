"""The review's Celery tasks: each takes ids, runs one function of reviews.delivery or reviews.reminders
of the same name, and retries when SMTP is down."""

from celery import shared_task

from . import delivery, reminders


@shared_task(bind=True, max_retries=5, default_retry_delay=120)
def review_notice_send(self, review_id: int) -> int:
    """E-mails notice BM.HT.06.01 with its calendar invitation; recipients already served are skipped."""
    try:
        return delivery.review_notice_send(review_id=review_id)
    except OSError as exc:  # SMTP down
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=5, default_retry_delay=120)
def minutes_distribute(self, minutes_id: int) -> int:
    """After signing: the minutes PDF to every attendee (e-mail and inbox). Safe to run again: each
    recipient's Delivery row records what was sent; failed sends (SMTP down) are retried later."""
    sent = delivery.minutes_distribute(minutes_id=minutes_id)
    if delivery.minutes_delivery_failed(minutes_id=minutes_id):
        raise self.retry()
    return sent


@shared_task
def review_reminders_sweep() -> int:
    """Daily at 07:00 (ReviewsConfig.ready): report, deadline and meeting reminders."""
    return reminders.review_reminders_sweep()


@shared_task
def action_reminders_sweep() -> int:
    """Daily at 07:10 (ReviewsConfig.ready): actions coming due and overdue."""
    return reminders.action_reminders_sweep()


@shared_task
def followup_digest_sweep() -> int:
    """Monthly on the 1st at 07:20 (ReviewsConfig.ready): the follow-up digest to the committee head(s)."""
    return reminders.followup_digest_sweep()


@shared_task
def yearly_review_watch() -> int:
    """Daily at 07:30 (ReviewsConfig.ready): a year without a held review, from the agency's watch day."""
    return reminders.yearly_review_watch()


@shared_task
def by_report_comment_reminders_sweep() -> int:
    """Daily at 07:15 (ReviewsConfig.ready): the review by report's comment round, one reminder each."""
    from . import reminders_by_report

    return reminders_by_report.comment_reminders_sweep()
