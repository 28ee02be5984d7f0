"""Step 6: the minutes (BM.HT.06.04 or BM.CTCL.02)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.errors import ServiceError, StaleEditError
from qms.models import MinutesForm, Organisation
from reviews import services
from reviews.models import Minutes, MinutesAttendee, ReviewAction, ReviewStatus
from reviews.tests.factories import minutes_content, minutes_rows, preparing_review, signed_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(unit, other_unit, secretary, committee_head, unit_head):
    return preparing_review(units=[unit, other_unit], attendees=[secretary, committee_head, unit_head])


def test_the_minutes_take_the_organisations_form_and_prefill_from_the_plan(review, secretary, committee_head, unit_head, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(minutes_form=MinutesForm.CTCL_02)
    minutes = services.minutes_create(review=review, actor=secretary)
    assert minutes.form_code == "BM.CTCL.02"
    assert minutes.location == review.location and minutes.started_at == review.meeting_start
    assert minutes.secretary == secretary
    assert sorted(minutes.attendance.values_list("user", flat=True)) == sorted([secretary.pk, committee_head.pk, unit_head.pk])
    assert minutes.topic_1.startswith("Không có hành động nào từ cuộc họp xem xét trước")


def test_the_form_stays_as_created_when_the_setting_changes_later(review, secretary):
    minutes = services.minutes_create(review=review, actor=secretary)
    Organisation.objects.filter(pk=review.organisation_id).update(minutes_form=MinutesForm.CTCL_02)
    minutes.refresh_from_db()
    assert minutes.form_code == "BM.HT.06.04"


def test_topic_one_is_prefilled_with_the_previous_reviews_actions(secretary, committee_head, unit):
    due = timezone.localdate() + dt.timedelta(days=20)
    signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        meeting_start=timezone.now() - dt.timedelta(days=300),
        actions=[("Cập nhật sổ tay chất lượng", unit, due)],
    )
    new = preparing_review(units=[unit])
    minutes = services.minutes_create(review=new, actor=secretary)
    assert "Cập nhật sổ tay chất lượng" in minutes.topic_1 and "Chưa thực hiện" in minutes.topic_1


@pytest.mark.parametrize("status", [ReviewStatus.DRAFT, ReviewStatus.APPROVED, ReviewStatus.COLLECTING])
def test_minutes_are_not_opened_before_report_collection_closes(review, secretary, status):
    review.status = status
    review.save()
    with pytest.raises(ServiceError):
        services.minutes_create(review=review, actor=secretary)


@pytest.mark.parametrize("role", ["committee_head", "committee_member", "unit_head", "staff"])
def test_only_the_secretary_records_the_minutes(review, secretary, role_users, role):
    with pytest.raises(ServiceError):
        services.minutes_create(review=review, actor=role_users[role])
    minutes = services.minutes_create(review=review, actor=secretary)
    attendance, actions = minutes_rows(minutes)
    with pytest.raises(ServiceError):
        services.minutes_save(
            minutes=minutes,
            actor=role_users[role],
            version=minutes.version,
            data=minutes_content(minutes),
            attendance=attendance,
            actions=actions,
        )


def test_the_secretary_records_attendance_topics_and_actions(review, secretary, committee_head, unit):
    minutes = services.minutes_create(review=review, actor=secretary)
    attendance, _ = minutes_rows(minutes)
    attendance[2].update(presence=MinutesAttendee.Presence.REPLACED, replaced_by="Phan Thu Trang")
    deadline = timezone.localdate() + dt.timedelta(days=30)
    services.minutes_save(
        minutes=minutes,
        actor=secretary,
        version=minutes.version,
        data=minutes_content(minutes, topic_4="Thiếu nhân lực", conclusion_4="Bổ sung 01 biên chế", chair=committee_head),
        attendance=attendance,
        actions=[{"description": "Bổ sung nhân lực", "responsible_unit": unit, "deadline": deadline}],
    )
    minutes.refresh_from_db()
    assert minutes.conclusion_4 == "Bổ sung 01 biên chế" and minutes.chair == committee_head
    assert minutes.attendance.filter(presence="replaced", replaced_by="Phan Thu Trang").count() == 1
    action = ReviewAction.objects.get(minutes=minutes)
    assert (action.review, action.responsible_unit, action.deadline) == (review, unit, deadline)


def test_an_action_with_a_deadline_in_the_past_is_refused_on_the_form(client, review, secretary, unit):
    minutes = services.minutes_create(review=review, actor=secretary)
    client.force_login(secretary)
    url = reverse("reviews:minutes_edit", args=[minutes.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("chair", "secretary", "started_at", "ended_at")}
    data.update(
        {
            "chair": minutes.chair_id or secretary.pk,
            "secretary": secretary.pk,
            "started_at": "2026-12-20T08:00",
            "ended_at": "2026-12-20T11:00",
            "att-TOTAL_FORMS": "0",
            "att-INITIAL_FORMS": "0",
            "act-TOTAL_FORMS": "1",
            "act-INITIAL_FORMS": "0",
            "act-0-description": "Việc đã quá hạn",
            "act-0-responsible_unit": unit.pk,
            "act-0-deadline": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Thời hạn hoàn thành không được ở trong quá khứ." in response.content.decode()
    assert not ReviewAction.objects.exists()


def test_the_minutes_form_saves_through_the_browser_flow(client, review, secretary, committee_head, unit):
    minutes = services.minutes_create(review=review, actor=secretary)
    client.force_login(secretary)
    url = reverse("reviews:minutes_edit", args=[minutes.pk])
    page = client.get(url)
    assert page.status_code == 200
    attendance = page.context["attendance"]
    data = {
        "version": minutes.version,
        "chair": committee_head.pk,
        "secretary": secretary.pk,
        "started_at": "2026-12-20T08:00",
        "ended_at": "2026-12-20T11:00",
        "location": "Phòng họp A",
        "conclusions": "Thống nhất",
        "topic_2": "Bối cảnh mới",
        # as the browser posts it: one blank attendee row and one blank action row left as they were
        "att-TOTAL_FORMS": str(len(attendance.initial) + 1),
        "att-INITIAL_FORMS": str(len(attendance.initial)),
        f"att-{len(attendance.initial)}-presence": "present",
        "act-TOTAL_FORMS": "2",
        "act-INITIAL_FORMS": "0",
        "act-1-description": "",
        "act-1-deadline": "",
        "act-0-description": "Sửa quy trình",
        "act-0-responsible_unit": unit.pk,
        "act-0-deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }
    for i, row in enumerate(attendance.initial):
        data.update(
            {
                f"att-{i}-id": row["id"],
                f"att-{i}-user": row["user"],
                f"att-{i}-name": row["name"],
                f"att-{i}-title": row["title"],
                f"att-{i}-presence": "absent" if i == 0 else "present",
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    minutes.refresh_from_db()
    assert minutes.location == "Phòng họp A" and minutes.topic_2 == "Bối cảnh mới"
    assert minutes.attendance.filter(presence="absent").count() == 1
    assert minutes.actions.get().description == "Sửa quy trình"


def test_a_stale_save_of_the_minutes_is_refused(review, secretary):
    minutes = services.minutes_create(review=review, actor=secretary)
    loaded = minutes.version
    attendance, actions = minutes_rows(minutes)
    services.minutes_save(
        minutes=minutes,
        actor=secretary,
        version=loaded,
        data=minutes_content(minutes, conclusions="Bản thứ nhất"),
        attendance=attendance,
        actions=actions,
    )
    with pytest.raises(StaleEditError):
        services.minutes_save(
            minutes=minutes,
            actor=secretary,
            version=loaded,
            data=minutes_content(minutes, conclusions="Bản thứ hai"),
            attendance=[],
            actions=[],
        )
    minutes.refresh_from_db()
    assert minutes.conclusions == "Bản thứ nhất" and minutes.attendance.count() == 3


def test_editing_signed_minutes_is_refused(secretary, committee_head, unit, client):
    review, minutes = signed_review(units=[unit], secretary=secretary, committee_head=committee_head)
    attendance, actions = minutes_rows(minutes)
    with pytest.raises(ServiceError, match="Biên bản đã ký, không thể sửa; hãy tạo bản sửa đổi."):
        services.minutes_save(
            minutes=minutes,
            actor=secretary,
            version=minutes.version,
            data=minutes_content(minutes, conclusions="Sửa lén"),
            attendance=attendance,
            actions=actions,
        )
    client.force_login(secretary)
    response = client.post(reverse("reviews:minutes_edit", args=[minutes.pk]), {"conclusions": "Sửa lén"}, follow=True)
    assert "Biên bản đã ký, không thể sửa; hãy tạo bản sửa đổi." in response.content.decode()
    assert Minutes.objects.get(pk=minutes.pk).conclusions != "Sửa lén"


def test_the_minutes_number_is_given_at_signing_and_counts_per_year(secretary, committee_head, unit):
    _r1, first = signed_review(units=[unit], secretary=secretary, committee_head=committee_head)
    _r2, second = signed_review(units=[unit], secretary=secretary, committee_head=committee_head)
    year = timezone.localdate().year
    assert (first.number, first.number_year, second.number, second.number_year) == (1, year, 2, year)


def test_the_minutes_page_shows_the_number_and_both_forms_headings(client, secretary, committee_head, unit):
    _review, minutes = signed_review(units=[unit], secretary=secretary, committee_head=committee_head)
    client.force_login(secretary)
    body = client.get(reverse("reviews:minutes_detail", args=[minutes.pk])).content.decode()
    assert "Số:" in body and "01/BB-BCĐ ISO" in body.replace("\n", "")
    assert "Kết luận của Trưởng ban chỉ đạo ISO" in body
    minutes.form_code = "BM.CTCL.02"
    Minutes.objects.filter(pk=minutes.pk).update(form_code="BM.CTCL.02")
    body = client.get(reverse("reviews:minutes_detail", args=[minutes.pk])).content.decode()
    assert "4.2. Phần thảo luận" in body
