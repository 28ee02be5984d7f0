"""Authentication hardening: every failed password (login, admin login, the password re-entered to sign) is
written to the audit trail; the moment of signing in is kept in the session for the absolute timeout; the
password-reset form is rate-limited per address and per client address and sends its e-mail through Celery.
django-axes (settings.AXES_*) does the counting and the lockout."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import clock
from .messages import N_
from .messages import render as render_message

SESSION_AUTH_AT = "qms_auth_at"
SESSION_SEEN_AT = "qms_seen_at"
# Set by a view that asks for the password again (signing) before calling authenticate(), so that the
# audit row says what the password was for.
REQUEST_AUTH_PURPOSE = "qms_auth_purpose"

LOGIN_FAILED = N_("Đăng nhập thất bại: sai tên đăng nhập hoặc mật khẩu")
SIGN_PASSWORD_FAILED = N_("Nhập sai mật khẩu khi ký")


def client_address(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR", "") if request is not None else "")[:45]


@receiver(user_logged_in)
def remember_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(timezone.now().timestamp())
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_SEEN_AT] = now


@receiver(user_login_failed)
def audit_login_failure(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """One audit row per failed password. Its target is the account tried when it exists; for a user name that
    does not exist the row points at no account (object_id 0) and its note keeps the name tried."""
    from .models import AuditEntry  # noqa: PLC0415 — the app registry is ready only after import

    user_model = get_user_model()
    username = str(credentials.get(user_model.USERNAME_FIELD) or credentials.get("username") or "")[:150]
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first() if username else None
    purpose = getattr(request, REQUEST_AUTH_PURPOSE, None) if request is not None else None
    action = SIGN_PASSWORD_FAILED if purpose == "sign" else LOGIN_FAILED
    note = N_("Tài khoản: %(username)s · địa chỉ: %(ip)s · đường dẫn: %(path)s") % {
        "username": username,
        "ip": client_address(request),
        "path": (request.path if request is not None else "")[:200],
    }
    AuditEntry.objects.create(
        at=clock.now(),
        organisation_id=getattr(user, "organisation_id", None),
        content_type=ContentType.objects.get_for_model(user_model),
        object_id=user.pk if user is not None else 0,
        actor=user if purpose == "sign" else None,
        action=render_message(action, settings.LANGUAGE_CODE)[:100],
        note=render_message(note, settings.LANGUAGE_CODE),
        message={"action": action.to_json(), "note": note.to_json()},
    )


def _rate_limited(key: str, limit: int) -> bool:
    """Counts one more use of `key` in the current window; True when the limit is already reached."""
    window = settings.PASSWORD_RESET_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the request only queues a Celery task (qms.tasks.send_password_reset_email)
    which looks the address up and sends the mail: the answer takes the same time whether the address
    exists or not. At most settings.PASSWORD_RESET_LIMIT_PER_EMAIL requests per address and
    PASSWORD_RESET_LIMIT_PER_IP per client address are queued in a window; over the limit nothing is sent
    and the page says the same as always, so the limit reveals nothing either."""

    def save(
        self,
        domain_override: str | None = None,
        subject_template_name: str = "registration/password_reset_subject.txt",
        email_template_name: str = "registration/password_reset_email.html",
        use_https: bool = False,
        token_generator: Any = None,
        from_email: str | None = None,
        request: HttpRequest | None = None,
        html_email_template_name: str | None = None,
        extra_email_context: dict[str, Any] | None = None,
    ) -> None:
        from .tasks import send_password_reset_email  # noqa: PLC0415 — tasks import this module's models

        email = self.cleaned_data["email"].strip()
        over_email = _rate_limited(f"pwreset:email:{email.lower()}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
        over_ip = _rate_limited(f"pwreset:ip:{client_address(request)}", settings.PASSWORD_RESET_LIMIT_PER_IP)
        if over_email or over_ip:
            return
        domain = domain_override or (request.get_host() if request is not None else settings.SITE_URL.split("://")[-1])
        send_password_reset_email.delay(
            email=email,
            domain=domain,
            use_https=use_https,
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            from_email=from_email,
        )


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: dict | None = None) -> HttpResponse:
    """The page shown instead of the login (or signing) page while a user name or address is locked out."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/lockout.html", context, status=429)


def password_reverify(request: HttpRequest, password: str, *, purpose: str = "sign") -> bool:
    """True when `password` is the signed-in user's. Goes through authenticate(), so django-axes counts a
    wrong password and locks out like a failed login (the lockout page replaces the answer), and the
    failure is written to the audit trail."""
    from django.contrib.auth import authenticate  # noqa: PLC0415

    user = request.user
    setattr(request, REQUEST_AUTH_PURPOSE, purpose)
    checked = authenticate(request, username=user.get_username(), password=password)
    return checked is not None and checked.pk == user.pk
