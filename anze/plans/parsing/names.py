"""Split lists of unit and leader names: separators, 等, shared ellipses, shared prefixes (名单拆分)."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable

from .text import CLOSERS, OPENERS, canonical_punctuation

LIST_SEPARATORS = "、，；"
# Words that end a unit's name (单位名称后缀); a chunk ending otherwise is not a unit.
UNIT_SUFFIXES = (
    "局", "委", "办", "厅", "部", "会", "院", "所", "站", "队", "中心", "政府", "党委", "党组", "公司",
    "集团", "单位", "部门", "机构", "企业", "街道", "乡镇", "镇", "乡", "海关", "银行", "工会", "妇联",
    "学校", "学院", "处", "科", "组", "室", "司", "署", "社", "台", "馆", "团", "校", "区", "县", "市",
    "省", "村", "社区", "园区", "机关", "联", "办公室", "旗", "厂", "场", "镇街", "苏木", "嘎查", "支行", "分行", "中央",
    "总署", "地区", "州", "盟",
)  # fmt: skip
# A unit name never starts with a preposition or a verb of action.
_NOT_A_NAME_START = re.compile(
    r"^(?:对|把|将|在|按|从|向|以|为|经(?!信|济|开|发|贸)|根据|围绕|结合|通过|加强|推进|推动|开展|落实|建立|完善|实施|组织|"
    r"进行|制定|严格|深入|全面|持续|坚持|强化|健全|加快|积极|认真|切实|确保|做好|抓好|每|至少|定期|要|应(?!急)|"
    r"如|若|凡|其|并|和|及|与|或|同|等)"
)
_ACTION_WORDS = re.compile(
    r"开展|推进|推动|加强|建立|完善|实施|进行|制定|整治|培训|检查|落实|组织(?!部)|召开|修订|督促|指导|"
    r"纳入|设立|设置|配备|编制|发挥|提升|实现|达到|要求|确保|负责|牵头|配合"
)
# Bodies named without their place when several share it: 各县区党委、政府 → 各县区政府.
GENERIC_BODIES = (
    "人大常委会", "纪委监委", "人民政府", "党工委", "管委会", "党委", "政府", "人大", "政协", "纪委",
    "监委", "法院", "检察院", "党组", "组织部", "宣传部", "统战部", "政法委", "编办", "总工会", "团委",
    "妇联", "科协", "残联", "武装部", "公安局", "财政局", "应急局", "安委会", "安委办",
)  # fmt: skip
_GENERIC_SET = set(GENERIC_BODIES)
# Levels of government that a leading 各 distributes over: 各区、县级市 is one collective name.
_ADMIN_LEVELS = ("县级市", "县区", "区县", "市区", "市县", "开发区", "功能区", "园区", "乡镇", "镇街", "街道",
                 "自治州", "自治县", "县", "区", "市", "乡", "镇", "旗", "州", "盟")  # fmt: skip
_ADMIN_ALT = "|".join(_ADMIN_LEVELS)
_COLLECTIVE_HEAD = re.compile(rf"^各(?:{_ADMIN_ALT})(?:、(?:{_ADMIN_ALT}))*$")
_COLLECTIVE_TAIL = re.compile(rf"^(?:{_ADMIN_ALT})(?:{'|'.join(GENERIC_BODIES)})?$")
_TRAILING_ETC = re.compile(
    r"(?:等(?:有关|相关|其他)?(?:(?:单位|部门|同志|机构|地方|方面)(?:和|及|与|、)?)*|等等)$"
)
_TRAILING_DUTY = re.compile(
    r"(?:按照?职责分工(?:负责|落实)?|按照?职责(?:负责|落实)?|分别负责|负责落实|具体负责|共同负责|抓好落实|负责)$"
)
_LEAD_NOTE = re.compile(r"（(?:牵头|牵头单位|牵头部门|主责|牵头负责)）$|牵头$")
_SUPPORT_NOTE = re.compile(r"（(?:配合|配合单位|参与|协办|协同|协助)）$")
_DROP_NOTE = re.compile(
    r"（(?:[^（）]*?(?:列|排)[^（）]*?牵头[^（）]*|按职责分工负责|分别负责|负责|各自负责)）$"
)


@functools.cache
def _separator_pattern(separators: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(separators) + "]")


def split_top_level(text: str, separators: str = LIST_SEPARATORS) -> list[str]:
    """Split on separators that are outside brackets: 市委党校（行政学院、x）stays one piece."""
    if not any(c in text for c in OPENERS):
        pieces = _separator_pattern(separators).split(text) if separators else [text]
        return [p for p in (piece.strip() for piece in pieces) if p]
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
        if depth == 0 and char in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in (part.strip() for part in parts) if p]


_CONJUNCTIONS = (
    re.compile(r"(?<=[\u4e00-\u9fff）]{2})(?:以及|及)(?=[\u4e00-\u9fff]{2})"),
    re.compile(
        r"(?:(?<=政府|党委|部门|单位|机构|企业)|(?<=管委会)|(?<=[局委厅办院队部署]))(?:和|与)"
        r"(?=有关|相关|各|市|县|区|省|州|旗|其他|国家)"
    ),
)


def _split_conjunctions(item: str) -> list[str]:
    """Split 及/以及 between two names, and 和/与 before 有关/各/市… after a body's name."""
    pieces = [item]
    for pattern in _CONJUNCTIONS:
        pieces = [p for piece in pieces for p in pattern.split(piece) if p]
    return pieces


