"""Agencies as tenants: a plan and the objectives settings belong to one agency (nullable first; filled by
0004, then required by 0005)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("objectives", "0002_role_permissions"),
        ("qms", "0006_organisation_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="organisation",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="qms.organisation", verbose_name="cơ quan"
            ),
        ),
        migrations.AddField(
            model_name="objectivessettings",
            name="organisation",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="objectives_settings",
                to="qms.organisation",
                verbose_name="cơ quan",
            ),
        ),
    ]
