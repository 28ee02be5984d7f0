"""Step 5: the consolidated report BM.HT.06.03."""

import datetime as dt

import pytest
from django.urls import reverse

from qms.errors import ServiceError, StaleEditError
from qms.models import AuditEntry
from reviews import selectors, services
from reviews.models import SECTION_FIELDS, ConsolidatedReport, ConsolidatedReportStatus, ReviewStatus, UnitReportStatus
from reviews.tests.factories import collecting_review, filled_sections, local_datetime, preparing_review, signed_review

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


# --- A consolidated report built from another set of submitted reports is stale ---


def _submit(report, head, **sections):
    report.refresh_from_db()
    data = {**filled_sections(report.unit.name), **sections}
    services.unit_report_save(report=report, actor=head, data=data, version=report.version, submit=True)


def _save_sections(report, secretary, **edits):
    report.refresh_from_db()
    data = {name: getattr(report, name) for name in SECTION_FIELDS} | edits
    services.consolidated_report_save(report=report, actor=secretary, version=report.version, data=data)


@pytest.fixture
def collecting(unit, other_unit):
    return collecting_review(units=[unit, other_unit])


def test_a_preview_built_before_a_unit_submits_is_shown_as_stale_with_a_rebuild_button(
    client, collecting, secretary, unit, other_unit, unit_head, other_unit_head
):
    _submit(collecting.unit_reports.get(unit=unit), unit_head)
    report = services.consolidated_report_generate(review=collecting, actor=secretary)
    assert selectors.consolidated_staleness(report) is None
    client.force_login(secretary)
    page = client.get(reverse("reviews:consolidated_detail", args=[collecting.pk])).content.decode()
    assert 'data-testid="consolidated-stale"' not in page

    _submit(collecting.unit_reports.get(unit=other_unit), other_unit_head)

    staleness = selectors.consolidated_staleness(report)
    assert staleness is not None and (staleness.built_from, staleness.submitted, staleness.added) == (1, 2, [other_unit.name])
    rebuild = reverse("reviews:consolidated_rebuild", args=[collecting.pk])
    for url in (reverse("reviews:consolidated_detail", args=[collecting.pk]), reverse("reviews:detail", args=[collecting.pk])):
        page = client.get(url).content.decode()
        assert "Báo cáo tổng hợp được lập từ 1 báo cáo đơn vị đã nộp; hiện có 2 báo cáo đã nộp và có thay đổi" in page
        assert other_unit.name in page and f'action="{rebuild}"' in page


def test_a_return_and_a_resubmission_after_the_build_make_the_report_stale(
    collecting, secretary, unit, other_unit, unit_head, other_unit_head
):
    _submit(collecting.unit_reports.get(unit=unit), unit_head)
    _submit(collecting.unit_reports.get(unit=other_unit), other_unit_head)
    report = services.consolidated_report_generate(review=collecting, actor=secretary)
    returned = collecting.unit_reports.get(unit=other_unit)
    services.unit_report_return(report=returned, actor=secretary, comment="Bổ sung mục 6")
    assert selectors.consolidated_staleness(report).withdrawn == [other_unit.name]

    _submit(returned, other_unit_head, s6_resources="Cần thêm một máy chủ.")

    assert selectors.consolidated_staleness(report).resubmitted == [other_unit.name]
    services.consolidated_report_rebuild(report=report, actor=secretary)
    assert selectors.consolidated_staleness(report) is None


