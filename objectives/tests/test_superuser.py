"""A superuser without a role is refused in the objectives pages like anyone (issue 13)."""

import pytest
from django.urls import reverse

from qms.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_role_less_superuser_gets_403_on_the_objectives_pages(client, unit):
    client.force_login(UserFactory(username="sieu", unit=unit, is_superuser=True, is_staff=True))
    assert client.get(reverse("objectives:list")).status_code == 403
    assert client.get(reverse("objectives:plan_create")).status_code == 403
