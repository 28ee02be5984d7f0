"""QT.CTCL 5.8.1.2: from a decision of the signed minutes, open or update a row of a risk table in one step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qms.errors import ServiceError
from qms.http import AuthenticatedHttpRequest
from qms.models import Unit
from qms.roles import role_permission_required
from risks.models import Risk

from .. import rules, services
from ..forms import ActionRiskForm
from ..models import ReviewAction


@login_required
@role_permission_required("reviews.view_reviewaction")
def action_risk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    qs = ReviewAction.objects.visible_to(request.user).select_related("review", "responsible_unit", "minutes", "risk__unit")
    action = get_object_or_404(qs, pk=pk)
    scopes = rules.action_risk_scopes(request.user, action)
    if not scopes:
        raise PermissionDenied
    tables = Q(pk__in=[])
    for key, _name in scopes:
        tables |= Q(unit__isnull=True) if key == "agency" else Q(unit_id=int(key))
    rows = Risk.objects.visible_to(request.user).filter(tables).select_related("unit")
    initial = {
        "risk": action.risk_id if action.risk_id else None,
        "scope": scopes[-1][0],
        "description": action.description,
        "deadline": action.deadline,
        "owner": action.responsible_unit.name,
    }
    form = ActionRiskForm(request.POST or None, risks=rows, scopes=scopes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = data["scope"]
        values = {k: data[k] for k in ("kind", "process", "description", "cause", "frequency", "impact", "response", "owner", "deadline")}
        try:
            risk = services.review_action_risk_record(
                action=action,
                actor=request.user,
                values=values,
                risk=data["risk"],
                unit=None if data["risk"] is not None or scope == "agency" else Unit.objects.filter(pk=int(scope)).first(),
                risk_version=data["risk_version"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("Đã cập nhật dòng %(n)s của bảng phân tích rủi ro (%(table)s).") % {"n": risk.number, "table": risk.scope_name}
            )
            return redirect("reviews:action_detail", pk=action.pk)
    return render(request, "reviews/action_risk.html", {"action": action, "review": action.review, "form": form})
