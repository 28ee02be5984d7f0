"""At most one pending change request per ticket (QT.CTCL 5.5), held by a partial unique index. Before it is
built, the requests it would refuse are closed as no longer needed, as services.ticket_report now does: those
left pending on a ticket whose result was reported meanwhile, and on a ticket still in progress every pending
request but the first (sent twice at the same instant)."""

from django.db import migrations, models
from django.utils import timezone

NOTE_REPORTED = "Đóng khi nâng cấp: kết quả thực hiện đã được báo cáo trước khi có quyết định."
NOTE_DUPLICATE = "Đóng khi nâng cấp: phiếu đã có một đề nghị thay đổi đang chờ quyết định gửi trước."


def lapse(apps, schema_editor):
    ChangeRequest = apps.get_model("corrective_actions", "ChangeRequest")
    pending = ChangeRequest.objects.filter(status="pending")
    now = timezone.now()
    pending.exclude(ticket__status="in_progress").update(status="lapsed", decided_at=now, decision_note=NOTE_REPORTED)
    first: dict[int, int] = {}
    later = []
    for pk, ticket_id in pending.order_by("requested_at", "pk").values_list("pk", "ticket_id"):
        if ticket_id in first:
            later.append(pk)
        else:
            first[ticket_id] = pk
    ChangeRequest.objects.filter(pk__in=later).update(status="lapsed", decided_at=now, decision_note=NOTE_DUPLICATE)


class Migration(migrations.Migration):
    dependencies = [("corrective_actions", "0005_ticket_organisation_required")]

    operations = [
        migrations.AlterField(
            model_name="changerequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Chờ quyết định"),
                    ("approved", "Đã chấp thuận"),
                    ("rejected", "Không chấp thuận"),
                    ("lapsed", "Đã đóng – không còn cần thiết"),
                ],
                default="pending",
                max_length=20,
                verbose_name="trạng thái",
            ),
        ),
        migrations.RunPython(lapse, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="changerequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")), fields=("ticket",), name="uniq_ca_one_pending_change_per_ticket"
            ),
        ),
    ]
