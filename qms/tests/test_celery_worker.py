"""A real Celery worker, in its own process, consumes a product task from the broker (Redis in CI,
kombu's filesystem transport otherwise), reads the test database and sends the e-mail."""
import email
import email.policy
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import services_required
from qms.models import Notification


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, settings):
    if services_required() and not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL must be set in CI: the worker test runs on the real Redis broker.")
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "1",
        "QMS_MAIL_DIR": str(mail_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    env.pop("PYTEST_VERSION", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "qms", "worker", "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip", "-n", f"test-{os.getpid()}@%h"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield mail_dir
    proc.terminate()
    try:
        output, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
    print(output[-3000:])


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_consumes_the_notification_task_from_the_broker_and_sends_the_mail(worker, settings, unit_head):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    if os.environ.get("REDIS_URL"):
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    notification = Notification.objects.create(recipient=unit_head, subject="Nhắc hạn nộp báo cáo BM.HT.06.02", body="Hạn nộp: 05/12/2026")
    from qms.tasks import send_notification_email

    send_notification_email.delay(notification.pk)
    deadline = time.monotonic() + 60
    sent: list[Path] = []
    while time.monotonic() < deadline and not sent:
        time.sleep(0.5)
        sent = sorted(worker.glob("*.log")) if worker.exists() else []
    assert sent, "the worker did not send the e-mail within 60 s"
    raw = sent[0].read_bytes().split(b"\n" + b"-" * 79)[0]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == unit_head.email
    assert message["Subject"] == "Nhắc hạn nộp báo cáo BM.HT.06.02"
    assert "Hạn nộp: 05/12/2026" in message.get_content()
