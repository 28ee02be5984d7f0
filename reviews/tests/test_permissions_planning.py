"""Permission matrix of the plan, notice and unit-report URLs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import ReportAttachment, ReviewStatus, UnitReportStatus
from reviews.tests.factories import ReviewFactory, collecting_review, filled_sections, local_datetime

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]

# (url name, method, target) -> expected status for each role in ROLES order
MATRIX = {
    ("list", "get", None): (302, 200, 200, 200, 200, 200, 200),
    ("plan_create", "get", None): (302, 200, 403, 403, 403, 403, 403),
    ("plan_create", "post", None): (302, 200, 403, 403, 403, 403, 403),  # empty form: re-rendered with errors
    ("detail", "get", "collecting"): (302, 200, 200, 200, 200, 200, 200),
    ("detail", "get", "draft"): (302, 200, 404, 404, 404, 404, 404),
    ("detail", "get", "pending"): (302, 200, 200, 404, 404, 404, 404),
    ("plan_edit", "get", "draft"): (302, 200, 403, 403, 403, 403, 403),
    ("plan_edit", "post", "draft"): (302, 200, 403, 403, 403, 403, 403),
    ("plan_submit", "post", "draft"): (302, 302, 403, 403, 403, 403, 403),
    ("plan_submit", "get", "draft"): (302, 405, 403, 403, 403, 403, 403),
    ("plan_approve", "post", "pending"): (302, 403, 302, 403, 403, 403, 403),
    ("plan_approve", "get", "pending"): (302, 403, 405, 403, 403, 403, 403),
    ("plan_return", "post", "pending"): (302, 403, 302, 403, 403, 403, 403),
    ("plan_return", "get", "pending"): (302, 403, 405, 403, 403, 403, 403),
    ("plan_reopen", "post", "approved"): (302, 302, 403, 403, 403, 403, 403),
    ("plan_reopen", "get", "approved"): (302, 405, 403, 403, 403, 403, 403),
    ("notice_issue", "post", "approved"): (302, 302, 403, 403, 403, 403, 403),
    ("notice_issue", "get", "approved"): (302, 405, 403, 403, 403, 403, 403),
    ("board", "get", "collecting"): (302, 200, 403, 403, 403, 403, 403),
    ("collection_close", "post", "collecting"): (302, 302, 403, 403, 403, 403, 403),
    ("collection_close", "get", "collecting"): (302, 405, 403, 403, 403, 403, 403),
    ("report_detail", "get", "submitted_report"): (302, 200, 200, 200, 200, 404, 200),
    ("report_detail", "get", "other_units_open_report"): (302, 404, 404, 404, 404, 200, 404),
    ("report_edit", "get", "draft_report"): (302, 403, 403, 403, 200, 404, 200),
    ("report_edit", "post", "draft_report"): (302, 403, 403, 403, 302, 404, 302),
    ("report_return", "post", "submitted_report"): (302, 302, 403, 403, 403, 403, 403),
    ("report_return", "get", "submitted_report"): (302, 405, 403, 403, 403, 403, 403),
    ("attachment_download", "get", "submitted_attachment"): (302, 200, 200, 200, 200, 404, 200),
    ("attachment_delete", "post", "draft_attachment"): (302, 403, 403, 403, 302, 404, 302),
    ("attachment_delete", "get", "draft_attachment"): (302, 403, 403, 403, 405, 405, 405),
}
COVERED_URL_NAMES = sorted({name for name, _method, _target in MATRIX})


@pytest.fixture
def targets(unit, other_unit, role_users):
    meeting = local_datetime(timezone.localdate() + dt.timedelta(days=30), 8)
    submitted = collecting_review(units=[unit, other_unit])
    drafting = collecting_review(units=[unit])
    submitted_report = submitted.unit_reports.get(unit=unit)
    submitted_report.status, submitted_report.submitted_at = UnitReportStatus.SUBMITTED, timezone.now()
    submitted_report.save()
    draft_report = drafting.unit_reports.get()
    draft_report.status = UnitReportStatus.DRAFT
    draft_report.save()
    uploader = role_users["unit_head"]
    attachment = lambda report: ReportAttachment.objects.create(  # noqa: E731
        report=report, file=f"reviews/{report.pk}.pdf", original_name="minh-chung.pdf", size=8, uploaded_by=uploader
    )
    submitted_attachment = attachment(submitted_report)
    from django.core.files.base import ContentFile

    submitted_attachment.file.save("minh-chung.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return {
        "collecting": submitted,
        "draft": ReviewFactory(units=[unit, other_unit]),
        "pending": ReviewFactory(units=[unit], status=ReviewStatus.PENDING_APPROVAL),
        "approved": ReviewFactory(
            units=[unit], status=ReviewStatus.APPROVED, meeting_start=meeting, meeting_end=meeting + dt.timedelta(hours=2)
        ),
        "submitted_report": submitted_report,
        "other_units_open_report": submitted.unit_reports.get(unit=other_unit),
        "draft_report": draft_report,
        "submitted_attachment": submitted_attachment,
        "draft_attachment": attachment(draft_report),
    }


def _payload(name: str, target) -> dict:
    if name in {"plan_approve", "plan_return", "report_return"}:
        return {"comment": "Ý kiến"}
    if name == "report_edit":
        return {**filled_sections(), "version": target.version, "draft": "1"}
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "target"), sorted(MATRIX, key=str))
def test_part_one_urls_answer_each_role_with_the_expected_status(client, role_users, targets, role, name, method, target):
    if role != "anonymous":
        client.force_login(role_users[role])
    obj = targets[target] if target else None
    url = reverse(f"reviews:{name}", args=[obj.pk] if obj is not None else [])
    response = client.post(url, _payload(name, obj)) if method == "post" else client.get(url)
    expected = MATRIX[(name, method, target)][ROLES.index(role)]
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
