"""Pages of the objectives app. Each view: the decorators (signed in, may read plans, POST for a step),
the plan or objective through `visible_to` (404 outside the user's scope), the rule of rules.py that
allows the step (403), one service, a message, a redirect. Everything is within the user's agency; the
provincial overseer reads every agency's approved plans (visible_to) and no rule lets them write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.context import DraftingSource, drafting_sources
from qms.errors import ServiceError
from qms.http import AuthenticatedHttpRequest, file_download
from qms.models import Organisation, Unit, User
from qms.pdf_cache import pdf_download
from qms.roles import role_permission_required
from qms.services import audit_trail
from qms.tenancy import is_overseer

from . import rules, services
from .charts import WEB_FONT
from .excel import plan_xlsx
from .forms import (
    CommentForm,
    EvaluationForm,
    MeasurementForm,
    ObjectiveForm,
    PlanActionFormSet,
    PlanCreateForm,
    ReasonForm,
)
from .lateness import late_marks
from .models import IN_FORCE_STATES, Measurement, Objective, ObjectivesSettings, Plan, PlanStatus
from .pdf import KINDS
from .progress import current_display, objective_progress, plan_summary
from .rollup import chart_by_unit, chart_over_year, in_force_of, with_progress, year_rollup

VIEW_PLAN = "objectives.view_plan"


def _plan(request: AuthenticatedHttpRequest, pk: int) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(request.user).select_related("unit"), pk=pk)


def _objective(request: AuthenticatedHttpRequest, pk: int) -> Objective:
    visible = Plan.objects.visible_to(request.user).values("pk")
    return get_object_or_404(Objective.objects.select_related("plan__unit").filter(plan__in=visible), pk=pk)


def _scopes(user: User) -> list[tuple[str, str]]:
    scopes = [("agency", _("Cơ quan"))] if rules.can_draft(user, agency=True) else []
    if user.unit is not None and rules.can_draft(user, unit=user.unit):
        scopes.append((str(user.unit_id), user.unit.name))
    return scopes


def _list_organisation(request: AuthenticatedHttpRequest) -> Organisation | None:
    """Whose year the list shows: the user's agency; for the provincial overseer, the agency of the
    drill-down link (?organisation=<pk>), else every agency's approved plans without a roll-up."""
    if is_overseer(request.user):
        raw = request.GET.get("organisation", "")
        return get_object_or_404(Organisation.objects.agencies(), pk=int(raw)) if raw.isdigit() else None
    return request.user.organisation


@login_required
@role_permission_required(VIEW_PLAN)
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    organisation = _list_organisation(request)
    visible = Plan.objects.visible_to(request.user).filter(year=year)
    if organisation is not None:
        visible = visible.filter(organisation=organisation)
    rollup, chart_units, chart_year, page = None, "", "", None
    if organisation is not None:
        # The agency's year is read once (issue 15: it was read again for the roll-up): the rows are the
        # plans the user may see, the roll-up and the charts the plans in force.
        year_plans = list(with_progress(Plan.objects.of(organisation).filter(year=year).select_related("organisation")))
        shown = set(visible.values_list("pk", flat=True))
        plans = [plan for plan in year_plans if plan.pk in shown]
        in_force = in_force_of(year_plans)
        rollup = year_rollup(year, in_force, organisation=organisation)
        chart_units = chart_by_unit(year, rollup, organisation=organisation, font=WEB_FONT)
        chart_year = chart_over_year(year, in_force, today, font=WEB_FONT)
    else:
        # The overseer's list of every agency's plans: paginated, the tree read for the page's plans only.
        page = Paginator(visible, 50).get_page(request.GET.get("page"))
        plans = list(with_progress(Plan.objects.filter(pk__in=[plan.pk for plan in page]).select_related("organisation")))
    conf = ObjectivesSettings.of(organisation) if organisation is not None else None
    for plan in plans:  # 5.9: approved after 30/01 or evaluated after 31/12 (or not yet) is marked late
        plan.late_list = late_marks(plan, today, conf) if conf is not None else []  # type: ignore[attr-defined]
    context = {
        "quality_policy": conf.quality_policy if conf is not None else "",
        "year": year,
        "years": sorted({today.year - 1, today.year, today.year + 1, year}, reverse=True),
        "rows": [(plan, plan_summary(plan)) for plan in plans],
        "rollup": rollup,
        "chart_units": chart_units,
        "chart_year": chart_year,
        "can_create": bool(_scopes(request.user)),
        # The overseer's view names the agency of each plan (or the one drilled into).
        "overseer": is_overseer(request.user),
        "organisation": organisation,
        "page": page,
    }
    return render(request, "objectives/list.html", context)


