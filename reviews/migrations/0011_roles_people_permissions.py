"""The procedures' people (qms migration 0009): the top leader may approve the plan and sign the minutes
where the organisation names them chair; the unit's ISO focal point and staff draft the unit's report
(change_unitreport) and see and report progress on the unit's actions; the focal point holds the submit
permission, used only when the unit head has named them submitter (reviews.rules)."""

from django.db import migrations

from qms.roles import Role, grant_permissions

VIEW = ["view_review", "view_unitreport", "view_consolidatedreport", "view_minutes", "view_reviewaction"]
UNIT = ["view_review", "view_unitreport", "change_unitreport", "view_reviewaction", "view_minutes"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "reviews",
        {
            Role.TOP_LEADER: VIEW + ["approve_review", "sign_minutes", "follow_up_actions"],
            Role.UNIT_HEAD: UNIT,
            Role.FOCAL_POINT: UNIT + ["submit_unit_report"],
            Role.STAFF: UNIT,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0010_first_submission_and_consolidated_sources"), ("qms", "0009_roles_split_unit_head")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
