"""Recurring duties in clause text (常态化职责): 每季度 → FREQ=MONTHLY;INTERVAL=3, with count and subject."""

from __future__ import annotations

import re

from .deadlines import NUM, to_int
from .model import Duty
from .names import UNIT_SUFFIXES, split_top_level


def _rule(freq: str, interval: int = 1) -> str:
    return f"FREQ={freq}" if interval == 1 else f"FREQ={freq};INTERVAL={interval}"


# (pattern, FREQ, fixed interval); a named group n gives the interval instead.
_FREQUENCIES: list[tuple[re.Pattern[str], str, int]] = [
    (re.compile(r"每半年"), "MONTHLY", 6),
    (re.compile(rf"每(?:隔)?(?P<n>{NUM})个?年"), "YEARLY", 1),
    (
        re.compile(
            rf"(?<![\d〇零])(?P<n>{NUM})年(?:内)?[^，。；、\d]{{0,8}}?(?:一遍|一轮|全覆盖|一次(?!性))"
        ),
        "YEARLY",
        1,
    ),
    (re.compile(r"每(?:一)?年(?:度)?"), "YEARLY", 1),
    (re.compile(rf"每(?:隔)?(?P<n>{NUM})个季度"), "MONTHLY", 3),
    (re.compile(r"每(?:一)?(?:个)?季(?:度)?"), "MONTHLY", 3),
    (re.compile(rf"每(?:隔)?(?P<n>{NUM})个月"), "MONTHLY", 1),
    (re.compile(r"每(?:一)?(?:个)?月(?:度)?"), "MONTHLY", 1),
    (re.compile(rf"每(?:隔)?(?P<n>{NUM})(?:周|星期)"), "WEEKLY", 1),
    (re.compile(r"每(?:一)?(?:周|星期)"), "WEEKLY", 1),
    (re.compile(r"每旬"), "DAILY", 10),
    (re.compile(rf"每(?:隔)?(?P<n>{NUM})(?:天|日)"), "DAILY", 1),
    (re.compile(r"每(?:天|日)"), "DAILY", 1),
]
_COUNT = re.compile(rf"(?P<c>{NUM})\s*(?:次|遍|轮)(?!性)")
# Where the predicate starts: the actor is what comes before it (各专业委员会 | 至少每季度召开…).
_PREDICATE = re.compile(
    r"至少|不少于|每|要|应当|应(?!急)|必须|须|需|定期|负责|(?<![党会])组织(?!部)|开展|进行|主持|召开|按照|按|"
    r"(?<!所)对|将|把|不得|严格|落实|建立|制定|实行|实施|全面|分别|统一|同为|均|(?<!所)在|向|会同|牵头|配合|"
    r"参与|督促|指导|加强|推进|推动|做好|抓好|完善|开设|设置|设立|纳入|列入|实现|确保|积极|认真|切实|依法|及时|"
    r"研究|部署|巡查|检查|组建|编制|修订|开设"
)
_ACTOR_SUFFIXES = (*UNIT_SUFFIXES, "主任", "人员", "人", "者", "领导", "班子", "负责人", "主体", "厂区", "车间",
                   "场所", "书记", "市长", "县长", "区长", "干部", "党员", "职工", "员工", "群众", "成员", "专班")  # fmt: skip
_NOT_ACTOR_START = re.compile(
    r"^(?:对|把|将|在|按|从|向|以|为|经|根据|围绕|结合|通过|如|若|凡|并|和|及|与|其(?!他)|同时|此外)"
)


def actor_at_start(segment: str) -> str | None:
    """Return the actor named at the start of a clause of a sentence, e.g. 各专业委员会, else None."""
    segment = segment.strip()
    if segment.startswith("由"):
        segment = segment[1:]
    match = _PREDICATE.search(segment)
    if match is None or match.start() < 2:
        return None
    actor = segment[: match.start()]
    if len(actor) > 30 or _NOT_ACTOR_START.match(actor) or any(c in actor for c in "，：“”《》"):
        return None
    return actor if actor.endswith(_ACTOR_SUFFIXES) else None


def sentences(text: str) -> list[str]:
    """Split clause text into sentences on 。；！？ outside brackets, without the marks."""
    return split_top_level(text.replace("\n", "。"), "。；！？")


def find_duties(text: str) -> list[Duty]:
    """Find the recurring duties in clause text, one per frequency phrase."""
    duties: list[Duty] = []
    topic: str | None = None
    for sentence in sentences(text):
        segments = split_top_level(sentence, "，")
        sentence_actor = actor_at_start(segments[0]) if segments else None
        for segment in segments:
            if "每" not in segment and "年" not in segment:
                continue  # every frequency phrase has one of these; most segments have neither
            segment_actor: str | None = None
            taken: list[tuple[int, int]] = []
            for pattern, freq, interval in _FREQUENCIES:
                for match in pattern.finditer(segment):
                    start, end = match.span()
                    if any(start < t_end and t_start < end for t_start, t_end in taken):
                        continue
                    taken.append((start, end))
                    n = match.groupdict().get("n")
                    step = (to_int(n) or 1) * interval if n else interval
                    count_match = _COUNT.search(segment, start)
                    count = to_int(count_match.group("c")) if count_match else None
                    segment_actor = segment_actor or actor_at_start(segment)
                    subject = segment_actor or sentence_actor or topic
                    duties.append(Duty(text=sentence, rrule=_rule(freq, step), count=count, subject=subject))
        # A sentence without an actor continues the previous one's (zero anaphora: 市委…。对…3年巡查一遍).
        topic = sentence_actor or topic
    return duties
