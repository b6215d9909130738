"""Evidence uploads on the work-item report form and its API: the count and each file's size are checked
before the files are read, a file is read in chunks, and an oversized one is refused with a clear message
(413 on the API) and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from anze.duties.evidence import EvidenceError, read_uploads
from anze.duties.models import Report
from anze.duties.tests.conftest import at
from anze.duties.tests.test_reports import PDF
from anze.duties.tests.test_views import work  # noqa: F401 (the fixture)

LIMIT = 64 * 1024


def _limit(settings) -> None:
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "EVIDENCE_MAX_BYTES": LIMIT, "EVIDENCE_MAX_FILES": 3}


def _big() -> SimpleUploadedFile:
    return SimpleUploadedFile("会议纪要.pdf", PDF + b"0" * (2 * LIMIT))


def test_an_oversized_file_is_refused_by_the_api_with_413_and_a_clear_message(work, charlie, settings):  # noqa: F811
    _limit(settings)
    occurrence = work["luozhuang_emergency"].get(period_start=dt.date(2021, 1, 1))
    api = APIClient()
    api.force_authenticate(charlie)
    with time_machine.travel(at("2021-04-08"), tick=False):
        response = api.post(
            f"/api/occurrences/{occurrence.public_id}/report/",
            {"text": "x", "evidence_on": "2021-03-30", "files": [SimpleUploadedFile("a.pdf", PDF), _big()]},
            format="multipart",
        )
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert "会议纪要.pdf" in response.json()["detail"] and "超过上限" in response.json()["detail"]
    assert not Report.objects.exists()


def test_an_oversized_file_is_refused_by_the_form_next_to_the_field(work, signed_in, charlie, settings):  # noqa: F811
    _limit(settings)
    occurrence = work["luozhuang_emergency"].get(period_start=dt.date(2021, 1, 1))
    with time_machine.travel(at("2021-04-08"), tick=False):
        response = signed_in(charlie).post(
            reverse("duties:occurrence_report", args=[occurrence.public_id]),
            {"text": "已召开", "evidence_on": "2021-03-30", "version": occurrence.version, "files": _big()},
        )
    assert response.status_code == 400
    assert "会议纪要.pdf" in response.content.decode() and "超过上限" in response.content.decode()
    assert not Report.objects.exists()


def test_files_are_not_read_when_there_are_too_many_or_one_declares_too_much(settings):
    _limit(settings)
    many = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(4)]
    with pytest.raises(EvidenceError) as too_many:
        read_uploads(many)
    assert too_many.value.code == "too_many_files"
    small, big = SimpleUploadedFile("a.pdf", PDF), _big()
    with pytest.raises(EvidenceError) as too_large:
        read_uploads([small, big])
    assert too_large.value.code == "file_too_large"
    assert small.file.tell() == 0 and big.file.tell() == 0  # refused on the declared size, before reading
    assert read_uploads([SimpleUploadedFile("a.pdf", PDF)]) == [("a.pdf", PDF)]
