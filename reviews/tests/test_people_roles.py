"""The people of the procedures in a review (issue 10, item 1): staff and ISO focal points draft their unit's
report and report progress on its actions; the head (or the focal point the head named) submits and declares
done; a focal point has none of the head's other decisions; the plan needs its chair, secretary and each
unit's focal point; a superuser without a role is refused like anyone."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.errors import NotAllowed, ServiceError
from qms.models import Unit
from qms.roles import Role
from qms.tests.factories import UserFactory
from reviews import rules, services
from reviews.models import ActionStatus, ReviewAction, ReviewStatus, UnitReportStatus
from reviews.tests.factories import ReviewFactory, collecting_review, filled_sections, signed_review

pytestmark = pytest.mark.django_db


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def named_focal_point(unit):
    """A focal point of `unit` whom the unit's head named to submit (Unit.report_submitter)."""
    user = UserFactory(username="daumoi.giao", full_name="Ông Văn Giao", unit=unit, roles=[Role.FOCAL_POINT])
    Unit.objects.filter(pk=unit.pk).update(report_submitter=user)
    unit.refresh_from_db()
    return user


@pytest.fixture
def superuser(unit):
    """A superuser of the agency who holds no role."""
    return UserFactory(username="sieu", unit=unit, is_superuser=True, is_staff=True)


@pytest.fixture
def report(unit):
    return collecting_review(units=[unit]).unit_reports.get()


def _save(report, actor, *, submit: bool):
    report.refresh_from_db()
    return services.unit_report_save(report=report, actor=actor, data=filled_sections(), version=report.version, submit=submit)


# --- The unit's report BM.HT.06.02 ---


def test_staff_draft_the_unit_report_and_the_unit_head_submits_it(report, staff_user, unit_head):
    _save(report, staff_user, submit=False)
    assert report.status == UnitReportStatus.DRAFT and report.updated_by == staff_user
    with pytest.raises(NotAllowed):
        _save(report, staff_user, submit=True)
    _save(report, unit_head, submit=True)
    assert (report.status, report.submitted_by) == (UnitReportStatus.SUBMITTED, unit_head)


def test_a_focal_point_drafts_but_submits_only_when_the_head_named_them(report, focal_point, named_focal_point):
    _save(report, focal_point, submit=False)
    assert report.status == UnitReportStatus.DRAFT
    with pytest.raises(NotAllowed):
        _save(report, focal_point, submit=True)
    assert rules.report_actions(report, focal_point) == {"edit"}
    assert rules.report_actions(report, named_focal_point) == {"edit", "submit"}
    _save(report, named_focal_point, submit=True)
    assert (report.status, report.submitted_by) == (UnitReportStatus.SUBMITTED, named_focal_point)


def test_the_report_form_offers_the_submit_button_only_to_who_may_submit(client, report, staff_user, unit_head):
    url = reverse("reviews:report_edit", args=[report.pk])
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert 'data-testid="report-draft"' in page and 'data-testid="report-submit"' not in page
    client.force_login(unit_head)
    assert 'data-testid="report-submit"' in client.get(url).content.decode()


def test_staff_of_another_unit_cannot_draft_the_report(report, other_unit):
    stranger = UserFactory(unit=other_unit, roles=[Role.STAFF])
    with pytest.raises(NotAllowed):
        _save(report, stranger, submit=False)


def test_a_focal_point_cannot_return_a_unit_report(client, report, unit_head, focal_point):
    _save(report, unit_head, submit=True)
    client.force_login(focal_point)
    assert client.post(reverse("reviews:report_return", args=[report.pk]), {"comment": "Bổ sung"}).status_code == 403
    with pytest.raises(NotAllowed):
        services.unit_report_return(report=report, actor=focal_point, comment="Bổ sung")
    report.refresh_from_db()
    assert report.status == UnitReportStatus.SUBMITTED


# --- The unit's review actions ---


@pytest.fixture
def actions(unit, other_unit, secretary, committee_head):
    review, _minutes = signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        actions=[("Rà soát quy trình", unit, in_days(30)), ("Đào tạo ISO", other_unit, in_days(40))],
    )
    return ReviewAction.objects.get(review=review, responsible_unit=unit), ReviewAction.objects.get(
        review=review, responsible_unit=other_unit
    )


