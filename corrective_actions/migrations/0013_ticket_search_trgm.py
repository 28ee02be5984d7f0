# The ticket list's text search served by a trigram index on PostgreSQL (issue 15); nothing on SQLite.
# One GIN index over the folded columns that corrective_actions.filters searches (qms.search: QMS_FOLD).
from django.db import migrations

COLUMNS = ("description", "process", "clause", "cause", "measure", "related_documents")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    expressions = ", ".join(f"qms_fold(({column})::text) gin_trgm_ops" for column in COLUMNS)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS ca_ticket_text_fold_trgm ON corrective_actions_ticket USING gin ({expressions})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS ca_ticket_text_fold_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("corrective_actions", "0012_ticket_risk"),
        ("qms", "0015_search_fold_trgm"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
