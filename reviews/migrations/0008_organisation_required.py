"""Step 3 of 3: every review and every minutes has its agency; numbers are unique per agency and year."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_fill_organisation")]

    operations = [
        migrations.AlterField(
            model_name="review",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="qms.organisation", verbose_name="cơ quan"
            ),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="qms.organisation", verbose_name="cơ quan"
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("notice_number__isnull", False)),
                fields=("organisation", "notice_year", "notice_number"),
                name="uniq_review_notice_number_per_organisation_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="minutes",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number__isnull", False)),
                fields=("organisation", "number_year", "number", "revision"),
                name="uniq_minutes_number_per_organisation_year",
            ),
        ),
    ]
