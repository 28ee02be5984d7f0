"""Issue 10 item 2: "Biên bản lập xong phải có chữ ký của người chủ trì cuộc họp" — only the chair recorded in
the minutes signs, they hold the chairing role of the organisation's procedure (or are the plan's deputy),
and they sign the version they read. Item 3: the outputs of QT.CTCL 5.8.1.2 are each addressed. The meeting
held at another time than notified carries a reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import SIGNING_SECRET
from qms.errors import NotAllowed, ServiceError, StaleEditError
from qms.models import Organisation
from qms.roles import Role
from qms.tests.factories import UserFactory
from reviews import rules, services
from reviews.models import Minutes, MinutesStatus, OutputHeading, ReviewStatus
from reviews.tests.factories import ReviewFactory, minutes_content, minutes_rows, preparing_review, ready_minutes

pytestmark = pytest.mark.django_db
PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture
def another_head(unit):
    return UserFactory(username="truongban2", full_name="Hồ Văn Nam", unit=unit, job_title="Phó Cục trưởng", roles=[Role.COMMITTEE_HEAD])


@pytest.fixture
def minutes(unit, secretary, committee_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    return ready_minutes(review=review, secretary=secretary, chair=committee_head)


def _save(minutes, secretary, **overrides):
    attendance, actions = minutes_rows(minutes)
    services.minutes_save(
        minutes=minutes,
        actor=secretary,
        version=minutes.version,
        data=minutes_content(minutes, **overrides),
        attendance=attendance,
        actions=overrides.pop("_actions", actions),
    )
    minutes.refresh_from_db()
    return minutes


def test_another_committee_head_cannot_sign_minutes_that_name_a_different_chair(minutes, another_head, client):
    with pytest.raises(NotAllowed):
        services.minutes_sign(minutes=minutes, actor=another_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    client.force_login(another_head)
    assert client.get(reverse("reviews:minutes_sign", args=[minutes.pk])).status_code == 403
    response = client.post(reverse("reviews:minutes_sign", args=[minutes.pk]), {"password": PASSWORD, "version": minutes.version})
    assert response.status_code == 403
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.signed_by is None
    assert "sign" not in rules.minutes_actions(minutes, another_head, successor=None)


def test_the_chair_recorded_in_the_minutes_signs_them(minutes, committee_head):
    assert "sign" in rules.minutes_actions(minutes, committee_head, successor=None)
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.SIGNED and minutes.signed_by == committee_head


def test_a_sign_request_for_an_older_version_is_refused_and_nothing_is_signed(minutes, secretary, committee_head, client):
    read = minutes.version  # the chair opens the sign page
    client.force_login(committee_head)
    page = client.get(reverse("reviews:minutes_sign", args=[minutes.pk])).content.decode()
    assert f'name="version" value="{read}"' in page and minutes.conclusions in page
    _save(minutes, secretary, conclusions="Kết luận đã được thư ký sửa sau khi chủ trì mở trang ký.")
    response = client.post(reverse("reviews:minutes_sign", args=[minutes.pk]), {"password": PASSWORD, "version": read})
    assert response.status_code == 200 and "Biên bản chưa được ký" in response.content.decode()
    with pytest.raises(StaleEditError):
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=read)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.number is None and not minutes.signed_content
    assert minutes.review.status == ReviewStatus.PREPARING


def test_the_chair_must_hold_the_chairing_role_of_the_organisations_procedure(minutes, secretary, committee_member):
    with pytest.raises(ServiceError, match="không phải người chủ trì"):
        _save(minutes, secretary, chair=committee_member)
    minutes.refresh_from_db()
    assert minutes.chair_id != committee_member.pk


def test_where_the_top_leader_chairs_the_committee_head_neither_approves_nor_signs(unit, secretary, committee_head, top_leader):
    Organisation.objects.filter(pk=unit.organisation_id).update(review_chair_role=Role.TOP_LEADER)
    for person in (unit, secretary, committee_head, top_leader):
        person.refresh_from_db()  # their cached agency carries the old setting
    pending = ReviewFactory(created_by=secretary, units=[unit], status=ReviewStatus.PENDING_APPROVAL)
    with pytest.raises(NotAllowed):
        services.review_plan_approve(review=pending, actor=committee_head)
    services.review_plan_approve(review=pending, actor=top_leader)
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.APPROVED and pending.approved_by == top_leader

    review = preparing_review(units=[unit], attendees=[secretary, committee_head, top_leader])
    with pytest.raises(ServiceError, match="không phải người chủ trì"):
        ready_minutes(review=review, secretary=secretary, chair=committee_head)
    minutes = Minutes.objects.get(review=review)
    minutes = _save(minutes, secretary, chair=top_leader, location="Phòng họp")
    with pytest.raises(NotAllowed):
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    services.minutes_sign(minutes=minutes, actor=top_leader, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    assert Minutes.objects.get(pk=minutes.pk).signed_by == top_leader


def test_the_deputy_the_plan_names_may_chair_and_sign(unit, secretary, committee_head, committee_member, client):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head, committee_member], deputy_chair=committee_member)
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_member)
    client.force_login(committee_member)
    assert client.get(reverse("reviews:minutes_sign", args=[minutes.pk])).status_code == 200
    with pytest.raises(NotAllowed):  # the chair of the organisation no longer signs minutes recording the deputy
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    services.minutes_sign(minutes=minutes, actor=committee_member, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    minutes.refresh_from_db()
    assert minutes.signed_by == committee_member


@pytest.mark.parametrize("heading", ["outputs_improvement", "outputs_changes", "outputs_resources"])
def test_minutes_with_an_output_heading_neither_decided_nor_declared_none_cannot_be_signed(minutes, secretary, committee_head, heading):
    _save(minutes, secretary, **{heading: ""})
    with pytest.raises(ServiceError, match="đầu ra"):
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.DRAFT


def test_an_action_classified_under_a_heading_addresses_it(minutes, secretary, committee_head, unit):
    due = timezone.localdate() + dt.timedelta(days=20)
    row = {"description": "Bổ sung 01 máy scan", "responsible_unit": unit, "deadline": due, "output_heading": OutputHeading.RESOURCES}
    _save(minutes, secretary, outputs_resources="", _actions=[row])
    assert minutes.missing_outputs() == []
    grouped = {key: actions for key, _label, _text, actions in minutes.outputs()}
    assert [a.description for a in grouped["resources"]] == ["Bổ sung 01 máy scan"]
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.SIGNED


def test_minutes_of_a_meeting_held_at_another_time_than_notified_need_a_reason(minutes, secretary, committee_head, client):
    moved = minutes.review.meeting_start + dt.timedelta(hours=2)
    _save(minutes, secretary, started_at=moved, ended_at=moved + dt.timedelta(hours=1))
    with pytest.raises(ServiceError, match="thay vì"):
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.DRAFT
    client.force_login(secretary)
    page = client.get(reverse("reviews:minutes_detail", args=[minutes.pk])).content.decode()
    assert 'data-testid="time-change-missing"' in page
    _save(minutes, secretary, time_change_reason="Trưởng ban đi công tác đột xuất buổi sáng.")
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.SIGNED


def test_the_minutes_page_and_pdf_group_the_outputs_under_the_three_headings(minutes, secretary, client):
    from reviews.pdf import minutes_pdf

    _save(minutes, secretary, outputs_improvement="Số hóa hồ sơ lưu trữ.", outputs_changes="Không có.")
    client.force_login(secretary)
    page = client.get(reverse("reviews:minutes_detail", args=[minutes.pk])).content.decode()
    assert 'data-output="improvement"' in page and "Số hóa hồ sơ lưu trữ." in page and 'data-output="resources"' in page
    assert minutes_pdf(minutes)[:4] == b"%PDF"


def test_new_minutes_pre_fill_the_briefing_of_bm_ht_06_04_from_the_consolidated_report(minutes):
    report = minutes.review.consolidated_report
    assert minutes.brief_application == report.s1_general and minutes.brief_policy_objectives == report.s2_policy_objectives
    assert minutes.brief_resources == report.s6_resources and minutes.brief_change_other == report.s7_changes
    assert minutes.topic_2_internal == report.s7_changes
    assert minutes.brief_nonconformities == 0  # no corrective-action ticket opened


def test_the_consolidated_report_keeps_results_records_and_recommendations_of_section_3_apart(unit, secretary, client):
    review = preparing_review(units=[unit])
    report = services.consolidated_report_generate(review=review, actor=secretary)
    data = {f: getattr(report, f) for f in ("s1_general", "s2_policy_objectives", "s3_audit_actions", "s4_feedback")}
    data.update(s3_records="Báo cáo đánh giá nội bộ số 05/BC-ĐGNB", s3_recommendations="+ Rà soát biểu mẫu.", version=report.version)
    client.force_login(secretary)
    assert client.post(reverse("reviews:consolidated_edit", args=[review.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.s3_records == "Báo cáo đánh giá nội bộ số 05/BC-ĐGNB" and report.s3_recommendations == "+ Rà soát biểu mẫu."
    page = client.get(reverse("reviews:consolidated_detail", args=[review.pk])).content.decode()
    assert "Báo cáo đánh giá nội bộ số 05/BC-ĐGNB" in page and "+ Rà soát biểu mẫu." in page


def test_a_deputy_chair_does_not_approve_the_plan_that_names_them(unit, secretary, committee_member):
    pending = ReviewFactory(created_by=secretary, units=[unit], status=ReviewStatus.PENDING_APPROVAL, deputy_chair=committee_member)
    with pytest.raises(NotAllowed):
        services.review_plan_approve(review=pending, actor=committee_member)
    assert "approve" not in rules.review_actions(pending, committee_member)