def clean_name(item: str) -> str:
    """Drop 等, trailing duty words and annotations such as （牵头） from one name."""
    item = item.strip(" 。.：:、，；")
    previous = None
    while previous != item:
        previous = item
        item = _TRAILING_ETC.sub("", item)
        item = _TRAILING_DUTY.sub("", item)
        item = _DROP_NOTE.sub("", item)
        item = _LEAD_NOTE.sub("", item)
        item = _SUPPORT_NOTE.sub("", item)
        if item.startswith("由") and len(item) > 3:
            item = item[1:]
        item = item.strip(" 。.：:、，；")
    return item


def name_role(item: str) -> str | None:
    """Return "lead" or "supporting" when a name carries an annotation such as （牵头）."""
    item = item.strip(" 。.、，；")
    item = _TRAILING_ETC.sub("", item)
    if _LEAD_NOTE.search(item):
        return "lead"
    if _SUPPORT_NOTE.search(item):
        return "supporting"
    return None


def _generic_prefix(previous: str) -> str | None:
    """Return the place part of a body's name: 各县区党委 → 各县区, 市委 → 市."""
    for generic in sorted(GENERIC_BODIES, key=len, reverse=True):
        if previous.endswith(generic) and len(previous) > len(generic):
            return previous[: -len(generic)]
    if len(previous) >= 2 and previous.endswith("委") and previous[-2] in "市县区省州盟旗":
        return previous[:-1]
    # 市工业和信息化局、财政局: a department named without its level takes the level of the one before it.
    if len(previous) >= 3 and previous[0] in "市县区省州旗" and previous[1] != "委":
        return previous[0]
    return None


def _restore_prefix(item: str, context: list[str], known: Collection[str]) -> str:
    if not known or item in known:
        return item
    for source in context:
        for cut in range(min(len(source) - 1, 12), 0, -1):
            candidate = source[:cut] + item
            if candidate in known:
                return candidate
    return item


def split_units(text: str, known_units: Collection[str] = ()) -> list[tuple[str, str | None]]:
    """Split a list of units into (name, role note) pairs, expanding shared ellipses and prefixes."""
    text = canonical_punctuation(text)
    raw_items = [p for part in split_top_level(text) for p in _split_conjunctions(part)]
    items: list[tuple[str, str | None]] = []
    for raw in raw_items:
        name = clean_name(raw)
        if name:
            items.append((name, name_role(raw)))
    merged: list[tuple[str, str | None]] = []
    for name, role in items:
        # 各区、县级市: the leading 各 covers both levels, so the pair is one collective name.
        if merged and _COLLECTIVE_HEAD.match(merged[-1][0]) and _COLLECTIVE_TAIL.match(name):
            merged[-1] = (merged[-1][0] + "、" + name, merged[-1][1] or role)
        else:
            merged.append((name, role))
    expanded: list[tuple[str, str | None]] = []
    for name, role in merged:
        if name in _GENERIC_SET and expanded:
            prefix = _generic_prefix(expanded[-1][0])
            if prefix:
                name = prefix + name
        else:
            context = [expanded[-1][0]] if expanded else []
            if expanded and expanded[0][0] not in context:
                context.append(expanded[0][0])
            name = _restore_prefix(name, context, known_units)
        expanded.append((name, role))
    return _dedupe(expanded)


def split_unit_names(text: str, known_units: Collection[str] = ()) -> list[str]:
    """Split a list of units into names (see `split_units`)."""
    return [name for name, _ in split_units(text, known_units)]


