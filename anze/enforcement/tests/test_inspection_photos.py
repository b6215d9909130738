"""Inspection photos and the inspection API: evidence is checked before it is kept (count, the uploader's
hourly limit, size, content, pixels), kept without metadata, downloaded only within scope; the API records
checklist results, findings and completion through the same services as the page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anze.audit.models import AuditEvent
from anze.enforcement import errors, services
from anze.enforcement.models import Inspection, InspectionPhoto
from anze.enforcement.tests.factories import approved_plan, make_enterprise
from anze.prevention.tests.factories import jpeg_bytes, png_bytes


@pytest.fixture
def inspection(alice, org):
    enterprises = [
        make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"]) for _ in range(2)
    ]
    plan, share, _people = approved_plan(alice, org, enterprises)
    draw = services.perform_draw(
        actor=alice, draw=services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    )
    services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate())
    return Inspection.objects.first()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_photos_are_kept_without_metadata_and_downloaded_within_scope(
    signed_in, alice, bob, charlie, inspection
):
    # Given two photos from the phone, one with camera and GPS data
    c = signed_in(alice)
    response = c.post(
        reverse("enforcement:inspection_photos", args=[inspection.public_id]),
        {
            "photos": [upload("a.jpg", jpeg_bytes(with_exif=True)), upload("b.png", png_bytes())],
            "caption": "配电室",
        },
    )
    # Then both are kept, re-encoded, with one audit event
    assert response.status_code == 302
    photos = list(InspectionPhoto.objects.filter(inspection=inspection))
    assert len(photos) == 2 and {p.caption for p in photos} == {"配电室"}
    assert AuditEvent.objects.filter(action="enforcement.add_inspection_photos").count() == 1
    content = b"".join(
        c.get(reverse("enforcement:inspection_photo", args=[photos[0].public_id])).streaming_content
    )
    assert content.startswith(b"\xff\xd8") and b"SecretCam" not in content
    assert "检查照片" in c.get(inspection.get_absolute_url()).content.decode()
    # And someone outside the inspection's scope cannot download it
    assert (
        signed_in(charlie)
        .get(reverse("enforcement:inspection_photo", args=[photos[0].public_id]))
        .status_code
        == 404
    )


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(signed_in, alice, inspection):
    c = signed_in(alice)
    response = c.post(
        reverse("enforcement:inspection_photos", args=[inspection.public_id]),
        {"photos": [upload("ok.jpg", jpeg_bytes()), upload("x.jpg", b"<svg onload=alert(1)>")]},
        follow=True,
    )
    assert "只接受 JPEG 或 PNG 照片" in response.content.decode()
    assert not InspectionPhoto.objects.exists()


def test_the_uploaders_hourly_limit_is_checked_before_any_photo_is_read(alice, inspection, settings):
    settings.ANZE_INSPECTION_PHOTOS_PER_HOUR = 2
    services.add_inspection_photos(actor=alice, inspection=inspection, photos=[jpeg_bytes(), jpeg_bytes()])
    with pytest.raises(errors.EnforcementError) as refused:
        services.add_inspection_photos(actor=alice, inspection=inspection, photos=[b"not even a photo"])
    assert refused.value.code == "rate_limited"
    assert InspectionPhoto.objects.count() == 2


def test_too_many_photos_or_too_many_pixels_are_refused(alice, inspection, settings):
    with pytest.raises(errors.EnforcementError) as refused:
        services.add_inspection_photos(actor=alice, inspection=inspection, photos=[jpeg_bytes()] * 7)
    assert refused.value.code == "too_many_photos"
    settings.ANZE_PHOTO_MAX_PIXELS_PER_REQUEST = 1000
    with pytest.raises(errors.EnforcementError) as refused:
        services.add_inspection_photos(
            actor=alice, inspection=inspection, photos=[jpeg_bytes(size=(40, 30))] * 2
        )
    assert refused.value.code == "too_large"
    assert not InspectionPhoto.objects.exists()


def test_a_completed_inspection_takes_no_more_photos(alice, inspection):
    for check in inspection.checks.all():
        services.record_check(actor=alice, check=check, result="compliant", note="")
    services.complete_inspection(
        actor=alice, inspection=inspection, inspected_on=timezone.localdate(), summary="完"
    )
    with pytest.raises(errors.TransitionError):
        services.add_inspection_photos(actor=alice, inspection=inspection, photos=[jpeg_bytes()])


def test_the_api_records_an_inspection_with_photos(signed_in, alice, charlie, inspection):
    url = f"/api/inspections/{inspection.public_id}/"
    check = inspection.checks.get()
    # A denied request changes nothing
    assert (
        signed_in(charlie)
        .post(
            url + "handle/",
            {"action": "check", "check": str(check.public_id), "result": "finding"},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    check.refresh_from_db()
    assert check.result == "pending"
    c = signed_in(alice)
    response = c.post(
        url + "handle/",
        {"action": "check", "check": str(check.public_id), "result": "finding", "note": "灭火器过期"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["checks"][0]["result"] == "finding"
    response = c.post(
        url + "handle/",
        {
            "action": "finding",
            "kind": "violation",
            "description": "灭火器过期未更换",
            "rectify_by": str(timezone.localdate()),
        },
        content_type="application/json",
    )
    finding = response.json()["findings"][0]
    assert response.status_code == 200 and finding["kind"] == "violation"
    response = c.post(
        url + "photos/",
        {"photos": [io.BytesIO(jpeg_bytes())], "finding": finding["id"], "caption": "灭火器"},
    )
    assert response.status_code == 201 and response.json()["photos"][0]["finding"] == finding["id"]
    response = c.post(url + "handle/", {"action": "complete"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "date_required"
    response = c.post(
        url + "handle/",
        {"action": "complete", "on": str(timezone.localdate()), "summary": "检查完毕"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "completed"
    response = c.post(url + "photos/", {"photos": [io.BytesIO(jpeg_bytes())]})
    assert response.status_code == 409
