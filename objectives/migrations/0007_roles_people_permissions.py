"""The procedures' people (qms migration 0009): the top leader approves the agency's objectives (QT.CTCL
5.9); the unit's ISO focal point drafts the unit's plan and records measurements, without approving."""

from django.db import migrations

from qms.roles import Role, grant_permissions

READ = ["view_plan", "view_objective", "view_planaction", "view_measurement"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "objectives",
        {
            Role.TOP_LEADER: READ + ["view_all_plans", "approve_agency_plan"],
            Role.FOCAL_POINT: READ + ["draft_unit_plan", "record_measurement"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("objectives", "0006_overseer_role_permissions"), ("qms", "0009_roles_split_unit_head")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
