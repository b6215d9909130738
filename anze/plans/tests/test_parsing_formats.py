"""Reading .txt, .docx and .pdf (format by content, encodings) and every bad-input error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from anze.plans.parsing import PlanParseError, errors, parse_document, parse_file, parse_text, read_document


@pytest.fixture(autouse=True)
def media_root() -> None:
    """Shadow the package conftest's autouse fixture: the parser tests run without Django (-p no:django)."""
    return None


SMALL_PLAN = """某市安全生产重点工作任务分工方案
一、强化责任落实
1. 落实党政领导责任，每季度至少召开1次专题会议。（牵头单位：市应急局；责任单位：各县区党委、政府）
2. 建立考核机制。（责任单位：市委组织部；完成时限：2021年6月底前）
"""


def _pdf_object_bytes(objects: list[bytes], root: int) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def make_pdf(pages: list[list[str]], *, chinese: bool = True) -> bytes:
    """Write a real PDF whose text layer holds the given lines (CID font with a ToUnicode map)."""
    to_unicode = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> "
        b"endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    objects: list[bytes] = [
        _stream(to_unicode),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /CIDToGIDMap /Identity >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [2 0 R] "
        b"/ToUnicode 1 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"",  # 5: the page tree, written once the pages are known
    ]
    font = 3 if chinese else 4
    kids = []
    for lines in pages:
        ops = [b"BT /F1 11 Tf 14 TL 40 800 Td"]
        for line in lines:
            if chinese:
                ops.append(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*")
            else:
                escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
        ops.append(b"ET")
        objects.append(_stream(b"\n".join(ops)))
        objects.append(
            b"<< /Type /Page /Parent 5 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (len(objects), font)
        )
        kids.append(len(objects))
    objects[4] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    objects.append(b"<< /Type /Catalog /Pages 5 0 R >>")
    return _pdf_object_bytes(objects, len(objects))


def make_image_only_pdf() -> bytes:
    """A scanned-looking PDF: one page that paints an image and has no text at all."""
    pixels = b"\x80" * (8 * 8)
    objects = [
        _stream(pixels, b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
                        b"/BitsPerComponent 8 "),
        _stream(b"q 500 0 0 700 40 60 cm /Im1 Do Q"),
        b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] /Contents 2 0 R "
        b"/Resources << /XObject << /Im1 1 0 R >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Catalog /Pages 4 0 R >>",
    ]  # fmt: skip
    return _pdf_object_bytes(objects, 5)


def make_docx(
    paragraphs: list[str], table: list[list[str]] | None = None, merge_first_row: bool = False
) -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        if merge_first_row:
            heading = table[1][0]
            merged = grid.cell(1, 0).merge(grid.cell(1, len(table[0]) - 1))
            merged.text = heading
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---- text files -----------------------------------------------------------------------------


def test_gb18030_text_is_detected_and_parsed() -> None:
    document = read_document(SMALL_PLAN.encode("gb18030"), "plan.txt")

    assert document.encoding == "gb18030"
    assert parse_document(document).to_dict() == parse_text(SMALL_PLAN).to_dict()


def test_big5_traditional_text_is_detected_and_converted() -> None:
    traditional = "某市安全生產重點工作任務分工方案\n一、強化責任落實\n1. 落實黨政領導責任。（牽頭單位：市應急局；責任單位：各縣區黨委、政府）\n"

    plan = parse_document(read_document(traditional.encode("big5"), "plan.txt"))

    assert plan.tasks[0].clauses[0].lead_units == ["市应急局"]
    assert plan.tasks[0].clauses[0].responsible_units == ["各县区党委", "各县区政府"]
    assert "牽頭單位" in plan.tasks[0].clauses[0].original_text


def test_the_format_comes_from_the_content_not_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(make_docx(SMALL_PLAN.splitlines()))

    assert read_document(path).format == "docx"
    assert parse_file(path).tasks[1].clauses[0].responsible_units == ["市委组织部"]


# ---- docx -----------------------------------------------------------------------------------


