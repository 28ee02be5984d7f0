"""Django admin in a province: an agency's admin manages only their agency; the provincial admin (a
superuser) creates agencies."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from qms.models import AuditEntry, CalendarException, Organisation, Unit
from qms.roles import Role
from qms.services import audit_record
from qms.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_admin(organisation, unit):
    return UserFactory(username="quantri", unit=unit, is_staff=True, roles=[Role.AGENCY_ADMIN])


@pytest.fixture
def their_unit(other_organisation):
    return UnitFactory(organisation=other_organisation, code="QLTM", name="Phòng Quản lý thương mại")


@pytest.fixture
def their_user(their_unit):
    return UserFactory(username="sct.chuyenvien", unit=their_unit, roles=[Role.STAFF])


def test_an_agency_admin_lists_only_their_agencys_units_users_and_days_off(
    client, agency_admin, unit, their_unit, their_user, other_organisation
):
    CalendarException.objects.create(organisation=other_organisation, date="2026-12-07", kind="off", note="Nghỉ của Sở")
    client.force_login(agency_admin)
    units = client.get(reverse("admin:qms_unit_changelist")).content.decode()
    assert unit.name in units and their_unit.name not in units
    users = client.get(reverse("admin:qms_user_changelist")).content.decode()
    assert "quantri" in users and their_user.username not in users
    assert "Nghỉ của Sở" not in client.get(reverse("admin:qms_calendarexception_changelist")).content.decode()
    organisations = client.get(reverse("admin:qms_organisation_changelist")).content.decode()
    assert other_organisation.name not in organisations


def test_an_agency_admin_gets_a_404_for_another_agencys_rows(client, agency_admin, their_unit, their_user, other_organisation):
    client.force_login(agency_admin)
    assert client.get(reverse("admin:qms_unit_change", args=[their_unit.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:qms_user_change", args=[their_user.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:qms_organisation_change", args=[other_organisation.pk])).status_code in (302, 404)
    response = client.post(reverse("admin:qms_unit_change", args=[their_unit.pk]), {"name": "Đã đổi", "code": "X", "order": 1})
    assert Unit.objects.get(pk=their_unit.pk).name == "Phòng Quản lý thương mại"
    assert response.status_code in (302, 404)


def test_a_unit_an_agency_admin_adds_belongs_to_their_agency_whatever_the_form_says(client, agency_admin, organisation, other_organisation):
    client.force_login(agency_admin)
    client.post(
        reverse("admin:qms_unit_add"),
        {"organisation": other_organisation.pk, "name": "Phòng Kế hoạch", "code": "KH", "order": 3, "is_active": "on"},
    )
    assert Unit.objects.get(code="KH").organisation == organisation


def test_an_agency_admin_cannot_put_a_user_in_another_agencys_unit_nor_make_an_overseer(client, agency_admin, unit, their_unit):
    person = UserFactory(username="canbo.moi", unit=unit, roles=[Role.STAFF])
    client.force_login(agency_admin)
    page = client.get(reverse("admin:qms_user_change", args=[person.pk])).content.decode()
    assert their_unit.name not in page
    assert Role.OVERSEER.value not in page
    overseer_group = Group.objects.get(name=Role.OVERSEER.value)
    client.post(
        reverse("admin:qms_user_change", args=[person.pk]),
        {"username": person.username, "unit": their_unit.pk, "groups": [overseer_group.pk], "is_active": "on", "is_superuser": "on"},
    )
    person.refresh_from_db()
    assert person.unit == unit and not person.is_superuser and not person.has_role(Role.OVERSEER)


def test_only_the_provincial_admin_creates_agencies(client, admin_client, agency_admin):
    client.force_login(agency_admin)
    assert client.get(reverse("admin:qms_organisation_add")).status_code == 403
    admin_client.post(
        reverse("admin:qms_organisation_add"),
        {
            "code": "so-tu-phap",
            "kind": "agency",
            "is_active": "on",
            "name": "Sở Tư pháp tỉnh Khánh Hòa",
            "short_name": "Sở Tư pháp",
            "parent_name": "UBND tỉnh Khánh Hòa",
            "place_name": "Khánh Hòa",
            "committee_name": "Ban ISO",
            "notice_symbol": "TB-STP",
            "minutes_symbol": "BB-STP",
            "report_symbol": "BC-STP",
            "minutes_form": "BM.CTCL.02",
            "review_record_retention_years": 2,
            "ctcl_minutes_retention_years": 3,
            "ticket_record_retention_years": 3,
            "notice_lead_working_days": 3,
            "report_reminder_working_days": 2,
            "action_reminder_working_days": 3,
            "repeat_nonconformity_threshold": 3,
            "review_chair_role": Role.TOP_LEADER.value,
            "objectives_approver_role": Role.TOP_LEADER.value,
            "review_watch_day": 1,
            "review_watch_month": 10,
        },
    )
    assert Organisation.objects.get(code="so-tu-phap").review_chair_role == Role.TOP_LEADER


def test_an_agency_admin_reads_only_their_agencys_audit_trail(client, agency_admin, unit, their_unit, their_user):
    audit_record(target=their_unit, actor=their_user, action="Đổi tên")
    audit_record(target=unit, actor=agency_admin, action="Thêm đơn vị")
    assert set(AuditEntry.objects.values_list("organisation", flat=True)) == {unit.organisation_id, their_unit.organisation_id}
    client.force_login(agency_admin)
    page = client.get(reverse("admin:qms_auditentry_changelist")).content.decode()
    assert "Thêm đơn vị" in page and "Đổi tên" not in page


def test_an_agency_admin_names_ticket_verifiers_and_a_report_submitter_among_their_own_people_only(
    client, agency_admin, organisation, unit, their_user
):
    client.force_login(agency_admin)
    page = client.get(reverse("admin:qms_organisation_change", args=[organisation.pk]))
    verifiers = page.context["adminform"].form.fields["ticket_verifiers"].queryset
    assert agency_admin in verifiers and their_user not in verifiers
    submitters = client.get(reverse("admin:qms_unit_change", args=[unit.pk])).context["adminform"].form.fields["report_submitter"].queryset
    assert agency_admin in submitters and their_user not in submitters