@login_required
@role_permission_required(VIEW_PLAN)
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scopes = _scopes(request.user)
    if not scopes:
        raise PermissionDenied
    form = PlanCreateForm(request.POST or None, scopes=scopes, initial={"year": timezone.localdate().year + 1, "copy_previous": True})
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        # Only a unit of the user's agency (the form's choices already say so).
        unit = None if scope == "agency" else Unit.objects.of(request.user.organisation_id).filter(pk=int(scope)).first()
        year = form.cleaned_data["year"]
        try:
            if scope != "agency" and unit is None:
                raise ServiceError(_("Đơn vị này không thuộc cơ quan của bạn."))
            if form.cleaned_data["copy_previous"]:
                plan = services.plan_copy_from_previous(actor=request.user, year=year, unit=unit)
            else:
                plan = services.plan_create(actor=request.user, year=year, unit=unit)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lập dự thảo kế hoạch MTCL."))
            return redirect("objectives:plan_detail", pk=plan.pk)
    return render(request, "objectives/plan_create.html", {"form": form})


@login_required
@role_permission_required(VIEW_PLAN)
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = with_progress(Plan.objects.filter(pk=_plan(request, pk).pk)).get()
    objectives = []
    for obj in plan.objectives.all():
        last, shown = None, ""
        if obj.carried_from is not None:  # last year's objective, shown beside this one
            last = objective_progress(obj.carried_from)
            shown = current_display(obj.carried_from, last)
        objectives.append((obj, objective_progress(obj), last, shown))
    conf = ObjectivesSettings.of(plan.organisation_id)
    previous = None
    sources: list[DraftingSource] = []
    if plan.is_editable:
        # 5.9: a plan is drafted "căn cứ … kết quả đánh giá thực hiện MTCL năm trước" of the same unit.
        previous = (
            Plan.objects.visible_to(request.user)
            .filter(organisation_id=plan.organisation_id, unit_id=plan.unit_id, year=plan.year - 1, status__in=IN_FORCE_STATES)
            .prefetch_related("objectives")
            .order_by("-revision")
            .first()
        )
        # 5.9: "… và kết luận của xem xét lãnh đạo" that concern the unit (registered by reviews, one query).
        sources = drafting_sources(organisation_id=plan.organisation_id, unit_id=plan.unit_id, year=plan.year)
    context = {
        "quality_policy": conf.quality_policy,
        "late_marks": late_marks(plan, timezone.localdate(), conf),
        "previous_plan": previous,
        "drafting_sources": sources,
        "plan": plan,
        "objectives": objectives,
        "summary": plan_summary(plan),
        "chart_year": chart_over_year(plan.year, [plan], font=WEB_FONT) if plan.is_locked else "",
        "actions": rules.plan_actions(request.user, plan),
        "revision_form": ReasonForm(),
        "comment_form": CommentForm(),
        "pending_revision": Plan.objects.visible_to(request.user).filter(supersedes=plan).first(),
        "audit_entries": audit_trail(plan),
    }
    return render(request, "objectives/plan_detail.html", context)


