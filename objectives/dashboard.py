"""The objectives panel of the home page: plans waiting for this user's approval or correction."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from qms.dashboard import Panel

from .models import EDITABLE_STATES, Plan
from .rules import can_draft


def objectives_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or not user.has_perm("objectives.view_plan"):
        return []
    items = [
        (
            _("Phê duyệt: kế hoạch MTCL %(y)s — %(s)s") % {"y": p.year, "s": p.scope_name},
            p.get_absolute_url(),
            _("Chờ phê duyệt"),
        )
        for p in Plan.objects.awaiting_approval_by(user)
    ]
    own = Plan.objects.visible_to(user).filter(status__in=EDITABLE_STATES).select_related("unit")
    items += [
        (
            _("Hoàn thiện: kế hoạch MTCL %(y)s — %(s)s") % {"y": p.year, "s": p.scope_name},
            p.get_absolute_url(),
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
