"""Pages of the risk table. Each view: signed in with the role's read permission, the row through
`visible_to` (404 outside the user's scope), the rule of rules.py (403), one service, a message, a redirect."""

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

from qms.errors import ServiceError, StaleEditError
from qms.http import AuthenticatedHttpRequest
from qms.models import Unit
from qms.pdf_cache import pdf_download
from qms.roles import role_permission_required
from qms.services import audit_trail

from . import rules, services
from .excel import table_xlsx
from .filters import RiskFilter
from .forms import RiskForm
from .models import Risk, RiskSettings
from .pdf import AGENCY_CODE, UNIT_CODE

VIEW = "risks.view_risk"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _risk(request: AuthenticatedHttpRequest, pk: int) -> Risk:
    return get_object_or_404(Risk.objects.visible_to(request.user).select_related("unit"), pk=pk)


def _table_unit(request: AuthenticatedHttpRequest, scope: str) -> Unit | None:
    """The table a URL names ("agency" or a unit id), 404 unless the user may read it."""
    if scope == "agency":
        return None
    if not scope.isdigit():
        raise Http404
    unit = get_object_or_404(Unit.objects.of(request.user.organisation_id), pk=int(scope))
    if not rules.may_read_table(request.user, unit):
        raise Http404
    return unit


@login_required
@role_permission_required(VIEW)
def risk_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.organisation_id is None:
        raise PermissionDenied
    visible = Risk.objects.visible_to(request.user).select_related("unit")
    filterset = RiskFilter(request.GET or None, queryset=visible, user=request.user)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for risk in page:
        risk.late = risk.is_late(today)
    units = list(Unit.objects.of(request.user.organisation_id).active())
    tables = [("agency", _("Cơ quan"))] + [(str(u.pk), u.name) for u in units if rules.may_read_table(request.user, u)]
    context = {
        "filter": filterset,
        "page": page,
        "tables": tables,
        "can_create": bool(rules.maintained_scopes(request.user)),
        "matrix": RiskSettings.of(request.user.organisation_id),
    }
    return render(request, "risks/list.html", context)


@login_required
@role_permission_required(VIEW)
def risk_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scopes = rules.maintained_scopes(request.user)
    if not scopes:
        raise PermissionDenied
    initial = {"scope": request.GET.get("scope", scopes[0][0])}
    form = RiskForm(request.POST or None, scopes=scopes, initial=initial)
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        unit = None if scope == "agency" else Unit.objects.of(request.user.organisation_id).filter(pk=int(scope)).first()
        try:
            if scope != "agency" and unit is None:
                raise ServiceError(_("Đơn vị này không thuộc cơ quan của bạn."))
            assert request.user.organisation_id is not None  # maintained_scopes is empty otherwise
            risk = services.risk_create(
                actor=request.user, organisation_id=request.user.organisation_id, unit=unit, values=form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã thêm dòng vào bảng phân tích rủi ro."))
            return redirect(risk)
    return render(request, "risks/form.html", {"form": form, "risk": None})


@login_required
@role_permission_required(VIEW)
def risk_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    context = {
        "risk": risk,
        "late": risk.is_late(),
        "history": list(risk.history.select_related("changed_by")),
        "actions": rules.risk_actions(request.user, risk),
        "audit_entries": audit_trail(risk),
    }
    return render(request, "risks/detail.html", context)


@login_required
@role_permission_required(VIEW)
def risk_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    if not rules.can_edit(request.user, risk):
        raise PermissionDenied
    form = RiskForm(request.POST or None, instance=Risk.objects.get(pk=risk.pk))
    version = request.POST.get("version", str(risk.version))
    if request.method == "POST" and form.is_valid():
        try:
            if not version.isdigit():
                raise StaleEditError(_("Trang đã cũ. Hãy tải lại trang."))
            services.risk_update(
                risk=risk, actor=request.user, version=int(version), values=form.cleaned_data, note=form.cleaned_data.get("note", "")
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã lưu; nội dung trước đó được giữ trong lịch sử của dòng."))
            return redirect(risk)
    return render(request, "risks/form.html", {"form": form, "risk": risk, "version": version})


@login_required
@role_permission_required(VIEW)
def table_excel(request: AuthenticatedHttpRequest, scope: str) -> HttpResponse:
    unit = _table_unit(request, scope)
    assert request.user.organisation is not None  # visible_to is empty otherwise (role_permission_required)
    response = HttpResponse(table_xlsx(request.user.organisation, unit), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bang-phan-tich-rui-ro-{scope}.xlsx"'
    return response


@login_required
@role_permission_required(VIEW)
def table_pdf(request: AuthenticatedHttpRequest, scope: str) -> HttpResponseBase:
    unit = _table_unit(request, scope)
    code, pk = (UNIT_CODE, unit.pk) if unit is not None else (AGENCY_CODE, request.user.organisation_id)
    assert pk is not None
    return pdf_download(request, code=code, pk=pk, filename=f"bang-phan-tich-rui-ro-{scope}.pdf", as_attachment=False)
