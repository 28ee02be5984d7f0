import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms.errors import ServiceError, StaleEditError
from qms.models import AuditEntry, Notification
from reviews import services
from reviews.models import DEFAULT_AGENDA, Review, ReviewStatus
from reviews.tests.factories import ReviewFactory, collecting_review

pytestmark = pytest.mark.django_db


def plan_post(units, attendees, **overrides):
    start = timezone.localdate() + dt.timedelta(days=21)
    data = {
        "kind": "extraordinary",
        "title": "Họp xem xét đột xuất về HTQLCL",
        "year": start.year,
        "sequence": 2,
        "meeting_start": f"{start:%Y-%m-%d}T08:00",
        "meeting_end": f"{start:%Y-%m-%d}T11:30",
        "location": "Phòng họp số 1",
        "attendees": [u.pk for u in attendees],
        "units": [u.pk for u in units],
        "related_parties": "Phòng Tài chính",
        "agenda": DEFAULT_AGENDA,
        "report_deadline": f"{start - dt.timedelta(days=5):%Y-%m-%d}",
        "report_recipient": "Thư ký ISO (Văn phòng)",
    }
    data.update(overrides)
    return data


def test_the_secretary_drafts_a_plan_with_attendees_units_and_the_default_agenda(client, secretary, committee_head, unit, other_unit):
    client.force_login(secretary)
    page = client.get(reverse("reviews:plan_create"))
    assert page.status_code == 200
    assert "Các báo cáo kết quả đánh giá nội bộ HTQLCL" in page.content.decode()
    response = client.post(reverse("reviews:plan_create"), plan_post([unit, other_unit], [secretary, committee_head]))
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reviews:detail", args=[review.pk])
    assert review.status == ReviewStatus.DRAFT and review.kind == "extraordinary" and review.sequence == 2
    assert set(review.units.all()) == {unit, other_unit}
    assert set(review.attendees.all()) == {secretary, committee_head}
    assert review.agenda.startswith("- Các báo cáo kết quả đánh giá nội bộ")
    assert AuditEntry.objects.filter(object_id=review.pk, action="Lập kế hoạch họp xem xét").exists()


