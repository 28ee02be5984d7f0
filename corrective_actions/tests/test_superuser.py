"""A superuser without a role is refused in the app like anyone: Django admin keeps the superuser's rights,
the procedure's decisions need the role the procedure names (issue 13)."""

import pytest
from django.urls import reverse

from corrective_actions import rules, services
from qms.errors import NotAllowed
from qms.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(unit):
    return UserFactory(username="sieu", unit=unit, is_superuser=True, is_staff=True)


def test_a_role_less_superuser_cannot_assign_verify_or_present_a_ticket(drive, superuser):
    presented = drive("presented")
    with pytest.raises(NotAllowed):
        services.ticket_assign(actor=superuser, ticket=presented, implementing_unit=presented.unit, assignee=superuser)
    reported = drive("reported")
    assert not rules.can_verify(superuser, reported)
    assert rules.ticket_actions(superuser, reported) == []


def test_a_role_less_superuser_gets_403_on_the_secretarys_batch_page(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("corrective_actions:present_batch")).status_code == 403
