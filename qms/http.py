"""Request types for views behind @login_required: `request.user` is then a qms User, which mypy
cannot infer from the decorator."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
