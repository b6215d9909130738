"""Benchmark the plan parser on a generated 200-page plan of the 责任分工方案 genre.

The parser touches no database, so its raw reference (`parse_200_pages_vs_raw`) is the floor of any parser
in the same process: one pass of one compiled regular expression finding the numbered task lines.
"""

from __future__ import annotations

import random
import time

PAGES = 200
CHARS_PER_PAGE = 1800

_UNITS = [
    "市应急局", "市公安局", "市交通运输局", "市住房城乡建设局", "市市场监管局", "市工业和信息化局", "市发展改革委",
    "市自然资源和规划局", "市生态环境局", "市农业农村局", "市文化和旅游局", "市教育局", "市卫生健康委",
    "市消防救援支队", "市委党校（行政学院）", "市委宣传部", "市财政局", "市水利局", "市城市管理局", "市国资委",
]  # fmt: skip
_COLLECTIVE = ["各县区党委、政府", "各县区政府", "市各行业主管部门", "市有关部门", "各区、县级市"]
_LEADERS = ["张建国", "李文华", "王志强", "刘海燕", "陈立新", "赵明德", "孙晓东", "周文静"]
_VERBS = ["深入推进", "全面加强", "严格落实", "持续开展", "加快建立", "健全完善", "强化", "扎实推进"]
_OBJECTS = [
    "危险化学品安全专项整治", "矿山安全生产标准化建设", "道路交通安全隐患排查治理", "建筑施工安全监管",
    "城镇燃气安全风险防控", "消防安全网格化管理", "特种设备安全监督检查", "工贸企业粉尘涉爆治理",
    "安全生产责任保险制度", "风险分级管控和隐患排查治理双重预防机制", "应急救援队伍建设", "安全生产执法检查",
]  # fmt: skip
_DETAILS = [
    "对重点行业领域开展拉网式排查，建立问题隐患和制度措施“两个清单”",
    "压实企业主体责任和部门监管责任，推动问题隐患动态清零",
    "完善部门联动机制，形成齐抓共管的工作格局",
    "加强信息化平台建设，实现风险监测预警全覆盖",
    "对发现的重大隐患实行挂牌督办，逾期未整改的依法严肃处理",
    "强化宣传教育培训，提升从业人员安全素质和应急处置能力",
]  # fmt: skip
_DUTIES = [
    "各县区政府至少每季度召开1次安全生产形势分析会",
    "重点企业至少每半年组织一次应急演练",
    "行业主管部门每年开展一次专项督导检查",
    "市安委会办公室每月通报一次工作进展",
    "对重点企业3年检查一遍",
]  # fmt: skip
_DEADLINES = ["2021年底前", "2021年6月底前", "长期坚持", "年内", "第三季度", "持续推进"]
_SECTION_TITLES = ["强化安全生产责任落实", "深化重点行业领域专项整治", "推进安全生产源头治理", "加强安全生产监管执法",
                   "提升应急救援能力", "推进安全生产社会共治"]  # fmt: skip


def _units(rng: random.Random, n: int) -> str:
    picks = rng.sample(_UNITS, n)
    return "、".join(picks) + "，" + rng.choice(_COLLECTIVE)


def _body(rng: random.Random) -> str:
    parts = [f"{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}。"]
    for _ in range(rng.randint(2, 4)):
        parts.append(f"{rng.choice(_DETAILS)}。")
    if rng.random() < 0.4:
        parts.append(f"{rng.choice(_DUTIES)}。")
    return "".join(parts)


def _task(rng: random.Random, number: int) -> list[str]:
    """One task in a randomly chosen assignment form (bracket, labelled lines, sentence)."""
    body = _body(rng)
    form = rng.randrange(5)
    lead, co = rng.sample(_LEADERS, 2)
    if form == 0:
        open_, close = rng.choice(["（）", "〔〕", "【】", "()"])
        return [
            f"{number}. {body}{open_}牵头领导：{lead}，{co}等同志分工负责；责任单位：{_units(rng, 3)}{close}"
        ]
    if form == 1:
        return [f"{number}、{body}", f"牵头单位：{rng.choice(_UNITS)}", f"配合单位：{_units(rng, 2)}",
                f"完成时限：{rng.choice(_DEADLINES)}"]  # fmt: skip
    if form == 2:
        first, *others = rng.sample(_UNITS, 3)
        return [f"{number}. {body}{first}牵头，{'、'.join(others)}配合。"]
    if form == 3:
        return [
            f"{number}. {body}（牵头领导：市政府分管领导同志；责任单位：{_units(rng, 2)}；完成时限：{rng.choice(_DEADLINES)}）"
        ]
    return [f"{number}﹒{body}（{rng.choice(_UNITS)}牵头，{_units(rng, 2)}按职责分工负责）"]


def generate_plan(pages: int = PAGES, seed: int = 7) -> str:
    """Generate a plan of about `pages` pages, with page breaks, page numbers and a task table."""
    rng = random.Random(seed)
    lines = ["临沂市人民政府办公室文件", "临政办字〔2021〕8号", "某市安全生产重点工作责任分工方案", ""]
    size = 0
    page = 1
    number = 0
    section = 0
    target = pages * CHARS_PER_PAGE
    while size < target:
        section += 1
        heading = f"{_cn(section)}、{rng.choice(_SECTION_TITLES)}"
        lines += [heading, ""]
        size += len(heading)
        number = 0  # numbering restarts in each section
        for _ in range(rng.randint(15, 35)):
            number += 1
            for line in _task(rng, number):
                if size // CHARS_PER_PAGE >= page and len(line) > 40:
                    # A page break mid-sentence, with the page number between the halves.
                    cut = len(line) // 2
                    lines += [line[:cut], "", f"- {page} -", "", line[cut:]]
                    page += 1
                else:
                    lines.append(line)
                lines.append("")
                size += len(line)
        if section % 3 == 0:
            lines += ["| 序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限 |", "|---|---|---|---|---|"]
            for _ in range(5):
                number += 1
                row = f"| {number} | {_body(rng)} | {rng.choice(_UNITS)} | {_units(rng, 2)} | {rng.choice(_DEADLINES)} |"
                lines.append(row)
                size += len(row)
            lines.append("")
    return "\n".join(lines)


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def run() -> dict:
    """Parse the generated plan and report pages per second."""
    from anze.plans.parsing import parse_text

    text = generate_plan()
    pages = len(text) / CHARS_PER_PAGE
    parse_text(text[:20000])  # warm caches (OpenCC tables, compiled patterns) outside the timing
    timings = []
    for _ in range(3):
        # The best of three runs: the figure should measure the parser, not other load on the machine.
        start = time.perf_counter()
        plan = parse_text(text)
        timings.append(time.perf_counter() - start)
    elapsed = min(timings)
    tasks = len(plan.tasks)
    import re
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from raw import versus

    numbered = re.compile(r"^\s*\d+\s*[.、．﹒]", re.MULTILINE)
    floor = []
    for _ in range(3):
        start = time.perf_counter()
        numbered.findall(text)
        floor.append(time.perf_counter() - start)
    return {
        "parse_throughput": {"value": round(pages / elapsed, 1), "unit": "pages/s", "target": None},
        "parse_200_pages": {"value": round(elapsed, 3), "unit": "s", "target": None},
        "parse_200_pages_vs_raw": versus(
            elapsed, min(floor), "one pass of one compiled regular expression over the text (no database)"
        ),
        "parse_tasks_found": {"value": float(tasks), "unit": "tasks", "target": None},
    }
