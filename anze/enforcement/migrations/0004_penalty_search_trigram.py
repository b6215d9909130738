"""On PostgreSQL, a trigram index for the public penalty search (icontains on search_text over millions of
rows); SQLite has no trigram index and searches by scanning, which is fine at its scale."""

from django.db import migrations

INDEX = "penalty_search_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Django's icontains on PostgreSQL is UPPER(col::text) LIKE UPPER(%s): the index is on that expression.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON enforcement_penalty "
        f'USING gin ((UPPER("search_text"::text)) gin_trgm_ops) WHERE published_on IS NOT NULL'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_inspection_finding_inspectioncheck_penalty_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
