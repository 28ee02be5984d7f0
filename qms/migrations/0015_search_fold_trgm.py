# Accent-insensitive search that an index can serve (issue 15), on PostgreSQL only; nothing on SQLite.
# qms.search compares QMS_FOLD(column): lower(unaccent(…)) in an IMMUTABLE function (unaccent itself is only
# STABLE, so it cannot be indexed), and pg_trgm's GIN indexes answer its LIKE '%…%'. The people's names are
# indexed here; each app indexes its own searched columns in its own migration.
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION qms_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS qms_user_name_fold_trgm ON qms_user USING gin (qms_fold((full_name)::text) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The function and the extensions stay (other objects may use them); the index goes.
    schema_editor.execute("DROP INDEX IF EXISTS qms_user_name_fold_trgm")


class Migration(migrations.Migration):
    dependencies = [("qms", "0014_calendar_feed")]

    operations = [migrations.RunPython(forwards, backwards)]