def test_a_report_deadline_on_or_after_the_meeting_day_is_refused_and_the_input_kept(client, secretary, unit):
    client.force_login(secretary)
    start = timezone.localdate() + dt.timedelta(days=21)
    response = client.post(
        reverse("reviews:plan_create"),
        plan_post([unit], [secretary], report_deadline=f"{start:%Y-%m-%d}", title="Tiêu đề đã gõ"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hạn nộp báo cáo phải trước ngày họp." in page
    assert "Tiêu đề đã gõ" in page
    assert not Review.objects.exists()


def test_the_service_also_refuses_a_meeting_that_ends_before_it_starts(secretary, unit):
    start = timezone.now() + dt.timedelta(days=20)
    data = {
        "title": "x",
        "year": 2026,
        "meeting_start": start,
        "meeting_end": start - dt.timedelta(hours=1),
        "location": "x",
        "report_deadline": timezone.localdate(),
        "units": [unit],
    }
    with pytest.raises(ServiceError) as info:
        services.review_plan_create(actor=secretary, data=data)
    assert info.value.field == "meeting_end"


@pytest.mark.parametrize("role", ["committee_head", "committee_member", "unit_head", "staff"])
def test_only_the_secretary_may_draft_a_plan(client, role_users, role, unit):
    client.force_login(role_users[role])
    assert client.get(reverse("reviews:plan_create")).status_code == 403
    assert client.post(reverse("reviews:plan_create"), plan_post([unit], [])).status_code == 403
    assert not Review.objects.exists()


def test_submitting_the_plan_notifies_the_committee_head_and_is_audited(client, secretary, committee_head, focal_point, unit):
    review = ReviewFactory(created_by=secretary, units=[unit], attendees=[committee_head, secretary, focal_point])
    client.force_login(secretary)
    client.post(reverse("reviews:plan_submit", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING_APPROVAL
    assert Notification.objects.filter(recipient=committee_head, url=reverse("reviews:detail", args=[review.pk])).count() == 1
    entry = AuditEntry.objects.filter(object_id=review.pk, to_state="pending").get()
    assert entry.actor == secretary and entry.from_state == "draft"


def test_the_committee_head_approves_and_the_secretary_is_notified(client, secretary, committee_head, unit):
    review = ReviewFactory(created_by=secretary, units=[unit], status=ReviewStatus.PENDING_APPROVAL)
    client.force_login(committee_head)
    client.post(reverse("reviews:plan_approve", args=[review.pk]), {"comment": "Đồng ý"})
    review.refresh_from_db()
    assert (review.status, review.approved_by, review.head_comment) == (ReviewStatus.APPROVED, committee_head, "Đồng ý")
    assert Notification.objects.filter(recipient=secretary, subject__startswith="Kế hoạch đã được phê duyệt").exists()


def test_returning_a_plan_needs_a_comment(client, secretary, committee_head, unit):
    review = ReviewFactory(created_by=secretary, units=[unit], status=ReviewStatus.PENDING_APPROVAL)
    client.force_login(committee_head)
    response = client.post(reverse("reviews:plan_return", args=[review.pk]), {"comment": "  "}, follow=True)
    assert "Hãy ghi rõ lý do trả lại." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING_APPROVAL
    with pytest.raises(ServiceError):
        services.review_plan_return(review=review, actor=committee_head, comment="")


def test_a_returned_plan_is_corrected_and_resubmitted(client, secretary, committee_head, focal_point, unit):
    review = ReviewFactory(created_by=secretary, units=[unit], status=ReviewStatus.PENDING_APPROVAL)
    services.review_plan_return(review=review, actor=committee_head, comment="Bổ sung Phòng Tài chính")
    assert Notification.objects.filter(recipient=secretary, body="Bổ sung Phòng Tài chính").exists()
    client.force_login(secretary)
    detail = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Bổ sung Phòng Tài chính" in detail
    data = plan_post([unit], [secretary, committee_head, focal_point], related_parties="Phòng Tài chính", version=review.version)
    assert client.post(reverse("reviews:plan_edit", args=[review.pk]), data).status_code == 302
    client.post(reverse("reviews:plan_submit", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING_APPROVAL and review.related_parties == "Phòng Tài chính"
    assert list(AuditEntry.objects.filter(object_id=review.pk).values_list("to_state", flat=True)) == ["returned", "", "pending"]


@pytest.mark.parametrize(
    ("status", "service", "role"),
    [
        (ReviewStatus.DRAFT, "review_plan_approve", "committee_head"),
        (ReviewStatus.APPROVED, "review_plan_approve", "committee_head"),
        (ReviewStatus.APPROVED, "review_plan_submit", "secretary"),
        (ReviewStatus.PENDING_APPROVAL, "review_plan_submit", "secretary"),
        (ReviewStatus.COLLECTING, "review_plan_reopen", "secretary"),
        (ReviewStatus.DRAFT, "review_collection_close", "secretary"),
    ],
)
def test_a_move_from_the_wrong_state_is_refused(role_users, status, service, role, unit):
    review = ReviewFactory(units=[unit], status=status)
    with pytest.raises(ServiceError) as info:
        getattr(services, service)(review=review, actor=role_users[role])
    assert "Không thể" in info.value.message
    review.refresh_from_db()
    assert review.status == status


@pytest.mark.parametrize(
    ("status", "service", "role"),
    [
        (ReviewStatus.DRAFT, "review_plan_submit", "committee_head"),
        (ReviewStatus.DRAFT, "review_plan_submit", "unit_head"),
        (ReviewStatus.PENDING_APPROVAL, "review_plan_approve", "secretary"),
        (ReviewStatus.PENDING_APPROVAL, "review_plan_approve", "committee_member"),
        (ReviewStatus.APPROVED, "review_notice_issue", "committee_head"),
        (ReviewStatus.COLLECTING, "review_collection_close", "unit_head"),
    ],
)
def test_a_move_by_the_wrong_role_is_refused(role_users, status, service, role, unit):
    review = ReviewFactory(units=[unit], status=status)
    with pytest.raises(PermissionDenied):
        getattr(services, service)(review=review, actor=role_users[role])
    review.refresh_from_db()
    assert review.status == status


def test_a_stale_plan_edit_is_refused_and_the_typed_data_kept(client, secretary, unit):
    review = ReviewFactory(created_by=secretary, units=[unit])
    loaded_version = review.version
    services.review_plan_update(  # someone else saves first
        review=review,
        actor=secretary,
        version=loaded_version,
        data={**{f: getattr(review, f) for f in services.PLAN_FIELDS}, "location": "Phòng họp B", "units": [unit]},
    )
    client.force_login(secretary)
    response = client.post(
        reverse("reviews:plan_edit", args=[review.pk]),
        plan_post([unit], [secretary], location="Hội trường lớn", version=loaded_version),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "vừa được người khác sửa" in page and "Hội trường lớn" in page
    review.refresh_from_db()
    assert review.location == "Phòng họp B"
    with pytest.raises(StaleEditError):
        services.review_plan_update(
            review=review,
            actor=secretary,
            version=loaded_version,
            data={**{f: getattr(review, f) for f in services.PLAN_FIELDS}, "units": [unit]},
        )


def test_a_plan_under_approval_cannot_be_edited(client, secretary, unit):
    review = ReviewFactory(created_by=secretary, units=[unit], status=ReviewStatus.PENDING_APPROVAL)
    client.force_login(secretary)
    response = client.get(reverse("reviews:plan_edit", args=[review.pk]), follow=True)
    assert "không sửa được" in response.content.decode()


def test_an_approved_plan_can_be_reopened_and_needs_approval_again(secretary, unit):
    review = ReviewFactory(units=[unit], status=ReviewStatus.APPROVED)
    services.review_plan_reopen(review=review, actor=secretary)
    assert review.status == ReviewStatus.DRAFT and review.approved_by is None


def test_drafts_are_hidden_from_the_committee_head_and_plans_from_units(client, committee_head, unit_head, unit):
    draft = ReviewFactory(units=[unit])
    approved = ReviewFactory(units=[unit], status=ReviewStatus.APPROVED)
    client.force_login(committee_head)
    assert client.get(reverse("reviews:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reviews:detail", args=[approved.pk])).status_code == 200
    client.force_login(unit_head)
    assert client.get(reverse("reviews:detail", args=[approved.pk])).status_code == 404


def test_the_review_page_says_who_must_act_next(client, secretary, committee_head, unit):
    review = ReviewFactory(units=[unit], status=ReviewStatus.PENDING_APPROVAL)
    client.force_login(committee_head)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Bước tiếp theo" in page and "Trưởng ban chỉ đạo ISO (Lãnh đạo Ban ISO)</span> — Phê duyệt hoặc trả lại" in page
    assert 'data-testid="plan-approve"' in page


def test_the_list_filters_by_year_kind_status_and_text(client, secretary, unit):
    ReviewFactory(title="Họp định kỳ năm 2025", year=2025, units=[unit])
    ReviewFactory(title="Họp đột xuất về nhân sự", kind="extraordinary", year=2026, units=[unit], status=ReviewStatus.APPROVED)
    client.force_login(secretary)

    def titles(**params):
        return [r.title for r in client.get(reverse("reviews:list"), params).context["page"]]

    assert titles(year=2025) == ["Họp định kỳ năm 2025"]
    assert titles(kind="extraordinary") == ["Họp đột xuất về nhân sự"]
    assert titles(status="approved") == ["Họp đột xuất về nhân sự"]
    assert titles(q="nhân sự") == ["Họp đột xuất về nhân sự"]


@pytest.mark.parametrize("role", ["secretary", "unit_head"])
def test_the_list_issues_as_many_queries_for_fifty_reviews_as_for_one(client, role_users, role, unit, other_unit):
    client.force_login(role_users[role])
    units = [unit, other_unit]

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:list")).status_code == 200
        return len(ctx.captured_queries)

    collecting_review(units=units, attendees=[role_users[role]])
    one = count()
    for _ in range(49):
        collecting_review(units=units, attendees=[role_users[role]])
    fifty = count()
    assert len(client.get(reverse("reviews:list")).context["page"].object_list) == 20
    assert one == fifty


def test_the_home_page_shows_plans_to_approve_to_the_committee_head(client, committee_head, unit):
    review = ReviewFactory(title="Kế hoạch chờ duyệt", units=[unit], status=ReviewStatus.PENDING_APPROVAL)
    client.force_login(committee_head)
    page = client.get(reverse("home")).content.decode()
    assert "Kế hoạch họp xem xét chờ phê duyệt" in page and reverse("reviews:detail", args=[review.pk]) in page
