"""Issue 10, follow-up as QT.HT.06 5.3 writes it, the once-a-year watch and the rules that were defaults:
an action is done only once the secretary confirms the evidence; the unit asks for resources and the head
answers; the head gets the follow-up report and a monthly digest; a year without a held review is
reminded once; collection closes early only with a reason; "lần trong năm" is unique per year and kind."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from qms.errors import NotAllowed, ServiceError
from qms.models import AuditEntry, Notification
from qms.roles import Role
from qms.tests.concurrency import raised, run_at_once
from qms.tests.factories import UnitFactory, UserFactory, restore_role_groups
from reviews import reminders, rules, services
from reviews.models import ActionStatus, ResourceRequestStatus, Review, ReviewAction, ReviewStatus, UnitReportStatus
from reviews.tests.factories import ReviewFactory, collecting_review, signed_review
from reviews.tests.test_plan import plan_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(unit, other_unit, secretary, committee_head, unit_head, today):
    review, minutes = signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        attendees=[secretary, committee_head, unit_head],
        actions=[("Sửa đổi quy trình QT.HT.02", unit, today + dt.timedelta(days=10))],
    )
    return review, minutes.actions.get()


def audit_actions(obj) -> list[str]:
    return list(AuditEntry.objects.filter(object_id=obj.pk, content_type__model=obj._meta.model_name).values_list("action", flat=True))


# --- "Done" only after the secretary confirms the evidence ---


def test_a_unit_heads_done_is_only_reported_done_until_the_secretary_confirms_the_evidence(signed, unit_head, secretary):
    review, action = signed
    services.action_complete(action=action, actor=unit_head, evidence="Quyết định ban hành QT.HT.02 lần 3")
    action.refresh_from_db()
    assert action.status == ActionStatus.REPORTED and action.confirmed_at is None
    assert "confirm" not in rules.action_actions(action, unit_head)
    with pytest.raises(NotAllowed):
        services.action_evidence_confirm(action=action, actor=unit_head)
    with pytest.raises(ServiceError, match="Còn 1 hành động"):
        services.review_close(review=review, actor=secretary)

    assert {"confirm", "return_evidence"} <= rules.action_actions(action, secretary)
    services.action_evidence_confirm(action=action, actor=secretary, note="Đã xem quyết định")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.confirmed_by == secretary and action.confirmed_at
    assert "Xác nhận hoàn thành" in audit_actions(action)
    assert Notification.objects.filter(recipient=unit_head, subject__startswith="Thư ký ISO đã xác nhận hoàn thành").exists()
    services.review_close(review=review, actor=secretary)


def test_the_secretary_returns_the_evidence_with_a_note_and_the_action_is_in_progress_again(client, signed, unit_head, secretary):
    _review, action = signed
    services.action_complete(action=action, actor=unit_head, evidence="Đã xong")
    client.force_login(secretary)
    client.post(reverse("reviews:action_return_evidence", args=[action.pk]), {"note": ""})
    action.refresh_from_db()
    assert action.status == ActionStatus.REPORTED  # no note, nothing returned
    with pytest.raises(ServiceError, match="bằng chứng còn thiếu"):
        services.action_evidence_return(action=action, actor=secretary, note="  ")

    response = client.post(reverse("reviews:action_return_evidence", args=[action.pk]), {"note": "Thiếu quyết định ban hành"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.completed_at is None
    assert "Trả lại bằng chứng" in audit_actions(action)
    returned = Notification.objects.get(recipient=unit_head, subject__startswith="Bằng chứng hoàn thành bị trả lại")
    assert returned.body == "Thiếu quyết định ban hành"
    # Only a reported action is confirmed or returned.
    with pytest.raises(ServiceError):
        services.action_evidence_confirm(action=action, actor=secretary)


# --- Resources: the unit asks, the head answers ---


def test_a_resource_request_from_the_unit_is_answered_by_the_head_audited_and_notified(
    signed, staff_user, unit_head, secretary, committee_head
):
    _review, action = signed
    with pytest.raises(ServiceError):
        services.resource_request_create(action=action, actor=staff_user, description="   ")
    request = services.resource_request_create(action=action, actor=staff_user, description="01 máy quét tài liệu khổ A3")
    assert request.status == ResourceRequestStatus.PENDING and request.unit == action.responsible_unit
    assert Notification.objects.filter(recipient=committee_head, subject__contains="đề nghị nguồn lực").exists()

    for who in (unit_head, secretary):
        with pytest.raises(NotAllowed):
            services.resource_request_answer(request=request, actor=who, answer=ResourceRequestStatus.GRANTED, note="Đồng ý")
    with pytest.raises(ServiceError):
        services.resource_request_answer(request=request, actor=committee_head, answer="maybe", note="?")
    with pytest.raises(ServiceError):
        services.resource_request_answer(request=request, actor=committee_head, answer=ResourceRequestStatus.PARTLY, note="")

    services.resource_request_answer(
        request=request, actor=committee_head, answer=ResourceRequestStatus.PARTLY, note="Mượn máy của Văn phòng đến hết quý"
    )
    request.refresh_from_db()
    assert (request.status, request.answered_by, request.answer_note) == (
        ResourceRequestStatus.PARTLY,
        committee_head,
        "Mượn máy của Văn phòng đến hết quý",
    )
    assert "Trả lời đề nghị nguồn lực" in audit_actions(request) and "Trả lời đề nghị nguồn lực" in audit_actions(action)
    answer = Notification.objects.get(recipient=staff_user, subject__startswith="Trưởng ban chỉ đạo ISO đã trả lời")
    assert "Mượn máy của Văn phòng" in answer.body
    with pytest.raises(ServiceError, match="đã được trả lời"):
        services.resource_request_answer(request=request, actor=committee_head, answer=ResourceRequestStatus.REFUSED, note="Không")


# --- The follow-up report to the head: page, PDF, home page ---


def test_the_head_reads_each_actions_unit_deadline_status_evidence_and_days_late(client, signed, committee_head, unit_head, travel, today):
    review, action = signed
    services.action_progress_record(action=action, actor=unit_head, note="Đã dự thảo", progress=50)
    travel(action.deadline + dt.timedelta(days=4))
    client.force_login(committee_head)
    page = client.get(reverse("reviews:followup_review", args=[review.pk]))
    assert page.status_code == 200
    (row,) = page.context["report"].rows
    assert (row.action, row.days_late) == (action, 4)
    assert page.context["totals"]["overdue"] == 1
    body = page.content.decode()
    assert action.responsible_unit.name in body and action.deadline.strftime("%d/%m/%Y") in body
    home = client.get(reverse("home")).content.decode()
    assert reverse("reviews:followup") in home


def test_the_followup_pdf_renders_through_the_form_registry(signed):
    from qms.pdf import REGISTRY

    review, _action = signed
    data = REGISTRY["BC.THEO-DOI"].render(review.pk)
    assert data.startswith(b"%PDF")
    assert REGISTRY["BC.THEO-DOI.CQ"].render(review.organisation_id).startswith(b"%PDF")


# --- The monthly digest to the head, once per month even under concurrent sweeps ---


def test_the_digest_lists_late_reports_and_overdue_actions_and_goes_once_a_month(signed, committee_head, secretary, unit, travel, today):
    _review, action = signed
    late = collecting_review(units=[UnitFactory(name="Phòng Nghiệp vụ", code="NV2")], report_deadline=today - dt.timedelta(days=3))
    ReviewAction.objects.filter(pk=action.pk).update(deadline=today - dt.timedelta(days=2))
    assert reminders.followup_digest_sweep() == 1
    digest = Notification.objects.get(recipient=committee_head, subject__startswith="Báo cáo theo dõi tháng")
    assert "1 hành động quá hạn, 1 báo cáo" in digest.subject
    assert "Phòng Nghiệp vụ" in digest.body and late.title in digest.body and str(action) in digest.body
    assert not Notification.objects.filter(recipient=secretary, subject__startswith="Báo cáo theo dõi tháng").exists()
    assert reminders.followup_digest_sweep() == 0  # the same month
    first_of_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    travel(first_of_next)
    assert reminders.followup_digest_sweep() == 1


@pytest.mark.django_db(transaction=True)
def test_two_digest_sweeps_running_at_the_same_moment_send_the_digest_once(mailoutbox, today):
    restore_role_groups()
    unit = UnitFactory()
    head = UserFactory(roles=[Role.COMMITTEE_HEAD])
    UserFactory(unit=unit, roles=[Role.UNIT_HEAD])
    collecting_review(units=[unit], report_deadline=today - dt.timedelta(days=5))
    results = run_at_once(*[lambda: reminders.followup_digest_sweep(today=today)] * 2)
    assert not raised(results)
    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(recipient=head, subject__startswith="Báo cáo theo dõi tháng").count() == 1
    assert len([m for m in mailoutbox if m.to == [head.email]]) == 1


# --- Once a year, watched ---


def test_the_yearly_watch_reminds_the_secretary_and_tells_the_head_once_from_the_first_of_october(travel, today, secretary, committee_head):
    travel(dt.date(today.year, 9, 30))
    assert reminders.yearly_review_watch() == 0
    travel(dt.date(today.year, 10, 1))
    assert reminders.yearly_review_watch() == 1
    subject = f"Năm {today.year} chưa tổ chức họp xem xét của lãnh đạo"
    assert Notification.objects.filter(recipient=secretary, subject=subject).count() == 1
    assert Notification.objects.filter(recipient=committee_head, subject=subject).count() == 1
    travel(dt.date(today.year, 11, 2))
    assert reminders.yearly_review_watch() == 0
    assert Notification.objects.filter(subject=subject).count() == 2


def test_the_yearly_watch_is_silent_when_the_years_review_was_held(travel, today, secretary, committee_head):
    ReviewFactory(created_by=secretary, year=today.year, status=ReviewStatus.SIGNED)
    travel(dt.date(today.year, 12, 1))
    assert reminders.yearly_review_watch() == 0
    assert not Notification.objects.filter(subject__contains="chưa tổ chức họp xem xét").exists()


def test_the_yearly_watch_day_is_the_organisations_setting(travel, today, organisation, secretary):
    organisation.review_watch_day, organisation.review_watch_month = 15, 11
    organisation.save()
    travel(dt.date(today.year, 11, 14))
    assert reminders.yearly_review_watch() == 0
    travel(dt.date(today.year, 11, 15))
    assert reminders.yearly_review_watch() == 1


def test_the_register_of_reviews_per_year_is_on_the_secretarys_and_the_heads_home_page(client, secretary, committee_head, unit_head, today):
    ReviewFactory(created_by=secretary, year=today.year, kind=Review.Kind.EXTRAORDINARY, status=ReviewStatus.CLOSED)
    for user in (secretary, committee_head):
        client.force_login(user)
        body = client.get(reverse("home")).content.decode()
        assert "Sổ theo dõi họp xem xét hằng năm" in body and f"Năm {today.year}: đột xuất lần 1" in body
        assert f"Năm {today.year - 1}: không có cuộc họp" in body
    client.force_login(unit_head)
    assert "Sổ theo dõi họp xem xét hằng năm" not in client.get(reverse("home")).content.decode()


def test_the_digest_and_the_watch_are_scheduled():
    digest = settings.CELERY_BEAT_SCHEDULE["reviews-followup-digest"]
    assert digest["task"] == "reviews.tasks.followup_digest_sweep" and digest["schedule"].day_of_month == {1}
    assert settings.CELERY_BEAT_SCHEDULE["reviews-yearly-watch"]["task"] == "reviews.tasks.yearly_review_watch"


# --- Collection closes at the deadline, when all are in, or early with a reason ---


def test_an_early_close_without_a_reason_is_refused_and_with_one_shows_on_the_board_and_the_audit_trail(
    client, unit, other_unit, secretary, today
):
    review = collecting_review(units=[unit, other_unit], report_deadline=today + dt.timedelta(days=5))
    with pytest.raises(ServiceError, match="ghi lý do"):
        services.review_collection_close(review=review, actor=secretary)
    client.force_login(secretary)
    client.post(reverse("reviews:collection_close", args=[review.pk]), {"reason": ""})
    review.refresh_from_db()
    assert review.status == ReviewStatus.COLLECTING

    client.post(reverse("reviews:collection_close", args=[review.pk]), {"reason": "Trưởng ban đổi lịch họp sớm"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.PREPARING and review.collection_close_reason == "Trưởng ban đổi lịch họp sớm"
    entry = AuditEntry.objects.get(object_id=review.pk, content_type__model="review", to_state=ReviewStatus.PREPARING)
    assert "Trưởng ban đổi lịch họp sớm" in entry.note
    board = client.get(reverse("reviews:board", args=[review.pk])).content.decode()
    assert 'data-testid="early-close-reason"' in board and "Trưởng ban đổi lịch họp sớm" in board


def test_collection_closes_without_a_reason_once_every_unit_submitted(unit, secretary, today):
    review = collecting_review(units=[unit], report_deadline=today + dt.timedelta(days=5))
    review.unit_reports.update(status=UnitReportStatus.SUBMITTED)
    services.review_collection_close(review=review, actor=secretary)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PREPARING and review.collection_close_reason == ""


def test_collection_closes_without_a_reason_after_the_deadline_day_but_not_on_it(unit, secretary, today, travel):
    review = collecting_review(units=[unit], report_deadline=today + dt.timedelta(days=5))
    travel(review.report_deadline)
    with pytest.raises(ServiceError):
        services.review_collection_close(review=review, actor=secretary)
    travel(review.report_deadline + dt.timedelta(days=1))
    services.review_collection_close(review=review, actor=secretary)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PREPARING


# --- "Lần trong năm": the next free number, unique per agency, year and kind ---


def test_a_duplicate_lan_trong_nam_is_refused_with_the_next_free_number(client, secretary, committee_head, unit, today):
    ReviewFactory(created_by=secretary, year=today.year, kind=Review.Kind.PERIODIC, sequence=1)
    client.force_login(secretary)
    form = client.get(reverse("reviews:plan_create")).context["form"]
    assert form["sequence"].initial == 2
    start = today + dt.timedelta(days=21)
    post = plan_post([unit], [secretary, committee_head], kind="periodic", sequence=1, year=start.year)
    if start.year != today.year:  # the plan's year is the existing review's year
        post["year"] = today.year
    response = client.post(reverse("reviews:plan_create"), post)
    assert response.status_code == 200
    assert "lần còn trống tiếp theo là 2" in response.content.decode()
    assert Review.objects.count() == 1
    # Another kind keeps its own numbers.
    assert client.post(reverse("reviews:plan_create"), {**post, "kind": "extraordinary"}).status_code == 302
    # The database refuses what the form missed.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(created_by=secretary, year=today.year, kind=Review.Kind.PERIODIC, sequence=1)
