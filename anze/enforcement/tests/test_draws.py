"""Plans, directories and the verifiable draw in the database: commit, draw, verify, re-run, public page, command."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.enforcement import errors, services
from anze.enforcement.choices import DrawStatus
from anze.enforcement.models import Draw, DrawSelection
from anze.enforcement.tests.factories import approved_plan, make_enterprise


@pytest.fixture
def enterprises(org):
    return [
        make_enterprise(org["lanshan"] if n % 2 else org["luozhuang"], name=f"抽查企业{n}") for n in range(10)
    ]


def test_a_plan_needs_a_sector_and_an_item_before_approval(alice, org):
    plan = services.create_plan(
        actor=alice, department=org["city_emergency"], region=org["linyi"], year=2026, title="计划"
    )
    with pytest.raises(errors.EnforcementError) as exc:
        services.approve_plan(actor=alice, plan=plan)
    assert exc.value.code == "plan_incomplete"


def test_a_draw_is_committed_drawn_and_verifies(alice, org, enterprises):
    plan, share, _people = approved_plan(alice, org, enterprises)
    row = services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    assert row.status == DrawStatus.COMMITTED and row.seed_revealed == ""
    assert row.enterprise_count == 10 and len(row.pool_digest) == 64
    row = services.perform_draw(actor=alice, draw=row)
    assert row.seed_revealed and services.verify_draw(row).ok
    assert DrawSelection.objects.filter(draw=row).count() == 10
    for selection in DrawSelection.objects.filter(draw=row):
        assert selection.inspectors.count() == 2


def test_conflicts_and_key_enterprises_stay_out(alice, org, enterprises):
    plan, share, people = approved_plan(alice, org, enterprises, inspectors=3)
    plan.status = "draft"
    plan.save()
    services.add_key_inspection(actor=alice, plan=plan, enterprise=enterprises[0], reason="重大危险源")
    plan.status = "approved"
    plan.save()
    services.declare_conflict(
        actor=alice,
        inspector=people[0],
        enterprise=enterprises[1],
        reason="kinship",
        declared_on=dt.date(2026, 1, 5),
    )
    row = services.perform_draw(
        actor=alice, draw=services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    )
    drawn = {s.enterprise_id: set(s.inspectors.values_list("pk", flat=True)) for s in row.selections.all()}
    assert enterprises[0].pk not in drawn
    assert people[0].pk not in drawn[enterprises[1].pk]


def test_remote_enforcement_draws_from_another_county(alice, org, enterprises):
    plan, share, people = approved_plan(alice, org, enterprises, inspectors=6)
    row = services.perform_draw(
        actor=alice, draw=services.commit_draw(actor=alice, plan=plan, sector=share, round=1, remote=True)
    )
    for selection in row.selections.select_related("enterprise"):
        assert all(i.region_id != selection.enterprise.county_id for i in selection.inspectors.all())


def test_joint_enforcement_takes_one_from_each_department(alice, org, enterprises):
    plan, share, people = approved_plan(alice, org, enterprises, inspectors=2)
    services.add_inspector(
        actor=alice,
        name="交通1",
        certificate="3713009901",
        department=org["city_transport"],
        region=org["linyi"],
    )
    services.add_inspector(
        actor=alice,
        name="交通2",
        certificate="3713009902",
        department=org["city_transport"],
        region=org["linyi"],
    )
    row = services.commit_draw(
        actor=alice,
        plan=plan,
        sector=share,
        round=1,
        departments=[org["city_emergency"], org["city_transport"]],
        joint=True,
    )
    row = services.perform_draw(actor=alice, draw=row)
    for selection in row.selections.all():
        assert set(selection.inspectors.values_list("department_id", flat=True)) == {
            org["city_emergency"].pk,
            org["city_transport"].pk,
        }


def test_the_frozen_pool_does_not_move_when_the_directory_changes(alice, org, enterprises):
    plan, share, _people = approved_plan(alice, org, enterprises)
    row = services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    make_enterprise(org["lanshan"], name="承诺后新增企业")
    row = services.perform_draw(actor=alice, draw=row)
    assert row.selections.count() == 10 and services.verify_draw(row).ok


def test_a_second_draw_of_the_same_round_is_refused_and_a_rerun_leaves_a_record(alice, org, enterprises):
    plan, share, _people = approved_plan(alice, org, enterprises)
    first = services.perform_draw(
        actor=alice, draw=services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    )
    with pytest.raises(errors.EnforcementError) as exc:
        services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    assert exc.value.code == "round_exists"
    with pytest.raises(errors.EnforcementError):
        services.rerun_draw(actor=alice, draw=first, reason="  ")
    second = services.rerun_draw(actor=alice, draw=first, reason="执法人员名录有误")
    first.refresh_from_db()
    assert first.status == DrawStatus.SUPERSEDED and second.supersedes == first
    assert second.seed_digest != first.seed_digest
    assert Draw.objects.filter(sector=share, round=1).count() == 2
    assert AuditEvent.objects.filter(action="enforcement.rerun_draw", reason="执法人员名录有误").count() == 1
    assert services.verify_draw(first).ok  # the superseded draw stays verifiable


def test_a_tampered_snapshot_fails_verification(alice, org, enterprises):
    plan, share, _people = approved_plan(alice, org, enterprises)
    row = services.perform_draw(
        actor=alice, draw=services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    )
    data = json.loads(row.snapshot)
    data["enterprises"].pop()
    Draw.objects.filter(pk=row.pk).update(
        snapshot=json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    )
    row.refresh_from_db()
    assert not services.verify_draw(row).ok
    with pytest.raises(SystemExit) as exit_:
        call_command("draw", "verify", str(row.public_id))
    assert exit_.value.code == 1


def test_the_command_verifies_a_draw_and_published_files(alice, org, enterprises, tmp_path, capsys):
    plan, share, _people = approved_plan(alice, org, enterprises)
    row = services.perform_draw(
        actor=alice, draw=services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    )
    call_command("draw", "verify", str(row.public_id))
    assert "verified" in capsys.readouterr().out
    (tmp_path / "pool.json").write_text(row.snapshot, encoding="utf-8")
    (tmp_path / "result.json").write_text(json.dumps(row.result), encoding="utf-8")
    args = [
        "draw",
        "verify",
        "--snapshot",
        str(tmp_path / "pool.json"),
        "--result",
        str(tmp_path / "result.json"),
        "--pool-digest",
        row.pool_digest,
        "--seed-digest",
        row.seed_digest,
    ]
    call_command(*args, "--seed", row.seed)
    assert "verified" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command(*args, "--seed", "00" * 32)


def test_the_public_page_hides_the_seed_until_the_draw_and_then_reproduces_it(
    client, alice, org, enterprises
):
    plan, share, _people = approved_plan(alice, org, enterprises)
    row = services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    body = client.get(row.get_public_url()).content.decode()
    assert row.pool_digest in body and row.seed_digest in body and row.seed not in body
    snapshot = client.get(reverse("enforcement_public:draw_file", args=[row.public_id, "snapshot"]))
    assert snapshot.content == row.snapshot.encode()
    assert (
        client.get(reverse("enforcement_public:draw_file", args=[row.public_id, "result"])).status_code == 404
    )
    services.perform_draw(actor=alice, draw=row)
    body = client.get(row.get_public_url()).content.decode()
    assert row.seed in body and "核验通过" in body
    assert client.get(reverse("enforcement_public:draw_list")).status_code == 200


def test_department_pages_commit_and_draw(signed_in, alice, org, enterprises):
    plan, share, _people = approved_plan(alice, org, enterprises)
    c = signed_in(alice)
    assert "危险化学品" in c.get(plan.get_absolute_url()).content.decode()
    response = c.post(
        reverse("enforcement:draw_commit", args=[plan.public_id]), {"sector": share.public_id, "round": 1}
    )
    row = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == row.get_absolute_url()
    c.post(reverse("enforcement:draw_action", args=[row.public_id, "draw"]))
    row.refresh_from_db()
    assert row.status == DrawStatus.DRAWN
    assert "抽查企业" in c.get(row.get_absolute_url()).content.decode()


def test_a_county_cannot_see_or_draw_a_city_plan(signed_in, alice, bob, org, enterprises):
    plan, share, _people = approved_plan(alice, org, enterprises)
    row = services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    c = signed_in(bob)
    assert c.get(plan.get_absolute_url()).status_code == 404
    assert c.post(reverse("enforcement:draw_action", args=[row.public_id, "draw"])).status_code == 404
    row.refresh_from_db()
    assert row.status == DrawStatus.COMMITTED
