"""Agencies as tenants: what every app uses to keep one agency's data away from another's.

A person belongs to one agency (`User.organisation`); every root record carries the agency it belongs to
and every `visible_to(user)` starts from it, so a record of another agency is simply not found (404).
The provincial overseer reads every agency's finished records and writes nothing; a superuser is the
provincial admin who creates agencies in Django admin; an agency's admin manages only its own."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models

from .models import Organisation, User
from .roles import Role


def is_overseer(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.OVERSEER)


def scope_to(queryset: models.QuerySet, user: User, field: str = "organisation") -> models.QuerySet:
    """`queryset` narrowed to the user's agency; empty for a user without one."""
    if not user.is_authenticated or user.organisation_id is None:
        return queryset.none()
    return queryset.filter(**{field: user.organisation_id})


def same_organisation(user: User, organisation: Organisation | int | None) -> bool:
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return user.is_authenticated and user.organisation_id is not None and user.organisation_id == org_id


def overseer_required(view):
    """Only the provincial overseer; anyone else signed in gets a 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_overseer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
