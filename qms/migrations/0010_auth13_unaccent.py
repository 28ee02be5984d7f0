# The unaccent extension for searches that ignore diacritics on PostgreSQL (qms.search); nothing on SQLite.
# Creating an extension needs a role allowed to (a superuser, or the database owner for a trusted one):
# docs/deploy.md.
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class CreateUnaccent(UnaccentExtension):
    """Unapplying keeps the extension: it is harmless, other databases' objects may use it, and Django's
    own backwards step queries pg_extension even on SQLite (a migration test that rolls back fails there)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class Migration(migrations.Migration):
    dependencies = [("qms", "0009_roles_split_unit_head")]

    operations = [CreateUnaccent()]
