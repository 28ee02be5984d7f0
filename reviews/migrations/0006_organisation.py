"""Reviews belong to an agency. Step 1 of 3: the columns, nullable; the constraints that were global become
per agency."""

import django.db.models.deletion
from django.db import migrations, models

import reviews.models


class Migration(migrations.Migration):
    dependencies = [
        ("qms", "0006_organisation_required"),
        ("reviews", "0005_consolidated_objectives_chart"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="organisation",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="qms.organisation", verbose_name="cơ quan"
            ),
        ),
        migrations.AddField(
            model_name="minutes",
            name="organisation",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="qms.organisation", verbose_name="cơ quan"
            ),
        ),
        migrations.RemoveConstraint(model_name="review", name="uniq_review_notice_number_per_year"),
        migrations.RemoveConstraint(model_name="minutes", name="uniq_minutes_number_per_year"),
        migrations.AlterField(
            model_name="actionupdate",
            name="evidence_file",
            field=models.FileField(blank=True, upload_to=reviews.models.evidence_path, verbose_name="tệp bằng chứng"),
        ),
    ]
