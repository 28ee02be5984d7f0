"""The core's pages across two agencies: the inbox and the home page never show another agency's
messages, and a role held in one agency gives nothing in another."""

import pytest
from django.urls import reverse

from qms.models import Notification, User
from qms.roles import Role
from qms.services import notification_send
from qms.tenancy import is_overseer, same_organisation, scope_to
from qms.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_secretary(other_organisation):
    return UserFactory(username="sct.thuky", unit=UnitFactory(organisation=other_organisation, code="VP"), roles=[Role.SECRETARY])


def test_the_inbox_lists_only_ones_own_messages_and_cannot_mark_another_agencys(client, secretary, their_secretary):
    [theirs] = notification_send(recipients=[their_secretary], subject="Thông báo họp của Sở", email=False)
    notification_send(recipients=[secretary], subject="Thông báo họp của Cục", email=False)
    client.force_login(secretary)
    page = client.get(reverse("inbox")).content.decode()
    assert "Thông báo họp của Cục" in page and "Thông báo họp của Sở" not in page
    client.post(reverse("inbox_mark_read"), {"id": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_role_is_held_within_ones_own_agency_only(secretary, their_secretary, organisation, other_organisation, overseer):
    assert list(User.objects.with_role(Role.SECRETARY, organisation=organisation)) == [secretary]
    assert same_organisation(secretary, organisation) and not same_organisation(secretary, other_organisation)
    assert list(scope_to(User.objects.all(), their_secretary)) == [their_secretary]
    assert not scope_to(User.objects.all(), overseer).filter(organisation=organisation).exists()
    assert is_overseer(overseer) and not is_overseer(secretary)
