"""The risk table's rules: the level from the matrix, history on change, stale edits, who keeps which table."""

import datetime as dt

import pytest

from qms.errors import NotAllowed, ServiceError, StaleEditError
from risks import services
from risks.models import Frequency, Impact, Level, Risk, RiskSettings, RiskStatus, default_matrix

VALUES = {
    "kind": "risk",
    "process": "Thu báo cáo đơn vị",
    "description": "Đơn vị không chuẩn bị báo cáo việc thực hiện HTQLCL",
    "cause": "",
    "frequency": Frequency.OCCASIONAL,
    "impact": Impact.MODERATE,
    "response": "Lãnh đạo đơn vị chú ý thời hạn.",
    "owner": "Lãnh đạo đơn vị",
    "deadline": None,
}


@pytest.mark.django_db
def test_the_level_follows_frequency_and_impact_by_the_agencys_matrix(unit_head, unit, organisation):
    risk = services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values=VALUES)
    assert risk.level == Level.MEDIUM  # Thỉnh thoảng × Vừa by the default matrix
    rare_major = services.risk_create(
        actor=unit_head, organisation_id=organisation.pk, unit=unit, values={**VALUES, "frequency": Frequency.RARE, "impact": Impact.MAJOR}
    )
    assert rare_major.level == Level.MEDIUM
    assert rare_major.number == 2
    settings_row = RiskSettings.of(organisation)
    matrix = default_matrix()
    matrix["rare"]["major"] = Level.HIGH
    settings_row.matrix = matrix
    settings_row.save()
    again = services.risk_update(risk=rare_major, actor=unit_head, version=rare_major.version, values={"response": "Bố trí lịch họp sớm."})
    assert again.level == Level.HIGH  # the changed matrix applies on the next save


@pytest.mark.django_db
def test_a_broken_matrix_is_refused_by_the_settings_form_and_falls_back_on_pages(organisation):
    from django.core.exceptions import ValidationError

    row = RiskSettings.of(organisation)
    row.matrix = {"frequent": {"major": "high"}}
    with pytest.raises(ValidationError):
        row.full_clean()
    assert row.level_of(Frequency.FREQUENT, Impact.MINOR) == Level.MEDIUM


@pytest.mark.django_db
def test_a_change_keeps_the_earlier_row_in_the_history(unit_head, unit, organisation, today):
    risk = services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values=VALUES)
    changed = services.risk_update(
        risk=risk,
        actor=unit_head,
        version=1,
        values={
            "frequency": Frequency.FREQUENT,
            "status": RiskStatus.DONE,
            "effectiveness": "effective",
            "effectiveness_reviewed_on": today,
        },
        note="Sau họp xem xét",
    )
    assert changed.version == 2 and changed.level == Level.HIGH and changed.status == RiskStatus.DONE
    (old,) = changed.history.all()
    assert (old.version, old.frequency, old.level, old.status, old.note) == (
        1,
        Frequency.OCCASIONAL,
        Level.MEDIUM,
        RiskStatus.OPEN,
        "Sau họp xem xét",
    )
    assert old.changed_by == unit_head


@pytest.mark.django_db
def test_a_save_from_a_stale_page_is_refused_and_writes_nothing(unit_head, unit, organisation):
    risk = services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values=VALUES)
    services.risk_update(risk=risk, actor=unit_head, version=1, values={"owner": "Văn phòng"})
    with pytest.raises(StaleEditError):
        services.risk_update(risk=risk, actor=unit_head, version=1, values={"owner": "Thư ký ISO"})
    risk.refresh_from_db()
    assert risk.owner == "Văn phòng" and risk.version == 2 and risk.history.count() == 1


@pytest.mark.django_db
def test_the_unit_head_keeps_only_their_units_table_and_the_secretary_the_agencys(
    unit_head, other_unit_head, secretary, staff_user, unit, other_unit, organisation
):
    risk = services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values=VALUES)
    with pytest.raises(NotAllowed):
        services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=other_unit, values=VALUES)
    with pytest.raises(NotAllowed):
        services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=None, values=VALUES)
    with pytest.raises(NotAllowed):
        services.risk_update(risk=risk, actor=other_unit_head, version=1, values={"owner": "x"})
    with pytest.raises(NotAllowed):
        services.risk_update(risk=risk, actor=staff_user, version=1, values={"owner": "x"})
    with pytest.raises(NotAllowed):  # the secretary keeps the agency's table, not a unit's
        services.risk_update(risk=risk, actor=secretary, version=1, values={"owner": "x"})
    agency = services.risk_create(actor=secretary, organisation_id=organisation.pk, unit=None, values=VALUES)
    assert agency.unit is None and agency.number == 1


@pytest.mark.django_db
def test_a_status_move_outside_the_table_and_a_row_without_response_are_refused(unit_head, unit, organisation):
    risk = services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values=VALUES)
    with pytest.raises(ServiceError):
        services.risk_update(risk=risk, actor=unit_head, version=1, values={"status": "nonsense"})
    with pytest.raises(ServiceError):
        services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values={**VALUES, "response": " "})


@pytest.mark.django_db
def test_a_row_is_kept_for_the_retention_period(unit_head, unit, organisation, travel, today):
    from django.core.exceptions import ValidationError

    risk = services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values=VALUES)
    with pytest.raises(ValidationError):
        Risk.objects.filter(pk=risk.pk).delete()
    travel(today + dt.timedelta(days=3 * 366 + 1))
    Risk.objects.get(pk=risk.pk).delete()
    assert not Risk.objects.filter(pk=risk.pk).exists()


@pytest.mark.django_db
def test_admin_offers_no_deletion_of_a_retained_row_and_changes_no_row(client, unit_head, unit, organisation):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    risk = services.risk_create(actor=unit_head, organisation_id=organisation.pk, unit=unit, values=VALUES)
    admin_user = get_user_model().objects.create_superuser("quantri-rr", "qt@example.org", "x-Mật-khẩu-2026")
    client.force_login(admin_user)
    assert client.get(reverse("admin:risks_risk_delete", args=[risk.pk])).status_code == 403
    assert client.post(reverse("admin:risks_risk_change", args=[risk.pk]), {"owner": "x"}).status_code == 403
    assert client.get(reverse("admin:risks_risk_change", args=[risk.pk])).status_code == 200  # read-only view
    assert Risk.objects.filter(pk=risk.pk, version=1).exists()
