"""Plan imports under concurrency: a unique clash becomes "already imported", never a 500."""

from __future__ import annotations

import pytest

from anze.audit.models import AuditEvent
from anze.plans import services
from anze.plans.models import PlanVersion

pytestmark = pytest.mark.django_db


def test_an_import_that_loses_the_race_is_already_imported_not_an_integrity_error(linyi, alice, seed_upload):
    services.import_plan(seed_upload, actor=alice, region=linyi)

    # The second upload passed its "already imported?" check before the first one committed.
    with pytest.raises(services.DocumentAlreadyImported) as exc:
        services._import_atomically(seed_upload, actor=alice, region=linyi, written=[])

    assert exc.value.code == "already_imported"
    assert PlanVersion.objects.count() == 1
    assert AuditEvent.objects.filter(action="plans.plan.import").count() == 1


def test_import_plan_maps_a_lost_race_to_created_false(linyi, alice, seed_upload, monkeypatch):
    first = services.import_plan(seed_upload, actor=alice, region=linyi)
    monkeypatch.setattr(services, "_existing_version", lambda sm3, actor: (None, False))
    monkeypatch.setattr(
        services, "_already_imported", lambda sm3, actor: services.DocumentAlreadyImported(first.version)
    )

    again = services.import_plan(seed_upload, actor=alice, region=linyi)

    assert again.created is False and again.version == first.version
    assert PlanVersion.objects.count() == 1


def test_confirming_a_second_upload_of_an_imported_file_is_already_imported(linyi, alice, seed_upload):
    staged = services.stage_import(seed_upload, actor=alice, region=linyi)
    services.import_plan(seed_upload, actor=alice, region=linyi)

    with pytest.raises(services.DocumentAlreadyImported) as exc:
        services.confirm_import(staged, actor=alice)

    assert exc.value.code == "already_imported" and exc.value.visible
    assert PlanVersion.objects.count() == 1


def test_an_out_of_scope_version_is_not_named(linyi, alice, seed_upload, monkeypatch):
    services.import_plan(seed_upload, actor=alice, region=linyi)
    monkeypatch.setattr(
        services.PlanVersion.objects, "restrict", lambda user, action: PlanVersion.objects.none()
    )

    with pytest.raises(services.DocumentAlreadyImported) as exc:
        services.stage_import(seed_upload, actor=alice, region=linyi)

    assert not exc.value.visible
    assert "临沂" not in str(exc.value) and "《" not in str(exc.value)
