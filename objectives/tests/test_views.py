from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import Measurement, Objective, Plan, PlanStatus
from objectives.tests.conftest import plan_with_objective
from objectives.tests.factories import MeasurementFactory, ObjectiveFactory, PlanActionFactory
from qms.tests.factories import UnitFactory


def _objective_post(**overrides):
    data = {
        "order": "1",
        "statement": "Giải quyết hồ sơ đúng hạn",
        "indicator": "Tỷ lệ hồ sơ đúng hạn",
        "unit_of_measure": "percent",
        "direction": "higher",
        "aggregation": "level",
        "baseline": "",
        "target": "95,5",
        "target_text": "",
        "frequency": "quarterly",
        "policy_consistency": "Nhất quán CSCL",
        "evaluation_method": "So sánh theo quý",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-description": "Theo dõi hồ sơ hằng tuần",
        "actions-0-resources": "Phần mềm",
        "actions-0-responsible": "Bộ phận một cửa",
        "actions-0-deadline": "2026-12-15",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_an_objective_is_added_with_a_decimal_comma_target_and_its_actions(client, unit, staff_user):
    plan = Plan.objects.create(organisation=unit.organisation, year=2026, unit=unit, created_by=staff_user)
    client.force_login(staff_user)
    response = client.post(reverse("objectives:objective_create", args=[plan.pk]), _objective_post())
    assert response.status_code == 302
    objective = Objective.objects.get(plan=plan)
    assert objective.target == Decimal("95.5") and objective.actions.get().responsible == "Bộ phận một cửa"


@pytest.mark.django_db
def test_a_target_that_is_not_a_number_is_refused_with_a_clear_message_and_the_input_kept(client, unit, staff_user):
    plan = Plan.objects.create(organisation=unit.organisation, year=2026, unit=unit, created_by=staff_user)
    client.force_login(staff_user)
    response = client.post(reverse("objectives:objective_create", args=[plan.pk]), _objective_post(target="khoảng chín mươi"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "không phải là số" in body and "cần một con số" in body
    assert "khoảng chín mươi" in body and "Theo dõi hồ sơ hằng tuần" in body  # nothing lost
    assert not Objective.objects.exists()


@pytest.mark.django_db
def test_a_qualitative_objective_takes_a_text_target(client, unit, staff_user):
    plan = Plan.objects.create(organisation=unit.organisation, year=2026, unit=unit, created_by=staff_user)
    client.force_login(staff_user)
    response = client.post(
        reverse("objectives:objective_create", args=[plan.pk]),
        _objective_post(unit_of_measure="qualitative", target="", target_text="Hoàn thành số hóa hồ sơ"),
    )
    assert response.status_code == 302
    assert Objective.objects.get().target_text == "Hoàn thành số hóa hồ sơ"


@pytest.mark.django_db
def test_editing_an_objective_of_an_approved_plan_says_a_revision_is_needed_and_keeps_the_input(client, unit, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED)
    objective = plan.objectives.get()
    client.force_login(staff_user)
    response = client.post(
        reverse("objectives:objective_edit", args=[objective.pk]),
        _objective_post(statement="Sửa lén sau phê duyệt", version=str(objective.version)),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "lần sửa đổi mới" in body and "Sửa lén sau phê duyệt" in body
    assert Objective.objects.get(pk=objective.pk).statement != "Sửa lén sau phê duyệt"


@pytest.mark.django_db
def test_a_measurement_for_a_period_that_does_not_exist_is_refused_and_the_form_kept(client, unit, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED)
    objective = plan.objectives.get()
    client.force_login(staff_user)
    url = reverse("objectives:measurement_create", args=[objective.pk])
    response = client.post(url, {"period": "7", "value": "96", "measured_on": "2026-04-02", "comment": "Quý bảy?"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kỳ 7 không tồn tại" in body and "chỉ có kỳ 1 đến 4" in body and "Quý bảy?" in body
    assert not Measurement.objects.exists()
    response = client.post(url, {"period": "1", "value": "96,4", "measured_on": "2026-04-02", "comment": "Quý I"})
    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal("96.4")


@pytest.mark.django_db
def test_a_measurement_with_an_evidence_file_of_the_wrong_type_is_refused(client, unit, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED)
    client.force_login(staff_user)
    upload = SimpleUploadedFile("minh-chung.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("objectives:measurement_create", args=[plan.objectives.get().pk]),
        {"period": "1", "value": "96", "measured_on": "2026-04-02", "evidence": upload},
    )
    assert response.status_code == 200 and not Measurement.objects.exists()


@pytest.mark.django_db
def test_a_revision_without_a_reason_is_refused_with_a_message(client, unit, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED)
    client.force_login(staff_user)
    response = client.post(reverse("objectives:plan_revise", args=[plan.pk]), {"reason": ""}, follow=True)
    assert "lý do sửa đổi" in response.content.decode()
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_creating_a_plan_from_last_year_shows_last_years_result(client, unit, staff_user):
    last = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.EVALUATED, year=2025)
    last.objectives.update(result="not_achieved", actual_value=Decimal("91"), reasons="Thiếu người")
    client.force_login(staff_user)
    response = client.post(reverse("objectives:plan_create"), {"year": "2026", "scope": str(unit.pk), "copy_previous": "on"})
    plan = Plan.objects.get(year=2026)
    assert response.url == reverse("objectives:plan_detail", args=[plan.pk])
    page = client.get(response.url).content.decode()
    assert "91%" in page and "Không đạt" in page


def _fill(year, units, objectives_per_plan, creator):
    for unit in units:
        plan = plan_with_objective(unit=unit, created_by=creator, status=PlanStatus.MONITORING, year=year)
        for _ in range(objectives_per_plan - 1):
            PlanActionFactory(objective=ObjectiveFactory(plan=plan))
        for obj in plan.objectives.all():
            MeasurementFactory(objective=obj, period=1, recorded_by=creator)
            MeasurementFactory(objective=obj, period=2, recorded_by=creator)


def _count(client, url):
    client.get(url)  # the first request after sign-in also touches the session; measure a steady one
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_list_page_issues_the_same_number_of_queries_for_one_plan_and_for_many(client, secretary, unit):
    client.force_login(secretary)
    _fill(2026, [unit], 1, secretary)
    _fill(2025, [unit], 1, secretary)
    one = _count(client, reverse("objectives:list") + "?year=2026")
    more = [UnitFactory() for _ in range(12)]
    _fill(2026, more, 4, secretary)
    _fill(2025, more, 4, secretary)
    many = _count(client, reverse("objectives:list") + "?year=2026")
    assert one == many


@pytest.mark.django_db
def test_the_plan_page_issues_the_same_number_of_queries_for_one_objective_and_for_fifty(client, unit, staff_user):
    client.force_login(staff_user)
    agency_objective = plan_with_objective(unit=None, created_by=staff_user, status=PlanStatus.APPROVED).objectives.get()
    last_year = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.EVALUATED, year=2025).objectives.get()
    MeasurementFactory(objective=last_year, recorded_by=staff_user)
    plan = plan_with_objective(
        unit=unit, created_by=staff_user, status=PlanStatus.MONITORING, supports=agency_objective, carried_from=last_year
    )
    MeasurementFactory(objective=plan.objectives.get(), recorded_by=staff_user)
    url = reverse("objectives:plan_detail", args=[plan.pk])
    one = _count(client, url)
    for _ in range(49):
        obj = ObjectiveFactory(plan=plan, supports=agency_objective, carried_from=last_year)
        PlanActionFactory(objective=obj)
        PlanActionFactory(objective=obj)
        MeasurementFactory(objective=obj, recorded_by=staff_user)
    assert _count(client, url) == one


@pytest.mark.django_db
def test_the_home_page_shows_a_plan_waiting_for_the_unit_heads_approval(client, unit, unit_head, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.SUBMITTED)
    client.force_login(unit_head)
    page = client.get(reverse("home")).content.decode()
    assert reverse("objectives:plan_detail", args=[plan.pk]) in page and "Chờ phê duyệt" in page
