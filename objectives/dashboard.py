"""The objectives panel of the home page: plans waiting for this user's approval or correction."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from qms.dashboard import Panel

from .models import Plan, PlanStatus
from .services import can_draft, plans_waiting_for


def objectives_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or not user.has_perm("objectives.view_plan"):
        return []
    items = [
        (
            _("Phê duyệt: kế hoạch MTCL %(y)s — %(s)s") % {"y": p.year, "s": p.scope_name},
            reverse("objectives:plan_detail", args=[p.pk]),
            _("Chờ phê duyệt"),
        )
        for p in plans_waiting_for(user)
    ]
    own = Plan.objects.visible_to(user).filter(status__in=[PlanStatus.DRAFT, PlanStatus.RETURNED]).select_related("unit")
    items += [
        (
            _("Hoàn thiện: kế hoạch MTCL %(y)s — %(s)s") % {"y": p.year, "s": p.scope_name},
            reverse("objectives:plan_detail", args=[p.pk]),
            p.get_status_display(),
        )
        for p in own
        if can_draft(user, p)
    ]
    return [
        Panel(
            title=str(_("Mục tiêu chất lượng")),
            items=items,
            more_url=reverse("objectives:list"),
            empty_text=str(_("Không có kế hoạch MTCL nào chờ bạn.")),
        )
    ]
