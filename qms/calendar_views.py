"""The person's calendar subscription: the page that shows its secret URL and resets it, and the feed itself,
which calendar apps fetch without a session (the URL's secret is the key)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .feeds import feed_events, feed_ics
from .http import AuthenticatedHttpRequest
from .models import CalendarFeed
from .services import calendar_feed_of
from .services import calendar_feed_reset as feed_reset

UPCOMING_SHOWN = 10


@login_required
def calendar_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = calendar_feed_of(user=request.user)
    url = settings.SITE_URL.rstrip("/") + reverse("calendar_feed_ics", args=[feed.token])
    today = timezone.localdate()
    upcoming = [e for e in feed_events(request.user, today=today) if e.day >= today][:UPCOMING_SHOWN]
    return render(
        request,
        "qms/calendar_feed.html",
        {"feed": feed, "feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[-1], "upcoming": upcoming},
    )


@login_required
@require_POST
def calendar_feed_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed_reset(user=request.user)
    messages.success(request, _("Đã tạo địa chỉ lịch mới. Địa chỉ cũ không còn dùng được: hãy đăng ký lại trong ứng dụng lịch."))
    return redirect("calendar_feed")


@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    # A wrong, old or malformed secret looks the same as a missing page: nothing says a feed exists.
    if len(token) > 64:
        raise Http404
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    with translation.override(feed.user.language):  # no session: the person's own language
        body = feed_ics(feed.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-iso.ics"'
    return response
