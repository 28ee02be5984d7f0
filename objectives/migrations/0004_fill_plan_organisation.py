"""An installation of the single-agency era: its plans belong to their unit's agency (an agency plan, to
the first agency), and its one settings row to the first agency."""

from django.db import migrations


def fill(apps, schema_editor):
    Organisation = apps.get_model("qms", "Organisation")
    Plan = apps.get_model("objectives", "Plan")
    ObjectivesSettings = apps.get_model("objectives", "ObjectivesSettings")
    first = Organisation.objects.order_by("pk").first()
    for plan in Plan.objects.filter(organisation__isnull=True).select_related("unit"):
        plan.organisation_id = plan.unit.organisation_id if plan.unit_id else (first.pk if first else None)
        plan.save(update_fields=["organisation"])
    rows = list(ObjectivesSettings.objects.filter(organisation__isnull=True).order_by("pk"))
    if rows and first is not None and not ObjectivesSettings.objects.filter(organisation=first).exists():
        rows[0].organisation_id = first.pk
        rows[0].save(update_fields=["organisation"])
        rows = rows[1:]
    for row in rows:  # the singleton had one row; any other had no effect and has no agency to belong to
        row.delete()


class Migration(migrations.Migration):
    dependencies = [("objectives", "0003_plan_organisation")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
