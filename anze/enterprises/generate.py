"""Generated enterprises for the demo and the benchmark: valid credit codes, Linyi-like names, industries
and sizes, and records that make some enterprises compliant and others not. Deterministic per seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from stdnum.cn import uscc

from anze.enterprises.choices import EnterpriseStatus, PlanKind, RescueKind, SafetyRole
from anze.enterprises.dates import workday_ordinal
from anze.enterprises.models import categories_text

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code(serial: int) -> str:
    """A 9-character 组织机构代码 (GB 11714) with its check character, from a serial number."""
    body = f"{serial % 100_000_000:08d}"
    check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(serial: int, region_code: str = "371302", kind: str = "91") -> str:
    """A valid 统一社会信用代码: registration kind, region, organization code and the check character."""
    first17 = f"{kind}{region_code[:6]}{organization_code(serial)}"
    return first17 + uscc.calc_check_digit(first17)


# Plausible Linyi industries, weighted: (industry code, weight, typical employee range, name suffixes).
INDUSTRY_MIX: list[tuple[str, int, tuple[int, int], tuple[str, ...]]] = [
    ("20", 18, (20, 400), ("木业有限公司", "板材有限公司", "木制品有限公司")),
    ("13", 8, (30, 800), ("食品有限公司", "肉制品有限公司", "农副产品加工有限公司")),
    ("26", 7, (40, 1500), ("化工有限公司", "化学有限公司", "新材料科技有限公司")),
    ("31", 2, (200, 3000), ("钢铁有限公司", "特钢有限公司")),
    ("32", 2, (100, 1200), ("铝业有限公司", "有色金属有限公司")),
    ("30", 6, (30, 600), ("建材有限公司", "陶瓷有限公司", "水泥有限公司")),
    ("33", 6, (20, 500), ("五金制品有限公司", "金属制品有限公司")),
    ("10", 3, (30, 400), ("石材有限公司", "矿业有限公司")),
    ("47", 7, (50, 2500), ("建设集团有限公司", "建筑工程有限公司")),
    ("48", 3, (50, 1500), ("路桥工程有限公司", "市政工程有限公司")),
    ("54", 8, (20, 1200), ("物流有限公司", "运输有限公司", "汽车运输有限公司")),
    ("5942", 1, (10, 200), ("危险品仓储有限公司",)),
    ("5265", 3, (5, 60), ("加油站有限公司", "石油销售有限公司")),
    ("2672", 1, (20, 200), ("烟花爆竹有限公司",)),
    ("04", 2, (5, 80), ("渔业有限公司", "水产养殖专业合作社")),
    ("52", 8, (10, 1200), ("商贸有限公司", "购物广场有限公司", "商城有限公司")),
    ("61", 4, (10, 300), ("酒店有限公司", "宾馆有限公司")),
    ("90", 2, (10, 150), ("娱乐有限公司", "文化娱乐有限公司")),
    ("34", 4, (30, 900), ("机械有限公司", "机械制造有限公司")),
    ("80", 2, (5, 100), ("家政服务有限公司", "物业服务有限公司")),
]
_PLACES = [
    "兰山",
    "罗庄",
    "河东",
    "沂南",
    "郯城",
    "沂水",
    "兰陵",
    "费县",
    "平邑",
    "莒南",
    "蒙阴",
    "临沭",
    "沂蒙",
    "琅琊",
]
_WORDS = [
    "鑫",
    "华",
    "泰",
    "昌",
    "盛",
    "源",
    "宏",
    "德",
    "恒",
    "金",
    "瑞",
    "丰",
    "祥",
    "利",
    "达",
    "兴",
    "顺",
    "通",
    "永",
    "新",
]
_SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "高",
    "罗",
]
_GIVEN = [
    "建国",
    "志强",
    "秀英",
    "海燕",
    "立新",
    "明德",
    "晓东",
    "文静",
    "国庆",
    "红梅",
    "德胜",
    "玉兰",
    "洪涛",
    "春华",
]
_INSURERS = ["中国人民财产保险临沂分公司", "中国平安财产保险临沂中心支公司", "中国太平洋财产保险临沂中心支公司", "中华联合财产保险临沂中心支公司"]  # fmt: skip
_CROWDED_INDUSTRIES = {"52", "61", "90"}


@dataclass
class Generated:
    """One generated enterprise and its records, unsaved (for bulk_create)."""

    enterprise: dict[str, Any]
    areas: list[str] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    committee: dict[str, Any] | None = None
    meetings: list[dict[str, Any]] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    drills: list[dict[str, Any]] = field(default_factory=list)
    rescues: list[dict[str, Any]] = field(default_factory=list)


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _days_ago(today: dt.date, rng: random.Random, low: int, high: int) -> dt.date:
    return today - dt.timedelta(days=rng.randint(low, high))


def generate(
    count: int, *, counties: list[tuple[int, str]], industries: dict[str, tuple[int, str]], today: dt.date,
    seed: int = 2026, start_serial: int = 1,
) -> Iterator[Generated]:  # fmt: skip
    """Yield `count` enterprises; `counties` are (region id, code), `industries` code → (id, category).

    About two in three keep their records in order; the rest miss something (an expired policy, a late
    filing, no recent drill …), so the dashboard has something to show.
    """
    rng = random.Random(seed)
    codes = [code for code, *_ in INDUSTRY_MIX]
    weights = [w for _, w, _, _ in INDUSTRY_MIX]
    mix = {code: (low_high, suffixes) for code, _, low_high, suffixes in INDUSTRY_MIX}
    for serial in range(start_serial, start_serial + count):
        code = rng.choices(codes, weights)[0]
        (low, high), suffixes = mix[code]
        industry_id, category = industries[code]
        region_id, region_code = counties[serial % len(counties)]
        employees = int(min(high, low + rng.paretovariate(1.6) * low / 2))
        categories = [category] if category else []
        if code in ("13", "52") and rng.random() < 0.15:
            categories.append("ammonia_refrigeration")
        if code in ("33", "34") and rng.random() < 0.3:
            categories.append("dust_explosion")
        status = (
            EnterpriseStatus.OPERATING
            if rng.random() < 0.95
            else rng.choice([EnterpriseStatus.SUSPENDED, EnterpriseStatus.CLOSED])
        )
        name = f"临沂{rng.choice(_PLACES)}{rng.choice(_WORDS)}{rng.choice(_WORDS)}{rng.choice(suffixes)}"
        text = categories_text(categories)
        item = Generated(
            enterprise={
                "name": name,
                "credit_code": credit_code(serial, region_code),
                "region_id": region_id,
                "county_id": region_id,
                "address": f"临沂市{name[2:4]}工业园{rng.randint(1, 300)}号",
                "industry_id": industry_id,
                "categories": text,
                "is_high_risk": bool(text),
                "employee_count": employees,
                "is_crowded_place": code in _CROWDED_INDUSTRIES,
                "in_chemical_park": code == "26" and rng.random() < 0.6,
                "has_major_hazard": code in ("26", "5942") and rng.random() < 0.3,
                "legal_representative": _person(rng),
                "actual_controller": _person(rng),
                "principal": _person(rng),
                "status": status,
            }
        )
        _records(item, rng, today, employees, bool(text))
        yield item


def _records(item: Generated, rng: random.Random, today: dt.date, employees: int, high_risk: bool) -> None:
    diligent = rng.random() < 0.65
    areas = [f"{n}号厂区" for n in range(1, 1 + (1 if employees < 200 else rng.randint(1, 3)))]
    item.areas = areas
    big = employees >= (300 if high_risk else 1000)
    if big and (diligent or rng.random() < 0.5):
        item.people.append(
            {
                "role": SafetyRole.SAFETY_DIRECTOR,
                "name": _person(rng),
                "started_on": _days_ago(today, rng, 60, 1500),
            }
        )
        item.committee = {"established_on": _days_ago(today, rng, 200, 2000), "chair": _person(rng)}
        for _ in range(rng.randint(1, 4)):
            item.meetings.append({"held_on": _days_ago(today, rng, 5, 200), "topic": "季度安全生产例会"})
    if employees >= 100:
        item.people.append(
            {
                "role": SafetyRole.FULL_TIME_MANAGER,
                "name": _person(rng),
                "started_on": _days_ago(today, rng, 30, 900),
            }
        )
    if high_risk:
        starts = _days_ago(today, rng, 0, 330) if diligent else _days_ago(today, rng, 380, 700)
        covered = employees if diligent or rng.random() < 0.5 else max(1, employees - rng.randint(1, 20))
        item.policies.append(
            {
                "insurer": rng.choice(_INSURERS),
                "policy_number": f"AZX{today.year}{rng.randint(10**8, 10**9 - 1)}",
                "starts_on": starts,
                "ends_on": starts + dt.timedelta(days=364),
                "persons_covered": covered,
                "cover_per_person": 400_000 if diligent or rng.random() < 0.5 else 300_000,
            }
        )
        if diligent or rng.random() < 0.4:
            item.rescues.append(
                {
                    "kind": rng.choice([RescueKind.OWN_TEAM, RescueKind.AGREEMENT]),
                    "name": "临沂市危险化学品应急救援队" if rng.random() < 0.5 else "企业专职救援队",
                    "valid_from": _days_ago(today, rng, 30, 700),
                }
            )
    for kind, title in (
        (PlanKind.COMPREHENSIVE, "生产安全事故综合应急预案"),
        (PlanKind.ON_SITE, "现场处置方案"),
    ):
        published = _days_ago(today, rng, 60, 900)
        delay = rng.randint(3, 18) if diligent else rng.randint(15, 40)
        filed = published + dt.timedelta(days=delay) if rng.random() < 0.9 else None
        item.plans.append(
            {
                "kind": kind,
                "title": title,
                "version": "2024版",
                "published_on": published,
                "filed_on": filed if filed and filed <= today else None,
                "filing_authority": "县区应急管理局" if filed else "",
                "published_workday": workday_ordinal(published),
                "filed_workday": workday_ordinal(filed) if filed and filed <= today else None,
            }
        )
    drill_window = 170 if diligent else 500
    for area in areas:
        item.drills.append(
            {"area": area, "kind": PlanKind.ON_SITE, "held_on": _days_ago(today, rng, 1, drill_window),
             "participants": rng.randint(8, 60)}
        )  # fmt: skip
    item.drills.append(
        {"area": None, "kind": PlanKind.COMPREHENSIVE, "held_on": _days_ago(today, rng, 1, drill_window),
         "participants": rng.randint(20, 200)}
    )  # fmt: skip
