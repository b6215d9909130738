"""The verifiable random draw of 双随机 inspections — pure functions, no ORM.

Before the draw the plan freezes the pool into a canonical JSON snapshot and publishes two digests: sha256 of
the snapshot and sha256 of a secret seed. After the draw the seed is revealed; anyone holding the published
snapshot and seed recomputes the selection with `select()` and compares it with the published result.

The algorithm (documented in docs/enforcement.md so it can be re-implemented elsewhere):

- key = HMAC-SHA256(seed, pool_digest) — the seed bound to this exact pool;
- the enterprises, in id order, take their lots from SHAKE-256(key ‖ "enterprises"), read as consecutive
  64-bit big-endian integers;
- per credit-risk class (A–D), the ceil(ratio × n) enterprises with the smallest lots (ties by position) are
  drawn; an enterprise on the blacklist is drawn at `listed_ratio` when that is higher than its class's (more
  frequent inspection); the drawn ones are ordered by lot;
- inspectors, in id order, are walked for each drawn enterprise from an offset taken from SHAKE-256(key ‖
  "inspectors") (1 + the number of joint departments integers per enterprise, in draw order), skipping those
  with a declared conflict of interest and, for 异地执法, those of the enterprise's county; 联合执法 takes one
  from each named department first (its own offsets); at least two per inspection (行政处罚法 art. 42).

Changing the pool (an enterprise, an inspector, a conflict, a parameter), its order or the seed changes the
snapshot digest or the lots, so verification fails.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import math
import struct
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SNAPSHOT_VERSION = 1
CREDIT_CLASSES = ("A", "B", "C", "D")
MIN_INSPECTORS = 2


class DrawError(ValueError):
    """A snapshot or parameter the draw cannot use; the message says what to fix."""


@dataclass(frozen=True)
class Parameters:
    """What the plan committed to: ratios per class, inspectors per inspection, joint and remote options."""

    ratios: dict[str, Decimal]
    inspectors_per_inspection: int = MIN_INSPECTORS
    listed_ratio: Decimal | None = None
    joint_departments: tuple[str, ...] = ()
    remote: bool = False

    def __post_init__(self) -> None:
        if self.inspectors_per_inspection < MIN_INSPECTORS:
            raise DrawError("每次检查至少两名执法人员（行政处罚法第四十二条）。")
        for name, ratio in self.ratios.items():
            if name not in CREDIT_CLASSES:
                raise DrawError(f"未知的信用风险分类“{name}”，应为 A、B、C、D 之一。")
            if not Decimal(0) <= Decimal(ratio) <= Decimal(1):
                raise DrawError(f"{name} 类抽查比例须在 0 到 1 之间。")
        if self.listed_ratio is not None and not Decimal(0) <= Decimal(self.listed_ratio) <= Decimal(1):
            raise DrawError("严重失信主体的抽查比例须在 0 到 1 之间。")

    def to_json(self) -> dict[str, Any]:
        return {
            "ratios": {k: str(Decimal(v)) for k, v in sorted(self.ratios.items())},
            "inspectors_per_inspection": self.inspectors_per_inspection,
            "listed_ratio": None if self.listed_ratio is None else str(Decimal(self.listed_ratio)),
            "joint_departments": list(self.joint_departments),
            "remote": self.remote,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Parameters:
        return cls(
            ratios={k: Decimal(v) for k, v in data["ratios"].items()},
            inspectors_per_inspection=int(data["inspectors_per_inspection"]),
            listed_ratio=None if data.get("listed_ratio") is None else Decimal(data["listed_ratio"]),
            joint_departments=tuple(data.get("joint_departments") or ()),
            remote=bool(data.get("remote")),
        )


@dataclass(frozen=True)
class PoolEnterprise:
    id: str
    credit_class: str
    county: str
    listed: bool = False


@dataclass(frozen=True)
class PoolInspector:
    id: str
    department: str
    county: str


@dataclass
class Pool:
    """The frozen pool: parameters, enterprises, inspectors and declared conflicts (inspector id, enterprise id)."""

    parameters: Parameters
    enterprises: list[PoolEnterprise]
    inspectors: list[PoolInspector]
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    label: str = ""

    def canonical(self) -> dict[str, Any]:
        """The snapshot as data, every list in id order: the same pool always gives the same bytes."""
        return {
            "version": SNAPSHOT_VERSION,
            "label": self.label,
            "parameters": self.parameters.to_json(),
            "enterprises": [
                [e.id, e.credit_class, e.county, 1 if e.listed else 0]
                for e in sorted(self.enterprises, key=lambda e: e.id)
            ],
            "inspectors": [
                [i.id, i.department, i.county] for i in sorted(self.inspectors, key=lambda i: i.id)
            ],
            "conflicts": sorted([list(pair) for pair in set(self.conflicts)]),
        }

    def snapshot(self) -> bytes:
        return canonical_bytes(self.canonical())


def canonical_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seed_digest(seed: str) -> str:
    """The published commitment to the seed (a hex string of at least 32 bytes)."""
    return sha256_hex(_seed_bytes(seed))


def _seed_bytes(seed: str) -> bytes:
    try:
        raw = bytes.fromhex(seed)
    except ValueError as exc:
        raise DrawError("种子应为十六进制字符串。") from exc
    if len(raw) < 32:
        raise DrawError("种子至少 32 字节（64 个十六进制字符）。")
    return raw


def parse_snapshot(snapshot: bytes) -> Pool:
    """The pool from its published bytes; refuses bytes that are not in canonical form (reordered, re-spaced)."""
    try:
        data = json.loads(snapshot.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DrawError(f"快照不是有效的 JSON：{exc}") from exc
    if data.get("version") != SNAPSHOT_VERSION:
        raise DrawError(f"快照版本应为 {SNAPSHOT_VERSION}。")
    pool = Pool(
        parameters=Parameters.from_json(data["parameters"]),
        enterprises=[PoolEnterprise(e[0], e[1], e[2], bool(e[3])) for e in data["enterprises"]],
        inspectors=[PoolInspector(*i) for i in data["inspectors"]],
        conflicts=[tuple(c) for c in data["conflicts"]],
        label=data.get("label", ""),
    )
    if pool.snapshot() != snapshot:
        raise DrawError("快照不是规范格式（顺序或格式被改动），无法验证。")
    return pool


@dataclass(frozen=True)
class Selection:
    """One drawn inspection: the enterprise and its inspectors, in draw order."""

    enterprise: str
    inspectors: tuple[str, ...]


@dataclass
class Result:
    selections: list[Selection]
    unstaffed: list[str]  # drawn enterprises without enough eligible inspectors: reported, never dropped

    def to_json(self) -> dict[str, Any]:
        return {
            "selections": [[s.enterprise, list(s.inspectors)] for s in self.selections],
            "unstaffed": list(self.unstaffed),
        }

    def digest(self) -> str:
        return sha256_hex(canonical_bytes(self.to_json()))


def _stream(key: bytes, label: bytes, count: int) -> tuple[int, ...]:
    """`count` 64-bit big-endian integers from SHAKE-256(key ‖ label): one call for the whole stream."""
    if count == 0:
        return ()
    return struct.unpack(f">{count}Q", hashlib.shake_256(key + label).digest(8 * count))


def _quota(n: int, ratio: Decimal) -> int:
    return min(n, math.ceil(Decimal(n) * Decimal(ratio)))


def select(pool: Pool, seed: str, *, pool_digest: str | None = None) -> Result:
    """Draw enterprises and their inspectors from the pool with the seed (deterministic).

    `pool_digest` may be given when the caller already hashed the snapshot (it is not trusted for anything
    else: verify() checks it against the snapshot).
    """
    digest = pool_digest or sha256_hex(pool.snapshot())
    key = hmac.digest(_seed_bytes(seed), digest.encode("ascii"), "sha256")
    params = pool.parameters
    listed_ratio = Decimal(params.listed_ratio) if params.listed_ratio is not None else None

    # Enterprises, in id order, each with its lot from the stream; per group the quota with the smallest lots.
    enterprises = sorted(pool.enterprises, key=lambda e: e.id)
    lots = _stream(key, b"enterprises", len(enterprises))
    ratios = {name: Decimal(ratio) for name, ratio in params.ratios.items()}
    group_of: dict[tuple[str, bool], str] = {}
    for enterprise in enterprises:
        pair = (enterprise.credit_class, enterprise.listed)
        if pair not in group_of:
            ratio = ratios.get(enterprise.credit_class, Decimal(0))
            listed = enterprise.listed and listed_ratio is not None and listed_ratio > ratio
            group_of[pair] = "listed" if listed else enterprise.credit_class
    groups: dict[str, list[int]] = {group: [] for group in group_of.values()}
    for index, enterprise in enumerate(enterprises):
        groups[group_of[enterprise.credit_class, enterprise.listed]].append(index)
    drawn: list[int] = []
    for group, members in groups.items():
        ratio = listed_ratio if group == "listed" else ratios.get(group, Decimal(0))
        quota = _quota(len(members), ratio)
        ranked = sorted(members, key=lambda i: (lots[i], i)) if quota * 4 > len(members) else None
        drawn.extend(
            ranked[:quota]
            if ranked is not None
            else heapq.nsmallest(quota, members, key=lambda i: (lots[i], i))
        )
    drawn.sort(key=lambda i: (lots[i], i))

    # Inspectors: for each drawn enterprise, rotations from offsets taken from a second stream, in draw order.
    inspectors = sorted(pool.inspectors, key=lambda i: i.id)
    by_department: dict[str, list[PoolInspector]] = {}
    for inspector in inspectors:
        by_department.setdefault(inspector.department, []).append(inspector)
    conflicts: dict[str, set[str]] = {}
    for inspector_id, enterprise_id in pool.conflicts:
        conflicts.setdefault(enterprise_id, set()).add(inspector_id)
    need = params.inspectors_per_inspection
    per_enterprise = 1 + len(params.joint_departments)
    offsets = _stream(key, b"inspectors", len(drawn) * per_enterprise)

    def walk(
        candidates: list[PoolInspector], offset: int, enterprise: PoolEnterprise, count: int, taken: list[str]
    ):
        if not candidates or count <= 0:
            return
        barred = conflicts.get(enterprise.id, ())
        n = len(candidates)
        start = offset % n
        for step in range(n):
            inspector = candidates[(start + step) % n]
            if inspector.id in barred or inspector.id in taken:
                continue
            if params.remote and inspector.county == enterprise.county:
                continue
            taken.append(inspector.id)
            count -= 1
            if count == 0:
                return

    selections: list[Selection] = []
    unstaffed: list[str] = []
    for position, index in enumerate(drawn):
        enterprise = enterprises[index]
        base = position * per_enterprise
        taken: list[str] = []
        for number, department in enumerate(params.joint_departments, start=1):
            walk(by_department.get(department, []), offsets[base + number], enterprise, 1, taken)
        if params.joint_departments and len(taken) < len(params.joint_departments):
            unstaffed.append(enterprise.id)
            continue
        walk(inspectors, offsets[base], enterprise, need - len(taken), taken)
        if len(taken) < need:
            unstaffed.append(enterprise.id)
            continue
        selections.append(Selection(enterprise.id, tuple(taken)))
    return Result(selections, unstaffed)


@dataclass(frozen=True)
class Verification:
    ok: bool
    reasons: tuple[str, ...]


def verify(
    snapshot: bytes, seed: str, *, pool_digest: str, seed_digest_published: str, result: dict[str, Any]
) -> Verification:
    """Check a published draw: the snapshot and seed match their commitments and reproduce the result."""
    reasons = []
    if sha256_hex(snapshot) != pool_digest:
        reasons.append("名单快照与公布的摘要不符。")
    try:
        if seed_digest(seed) != seed_digest_published:
            reasons.append("种子与公布的摘要不符。")
        pool = parse_snapshot(snapshot)
        recomputed = select(pool, seed, pool_digest=sha256_hex(snapshot)).to_json()
    except DrawError as exc:
        return Verification(False, (*reasons, str(exc)))
    if recomputed != result:
        reasons.append("用快照和种子重新抽取的结果与公布的结果不同。")
    return Verification(not reasons, tuple(reasons))
