import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the language switch (stored in the language cookie).
    The browser's Accept-Language is ignored on purpose: civil servants on an English-language Windows
    must still get the Vietnamese interface by default. A signed-in user's choice is also kept on the
    user (`User.language`): their inbox, e-mails and audit trails are told in it."""

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)  # set by the language switch (set_language)
        user = getattr(request, "user", None)
        if cookie is not None and cookie.value in dict(settings.LANGUAGES) and user is not None and user.is_authenticated:
            if getattr(user, "language", cookie.value) != cookie.value:
                from .models import User  # noqa: PLC0415 — the app registry is ready only after import

                User.objects.filter(pk=user.pk).update(language=cookie.value)
                user.language = cookie.value
        return response


class SessionTimeoutMiddleware:
    """Signs a user out after settings.SESSION_IDLE_TIMEOUT seconds without a request, and
    settings.SESSION_ABSOLUTE_TIMEOUT seconds after signing in (qms.security keeps that moment in the
    session). The last-seen time is written at most once a minute, not on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            from .security import SESSION_AUTH_AT, SESSION_SEEN_AT  # noqa: PLC0415

            now = int(timezone.now().timestamp())
            session = request.session
            started = session.setdefault(SESSION_AUTH_AT, now)
            seen = session.get(SESSION_SEEN_AT, now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(request, _("Phiên làm việc đã hết hạn. Hãy đăng nhập lại."))
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            if SESSION_SEEN_AT not in session or now - seen >= 60:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer (settings.PERMISSIONS_POLICY), and `Cache-Control: private,
    no-store` on every page of a signed-in user and on every download, so that neither a shared proxy nor
    the browser's cache keeps a copy of a record after the user signs out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = isinstance(response, FileResponse) or "attachment" in response.get("Content-Disposition", "")
        if signed_in or download:
            patch_cache_control(response, private=True, no_store=True)
            # A cache must not keep it for any time: drop what a view may have set.
            for directive in ("max-age", "s-maxage", "public"):
                response["Cache-Control"] = ", ".join(
                    part for part in response["Cache-Control"].split(", ") if not part.startswith(directive)
                )
        return response


def _nfc(value: str) -> str:
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


class NormaliseInputMiddleware:
    """Text posted in NFD (as some Vietnamese keyboards send it) is stored in NFC, like everything else, so
    that a search typed in NFC finds it. Passwords are left exactly as typed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            post = request.POST
            if not all(unicodedata.is_normalized("NFC", text) for k, vs in post.lists() for text in (k, *vs)):
                normalised = QueryDict(mutable=True, encoding=post.encoding)
                for key, values in post.lists():
                    keep = "password" in key
                    normalised.setlist(_nfc(key), values if keep else [_nfc(v) for v in values])
                normalised._mutable = False
                request.POST = cast("_ImmutableQueryDict", normalised)
        return self.get_response(request)
