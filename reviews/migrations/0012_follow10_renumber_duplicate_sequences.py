"""Before "lần trong năm" becomes unique per agency, year and kind (migration 0013): a review that shares
its number with an earlier review of the same agency, year and kind gets the next free number."""

from django.db import migrations


def renumber(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    used: dict[tuple[int, int, str], set[int]] = {}
    for review in Review.objects.order_by("organisation_id", "year", "kind", "pk"):
        key = (review.organisation_id, review.year, review.kind)
        taken = used.setdefault(key, set())
        if review.sequence in taken:
            number = 1
            while number in taken:
                number += 1
            Review.objects.filter(pk=review.pk).update(sequence=number)
            review.sequence = number
        taken.add(review.sequence)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0011_roles_people_permissions")]
    operations = [migrations.RunPython(renumber, migrations.RunPython.noop)]