def _objective_form(request: AuthenticatedHttpRequest, plan: Plan, objective: Objective | None) -> HttpResponse:
    """The page of an objective and its actions, new or edited: one page for both buttons."""
    if not rules.can_draft(request.user, plan):
        raise PermissionDenied
    agency = Objective.objects.filter(plan__organisation_id=plan.organisation_id, plan__unit__isnull=True, plan__year=plan.year).exclude(
        plan__status=PlanStatus.SUPERSEDED
    )
    form = ObjectiveForm(request.POST or None, instance=objective, plan=plan, agency_objectives=agency)
    formset = PlanActionFormSet(request.POST or None, instance=objective or Objective(plan=plan), prefix="actions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        actions = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        for order, action in enumerate(actions, start=1):
            action["order"] = order
        try:
            services.objective_save(
                actor=request.user,
                plan=plan,
                data=form.service_data(),
                actions=actions,
                objective=objective,
                version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã lưu mục tiêu."))
            return redirect("objectives:plan_detail", pk=plan.pk)
    elif request.method == "GET" and plan.is_locked:
        messages.warning(request, _("Kế hoạch đã được phê duyệt nên đã khóa. Muốn thay đổi, hãy lập lần sửa đổi mới và ghi rõ lý do."))
    return render(request, "objectives/objective_form.html", {"plan": plan, "form": form, "formset": formset, "objective": objective})


@login_required
@role_permission_required(VIEW_PLAN)
def objective_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _objective_form(request, _plan(request, pk), None)


@login_required
@role_permission_required(VIEW_PLAN)
def objective_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    return _objective_form(request, objective.plan, objective)


@login_required
@role_permission_required(VIEW_PLAN)
@require_POST
def objective_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not rules.can_draft(request.user, objective.plan):
        raise PermissionDenied
    try:
        services.objective_delete(actor=request.user, objective=objective)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa mục tiêu."))
    return redirect("objectives:plan_detail", pk=objective.plan_id)


@login_required
@role_permission_required(VIEW_PLAN)
@require_POST
def plan_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not rules.can_draft(request.user, plan):
        raise PermissionDenied
    try:
        services.plan_submit(actor=request.user, plan=plan)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã trình kế hoạch để phê duyệt."))
    return redirect("objectives:plan_detail", pk=plan.pk)


@login_required
@role_permission_required(VIEW_PLAN)
@require_POST
def plan_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not rules.can_approve(request.user, plan):
        raise PermissionDenied
    try:
        services.plan_approve(actor=request.user, plan=plan)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã phê duyệt kế hoạch. Kế hoạch đã được khóa."))
    return redirect("objectives:plan_detail", pk=plan.pk)


@login_required
@role_permission_required(VIEW_PLAN)
@require_POST
def plan_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not rules.can_approve(request.user, plan):
        raise PermissionDenied
    try:
        services.plan_return(actor=request.user, plan=plan, comment=request.POST.get("comment", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã trả lại kế hoạch để sửa."))
    return redirect("objectives:plan_detail", pk=plan.pk)


@login_required
@role_permission_required(VIEW_PLAN)
@require_POST
def plan_revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not rules.can_draft(request.user, plan):
        raise PermissionDenied
    try:
        revision = services.plan_revise(actor=request.user, plan=plan, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("objectives:plan_detail", pk=plan.pk)
    messages.success(
        request, _("Đã lập lần sửa đổi %(n)d. Kế hoạch cũ vẫn có hiệu lực đến khi lần sửa đổi được phê duyệt.") % {"n": revision.revision}
    )
    return redirect("objectives:plan_detail", pk=revision.pk)


@login_required
@role_permission_required(VIEW_PLAN)
@require_POST
def plan_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not rules.can_approve(request.user, plan):
        raise PermissionDenied
    try:
        services.plan_evaluation_close(actor=request.user, plan=plan, summary=request.POST.get("comment", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã hoàn thành đánh giá MTCL cuối năm."))
    return redirect("objectives:plan_detail", pk=plan.pk)


@login_required
@role_permission_required(VIEW_PLAN)
def measurement_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not rules.can_measure(request.user, objective.plan):
        raise PermissionDenied
    initial = {"measured_on": timezone.localdate(), "period": request.GET.get("period")}
    form = MeasurementForm(request.POST or None, request.FILES or None, objective=objective, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measurement_record(
                actor=request.user,
                objective=objective,
                period=data["period"],
                value=data["value"],
                measured_on=data["measured_on"],
                comment=data["comment"],
                evidence=data["evidence"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã ghi số liệu theo dõi."))
            return redirect("objectives:plan_detail", pk=objective.plan_id)
    measurements = list(objective.measurements.all())
    return render(request, "objectives/measurement_form.html", {"objective": objective, "form": form, "measurements": measurements})


@login_required
@role_permission_required(VIEW_PLAN)
def objective_evaluate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not rules.can_evaluate(request.user, objective.plan):
        raise PermissionDenied
    initial = {
        "result": objective.result,
        "actual": objective.actual_display if objective.result else "",
        "reasons": objective.reasons,
        "next_steps": objective.next_steps,
    }
    form = EvaluationForm(request.POST or None, objective=objective, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.objective_evaluate(
                actor=request.user,
                objective=objective,
                result=data["result"],
                actual_value=data["actual_value"],
                actual_text=data["actual_text"],
                reasons=data["reasons"],
                next_steps=data["next_steps"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã ghi kết quả đánh giá mục tiêu."))
            return redirect("objectives:plan_detail", pk=objective.plan_id)
    progress = objective_progress(objective, use_result=False)
    return render(request, "objectives/evaluate_form.html", {"objective": objective, "form": form, "progress": progress})


@login_required
@role_permission_required(VIEW_PLAN)
@require_POST
def objective_ticket(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not rules.can_evaluate(request.user, objective.plan):
        raise PermissionDenied
    try:
        services.objective_ticket_open(actor=request.user, objective=objective)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã mở phiếu yêu cầu hành động khắc phục."))
    return redirect("objectives:plan_detail", pk=objective.plan_id)


@login_required
@role_permission_required(VIEW_PLAN)
def measurement_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    visible = Plan.objects.visible_to(request.user).values("pk")
    measurement = get_object_or_404(Measurement.objects.filter(objective__plan__in=visible), pk=pk)
    if not measurement.evidence:
        raise Http404
    return file_download(request, measurement.evidence)


@login_required
@role_permission_required(VIEW_PLAN)
def plan_pdf(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponseBase:
    plan = _plan(request, pk)
    if kind not in KINDS:
        raise Http404
    # Laid out by the worker (qms.pdf_cache): the PDF when it is ready, else a page that waits for it.
    filename = f"MTCL-{kind}-{plan.year}-{plan.scope_key}.pdf"
    return pdf_download(request, code=KINDS[kind][0], pk=plan.pk, filename=filename, as_attachment=False)


@login_required
@role_permission_required(VIEW_PLAN)
def plan_excel(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = _plan(request, pk)
    response = HttpResponse(plan_xlsx(plan.pk, kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="MTCL-{kind}-{plan.year}-{plan.scope_key}.xlsx"'
    return response
