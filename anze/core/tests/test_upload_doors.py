"""Every door a file comes in by, fuzzed the same three ways: a wrong type behind the right extension, a file
over the door's size limit, and a zip bomb dressed as .docx or .xlsx. Each is refused with a message that
says what is wrong, before anything is stored (the pages' own tests show nothing is saved on a refusal; the
ones here for a zip bomb do the same).

A door is what its page or API calls with the uploaded file: the form that checks the name and declared
size, then the reader that checks the bytes.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anze.core import uploads

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 4  # a Windows program
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
PNG_HEADER = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\xff" * 40  # a PNG signature, then garbage


def zip_bomb(kind: str, inflated: int = 4 * 1024 * 1024) -> bytes:
    """An Office package whose main part inflates from a few kilobytes to `inflated` bytes of XML."""
    part = "word/document.xml" if kind == "docx" else "xl/worksheets/sheet1.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if kind == "xlsx":
            archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with archive.open(part, "w", force_zip64=True) as member:
            member.write(b"<?xml version='1.0'?><x>")
            for _ in range(inflated // 65536):
                member.write(b" " * 65536)
            member.write(b"</x>")
    return buffer.getvalue()


def _evidence(name: str, content: bytes) -> str:
    from anze.duties.evidence import EvidenceError, check_file, read_uploads

    try:
        for file_name, data in read_uploads([SimpleUploadedFile(name, content)]):
            check_file(data, file_name)
    except EvidenceError as exc:
        return exc.message_zh
    raise AssertionError(f"evidence took {name}")


def _photo(name: str, content: bytes) -> str:
    from anze.prevention.images import PhotoError, clean_photos

    try:
        clean_photos([SimpleUploadedFile(name, content)])
    except PhotoError as exc:
        return exc.message_zh
    raise AssertionError(f"photos took {name}")


def _plan(name: str, content: bytes) -> str:
    from anze.plans.importing import max_upload_bytes, parse_upload, too_large_error
    from anze.plans.parsing.errors import PlanParseError

    if len(content) > max_upload_bytes():  # what PlanUploadForm.clean_file and the API's serializer say
        return too_large_error(len(content)).message_zh
    try:
        parse_upload(content, name)
    except PlanParseError as exc:
        return exc.message_zh
    raise AssertionError(f"plans took {name}")


def _questions(name: str, content: bytes) -> str:
    from anze.training.forms import ImportForm
    from anze.training.importing import read_rows

    form = ImportForm(data={}, files={"file": SimpleUploadedFile(name, content)})
    if not form.is_valid():
        return " ".join(form.errors["file"])
    try:
        read_rows(content)
    except ValidationError as exc:
        return " ".join(exc.messages)
    raise AssertionError(f"the question bank took {name}")


def _enterprises(name: str, content: bytes) -> str:
    from anze.enterprises.forms import ImportForm
    from anze.enterprises.importing import read_rows

    form = ImportForm(data={}, files={"file": SimpleUploadedFile(name, content)})
    if not form.is_valid():
        return " ".join(form.errors["file"])
    try:
        read_rows(name, content)
    except ValidationError as exc:
        return " ".join(exc.messages)
    raise AssertionError(f"the enterprise import took {name}")


DOORS = {
    "evidence": _evidence,
    "photos": _photo,
    "plan": _plan,
    "questions": _questions,
    "enterprises": _enterprises,
}
MB = 1024 * 1024


@pytest.fixture
def small_limits(settings):
    """Limits of a megabyte where a setting gives the limit, so an oversized file stays small."""
    settings.ANZE_SECURITY = {**settings.ANZE_SECURITY, "EVIDENCE_MAX_BYTES": MB}
    settings.ANZE_PHOTO_MAX_BYTES = MB
    settings.ANZE_PLAN_MAX_UPLOAD_MB = 1


# (door, file name, bytes, a fragment the refusal must contain): the fragment is what a person needs to read.
WRONG_TYPES = [
    ("evidence", "会议纪要.pdf", EXE, "不是允许的类型"),
    ("evidence", "会议纪要.docx", HTML, "不是允许的类型"),
    ("evidence", "台账.xlsx", b"PK\x03\x04" + b"\x00" * 100, "不是允许的类型"),
    ("photos", "现场.jpg", EXE, "照片"),
    ("photos", "现场.png", PNG_HEADER, "照片"),
    ("plan", "方案.docx", EXE, "方案.docx"),
    ("plan", "方案.docx", b"PK\x03\x04" + b"\x00" * 100, "方案.docx"),
    ("plan", "方案.pdf", PNG_HEADER, "方案.pdf"),
    ("questions", "试题.xlsx", EXE, "无法读取 Excel 文件"),
    ("questions", "试题.xlsx", zip_bomb("docx", 1024), "无法读取 Excel 文件"),
    ("enterprises", "企业.xlsx", HTML, "无法读取 Excel 文件"),
]
OVERSIZED = [
    ("evidence", "会议纪要.pdf", b"%PDF-1.4\n" + b"0" * MB, "超过上限 1 MB"),
    ("photos", "现场.jpg", b"\xff\xd8\xff\xe0" + b"0" * MB, "1 MB"),
    ("plan", "方案.txt", "第一条 各单位应当每月检查。\n".encode() * (MB // 30), "文件过大"),
    ("questions", "试题.xlsx", b"PK\x03\x04" + b"0" * (5 * MB), "5 MB"),
    ("enterprises", "企业.xlsx", b"PK\x03\x04" + b"0" * (20 * MB), "20 MB"),
]
ZIP_BOMBS = [
    ("evidence", "会议纪要.docx", zip_bomb("docx"), "压缩炸弹"),
    ("evidence", "台账.xlsx", zip_bomb("xlsx"), "压缩炸弹"),
    ("plan", "方案.docx", zip_bomb("docx"), "压缩炸弹"),
    ("questions", "试题.xlsx", zip_bomb("xlsx"), "压缩炸弹"),
    ("enterprises", "企业.xlsx", zip_bomb("xlsx"), "压缩炸弹"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("door", "name", "content", "says"),
    [pytest.param(*case, id=f"wrong-type-{case[0]}-{case[1]}") for case in WRONG_TYPES]
    + [pytest.param(*case, id=f"oversized-{case[0]}") for case in OVERSIZED]
    + [pytest.param(*case, id=f"zip-bomb-{case[0]}-{case[1]}") for case in ZIP_BOMBS],
)
def test_every_door_refuses_the_file_with_a_clear_message(door, name, content, says, small_limits):
    message = DOORS[door](name, content)

    assert says in message, message


def test_a_zip_bomb_is_judged_by_its_directory_without_inflating_it():
    bomb = zip_bomb("docx")
    assert len(bomb) < 64 * 1024  # four megabytes of XML in a few kilobytes

    with pytest.raises(uploads.ArchiveTooLargeError) as ratio:
        uploads.check_archive(bomb, "bomb.docx")
    assert ratio.value.reason == "ratio"


def test_an_archive_over_the_total_or_the_member_count_is_refused(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # stored: no ratio to speak of
        for n in range(5):
            archive.writestr(f"word/part{n}.xml", b"x" * 1000)
    content = buffer.getvalue()
    uploads.check_archive(content, "a.docx")  # within every limit

    with pytest.raises(uploads.ArchiveTooLargeError) as total:
        uploads.check_archive(content, "a.docx", limit=4000)
    assert total.value.reason == "size"
    monkeypatch.setattr(uploads, "MAX_ARCHIVE_MEMBERS", 4)
    with pytest.raises(uploads.ArchiveTooLargeError) as members:
        uploads.check_archive(content, "a.docx")
    assert members.value.reason == "members"


def test_a_real_office_file_passes(tmp_path):
    from docx import Document
    from openpyxl import Workbook

    document = Document()
    for n in range(2000):
        document.add_paragraph(f"第{n}条 各单位应当每月开展一次安全检查。" * 3)
    workbook = Workbook()
    for n in range(5000):
        workbook.active.append([f"企业{n}", "9137130012345678XA", "兰山区", "是"])
    for path, save in ((tmp_path / "a.docx", document.save), (tmp_path / "a.xlsx", workbook.save)):
        save(path)
        uploads.check_archive(path.read_bytes(), path.name)
