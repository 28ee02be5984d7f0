"""Issue 17: messages are stored as a catalogue key and parameters and rendered in the reader's language;
the language a person chooses is kept on their account."""

import html

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from qms.models import AuditEntry, Notification, User
from qms.services import audit_record, audit_trail, notification_send

pytestmark = pytest.mark.django_db


def test_switching_the_language_keeps_the_choice_on_the_signed_in_user(client, unit_head):
    client.force_login(unit_head)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=unit_head.pk).language == "en"
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert User.objects.get(pk=unit_head.pk).language == "vi"


def test_a_message_renders_in_the_language_asked_with_its_parameters_and_survives_json():
    from qms.messages import N_, Message

    message = N_("Phiếu %(n)s: báo cáo tiến độ") % {"n": "03/2026"}
    restored = Message.from_json(message.to_json())
    assert restored == message
    assert restored.render("vi") == "Phiếu 03/2026: báo cáo tiến độ"
    assert restored.render("en") == "Ticket 03/2026: progress report"
    # A choice label (lazy) and a nested message follow the message's language; typed text stays as typed.
    nested = Message.join([N_("Báo cáo tiến độ"), gettext_lazy("Sửa kế hoạch"), "Đã gửi công văn"], " / ")
    assert Message.from_json(nested.to_json()).render("en") == "Progress report / Edit the plan / Đã gửi công văn"
    assert Message("100% xong").render("en") == "100% xong"


def test_notifications_and_audit_rows_stored_before_messages_still_show_their_text(client, unit_head, django_capture_on_commit_callbacks):
    from qms.messages import N_

    old = Notification.objects.create(recipient=unit_head, subject="Thông báo cũ", body="Nội dung cũ")
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[unit_head], subject=N_("Báo cáo tiến độ"), body="Nội dung mới")
    client.force_login(unit_head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = html.unescape(client.get(reverse("inbox")).content.decode())
    assert "Thông báo cũ" in page and "Nội dung cũ" in page
    assert "Progress report" in page and "Nội dung mới" in page
    assert old.message == {} and mail.outbox[0].subject == "Báo cáo tiến độ"  # unit_head reads Vietnamese

    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(unit_head), object_id=unit_head.pk, action="Sửa kế hoạch", note="ghi chú cũ"
    )
    with translation.override("en"):
        audit_record(target=unit_head, actor=None, action=N_("Báo cáo tiến độ"), note="ghi chú mới")
        trail = audit_trail(unit_head)
    assert [(e.action_text, e.note_text) for e in trail] == [("Edit the plan", "ghi chú cũ"), ("Progress report", "ghi chú mới")]
    assert trail[1].action == "Báo cáo tiến độ"  # the column keeps the Vietnamese text for admin
