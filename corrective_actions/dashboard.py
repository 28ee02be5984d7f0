"""The home page panel: the tickets waiting for this user."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from qms.dashboard import Panel
from qms.dates import format_date

from .models import Ticket


def my_work_panel(request: HttpRequest) -> list[Panel]:
    tickets = list(Ticket.objects.awaiting(request.user).order_by("completion_date", "pk")[:8])
    items = [
        (
            f"{t.number_display} — {t.description[:70]}",
            t.get_absolute_url(),
            format_date(t.completion_date) or t.get_status_display(),
        )
        for t in tickets
    ]
    return [
        Panel(
            title=_("Phiếu HĐKP/cải tiến chờ tôi xử lý"),
            items=items,
            more_url=reverse("corrective_actions:my_work"),
            empty_text=_("Không có phiếu nào chờ bạn xử lý."),
        )
    ]
