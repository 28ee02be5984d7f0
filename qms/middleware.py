from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
