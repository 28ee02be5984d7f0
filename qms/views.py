from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .dashboard import panels_for
from .dashboards import Scope, dashboard_charts, has_agency_dashboard, has_unit_dashboard
from .http import AuthenticatedHttpRequest
from .models import Notification, Organisation
from .overview import figures, overview_rows
from .overview_export import overview_workbook
from .services import notification_mark_read
from .tenancy import overseer_required

logger = logging.getLogger(__name__)
# /healthz says which check failed ("unavailable"), never why: the exception goes to the log only.


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "qms/home.html", {"panels": panels_for(request)})


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(recipient=request.user), 25).get_page(request.GET.get("page"))
    notifications = list(page)
    for notification in notifications:  # in the reader's language, whoever acted
        notification.subject_text = notification.subject_in()  # type: ignore[attr-defined]
        notification.body_text = notification.body_in()  # type: ignore[attr-defined]
    return render(request, "qms/inbox.html", {"page": page, "notifications": notifications})


@login_required
@require_POST
def inbox_mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    raw_id = request.POST.get("id")
    if raw_id is None:
        count = notification_mark_read(user=request.user)
    elif raw_id.isascii() and raw_id.isdigit():
        count = notification_mark_read(user=request.user, notification_id=int(raw_id))
    else:
        count = 0  # a malformed id marks nothing, rather than every notification
    messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": count})
    return redirect("inbox")


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The agency-wide dashboard of the ISO secretary, the steering-committee head and the top leader:
    charts of what the viewer may read of the agency, each bar a link to the list behind it."""
    if not has_agency_dashboard(request.user):
        raise PermissionDenied
    scope = Scope(user=request.user, unit=None, year=timezone.localdate().year, today=timezone.localdate())
    return render(request, "qms/dashboard.html", {"charts": dashboard_charts(scope), "scope": scope})


@login_required
@require_GET
def dashboard_unit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A unit head's view of their own unit: the same charts, narrowed to the unit."""
    if not has_unit_dashboard(request.user):
        raise PermissionDenied
    scope = Scope(user=request.user, unit=request.user.unit, year=timezone.localdate().year, today=timezone.localdate())
    return render(request, "qms/dashboard.html", {"charts": dashboard_charts(scope), "scope": scope})


def _overview_year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


@login_required
@overseer_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The provincial overseer's page: a row of figures per agency, each a link down to the records."""
    year = _overview_year(request)
    agencies = list(Organisation.objects.agencies())
    context = {
        "year": year,
        "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        "figures": figures(),
        "rows": overview_rows(agencies, year),
    }
    return render(request, "qms/overview.html", context)


@login_required
@overseer_required
def overview_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _overview_year(request)
    data = overview_workbook(overview_rows(list(Organisation.objects.agencies()), year), figures(), year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tong-quan-iso-{year}.xlsx"'
    return response


def _broker_ok() -> tuple[bool, str]:
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception:  # noqa: BLE001 — any failure means the broker is not usable
        logger.exception("healthz: broker check failed")
        return False, "unavailable"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db = (True, "ok")
    except Exception:  # noqa: BLE001
        logger.exception("healthz: database check failed")
        db = (False, "unavailable")
    broker = _broker_ok()
    healthy = db[0] and broker[0]
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": db[1], "broker": broker[1]},
        status=200 if healthy else 503,
    )
