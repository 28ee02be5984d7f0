from django.db import migrations

from qms.roles import Role, grant_permissions

READ = ["view_plan", "view_objective", "view_planaction", "view_measurement"]
ALL = ["view_all_plans"]


GRANTS = {
    # Ban ISO (through its secretary) drafts and submits the agency's objectives (QT.CTCL 5.9).
    Role.SECRETARY: READ + ALL + ["draft_agency_plan", "record_measurement"],
    # The agency's head approves the agency's objectives and plan.
    Role.COMMITTEE_HEAD: READ + ALL + ["approve_agency_plan"],
    Role.COMMITTEE_MEMBER: READ + ALL,
    # A unit head has the unit's plan drafted (by staff or themself) and approves it.
    Role.UNIT_HEAD: READ + ["draft_unit_plan", "approve_unit_plan", "record_measurement"],
    Role.STAFF: READ + ["draft_unit_plan", "record_measurement"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "objectives", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("objectives", "0001_initial"), ("qms", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
