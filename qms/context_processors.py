from django.http import HttpRequest

from .models import Notification
from .tenancy import is_overseer


def inbox(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "inbox_unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "is_overseer": is_overseer(user),
    }
