from django.db import migrations

from qms.roles import Role, grant_permissions

VIEW = ["view_review", "view_unitreport", "view_consolidatedreport", "view_minutes", "view_reviewaction"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "reviews",
        {
            Role.SECRETARY: VIEW + ["plan_review", "manage_review", "follow_up_actions", "add_review", "change_review"],
            Role.COMMITTEE_HEAD: VIEW + ["approve_review", "sign_minutes", "follow_up_actions"],
            Role.COMMITTEE_MEMBER: VIEW,
            Role.UNIT_HEAD: ["view_review", "view_unitreport", "submit_unit_report", "view_reviewaction", "view_minutes"],
            Role.STAFF: ["view_review", "view_unitreport", "view_minutes"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("qms", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