def test_rebuilding_keeps_edited_sections_whose_inputs_did_not_change_and_replaces_the_changed_ones(
    client, collecting, secretary, unit, other_unit, unit_head, other_unit_head
):
    _submit(collecting.unit_reports.get(unit=unit), unit_head)
    _submit(collecting.unit_reports.get(unit=other_unit), other_unit_head)
    report = services.consolidated_report_generate(review=collecting, actor=secretary)
    generated_s1 = report.s1_general
    _save_sections(report, secretary, s4_feedback="Thư ký viết lại mục 4", s7_changes="Thư ký viết lại mục 7")
    returned = collecting.unit_reports.get(unit=other_unit)
    services.unit_report_return(report=returned, actor=secretary, comment="Bổ sung mục 6 và 7")
    _submit(returned, other_unit_head, s6_resources="Cần thêm một máy chủ.", s7_changes="Sáp nhập phòng Tổng hợp.")

    client.force_login(secretary)
    response = client.post(reverse("reviews:consolidated_rebuild", args=[collecting.pk]), follow=True)

    report.refresh_from_db()
    assert report.s4_feedback == "Thư ký viết lại mục 4"  # edited, its reports unchanged: kept
    assert report.s1_general == generated_s1  # neither edited nor changed
    assert "Cần thêm một máy chủ." in report.s6_resources  # not edited, changed: rebuilt
    assert "Sáp nhập phòng Tổng hợp." in report.s7_changes and "Thư ký viết lại mục 7" not in report.s7_changes
    assert selectors.consolidated_staleness(report) is None
    page = response.content.decode()
    assert "Giữ nội dung đã biên tập ở mục 4." in page and "Mục 7 đã được biên tập" in page
    note = AuditEntry.objects.get(object_id=report.pk, action="Lập lại báo cáo tổng hợp từ các báo cáo đã nộp").note
    assert "Thư ký viết lại mục 7" in note  # the replaced edit is not lost


def test_closing_the_collection_rebuilds_a_stale_preview_keeping_edits_whose_inputs_did_not_change(
    client, collecting, secretary, unit, other_unit, unit_head, other_unit_head
):
    _submit(collecting.unit_reports.get(unit=unit), unit_head)
    returned = collecting.unit_reports.get(unit=other_unit)
    _submit(returned, other_unit_head)
    report = services.consolidated_report_generate(review=collecting, actor=secretary)
    _save_sections(report, secretary, s4_feedback="Thư ký viết lại mục 4")
    services.unit_report_return(report=returned, actor=secretary, comment="Bổ sung mục 2")
    _submit(returned, other_unit_head, s2_policy_objectives="Đạt 70% mục tiêu.")

    client.force_login(secretary)
    response = client.post(reverse("reviews:collection_close", args=[collecting.pk]), follow=True)

    report.refresh_from_db()
    assert "Đạt 70% mục tiêu." in report.s2_policy_objectives and report.s4_feedback == "Thư ký viết lại mục 4"
    assert selectors.consolidated_staleness(report) is None
    assert AuditEntry.objects.filter(object_id=report.pk, action="Lập lại báo cáo tổng hợp khi đóng thu báo cáo").exists()
    assert "đã được lập lại từ các báo cáo đã nộp" in response.content.decode()


def test_closing_the_collection_leaves_a_preview_whose_edits_a_rebuild_would_replace_and_says_it_is_stale(
    client, collecting, secretary, unit, other_unit, unit_head, other_unit_head
):
    _submit(collecting.unit_reports.get(unit=unit), unit_head)
    report = services.consolidated_report_generate(review=collecting, actor=secretary)
    _save_sections(report, secretary, s4_feedback="Thư ký viết lại mục 4")
    _submit(collecting.unit_reports.get(unit=other_unit), other_unit_head)  # every section gains its block

    client.force_login(secretary)
    response = client.post(reverse("reviews:collection_close", args=[collecting.pk]), follow=True)

    report.refresh_from_db()
    assert report.s4_feedback == "Thư ký viết lại mục 4" and len(report.sources) == 1
    page = response.content.decode()
    assert "chưa cập nhật theo các báo cáo đã nộp" in page and 'data-testid="consolidated-stale"' in page


def test_a_final_report_is_never_rebuilt_nor_shown_as_stale(client, review, secretary):
    report = services.consolidated_report_generate(review=review, actor=secretary)
    services.consolidated_report_finalise(report=report, actor=secretary)
    ConsolidatedReport.objects.filter(pk=report.pk).update(sources={})  # as if built before the units submitted
    report.refresh_from_db()
    before = [getattr(report, name) for name in SECTION_FIELDS]

    with pytest.raises(ServiceError):
        services.consolidated_report_rebuild(report=report, actor=secretary)
    client.force_login(secretary)
    response = client.post(reverse("reviews:consolidated_rebuild", args=[review.pk]), follow=True)

    report.refresh_from_db()
    assert [getattr(report, name) for name in SECTION_FIELDS] == before and report.is_final
    assert selectors.consolidated_staleness(report) is None
    page = response.content.decode()
    assert 'data-testid="consolidated-stale"' not in page and "không thể tạo lại" in page
