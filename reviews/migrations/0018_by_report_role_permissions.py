"""Review by report (QT.CTCL 5.8.2): the ISO secretary drafts the report and the result notice, the Lãnh đạo
Ban ISO approves the report and forwards the notice, the top leader comments and approves the notice, the
members of the Ban ISO comment; every reader of the review reads them (the units once the notice is sent)."""

from django.db import migrations

from qms.roles import Role, grant_permissions

VIEW = ["view_reviewbyreport", "view_resultnotice"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "reviews",
        {
            Role.SECRETARY: [*VIEW, "manage_by_report"],
            Role.COMMITTEE_HEAD: [*VIEW, "approve_by_report"],
            Role.TOP_LEADER: [*VIEW, "comment_by_report", "approve_result_notice"],
            Role.COMMITTEE_MEMBER: [*VIEW, "comment_by_report"],
            Role.UNIT_HEAD: VIEW,
            Role.FOCAL_POINT: VIEW,
            Role.STAFF: VIEW,
            Role.OVERSEER: VIEW,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0017_by_report")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
