"""Who reads and keeps the risk tables: every role of an agency reads (its unit's and the agency's; the
committee every unit's); the ISO secretary keeps the agency's table, the unit's head (and the focal point
the head names, qms.people.may_decide_for_unit) the unit's."""

from django.db import migrations

from qms.roles import Role, grant_permissions

READ = ["view_risk", "view_riskhistory"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "risks",
        {
            Role.SECRETARY: READ + ["view_all_risks", "maintain_agency_risks"],
            Role.TOP_LEADER: READ + ["view_all_risks"],
            Role.COMMITTEE_HEAD: READ + ["view_all_risks"],
            Role.COMMITTEE_MEMBER: READ + ["view_all_risks"],
            Role.UNIT_HEAD: READ + ["maintain_unit_risks"],
            Role.FOCAL_POINT: READ + ["maintain_unit_risks"],
            Role.STAFF: READ,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial"), ("qms", "0009_roles_split_unit_head")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
