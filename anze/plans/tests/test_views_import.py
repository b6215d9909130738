"""Importing on the web: upload → preview → confirm or cancel; bad files; mapping names; who may do it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.org.models import Unit, UnitAlias
from anze.plans import services
from anze.plans.choices import AssignmentStatus, ImportStatus
from anze.plans.models import ClauseAssignment, Plan, PlanImport, PlanVersion, SourceDocument
from anze.plans.tests.factories import OVERSIZED, bad_inputs, clause, import_small_plan, stored_files

pytestmark = pytest.mark.django_db


def upload(client, name: str, content: bytes, region=None):
    data = {"file": SimpleUploadedFile(name, content)}
    if region is not None:
        data["region"] = region.pk
    return client.post(reverse("plans:import_upload"), data)


def nothing_written(media_root) -> bool:
    return (
        not Plan.objects.exists()
        and not PlanImport.objects.exists()
        and not SourceDocument.objects.exists()
        and stored_files(media_root) == []
    )


def test_upload_preview_confirm_makes_the_plan(linyi, alice, signed_in, seed_bytes, media_root):
    client = signed_in(alice)
    assert client.get(reverse("plans:import_upload")).status_code == 200

    response = upload(client, "linyi.txt", seed_bytes, linyi)

    staged = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:import_preview", args=[staged.public_id]
    )
    assert not Plan.objects.exists()
    preview = client.get(response["Location"]).content.decode()
    assert "16" in preview and "15" in preview and "确认导入" in preview
    assert staged.names["unresolved"] == []
    assert staged.document.file.name.startswith("documents/") and "linyi" not in staged.document.file.name

    confirmed = client.post(reverse("plans:import_confirm", args=[staged.public_id]))

    plan = Plan.objects.get()
    assert confirmed["Location"] == reverse("plans:plan_detail", args=[plan.public_id])
    staged.refresh_from_db()
    assert staged.status == ImportStatus.CONFIRMED and staged.version == plan.current_version
    assert AuditEvent.objects.filter(action="plans.plan.import").count() == 1
    # The same file again: nothing new, the office is sent to the plan.
    again = upload(client, "copy.txt", seed_bytes, linyi)
    assert again["Location"] == reverse("plans:plan_detail", args=[plan.public_id])
    assert PlanImport.objects.count() == 1 and PlanVersion.objects.count() == 1


def test_a_revision_preview_shows_the_diff_against_the_current_version(linyi, alice, signed_in, seed_bytes):
    services.import_plan(services.parse_document(seed_bytes, "v1.txt"), actor=alice, region=linyi)
    revised = seed_bytes.decode().replace("3年巡查一遍", "2年巡查一遍").encode()
    client = signed_in(alice)
    response = upload(client, "v2.txt", revised, linyi)
    staged = PlanImport.objects.get()
    assert staged.plan is not None and staged.diff["summary"]["changed"] == 1
    body = client.get(response["Location"]).content.decode()
    assert "现有方案的新版本" in body and "修改 1" in body


def test_cancelling_keeps_the_plan_unchanged(linyi, alice, signed_in, seed_bytes):
    client = signed_in(alice)
    upload(client, "linyi.txt", seed_bytes, linyi)
    staged = PlanImport.objects.get()
    client.post(reverse("plans:import_cancel", args=[staged.public_id]))
    staged.refresh_from_db()
    assert staged.status == ImportStatus.CANCELLED and not Plan.objects.exists()
    assert client.post(reverse("plans:import_confirm", args=[staged.public_id])).status_code == 302
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    "name,content,code", [*bad_inputs(), OVERSIZED], ids=lambda v: v if isinstance(v, str) else ""
)
def test_bad_files_get_the_parsers_message_and_nothing_is_written(
    linyi, alice, signed_in, media_root, settings, name, content, code
):
    settings.ANZE_PLAN_MAX_UPLOAD_MB = 1
    response = upload(signed_in(alice), name, content, linyi)
    assert response.status_code == 400
    body = response.content.decode()
    assert "invalid-feedback" in body
    from anze.plans.parsing.errors import _MESSAGES

    assert _MESSAGES[code][0].split("（")[0][:6] in body
    assert nothing_written(media_root)


@pytest.mark.parametrize("persona", ["bob", "charlie", "dave"])
def test_only_the_office_may_import(linyi, request, persona, signed_in, seed_bytes, media_root):
    user = request.getfixturevalue(persona)
    client = signed_in(user)
    assert client.get(reverse("plans:import_upload")).status_code == 403
    assert upload(client, "linyi.txt", seed_bytes, linyi).status_code == 403
    assert nothing_written(media_root)


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_others_cannot_see_or_confirm_a_pending_import(linyi, alice, request, persona, signed_in, seed_bytes):
    upload(signed_in(alice), "linyi.txt", seed_bytes, linyi)
    staged = PlanImport.objects.get()
    signed_in(alice).logout()
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(reverse("plans:import_preview", args=[staged.public_id])).status_code == 404
    assert client.post(reverse("plans:import_confirm", args=[staged.public_id])).status_code in (403, 404)
    assert client.post(reverse("plans:import_cancel", args=[staged.public_id])).status_code in (403, 404)
    staged.refresh_from_db()
    assert staged.status == ImportStatus.PENDING and not Plan.objects.exists()


def test_the_office_maps_an_unresolved_name_on_the_page(linyi, alice, signed_in):
    result = import_small_plan(linyi, clause("开展整治。", responsible_units=["市应急管理局局"]), actor=alice)
    client = signed_in(alice)
    detail = client.get(reverse("plans:plan_detail", args=[result.plan.public_id])).content.decode()
    assert "市应急管理局局" in detail and reverse("plans:map_name", args=[result.plan.public_id]) in detail
    listing = client.get(reverse("plans:unresolved_list")).content.decode()
    assert "市应急管理局局" in listing
    url = reverse("plans:map_name", args=[result.plan.public_id])
    page = client.get(url, {"name": "市应急管理局局"})
    assert page.status_code == 200 and "临沂市应急管理局" in page.content.decode()
    emergency = Unit.objects.get(name="临沂市应急管理局")

    response = client.post(url, {"name": "市应急管理局局", "unit": str(emergency.public_id)})

    assert response.status_code == 302
    assert ClauseAssignment.objects.get().status == AssignmentStatus.RESOLVED
    assert UnitAlias.objects.filter(name="市应急管理局局", unit=emergency).exists()


@pytest.mark.parametrize("persona", ["bob", "charlie", "dave"])
def test_only_the_office_maps_names(linyi, alice, request, persona, signed_in):
    result = import_small_plan(linyi, clause("开展整治。", responsible_units=["市应急管理局局"]), actor=alice)
    emergency = Unit.objects.get(name="临沂市应急管理局")
    client = signed_in(request.getfixturevalue(persona))
    url = reverse("plans:map_name", args=[result.plan.public_id])
    response = client.post(url, {"name": "市应急管理局局", "unit": str(emergency.public_id)})
    assert response.status_code == 404
    assert ClauseAssignment.objects.get().status == AssignmentStatus.UNRESOLVED
    assert not UnitAlias.objects.filter(name="市应急管理局局").exists()
