"""One label per state and one spelling of the weekday, on screen as on paper (issue 16)."""

import datetime as dt

from django.urls import reverse

from reviews.models import MinutesStatus
from reviews.pdf import WEEKDAYS
from reviews.tests.factories import ReviewFactory, local_datetime, preparing_review, ready_minutes


def test_the_heads_home_shows_the_minutes_state_as_the_minutes_page_does(client, unit, secretary, committee_head):
    review = preparing_review(units=[unit])
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head)
    assert minutes.status == MinutesStatus.DRAFT
    client.force_login(committee_head)
    body = client.get(reverse("home")).content.decode()
    assert f">{MinutesStatus.DRAFT.label}</span>" in body  # "Dự thảo", the model's own label
    assert ">Chờ ký</span>" not in body


def test_the_review_page_writes_the_weekday_as_the_pdf_does(client, secretary, unit):
    wednesday = dt.date(2026, 12, 9)
    assert WEEKDAYS[wednesday.weekday()] == "thứ Tư"
    review = ReviewFactory(meeting_start=local_datetime(wednesday, 9), created_by=secretary, units=[unit])
    client.force_login(secretary)
    body = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "thứ Tư 09/12/2026" in body
    assert "Thứ 4" not in body
