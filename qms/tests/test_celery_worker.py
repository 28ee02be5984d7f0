"""A real Celery worker, in its own process, consumes a product task from the broker (Redis in CI,
kombu's filesystem transport otherwise), reads the test database and sends the e-mail."""

import email
import email.policy
import os
import time
from pathlib import Path

import pytest

from qms.models import Notification


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_consumes_the_notification_task_from_the_broker_and_sends_the_mail(real_worker, settings, unit_head):
    if os.environ.get("REDIS_URL"):
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    notification = Notification.objects.create(recipient=unit_head, subject="Nhắc hạn nộp báo cáo BM.HT.06.02", body="Hạn nộp: 05/12/2026")
    from qms.tasks import send_notification_email

    send_notification_email.apply_async((notification.pk,), queue=real_worker.queue)
    deadline = time.monotonic() + 60
    sent: list[Path] = []
    while time.monotonic() < deadline and not sent:
        time.sleep(0.5)
        sent = sorted(real_worker.mail_dir.glob("*.log")) if real_worker.mail_dir.exists() else []
    assert sent, "the worker did not send the e-mail within 60 s"
    raw = sent[0].read_bytes().split(b"\n" + b"-" * 79)[0]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == unit_head.email
    assert message["Subject"] == "Nhắc hạn nộp báo cáo BM.HT.06.02"
    assert "Hạn nộp: 05/12/2026" in message.get_content()
