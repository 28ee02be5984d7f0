"""Tickets belong to an agency: the column first, nullable, filled by the next migration."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("corrective_actions", "0002_role_permissions"),
        ("qms", "0006_organisation_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="organisation",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="qms.organisation", verbose_name="cơ quan"
            ),
        ),
    ]
