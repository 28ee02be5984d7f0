"""An installation of the single-agency era: each ticket is its requesting unit's agency's (every unit has
one since qms 0005), or the first organisation's when that is somehow missing."""

from django.db import migrations


def fill(apps, schema_editor):
    Ticket = apps.get_model("corrective_actions", "Ticket")
    Unit = apps.get_model("qms", "Unit")
    Organisation = apps.get_model("qms", "Organisation")
    pending = Ticket.objects.filter(organisation__isnull=True)
    if not pending.exists():
        return
    for unit_id, organisation_id in Unit.objects.filter(organisation__isnull=False).values_list("pk", "organisation_id"):
        pending.filter(requesting_unit_id=unit_id).update(organisation_id=organisation_id)
    if pending.exists():
        first = Organisation.objects.order_by("pk").first() or Organisation.objects.create(code="co-quan-1")
        pending.update(organisation=first)


class Migration(migrations.Migration):
    dependencies = [("corrective_actions", "0003_ticket_organisation")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
