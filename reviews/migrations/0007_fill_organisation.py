"""Step 2 of 3: the reviews (and their minutes) of the single-agency era are the first agency's. An empty
table needs no agency, and none is created for it."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Organisation = apps.get_model("qms", "Organisation")
    Review = apps.get_model("reviews", "Review")
    Minutes = apps.get_model("reviews", "Minutes")
    if Review.objects.filter(organisation__isnull=True).exists():
        organisation = Organisation.objects.order_by("pk").first()
        if organisation is None:
            organisation = Organisation.objects.create(code="co-quan-1")
        Review.objects.filter(organisation__isnull=True).update(organisation=organisation)
    Minutes.objects.filter(organisation__isnull=True).update(
        organisation=Subquery(Review.objects.filter(pk=OuterRef("review_id")).values("organisation_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_organisation")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
