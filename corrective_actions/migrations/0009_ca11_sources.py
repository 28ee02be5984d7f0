"""QT.CTCL 5.1.2 lists twelve input sources. Until now "process_results" stood for two of them ("Kết quả thực
hiện các quá trình hoạt động chức năng" and "Kết quả xác định sự phù hợp của hoạt động chức năng"); it keeps
the first, the one its old label named first, since a stored ticket does not say which one was meant. The
source "quality_objectives" was not one of the seed's: a quality objective not achieved is a result of
carrying out the functional processes (the objective measures them), so those tickets take that source."""

from django.db import migrations


def forwards(apps, schema_editor):
    Ticket = apps.get_model("corrective_actions", "Ticket")
    Ticket.objects.filter(source="quality_objectives").update(source="process_results")


class Migration(migrations.Migration):
    dependencies = [("corrective_actions", "0008_ticket_signs_sources_presentation")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
