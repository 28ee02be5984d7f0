"""The product's roles. Each role is a django.contrib.auth Group of this name; the data migrations of
each app grant the group its model permissions, and admins put users in groups in Django admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARY = "Thư ký ISO", _("Thư ký ISO")
    COMMITTEE_HEAD = "Trưởng ban chỉ đạo ISO", _("Trưởng ban chỉ đạo ISO")
    COMMITTEE_MEMBER = "Thành viên Ban chỉ đạo ISO", _("Thành viên Ban chỉ đạo ISO")
    UNIT_HEAD = "Lãnh đạo đơn vị / Đầu mối ISO", _("Lãnh đạo đơn vị / Đầu mối ISO")
    STAFF = "Cán bộ, công chức", _("Cán bộ, công chức")
    # The provincial department in charge of ISO application: reads every agency's finished records.
    OVERSEER = "Cán bộ theo dõi ISO cấp tỉnh", _("Cán bộ theo dõi ISO cấp tỉnh")
    # An agency's own administrator in Django admin: its units, users, days off and settings only.
    AGENCY_ADMIN = "Quản trị hệ thống của cơ quan", _("Quản trị hệ thống của cơ quan")


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
