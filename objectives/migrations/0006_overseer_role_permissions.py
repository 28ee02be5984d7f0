"""The provincial overseer reads the objectives pages (which plans: PlanQuerySet.visible_to, every
agency's plans once approved); it is given no permission to write."""

from django.db import migrations

from qms.roles import Role, grant_permissions

READ = ["view_plan", "view_objective", "view_planaction", "view_measurement"]


def grant(apps, schema_editor):
    grant_permissions(apps, "objectives", {Role.OVERSEER: READ})


class Migration(migrations.Migration):
    dependencies = [("objectives", "0005_plan_organisation_required"), ("qms", "0005_fill_organisations_and_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
