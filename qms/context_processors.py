from django.http import HttpRequest

from .dashboards import has_agency_dashboard, has_unit_dashboard
from .models import Notification
from .tenancy import is_overseer


def inbox(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "inbox_unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "is_overseer": is_overseer(user),
        # The navigation's dashboard entry: the agency-wide one if the user has it, else their unit's.
        "dashboard_url_name": "dashboard" if has_agency_dashboard(user) else "dashboard_unit" if has_unit_dashboard(user) else "",
    }
