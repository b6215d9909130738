"""The public form stays cheap for an abusive client: the rate limit is checked before a photo is read, the
pixels of a request are capped before anything is decoded, and an oversized upload is refused while it is
read, with a message that says what to do."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anze.core.uploads import UploadTooLargeError, read_limited
from anze.prevention.images import PhotoError
from anze.prevention.tests.factories import jpeg_bytes
from anze.public import errors
from anze.public.models import Tip
from anze.public.services import submit_tip

# A JPEG signature followed by garbage: checking or decoding it fails with "照片无法读取".
UNREADABLE_JPEG = b"\xff\xd8\xff\xe0" + b"garbage" * 100


def _fields(org, **kw):
    fields = dict(
        kind="hidden_danger",
        region=org["lanshan"],
        subject="兰山化工",
        place="罐区",
        description="液氨储罐泄漏",
    )
    return {**fields, **kw}


def _form(org, **kw):
    return {**_fields(org, region=org["lanshan"].pk), **kw}


def _photo(content: bytes, name: str = "photo.jpg") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_an_over_limit_client_photos_are_not_even_checked(org, settings):
    settings.ANZE_PUBLIC_TIPS_PER_HOUR = 1
    now = timezone.now()
    submit_tip(**_fields(org), client_address="203.0.113.9", now=now)
    # The unreadable photo would be refused if it were looked at; the rate limit answers first.
    with pytest.raises(errors.RateLimitedError):
        submit_tip(**_fields(org), photos=[UNREADABLE_JPEG], client_address="203.0.113.9", now=now)
    with pytest.raises(PhotoError):  # the same photo from an address within its limit is checked
        submit_tip(**_fields(org), photos=[UNREADABLE_JPEG], client_address="198.51.100.7", now=now)
    assert Tip.objects.count() == 1


def test_the_form_answers_an_over_limit_client_429_without_looking_at_its_photos(client, org, settings):
    settings.ANZE_PUBLIC_TIPS_PER_HOUR = 1
    assert client.post(reverse("public:tip_submit"), _form(org)).status_code == 302  # received
    response = client.post(reverse("public:tip_submit"), {**_form(org), "photos": _photo(UNREADABLE_JPEG)})
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode() and "照片无法读取" not in response.content.decode()


def test_the_pixels_of_one_request_are_capped_before_decoding(org, settings):
    settings.ANZE_PHOTO_MAX_PIXELS_PER_REQUEST = 2_000_000
    photos = [jpeg_bytes(size=(1000, 800)), jpeg_bytes(size=(1000, 800)), jpeg_bytes(size=(1000, 800))]
    with pytest.raises(PhotoError) as info:
        submit_tip(**_fields(org), photos=photos, client_address="203.0.113.9")
    assert info.value.code == "too_large" and "一次最多" in info.value.message_zh
    submit_tip(**_fields(org), photos=photos[:2], client_address="203.0.113.9")
    assert Tip.objects.count() == 1


def test_an_oversized_photo_is_refused_by_the_form_with_413_and_a_clear_message(client, org, settings):
    settings.ANZE_PHOTO_MAX_BYTES = 1024 * 1024
    big = _photo(jpeg_bytes(size=(40, 30)) + b"\0" * (1024 * 1024 + 1))
    response = client.post(reverse("public:tip_submit"), {**_form(org), "photos": big})
    assert response.status_code == 413
    assert "照片不能超过 1 MB" in response.content.decode()
    assert Tip.objects.count() == 0


def test_an_upload_is_read_in_chunks_and_reading_stops_past_the_limit():
    upload = SimpleUploadedFile("big.jpg", b"x" * (1024 * 1024))
    with pytest.raises(UploadTooLargeError):  # the declared size is enough: nothing is read
        read_limited(upload, 100 * 1024)
    assert upload.file.tell() == 0
    upload.size = 10  # a declared size that lies: reading stops one chunk past the limit
    with pytest.raises(UploadTooLargeError) as info:
        read_limited(upload, 100 * 1024)
    assert info.value.size <= 100 * 1024 + 64 * 1024
    assert upload.file.tell() < 1024 * 1024
    assert read_limited(SimpleUploadedFile("small.jpg", b"y" * 1000), 100 * 1024) == b"y" * 1000
