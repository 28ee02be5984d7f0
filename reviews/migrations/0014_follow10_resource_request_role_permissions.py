"""Resource requests (QT.HT.06 5.3 "Trưởng ban chỉ đạo ISO tạo điều kiện về nguồn lực"): the unit's people
ask, the steering-committee head answers; the secretary and the top leader read them."""

from django.db import migrations

from qms.roles import Role, grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "reviews",
        {
            Role.COMMITTEE_HEAD: ["view_resourcerequest", "answer_resource_request"],
            Role.SECRETARY: ["view_resourcerequest"],
            Role.TOP_LEADER: ["view_resourcerequest"],
            Role.UNIT_HEAD: ["view_resourcerequest", "add_resourcerequest"],
            Role.FOCAL_POINT: ["view_resourcerequest", "add_resourcerequest"],
            Role.STAFF: ["view_resourcerequest", "add_resourcerequest"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0013_chair_outputs_forms_followup_text_limits")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
