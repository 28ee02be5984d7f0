"""The provincial overseer reads the agencies' finished reviews: the view permissions, nothing more (which
records is visible_to's business: signed minutes of finished reviews only)."""

from django.db import migrations

from qms.roles import Role, grant_permissions

VIEW = ["view_review", "view_unitreport", "view_consolidatedreport", "view_minutes", "view_reviewaction"]


def grant(apps, schema_editor):
    grant_permissions(apps, "reviews", {Role.OVERSEER: VIEW})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0008_organisation_required"), ("qms", "0005_fill_organisations_and_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
