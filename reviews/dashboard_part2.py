"""Home-page panels of Part 2: minutes waiting for the committee head's signature, and the actions
of the unit head's unit coming due or overdue."""
from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dashboard import Panel
from qms.models import Organisation
from qms.roles import Role
from qms.workdays import add_working_days

from .models import Minutes, ReviewAction


def part2_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    panels = []
    if user.has_role(Role.COMMITTEE_HEAD) and user.has_perm("reviews.sign_minutes"):
        drafts = Minutes.objects.filter(status=Minutes.Status.DRAFT).select_related("review")[:20]
        panels.append(Panel(
            title=_("Biên bản chờ ký"),
            items=[(f"{m.review.title} (v{m.revision})", reverse("reviews:minutes_sign", args=[m.pk]), _("Chờ ký"))
                   for m in drafts],
            empty_text=_("Không có biên bản nào chờ ký."),
        ))
    if user.has_role(Role.UNIT_HEAD) and user.unit_id:
        today = timezone.localdate()
        horizon: dt.date = add_working_days(today, Organisation.current().action_reminder_working_days)
        actions = (ReviewAction.objects.visible_to(user).followed().open().filter(deadline__lte=horizon)
                   .select_related("review")[:20])
        panels.append(Panel(
            title=_("Hành động sau họp xem xét đến hạn"),
            items=[(str(a), reverse("reviews:action_detail", args=[a.pk]),
                    _("Quá hạn %(d)s") % {"d": a.deadline.strftime("%d/%m/%Y")} if a.deadline < today
                    else _("Hạn %(d)s") % {"d": a.deadline.strftime("%d/%m/%Y")}) for a in actions],
            empty_text=_("Không có hành động nào sắp đến hạn."),
            more_url=reverse("reviews:action_list"),
        ))
    return panels
