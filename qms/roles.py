"""The product's roles. Each role is a django.contrib.auth Group of this name; the data migrations of
each app grant the group its model permissions, and admins put users in groups in Django admin."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

ViewFunc = Callable[..., Any]


class Role(models.TextChoices):
    """The people as QT.HT.06 and QT.CTCL name them. One person may hold several roles. Who chairs the
    review, verifies tickets and approves the agency's objectives is an organisation setting: see
    qms.people."""

    # Lãnh đạo cao nhất (QT.CTCL): the agency's head — chairs the review where the procedure says so,
    # approves the agency's objectives, verifies tickets unless the organisation names verifiers.
    TOP_LEADER = "Lãnh đạo cao nhất", _("Lãnh đạo cao nhất")
    SECRETARY = "Thư ký ISO", _("Thư ký ISO")
    # The value is the group's name in existing databases: kept; the label says who it is in QT.CTCL too.
    COMMITTEE_HEAD = "Trưởng ban chỉ đạo ISO", _("Trưởng ban chỉ đạo ISO (Lãnh đạo Ban ISO)")
    COMMITTEE_MEMBER = "Thành viên Ban chỉ đạo ISO", _("Thành viên Ban chỉ đạo ISO")
    # Until 2026 this group was "Lãnh đạo đơn vị / Đầu mối ISO": qms migration 0009 renames it.
    UNIT_HEAD = "Lãnh đạo đơn vị", _("Lãnh đạo đơn vị")
    # Đầu mối ISO of a unit: prepares and follows up for the unit; none of the head's decisions unless
    # the head names them the unit's report submitter (Unit.report_submitter).
    FOCAL_POINT = "Đầu mối ISO", _("Đầu mối ISO")
    STAFF = "Cán bộ, công chức", _("Cán bộ, công chức")
    # The provincial department in charge of ISO application: reads every agency's finished records.
    OVERSEER = "Cán bộ theo dõi ISO cấp tỉnh", _("Cán bộ theo dõi ISO cấp tỉnh")
    # An agency's own administrator in Django admin: its units, users, days off and settings only.
    AGENCY_ADMIN = "Quản trị hệ thống của cơ quan", _("Quản trị hệ thống của cơ quan")


# The group name UNIT_HEAD had when head and focal point were one role (renamed by qms migration 0009).
OLD_UNIT_HEAD_NAME = "Lãnh đạo đơn vị / Đầu mối ISO"


def role_permission_required(perm: str) -> Callable[[ViewFunc], ViewFunc]:
    """permission_required for the app's own pages: the permission must come from the user's role groups,
    so a superuser without the role gets 403 like anyone (Django admin keeps the superuser's rights)."""
    from django.contrib.auth.decorators import user_passes_test

    def check(user: Any) -> bool:
        if user.is_authenticated and not user.has_role_perm(perm):
            raise PermissionDenied
        return bool(user.is_authenticated)

    return user_passes_test(check)


def grant_permissions(apps, app_label: str, grants: dict[Role, list[str]]) -> None:
    """Used by data migrations: create the app's permissions now (Django only makes them after the
    whole migrate run) and give each role group its codenames. Idempotent."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    if getattr(app_config, "models_module", None) is None:  # a migration's historical app: create_permissions skips it otherwise
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)
