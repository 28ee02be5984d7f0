"""Pages of the objectives app. Views check the role and the scope, then call a service."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.errors import ServiceError
from qms.models import Unit
from qms.services import audit_trail

from . import services
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
from .models import Measurement, Objective, Plan, PlanStatus
from .pdf import plan_pdf_bytes
from .progress import current_display, objective_progress, plan_summary
from .rollup import chart_by_unit, chart_over_year, plans_in_force, with_progress, year_rollup


def _needs_view(view):
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("objectives.view_plan"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _plan(request: HttpRequest, pk: int) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(request.user).select_related("unit"), pk=pk)


def _objective(request: HttpRequest, pk: int) -> Objective:
    visible = Plan.objects.visible_to(request.user).values("pk")
    return get_object_or_404(Objective.objects.select_related("plan__unit").filter(plan__in=visible), pk=pk)


def _run(request: HttpRequest, call, success: str) -> bool:
    try:
        call()
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _scopes(user) -> list[tuple[str, str]]:
    scopes = [("agency", _("Cơ quan"))] if services.can_draft(user, agency=True) else []
    if user.unit_id and services.can_draft(user, unit=user.unit):
        scopes.append((str(user.unit_id), user.unit.name))
    return scopes


@_needs_view
def plan_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    plans = list(with_progress(Plan.objects.visible_to(request.user).filter(year=year)))
    in_force = plans_in_force(year)
    rollup = year_rollup(year, in_force)
    context = {
        "year": year,
        "years": sorted({today.year - 1, today.year, today.year + 1, year}, reverse=True),
        "rows": [(plan, plan_summary(plan)) for plan in plans],
        "rollup": rollup,
        "chart_units": chart_by_unit(year, rollup),
        "chart_year": chart_over_year(year, in_force, today),
        "can_create": bool(_scopes(request.user)),
    }
    return render(request, "objectives/list.html", context)


@_needs_view
def plan_create(request: HttpRequest) -> HttpResponse:
    scopes = _scopes(request.user)
    if not scopes:
        raise PermissionDenied
    form = PlanCreateForm(request.POST or None, scopes=scopes, initial={"year": timezone.localdate().year + 1, "copy_previous": True})
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        unit = None if scope == "agency" else Unit.objects.get(pk=int(scope))
        create = services.plan_copy_from_previous if form.cleaned_data["copy_previous"] else services.plan_create
        try:
            plan = create(actor=request.user, year=form.cleaned_data["year"], unit=unit)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lập dự thảo kế hoạch MTCL."))
            return redirect("objectives:plan_detail", pk=plan.pk)
    return render(request, "objectives/plan_create.html", {"form": form})


@_needs_view
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    plan = with_progress(Plan.objects.filter(pk=plan.pk)).get()
    user = request.user
    objectives = []
    for obj in plan.objectives.all():
        last = objective_progress(obj.carried_from) if obj.carried_from_id else None
        objectives.append((obj, objective_progress(obj), last, current_display(obj.carried_from, last) if last else ""))
    context = {
        "plan": plan,
        "objectives": objectives,
        "summary": plan_summary(plan),
        "chart_year": chart_over_year(plan.year, [plan]) if plan.is_locked else "",
        "can_edit": plan.is_editable and services.can_draft(user, plan),
        "can_submit": plan.is_editable and services.can_draft(user, plan),
        "can_approve": plan.status == PlanStatus.SUBMITTED and services.can_approve(user, plan),
        "can_revise": plan.status in (PlanStatus.APPROVED, PlanStatus.MONITORING) and services.can_draft(user, plan),
        "can_measure": plan.can_be_measured and services.can_measure(user, plan),
        "can_evaluate": plan.can_be_measured and services.can_evaluate(user, plan),
        "can_close": plan.can_be_measured and services.can_approve(user, plan),
        "can_open_ticket": services.can_evaluate(user, plan),
        "revision_form": ReasonForm(),
        "comment_form": CommentForm(),
        "pending_revision": Plan.objects.filter(supersedes=plan).first(),
        "audit_entries": audit_trail(plan),
    }
    return render(request, "objectives/plan_detail.html", context)


def _objective_form(request: HttpRequest, plan: Plan, objective: Objective | None) -> HttpResponse:
    if not services.can_draft(request.user, plan):
        raise PermissionDenied
    agency = Objective.objects.filter(plan__unit__isnull=True, plan__year=plan.year).exclude(plan__status=PlanStatus.SUPERSEDED)
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


@_needs_view
def objective_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _objective_form(request, _plan(request, pk), None)


@_needs_view
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    return _objective_form(request, objective.plan, objective)


@_needs_view
@require_POST
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not services.can_draft(request.user, objective.plan):
        raise PermissionDenied
    _run(request, lambda: services.objective_delete(actor=request.user, objective=objective), _("Đã xóa mục tiêu."))
    return redirect("objectives:plan_detail", pk=objective.plan_id)


def _transition(request: HttpRequest, pk: int, check, call, success: str) -> HttpResponse:
    plan = _plan(request, pk)
    if not check(request.user, plan):
        raise PermissionDenied
    _run(request, lambda: call(plan), success)
    return redirect("objectives:plan_detail", pk=plan.pk)


@_needs_view
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, services.can_draft, lambda p: services.plan_submit(actor=request.user, plan=p), _("Đã trình kế hoạch để phê duyệt.")
    )


@_needs_view
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        services.can_approve,
        lambda p: services.plan_approve(actor=request.user, plan=p),
        _("Đã phê duyệt kế hoạch. Kế hoạch đã được khóa."),
    )


@_needs_view
@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _transition(
        request,
        pk,
        services.can_approve,
        lambda p: services.plan_return(actor=request.user, plan=p, comment=comment),
        _("Đã trả lại kế hoạch để sửa."),
    )


@_needs_view
@require_POST
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not services.can_draft(request.user, plan):
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


@_needs_view
@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    summary = request.POST.get("comment", "")
    return _transition(
        request,
        pk,
        services.can_approve,
        lambda p: services.plan_evaluation_close(actor=request.user, plan=p, summary=summary),
        _("Đã hoàn thành đánh giá MTCL cuối năm."),
    )


@_needs_view
def measurement_create(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not services.can_measure(request.user, objective.plan):
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


@_needs_view
def objective_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not services.can_evaluate(request.user, objective.plan):
        raise PermissionDenied
    initial = {
        "result": objective.result,
        "actual": objective.actual_display if objective.result else "",
        "reasons": objective.reasons,
        "next_steps": objective.next_steps,
    }
    form = EvaluationForm(request.POST or None, objective=objective, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.objective_evaluate(
                actor=request.user,
                objective=objective,
                result=d["result"],
                actual_value=d["actual_value"],
                actual_text=d["actual_text"],
                reasons=d["reasons"],
                next_steps=d["next_steps"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã ghi kết quả đánh giá mục tiêu."))
            return redirect("objectives:plan_detail", pk=objective.plan_id)
    progress = objective_progress(objective, use_result=False)
    return render(request, "objectives/evaluate_form.html", {"objective": objective, "form": form, "progress": progress})


@_needs_view
@require_POST
def objective_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not services.can_evaluate(request.user, objective.plan):
        raise PermissionDenied
    _run(
        request,
        lambda: services.objective_ticket_open(actor=request.user, objective=objective),
        _("Đã mở phiếu yêu cầu hành động khắc phục."),
    )
    return redirect("objectives:plan_detail", pk=objective.plan_id)


@_needs_view
def measurement_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Plan.objects.visible_to(request.user).values("pk")
    measurement = get_object_or_404(Measurement.objects.filter(objective__plan__in=visible), pk=pk)
    if not measurement.evidence:
        raise Http404
    return FileResponse(measurement.evidence.open("rb"), as_attachment=True)


@_needs_view
def plan_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = _plan(request, pk)
    response = HttpResponse(plan_pdf_bytes(plan.pk, kind), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="MTCL-{kind}-{plan.year}-{plan.scope_key}.pdf"'
    return response


@_needs_view
def plan_excel(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = _plan(request, pk)
    response = HttpResponse(plan_xlsx(plan.pk, kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="MTCL-{kind}-{plan.year}-{plan.scope_key}.xlsx"'
    return response
