"""Granted extensions of cases opened on overdue items move those items' deadlines (延期至)."""

from django.db import migrations
from django.utils import timezone


def extend_occurrences(apps, schema_editor):
    from anze.duties.lateness import recompute

    ContentType = apps.get_model("contenttypes", "ContentType")
    Case = apps.get_model("supervision", "Case")
    Occurrence = apps.get_model("duties", "Occurrence")
    Report = apps.get_model("duties", "Report")
    kind = ContentType.objects.filter(app_label="duties", model="occurrence").first()
    if kind is None:
        return
    extended = Case.objects.filter(content_type_id=kind.pk, extensions__gt=0, object_id__isnull=False)
    ids = []
    for occurrence_id, deadline in extended.values_list("object_id", "deadline").iterator():
        if Occurrence.objects.filter(pk=occurrence_id, due_on__lte=deadline).update(extended_until=deadline):
            ids.append(occurrence_id)
    if ids:
        recompute(
            Occurrence, Report, today=timezone.localdate(), occurrences=Occurrence.objects.filter(pk__in=ids)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("duties", "0004_truthful_lateness"),
        ("supervision", "0003_batch_hold"),
    ]

    operations = [migrations.RunPython(extend_occurrences, migrations.RunPython.noop, elidable=True)]
