"""Issue 17: official forms stay Vietnamese — the e-mail of notice BM.HT.06.01 is Vietnamese even for an
English-reading attendee and when the secretary who issued it uses the English interface."""

import pytest
from django.core import mail
from django.utils import translation

from reviews import delivery
from reviews.tests.factories import collecting_review

pytestmark = pytest.mark.django_db


def test_the_notice_email_stays_vietnamese_for_an_english_reading_attendee(unit, unit_head):
    unit_head.language = "en"
    unit_head.save(update_fields=["language"])
    review = collecting_review(units=[unit], attendees=[unit_head], number=1)
    with translation.override("en"):  # run straight after the English-interface secretary issued it
        assert delivery.review_notice_send(review_id=review.pk) == 1
    [message] = mail.outbox
    assert message.subject.startswith("Thông báo số 01/")
    assert "THÔNG BÁO" in message.body and "Địa điểm:" in message.body and "NOTICE" not in message.body
