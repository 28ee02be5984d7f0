"""A plan's agency is required; one agency plan per agency, year and revision."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("objectives", "0004_fill_plan_organisation")]

    operations = [
        migrations.AlterField(
            model_name="plan",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="qms.organisation", verbose_name="cơ quan"
            ),
        ),
        migrations.AlterField(
            model_name="objectivessettings",
            name="organisation",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="objectives_settings",
                to="qms.organisation",
                verbose_name="cơ quan",
            ),
        ),
        migrations.RemoveConstraint(model_name="plan", name="uniq_objectives_agency_plan_revision"),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", True)),
                fields=("organisation", "year", "revision"),
                name="uniq_objectives_agency_plan_revision",
            ),
        ),
    ]
