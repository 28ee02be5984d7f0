"""Step 5: the consolidated report BM.HT.06.03."""

import datetime as dt

import pytest
from django.urls import reverse

from qms.errors import ServiceError, StaleEditError
from qms.models import AuditEntry
from reviews import services
from reviews.models import ConsolidatedReport, ConsolidatedReportStatus, ReviewStatus, UnitReportStatus
from reviews.tests.factories import collecting_review, local_datetime, preparing_review, signed_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(unit, other_unit):
    return preparing_review(
        units=[unit, other_unit],
        sections={
            unit.pk: {"s2_policy_objectives": "Đạt 90% mục tiêu."},
            other_unit.pk: {"s2_policy_objectives": "Đạt 80% mục tiêu.", "s6_resources": "Thiếu máy tính."},
        },
    )


def test_generation_groups_each_section_by_unit_from_the_submitted_reports(review, secretary, unit, other_unit):
    report = services.consolidated_report_generate(review=review, actor=secretary)
    # Section 2 opens with the objectives roll-up (objectives app), then the units' own text.
    assert report.s2_policy_objectives.endswith(f"\n\n{unit.name}:\nĐạt 90% mục tiêu.\n\n{other_unit.name}:\nĐạt 80% mục tiêu.")
    assert report.s6_resources == f"{other_unit.name}:\nThiếu máy tính."
    assert AuditEntry.objects.filter(object_id=report.pk, action="Tạo báo cáo tổng hợp").exists()


def test_a_report_not_submitted_is_left_out(review, secretary, other_unit):
    review.unit_reports.filter(unit=other_unit).update(status=UnitReportStatus.RETURNED)
    report = services.consolidated_report_generate(review=review, actor=secretary)
    assert "80%" not in report.s2_policy_objectives


def test_section_one_opens_with_the_status_of_the_previous_reviews_actions(secretary, committee_head, unit, other_unit):
    due = dt.date.today() + dt.timedelta(days=30)
    old, _minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        meeting_start=local_datetime(dt.date.today() - dt.timedelta(days=200)),
        actions=[("Rà soát quy trình QT.HT.03", unit, due)],
    )
    new = preparing_review(units=[unit, other_unit])
    report = services.consolidated_report_generate(review=new, actor=secretary)
    assert report.s1_general.startswith("Tình trạng các hành động từ cuộc họp xem xét trước")
    assert "Rà soát quy trình QT.HT.03" in report.s1_general and "Chưa thực hiện" in report.s1_general


def test_a_preview_is_allowed_while_collecting_but_not_before_the_notice(secretary, unit):
    collecting = collecting_review(units=[unit])
    assert services.consolidated_report_generate(review=collecting, actor=secretary).pk
    collecting.status = ReviewStatus.APPROVED
    collecting.save()
    with pytest.raises(ServiceError):
        services.consolidated_report_generate(review=collecting, actor=secretary, regenerate=True)


def test_generating_twice_needs_the_explicit_regenerate_request(review, secretary):
    report = services.consolidated_report_generate(review=review, actor=secretary)
    services.consolidated_report_save(
        report=report, actor=secretary, version=report.version, data={"s1_general": "Bản biên tập của thư ký"}
    )
    with pytest.raises(ServiceError):
        services.consolidated_report_generate(review=review, actor=secretary)
    assert ConsolidatedReport.objects.get(pk=report.pk).s1_general == "Bản biên tập của thư ký"
    again = services.consolidated_report_generate(review=review, actor=secretary, regenerate=True)
    assert again.s1_general != "Bản biên tập của thư ký"


@pytest.mark.parametrize("role", ["committee_head", "committee_member", "unit_head", "staff"])
def test_only_the_secretary_generates_saves_and_finalises(review, secretary, role_users, role):
    with pytest.raises(ServiceError):
        services.consolidated_report_generate(review=review, actor=role_users[role])
    report = services.consolidated_report_generate(review=review, actor=secretary)
    with pytest.raises(ServiceError):
        services.consolidated_report_save(report=report, actor=role_users[role], version=report.version, data={})
    with pytest.raises(ServiceError):
        services.consolidated_report_finalise(report=report, actor=role_users[role])


def test_a_stale_save_is_refused_and_overwrites_nothing(review, secretary):
    report = services.consolidated_report_generate(review=review, actor=secretary)
    loaded = report.version
    services.consolidated_report_save(report=report, actor=secretary, version=loaded, data={"s1_general": "Người thứ nhất"})
    with pytest.raises(StaleEditError):
        services.consolidated_report_save(report=report, actor=secretary, version=loaded, data={"s1_general": "Người thứ hai"})
    assert ConsolidatedReport.objects.get(pk=report.pk).s1_general == "Người thứ nhất"


def test_two_users_edit_the_form_at_once_the_second_is_refused_and_keeps_their_text(client, review, secretary):
    report = services.consolidated_report_generate(review=review, actor=secretary)
    url = reverse("reviews:consolidated_edit", args=[review.pk])
    client.force_login(secretary)
    first_version = client.get(url).context["form"].initial["version"]
    second_version = client.get(url).context["form"].initial["version"]
    assert client.post(url, {"version": first_version, "s1_general": "Văn bản của người thứ nhất"}).status_code == 302
    response = client.post(url, {"version": second_version, "s1_general": "Văn bản của người thứ hai"})
    assert response.status_code == 200
    assert "Báo cáo đã được người khác sửa" in response.content.decode()
    assert "Văn bản của người thứ hai" in response.content.decode()
    assert ConsolidatedReport.objects.get(pk=report.pk).s1_general == "Văn bản của người thứ nhất"


def test_finalising_locks_the_report(review, secretary):
    report = services.consolidated_report_generate(review=review, actor=secretary)
    services.consolidated_report_finalise(report=report, actor=secretary)
    report.refresh_from_db()
    assert report.status == ConsolidatedReportStatus.FINAL and report.finalised_at
    with pytest.raises(ServiceError):
        services.consolidated_report_save(report=report, actor=secretary, version=report.version, data={})
    with pytest.raises(ServiceError):
        services.consolidated_report_finalise(report=report, actor=secretary)
    with pytest.raises(ServiceError):
        services.consolidated_report_generate(review=review, actor=secretary, regenerate=True)


def test_the_preview_cannot_be_finalised_before_collection_closes(secretary, unit):
    review = collecting_review(units=[unit])
    report = services.consolidated_report_generate(review=review, actor=secretary)
    with pytest.raises(ServiceError):
        services.consolidated_report_finalise(report=report, actor=secretary)


def test_the_report_page_shows_the_sections_and_the_audit_trail(client, review, secretary, committee_member):
    services.consolidated_report_generate(review=review, actor=secretary)
    client.force_login(committee_member)
    response = client.get(reverse("reviews:consolidated_detail", args=[review.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "Đạt 90% mục tiêu." in body and 'id="audit-trail"' in body
