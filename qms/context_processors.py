from django.http import HttpRequest

from .models import Notification


def inbox(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
