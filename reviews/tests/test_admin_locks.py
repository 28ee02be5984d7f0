"""Django admin closes what the app locks and leaves the app's audit trail; the consolidated report's
stored chart is never rendered as markup that runs."""

import pytest
from django.urls import reverse

from corrective_actions.models import TicketStatus
from corrective_actions.tests.factories import TicketFactory
from qms.models import AuditEntry, Unit
from qms.tests.factories import UnitFactory, UserFactory
from reviews import pdf, services
from reviews.models import ConsolidatedReport, ConsolidatedReportStatus, ReviewStatus
from reviews.tests.factories import ReviewFactory, collecting_review, signed_review

pytestmark = pytest.mark.django_db

HOSTILE_CHART = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><text x="1" y="9">Đạt</text></svg>'


@pytest.fixture
def superuser(organisation):
    return UserFactory(username="tinh.quantri", is_staff=True, is_superuser=True, organisation=None, unit=None)


@pytest.fixture
def signed(unit, secretary, committee_head, today):
    return signed_review(units=[unit], secretary=secretary, committee_head=committee_head, actions=[("Rà soát quy trình", unit, today)])


def test_a_decision_of_signed_minutes_is_read_only_in_admin(client, superuser, signed):
    _review, minutes = signed
    action = minutes.actions.get()
    client.force_login(superuser)
    url = reverse("admin:reviews_reviewaction_change", args=[action.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(
        url, {"description": "Đã sửa sau khi ký", "deadline": "01/01/2030", "responsible_unit": action.responsible_unit_id}
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.description == "Rà soát quy trình"
    assert client.post(reverse("admin:reviews_reviewaction_delete", args=[action.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:reviews_minutes_delete", args=[minutes.pk]), {"post": "yes"}).status_code == 403


def test_a_final_consolidated_report_and_a_sent_notice_are_read_only_in_admin(client, superuser, signed, unit):
    review, _minutes = signed
    report = ConsolidatedReport.objects.get(review=review)
    assert report.status == ConsolidatedReportStatus.FINAL
    client.force_login(superuser)
    response = client.post(reverse("admin:reviews_consolidatedreport_change", args=[report.pk]), {"s1_general": "Viết lại"})
    assert response.status_code == 403
    noticed = collecting_review(units=[unit], number=1, sequence=2)
    assert noticed.notice_number == 1
    assert client.post(reverse("admin:reviews_review_change", args=[noticed.pk]), {"title": "Đổi tên"}).status_code == 403
    noticed.refresh_from_db()
    assert noticed.title != "Đổi tên"


def test_a_closed_ticket_is_read_only_in_admin_and_an_open_one_is_not(client, superuser, unit):
    closed = TicketFactory(requesting_unit=unit, status=TicketStatus.CLOSED)
    open_ = TicketFactory(requesting_unit=unit, status=TicketStatus.IN_PROGRESS)
    client.force_login(superuser)
    assert client.post(reverse("admin:corrective_actions_ticket_change", args=[closed.pk]), {"description": "x"}).status_code == 403
    assert client.post(reverse("admin:corrective_actions_ticket_delete", args=[closed.pk]), {"post": "yes"}).status_code == 403
    page = client.get(reverse("admin:corrective_actions_ticket_change", args=[open_.pk])).content.decode()
    assert 'name="_save"' in page


def test_every_admin_change_and_deletion_writes_the_audit_row_the_app_writes(client, superuser, organisation, unit):
    client.force_login(superuser)
    url = reverse("admin:qms_unit_change", args=[unit.pk])
    data = {"name": "Văn phòng Sở", "code": unit.code, "organisation": organisation.pk, "order": 0, "is_active": "on"}
    assert client.post(url, data).status_code == 302
    [entry] = AuditEntry.objects.filter(object_id=unit.pk, content_type__model="unit")
    assert entry.actor == superuser and entry.action == "Sửa trong trang quản trị" and "name" in entry.note
    assert entry.organisation_id == organisation.pk

    spare = UnitFactory(organisation=organisation, name="Tổ tạm", code="TT")
    assert client.post(reverse("admin:qms_unit_delete", args=[spare.pk]), {"post": "yes"}).status_code == 302
    assert not Unit.objects.filter(pk=spare.pk).exists()
    [deleted] = AuditEntry.objects.filter(object_id=spare.pk, content_type__model="unit")
    assert deleted.action == "Xóa trong trang quản trị" and "Tổ tạm" in deleted.note and deleted.actor == superuser


def test_a_retained_record_refused_for_deletion_leaves_no_deletion_in_the_audit_trail(client, superuser, signed):
    review, _minutes = signed
    report = ConsolidatedReport.objects.get(review=review)
    ConsolidatedReport.objects.filter(pk=report.pk).update(status=ConsolidatedReportStatus.DRAFT)  # unlocked, still retained
    client.force_login(superuser)
    client.post(reverse("admin:reviews_consolidatedreport_delete", args=[report.pk]), {"post": "yes"})
    assert ConsolidatedReport.objects.filter(pk=report.pk).exists()
    assert not AuditEntry.objects.filter(object_id=report.pk, action="Xóa trong trang quản trị").exists()


def test_a_stored_script_in_the_chart_never_runs_on_the_report_page_nor_in_the_pdf(client, unit, secretary, committee_head):
    review = ReviewFactory(status=ReviewStatus.PREPARING, units=[unit], year=2026, created_by=secretary)
    report = services.consolidated_report_generate(review=review, actor=secretary)
    ConsolidatedReport.objects.filter(pk=report.pk).update(objectives_chart_svg=HOSTILE_CHART)
    report.refresh_from_db()
    for user in (committee_head, secretary):
        client.force_login(user)
        page = client.get(reverse("reviews:consolidated_detail", args=[review.pk])).content.decode()
        assert 'data-testid="objectives-chart"' in page
        chart = page.split('data-testid="objectives-chart">', 1)[1].split("</figure>", 1)[0]
        assert "<script" not in chart and "onload" not in chart and "<svg" in chart and "Đạt" in chart
    assert b"alert" not in pdf.consolidated_pdf(report)


def test_an_approved_objectives_plan_and_its_objectives_are_read_only_in_admin(client, superuser, unit, secretary):
    from objectives.models import PlanStatus
    from objectives.tests.factories import ObjectiveFactory, PlanFactory

    plan = PlanFactory(year=2026, unit=unit, created_by=secretary, status=PlanStatus.APPROVED)
    objective = ObjectiveFactory(plan=plan)
    client.force_login(superuser)
    assert client.post(reverse("admin:objectives_plan_change", args=[plan.pk]), {"year": 2027}).status_code == 403
    assert client.post(reverse("admin:objectives_objective_change", args=[objective.pk]), {"indicator": "x"}).status_code == 403
    assert client.post(reverse("admin:objectives_objective_delete", args=[objective.pk]), {"post": "yes"}).status_code == 403
