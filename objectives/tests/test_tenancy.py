"""Agencies as tenants in the objectives app: every URL, asked by each role of one agency for another
agency's plans, never answers with them; the provincial overseer reads approved plans only and writes
nothing; services, the roll-up, reminders, exports and the overview figures stay within one agency."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from objectives import rules, services
from objectives import urls as objectives_urls
from objectives.excel import plan_xlsx
from objectives.models import Measurement, Objective, ObjectivesSettings, Plan, PlanStatus, Result
from objectives.overview import FIGURES, objectives_figures
from objectives.reminders import reminders_send
from objectives.rollup import review_inputs
from objectives.tests.conftest import plan_with_objective
from qms.errors import ServiceError
from qms.models import CalendarException, Notification, OrganisationKind
from qms.overview import figures, overview_rows
from qms.roles import Role
from qms.tests.factories import OrganisationFactory, UnitFactory, UserFactory

ROLES = ["secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]
FINISHED = ["approved", "monitoring", "evaluated"]
# Agency B's plans the matrix asks for, one per state and scope (a year each: one agency plan a year).
TARGETS = {
    "unit_draft": 2026,
    "unit_submitted": 2025,
    "unit_approved": 2024,
    "unit_evaluated": 2023,
    "agency_draft": 2026,
    "agency_submitted": 2025,
    "agency_approved": 2024,
    "agency_monitoring": 2023,
}
# (url name, method, extra path argument). Reads show the plan; writes change it (or show the form that does).
READS = [
    ("plan_detail", "get", None),
    ("plan_pdf", "get", "plan"),
    ("plan_pdf", "get", "report"),
    ("plan_excel", "get", "plan"),
    ("plan_excel", "get", "report"),
    ("measurement_evidence", "get", None),
]
WRITES = [
    ("objective_create", "get", None),
    ("objective_create", "post", None),
    ("objective_edit", "get", None),
    ("objective_edit", "post", None),
    ("objective_delete", "post", None),
    ("plan_submit", "post", None),
    ("plan_approve", "post", None),
    ("plan_return", "post", None),
    ("plan_revise", "post", None),
    ("plan_close", "post", None),
    ("measurement_create", "get", None),
    ("measurement_create", "post", None),
    ("objective_evaluate", "get", None),
    ("objective_evaluate", "post", None),
    ("objective_ticket", "post", None),
]
OBJECTIVE_URLS = {"objective_edit", "objective_delete", "measurement_create", "objective_evaluate", "objective_ticket"}
WRITE_POSTS = {"plan_submit": {}, "plan_return": {"comment": "Sửa lại"}, "plan_revise": {"reason": "Đổi chỉ tiêu"}}
# Not about one plan: checked apart (the list, a new plan).
UNSCOPED = {"list", "plan_create"}


@pytest.fixture
def agency_b(other_organisation):
    """The second agency with a unit, its people and a plan per TARGETS entry; each objective has a
    measurement with an evidence file."""
    b_unit = UnitFactory(organisation=other_organisation, name="Phòng Quản lý thương mại Sở B", code="QLTM")
    b_secretary = UserFactory(username="sct.thuky", unit=b_unit, roles=[Role.SECRETARY])
    b_head = UserFactory(
        username="sct.truongban", unit=b_unit, roles=[Role.COMMITTEE_HEAD, Role.TOP_LEADER]
    )  # the director chairs and approves (QT.CTCL)
    b_staff = UserFactory(username="sct.cv", unit=b_unit, roles=[Role.STAFF])
    plans = {}
    for kind, year in TARGETS.items():
        scope, state = kind.split("_")
        plan = plan_with_objective(
            unit=b_unit if scope == "unit" else None,
            created_by=b_staff if scope == "unit" else b_secretary,
            status=PlanStatus(state),
            year=year,
            statement=f"Mục tiêu riêng của Sở B {kind}",
        )
        m = plan.objectives.get().measurements.create(period=1, value=90, measured_on=dt.date(year, 4, 2), recorded_by=plan.created_by)
        m.evidence.save(f"minh-chung-b-{kind}.pdf", ContentFile(b"%PDF-1.4 tai lieu cua So B"))
        plans[kind] = plan
    return {"unit": b_unit, "secretary": b_secretary, "head": b_head, "staff": b_staff, "plans": plans}


@pytest.fixture
def overseer(db):
    province = OrganisationFactory(code="so-khcn", name="Sở Khoa học và Công nghệ", kind=OrganisationKind.OVERSIGHT)
    return UserFactory(username="tinh.theodoi", unit=None, organisation=province, roles=[Role.OVERSEER])


def _url(name: str, plan: Plan, arg: str | None) -> str:
    if name == "measurement_evidence":
        return reverse("objectives:measurement_evidence", args=[Measurement.objects.get(objective__plan=plan).pk])
    if name in OBJECTIVE_URLS:
        return reverse(f"objectives:{name}", args=[plan.objectives.get().pk])
    return reverse(f"objectives:{name}", args=[plan.pk, arg] if arg else [plan.pk])


def _snapshot() -> list[tuple]:
    """Everything a write could change of the plans, objectives and measurements."""
    return [
        *Plan.objects.order_by("pk").values_list("pk", "status", "version", "revision"),
        *Objective.objects.order_by("pk").values_list("pk", "version", "result", "ticket_id"),
        *Measurement.objects.order_by("pk").values_list("pk", "value"),
    ]


def test_the_matrix_covers_every_objectives_url():
    covered = {name for name, _m, _a in READS + WRITES} | UNSCOPED
    assert {pattern.name for pattern in objectives_urls.urlpatterns} == covered


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_one_agency_gets_another_agencys_plans_from_any_objectives_url(client, role_users, agency_b, role):
    client.force_login(role_users[role])
    before = _snapshot()
    wrong = []
    for kind, plan in agency_b["plans"].items():
        for name, method, arg in READS + WRITES:
            response = getattr(client, method)(_url(name, plan, arg), WRITE_POSTS.get(name, {}) if method == "post" else None)
            # A POST-only view answers a GET with 405 before it looks for the plan; anything else: not found.
            expected = 405 if (method == "get" and (name, "post", None) in WRITES and (name, "get", None) not in WRITES) else 404
            if response.status_code != expected:
                wrong.append((kind, name, method, arg, response.status_code))
    assert wrong == []
    assert _snapshot() == before  # nothing of agency B changed


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_list_of_one_agency_never_shows_another_agencys_plans_even_when_asked_for_them(client, role_users, agency_b, role):
    client.force_login(role_users[role])
    for kind, plan in agency_b["plans"].items():
        for query in (f"?year={plan.year}", f"?year={plan.year}&organisation={plan.organisation_id}"):
            response = client.get(reverse("objectives:list") + query)
            assert response.status_code == 200, (kind, query)
            page = response.content.decode()
            assert f'"{plan.get_absolute_url()}"' not in page
            assert agency_b["unit"].name not in page
    home = client.get(reverse("home")).content.decode()
    assert "Sở B" not in home and agency_b["unit"].name not in home


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretary", "unit_head", "staff"])
def test_a_unit_of_another_agency_in_the_new_plan_form_is_refused_with_a_message(client, role_users, agency_b, role):
    client.force_login(role_users[role])
    response = client.post(reverse("objectives:plan_create"), {"year": 2027, "scope": str(agency_b["unit"].pk)})
    assert response.status_code == 200
    assert "Bạn không lập được kế hoạch MTCL cho phạm vi này" in response.content.decode()
    assert not Plan.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_the_service_refuses_a_plan_for_a_unit_of_another_agency(staff_user, secretary, agency_b):
    for actor in (staff_user, secretary):
        with pytest.raises(ServiceError, match="không thuộc cơ quan của bạn"):
            services.plan_create(actor=actor, year=2027, unit=agency_b["unit"])
    assert not Plan.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_the_overseer_reads_every_agencys_approved_plans_and_never_a_draft(client, overseer, agency_b):
    client.force_login(overseer)
    wrong = []
    for kind, plan in agency_b["plans"].items():
        finished = kind.split("_")[1] in FINISHED
        for name, _method, arg in READS:
            status = client.get(_url(name, plan, arg)).status_code
            if status != (200 if finished else 404):
                wrong.append((kind, name, arg, status))
    assert wrong == []
    page = client.get(reverse("objectives:plan_detail", args=[agency_b["plans"]["unit_approved"].pk])).content.decode()
    assert "Mục tiêu riêng của Sở B unit_approved" in page
    for kind in FINISHED:
        plan = agency_b["plans"].get(f"unit_{kind}") or agency_b["plans"][f"agency_{kind}"]
        assert rules.plan_actions(overseer, plan) == set()  # no button: read only


@pytest.mark.django_db
def test_the_overseer_is_refused_on_every_write_url(client, overseer, agency_b):
    client.force_login(overseer)
    before = _snapshot()
    wrong = []
    for kind, plan in agency_b["plans"].items():
        finished = kind.split("_")[1] in FINISHED
        for name, method, arg in WRITES:
            status = getattr(client, method)(_url(name, plan, arg), WRITE_POSTS.get(name, {}) if method == "post" else None).status_code
            if status not in ((403,) if finished else (404,)):
                wrong.append((kind, name, method, status))
    assert wrong == []
    for method in ("get", "post"):
        assert getattr(client, method)(reverse("objectives:plan_create")).status_code == 403
    assert _snapshot() == before
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_overseer_drills_down_to_one_agencys_approved_plans_of_the_year(client, overseer, agency_b, unit, secretary):
    mine = plan_with_objective(unit=None, created_by=secretary, status=PlanStatus.APPROVED, year=2024)
    client.force_login(overseer)
    b = agency_b["plans"]
    response = client.get(FIGURES[0].link(b["agency_approved"].organisation, 2024))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'"{b["agency_approved"].get_absolute_url()}"' in page and f'"{b["unit_approved"].get_absolute_url()}"' in page
    assert f'"{mine.get_absolute_url()}"' not in page  # another agency's plan: not in this drill-down
    assert "Sở Công Thương tỉnh Khánh Hòa" in page
    draft_page = client.get(FIGURES[0].link(b["agency_draft"].organisation, 2026)).content.decode()
    assert f'"{b["agency_draft"].get_absolute_url()}"' not in draft_page and f'"{b["unit_draft"].get_absolute_url()}"' not in draft_page
    everything = client.get(reverse("objectives:list") + "?year=2024").content.decode()
    assert f'"{mine.get_absolute_url()}"' in everything and f'"{b["agency_approved"].get_absolute_url()}"' in everything
    assert client.get(reverse("objectives:list") + "?organisation=999999").status_code == 404


@pytest.mark.django_db
def test_each_agency_has_its_own_agency_plan_for_the_same_year(secretary, agency_b):
    mine = services.plan_create(actor=secretary, year=2030, unit=None)
    theirs = services.plan_create(actor=agency_b["secretary"], year=2030, unit=None)
    assert (mine.organisation_id, theirs.organisation_id) == (secretary.organisation_id, agency_b["unit"].organisation_id)
    with pytest.raises(ServiceError, match="Đã có kế hoạch"):
        services.plan_create(actor=agency_b["secretary"], year=2030, unit=None)


@pytest.mark.django_db
def test_submitting_tells_the_approvers_of_the_plans_agency_only(secretary, top_leader, agency_b):
    plan = plan_with_objective(unit=None, created_by=secretary, year=2030)
    services.plan_submit(actor=secretary, plan=plan)
    assert top_leader.notifications.count() == 1
    assert not agency_b["head"].notifications.exists()
    services.plan_return(actor=top_leader, plan=plan, comment="Bổ sung chỉ tiêu")
    assert not agency_b["secretary"].notifications.exists()


@pytest.mark.django_db
def test_a_year_is_copied_from_the_same_agencys_previous_plan_only(secretary, agency_b):
    # Agency B has an approved agency plan of 2024; agency A has none: nothing to copy from.
    with pytest.raises(ServiceError, match="chưa có kế hoạch MTCL đã phê duyệt"):
        services.plan_copy_from_previous(actor=secretary, year=2025, unit=None)
    mine = plan_with_objective(unit=None, created_by=secretary, status=PlanStatus.APPROVED, year=2024, statement="Mục tiêu của A")
    copy = services.plan_copy_from_previous(actor=secretary, year=2025, unit=None)
    assert [o.statement for o in copy.objectives.all()] == ["Mục tiêu của A"]
    assert copy.objectives.get().carried_from.plan == mine


@pytest.mark.django_db
def test_a_unit_objective_cannot_support_another_agencys_objective(staff_user, unit, agency_b):
    plan = plan_with_objective(unit=unit, created_by=staff_user, year=2024)
    theirs = agency_b["plans"]["agency_approved"].objectives.get()
    action = {"description": "Việc", "responsible": "Ai", "deadline": dt.date(2024, 12, 1)}
    with pytest.raises(ServiceError, match="cùng năm"):
        services.objective_save(
            actor=staff_user,
            plan=plan,
            data={"statement": "X", "indicator": "Y", "evaluation_method": "Z", "supports": theirs},
            actions=[action],
        )


@pytest.mark.django_db
def test_the_review_roll_up_reads_the_reviews_agency_only(unit, secretary, staff_user, agency_b):
    plan_with_objective(unit=None, created_by=secretary, status=PlanStatus.APPROVED, year=2024, statement="Mục tiêu của cơ quan A")
    inputs = review_inputs(2024, organisation=secretary.organisation)
    text = inputs["s2_policy_objectives"] + inputs["s5_objectives_implementation"]
    assert "Mục tiêu của cơ quan A" in text
    assert "Sở B" not in text and agency_b["unit"].name not in text
    assert agency_b["unit"].name not in inputs["chart_svg"] + inputs["chart_year_svg"]
    assert [u["unit"] for u in inputs["units"]] == [unit.name]
    theirs = review_inputs(2024, organisation=agency_b["unit"].organisation_id)
    assert "Mục tiêu riêng của Sở B agency_approved" in theirs["s2_policy_objectives"]
    assert [u["unit"] for u in theirs["units"]] == [agency_b["unit"].name]


@pytest.mark.django_db
def test_the_excel_and_pdf_headers_name_the_plans_agency(agency_b):
    plan = agency_b["plans"]["agency_approved"]
    sheet = load_workbook(io.BytesIO(plan_xlsx(plan.pk, "plan"))).active
    assert sheet["A1"].value == "SỞ CÔNG THƯƠNG TỈNH KHÁNH HÒA"
    from objectives.pdf import plan_context

    context = plan_context(plan, "report")
    assert context["org"].name == "Sở Công Thương tỉnh Khánh Hòa"
    assert [u.name for u, _s in context["rollup"].units] == [agency_b["unit"].name]


@pytest.mark.django_db
def test_plan_reminders_go_out_per_agency_with_each_agencys_settings(unit, secretary, committee_head, agency_b):
    ObjectivesSettings.objects.create(organisation=agency_b["unit"].organisation, plan_due_day=15, plan_due_month=2)
    reminders_send(today=dt.date(2027, 1, 26))  # 30/01 is three working days away: agency A only
    assert secretary.notifications.filter(subject__contains="năm 2027").count() == 1
    assert not agency_b["secretary"].notifications.filter(subject__contains="năm 2027").exists()
    reminders_send(today=dt.date(2027, 2, 11))  # 15/02 for agency B
    assert agency_b["secretary"].notifications.filter(subject__contains="năm 2027").count() == 1
    assert agency_b["head"].notifications.filter(subject__contains="năm 2027").count() == 1
    assert secretary.notifications.filter(subject__contains="năm 2027").count() == 1  # once


@pytest.mark.django_db
def test_measurement_reminders_count_working_days_in_the_plans_agencys_calendar(unit, unit_head, staff_user, agency_b):
    b_unit = UnitFactory(organisation=agency_b["unit"].organisation, name="Văn phòng Sở", code="VP")
    b_head = UserFactory(username="sct.vp.truong", unit=b_unit, roles=[Role.UNIT_HEAD])
    plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.MONITORING, year=2026)
    plan_with_objective(unit=b_unit, created_by=b_head, status=PlanStatus.MONITORING, year=2026)
    # Agency B takes 01-02/10 off: its Q3 figures are due two working days later, so not reminded yet on 02/10.
    for day in (1, 2):
        CalendarException.objects.create(organisation=agency_b["unit"].organisation, date=dt.date(2026, 10, day), kind="off")
    reminders_send(today=dt.date(2026, 10, 2))
    assert unit_head.notifications.filter(subject__contains="nhập số liệu").count() == 1
    assert not b_head.notifications.filter(subject__contains="nhập số liệu").exists()


@pytest.mark.django_db
def test_the_home_panel_offers_an_approver_only_their_agencys_plans(client, top_leader, agency_b):
    agency_b["plans"]["agency_submitted"]  # submitted in agency B
    assert not Plan.objects.awaiting_approval_by(top_leader).exists()
    assert list(Plan.objects.awaiting_approval_by(agency_b["head"])) == [agency_b["plans"]["agency_submitted"]]


def _evaluated_plan(unit, user, year, results):
    plan = plan_with_objective(unit=unit, created_by=user, status=PlanStatus.EVALUATED, year=year)
    plan.objectives.update(result=results[0])
    for result in results[1:]:
        objective = plan.objectives.create(statement="Thêm", indicator="Chỉ số", evaluation_method="Đo", result=result)
        assert objective.plan_id == plan.pk
    return plan


@pytest.mark.django_db
def test_the_overview_figures_count_each_agencys_objectives_evaluated_and_achieved(unit, secretary, staff_user, agency_b):
    a = secretary.organisation
    b = agency_b["unit"].organisation
    _evaluated_plan(None, secretary, 2025, [Result.ACHIEVED, Result.NOT_ACHIEVED, Result.ACHIEVED])
    _evaluated_plan(unit, staff_user, 2025, [Result.ACHIEVED])
    plan_with_objective(unit=None, created_by=secretary, status=PlanStatus.EVALUATED, year=2024)  # another year
    b_unit = UnitFactory(organisation=b, name="Văn phòng Sở", code="VP")
    _evaluated_plan(b_unit, agency_b["staff"], 2025, [Result.NOT_ACHIEVED, Result.ACHIEVED])
    # Not counted: a plan still monitored (its year-end evaluation is not closed), even with a result given.
    monitored = plan_with_objective(unit=None, created_by=agency_b["secretary"], status=PlanStatus.MONITORING, year=2022)
    monitored.objectives.update(result=Result.ACHIEVED)
    assert objectives_figures([a, b], 2025) == {
        a.pk: {"objectives_achieved": 3, "objectives_evaluated": 4},
        b.pk: {"objectives_achieved": 1, "objectives_evaluated": 2},
    }
    assert objectives_figures([a], 2025) == {a.pk: {"objectives_achieved": 3, "objectives_evaluated": 4}}
    assert objectives_figures([a, b], 2022) == {}
    assert {"objectives_achieved", "objectives_evaluated"} <= {f.key for f in figures()}
    row = next(r for r in overview_rows([a, b], 2025) if r.organisation == b)
    cells = {figure.key: (count, link) for figure, count, link in row.cells}
    assert cells["objectives_achieved"] == (1, reverse("objectives:list") + f"?organisation={b.pk}&year=2025")
    assert cells["objectives_evaluated"][0] == 2


@pytest.mark.django_db
def test_the_overview_figures_take_the_same_number_of_queries_for_two_and_six_agencies(secretary):
    def queries(count: int) -> int:
        organisations = [OrganisationFactory(code=f"agency-{count}-{i}") for i in range(count)]
        for org in organisations:
            drafter = UserFactory(unit=UnitFactory(organisation=org), roles=[Role.STAFF])
            _evaluated_plan(drafter.unit, drafter, 2025, [Result.ACHIEVED, Result.NOT_ACHIEVED])
        with CaptureQueriesContext(connection) as captured:
            values = objectives_figures(organisations, 2025)
        assert all(values[org.pk] == {"objectives_achieved": 1, "objectives_evaluated": 2} for org in organisations)
        return len(captured)

    assert queries(2) == queries(6) == 1


@pytest.mark.django_db
def test_the_second_demo_agency_has_an_approved_plan_of_the_year_with_two_objectives():
    from objectives.demo import load_small
    from qms.demo import load_small_agency

    users = load_small_agency()
    load_small(users)
    load_small(users)  # idempotent
    plan = Plan.objects.get(organisation__code="so-cong-thuong")
    assert plan.status == PlanStatus.APPROVED and plan.is_agency
    assert plan.objectives.count() == 2
    assert Plan.objects.visible_to(users["tinh.theodoi"]).get() == plan
    assert not Plan.objects.visible_to(users["sct.thuky"]).exclude(organisation__code="so-cong-thuong").exists()
    assert Decimal(plan.objectives.first().target) == Decimal("100")
