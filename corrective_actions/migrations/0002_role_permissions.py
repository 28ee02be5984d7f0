from django.db import migrations

from qms.roles import Role, grant_permissions

READ = ["view_ticket", "view_ticketattachment", "view_progressreport", "view_changerequest"]


GRANTS = {
    Role.STAFF: READ + ["open_ticket"],
    Role.UNIT_HEAD: READ + ["open_ticket", "decide_ticket", "export_tickets"],
    # Internal auditors are committee members: they open tickets too (QT.CTCL 5.2.1).
    Role.COMMITTEE_MEMBER: READ + ["open_ticket", "export_tickets"],
    Role.SECRETARY: READ + ["open_ticket", "consolidate_ticket", "close_ticket", "export_tickets"],
    Role.COMMITTEE_HEAD: READ + ["open_ticket", "assign_ticket", "verify_ticket", "close_ticket", "export_tickets"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "corrective_actions", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("corrective_actions", "0001_tickets"), ("qms", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
