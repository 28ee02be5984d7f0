"""Issue 17: what a person receives (inbox, e-mail, audit trail) is in their own language, whatever the
language of the person who acted."""

import html
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from corrective_actions import services
from corrective_actions.models import Ticket, TicketStatus
from corrective_actions.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

SUBJECT_VI = "Phiếu HĐKP/cải tiến {n} chờ đơn vị xem xét"
SUBJECT_EN = "CA/improvement ticket {n} is waiting for the unit's review"


def _reader(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _open_ticket_as(client: Client, actor, unit, language: str, today, capture) -> Ticket:
    client.force_login(actor)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    data = {
        "requesting_unit": unit.pk,
        "unit": unit.pk,
        "kind": "corrective",
        "source": "nonconformity",
        "description": "Hồ sơ thiếu chữ ký",
        "description_date": today.strftime("%d/%m/%Y"),
    }
    with capture(execute=True):  # the e-mails go out after commit
        assert client.post(reverse("corrective_actions:create"), data).status_code == 302
    return Ticket.objects.get()


def _mail_to(user) -> mail.EmailMessage:
    return next(m for m in mail.outbox if m.to == [user.email])


def _audit_trail(page: str) -> str:
    return re.search(r'<section class="card mt-4" id="audit-trail">.*?</section>', page, re.S).group(0)


def test_an_english_interface_actor_notifies_a_vietnamese_colleague_in_vietnamese(
    client, staff_user, unit_head, unit, today, django_capture_on_commit_callbacks
):
    ticket = _open_ticket_as(client, staff_user, unit, "en", today, django_capture_on_commit_callbacks)
    subject_vi, subject_en = SUBJECT_VI.format(n=ticket.number_display), SUBJECT_EN.format(n=ticket.number_display)
    inbox = html.unescape(_reader(unit_head, "vi").get(reverse("inbox")).content.decode())
    assert subject_vi in inbox and subject_en not in inbox
    assert _mail_to(unit_head).subject == subject_vi


def test_a_vietnamese_actor_notifies_an_english_reading_colleague_in_english(
    client, staff_user, unit_head, unit, today, django_capture_on_commit_callbacks
):
    unit_head.language = "en"
    unit_head.save(update_fields=["language"])
    ticket = _open_ticket_as(client, staff_user, unit, "vi", today, django_capture_on_commit_callbacks)
    subject_vi, subject_en = SUBJECT_VI.format(n=ticket.number_display), SUBJECT_EN.format(n=ticket.number_display)
    inbox = html.unescape(_reader(unit_head, "en").get(reverse("inbox")).content.decode())
    assert subject_en in inbox and subject_vi not in inbox
    assert _mail_to(unit_head).subject == subject_en


def test_an_audit_note_written_in_english_reads_in_each_readers_language_and_typed_text_stays_as_typed(unit, secretary, committee_head):
    ticket = TicketFactory(requesting_unit=unit, status=TicketStatus.IN_PROGRESS, assignee__unit=unit)
    with translation.override("en"):  # the assignee uses the English interface
        services.progress_report_add(actor=ticket.assignee, ticket=ticket, text="Đã gửi công văn số 12")
    url = reverse("corrective_actions:detail", args=[ticket.pk])
    vietnamese = _audit_trail(_reader(secretary, "vi").get(url).content.decode())
    english = _audit_trail(_reader(committee_head, "en").get(url).content.decode())
    assert "Báo cáo tiến độ" in vietnamese and "Progress report" not in vietnamese
    assert "Progress report" in english and "Báo cáo tiến độ" not in english
    assert "Đã gửi công văn số 12" in vietnamese and "Đã gửi công văn số 12" in english
    # The inbox row keeps the Vietnamese text for admin, whoever acted.
    [notification] = secretary.notifications.all()
    assert notification.subject == f"Phiếu {ticket.number_display}: báo cáo tiến độ"
