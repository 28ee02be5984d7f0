"""Agencies as tenants: one agency's people never read, list, search, download or change another agency's
reviews; the provincial overseer reads every agency's finished records and writes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from corrective_actions.models import Ticket
from qms.errors import ServiceError
from qms.models import Notification
from qms.roles import Role
from qms.tests.factories import UnitFactory, UserFactory
from reviews import services
from reviews.models import (
    ActionUpdate,
    ConsolidatedReport,
    Minutes,
    ReportAttachment,
    Review,
    ReviewAction,
    ReviewStatus,
    UnitReport,
)
from reviews.tests.factories import (
    ReportAttachmentFactory,
    ReviewFactory,
    collecting_review,
    preparing_review,
    ready_minutes,
    signed_review,
)

pytestmark = pytest.mark.django_db


def agency_world(organisation, prefix: str = "sct") -> SimpleNamespace:
    """An agency with its people and a review in each stage: a draft plan, a review collecting reports (a
    report not started), one preparing with draft minutes, and one signed with a decided action, a
    submitted report with an attachment, a final consolidated report and an evidence file."""
    unit = UnitFactory(organisation=organisation, code="VP", name=f"Văn phòng {prefix}")
    secretary = UserFactory(username=f"{prefix}.thuky", unit=unit, roles=[Role.SECRETARY])
    head = UserFactory(username=f"{prefix}.truongban", unit=unit, roles=[Role.COMMITTEE_HEAD])
    unit_head = UserFactory(username=f"{prefix}.vp.truong", unit=unit, roles=[Role.UNIT_HEAD])
    draft = ReviewFactory(created_by=secretary, units=[unit], title=f"Dự thảo kế hoạch {prefix}")
    collecting = collecting_review(units=[unit], created_by=secretary, title=f"Đang thu báo cáo {prefix}")
    preparing = preparing_review(units=[unit], attendees=[secretary, head], created_by=secretary, title=f"Chuẩn bị họp {prefix}")
    draft_minutes = ready_minutes(review=preparing, secretary=secretary, chair=head)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    signed, minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=head,
        created_by=secretary,
        title=f"Đã ký biên bản {prefix}",
        actions=[(f"Hành động đã quyết định {prefix}", unit, deadline)],
    )
    submitted = signed.unit_reports.get()
    attachment = ReportAttachmentFactory(report=submitted, uploaded_by=unit_head)
    action = ReviewAction.objects.get(minutes=minutes)
    update = ActionUpdate.objects.create(
        action=action, author=unit_head, note="Đang làm", progress=10, evidence_file=ContentFile(b"%PDF-1.4 x", name="bang-chung.pdf")
    )
    return SimpleNamespace(
        organisation=organisation,
        unit=unit,
        secretary=secretary,
        head=head,
        unit_head=unit_head,
        draft=draft,
        collecting=collecting,
        draft_report=collecting.unit_reports.get(),
        preparing=preparing,
        draft_minutes=draft_minutes,
        signed=signed,
        minutes=minutes,
        submitted=submitted,
        attachment=attachment,
        consolidated=ConsolidatedReport.objects.get(review=signed),
        action=action,
        update=update,
    )


@pytest.fixture
def agency_b(other_organisation):
    return agency_world(other_organisation)


def _snapshot(organisation) -> tuple:
    """Everything of the agency a write could change."""
    reviews = Review.objects.filter(organisation=organisation)
    return (
        sorted(reviews.values_list("pk", "status", "version", "notice_number")),
        sorted(UnitReport.objects.filter(review__in=reviews).values_list("pk", "status", "version")),
        sorted(Minutes.objects.filter(review__in=reviews).values_list("pk", "status", "version", "number")),
        sorted(ReviewAction.objects.filter(review__in=reviews).values_list("pk", "status", "version", "ticket")),
        sorted(ConsolidatedReport.objects.filter(review__in=reviews).values_list("pk", "status", "version")),
        ReportAttachment.objects.filter(report__review__in=reviews).count(),
        ActionUpdate.objects.filter(action__review__in=reviews).count(),
        Ticket.objects.count(),
    )


# (url name, which record of the agency, "read" or "write"); every URL of reviews/urls.py with a pk.
READS = [
    ("reviews:detail", "draft"),
    ("reviews:detail", "signed"),
    ("reviews:board", "collecting"),
    ("reviews:report_detail", "submitted"),
    ("reviews:report_detail", "draft_report"),
    ("reviews:attachment_download", "attachment"),
    ("reviews:consolidated_detail", "signed"),
    ("reviews:consolidated_detail", "preparing"),
    ("reviews:minutes_detail", "minutes"),
    ("reviews:minutes_detail", "draft_minutes"),
    ("reviews:action_detail", "action"),
    ("reviews:action_evidence", "update"),
    ("reviews:notice_pdf", "signed"),
    ("reviews:notice_pdf", "draft"),
    ("reviews:unit_report_pdf", "submitted"),
    ("reviews:unit_report_pdf", "draft_report"),
    ("reviews:consolidated_pdf", "consolidated"),
    ("reviews:minutes_pdf", "minutes"),
    ("reviews:minutes_pdf", "draft_minutes"),
]
WRITES = [
    ("reviews:plan_edit", "draft"),
    ("reviews:plan_submit", "draft"),
    ("reviews:plan_approve", "draft"),
    ("reviews:plan_return", "draft"),
    ("reviews:plan_reopen", "draft"),
    ("reviews:notice_issue", "draft"),
    ("reviews:collection_close", "collecting"),
    ("reviews:report_edit", "draft_report"),
    ("reviews:report_return", "submitted"),
    ("reviews:attachment_delete", "attachment"),
    ("reviews:consolidated_edit", "preparing"),
    ("reviews:consolidated_generate", "preparing"),
    ("reviews:consolidated_finalise", "preparing"),
    ("reviews:minutes_create", "preparing"),
    ("reviews:review_close", "signed"),
    ("reviews:minutes_edit", "draft_minutes"),
    ("reviews:minutes_sign", "draft_minutes"),
    ("reviews:minutes_revise", "minutes"),
    ("reviews:action_progress", "action"),
    ("reviews:action_complete", "action"),
    ("reviews:action_reopen", "action"),
    ("reviews:action_cancel", "action"),
    ("reviews:action_ticket_open", "action"),
]
# What the overseer reads of another agency: finished records only.
OVERSEER_READS = {
    ("reviews:detail", "signed"),
    ("reviews:report_detail", "submitted"),
    ("reviews:attachment_download", "attachment"),
    ("reviews:consolidated_detail", "signed"),
    ("reviews:minutes_detail", "minutes"),
    ("reviews:action_detail", "action"),
    ("reviews:action_evidence", "update"),
    ("reviews:notice_pdf", "signed"),
    ("reviews:unit_report_pdf", "submitted"),
    ("reviews:consolidated_pdf", "consolidated"),
    ("reviews:minutes_pdf", "minutes"),
}
WRITE_DATA = {
    "comment": "Ý kiến",
    "note": "Ghi chú",
    "progress": "50",
    "evidence": "Đã làm",
    "reason": "Sửa",
    "password": "Mật-khẩu-thử-2026",
    "version": "1",
}


def _url(name: str, world: SimpleNamespace, key: str) -> str:
    return reverse(name, args=[getattr(world, key).pk])


def _agency_users(role_users) -> dict:
    return {**role_users, "agency_admin": UserFactory(username="cuc.quantri", roles=[Role.AGENCY_ADMIN])}


def test_no_role_of_one_agency_reads_or_changes_another_agencys_reviews_at_any_url(client, role_users, agency_b):
    before = _snapshot(agency_b.organisation)
    for role, user in _agency_users(role_users).items():
        client.force_login(user)
        for name, key in READS:
            response = client.get(_url(name, agency_b, key))
            # 403 for a role without the view permission at all; else the record is simply not found.
            assert response.status_code in (403, 404), (role, name, key, response.status_code)
            if role == "secretary":  # holds every view permission: always a 404
                assert response.status_code == 404, (name, key)
        for name, key in WRITES:
            for method in (client.get, client.post):
                response = method(_url(name, agency_b, key), WRITE_DATA)
                assert response.status_code in (403, 404, 405), (role, name, key, response.status_code)
    assert _snapshot(agency_b.organisation) == before


def test_lists_search_and_the_home_page_never_show_another_agencys_reviews(client, role_users, agency_b):
    titles = [r.title for r in Review.objects.filter(organisation=agency_b.organisation)]
    actions = [agency_b.action.description]
    for role, user in _agency_users(role_users).items():
        client.force_login(user)
        pages = [
            reverse("reviews:list"),
            reverse("reviews:list") + f"?organisation={agency_b.organisation.pk}",
            reverse("reviews:list") + "?q=sct",  # every one of its titles holds "sct"
            reverse("reviews:list") + f"?year={agency_b.signed.year}&late=true",
            reverse("reviews:action_list"),
            reverse("reviews:action_list") + f"?organisation={agency_b.organisation.pk}&overdue=false",
            reverse("reviews:plan_create"),
            reverse("home"),
        ]
        for url in pages:
            response = client.get(url)
            assert response.status_code in (200, 403), (role, url, response.status_code)
            body = response.content.decode()
            for text in [*titles, *actions, agency_b.unit.name]:
                assert text not in body, (role, url, text)


def test_the_overseer_reads_another_agencys_finished_records_and_nothing_in_the_making(client, overseer, agency_b):
    client.force_login(overseer)
    for name, key in READS:
        response = client.get(_url(name, agency_b, key))
        if (name, key) in OVERSEER_READS:
            assert response.status_code == 200, (name, key, response.status_code)
        else:  # a draft is not found; the secretary's board is not the overseer's page at all
            assert response.status_code == (403 if name == "reviews:board" else 404), (name, key, response.status_code)
    listing = client.get(reverse("reviews:list") + f"?organisation={agency_b.organisation.pk}").content.decode()
    assert agency_b.signed.title in listing
    for review in (agency_b.draft, agency_b.collecting, agency_b.preparing):
        assert review.title not in listing
    assert agency_b.action.description in client.get(reverse("reviews:action_list")).content.decode()
    page = client.get(_url("reviews:detail", agency_b, "signed")).content.decode()
    for button in ("plan_submit", "review_close", "notice_issue", "collection_close"):
        assert reverse(f"reviews:{button}", args=[agency_b.signed.pk]) not in page


def test_the_overseer_is_refused_every_write(client, overseer, agency_b):
    before = _snapshot(agency_b.organisation)
    client.force_login(overseer)
    for name, key in WRITES:
        for method in (client.get, client.post):
            response = method(_url(name, agency_b, key), WRITE_DATA)
            assert response.status_code in (403, 404, 405), (name, key, response.status_code)
    assert client.get(reverse("reviews:plan_create")).status_code == 403
    assert _snapshot(agency_b.organisation) == before


def test_no_write_service_passes_for_the_overseer_or_another_agencys_secretary(overseer, secretary, committee_head, unit_head, agency_b):
    from qms.errors import NotAllowed

    calls = [
        lambda actor: services.review_plan_submit(review=agency_b.draft, actor=actor),
        lambda actor: services.review_collection_close(review=agency_b.collecting, actor=actor),
        lambda actor: services.consolidated_report_generate(review=agency_b.preparing, actor=actor, regenerate=True),
        lambda actor: services.minutes_revise(minutes=agency_b.minutes, actor=actor, reason="Sửa"),
        lambda actor: services.action_cancel(action=agency_b.action, actor=actor, note="Hủy"),
        lambda actor: services.action_progress_record(action=agency_b.action, actor=actor, note="Tiến độ", progress=20),
        lambda actor: services.review_close(review=agency_b.signed, actor=actor),
    ]
    before = _snapshot(agency_b.organisation)
    for actor in (overseer, secretary, committee_head, unit_head):
        for call in calls:
            with pytest.raises(NotAllowed):
                call(actor)
    assert _snapshot(agency_b.organisation) == before


def test_document_numbers_restart_in_each_agency(secretary, committee_head, unit, other_organisation):
    b = agency_world(other_organisation)
    a_first = ReviewFactory(status=ReviewStatus.APPROVED, created_by=secretary, units=[unit])
    a_second = ReviewFactory(status=ReviewStatus.APPROVED, created_by=secretary, units=[unit])
    b_review = ReviewFactory(status=ReviewStatus.APPROVED, created_by=b.secretary, units=[b.unit])
    services.review_notice_issue(review=a_first, actor=secretary)
    services.review_notice_issue(review=b_review, actor=b.secretary)
    services.review_notice_issue(review=a_second, actor=secretary)
    assert [a_first.notice_number, a_second.notice_number] == [1, 2]
    assert b_review.notice_number == 1 and b_review.notice_year == timezone.localdate().year
    # B signed its minutes (number 01) before A signed any: A's first minutes are still number 01.
    _review, minutes = signed_review(units=[unit], secretary=secretary, committee_head=committee_head, created_by=secretary)
    assert minutes.number == 1 and b.minutes.number == 1 and minutes.organisation_id != b.minutes.organisation_id


def test_the_notifications_of_a_review_never_reach_another_agencys_people(role_users, other_organisation):
    b = agency_world(other_organisation)
    review = ReviewFactory(
        status=ReviewStatus.APPROVED, created_by=b.secretary, units=[b.unit], attendees=[b.secretary, b.head, b.unit_head]
    )
    services.review_notice_issue(review=review, actor=b.secretary)
    report = review.unit_reports.get()
    services.unit_report_save(report=report, actor=b.unit_head, data={}, version=report.version)
    from reviews import reminders

    reminders.review_reminders_sweep(today=review.report_deadline + dt.timedelta(days=1))
    reminders.action_reminders_sweep(today=b.action.deadline + dt.timedelta(days=1))
    agency_a = [u.pk for u in role_users.values()]
    assert not Notification.objects.filter(recipient__in=agency_a).exists()
    assert Notification.objects.filter(recipient=b.unit_head).exists()
    assert set(Notification.objects.values_list("recipient__organisation", flat=True)) == {other_organisation.pk}


def test_a_unit_or_a_person_of_another_agency_in_a_post_is_refused_and_nothing_saved(client, secretary, unit, agency_b):
    client.force_login(secretary)
    start = timezone.localtime() + dt.timedelta(days=30)
    data = {
        "kind": Review.Kind.PERIODIC,
        "title": "Kế hoạch có đơn vị của cơ quan khác",
        "year": start.year,
        "sequence": 1,
        "meeting_start": start.strftime("%Y-%m-%dT%H:%M"),
        "meeting_end": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "location": "Phòng họp",
        "agenda": "Nội dung",
        "report_deadline": (start - dt.timedelta(days=7)).date().isoformat(),
        "report_recipient": "Thư ký ISO",
        "units": [unit.pk, agency_b.unit.pk],
        "attendees": [secretary.pk, agency_b.secretary.pk],
    }
    response = client.post(reverse("reviews:plan_create"), data)
    assert response.status_code == 200 and not Review.objects.filter(title=data["title"]).exists()
    assert set(response.context["form"].errors) == {"units", "attendees"}
    plan = {**data, "meeting_start": start, "meeting_end": start + dt.timedelta(hours=2)}
    plan["report_deadline"] = (start - dt.timedelta(days=7)).date()
    with pytest.raises(ServiceError, match="không thuộc cơ quan của cuộc họp"):
        services.review_plan_create(actor=secretary, data={**plan, "units": [unit, agency_b.unit], "attendees": [secretary]})
    with pytest.raises(ServiceError, match="không thuộc cơ quan của cuộc họp"):
        services.review_plan_create(actor=secretary, data={**plan, "units": [unit], "attendees": [agency_b.secretary]})
    assert not Review.objects.filter(title=data["title"]).exists()


def test_the_minutes_refuse_a_chair_or_a_responsible_unit_of_another_agency(secretary, committee_head, unit, agency_b):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head], created_by=secretary)
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head)
    from reviews.tests.factories import minutes_content, minutes_rows

    attendance, _ = minutes_rows(minutes)
    deadline = timezone.localdate() + dt.timedelta(days=10)
    for data, actions in [
        (minutes_content(minutes, chair=agency_b.head), []),
        (minutes_content(minutes), [{"description": "Việc", "responsible_unit": agency_b.unit, "deadline": deadline}]),
    ]:
        with pytest.raises(ServiceError, match="không thuộc cơ quan của cuộc họp"):
            services.minutes_save(
                minutes=minutes, actor=secretary, version=minutes.version, data=data, attendance=attendance, actions=actions
            )
    minutes.refresh_from_db()
    assert minutes.chair == committee_head and not minutes.actions.exists()


def test_uploaded_files_are_stored_under_the_agencys_code(agency_b):
    assert agency_b.attachment.file.name.startswith("so-cong-thuong/reviews/")
    assert agency_b.update.evidence_file.name.startswith("so-cong-thuong/reviews/actions/")


def test_each_agency_reads_its_own_settings_in_the_reminders(unit, unit_head, other_organisation):
    from qms.models import Organisation
    from qms.workdays import add_working_days
    from reviews import reminders
    from reviews.tests.factories import local_datetime

    unit_b = UnitFactory(organisation=other_organisation, code="VP", name="Văn phòng Sở")
    head_b = UserFactory(username="sct.vp.truong", unit=unit_b, roles=[Role.UNIT_HEAD])
    Organisation.objects.filter(pk=other_organisation.pk).update(report_reminder_working_days=6)
    today = timezone.localdate()
    deadline = add_working_days(today, 5)
    meeting = local_datetime(deadline + dt.timedelta(days=14))
    secretary_b = UserFactory(username="sct.thuky", unit=unit_b, roles=[Role.SECRETARY])
    collecting_review(units=[unit], meeting_start=meeting, report_deadline=deadline)
    collecting_review(units=[unit_b], created_by=secretary_b, meeting_start=meeting, report_deadline=deadline)
    reminders.review_reminders_sweep(today=today)
    # Five working days before the deadline: inside B's six-day lead, outside A's default two.
    assert Notification.objects.filter(recipient=head_b).count() == 1
    assert not Notification.objects.filter(recipient=unit_head).exists()
