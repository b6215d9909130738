"""On PostgreSQL, the points table leaves room in each page: ingest rewrites every reporting point's state
(last value and time) once per batch, and with free space on the page the new row version stays on it
(a HOT update) without touching the table's five indexes."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_monitoringpoint SET (fillfactor = 50)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_monitoringpoint RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_major_hazard_filing")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