@pytest.mark.parametrize("who", ["staff_user", "focal_point"])
def test_staff_and_focal_points_see_their_units_actions_only(client, request, actions, who):
    own, other = actions
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("reviews:action_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert own.description in page and other.description not in page
    assert client.get(reverse("reviews:action_detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("who", ["staff_user", "focal_point"])
def test_staff_and_focal_points_report_progress_but_cannot_complete(client, request, actions, who):
    action = actions[0]
    user = request.getfixturevalue(who)
    services.action_progress_record(action=action, actor=user, note="Đã rà soát 2/5 quy trình", progress=40)
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 40)
    assert rules.action_actions(action, user) == {"progress", "request_resources"}
    with pytest.raises(NotAllowed):
        services.action_complete(action=action, actor=user, evidence="Xong")
    client.force_login(user)
    response = client.post(reverse("reviews:action_complete", args=[action.pk]), {"evidence": "Xong"})
    assert response.status_code == 403
    page = client.get(reverse("reviews:action_detail", args=[action.pk])).content.decode()
    assert 'data-testid="progress-form"' in page and 'data-testid="complete-form"' not in page
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_the_unit_head_or_the_named_focal_point_declares_the_action_done(actions, unit_head, named_focal_point):
    action = actions[0]
    assert "complete" in rules.action_actions(action, unit_head)
    services.action_complete(action=action, actor=named_focal_point, evidence="Đã ban hành quy trình sửa đổi")
    action.refresh_from_db()
    assert action.status == ActionStatus.REPORTED


def test_a_focal_point_cannot_reopen_or_cancel_an_action(actions, focal_point, unit_head, secretary):
    action = actions[0]
    services.action_complete(action=action, actor=unit_head, evidence="Xong")
    with pytest.raises(NotAllowed):
        services.action_evidence_confirm(action=action, actor=focal_point)
    action.refresh_from_db()
    services.action_evidence_confirm(action=action, actor=secretary)
    action.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.action_reopen(action=action, actor=focal_point, note="Chưa đạt")
    with pytest.raises(NotAllowed):
        services.action_cancel(action=actions[1], actor=focal_point, note="Không cần")


# --- The plan's attendees ---


def test_a_plan_without_chair_secretary_or_a_units_focal_point_is_refused_naming_them(secretary, unit, other_unit, focal_point):
    review = ReviewFactory(created_by=secretary, units=[unit, other_unit], attendees=[])
    with pytest.raises(ServiceError) as info:
        services.review_plan_submit(review=review, actor=secretary)
    message = info.value.message
    assert "người chủ trì (Trưởng ban chỉ đạo ISO (Lãnh đạo Ban ISO))" in message
    assert "Thư ký ISO" in message
    assert f"Đầu mối ISO của {unit.name} ({focal_point.display_name})" in message
    assert f"{other_unit.name} chưa có Đầu mối ISO" in message
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_a_plan_with_its_chair_secretary_and_focal_points_is_submitted(secretary, committee_head, unit, focal_point):
    review = ReviewFactory(created_by=secretary, units=[unit], attendees=[secretary, committee_head, focal_point])
    services.review_plan_submit(review=review, actor=secretary)
    assert review.status == ReviewStatus.PENDING_APPROVAL


def test_where_the_top_leader_chairs_the_committee_head_does_not_stand_in(
    organisation, secretary, committee_head, top_leader, unit, focal_point
):
    organisation.review_chair_role = Role.TOP_LEADER.value
    organisation.save()
    review = ReviewFactory(created_by=secretary, units=[unit], attendees=[secretary, committee_head, focal_point])
    with pytest.raises(ServiceError) as info:
        services.review_plan_submit(review=review, actor=secretary)
    assert "người chủ trì (Lãnh đạo cao nhất)" in info.value.message
    review.attendees.add(top_leader)
    services.review_plan_submit(review=review, actor=secretary)
    assert review.status == ReviewStatus.PENDING_APPROVAL


def test_the_new_plan_form_pre_ticks_the_chair_and_the_focal_points(client, secretary, committee_head, focal_point, staff_user, unit):
    client.force_login(secretary)
    form = client.get(reverse("reviews:plan_create")).context["form"]
    ticked = set(form.fields["attendees"].initial)
    assert {secretary.pk, committee_head.pk, focal_point.pk} <= ticked and staff_user.pk not in ticked


# --- A superuser without a role ---


def test_a_superuser_without_a_role_is_refused_in_the_reviews_services_and_pages(
    client, superuser, secretary, committee_head, unit, actions
):
    review = collecting_review(units=[unit])
    with pytest.raises(NotAllowed):
        services.consolidated_report_generate(review=review, actor=superuser)
    with pytest.raises(NotAllowed):
        _save(review.unit_reports.get(), superuser, submit=False)
    with pytest.raises(NotAllowed):
        services.action_progress_record(action=actions[0], actor=superuser, note="x", progress=10)
    assert rules.action_actions(actions[0], superuser) == set()
    assert not rules.can_manage(superuser) and not rules.can_sign(superuser) and not rules.can_read_consolidated(superuser)
    client.force_login(superuser)
    assert client.post(reverse("reviews:consolidated_generate", args=[review.pk])).status_code in (403, 404)
    assert client.post(reverse("reviews:action_complete", args=[actions[0].pk]), {"evidence": "x"}).status_code in (403, 404)
    assert not review.__class__.objects.filter(pk=review.pk, status=ReviewStatus.PREPARING).exists()


# --- The matrix of the new roles on the report and action URLs ---

NEW_ROLES = ["focal_point", "named_focal_point", "top_leader", "superuser"]
NEW_MATRIX = {
    ("report_edit", "get"): (200, 200, 403, 403),
    ("report_return", "post"): (403, 403, 403, 403),
    ("action_list", "get"): (200, 200, 200, 403),
    ("plan_create", "get"): (403, 403, 403, 403),
}


@pytest.mark.parametrize("role", NEW_ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(NEW_MATRIX))
def test_the_new_roles_answer_the_review_urls_as_the_matrix_says(client, request, report, actions, role, name, method):
    client.force_login(request.getfixturevalue(role))
    args = [report.pk] if name.startswith("report_") else []
    url = reverse(f"reviews:{name}", args=args)
    response = client.post(url, {"comment": "Ý kiến"}) if method == "post" else client.get(url)
    assert response.status_code == NEW_MATRIX[(name, method)][NEW_ROLES.index(role)]
