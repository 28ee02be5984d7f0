"""An installation of the single-agency era becomes one tenant: its settings row is that agency, and its
units, users (but superusers, who become provincial admins), counters and audit rows are the agency's."""

from django.db import migrations

from qms.roles import Role

AGENCY_ADMIN_PERMISSIONS = [
    "view_organisation",
    "change_organisation",
    "view_unit",
    "add_unit",
    "change_unit",
    "view_user",
    "add_user",
    "change_user",
    "view_calendarexception",
    "add_calendarexception",
    "change_calendarexception",
    "delete_calendarexception",
    "view_auditentry",
    "view_notification",
    "view_documentcounter",
]


def fill(apps, schema_editor):
    Organisation = apps.get_model("qms", "Organisation")
    Unit = apps.get_model("qms", "Unit")
    User = apps.get_model("qms", "User")
    for org in Organisation.objects.filter(code__isnull=True):
        org.code = f"co-quan-{org.pk}"
        org.save(update_fields=["code"])
    has_data = Unit.objects.exists() or User.objects.filter(is_superuser=False).exists()
    org = Organisation.objects.order_by("pk").first()
    if org is None and not has_data:
        return
    if org is None:
        org = Organisation.objects.create(code="co-quan-1")
    Unit.objects.filter(organisation__isnull=True).update(organisation=org)
    User.objects.filter(organisation__isnull=True, is_superuser=False).update(organisation=org)
    for name in ("DocumentCounter", "AuditEntry"):
        apps.get_model("qms", name).objects.filter(organisation__isnull=True).update(organisation=org)


def role_groups(apps, schema_editor):
    from qms.roles import grant_permissions

    Group = apps.get_model("auth", "Group")
    for role in (Role.OVERSEER, Role.AGENCY_ADMIN):
        Group.objects.get_or_create(name=role.value)
    grant_permissions(apps, "qms", {Role.AGENCY_ADMIN: AGENCY_ADMIN_PERMISSIONS})


class Migration(migrations.Migration):
    dependencies = [("qms", "0004_organisations_as_tenants")]
    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(role_groups, migrations.RunPython.noop),
    ]
