"""`load_demo` (run by `make run`) fills every screen and changes nothing when run again."""
import pytest
from django.apps import apps
from django.core.management import call_command

from qms.models import Unit, User
from qms.roles import Role
from reviews.models import Minutes, Review, ReviewStatus

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("qms", "reviews", "corrective_actions", "objectives")
        for model in apps.get_app_config(app).get_models()
    }


def test_the_demo_has_every_role_five_units_and_reviews_in_several_states_and_loads_idempotently():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert _counts() == first
    assert Unit.objects.count() >= 5
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    statuses = set(Review.objects.values_list("status", flat=True))
    assert {ReviewStatus.DRAFT, ReviewStatus.PENDING_APPROVAL, ReviewStatus.COLLECTING, ReviewStatus.PREPARING,
            ReviewStatus.SIGNED, ReviewStatus.CLOSED} <= statuses
    assert Minutes.objects.filter(status=Minutes.Status.SIGNED).exists()
    assert Minutes.objects.filter(status=Minutes.Status.DRAFT).exists()