def test_docx_paragraphs_and_a_real_table_are_read_in_document_order() -> None:
    data = make_docx(
        [
            "某县重点任务分工方案",
            "一、强化责任落实",
            "1. 落实党政领导责任。（责任单位：县应急局）",
            "二、专项整治任务表",
        ],
        table=[
            ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
            ["（一）危化品安全", "", "", "", ""],
            ["2", "开展危化品专项整治", "县应急局", "县公安局、县交通运输局", "2021年底前"],
            ["3", "推进燃气安全治理", "县住建局", "县市场监管局", "长期坚持"],
        ],
        merge_first_row=True,
    )

    plan = parse_document(read_document(data, "plan.docx"))

    assert [(s.number, s.title, [t.number for t in s.tasks]) for s in plan.sections] == [
        ("一", "强化责任落实", ["1"]),
        ("一", "危化品安全", ["2", "3"]),
    ]
    row = plan.sections[1].tasks[0].clauses[0]
    assert row.text == "开展危化品专项整治"
    assert row.lead_units == ["县应急局"]
    assert row.supporting_units == ["县公安局", "县交通运输局"]
    assert (
        row.deadline is not None
        and row.deadline.date is not None
        and row.deadline.date.isoformat() == "2021-12-31"
    )
    assert plan.sections[1].tasks[1].clauses[0].deadline.ongoing is True


def test_docx_automatic_numbering_becomes_task_numbers() -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("某县重点任务分工方案")
    document.add_paragraph("一、强化责任落实")
    document.add_paragraph("落实党政领导责任。（责任单位：县应急局）", style="List Number")
    document.add_paragraph("建立考核机制。（责任单位：县委组织部）", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)

    plan = parse_document(read_document(buffer.getvalue(), "plan.docx"))

    assert [(t.number, t.clauses[0].responsible_units) for t in plan.tasks] == [
        ("1", ["县应急局"]),
        ("2", ["县委组织部"]),
    ]


# ---- pdf ------------------------------------------------------------------------------------


def test_a_pdf_text_layer_with_chinese_text_is_parsed_across_pages() -> None:
    pages = [
        [
            "某市安全生产重点工作任务分工方案",
            "一、强化责任落实",
            "1. 落实党政领导责任，每季度至少召开1次专题会议。（牵头",
            "- 1 -",
        ],
        [
            "单位：市应急局；责任单位：各县区党委、政府）",
            "2. 建立考核机制。（责任单位：市委组织部；完成时限：2021年6月底前）",
        ],
    ]

    document = read_document(make_pdf(pages), "plan.pdf")
    plan = parse_document(document)

    assert document.format == "pdf" and document.pages == 2
    assert plan.to_dict() == parse_text(SMALL_PLAN).to_dict()


def test_a_pdf_with_latin_text_is_read_line_by_line() -> None:
    document = read_document(make_pdf([["Safety plan", "Task one"], ["Task two"]], chinese=False), "x.pdf")

    assert [b for b in document.blocks if b] == ["Safety plan", "Task one", "Task two"]


# ---- errors ---------------------------------------------------------------------------------


def _error(source: bytes, name: str = "plan.txt", **kwargs: int) -> PlanParseError:
    with pytest.raises(PlanParseError) as caught:
        parse_document(read_document(source, name, **kwargs))
    return caught.value


def test_an_empty_file_is_refused() -> None:
    error = _error(b"  \n\n ")

    assert error.code == errors.EMPTY_FILE
    assert "文件为空" in str(error) and "empty" in str(error)


def test_a_binary_file_is_refused() -> None:
    error = _error(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "scan.png")

    assert error.code == errors.BINARY_FILE
    assert isinstance(error, ValueError)


def test_an_image_only_pdf_asks_for_ocr() -> None:
    error = _error(make_image_only_pdf(), "scan.pdf")

    assert error.code == errors.PDF_NO_TEXT_LAYER
    assert "OCR" in error.message_zh and "OCR it first" in error.message_en


def test_a_corrupt_pdf_is_refused() -> None:
    assert _error(b"%PDF-1.4\n1 0 obj garbage", "x.pdf").code == errors.CORRUPT_PDF


def test_a_corrupt_docx_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-xml")
        archive.writestr("[Content_Types].xml", "<Types/>")

    assert _error(buffer.getvalue(), "plan.docx").code == errors.CORRUPT_DOCX
    assert _error(b"PK\x03\x04 truncated", "plan.docx").code == errors.CORRUPT_DOCX
    assert _error(b"\x00\x01\x02 not a zip" * 50, "plan.docx").code == errors.CORRUPT_DOCX


