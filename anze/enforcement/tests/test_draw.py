"""The verifiable draw: properties of the selection, an independent oracle, and verification that fails when the
pool, the seed or the order is changed."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anze.enforcement import draw
from anze.enforcement.draw import Parameters, Pool, PoolEnterprise, PoolInspector

SEED = "ab" * 32
OTHER_SEED = "cd" * 32


def make_pool(n_enterprises=60, n_inspectors=12, conflicts=(), **params) -> Pool:
    parameters = Parameters(
        ratios=params.pop(
            "ratios", {"A": Decimal("0.05"), "B": Decimal("0.1"), "C": Decimal("0.2"), "D": Decimal("0.5")}
        ),
        **params,
    )
    enterprises = [
        PoolEnterprise(f"e{i:04d}", "ABCD"[i % 4], f"c{i % 3}", listed=(i % 17 == 0))
        for i in range(n_enterprises)
    ]
    inspectors = [PoolInspector(f"i{i:03d}", f"d{i % 3}", f"c{i % 3}") for i in range(n_inspectors)]
    return Pool(parameters, enterprises, inspectors, list(conflicts), label="2026 第1轮")


def oracle(pool: Pool, seed: str):
    """Written from the algorithm's description, independently of draw.select()."""
    snapshot = json.dumps(
        pool.canonical(), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode()
    key = hmac.new(
        bytes.fromhex(seed), hashlib.sha256(snapshot).hexdigest().encode(), hashlib.sha256
    ).digest()

    def stream(label, count):
        raw = hashlib.shake_256(key + label).digest(8 * count)
        return [int.from_bytes(raw[8 * k : 8 * k + 8], "big") for k in range(count)]

    p = pool.parameters
    ordered = sorted(pool.enterprises, key=lambda e: e.id)
    lot = dict(zip((e.id for e in ordered), stream(b"enterprises", len(ordered)), strict=True))
    position = {e.id: n for n, e in enumerate(ordered)}
    chosen = []
    classes = {}
    for e in ordered:
        r = p.ratios.get(e.credit_class, Decimal(0))
        g = "listed" if (e.listed and p.listed_ratio is not None and p.listed_ratio > r) else e.credit_class
        classes.setdefault(g, []).append(e)
    for g, members in classes.items():
        r = p.listed_ratio if g == "listed" else p.ratios.get(g, Decimal(0))
        k = min(len(members), math.ceil(len(members) * r))
        chosen += sorted(members, key=lambda e: (lot[e.id], position[e.id]))[:k]
    chosen.sort(key=lambda e: (lot[e.id], position[e.id]))
    width = 1 + len(p.joint_departments)
    offsets = stream(b"inspectors", len(chosen) * width)
    barred = {(i, e) for i, e in pool.conflicts}
    everyone = sorted(pool.inspectors, key=lambda i: i.id)
    out, short = [], []
    for n, e in enumerate(chosen):

        def ok(i, taken, e=e):
            return (
                (i.id, e.id) not in barred and i.id not in taken and not (p.remote and i.county == e.county)
            )

        def rotation(cands, offset):
            if not cands:
                return []
            s = offset % len(cands)
            return cands[s:] + cands[:s]

        taken = []
        for t, d in enumerate(p.joint_departments, start=1):
            for i in rotation([x for x in everyone if x.department == d], offsets[n * width + t]):
                if ok(i, taken):
                    taken.append(i.id)
                    break
        if len(taken) < len(p.joint_departments):
            short.append(e.id)
            continue
        for i in rotation(everyone, offsets[n * width]):
            if len(taken) >= p.inspectors_per_inspection:
                break
            if ok(i, taken):
                taken.append(i.id)
        if len(taken) < p.inspectors_per_inspection:
            short.append(e.id)
        else:
            out.append([e.id, taken])
    return {"selections": out, "unstaffed": short}


pools = st.builds(
    make_pool,
    n_enterprises=st.integers(0, 80),
    n_inspectors=st.integers(0, 15),
    conflicts=st.lists(
        st.tuples(
            st.integers(0, 14).map(lambda i: f"i{i:03d}"), st.integers(0, 79).map(lambda i: f"e{i:04d}")
        ),
        max_size=40,
    ),
    inspectors_per_inspection=st.integers(2, 4),
    remote=st.booleans(),
    listed_ratio=st.sampled_from([None, Decimal("0.8")]),
    joint_departments=st.sampled_from([(), ("d0", "d1")]),
)
seeds = st.binary(min_size=32, max_size=32).map(bytes.hex)


@settings(max_examples=60, deadline=None)
@given(pools, seeds)
def test_select_matches_the_oracle(pool, seed):
    assert draw.select(pool, seed).to_json() == oracle(pool, seed)


@settings(max_examples=60, deadline=None)
@given(pools, seeds)
def test_every_inspection_has_enough_eligible_inspectors(pool, seed):
    result = draw.select(pool, seed)
    barred = set(pool.conflicts)
    by_id = {e.id: e for e in pool.enterprises}
    inspectors = {i.id: i for i in pool.inspectors}
    for s in result.selections:
        assert len(s.inspectors) == pool.parameters.inspectors_per_inspection >= 2
        assert len(set(s.inspectors)) == len(s.inspectors)
        assert not any((i, s.enterprise) in barred for i in s.inspectors)
        if pool.parameters.remote:
            assert all(inspectors[i].county != by_id[s.enterprise].county for i in s.inspectors)
        for department in pool.parameters.joint_departments:
            assert any(inspectors[i].department == department for i in s.inspectors)
    drawn = [s.enterprise for s in result.selections] + result.unstaffed
    assert len(drawn) == len(set(drawn))


def test_quota_per_class_is_the_ratio_rounded_up():
    pool = make_pool(n_enterprises=100, n_inspectors=20)
    result = draw.select(pool, SEED)
    drawn = {s.enterprise for s in result.selections} | set(result.unstaffed)
    classes = {e.id: e.credit_class for e in pool.enterprises}
    assert sum(1 for e in drawn if classes[e] == "D") == math.ceil(25 * 0.5)
    assert sum(1 for e in drawn if classes[e] == "A") == math.ceil(25 * 0.05)


def test_a_listed_enterprise_is_drawn_more_often():
    base = make_pool(
        n_enterprises=400,
        n_inspectors=20,
        ratios={"A": Decimal("0.1"), "B": Decimal("0.1"), "C": Decimal("0.1"), "D": Decimal("0.1")},
    )
    boosted = make_pool(
        n_enterprises=400, n_inspectors=20, listed_ratio=Decimal("1"), ratios=base.parameters.ratios
    )
    listed = {e.id for e in boosted.enterprises if e.listed}
    drawn = {s.enterprise for s in draw.select(boosted, SEED).selections}
    assert listed <= drawn
    assert len(listed & {s.enterprise for s in draw.select(base, SEED).selections}) < len(listed)


def test_too_few_inspectors_are_reported_not_dropped():
    pool = make_pool(
        n_enterprises=8,
        n_inspectors=2,
        conflicts=[("i000", "e0003")],
        ratios={"A": Decimal(1), "B": Decimal(1), "C": Decimal(1), "D": Decimal(1)},
    )
    result = draw.select(pool, SEED)
    assert result.unstaffed == ["e0003"]
    assert len(result.selections) == 7


def test_fewer_than_two_inspectors_per_inspection_is_refused():
    with pytest.raises(draw.DrawError):
        Parameters(ratios={"A": Decimal("0.1")}, inspectors_per_inspection=1)


def published(pool, seed):
    snapshot = pool.snapshot()
    return snapshot, {
        "pool_digest": draw.sha256_hex(snapshot),
        "seed_digest_published": draw.seed_digest(seed),
        "result": draw.select(pool, seed).to_json(),
    }


def test_the_published_draw_verifies():
    snapshot, commitments = published(make_pool(), SEED)
    assert draw.verify(snapshot, SEED, **commitments).ok


def test_another_seed_breaks_verification():
    snapshot, commitments = published(make_pool(), SEED)
    check = draw.verify(snapshot, OTHER_SEED, **commitments)
    assert not check.ok and "种子与公布的摘要不符。" in check.reasons


def test_a_seed_chosen_after_seeing_the_pool_does_not_match_the_commitment():
    pool = make_pool()
    snapshot, commitments = published(pool, SEED)
    commitments["result"] = draw.select(pool, OTHER_SEED).to_json()
    assert not draw.verify(snapshot, SEED, **commitments).ok


def test_a_changed_pool_breaks_verification():
    pool = make_pool()
    snapshot, commitments = published(pool, SEED)
    changed = make_pool()
    changed.enterprises.pop(5)
    check = draw.verify(changed.snapshot(), SEED, **commitments)
    assert not check.ok and "名单快照与公布的摘要不符。" in check.reasons


def test_an_added_conflict_breaks_verification():
    snapshot, commitments = published(make_pool(), SEED)
    changed = make_pool(conflicts=[("i001", "e0002")])
    assert not draw.verify(changed.snapshot(), SEED, **commitments).ok


def test_a_reordered_snapshot_breaks_verification():
    pool = make_pool()
    snapshot, commitments = published(pool, SEED)
    data = json.loads(snapshot)
    data["enterprises"].reverse()
    reordered = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    check = draw.verify(reordered, SEED, **dict(commitments, pool_digest=draw.sha256_hex(reordered)))
    assert not check.ok and any("规范格式" in r for r in check.reasons)
    assert not draw.verify(reordered, SEED, **commitments).ok


def test_an_edited_result_breaks_verification():
    snapshot, commitments = published(make_pool(), SEED)
    commitments["result"]["selections"][0][1].reverse()
    assert not draw.verify(snapshot, SEED, **commitments).ok


def test_the_pool_order_given_does_not_change_the_snapshot():
    pool = make_pool()
    shuffled = make_pool()
    shuffled.enterprises.reverse()
    shuffled.inspectors.reverse()
    assert pool.snapshot() == shuffled.snapshot()
    assert draw.select(pool, SEED).to_json() == draw.select(shuffled, SEED).to_json()
