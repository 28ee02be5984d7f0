"""Migration 0010 reads each existing report's first submission from its audit trail and judges its lateness
again on it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reviews.tests.factories import local_datetime

BEFORE = [("reviews", "0009_overseer_role_permissions"), ("qms", "0006_organisation_required")]
AFTER = [("reviews", "0010_first_submission_and_consolidated_sources")]


@pytest.mark.django_db(transaction=True)
def test_the_first_submission_is_read_from_the_audit_trail_and_a_late_resubmission_is_no_longer_late(restore_roles, today):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Organisation, Unit, User = (apps.get_model("qms", m) for m in ("Organisation", "Unit", "User"))
    Review, UnitReport = apps.get_model("reviews", "Review"), apps.get_model("reviews", "UnitReport")
    AuditEntry, ContentType = apps.get_model("qms", "AuditEntry"), apps.get_model("contenttypes", "ContentType")
    organisation = Organisation.objects.create(code="migration-17", name="Cơ quan thử")
    author = User.objects.create(username="thu-ky-17", organisation=organisation)
    deadline = today + dt.timedelta(days=5)
    review = Review.objects.create(
        organisation=organisation,
        year=today.year,
        title="Họp thử",
        status="collecting",
        meeting_start=local_datetime(deadline + dt.timedelta(days=7)),
        location="Phòng họp",
        report_deadline=deadline,
        created_by=author,
    )
    in_time, after = local_datetime(deadline - dt.timedelta(days=1)), local_datetime(deadline + dt.timedelta(days=2))
    resubmitted = UnitReport.objects.create(
        review=review,
        unit=Unit.objects.create(organisation=organisation, name="A", code="a"),
        status="submitted",
        submitted_at=after,
        is_late=True,
    )
    content_type, _created = ContentType.objects.get_or_create(app_label="reviews", model="unitreport")
    for at, state in ((in_time, "submitted"), (in_time, "returned"), (after, "submitted")):
        AuditEntry.objects.create(content_type=content_type, object_id=resubmitted.pk, at=at, action="x", to_state=state)
    late = UnitReport.objects.create(
        review=review,
        unit=Unit.objects.create(organisation=organisation, name="B", code="b"),
        status="submitted",
        submitted_at=after,
        is_late=True,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    UnitReport = apps.get_model("reviews", "UnitReport")
    resubmitted, late = UnitReport.objects.get(pk=resubmitted.pk), UnitReport.objects.get(pk=late.pk)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # the schema the next tests expect
    assert (resubmitted.first_submitted_at, resubmitted.is_late) == (in_time, False)
    assert (late.first_submitted_at, late.is_late) == (after, True)
