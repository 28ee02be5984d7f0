"""Fixtures shared by the reviews tests."""

import pytest
from django.db.models.signals import post_save

from conftest import give_signer
from qms.models import User
from reviews.tests.pdf_data import pdf_review  # noqa: F401 — a fixture, found by pytest under this name


@pytest.fixture(autouse=True)
def _everyone_has_a_test_certificate(request, signing_ca):
    """Every user an agency's test creates gets a .p12 in their name under the session's test CA (passphrase
    conftest.SIGNING_SECRET), as the demo gives its signers: signing the minutes is a real PAdES signature."""

    def give(sender, instance, created, raw=False, **kwargs):
        if created and not raw and instance.organisation_id is not None:
            give_signer(signing_ca, instance)

    post_save.connect(give, sender=User, dispatch_uid="reviews-tests-signer")
    yield
    post_save.disconnect(sender=User, dispatch_uid="reviews-tests-signer")