def _dedupe(items: Iterable[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    seen: set[str] = set()
    out: list[tuple[str, str | None]] = []
    for name, role in items:
        if name and name not in seen:
            seen.add(name)
            out.append((name, role))
    return out


_LEADER_TAIL = re.compile(
    r"(?:等)?(?:同志)?(?:按(?:照)?(?:职责)?分工负责|按(?:照)?职责负责|分工负责|协助负责|共同负责|配合负责|分管负责|"
    r"协助|配合|负责)$"
)


_POST_NOTE = re.compile(r"（[^（）]*(?:长|书记|主任|常委|委员|主席|秘书长|专员|领导)[^（）]*）$")


def clean_leader(name: str) -> str:
    """Drop 同志, 等 and duty words from a leader's name or post: 市政府分管领导同志 → 市政府分管领导."""
    name = name.strip(" 。.：:、，；")
    name = _POST_NOTE.sub("", name) or name  # 刘永红（副市长）: the post noted after the name
    previous = None
    while previous != name:
        previous = name
        name = _LEADER_TAIL.sub("", name)
        name = re.sub(r"(?:等)?同志$|等$", "", name).strip(" 。.、，；")
    return name


# A post written before a person's name: 常务副县长林志华, 县委常委、常务副县长 林志华.
_POST_THEN_NAME = re.compile(
    r"^(?P<post>.*(?:长|书记|主任|常委|委员|主席|秘书长|专员|巡视员|调研员|政委|司令员))(?P<name>[\u4e00-\u9fff·]{2,4})$"
)
_POST_ONLY = re.compile(r"(?:长|书记|主任|常委|委员|主席|秘书长|专员|巡视员|调研员|政委|司令员)$")


def _names_not_posts(pieces: list[str]) -> list[str]:
    """Keep the person where a field gives post and name; a bare post then titles that person."""
    named = [_POST_THEN_NAME.match(p) for p in pieces]
    if not any(named):
        return pieces
    out: list[str] = []
    seen_name = False
    for piece, match in zip(pieces, named, strict=True):
        if match:
            out.append(match.group("name"))
            seen_name = True
        elif _POST_ONLY.search(piece) and not seen_name:
            continue  # 县委常委 before 常务副县长林志华: the same person's other post
        else:
            out.append(piece)
    return out


def split_leaders(text: str) -> tuple[list[str], list[str]]:
    """Split a 牵头领导 field: names before the first comma lead, names after it share the work."""
    text = canonical_punctuation(text).strip(" 。.：:、，；")
    parts = split_top_level(text, "，；")
    lead_part, co_parts = parts[0] if parts else "", parts[1:]
    lead = _names_not_posts(
        [clean_leader(n) for p in _split_conjunctions(lead_part) for n in split_top_level(p, "、")]
    )
    co = _names_not_posts(
        [
            clean_leader(n)
            for part in co_parts
            for p in _split_conjunctions(part)
            for n in split_top_level(p, "、")
        ]
    )
    return _unique(lead), _unique(co)


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if n and not (n in seen or seen.add(n))]


def looks_like_unit(name: str) -> bool:
    """Return whether a chunk reads as the name of a unit (or a collective of units)."""
    name = clean_name(name)
    if not 2 <= len(name) <= 40 or _NOT_A_NAME_START.match(name):
        return False
    if any(c in name for c in "。！？“”《》") or _ACTION_WORDS.search(re.sub(r"（[^）]*）", "", name)):
        return False
    base = re.sub(r"（[^（）]*）$", "", name) or name
    return base.endswith(UNIT_SUFFIXES) or bool(_COLLECTIVE_PLACES.match(base))


# 各地, 各有关地方: the places themselves, assigned as a whole.
_COLLECTIVE_PLACES = re.compile(r"^各(?:有关|相关)?地(?:方|区)?$")

_LEADER_POST = re.compile(
    r"(?:领导|领导同志|市长|县长|区长|州长|省长|书记|主任|秘书长|部长|常委|主席|专员|负责同志|负责人)(?:同志)?$"
)


def looks_like_leader_post(name: str) -> bool:
    """Return whether a chunk names a leader by post, e.g. 市政府分管领导同志, 分管副市长."""
    name = name.strip(" 。.、，；")
    return 2 <= len(name) <= 24 and bool(_LEADER_POST.search(name)) and not _NOT_A_NAME_START.match(name)


_ORG_ENDINGS = ("办公室", "办公厅", "委员会", "人民政府", "管委会", "管理委员会", "安委会", "政府", "党委",
                "局", "厅", "委", "部", "院", "办", "会")  # fmt: skip


def split_concatenated_orgs(text: str) -> list[str]:
    """Split issuers written on one line: 中共临沂市委办公室临沂市人民政府办公室 → two names."""
    text = re.sub(r"\s+", "", text)
    return _split_orgs(text) or ([text] if text else [])


def _split_orgs(text: str) -> list[str] | None:
    if not text:
        return []
    for end in range(3, len(text) + 1):
        head = text[:end]
        ending = next((e for e in _ORG_ENDINGS if head.endswith(e)), None)
        # Two characters before the ending at least: 办公室 alone is the tail of a longer name.
        if ending is None or end - len(ending) < 2:
            continue
        if end < len(text) and (text[end] in "办委会室厅" or text[end : end + 2] in ("公室", "公厅")):
            continue
        rest = _split_orgs(text[end:])
        if rest is not None:
            return [head, *rest]
    return None
