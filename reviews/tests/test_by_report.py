"""The review by report (QT.CTCL 5.8.2), end to end through the services: the report pre-filled and
approved (5.8.2.1), the comment round and its reminder, the result notice with every output of 5.8.1.2,
approved, numbered and sent to the units (5.8.2.2), its actions followed up and fed to the next review."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from corrective_actions.tests.factories import TicketFactory
from qms.errors import NotAllowed, ServiceError
from qms.models import Notification, SentReminder
from qms.roles import Role
from qms.tests.factories import UnitFactory, UserFactory
from qms.workdays import add_working_days, add_years, previous_working_day
from reviews import services as review_services
from reviews.models import (
    ActionStatus,
    ByReportComment,
    ResultNoticeStatus,
    RetainedRecordError,
    Review,
    ReviewAction,
    ReviewStatus,
    UnitReportStatus,
)
from reviews.reminders_by_report import comment_reminders_sweep
from reviews.selectors import previous_actions_summary
from reviews.services import by_report as services
from reviews.tests.by_report_data import (
    FILLED_INPUTS,
    NOTICE_CONTENT,
    approved,
    approved_notice,
    drafted,
    drafted_notice,
    filled,
    notice_rows,
    submitted,
)
from reviews.tests.factories import collecting_review, signed_review
from reviews.yearly import year_has_held_review

pytestmark = pytest.mark.django_db


def subjects(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("subject", flat=True))


# --- 5.8.2.1: the report ---


def test_the_report_is_prefilled_with_the_previous_actions_the_tickets_the_objectives_and_a_unit_round(
    secretary, committee_head, unit, unit_head
):
    due = timezone.localdate() + dt.timedelta(days=20)
    signed_review(units=[unit], secretary=secretary, committee_head=committee_head, actions=[("Cập nhật sổ tay chất lượng", unit, due)])
    TicketFactory(organisation=secretary.organisation, requesting_unit=unit)
    round_ = collecting_review(units=[unit])
    round_.unit_reports.update(status=UnitReportStatus.SUBMITTED, s4_feedback="Người dân hài lòng với thủ tục cấp phép.")

    review = drafted(secretary)

    report = review.by_report
    assert review.kind == Review.Kind.BY_REPORT and review.status == ReviewStatus.DRAFT
    assert "Cập nhật sổ tay chất lượng" in report.in_previous_actions
    assert report.in_nonconformities.strip()  # the tickets summary of the period
    assert report.in_objectives.strip()  # the objectives roll-up ("chưa có MTCL … được phê duyệt" when none)
    assert "Người dân hài lòng với thủ tục cấp phép." in report.in_satisfaction
    assert "Văn phòng" in report.unit_reports_summary


def test_a_unit_that_reported_in_two_unheld_rounds_is_prefilled_once_with_its_latest_report(secretary, unit):
    for text in ("Báo cáo của đợt thứ nhất.", "Báo cáo của đợt thứ hai."):
        round_ = collecting_review(units=[unit])
        round_.unit_reports.update(status=UnitReportStatus.SUBMITTED, s7_changes=text)

    report = drafted(secretary).by_report

    assert "Báo cáo của đợt thứ hai." in report.in_context and "Báo cáo của đợt thứ nhất." not in report.in_context
    assert report.unit_reports_summary.count(unit.name) == 1


def test_the_report_is_prefilled_with_the_risk_tables(secretary, unit, unit_head):
    from risks.models import Impact, Level
    from risks.tests.factories import RiskFactory

    RiskFactory(
        organisation=secretary.organisation,
        unit=None,
        number=1,
        description="Không tổ chức họp xem xét của lãnh đạo",
        impact=Impact.MAJOR,
        level=Level.HIGH,
        created_by=unit_head,
    )
    RiskFactory(organisation=secretary.organisation, unit=unit, number=1, description="Nộp báo cáo chậm", created_by=unit_head)

    lines = drafted(secretary).by_report.in_risks.splitlines()

    assert lines[0].startswith("Bảng phân tích rủi ro (2 bảng, 2 dòng)")
    assert "- Cơ quan — 01. Không tổ chức họp xem xét của lãnh đạo" in lines


def test_the_report_is_refused_for_approval_while_an_input_is_blank(secretary):
    review = drafted(secretary)
    report = review.by_report
    services.by_report_save(report=report, actor=secretary, version=report.version, data={"in_previous_actions": "Có"})
    with pytest.raises(ServiceError, match="Sự đầy đủ của nguồn lực"):
        services.by_report_submit(report=report, actor=secretary)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


@pytest.mark.parametrize("who", ["committee_head", "top_leader", "committee_member", "unit_head"])
def test_only_the_secretary_drafts_and_submits_the_report(request, secretary, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.by_report_create(actor=actor, title="Xem xét", year=timezone.localdate().year)
    review = filled(secretary)
    with pytest.raises(NotAllowed):
        services.by_report_save(report=review.by_report, actor=actor, version=review.by_report.version, data={})
    with pytest.raises(NotAllowed):
        services.by_report_submit(report=review.by_report, actor=actor)


@pytest.mark.parametrize("who", ["secretary", "top_leader", "committee_member", "unit_head"])
def test_only_the_committee_head_approves_or_returns_the_report(request, secretary, who):
    actor = request.getfixturevalue(who)
    review = submitted(secretary)
    with pytest.raises(NotAllowed):
        services.by_report_approve(report=review.by_report, actor=actor)
    with pytest.raises(NotAllowed):
        services.by_report_return(report=review.by_report, actor=actor, comment="Sửa")
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING_APPROVAL


def test_the_report_moves_only_from_the_states_its_table_allows(secretary, committee_head):
    review = filled(secretary)
    with pytest.raises(ServiceError):  # not yet submitted
        services.by_report_approve(report=review.by_report, actor=committee_head)
    services.by_report_submit(report=review.by_report, actor=secretary)
    with pytest.raises(ServiceError):  # already submitted
        services.by_report_submit(report=review.by_report, actor=secretary)
    with pytest.raises(ServiceError):  # submitted: no longer editable
        services.by_report_save(report=review.by_report, actor=secretary, version=review.by_report.version, data={})
    with pytest.raises(ServiceError):  # the notice only once the report is approved
        services.result_notice_create(review=review, actor=secretary)


def test_the_committee_head_returns_the_report_with_a_comment_and_the_secretary_resubmits(secretary, committee_head):
    review = submitted(secretary)
    with pytest.raises(ServiceError, match="lý do"):
        services.by_report_return(report=review.by_report, actor=committee_head, comment="  ")
    services.by_report_return(report=review.by_report, actor=committee_head, comment="Bổ sung kết quả đánh giá nội bộ.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.RETURNED
    assert review.by_report.head_comment == "Bổ sung kết quả đánh giá nội bộ."
    assert any("bị trả lại" in s for s in subjects(secretary))
    report = review.by_report
    services.by_report_save(report=report, actor=secretary, version=report.version, data=FILLED_INPUTS)
    services.by_report_submit(report=report, actor=secretary)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING_APPROVAL


def test_the_plan_and_minutes_services_refuse_a_review_by_report(secretary):
    review = filled(secretary)
    with pytest.raises(ServiceError, match="5.8.2"):
        review_services.review_plan_submit(review=review, actor=secretary)
    with pytest.raises(ServiceError, match="5.8.2"):
        review_services.review_plan_create(actor=secretary, data={"kind": Review.Kind.BY_REPORT})


def test_another_agencys_secretary_is_refused(secretary, other_organisation):
    review = filled(secretary)
    stranger = UserFactory(username="thuky2", organisation=other_organisation, unit=None, roles=[Role.SECRETARY])
    with pytest.raises(NotAllowed):
        services.by_report_submit(report=review.by_report, actor=stranger)


# --- The comment round ---


def test_the_approved_report_goes_to_the_top_leader_and_every_member_with_a_working_day_deadline(
    secretary, committee_head, committee_member, top_leader, today
):
    review = approved(secretary, committee_head, working_days=5)
    report = review.by_report
    assert review.status == ReviewStatus.APPROVED
    assert report.comment_deadline == add_working_days(today, 5, review.organisation_id)
    assert set(report.comments.values_list("reviewer", flat=True)) == {top_leader.pk, committee_member.pk}
    assert any("Đề nghị cho ý kiến" in s for s in subjects(top_leader))
    assert any("Đề nghị cho ý kiến" in s for s in subjects(committee_member))


def test_the_comment_deadline_must_be_between_1_and_30_working_days(secretary, committee_head):
    review = submitted(secretary)
    with pytest.raises(ServiceError, match="ngày làm việc"):
        services.by_report_approve(report=review.by_report, actor=committee_head, working_days=0)


def test_only_those_asked_comment_and_the_secretary_sees_who_has_answered(
    client, secretary, committee_head, committee_member, top_leader, unit_head
):
    review = approved(secretary, committee_head)
    report = review.by_report
    services.by_report_comment(report=report, actor=committee_member, text="Nhất trí, đề nghị bổ sung kế hoạch đào tạo.")
    with pytest.raises(NotAllowed):
        services.by_report_comment(report=report, actor=unit_head, text="Ý kiến")
    with pytest.raises(NotAllowed):
        services.by_report_comment(report=report, actor=secretary, text="Ý kiến")
    with pytest.raises(ServiceError):
        services.by_report_comment(report=report, actor=top_leader, text="   ")
    client.force_login(secretary)
    page = client.get(reverse("reviews:by_report", args=[review.pk])).content.decode()
    assert "Nhất trí, đề nghị bổ sung kế hoạch đào tạo." in page
    assert "Chưa có ý kiến" in page  # the top leader has not answered
    assert "1/2 người đã cho ý kiến." in page


def test_the_comment_round_closes_when_the_notice_goes_to_the_committee_head(secretary, committee_head, committee_member, top_leader, unit):
    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)
    services.result_notice_submit(notice=notice, actor=secretary)
    with pytest.raises(ServiceError, match="kết thúc lấy ý kiến"):
        services.by_report_comment(report=review.by_report, actor=top_leader, text="Muộn")


def test_each_person_who_has_not_answered_is_reminded_once_from_the_working_day_before_the_deadline(
    secretary, committee_head, committee_member, top_leader, travel
):
    review = approved(secretary, committee_head, working_days=5)
    report = review.by_report
    services.by_report_comment(report=report, actor=committee_member, text="Nhất trí.")
    eve = previous_working_day(report.comment_deadline, review.organisation_id)
    assert comment_reminders_sweep(today=eve - dt.timedelta(days=1)) == 0
    travel(eve)
    assert comment_reminders_sweep(today=eve) == 1
    assert comment_reminders_sweep(today=eve) == 0  # the second sweep sends nothing
    assert comment_reminders_sweep(today=report.comment_deadline + dt.timedelta(days=3)) == 0  # nor a later one
    reminders = [s for s in subjects(top_leader) if s.startswith("Nhắc cho ý kiến")]
    assert len(reminders) == 1
    assert not [s for s in subjects(committee_member) if s.startswith("Nhắc")]
    assert SentReminder.objects.filter(key__startswith=f"review-by-report:{report.pk}:comment:").count() == 1


def test_no_reminder_once_the_round_is_closed(secretary, committee_head, top_leader, committee_member, unit):
    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)
    services.result_notice_submit(notice=notice, actor=secretary)
    assert comment_reminders_sweep(today=review.by_report.comment_deadline) == 0


def test_the_beat_task_runs_the_sweep(secretary, committee_head, top_leader):
    from reviews import tasks

    approved(secretary, committee_head)
    assert tasks.by_report_comment_reminders_sweep() == 0  # today is before the eve of the deadline


# --- 5.8.2.2: the result notice ---


def test_the_notice_is_prefilled_with_the_comments(secretary, committee_head, committee_member, top_leader):
    review = approved(secretary, committee_head)
    services.by_report_comment(report=review.by_report, actor=top_leader, text="Đề nghị tăng cường kiểm soát hồ sơ.")
    notice = services.result_notice_create(review=review, actor=secretary)
    assert "Trịnh Văn Cao" in notice.comments_summary
    assert "Đề nghị tăng cường kiểm soát hồ sơ." in notice.comments_summary
    assert services.result_notice_create(review=review, actor=secretary) == notice  # opened once


@pytest.mark.parametrize("blank", ["outputs_improvement", "outputs_changes", "outputs_resources"])
def test_the_notice_is_refused_while_an_output_heading_is_missing(secretary, committee_head, unit, blank):
    review = approved(secretary, committee_head)
    notice = services.result_notice_create(review=review, actor=secretary)
    content = {**NOTICE_CONTENT, "outputs_improvement": "Không có.", blank: ""}
    services.result_notice_save(notice=notice, actor=secretary, version=notice.version, data=content, actions=[])
    with pytest.raises(ServiceError, match="thiếu"):
        services.result_notice_submit(notice=notice, actor=secretary)
    notice.refresh_from_db()
    assert notice.status == ResultNoticeStatus.DRAFT


def test_an_action_under_a_heading_fills_it(secretary, committee_head, unit):
    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)  # outputs_improvement blank, one improvement action
    assert notice.missing_outputs() == []
    services.result_notice_submit(notice=notice, actor=secretary)
    assert notice.status == ResultNoticeStatus.SUBMITTED


def test_an_action_deadline_in_the_past_is_refused(secretary, committee_head, unit):
    review = approved(secretary, committee_head)
    notice = services.result_notice_create(review=review, actor=secretary)
    with pytest.raises(ServiceError, match="quá khứ"):
        services.result_notice_save(
            notice=notice, actor=secretary, version=notice.version, data=NOTICE_CONTENT, actions=notice_rows(unit, days=-1)
        )


@pytest.mark.parametrize("who", ["committee_head", "top_leader", "committee_member"])
def test_only_the_secretary_drafts_and_submits_the_notice(request, secretary, committee_head, unit, who):
    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.result_notice_save(notice=notice, actor=actor, version=notice.version, data=NOTICE_CONTENT, actions=[])
    with pytest.raises(NotAllowed):
        services.result_notice_submit(notice=notice, actor=actor)


@pytest.mark.parametrize("who", ["secretary", "top_leader", "committee_member"])
def test_only_the_committee_head_forwards_the_notice(request, secretary, committee_head, unit, who):
    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)
    with pytest.raises(ServiceError):  # a draft is not forwarded
        services.result_notice_forward(notice=notice, actor=committee_head)
    services.result_notice_submit(notice=notice, actor=secretary)
    with pytest.raises(NotAllowed):
        services.result_notice_forward(notice=notice, actor=request.getfixturevalue(who))
    with pytest.raises(NotAllowed):  # nor, while it is with the head, returned by anyone else
        services.result_notice_return(notice=notice, actor=request.getfixturevalue(who), comment="Sửa")


@pytest.mark.parametrize("who", ["secretary", "committee_head", "committee_member"])
def test_only_the_top_leader_approves_the_forwarded_notice(request, secretary, committee_head, top_leader, unit, who):
    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)
    services.result_notice_submit(notice=notice, actor=secretary)
    with pytest.raises(ServiceError):  # not yet forwarded
        services.result_notice_approve(notice=notice, actor=top_leader)
    services.result_notice_forward(notice=notice, actor=committee_head)
    with pytest.raises(NotAllowed):
        services.result_notice_approve(notice=notice, actor=request.getfixturevalue(who))
    with pytest.raises(NotAllowed):
        services.result_notice_return(notice=notice, actor=request.getfixturevalue(who), comment="Sửa")
    notice.refresh_from_db()
    assert notice.status == ResultNoticeStatus.FORWARDED


def test_the_committee_head_or_the_top_leader_returns_the_notice_and_the_secretary_resubmits(secretary, committee_head, top_leader, unit):
    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)
    services.result_notice_submit(notice=notice, actor=secretary)
    services.result_notice_return(notice=notice, actor=committee_head, comment="Ghi rõ nguồn kinh phí.")
    assert notice.status == ResultNoticeStatus.RETURNED and notice.return_comment == "Ghi rõ nguồn kinh phí."
    services.result_notice_save(notice=notice, actor=secretary, version=notice.version, data=NOTICE_CONTENT, actions=notice_rows(unit))
    services.result_notice_submit(notice=notice, actor=secretary)
    services.result_notice_forward(notice=notice, actor=committee_head)
    with pytest.raises(ServiceError, match="lý do"):
        services.result_notice_return(notice=notice, actor=top_leader, comment="")
    services.result_notice_return(notice=notice, actor=top_leader, comment="Bổ sung thời hạn.")
    assert notice.status == ResultNoticeStatus.RETURNED
    assert any("bị trả lại" in s for s in subjects(secretary))


def test_the_approved_notice_is_numbered_sent_to_the_units_and_the_review_is_held(
    secretary, committee_head, top_leader, committee_member, unit, unit_head, focal_point, other_unit_head, other_organisation
):
    stranger_unit = UnitFactory(organisation=other_organisation, name="Văn phòng Sở", code="VPS")
    stranger = UserFactory(username="tp-so", organisation=other_organisation, unit=stranger_unit, roles=[Role.UNIT_HEAD])
    review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    assert notice.status == ResultNoticeStatus.APPROVED
    assert notice.number == 1 and notice.number_year == timezone.localdate().year
    assert notice.approved_by == top_leader
    assert review.status == ReviewStatus.SIGNED
    assert year_has_held_review(review.organisation, review.year)
    for person in (unit_head, focal_point, other_unit_head):  # every unit of the agency
        assert any(s.startswith("Thông báo kết quả xem xét của lãnh đạo số 01/TB-BCĐ ISO") for s in subjects(person))
    assert not subjects(stranger)  # another agency's unit


def test_the_result_notice_shares_the_agencys_notice_numbers(secretary, committee_head, top_leader, unit):
    from qms.services import document_number_next

    document_number_next(organisation=secretary.organisation, series=services.NOTICE_SERIES, year=timezone.localdate().year)
    _review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    assert notice.number == 2


def test_the_notices_actions_are_followed_up_like_a_meetings(secretary, committee_head, top_leader, unit, unit_head):
    review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    action = notice.actions.get()
    assert action.minutes is None and action.is_in_force
    assert list(ReviewAction.objects.followed().filter(review=review)) == [action]
    assert action in ReviewAction.objects.visible_to(unit_head)
    review_services.action_progress_record(action=action, actor=unit_head, note="Đang rà soát", progress=40)
    review_services.action_complete(action=action, actor=unit_head, evidence="Quyết định ban hành quy trình sửa đổi")
    action.refresh_from_db()
    review_services.action_evidence_confirm(action=action, actor=secretary)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    review_services.review_close(review=review, actor=secretary)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED


def test_a_unit_does_not_see_the_actions_of_a_notice_not_yet_approved(secretary, committee_head, unit, unit_head):
    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)
    assert not ReviewAction.objects.visible_to(unit_head).filter(result_notice=notice).exists()
    assert not ReviewAction.objects.followed().filter(result_notice=notice).exists()


def test_a_ticket_opens_from_a_notices_action(secretary, committee_head, top_leader, unit):
    _review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    action = notice.actions.get()
    ticket = review_services.review_action_ticket_open(action=action, actor=secretary)
    assert "thông báo kết quả số 01/TB-BCĐ ISO" in ticket.description


def test_the_notices_actions_are_listed_in_the_next_reviews_inputs(secretary, committee_head, top_leader, unit, travel, today):
    review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    travel(today + dt.timedelta(days=3))
    later = drafted(secretary, title="Xem xét lần sau")
    assert "Rà soát, cập nhật quy trình QT.CTCL" in later.by_report.in_previous_actions
    assert review.title in later.by_report.in_previous_actions
    meeting = collecting_review(units=[unit], meeting_start=timezone.now() + dt.timedelta(days=10))
    assert "Rà soát, cập nhật quy trình QT.CTCL" in previous_actions_summary(meeting)


def test_both_documents_are_kept_three_years(secretary, committee_head, top_leader, unit, today):
    review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    report = review.by_report
    assert report.retention_years() == 3 == notice.retention_years()
    assert notice.retained_until() == add_years(today, 3)  # approved today; 29/02 → 28/02 three years on
    with pytest.raises(RetainedRecordError):
        notice.delete()
    with pytest.raises(RetainedRecordError):
        report.delete()


def test_the_review_page_of_a_review_by_report_opens_its_own_page(client, secretary):
    review = drafted(secretary)
    client.force_login(secretary)
    response = client.get(reverse("reviews:detail", args=[review.pk]))
    assert response.status_code == 302 and response.url == reverse("reviews:by_report", args=[review.pk])


# --- Pages ---


def test_the_secretary_runs_the_review_through_the_pages(client, secretary, committee_head, top_leader, committee_member, unit):
    client.force_login(secretary)
    response = client.post(reverse("reviews:by_report_create"), {"title": "Xem xét thông qua báo cáo", "year": timezone.localdate().year})
    review = Review.objects.get(kind=Review.Kind.BY_REPORT)
    assert response.url == reverse("reviews:by_report_edit", args=[review.pk])
    client.post(reverse("reviews:by_report_edit", args=[review.pk]), {"version": review.by_report.version, **FILLED_INPUTS})
    client.post(reverse("reviews:by_report_submit", args=[review.pk]))
    client.force_login(committee_head)
    client.post(reverse("reviews:by_report_approve", args=[review.pk]), {"working_days": 3})
    client.force_login(top_leader)
    client.post(reverse("reviews:by_report_comment", args=[review.pk]), {"text": "Nhất trí với báo cáo."})
    client.force_login(secretary)
    client.post(reverse("reviews:result_notice_create", args=[review.pk]))
    notice = review.result_notice
    due = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    data = {
        "version": notice.version,
        **NOTICE_CONTENT,
        "comments_summary": "Tổng hợp: nhất trí.",
        "act-TOTAL_FORMS": 1,
        "act-INITIAL_FORMS": 0,
        "act-0-description": "Đào tạo chuyên gia đánh giá nội bộ",
        "act-0-responsible_unit": unit.pk,
        "act-0-deadline": due,
        "act-0-output_heading": "improvement",
    }
    response = client.post(reverse("reviews:result_notice_edit", args=[review.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.post(reverse("reviews:result_notice_submit", args=[review.pk]))
    client.force_login(committee_head)
    client.post(reverse("reviews:result_notice_forward", args=[review.pk]))
    client.force_login(top_leader)
    client.post(reverse("reviews:result_notice_approve", args=[review.pk]))
    notice.refresh_from_db()
    review.refresh_from_db()
    assert notice.status == ResultNoticeStatus.APPROVED and review.status == ReviewStatus.SIGNED
    assert notice.actions.get().description == "Đào tạo chuyên gia đánh giá nội bộ"
    assert ByReportComment.objects.get(reviewer=top_leader).text == "Nhất trí với báo cáo."


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_report_page_costs_the_same_queries_for_few_and_many_commenters(client, secretary, committee_head, top_leader):
    one = approved(secretary, committee_head, title="Một người cho ý kiến")
    for i in range(8):
        UserFactory(username=f"tv{i}", unit=secretary.unit, roles=[Role.COMMITTEE_MEMBER])
    many = approved(secretary, committee_head, title="Nhiều người cho ý kiến")
    assert many.by_report.comments.count() == 9 and one.by_report.comments.count() == 1
    client.force_login(secretary)
    _queries(client, reverse("reviews:by_report", args=[one.pk]))  # warm the caches (session, permissions)
    assert _queries(client, reverse("reviews:by_report", args=[one.pk])) == _queries(client, reverse("reviews:by_report", args=[many.pk]))


def test_the_notice_page_costs_the_same_queries_for_few_and_many_actions(client, secretary, committee_head, unit):
    one_review = approved(secretary, committee_head, title="Một hành động")
    drafted_notice(one_review, secretary, unit)
    many_review = approved(secretary, committee_head, title="Nhiều hành động")
    notice = services.result_notice_create(review=many_review, actor=secretary)
    units = [UnitFactory(organisation=secretary.organisation, name=f"Phòng {i}", code=f"P{i}") for i in range(6)]
    rows = [row for u in units for row in notice_rows(u, description=f"Hành động của {u.name}")]
    services.result_notice_save(notice=notice, actor=secretary, version=notice.version, data=NOTICE_CONTENT, actions=rows)
    client.force_login(secretary)
    url_one, url_many = (reverse("reviews:result_notice", args=[r.pk]) for r in (one_review, many_review))
    _queries(client, url_one)
    assert _queries(client, url_one) == _queries(client, url_many)


def test_a_review_by_report_counts_as_the_years_review_for_the_watch_and_the_register(
    secretary, committee_head, top_leader, unit, travel, today
):
    from qms.models import Organisation
    from reviews.reminders import yearly_review_watch
    from reviews.yearly import review_register

    organisation = Organisation.objects.get(pk=secretary.organisation_id)
    review, _notice = approved_notice(secretary, committee_head, top_leader, unit)
    year = review_register(organisation, this_year=today.year)[0]
    assert year.held and year.by_report == [review]
    watch_day = organisation.review_watch_date(today.year)
    assert yearly_review_watch(today=max(today, watch_day)) == 0  # held: no warning


def test_a_review_by_report_not_yet_approved_does_not_count_as_held(secretary, committee_head, unit, today):
    review = approved(secretary, committee_head)
    drafted_notice(review, secretary, unit)
    assert not year_has_held_review(review.organisation, review.year)


def test_the_admin_does_not_delete_them_while_they_are_kept(secretary, committee_head, top_leader, unit, rf):
    from django.contrib.admin.sites import site

    from reviews.models import ResultNotice, ReviewByReport

    review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    request = rf.get("/")
    request.user = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    assert not site._registry[ResultNotice].has_delete_permission(request, notice)
    assert not site._registry[ReviewByReport].has_delete_permission(request, review.by_report)
    assert not site._registry[ResultNotice].has_change_permission(request, notice)


def test_the_review_list_offers_the_review_by_report_and_names_its_state(client, secretary, committee_head):
    drafted(secretary, title="Xem xét qua báo cáo năm nay")
    client.force_login(secretary)
    page = client.get(reverse("reviews:list")).content.decode()
    assert reverse("reviews:by_report_create") in page
    assert "Xem xét qua báo cáo năm nay" in page and "Thư ký ISO đang lập báo cáo" in page
    client.force_login(committee_head)
    assert reverse("reviews:by_report_create") not in client.get(reverse("reviews:list")).content.decode()


def test_the_edit_pages_cost_the_same_queries_for_few_and_many_rows(client, secretary, committee_head, unit):
    one_review = approved(secretary, committee_head, title="Một hành động")
    drafted_notice(one_review, secretary, unit)
    many_review = approved(secretary, committee_head, title="Nhiều hành động")
    notice = services.result_notice_create(review=many_review, actor=secretary)
    units = [UnitFactory(organisation=secretary.organisation, name=f"Phòng {i}", code=f"P{i}") for i in range(6)]
    rows = [row for u in units for row in notice_rows(u, description=f"Hành động của {u.name}")]
    services.result_notice_save(notice=notice, actor=secretary, version=notice.version, data=NOTICE_CONTENT, actions=rows)
    client.force_login(secretary)
    url_one, url_many = (reverse("reviews:result_notice_edit", args=[r.pk]) for r in (one_review, many_review))
    _queries(client, url_one)
    assert _queries(client, url_one) == _queries(client, url_many)


def test_a_notices_action_page_links_to_the_notice_and_the_unit_reports_progress_there(
    client, secretary, committee_head, top_leader, unit, unit_head
):
    review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    action = notice.actions.get()
    client.force_login(unit_head)
    page = client.get(reverse("reviews:action_detail", args=[action.pk])).content.decode()
    assert reverse("reviews:result_notice", args=[review.pk]) in page and "01/TB-BCĐ ISO" in page
    response = client.post(reverse("reviews:action_progress", args=[action.pk]), {"note": "Đã xây dựng dự thảo", "progress": 30})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.progress == 30
    assert client.get(reverse("reviews:action_list")).status_code == 200
    client.force_login(secretary)
    assert "Rà soát, cập nhật quy trình QT.CTCL" in client.get(reverse("reviews:followup")).content.decode()


def test_the_report_pages_history_names_the_states_of_the_by_report_path(client, secretary):
    review = submitted(secretary)
    client.force_login(secretary)
    page = client.get(reverse("reviews:by_report", args=[review.pk])).content.decode()
    assert "Thư ký ISO đang lập báo cáo → Chờ Lãnh đạo Ban ISO phê duyệt báo cáo" in page
    assert "Dự thảo kế hoạch" not in page


def test_the_notices_actions_are_a_drafting_source_of_the_units_objectives(secretary, committee_head, top_leader, unit, today):
    from reviews.drafting import review_conclusions

    _review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    [source] = review_conclusions(secretary.organisation_id, unit.pk, today.year)
    assert [item.text for item in source.items] == ["Rà soát, cập nhật quy trình QT.CTCL"]


def test_a_return_comment_longer_than_the_limit_is_refused_with_a_message_and_nothing_moves(secretary, committee_head, client):
    from qms import limits

    review = submitted(secretary)
    client.force_login(committee_head)
    response = client.post(reverse("reviews:by_report_return", args=[review.pk]), {"comment": "x" * (limits.NOTE + 1)}, follow=True)
    review.refresh_from_db()
    assert response.status_code == 200 and review.status == ReviewStatus.PENDING_APPROVAL
    assert "«Ý kiến» dài tối đa 2.000 ký tự (đã nhập 2001 ký tự)." in response.content.decode()
