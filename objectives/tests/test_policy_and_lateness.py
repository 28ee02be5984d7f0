"""QT.CTCL 5.9 (issue 11): the quality policy on the agency's settings, shown on the objectives pages and
printed on PL3.KH; plans not approved by 30/01 and evaluations not done by 31/12 marked late, reminded once
after the date and listed on the home pages; last year's results beside the draft; Phụ lục 3 kept 3 years."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives import services
from objectives.dashboard import objectives_late_panel
from objectives.lateness import late_items
from objectives.models import ObjectivesSettings, Plan, PlanStatus, Result, RetainedPlanError
from objectives.pdf import plan_context
from objectives.reminders import late_reminders_send
from objectives.tests.conftest import plan_with_objective
from qms.errors import ServiceError
from qms.models import Notification
from qms.tests.factories import UnitFactory, default_organisation

pytestmark = pytest.mark.django_db

POLICY = "Công khai, minh bạch, đúng hạn; lấy sự hài lòng của người dân làm thước đo."


@pytest.fixture
def policy():
    conf = ObjectivesSettings.of(default_organisation())
    conf.quality_policy = POLICY
    conf.save()
    return conf


def test_the_policy_is_shown_on_the_list_and_plan_pages_and_printed_on_pl3_kh(client, policy, unit, staff_user, today):
    plan = plan_with_objective(unit=unit, created_by=staff_user, year=today.year)
    client.force_login(staff_user)
    for url in (reverse("objectives:list") + f"?year={today.year}", plan.get_absolute_url()):
        page = client.get(url).content.decode()
        assert 'data-testid="quality-policy"' in page and "lấy sự hài lòng của người dân làm thước đo" in page, url
    html = render_to_string("pdf/objectives_plan.html", plan_context(plan, "plan"))
    assert "Chính sách chất lượng:" in html and POLICY in html
    assert "Phục vụ CSCL: Nhất quán với CSCL về giải quyết đúng hạn" in html


def test_with_a_policy_each_objective_says_which_part_it_serves(policy, unit, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user)
    data = {
        "statement": "Giải quyết đúng hạn",
        "indicator": "Tỷ lệ",
        "unit_of_measure": "percent",
        "direction": "higher",
        "aggregation": "level",
        "target": Decimal("95"),
        "frequency": "quarterly",
        "evaluation_method": "So sánh",
    }
    action = [{"order": 1, "description": "Làm", "responsible": "Tổ", "deadline": dt.date(2026, 6, 30), "resources": ""}]
    with pytest.raises(ServiceError, match="Nhất quán với CSCL") as refused:
        services.objective_save(actor=staff_user, plan=plan, data=data, actions=action)
    assert refused.value.field == "policy_consistency"
    saved = services.objective_save(actor=staff_user, plan=plan, data={**data, "policy_consistency": "đúng hạn"}, actions=action)
    assert saved.policy_consistency == "đúng hạn"


def test_a_plan_not_approved_by_30_01_is_late_marked_reminded_once_and_listed(
    client, travel, unit, other_unit, unit_head, other_unit_head, staff_user, secretary, committee_head
):
    plan = plan_with_objective(unit=unit, created_by=staff_user, year=2027, status=PlanStatus.SUBMITTED)
    plan_with_objective(unit=None, created_by=secretary, year=2027, status=PlanStatus.APPROVED)
    Plan.objects.filter(unit__isnull=True).update(approved_at=timezone.make_aware(dt.datetime(2027, 1, 20, 9)))
    travel(dt.date(2027, 1, 30))
    assert late_items(default_organisation(), dt.date(2027, 1, 30)) == []  # the date itself is in time
    travel(dt.date(2027, 1, 31))
    items = late_items(default_organisation(), dt.date(2027, 1, 31))
    assert {(item.kind, item.scope_name, item.plan) for item in items} == {
        ("approval", unit.name, Plan.objects.get(pk=plan.pk)),
        ("approval", other_unit.name, None),  # never drafted
    }
    client.force_login(unit_head)
    assert 'data-testid="late-mark"' in client.get(plan.get_absolute_url()).content.decode()
    Notification.objects.all().delete()
    late_reminders_send(today=dt.date(2027, 2, 1))
    assert unit_head.notifications.filter(subject__startswith="Trễ hạn").count() == 1
    assert other_unit_head.notifications.filter(subject__startswith="Trễ hạn").count() == 1
    assert secretary.notifications.filter(subject__startswith="Trễ hạn").count() == 2
    late_reminders_send(today=dt.date(2027, 2, 2))
    assert unit_head.notifications.filter(subject__startswith="Trễ hạn").count() == 1  # once
    home = client.get("/").content.decode()
    assert "chưa được phê duyệt (hạn 30/01/2027)" in home and other_unit.name not in home  # a unit head: their unit only
    client.force_login(committee_head)
    home = client.get("/").content.decode()
    assert "chưa được phê duyệt (hạn 30/01/2027)" in home and f"Chưa lập kế hoạch MTCL năm 2027 — {other_unit.name}" in home
    # approved late: still marked on its page, no longer listed
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED, approved_at=timezone.now())
    assert [item.scope_name for item in late_items(default_organisation(), dt.date(2027, 2, 2))] == [other_unit.name]
    client.force_login(unit_head)
    assert "Trễ hạn phê duyệt (30/01/2027)" in client.get(plan.get_absolute_url()).content.decode()


def test_an_evaluation_not_done_by_31_12_is_late_and_reminded_once(unit, unit_head, staff_user, travel):
    plan = plan_with_objective(unit=unit, created_by=staff_user, year=2026, status=PlanStatus.MONITORING)
    assert not [i for i in late_items(default_organisation(), dt.date(2026, 12, 31)) if i.kind == "evaluation"]
    items = [i for i in late_items(default_organisation(), dt.date(2027, 1, 1)) if i.kind == "evaluation"]
    assert [(i.plan, i.due) for i in items] == [(Plan.objects.get(pk=plan.pk), dt.date(2026, 12, 31))]
    Notification.objects.all().delete()
    late_reminders_send(today=dt.date(2027, 1, 4))
    late_reminders_send(today=dt.date(2027, 1, 5))
    assert unit_head.notifications.filter(subject__contains="Chưa đánh giá thực hiện MTCL năm 2026").count() == 1


def test_the_late_panel_costs_the_same_queries_for_two_units_as_for_eight(rf, committee_head, staff_user, travel):
    travel(dt.date(2027, 2, 3))

    def count():
        request = rf.get("/")
        request.user = committee_head
        with CaptureQueriesContext(connection) as queries:
            panels = objectives_late_panel(request)
        return len(queries), len(panels[0].items)

    count()  # the user's permissions and the agency's settings row, cached or made once
    few, few_items = count()
    for n in range(6):
        unit = UnitFactory(organisation=default_organisation(), code=f"U{n}", name=f"Phòng {n}")
        plan_with_objective(unit=unit, created_by=staff_user, year=2027, status=PlanStatus.SUBMITTED)
    many, many_items = count()
    assert many_items == few_items + 6 and many == few, many


def test_the_drafting_page_shows_last_years_results_of_the_same_unit(client, unit, other_unit, staff_user):
    last = plan_with_objective(unit=unit, created_by=staff_user, year=2026, status=PlanStatus.EVALUATED, statement="Trả đúng hạn 98%")
    last.objectives.update(result=Result.NOT_ACHIEVED, actual_value=Decimal("91"))
    plan_with_objective(unit=other_unit, created_by=staff_user, year=2026, status=PlanStatus.EVALUATED, statement="Của phòng khác")
    draft = plan_with_objective(unit=unit, created_by=staff_user, year=2027)
    client.force_login(staff_user)
    page = client.get(draft.get_absolute_url()).content.decode()
    section = page[page.index('data-testid="previous-results"') :]
    assert "Trả đúng hạn 98%" in section and "Không đạt" in section and "Của phòng khác" not in page


def test_phu_luc_3_plans_are_kept_three_years(admin_client, unit, staff_user, travel):
    plan = plan_with_objective(unit=unit, created_by=staff_user, year=2026, status=PlanStatus.EVALUATED)
    Plan.objects.filter(pk=plan.pk).update(evaluated_at=timezone.make_aware(dt.datetime(2026, 12, 20, 9)))
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.retained_until() == dt.date(2029, 12, 31)
    travel(dt.date(2029, 12, 30))
    with pytest.raises(RetainedPlanError):
        plan.delete()
    with pytest.raises(RetainedPlanError):
        Plan.objects.filter(pk=plan.pk).delete()
    admin_client.post(reverse("admin:objectives_plan_delete", args=[plan.pk]), {"post": "yes"})
    assert Plan.objects.filter(pk=plan.pk).exists()
    travel(dt.date(2029, 12, 31))
    Plan.objects.get(pk=plan.pk).delete()
    assert not Plan.objects.filter(pk=plan.pk).exists()
