"""The procedures' people as separate roles: the group "Lãnh đạo đơn vị / Đầu mối ISO" becomes "Lãnh đạo
đơn vị" (its members and permissions kept: they were the units' heads), and the groups of the top leader and
the unit ISO focal point are created. On a fresh database the older migrations already made "Lãnh đạo đơn
vị" and there is nothing to rename; where both names exist the old group's members and permissions are moved
to the new one and the old group deleted."""

from django.db import migrations

from qms.roles import OLD_UNIT_HEAD_NAME, Role


def split(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    old = Group.objects.filter(name=OLD_UNIT_HEAD_NAME).first()
    if old is not None:
        new = Group.objects.filter(name=Role.UNIT_HEAD.value).first()
        if new is None:
            old.name = Role.UNIT_HEAD.value
            old.save(update_fields=["name"])
        else:
            new.permissions.add(*old.permissions.all())
            new.user_set.add(*old.user_set.all())
            old.delete()
    for role in (Role.UNIT_HEAD, Role.TOP_LEADER, Role.FOCAL_POINT):
        Group.objects.get_or_create(name=role.value)


def unsplit(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    if not Group.objects.filter(name=OLD_UNIT_HEAD_NAME).exists():
        Group.objects.filter(name=Role.UNIT_HEAD.value).update(name=OLD_UNIT_HEAD_NAME)


class Migration(migrations.Migration):
    dependencies = [("qms", "0008_people_settings")]
    operations = [migrations.RunPython(split, unsplit)]
