"""Who is who (qms.people) and the roles as the procedures name them (issue 10, item 1)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

from qms import people
from qms.models import User
from qms.roles import OLD_UNIT_HEAD_NAME, Role
from qms.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

split_migration = importlib.import_module("qms.migrations.0009_roles_split_unit_head")


def test_the_review_is_chaired_by_the_committee_head_by_default_and_by_the_top_leader_under_qt_ctcl(
    organisation, committee_head, top_leader
):
    assert list(people.review_chairs(organisation)) == [committee_head]
    assert people.may_chair_reviews(committee_head) and not people.may_chair_reviews(top_leader)
    organisation.review_chair_role = Role.TOP_LEADER.value
    organisation.save()
    committee_head.organisation.refresh_from_db()
    top_leader.organisation.refresh_from_db()
    assert list(people.review_chairs(organisation)) == [top_leader]
    assert people.may_chair_reviews(top_leader) and not people.may_chair_reviews(committee_head)


def test_a_chair_of_another_agency_does_not_chair_this_one(organisation, other_organisation, committee_head):
    stranger = UserFactory(unit=UnitFactory(organisation=other_organisation), roles=[Role.COMMITTEE_HEAD])
    assert list(people.review_chairs(organisation)) == [committee_head]
    assert stranger not in people.review_chairs(organisation)


def test_ticket_verifiers_are_the_named_people_or_else_the_top_leaders(organisation, top_leader, committee_head, other_organisation):
    assert list(people.top_leaders(organisation)) == [top_leader]
    assert list(people.ticket_verifiers(organisation)) == [top_leader]
    assert people.is_ticket_verifier(top_leader) and not people.is_ticket_verifier(committee_head)
    organisation.ticket_verifiers.add(committee_head)
    assert list(people.ticket_verifiers(organisation)) == [committee_head]
    assert people.is_ticket_verifier(committee_head) and not people.is_ticket_verifier(top_leader)


def test_a_named_verifier_of_another_agency_or_who_left_does_not_verify(organisation, other_organisation, top_leader):
    stranger = UserFactory(unit=UnitFactory(organisation=other_organisation))
    gone = UserFactory(unit=top_leader.unit, is_active=False)
    organisation.ticket_verifiers.add(stranger, gone)
    assert list(people.ticket_verifiers(organisation)) == [top_leader]


def test_the_agency_objectives_are_approved_by_the_role_the_settings_name(organisation, top_leader, committee_head, secretary):
    assert people.may_approve_agency_objectives(top_leader)
    assert not people.may_approve_agency_objectives(committee_head) and not people.may_approve_agency_objectives(secretary)
    organisation.objectives_approver_role = Role.COMMITTEE_HEAD.value
    organisation.save()
    committee_head.organisation.refresh_from_db()
    assert people.may_approve_agency_objectives(committee_head)


def test_a_units_focal_points_are_its_active_members_holding_the_role(unit, other_unit, focal_point, unit_head, staff_user):
    UserFactory(unit=other_unit, roles=[Role.FOCAL_POINT])
    UserFactory(unit=unit, roles=[Role.FOCAL_POINT], is_active=False)
    assert list(people.unit_focal_points(unit)) == [focal_point]
    assert list(people.unit_focal_points(unit.pk)) == [focal_point]


def test_only_the_head_or_the_focal_point_the_head_named_decides_for_the_unit(unit, other_unit, unit_head, focal_point, staff_user):
    assert people.may_decide_for_unit(unit_head, unit) and not people.may_decide_for_unit(unit_head, other_unit)
    assert not people.may_decide_for_unit(focal_point, unit) and not people.may_decide_for_unit(staff_user, unit)
    unit.report_submitter = focal_point
    unit.full_clean()
    unit.save()
    assert people.may_decide_for_unit(focal_point, unit) and people.may_decide_for_unit(focal_point, unit.pk)


def test_the_named_submitter_must_be_a_focal_point_of_the_unit(unit, other_unit, staff_user):
    unit.report_submitter = staff_user
    with pytest.raises(ValidationError):
        unit.full_clean()
    unit.report_submitter = UserFactory(unit=other_unit, roles=[Role.FOCAL_POINT])
    with pytest.raises(ValidationError):
        unit.full_clean()


def test_a_role_less_superuser_is_nobody_in_the_procedures(unit, organisation):
    boss = UserFactory(username="sieu", unit=unit, is_superuser=True)
    organisation.ticket_verifiers.clear()
    assert not people.may_chair_reviews(boss)
    assert not people.is_ticket_verifier(boss)
    assert not people.may_approve_agency_objectives(boss)
    assert not people.may_decide_for_unit(boss, unit)


# --- The groups ---


def test_every_role_has_its_group_and_the_new_roles_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
    assert not Group.objects.filter(name=OLD_UNIT_HEAD_NAME).exists()

    def perms(role: Role) -> set[str]:
        rows = Permission.objects.filter(group__name=role.value).values_list("content_type__app_label", "codename")
        return {f"{a}.{c}" for a, c in rows}

    top, focal, staff, head = perms(Role.TOP_LEADER), perms(Role.FOCAL_POINT), perms(Role.STAFF), perms(Role.UNIT_HEAD)
    assert {"reviews.approve_review", "reviews.sign_minutes", "corrective_actions.verify_ticket", "objectives.approve_agency_plan"} <= top
    assert {
        "reviews.change_unitreport",
        "reviews.view_reviewaction",
        "corrective_actions.open_ticket",
        "objectives.draft_unit_plan",
    } <= focal
    # The focal point decides nothing of the head's: no ticket decision, no unit plan approval.
    assert not {"corrective_actions.decide_ticket", "objectives.approve_unit_plan", "reviews.manage_review"} & focal
    assert {"reviews.change_unitreport", "reviews.view_reviewaction"} <= staff and "reviews.submit_unit_report" not in staff
    assert {"reviews.submit_unit_report", "corrective_actions.decide_ticket", "objectives.approve_unit_plan"} <= head


def test_the_split_migration_renames_the_old_merged_group_keeping_its_members_and_permissions(unit):
    head = UserFactory(unit=unit)
    Group.objects.filter(name=Role.UNIT_HEAD.value).delete()
    old = Group.objects.create(name=OLD_UNIT_HEAD_NAME)
    old.permissions.add(Permission.objects.get(codename="submit_unit_report"))
    head.groups.add(old)
    split_migration.split(apps, None)
    group = Group.objects.get(name=Role.UNIT_HEAD.value)
    assert group.pk == old.pk and list(group.user_set.all()) == [head]
    assert group.permissions.filter(codename="submit_unit_report").exists()
    assert not Group.objects.filter(name=OLD_UNIT_HEAD_NAME).exists()
    assert Group.objects.filter(name__in=[Role.TOP_LEADER.value, Role.FOCAL_POINT.value]).count() == 2
    assert User.objects.get(pk=head.pk).has_role(Role.UNIT_HEAD)


def test_the_split_migration_merges_the_old_group_into_a_new_one_already_there(unit):
    head = UserFactory(unit=unit)
    old = Group.objects.create(name=OLD_UNIT_HEAD_NAME)
    old.permissions.add(Permission.objects.get(codename="export_tickets"))
    head.groups.add(old)
    new = Group.objects.get(name=Role.UNIT_HEAD.value)
    split_migration.split(apps, None)
    assert not Group.objects.filter(name=OLD_UNIT_HEAD_NAME).exists()
    assert head in new.user_set.all() and new.permissions.filter(codename="export_tickets").exists()
    split_migration.split(apps, None)  # a second run changes nothing
    assert Group.objects.filter(name=Role.UNIT_HEAD.value).count() == 1
