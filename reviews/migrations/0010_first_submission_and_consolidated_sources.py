"""Lateness is judged on a unit's first submission, and a consolidated report records what it was built
from. The first submission of existing reports is read from their audit trail (the earliest move to
"submitted"), or their last submission when the trail has none; their lateness is judged again on it, so a
report returned and resubmitted after the deadline is no longer late. Consolidated reports built before
this know neither their sources nor their generated text: the pages offer to rebuild them."""

from django.db import migrations, models
from django.utils import timezone


def fill_first_submission(apps, schema_editor):
    UnitReport = apps.get_model("reviews", "UnitReport")
    AuditEntry = apps.get_model("qms", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="reviews", model="unitreport").first()
    first_moves: dict[int, object] = {}
    if content_type is not None:
        rows = AuditEntry.objects.filter(content_type=content_type, to_state="submitted").order_by("at", "pk")
        for object_id, at in rows.values_list("object_id", "at"):
            first_moves.setdefault(object_id, at)
    reports = UnitReport.objects.filter(submitted_at__isnull=False).select_related("review")
    for report in reports.iterator():
        first = first_moves.get(report.pk) or report.submitted_at
        late = timezone.localtime(first).date() > report.review.report_deadline
        UnitReport.objects.filter(pk=report.pk).update(first_submitted_at=first, is_late=late)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_overseer_role_permissions"),
        ("qms", "0006_organisation_required"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitreport",
            name="first_submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="nộp lần đầu lúc"),
        ),
        migrations.AddField(
            model_name="consolidatedreport",
            name="sources",
            field=models.JSONField(blank=True, default=dict, verbose_name="các báo cáo đơn vị đã tổng hợp"),
        ),
        migrations.AddField(
            model_name="consolidatedreport",
            name="generated",
            field=models.JSONField(blank=True, default=dict, verbose_name="nội dung đã tổng hợp tự động"),
        ),
        migrations.RunPython(fill_first_submission, migrations.RunPython.noop),
    ]
