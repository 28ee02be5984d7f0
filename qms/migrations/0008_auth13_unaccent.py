# The unaccent extension for searches that ignore diacritics on PostgreSQL (qms.search); nothing on SQLite.
# Creating an extension needs a role allowed to (the database owner on PostgreSQL ≥ 13 for trusted ones, else a
# superuser): docs/deploy.md.
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("qms", "0007_user_language_and_messages")]

    operations = [UnaccentExtension()]
