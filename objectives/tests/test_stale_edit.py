"""Issue 13: an objective saved over someone else's change is refused with a message, and leaving the version
out of the form does not skip that check."""

import datetime as dt

import pytest
from django.urls import reverse

from objectives.models import Objective
from objectives.tests.conftest import plan_with_objective
from objectives.tests.test_views import _objective_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(unit, staff_user, today):
    return plan_with_objective(unit=unit, created_by=staff_user, year=today.year).objectives.get()


def _post(objective, today, **overrides):
    deadline = (today + dt.timedelta(days=30)).isoformat()
    return _objective_post(statement="Bản sửa của tôi", **{"actions-0-deadline": deadline, **overrides})


def test_a_stale_save_of_an_objective_is_refused_with_a_message_and_the_input_kept(client, staff_user, objective, today):
    loaded = objective.version
    Objective.objects.filter(pk=objective.pk).update(statement="Bản của người khác", version=loaded + 1)
    client.force_login(staff_user)
    response = client.post(reverse("objectives:objective_edit", args=[objective.pk]), _post(objective, today, version=str(loaded)))
    assert response.status_code == 200
    body = response.content.decode()
    assert "vừa được người khác sửa" in body and "Bản sửa của tôi" in body
    assert Objective.objects.get(pk=objective.pk).statement == "Bản của người khác"


def test_leaving_the_version_out_does_not_skip_the_stale_check(client, staff_user, objective, today):
    client.force_login(staff_user)
    url = reverse("objectives:objective_edit", args=[objective.pk])
    for data in (_post(objective, today), _post(objective, today, version="")):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "thiếu số phiên bản" in response.content.decode()
    assert Objective.objects.get(pk=objective.pk).statement != "Bản sửa của tôi"


def test_the_service_refuses_an_edit_without_the_loaded_version(staff_user, objective, today):
    from objectives import services
    from qms.errors import StaleEditError

    action = {"description": "Việc", "responsible": "Ai", "deadline": today + dt.timedelta(days=30)}
    with pytest.raises(StaleEditError):
        services.objective_save(
            actor=staff_user,
            plan=objective.plan,
            data={"statement": "Không phiên bản", "indicator": "Y", "evaluation_method": "Z"},
            actions=[action],
            objective=objective,
        )


def test_the_right_version_saves(client, staff_user, objective, today):
    client.force_login(staff_user)
    response = client.post(
        reverse("objectives:objective_edit", args=[objective.pk]), _post(objective, today, version=str(objective.version))
    )
    assert response.status_code == 302
    assert Objective.objects.get(pk=objective.pk).statement == "Bản sửa của tôi"
