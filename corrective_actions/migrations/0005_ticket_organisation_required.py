"""Every ticket now has its agency: the column becomes required and numbers restart per agency."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("corrective_actions", "0004_fill_ticket_organisation")]

    operations = [
        migrations.AlterField(
            model_name="ticket",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="qms.organisation", verbose_name="cơ quan"
            ),
        ),
        migrations.RemoveConstraint(model_name="ticket", name="uniq_ca_ticket_number_per_year"),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.UniqueConstraint(
                fields=("organisation", "year", "number"), name="uniq_ca_ticket_number_per_organisation_year"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket", index=models.Index(fields=["organisation", "status"], name="corrective__organis_aa86b1_idx")
        ),
    ]
