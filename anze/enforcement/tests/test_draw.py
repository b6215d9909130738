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


ratio_values = st.sampled_from([Decimal(0), Decimal("0.1"), Decimal("0.5"), Decimal("0.8"), Decimal(1)])
pools = st.builds(
    make_pool,
    ratios=st.dictionaries(st.sampled_from("ABCD"), ratio_values),
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
    listed_ratio=st.none() | ratio_values,
    joint_departments=st.sampled_from([(), ("d0", "d1")]),
)
seeds = st.binary(min_size=32, max_size=32).map(bytes.hex)


@settings(deadline=None)
@given(pools, seeds)
def test_select_matches_the_oracle(pool, seed):
    assert draw.select(pool, seed).to_json() == oracle(pool, seed)


@settings(deadline=None)
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
    assert check == draw.Verification(False, ("快照不是规范格式（顺序或格式被改动），无法验证。",))
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


# ---- what the draw refuses, and why ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ratios": {"E": Decimal("0.1")}}, "未知的信用风险分类“E”，应为 A、B、C、D 之一。"),
        ({"ratios": {"B": Decimal("1.01")}}, "B 类抽查比例须在 0 到 1 之间。"),
        ({"ratios": {"C": Decimal("-0.01")}}, "C 类抽查比例须在 0 到 1 之间。"),
        ({"ratios": {}, "listed_ratio": Decimal("1.5")}, "严重失信主体的抽查比例须在 0 到 1 之间。"),
        ({"ratios": {}, "listed_ratio": Decimal("-1")}, "严重失信主体的抽查比例须在 0 到 1 之间。"),
        (
            {"ratios": {}, "inspectors_per_inspection": 1},
            "每次检查至少两名执法人员（行政处罚法第四十二条）。",
        ),
    ],
)
def test_parameters_out_of_bounds_are_refused_with_the_reason(kwargs, message):
    with pytest.raises(draw.DrawError) as refused:
        Parameters(**kwargs)
    assert str(refused.value) == message


def test_parameters_at_their_bounds_are_accepted_and_round_trip_through_json():
    edge = Parameters(
        ratios={"A": Decimal(0), "D": Decimal(1)},
        inspectors_per_inspection=2,
        listed_ratio=Decimal(0),
        joint_departments=("d0",),
        remote=True,
    )
    assert edge.to_json() == {
        "ratios": {"A": "0", "D": "1"},
        "inspectors_per_inspection": 2,
        "listed_ratio": "0",
        "joint_departments": ["d0"],
        "remote": True,
    }
    assert Parameters.from_json(edge.to_json()) == edge
    bare = Parameters.from_json({"ratios": {"B": "0.5"}, "inspectors_per_inspection": 3})
    assert bare == Parameters(ratios={"B": Decimal("0.5")}, inspectors_per_inspection=3)


@pytest.mark.parametrize(
    ("seed", "message"),
    [("zz" * 32, "种子应为十六进制字符串。"), ("ab" * 31, "种子至少 32 字节（64 个十六进制字符）。")],
)
def test_a_seed_that_is_not_32_hex_bytes_is_refused(seed, message):
    with pytest.raises(draw.DrawError) as refused:
        draw.seed_digest(seed)
    assert str(refused.value) == message
    with pytest.raises(draw.DrawError) as refused:
        draw.select(make_pool(), seed)
    assert str(refused.value) == message


def test_the_seed_digest_is_sha256_of_the_seed_bytes():
    assert draw.seed_digest(SEED) == hashlib.sha256(bytes([0xAB] * 32)).hexdigest()


def test_the_snapshot_is_compact_sorted_json_of_the_pool():
    pool = Pool(
        Parameters(ratios={"B": Decimal("0.5"), "A": Decimal("0.1")}, listed_ratio=Decimal("0.8")),
        [PoolEnterprise("e2", "B", "兰山", listed=True), PoolEnterprise("e1", "A", "罗庄")],
        [PoolInspector("i1", "应急局", "兰山")],
        [("i1", "e2"), ("i1", "e2")],
        label="第1轮",
    )
    assert (
        pool.snapshot()
        == (
            '{"conflicts":[["i1","e2"]],"enterprises":[["e1","A","罗庄",0],["e2","B","兰山",1]],'
            '"inspectors":[["i1","应急局","兰山"]],"label":"第1轮","parameters":{"inspectors_per_inspection":2,'
            '"joint_departments":[],"listed_ratio":"0.8","ratios":{"A":"0.1","B":"0.5"},"remote":false},'
            '"version":1}'
        ).encode()
    )
    assert draw.parse_snapshot(pool.snapshot()).snapshot() == pool.snapshot()


@pytest.mark.parametrize(
    ("snapshot", "message"),
    [
        (b"\xff", "快照不是有效的 JSON"),
        (b"{", "快照不是有效的 JSON"),
        (b'{"version":2}', "快照版本应为 1"),
    ],
)
def test_a_snapshot_that_cannot_be_read_is_refused(snapshot, message):
    with pytest.raises(draw.DrawError, match=message):
        draw.parse_snapshot(snapshot)


def test_a_result_digest_is_sha256_of_its_canonical_json():
    result = draw.Result([draw.Selection("e1", ("i1", "i2"))], ["e2"])
    assert result.to_json() == {"selections": [["e1", ["i1", "i2"]]], "unstaffed": ["e2"]}
    expected = hashlib.sha256(b'{"selections":[["e1",["i1","i2"]]],"unstaffed":["e2"]}').hexdigest()
    assert result.digest() == expected


def test_verification_lists_every_reason_and_a_bad_seed_says_so():
    snapshot, commitments = published(make_pool(), SEED)
    check = draw.verify(make_pool(n_enterprises=59).snapshot(), OTHER_SEED, **commitments)
    assert check.reasons == (
        "名单快照与公布的摘要不符。",
        "种子与公布的摘要不符。",
        "用快照和种子重新抽取的结果与公布的结果不同。",
    )
    short = draw.verify(snapshot, "ab", **commitments)
    assert short == draw.Verification(False, ("种子至少 32 字节（64 个十六进制字符）。",))


def test_an_unknown_class_or_none_drawn_at_zero():
    pool = make_pool(n_enterprises=20, ratios={"A": Decimal(1), "B": Decimal(0)})
    drawn = {s.enterprise for s in draw.select(pool, SEED).selections}
    assert drawn == {e.id for e in pool.enterprises if e.credit_class == "A"}


def test_only_a_listed_ratio_above_the_class_ratio_moves_the_listed_out_of_their_class():
    # 68 enterprises, 17 a class; listed: e0000 (A), e0017 (B), e0034 (C), e0051 (D). Ratios: D 0.5, the
    # others none (0); listed 0.5. A, B and C's listed move to the listed group: ⌈3 × 0.5⌉ = 2. D's listed
    # one stays in D (0.5 is not above 0.5): ⌈17 × 0.5⌉ = 9. A, B and C: none. 11 in all.
    pool = make_pool(n_enterprises=68, ratios={"D": Decimal("0.5")}, listed_ratio=Decimal("0.5"))
    result = draw.select(pool, SEED)
    drawn = [s.enterprise for s in result.selections] + result.unstaffed
    classes = {e.id: e.credit_class for e in pool.enterprises}
    assert len(drawn) == 11
    assert sum(1 for e in drawn if classes[e] == "D") == 9
    assert sum(1 for e in drawn if e in {"e0000", "e0017", "e0034"}) == 2
