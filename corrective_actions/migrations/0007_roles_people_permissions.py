"""The procedures' people (qms migration 0009): the top leader (Lãnh đạo Sở) verifies tickets; the unit's
ISO focal point opens and follows up tickets, with none of the head's decisions."""

from django.db import migrations

from qms.roles import Role, grant_permissions

READ = ["view_ticket", "view_ticketattachment", "view_progressreport", "view_changerequest"]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "corrective_actions",
        {
            Role.TOP_LEADER: READ + ["open_ticket", "verify_ticket", "export_tickets"],
            Role.FOCAL_POINT: READ + ["open_ticket"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("corrective_actions", "0006_one_pending_change_request"), ("qms", "0009_roles_split_unit_head")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
