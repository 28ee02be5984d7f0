"""Step 8: the signed minutes go to every attendee by e-mail (PDF attached) and into the inbox, once."""

import pytest
from django.urls import reverse

from conftest import SIGNING_SECRET
from qms.models import Notification
from qms.roles import Role
from qms.tests.factories import UserFactory
from reviews import delivery as review_delivery
from reviews import services, tasks
from reviews.models import Delivery
from reviews.tests.factories import preparing_review, ready_minutes

pytestmark = pytest.mark.django_db
PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture
def minutes(unit, secretary, committee_head, unit_head, committee_member):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head, unit_head, committee_member])
    return ready_minutes(review=review, secretary=secretary, chair=committee_head)


def test_signing_sends_the_pdf_to_every_attendee_after_commit(minutes, committee_head, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    recipients = sorted(m.to[0] for m in mailoutbox)
    expected = sorted(a.user.email for a in minutes.attendance.select_related("user"))
    assert recipients == expected
    name, content, mimetype = mailoutbox[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and name.endswith(".pdf")
    assert Delivery.objects.filter(minutes=minutes, sent_at__isnull=False).count() == len(expected)
    assert Notification.objects.filter(url=reverse("reviews:minutes_detail", args=[minutes.pk])).count() == len(expected)


def test_a_second_run_sends_nothing_twice(minutes, committee_head, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    sent = len(mailoutbox)
    assert tasks.minutes_distribute.delay(minutes.pk).get() == 0
    assert len(mailoutbox) == sent
    assert Notification.objects.filter(subject__startswith="Biên bản họp xem xét").count() == sent


def test_a_failed_delivery_is_recorded_and_retried_by_the_next_run(minutes, committee_head, mailoutbox, monkeypatch):
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)  # on_commit not run here
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send
    monkeypatch.setattr(EmailMessage, "send", lambda self, *a, **k: (_ for _ in ()).throw(OSError("SMTP down")))
    assert review_delivery.minutes_distribute(minutes_id=minutes.pk) == 0
    assert set(Delivery.objects.values_list("error", flat=True)) == {"SMTP down"}
    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert review_delivery.minutes_distribute(minutes_id=minutes.pk) == Delivery.objects.count()
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_an_attendee_without_email_gets_the_inbox_copy_and_an_explained_delivery(minutes, committee_head, unit, mailoutbox):
    nomail = UserFactory(username="khongmail", email="", unit=unit, roles=[Role.STAFF])
    minutes.attendance.create(user=nomail, name=nomail.display_name)
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    review_delivery.minutes_distribute(minutes_id=minutes.pk)
    delivery = Delivery.objects.get(recipient=nomail)
    assert delivery.sent_at is None and "e-mail" in delivery.error
    assert Notification.objects.filter(recipient=nomail).count() == 1


def test_draft_minutes_are_never_distributed(minutes, mailoutbox):
    assert review_delivery.minutes_distribute(minutes_id=minutes.pk) == 0
    assert not mailoutbox and not Delivery.objects.exists()


def test_the_secretary_sees_the_delivery_list(client, minutes, committee_head, secretary, committee_member):
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    review_delivery.minutes_distribute(minutes_id=minutes.pk)
    client.force_login(secretary)
    assert 'data-testid="deliveries"' in client.get(reverse("reviews:minutes_detail", args=[minutes.pk])).content.decode()
    client.force_login(committee_member)
    assert 'data-testid="deliveries"' not in client.get(reverse("reviews:minutes_detail", args=[minutes.pk])).content.decode()


def test_the_task_retries_while_an_email_could_not_be_sent(minutes, committee_head, monkeypatch):
    from celery.exceptions import Retry
    from django.core.mail import EmailMessage

    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    monkeypatch.setattr(EmailMessage, "send", lambda self, *a, **k: (_ for _ in ()).throw(OSError("SMTP down")))
    with pytest.raises(Retry):
        tasks.minutes_distribute.apply(args=[minutes.pk], throw=True)
