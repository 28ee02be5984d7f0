from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import calendar_views, views
from .security import ThrottledPasswordResetForm
from .signing import views as signing_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/unit/", views.dashboard_unit, name="dashboard_unit"),
    path("overview/", views.overview, name="overview"),
    path("overview/export.xlsx", views.overview_export, name="overview_export"),
    path("calendar/", calendar_views.calendar_feed, name="calendar_feed"),
    path("calendar/reset/", calendar_views.calendar_feed_reset, name="calendar_feed_reset"),
    # No session: calendar apps cannot sign in; the URL's secret is the only key (qms.models.CalendarFeed).
    path("calendar/<str:token>.ics", calendar_views.calendar_feed_ics, name="calendar_feed_ics"),
    path("verify/", signing_views.verify, name="verify_pdf"),
    # Rate-limited, and the mail goes through Celery (qms.security); the other account pages are Django's.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("reviews/", include("reviews.urls")),
    path("corrective-actions/", include("corrective_actions.urls")),
    path("objectives/", include("objectives.urls")),
    path("risks/", include("risks.urls")),
]
# Uploaded files are never served from MEDIA_URL, not even in development: every download goes through a
# view that checks the user's role and the record's scope.
