"""Edge cases of quality objectives: numbers at the column limit, negative values, revisions of evaluated
plans, formula injection in Excel, zero targets, future years (each test failed before its fix)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from objectives import services
from objectives.models import Measurement, Objective, PlanStatus
from objectives.progress import Track, objective_progress
from objectives.tests.conftest import plan_with_objective
from objectives.tests.factories import MeasurementFactory
from qms.errors import ServiceError


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["9999999999,999", "9999999999.995"])
def test_a_measurement_that_rounds_past_ten_digits_is_refused_and_the_plan_page_still_opens(client, unit, staff_user, raw):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED)
    objective = plan.objectives.get()
    client.force_login(staff_user)
    response = client.post(
        reverse("objectives:measurement_create", args=[objective.pk]), {"period": "1", "value": raw, "measured_on": "2026-04-02"}
    )
    assert response.status_code == 200
    assert "Số quá lớn" in response.content.decode()
    assert not Measurement.objects.filter(objective=objective).exists()
    assert client.get(reverse("objectives:plan_detail", args=[plan.pk])).status_code == 200


@pytest.mark.django_db
def test_a_negative_measurement_is_refused_with_a_message(client, unit, staff_user):
    objective = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED).objectives.get()
    client.force_login(staff_user)
    response = client.post(
        reverse("objectives:measurement_create", args=[objective.pk]), {"period": "1", "value": "-5", "measured_on": "2026-04-02"}
    )
    assert response.status_code == 200
    assert "không được là số âm" in response.content.decode()
    assert not Measurement.objects.filter(objective=objective).exists()


@pytest.mark.django_db
def test_a_revision_cannot_be_approved_once_the_plan_it_revises_was_evaluated(unit, unit_head, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.MONITORING)
    objective = plan.objectives.get()
    MeasurementFactory(objective=objective, recorded_by=staff_user)
    revision = services.plan_revise(actor=staff_user, plan=plan, reason="Điều chỉnh chỉ tiêu")
    services.objective_evaluate(actor=unit_head, objective=objective, result="achieved", actual_value=Decimal("96"))
    services.plan_evaluation_close(actor=unit_head, plan=plan)
    services.plan_submit(actor=staff_user, plan=revision)
    with pytest.raises(ServiceError):
        services.plan_approve(actor=unit_head, plan=revision)
    plan.refresh_from_db()
    revision.refresh_from_db()
    assert (plan.status, revision.status) == (PlanStatus.EVALUATED, PlanStatus.SUBMITTED)
    assert Measurement.objects.filter(objective=objective).count() == 1


@pytest.mark.django_db
def test_a_plan_of_a_year_that_has_not_started_cannot_be_evaluated(unit, unit_head, staff_user):
    next_year = timezone.localdate().year + 1
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED, year=next_year)
    with pytest.raises(ServiceError):
        services.objective_evaluate(actor=unit_head, objective=plan.objectives.get(), result="achieved", actual_value=Decimal("96"))
    Objective.objects.filter(plan=plan).update(result="achieved", actual_value=Decimal("96"))
    with pytest.raises(ServiceError):
        services.plan_evaluation_close(actor=unit_head, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


@pytest.mark.django_db
def test_an_objective_typed_as_a_formula_is_exported_to_excel_as_text(client, unit, staff_user):
    plan = plan_with_objective(
        unit=unit, created_by=staff_user, status=PlanStatus.APPROVED, statement='=HYPERLINK("http://attacker.example","Bấm vào đây")'
    )
    client.force_login(staff_user)
    for kind in ("plan", "report"):
        response = client.get(reverse("objectives:plan_excel", args=[plan.pk, kind]))
        assert response.status_code == 200
        ws = load_workbook(BytesIO(response.content)).active
        cells = [c for row in ws.iter_rows() for c in row if c.value and str(c.value).startswith("'=HYPERLINK")]
        assert cells
        assert all(c.data_type == "s" for c in cells)
        assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.django_db
def test_a_lower_is_better_count_already_over_its_yearly_ceiling_is_off_track_even_with_a_zero_target(unit, staff_user):
    plan = plan_with_objective(
        unit=unit,
        created_by=staff_user,
        status=PlanStatus.MONITORING,
        unit_of_measure="count",
        direction="lower",
        aggregation="cumulative",
        target=Decimal(0),
    )
    objective = plan.objectives.get()
    MeasurementFactory(objective=objective, period=1, value=Decimal(1), recorded_by=staff_user)
    assert objective_progress(objective).status == Track.OFF_TRACK


def test_a_measurement_whose_evidence_is_missing_on_disk_is_a_404_with_a_message_not_a_500(client, unit, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED)
    measurement = MeasurementFactory(objective=plan.objectives.get(), recorded_by=staff_user, evidence="objectives/khong-con.pdf")
    client.raise_request_exception = False
    client.force_login(staff_user)
    response = client.get(reverse("objectives:measurement_evidence", args=[measurement.pk]))
    assert response.status_code == 404
    assert "Tệp này không còn trên máy chủ" in response.content.decode()
