"""The ticket's PDF is laid out by the Celery task, not in the request (issue 13): the page waits for it,
then serves it; a failure, a time-out or a lost worker is a message, never a 500 or a page that waits forever."""

import subprocess
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse

from corrective_actions.models import Ticket
from qms import pdf_cache
from qms.tasks import render_form_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """Tasks queued instead of run: what a page sees while the worker is busy."""
    calls: list[tuple] = []
    monkeypatch.setattr(render_form_pdf, "delay", lambda *args: calls.append(args))
    return calls


def _text(data: bytes, tmp_path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_page_waits_while_the_worker_lays_the_pdf_out_then_serves_it(client, drive, staff_user, queued, tmp_path):
    ticket = drive("open", description="Hồ sơ số 12 trả kết quả chậm.")
    client.force_login(staff_user)
    url = reverse("corrective_actions:pdf", args=[ticket.pk])
    waiting = client.get(url)
    html = waiting.content.decode()
    assert waiting.status_code == 202 and "Đang tạo tệp PDF…" in html
    assert f'<meta http-equiv="refresh" content="2;url={url}">' in html
    assert waiting["Cache-Control"] == "private, no-store"
    assert client.get(url).status_code == 202 and len(queued) == 1  # asked once, not at every reload
    code, pk, key = queued[0]
    assert (code, pk) == ("BM.CTCL.01", ticket.pk)
    assert render_form_pdf(code, pk, key) == pdf_cache.READY  # what the worker runs
    ready = client.get(url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert ready["Content-Disposition"] == f'inline; filename="BM.CTCL.01-{ticket.number:02d}-{ticket.year}.pdf"'
    assert "Hồ sơ số 12 trả kết quả chậm." in _text(ready.content, tmp_path)
    assert len(queued) == 1  # served from the cache


def test_a_changed_record_is_laid_out_again_never_served_stale(client, drive, staff_user, tmp_path):
    ticket = drive("open", description="Bản mô tả đầu tiên.")
    client.force_login(staff_user)
    url = reverse("corrective_actions:pdf", args=[ticket.pk])
    assert "Bản mô tả đầu tiên." in _text(client.get(url).content, tmp_path)  # eager: laid out at once
    Ticket.objects.filter(pk=ticket.pk).update(description="Bản mô tả đã sửa.")
    text = _text(client.get(url).content, tmp_path)
    assert "Bản mô tả đã sửa." in text and "Bản mô tả đầu tiên." not in text


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (SoftTimeLimitExceeded(), "Tạo tệp PDF quá 60 giây nên đã dừng lại."),
        (RuntimeError("cairo"), "Không tạo được tệp PDF do lỗi hệ thống."),
    ],
)
def test_a_render_that_runs_out_of_time_or_fails_shows_a_message_and_can_be_retried(
    client, drive, staff_user, monkeypatch, settings, failure, message
):
    settings.QMS_PDF_TIME_LIMIT = 60

    def fail(html):
        raise failure

    monkeypatch.setattr("qms.pdf.html_to_pdf", fail)
    ticket = drive("open")
    client.force_login(staff_user)
    url = reverse("corrective_actions:pdf", args=[ticket.pk])
    for _ in range(2):  # the failure stays shown; the page does not wait for a render that will not come
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and message in html and "Đang tạo" not in html and "http-equiv" not in html
    assert f'href="{url}?retry=1"' in html
    monkeypatch.undo()
    retried = client.get(url, {"retry": "1"})
    assert retried.status_code == 200 and retried["Content-Type"] == "application/pdf"


def test_a_render_lost_with_its_worker_is_reported_not_waited_for_forever(client, drive, staff_user, queued, monkeypatch):
    ticket = drive("open")
    client.force_login(staff_user)
    url = reverse("corrective_actions:pdf", args=[ticket.pk])
    assert client.get(url).status_code == 202
    later = time.time() + pdf_cache.hard_time_limit() + 31
    monkeypatch.setattr(pdf_cache.time, "time", lambda: later)
    response = client.get(url)
    assert response.status_code == 200 and "bị gián đoạn" in response.content.decode()
    client.get(url, {"retry": "1"})
    assert len(queued) == 2  # asked again


def test_the_download_keeps_its_permission_check(client, drive, other_unit_head):
    ticket = drive("open")
    client.force_login(other_unit_head)
    assert client.get(reverse("corrective_actions:pdf", args=[ticket.pk])).status_code == 404


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_lays_out_the_pdf_the_page_waited_for(real_worker, restore_roles, client, drive, staff_user, monkeypatch):
    monkeypatch.setattr(render_form_pdf, "delay", lambda *args: render_form_pdf.apply_async(args, queue=real_worker.queue))
    ticket = drive("open", description="Phiếu do tiến trình xử lý nền tạo.")
    client.force_login(staff_user)
    url = reverse("corrective_actions:pdf", args=[ticket.pk])
    response = client.get(url)
    deadline = time.monotonic() + 90
    while response.status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:4] == b"%PDF"


def test_a_broker_that_is_down_is_a_message_not_a_500(client, drive, staff_user, monkeypatch):
    def down(*args):
        raise OSError("Connection refused")

    monkeypatch.setattr(render_form_pdf, "delay", down)
    ticket = drive("open")
    client.force_login(staff_user)
    response = client.get(reverse("corrective_actions:pdf", args=[ticket.pk]))
    assert response.status_code == 200 and "bị gián đoạn" in response.content.decode()
