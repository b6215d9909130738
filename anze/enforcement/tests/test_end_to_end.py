"""The whole chain of issue 15 in one flow: plan → commitment → draw → verify → inspection → penalty →
disclosure → listing → joint punishment → expiry, through the services the pages call and the public pages."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from anze.enforcement import services
from anze.enforcement.choices import CheckResult, ListingStatus
from anze.enforcement.models import Inspection, Listing
from anze.enforcement.tests.factories import approved_plan, make_enterprise
from anze.prevention.tests.factories import jpeg_bytes


def test_a_plan_runs_to_a_listing_and_its_expiry(client, signed_in, alice, org):
    # Given an approved plan over two enterprises, one whose 主要负责人 is on record
    enterprises = [
        make_enterprise(org["lanshan"], supervising_unit=org["lanshan_emergency"]) for _ in range(2)
    ]
    enterprises[0].principal = "赵大勇"
    enterprises[0].save(update_fields=["principal"])
    plan, share, _people = approved_plan(alice, org, enterprises)
    # When the commitment is published, the draw made and verified
    draw = services.commit_draw(actor=alice, plan=plan, sector=share, round=1)
    public_draw = client.get(reverse("enforcement_public:draw", args=[draw.public_id])).content.decode()
    assert draw.pool_digest in public_draw and draw.seed_digest in public_draw
    draw = services.perform_draw(actor=alice, draw=draw)
    assert services.verify_draw(draw).ok
    # And the drawn inspections are done: checklist, a finding with its photo, completion
    assert services.schedule_from_draw(actor=alice, draw=draw, scheduled_on=timezone.localdate()) == 2
    inspection = Inspection.objects.get(enterprise=enterprises[0])
    for check in inspection.checks.all():
        services.record_check(actor=alice, check=check, result=CheckResult.FINDING, note="许可证已被暂扣")
    finding = services.add_finding(
        actor=alice, inspection=inspection, kind="violation", description="许可证暂扣期间仍在生产"
    )
    services.add_inspection_photos(actor=alice, inspection=inspection, photos=[jpeg_bytes()], finding=finding)
    services.complete_inspection(
        actor=alice, inspection=inspection, inspected_on=timezone.localdate(), summary="发现无证生产"
    )
    # And the penalty is decided on it and disclosed
    penalty = services.decide_penalty(
        actor=alice,
        decision_number="（临）应急罚〔2026〕88号",
        department=org["city_emergency"],
        party_kind="unit",
        party_name=enterprises[0].name,
        facts="安全生产许可证暂扣期间擅自组织生产",
        legal_basis="《安全生产许可证条例》第二十条",
        penalty_type="fine",
        amount=200_000,
        decided_on=timezone.localdate(),
        inspection=inspection,
        without_permit=True,
    )
    services.publish_penalty(actor=alice, penalty=penalty, published_on=penalty.decided_on)
    public = client.get(reverse("enforcement_public:penalty_list") + "?q=88号").content.decode()
    assert "（临）应急罚〔2026〕88号" in public
    # Then the rules propose the unit and its 主要负责人, and the department lists both
    assert services.propose_listings(actor=alice) == 2
    for row in Listing.objects.all():
        row = services.notify_listing(
            actor=alice, listing_row=row, department=org["city_emergency"], noticed_on=penalty.decided_on
        )
        services.decide_listing(
            actor=alice,
            listing_row=row,
            decided_on=penalty.decided_on + dt.timedelta(days=6),
            list_it=True,
            decision_number="临应急失信〔2026〕8号",
        )
    listed = client.get(reverse("enforcement_public:listing_list")).content.decode()
    assert enterprises[0].name in listed and "赵**" in listed
    # And the enterprise carries the joint-punishment flag wherever it appears
    page = signed_in(alice).get(enterprises[0].get_absolute_url()).content.decode()
    assert "联合惩戒" in page
    # And at expiry both leave the list and the flag goes
    unit = Listing.objects.get(subject_kind="unit")
    now = timezone.make_aware(dt.datetime.combine(unit.expires_on, dt.time(8)))
    assert services.expire_listings(now=now) == 2
    assert set(Listing.objects.values_list("status", flat=True)) == {ListingStatus.EXPIRED}
    assert enterprises[0].name not in client.get(reverse("enforcement_public:listing_list")).content.decode()
    assert "联合惩戒" not in signed_in(alice).get(enterprises[0].get_absolute_url()).content.decode()
