"""The media volume fills up during an evidence upload: a clear 507 page, no report or evidence row, no
partial file; with room again the same upload goes through.

A real full disk: the web node (a gunicorn process, topology.py) runs in a mount namespace of its own in
which the media directory is a small tmpfs; the test reads the database the node writes to and the media
directory as the node sees it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os

import pytest
from django.utils import timezone

from anze.core.storage import MediaStorage, is_storage_full
from anze.core.tests import topology
from conftest import STRONG_PASSWORD

PDF_HEAD = b"%PDF-1.7\n1 0 obj<<>>endobj\n"
PDF_TAIL = b"\ntrailer<<>>\n%%EOF\n"


def pdf(size: int) -> bytes:
    return PDF_HEAD + b"%" + b"0" * (size - len(PDF_HEAD) - len(PDF_TAIL) - 1) + PDF_TAIL


@pytest.fixture
def occurrence(transactional_db, org, charlie):
    """罗庄区应急局's occurrence of a quarterly meeting duty, this year's first quarter."""
    from anze.duties.models import Occurrence
    from anze.duties.scheduling import materialize_occurrences
    from anze.duties.tests.factories import make_clause, make_duty

    year = timezone.localdate().year
    clause = make_clause(org["linyi"], [org["luozhuang_emergency"]])
    duty = make_duty(clause, start_on=dt.date(year, 1, 1))
    materialize_occurrences(now=timezone.now(), horizon_days=0)
    return Occurrence.objects.get(duty=duty, period_start=dt.date(year, 1, 1))


@pytest.fixture
def shared(occurrence, django_db_blocker, tmp_path):
    with django_db_blocker.unblock(), topology.shared_database(tmp_path) as database:
        yield database


@pytest.mark.topology
@pytest.mark.skipif(not topology.can_mount_tmpfs(), reason="needs a tmpfs in a mount namespace (root, unshare)")
def test_a_full_media_volume_refuses_the_upload_clearly_and_keeps_nothing(shared, occurrence, tmp_path):
    with topology.Cluster(tmp_path, shared) as cluster:
        node = cluster.web(workers=1, media_kib=96)
        media = tmp_path / "media"
        browser = topology.Browser(node.url)
        browser.get("/accounts/login/")
        assert browser.post("/accounts/login/", {"username": "charlie", "password": STRONG_PASSWORD}).status == 302
        report = f"/duties/occurrences/{occurrence.public_id}/report/"
        form = {
            "text": "3月30日召开一季度安全形势分析会。",
            "evidence_on": f"{occurrence.period_start.year}-03-30",
            "version": str(occurrence.version),
        }

        refused = browser.post(report, form, files={"files": ("会议纪要.pdf", pdf(400 * 1024), "application/pdf")})

        assert refused.status == 507
        assert "存储空间不足" in refused.body and "没有保存" in refused.body
        assert refused.headers["x-request-id"] in refused.body
        assert "Traceback" not in refused.body and "No space" not in refused.body
        assert shared.scalar("SELECT COUNT(*) FROM duties_report") == 0
        assert shared.scalar("SELECT COUNT(*) FROM duties_evidence") == 0
        assert shared.scalar("SELECT status FROM duties_occurrence WHERE id = %s", (occurrence.pk,)) == "pending"
        assert node.media_files(media) == []  # the partly written file is gone

        accepted = browser.post(report, form, files={"files": ("会议纪要.pdf", pdf(8 * 1024), "application/pdf")})

        assert accepted.status == 302
        assert shared.scalar("SELECT COUNT(*) FROM duties_report") == 1
        assert shared.scalar("SELECT COUNT(*) FROM duties_evidence") == 1
        assert len(node.media_files(media)) == 1


def test_the_storage_removes_a_file_it_could_not_finish_and_keeps_others(tmp_path):
    class Full:
        """A file whose second chunk finds the disk full, as a write to a full volume does."""

        def chunks(self):
            yield b"first part"
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    storage = MediaStorage(location=tmp_path)
    (tmp_path / "kept.pdf").write_bytes(b"someone else's file")

    with pytest.raises(OSError) as raised:
        storage.save("new.pdf", Full())

    assert is_storage_full(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.pdf"]
    assert (tmp_path / "kept.pdf").read_bytes() == b"someone else's file"
