"""The objectives panel of the home page: plans waiting for this user's approval or correction."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dashboard import Panel

from .lateness import late_items
from .models import EDITABLE_STATES, Plan
from .rules import can_draft


def objectives_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or not user.has_role_perm("objectives.view_plan"):
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


def objectives_late_panel(request: HttpRequest) -> list[Panel]:
    """QT.CTCL 5.9 deadlines passed: the ISO committee and the top leader see every scope of their agency,
    a unit head their unit's; listed until the plan is approved or evaluated."""
    user = request.user
    if not user.is_authenticated or user.organisation_id is None:
        return []
    if user.has_role_perm("objectives.view_all_plans") or user.has_role_perm("objectives.approve_agency_plan"):
        items = late_items(user.organisation_id, timezone.localdate())
    elif user.has_role_perm("objectives.approve_unit_plan") and user.unit_id:
        items = late_items(user.organisation_id, timezone.localdate(), unit=user.unit_id, agency=False)
    else:
        return []
    if not items:
        return []
    return [
        Panel(
            title=str(_("Mục tiêu chất lượng trễ hạn (QT.CTCL 5.9)")),
            items=[(item.label, item.url, str(_("Trễ hạn"))) for item in items],
            more_url=reverse("objectives:list"),
        )
    ]
