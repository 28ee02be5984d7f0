"""Step 10: BM.HT.06.03 and the minutes are kept Organisation.review_record_retention_years years."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qms.models import Organisation
from qms.tests.factories import UserFactory
from qms.workdays import add_years
from reviews import services
from reviews.models import ConsolidatedReport, Minutes, RetainedRecordError
from reviews.tests.factories import preparing_review, signed_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def report(unit, secretary):
    return services.consolidated_report_generate(review=preparing_review(units=[unit]), actor=secretary)


@pytest.fixture
def minutes(unit, secretary, committee_head):
    return signed_review(units=[unit], secretary=secretary, committee_head=committee_head)[1]


def test_a_report_is_kept_for_the_organisations_retention_period(report):
    assert report.retained_until() == add_years(timezone.localdate(), 2)
    with pytest.raises(RetainedRecordError):
        report.delete()
    assert ConsolidatedReport.objects.filter(pk=report.pk).exists()


def test_signed_minutes_are_kept_from_their_signature(minutes):
    with pytest.raises(RetainedRecordError):
        minutes.delete()
    assert Minutes.objects.filter(pk=minutes.pk).exists()


def test_the_retention_period_follows_the_setting(report):
    Organisation.objects.filter(pk=report.review.organisation_id).update(review_record_retention_years=5)
    report.review.refresh_from_db()
    assert report.retained_until().year == timezone.localdate().year + 5


def test_a_record_past_its_retention_period_may_be_deleted(report):
    ConsolidatedReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(days=3 * 366))
    report.refresh_from_db()
    assert not report.is_retained()
    report.delete()
    assert not ConsolidatedReport.objects.filter(pk=report.pk).exists()


def test_the_app_has_no_delete_page_for_reports_or_minutes(minutes):
    for name in ("reviews:minutes_delete", "reviews:consolidated_delete"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[minutes.pk])


@pytest.mark.parametrize("model", [ConsolidatedReport, Minutes])
def test_django_admin_refuses_deletion_while_retained(client, admin_user, report, minutes, model):
    obj = report if model is ConsolidatedReport else minutes
    model_admin = site._registry[model]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert model_admin.has_delete_permission(request, obj) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    client.force_login(admin_user)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert model.objects.filter(pk=obj.pk).exists()


def test_admin_bulk_deletion_skips_retained_records(admin_user, report):
    model_admin = site._registry[ConsolidatedReport]
    request = RequestFactory().post("/")
    request.user = admin_user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    model_admin.delete_queryset(request, ConsolidatedReport.objects.all())
    assert ConsolidatedReport.objects.filter(pk=report.pk).exists()


def test_bm_ctcl_02_minutes_are_kept_three_years_and_bm_ht_06_04_two(minutes):
    """QT.CTCL §7 keeps BM.CTCL.02 three years; QT.HT.06 §VII keeps BM.HT.06.03/.04 two."""
    signed = timezone.localtime(minutes.signed_at).date()
    assert minutes.form_code == "BM.HT.06.04" and minutes.retained_until() == add_years(signed, 2)
    Minutes.objects.filter(pk=minutes.pk).update(form_code="BM.CTCL.02")
    minutes.refresh_from_db()
    assert minutes.retained_until() == add_years(signed, 3)
    # Two and a half years on, BM.CTCL.02 is still kept where BM.HT.06.04 would not be.
    Minutes.objects.filter(pk=minutes.pk).update(signed_at=minutes.signed_at - dt.timedelta(days=915))
    minutes.refresh_from_db()
    with pytest.raises(RetainedRecordError):
        minutes.delete()
    Minutes.objects.filter(pk=minutes.pk).update(form_code="BM.HT.06.04")
    minutes.refresh_from_db()
    assert not minutes.is_retained()


def test_the_bm_ctcl_02_retention_follows_its_own_setting(minutes):
    Minutes.objects.filter(pk=minutes.pk).update(form_code="BM.CTCL.02")
    Organisation.objects.filter(pk=minutes.organisation_id).update(ctcl_minutes_retention_years=5, review_record_retention_years=1)
    minutes = Minutes.objects.select_related("review__organisation").get(pk=minutes.pk)
    assert minutes.retained_until().year == timezone.localtime(minutes.signed_at).year + 5
