"""Step 9: follow-up of the actions decided in the minutes (QT.HT.06 §5.3), reminders, closing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms.errors import ServiceError
from qms.models import AuditEntry, Notification
from qms.workdays import add_working_days
from reviews import reminders, services
from reviews.models import ActionStatus, ActionUpdate, ReviewAction, ReviewStatus
from reviews.tests.factories import preparing_review, ready_minutes, signed_review

pytestmark = pytest.mark.django_db


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def signed(unit, other_unit, secretary, committee_head):
    return signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        actions=[("Rà soát quy trình", unit, in_days(30)), ("Đào tạo ISO", other_unit, in_days(40))],
    )


@pytest.fixture
def action(signed, unit):
    return ReviewAction.objects.get(review=signed[0], responsible_unit=unit)


def test_the_unit_head_records_progress_and_the_action_starts(action, unit_head):
    services.action_progress_record(
        action=action,
        actor=unit_head,
        note="Đã rà soát 3/5 quy trình",
        progress=60,
        evidence_file=SimpleUploadedFile("bang-chung.pdf", b"%PDF-1.7 x"),
    )
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 60)
    update = ActionUpdate.objects.get()
    assert update.author == unit_head and update.evidence_file.name.endswith(".pdf")
    assert AuditEntry.objects.filter(object_id=action.pk, to_state="in_progress").exists()


def test_an_evidence_file_of_the_wrong_type_is_refused(client, action, unit_head):
    client.force_login(unit_head)
    response = client.post(
        reverse("reviews:action_progress", args=[action.pk]),
        {"note": "Tiến độ", "progress": 10, "evidence_file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
    )
    assert response.status_code == 400 and "không đúng với định dạng" in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_marking_done_requires_evidence(client, action, unit_head, secretary):
    with pytest.raises(ServiceError):
        services.action_complete(action=action, actor=unit_head, evidence="  ")
    client.force_login(unit_head)
    response = client.post(reverse("reviews:action_complete", args=[action.pk]), {"evidence": ""})
    assert response.status_code == 400 and "Hãy ghi bằng chứng" in response.content.decode()
    services.action_complete(action=action, actor=unit_head, evidence="Quyết định ban hành quy trình sửa đổi")
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.REPORTED, 100) and action.completed_at
    assert Notification.objects.filter(recipient=secretary, subject__startswith="Đơn vị báo hoàn thành, chờ xác nhận").exists()


@pytest.mark.parametrize("role", ["secretary", "committee_head", "committee_member", "other_unit_head"])
def test_only_the_responsible_units_people_report_progress(action, role_users, role):
    with pytest.raises(ServiceError):
        services.action_progress_record(action=action, actor=role_users[role], note="x", progress=10)
    with pytest.raises(ServiceError):
        services.action_complete(action=action, actor=role_users[role], evidence="x")


def test_the_secretary_reopens_a_done_action_with_a_reason(action, unit_head, secretary):
    services.action_complete(action=action, actor=unit_head, evidence="Đã xong")
    action.refresh_from_db()
    services.action_evidence_confirm(action=action, actor=secretary)
    action.refresh_from_db()
    with pytest.raises(ServiceError):
        services.action_reopen(action=action, actor=secretary, note="")
    with pytest.raises(ServiceError):
        services.action_reopen(action=action, actor=unit_head, note="Tự mở lại")
    services.action_reopen(action=action, actor=secretary, note="Bằng chứng chưa đủ")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.completed_at is None
    assert Notification.objects.filter(recipient=unit_head, subject__startswith="Hành động được mở lại").exists()


def test_the_secretary_cancels_an_open_action_but_not_a_done_one(action, unit_head, secretary, committee_head):
    with pytest.raises(ServiceError):
        services.action_cancel(action=action, actor=committee_head, note="Không cần")
    services.action_cancel(action=action, actor=secretary, note="Không còn phù hợp")
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED
    with pytest.raises(ServiceError):
        services.action_progress_record(action=action, actor=unit_head, note="x", progress=10)
    with pytest.raises(ServiceError):
        services.action_reopen(action=action, actor=secretary, note="Mở lại")


def test_actions_of_unsigned_minutes_are_not_followed(unit, secretary, committee_head, unit_head):
    review = preparing_review(units=[unit])
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head, actions=[("Chưa ký", unit, in_days(10))])
    draft_action = minutes.actions.get()
    with pytest.raises(ServiceError):
        services.action_progress_record(action=draft_action, actor=unit_head, note="x", progress=10)
    assert not ReviewAction.objects.followed().exists()


def test_unit_heads_see_only_their_units_actions(client, signed, unit_head, other_unit_head, staff_user, unit):
    client.force_login(unit_head)
    rows = list(client.get(reverse("reviews:action_list")).context["page"])
    assert [a.responsible_unit for a in rows] == [unit]
    other = ReviewAction.objects.exclude(responsible_unit=unit).get()
    assert client.get(reverse("reviews:action_detail", args=[other.pk])).status_code == 404
    client.force_login(staff_user)  # staff of the unit see its actions (QT.HT.06 5.3)
    assert [a.responsible_unit for a in client.get(reverse("reviews:action_list")).context["page"]] == [unit]


def test_the_list_filters_by_review_unit_status_and_overdue(client, signed, secretary, unit, other_unit):
    ReviewAction.objects.filter(responsible_unit=other_unit).update(deadline=in_days(-2))
    client.force_login(secretary)
    url = reverse("reviews:action_list")
    overdue = list(client.get(url, {"overdue": "true"}).context["page"])
    assert [a.responsible_unit for a in overdue] == [other_unit]
    assert [a.responsible_unit for a in client.get(url, {"responsible_unit": unit.pk}).context["page"]] == [unit]
    assert len(client.get(url, {"review": signed[0].pk, "status": "open"}).context["page"]) == 2
    assert len(client.get(url, {"status": "done"}).context["page"]) == 0
    body = client.get(url).content.decode()
    assert body.count('data-overdue="1"') == 1


def test_the_actions_list_issues_the_same_queries_for_1_and_50_rows(client, secretary, committee_head, unit, other_unit):
    review, minutes = signed_review(
        units=[unit, other_unit], secretary=secretary, committee_head=committee_head, actions=[("Hành động 1", unit, in_days(5))]
    )
    client.force_login(secretary)
    url = reverse("reviews:action_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).context["page"]) == 1
    ReviewAction.objects.bulk_create(
        ReviewAction(
            review=review,
            minutes=minutes,
            description=f"Hành động {i}",
            responsible_unit=other_unit if i % 2 else unit,
            deadline=in_days(i - 10),
        )
        for i in range(2, 51)
    )
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get(url).context["page"]) == 50
    assert len(one) == len(fifty), (len(one), len(fifty))


def test_the_review_closes_only_when_every_action_is_done_or_cancelled(signed, secretary, unit_head, other_unit, committee_head):
    review, _minutes = signed
    with pytest.raises(ServiceError, match="Còn 2 hành động"):
        services.review_close(review=review, actor=secretary)
    done = ReviewAction.objects.get(review=review, responsible_unit=unit_head.unit)
    services.action_complete(action=done, actor=unit_head, evidence="Xong")
    services.action_cancel(action=ReviewAction.objects.get(responsible_unit=other_unit), actor=secretary, note="Bỏ")
    # Reported done by the unit is not done until the secretary confirms the evidence.
    with pytest.raises(ServiceError, match="Còn 1 hành động"):
        services.review_close(review=review, actor=secretary)
    done.refresh_from_db()
    services.action_evidence_confirm(action=done, actor=secretary)
    with pytest.raises(ServiceError):
        services.review_close(review=review, actor=committee_head)
    services.review_close(review=review, actor=secretary)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED
    with pytest.raises(ServiceError):
        services.review_close(review=review, actor=secretary)


def test_a_review_not_yet_signed_cannot_be_closed(unit, secretary):
    review = preparing_review(units=[unit])
    with pytest.raises(ServiceError):
        services.review_close(review=review, actor=secretary)


def test_reminders_go_once_before_the_deadline_and_once_when_overdue(signed, unit, unit_head, secretary, other_unit):
    action = ReviewAction.objects.get(responsible_unit=unit)
    today = timezone.localdate()
    ReviewAction.objects.filter(pk=action.pk).update(deadline=add_working_days(today, 3))
    ReviewAction.objects.filter(responsible_unit=other_unit).update(deadline=today - dt.timedelta(days=1))
    assert reminders.action_reminders_sweep(today=today) == 2
    assert reminders.action_reminders_sweep(today=today) == 0
    assert Notification.objects.filter(recipient=unit_head, subject__startswith="Hành động sắp đến hạn").count() == 1
    assert Notification.objects.filter(recipient=secretary, subject__startswith="Hành động quá hạn").count() == 1


def test_no_reminder_for_an_action_far_from_its_deadline(signed, unit_head):
    assert reminders.action_reminders_sweep(today=timezone.localdate()) == 0
    assert not Notification.objects.filter(recipient=unit_head, subject__startswith="Hành động").exists()


def test_the_dashboard_shows_due_actions_to_the_unit_head_and_minutes_to_sign_to_the_head(
    client, signed, unit, unit_head, committee_head, secretary
):
    ReviewAction.objects.filter(responsible_unit=unit).update(deadline=timezone.localdate())
    client.force_login(unit_head)
    assert "Rà soát quy trình" in client.get(reverse("home")).content.decode()
    review = preparing_review(units=[unit])
    ready_minutes(review=review, secretary=secretary, chair=committee_head)
    client.force_login(committee_head)
    body = client.get(reverse("home")).content.decode()
    assert "Biên bản chờ ký" in body and review.title in body


def test_the_action_page_shows_the_audit_trail(client, action, unit_head):
    services.action_progress_record(action=action, actor=unit_head, note="Bắt đầu", progress=5)
    client.force_login(unit_head)
    body = client.get(reverse("reviews:action_detail", args=[action.pk])).content.decode()
    assert 'id="audit-trail"' in body and "Bắt đầu thực hiện" in body


@pytest.mark.parametrize("from_state", [s.value for s in ActionStatus])
def test_each_action_transition_is_allowed_exactly_as_the_table_says(signed, unit, unit_head, secretary, from_state):
    from reviews.models import ACTION_TRANSITIONS

    action = ReviewAction.objects.get(responsible_unit=unit)
    attempts = {
        "reported": lambda a: services.action_complete(action=a, actor=unit_head, evidence="Bằng chứng"),
        "done": lambda a: services.action_evidence_confirm(action=a, actor=secretary),
        "cancelled": lambda a: services.action_cancel(action=a, actor=secretary, note="Hủy"),
        "in_progress": lambda a: services.action_reopen(action=a, actor=secretary, note="Mở lại"),
    }
    for to_state, attempt in attempts.items():
        ReviewAction.objects.filter(pk=action.pk).update(status=from_state)
        action.refresh_from_db()
        allowed = (from_state, to_state) in ACTION_TRANSITIONS and (to_state != "in_progress" or from_state == "done")
        if allowed:
            attempt(action)
            action.refresh_from_db()
            assert action.status == to_state
        else:
            with pytest.raises(ServiceError):
                attempt(action)
            assert ReviewAction.objects.get(pk=action.pk).status == from_state