def test_a_legacy_word_file_asks_for_docx() -> None:
    error = _error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "plan.doc")

    assert error.code == errors.LEGACY_OFFICE_FORMAT
    assert ".docx" in error.message_zh


def test_a_text_without_tasks_is_refused() -> None:
    error = _error("关于做好安全生产工作的通知\n各单位要高度重视安全生产工作。".encode())

    assert error.code == errors.NO_TASKS
    assert "未在文件中找到任何任务" in error.message_zh


def test_a_document_without_tasks_is_told_what_was_seen() -> None:
    text = "关于开展安全宣传活动的通知\n各单位要高度重视。\n一、活动时间\n二、活动地点\n三、参加人员"

    error = _error(text.encode())

    assert error.code == errors.NO_TASKS
    assert "已读到 5 行" in error.message_zh and "编号样式：一、×3" in error.message_zh
    assert "表格 0 个" in error.message_zh
    assert error.details["lines"] == 5 and error.details["tables"] == 0
    assert "numbering styles: 一、×3;" in error.message_en


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(SMALL_PLAN.encode() * 10)

    with pytest.raises(PlanParseError) as caught:
        parse_file(path, max_bytes=100)

    assert caught.value.code == errors.FILE_TOO_LARGE
    assert _error(SMALL_PLAN.encode() * 10, max_bytes=100).code == errors.FILE_TOO_LARGE
    assert parse_file(path).tasks  # the default limit (20 MiB) lets it through


def test_error_codes_are_stable_strings() -> None:
    assert PlanParseError(errors.NO_TASKS).code == "no_tasks"
    assert PlanParseError(errors.PDF_NO_TEXT_LAYER, name="a.pdf").details == {"name": "a.pdf"}


# ---- provenance -----------------------------------------------------------------------------------


def test_each_clause_and_name_keeps_the_line_and_characters_it_came_from() -> None:
    text = (
        "某市工作任务分工\n\n1. 开展隐患排查。\n牵头单位：市应急局  配合单位：市公安局、交通运输局\n"
        "2. 加强培训。（责任单位：各县区党委、政府）\n"
    )

    plan = parse_text(text, known_units={"市交通运输局"}).locate()

    first, second = (c.to_dict(include_original=True)["source"] for _, _, c in plan.iter_clauses())
    assert first["lines"] == [3, 4] and first["page"] is None
    lead = first["fields"]["lead_units"][0]
    assert (lead["line"], lead["text"]) == (4, "市应急局")
    assert text.splitlines()[3][slice(*lead["chars"])] == "市应急局"
    # A name read longer than written points at the characters it was read from.
    restored = first["fields"]["supporting_units"][1]
    assert (restored["name"], restored["text"]) == ("市交通运输局", "交通运输局")
    governments = second["fields"]["responsible_units"][1]
    assert (governments["name"], governments["line"], governments["text"]) == ("各县区政府", 5, "政府")


def test_provenance_in_a_pdf_names_the_page() -> None:
    pages = [
        ["某市工作任务分工", "1. 开展隐患排查。（责任单位：市应急局）"],
        ["2. 加强培训。（责任单位：市教育局）"],
    ]

    plan = parse_document(read_document(make_pdf(pages), "plan.pdf")).locate()

    sources = [c.source for _, _, c in plan.iter_clauses()]
    assert [s["page"] for s in sources] == [1, 2]
    assert sources[1]["fields"]["responsible_units"][0]["page"] == 2


def test_the_default_interchange_form_has_no_provenance_key() -> None:
    clause = parse_text(SMALL_PLAN).to_dict()["sections"][0]["tasks"][0]["clauses"][0]

    assert "source" not in clause and "original" not in clause


def test_a_line_that_reads_like_an_assignment_but_went_into_no_clause_is_reported() -> None:
    text = (
        "某市工作任务分工\n一、主要任务\n1. 开展隐患排查。（责任单位：市应急局）\n"
        "二、保障措施\n各地各部门要高度重视，主要负责同志亲自部署。\n"
    )

    plan = parse_text(text)

    assert plan.to_dict(include_original=True)["unplaced"] == [
        {"page": None, "line": 5, "text": "各地各部门要高度重视，主要负责同志亲自部署。"}
    ]
    assert "unplaced" not in plan.to_dict()
