"""预警: stock below a jurisdiction's minimum, batches about to expire, team certificates about to expire,
rescue agreements about to end. The scheduled job claims each fact atomically
(`filter(pk=…, alerted_at=None).update(alerted_at=now) == 1`) before telling the unit that must act through
the notices (anze.core.notices), so running it twice tells nobody twice. Bounded batches; one audit event
per kind and run that changed anything."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record
from anze.core import notices
from anze.emergency import config
from anze.emergency.choices import AlertKind
from anze.emergency.models import MemberCertificate, MinimumLevel, RescueAgreement, StockBatch

JOB_ACTOR = "job:emergency.alerts"
BATCH = 500


def _tell(unit_id: int | None, *, kind: str, key: str, title: str, body: str, now: dt.datetime) -> None:
    if unit_id is not None:
        notices.announce(notices.ALERT, unit_id=unit_id, key=f"{kind}:{key}", title=title, body=body, now=now)


def _claim(model, pk: int, field: str, now: dt.datetime) -> bool:
    return model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}) == 1


def usable_stock(today: dt.date):
    """Each minimum level's usable stock: units available (on hand less those set aside for incidents) in
    active depots of its region, not expired."""
    batches = (
        StockBatch.objects.filter(
            item_id=OuterRef("item_id"),
            depot__is_active=True,
            depot__region__path__startswith=OuterRef("region__path"),
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by()
        .values("item_id")
        .annotate(total=Sum(F("on_hand") - F("allocated")))
        .values("total")
    )
    return Coalesce(Subquery(batches, output_field=IntegerField()), Value(0))


def stock_below_minimum(now: dt.datetime) -> int:
    """Warn the responsible unit once per shortfall; a level back at or above its minimum is re-armed."""
    today = timezone.localdate(now)
    levels = MinimumLevel.objects.annotate(stock=usable_stock(today)).select_related("item", "region")
    told = 0
    with transaction.atomic():
        rearmed = levels.filter(alerted_at__isnull=False, stock__gte=F("minimum")).values_list(
            "pk", flat=True
        )
        rearmed_count = MinimumLevel.objects.filter(pk__in=list(rearmed[:BATCH])).update(alerted_at=None)
        for level in levels.filter(alerted_at__isnull=True, stock__lt=F("minimum")).order_by("pk")[:BATCH]:
            if not _claim(MinimumLevel, level.pk, "alerted_at", now):
                continue
            _tell(
                level.unit_id,
                kind=AlertKind.STOCK_BELOW_MINIMUM,
                key=f"{level.pk}:{now:%Y%m%d%H%M}",
                title=_("库存低于最低储备：%(r)s %(i)s") % {"r": level.region.name, "i": level.item.name},
                body=_("现有可用库存 %(s)s %(u)s，最低储备 %(m)s %(u)s，缺 %(d)s %(u)s。请及时补充。")
                % {
                    "s": level.stock,
                    "m": level.minimum,
                    "d": level.minimum - level.stock,
                    "u": level.item.unit,
                },
                now=now,
            )
            told += 1
        if told or rearmed_count:
            record(
                "emergency.alerts.stock", actor=JOB_ACTOR, after={"alerted": told, "rearmed": rearmed_count}
            )
    return told


def expiring_batches(now: dt.datetime) -> int:
    """Warn a depot's managing unit once about a batch that expires within the configured days."""
    today = timezone.localdate(now)
    until = today + dt.timedelta(days=config.batch_expiry_days())
    told = 0
    with transaction.atomic():
        due = (
            StockBatch.objects.filter(expiry_alerted_at__isnull=True, expires_on__lte=until, on_hand__gt=0)
            .select_related("depot", "item")
            .order_by("expires_on", "pk")[:BATCH]
        )
        for batch in due:
            if not _claim(StockBatch, batch.pk, "expiry_alerted_at", now):
                continue
            _tell(
                batch.depot.owner_unit_id,
                kind=AlertKind.BATCH_EXPIRING,
                key=f"{batch.pk}:{batch.expires_on}",
                title=_("物资临期：%(d)s %(i)s 批次 %(b)s")
                % {"d": batch.depot.name, "i": batch.item.name, "b": batch.batch_number},  # fmt: skip
                body=_("在库 %(n)s %(u)s，有效期至 %(e)s。请安排轮换或报损。")
                % {"n": batch.on_hand, "u": batch.item.unit, "e": batch.expires_on},
                now=now,
            )
            told += 1
        if told:
            record("emergency.alerts.batches", actor=JOB_ACTOR, after={"alerted": told})
    return told


def expiring_certificates(now: dt.datetime) -> int:
    """Warn a team's owning unit once about a current member's newest certificate that is about to expire."""
    today = timezone.localdate(now)
    until = today + dt.timedelta(days=config.certificate_expiry_days())
    renewed = MemberCertificate.objects.filter(
        member_id=OuterRef("member_id"), name=OuterRef("name"), expires_on__gt=OuterRef("expires_on")
    )
    told = 0
    with transaction.atomic():
        due = (
            MemberCertificate.objects.filter(
                alerted_at__isnull=True, expires_on__lte=until, member__left_on__isnull=True
            )
            .exclude(Exists(renewed))
            .select_related("member__team")
            .order_by("expires_on", "pk")[:BATCH]
        )
        for certificate in due:
            if not _claim(MemberCertificate, certificate.pk, "alerted_at", now):
                continue
            team = certificate.member.team
            _tell(
                team.owner_unit_id,
                kind=AlertKind.CERTIFICATE_EXPIRING,
                key=f"{certificate.pk}",
                title=_("队员证书临期：%(t)s %(m)s") % {"t": team.name, "m": certificate.member.name},
                body=_("“%(c)s”有效期至 %(e)s。请安排复训换证。")
                % {"c": certificate.name, "e": certificate.expires_on},
                now=now,
            )
            told += 1
        if told:
            record("emergency.alerts.certificates", actor=JOB_ACTOR, after={"alerted": told})
    return told


def expiring_agreements(now: dt.datetime) -> int:
    """Warn the team's unit and the enterprise's supervising department once before an agreement ends."""
    today = timezone.localdate(now)
    until = today + dt.timedelta(days=config.agreement_expiry_days())
    told = 0
    with transaction.atomic():
        due = (
            RescueAgreement.objects.filter(
                alerted_at__isnull=True,
                arrangement__valid_until__gte=today,
                arrangement__valid_until__lte=until,
            )
            .select_related("arrangement", "team", "enterprise")
            .order_by("arrangement__valid_until", "pk")[:BATCH]
        )
        for agreement in due:
            if not _claim(RescueAgreement, agreement.pk, "alerted_at", now):
                continue
            for unit_id in {agreement.team.owner_unit_id, agreement.enterprise.supervising_unit_id} - {None}:
                _tell(
                    unit_id,
                    kind=AlertKind.AGREEMENT_EXPIRING,
                    key=f"{agreement.pk}",
                    title=_("救援协议临期：%(e)s") % {"e": agreement.enterprise.name},
                    body=_("与“%(t)s”的救援协议将于 %(d)s 到期；到期未续签的企业将不满足应急救援要求。")
                    % {"t": agreement.team.name, "d": agreement.arrangement.valid_until},
                    now=now,
                )
            told += 1
        if told:
            record("emergency.alerts.agreements", actor=JOB_ACTOR, after={"alerted": told})
    return told


def run_alerts(now: dt.datetime) -> int:
    """The scheduled job (`emergency.alerts`): every kind of alert, safe to run twice."""
    return (
        stock_below_minimum(now)
        + expiring_batches(now)
        + expiring_certificates(now)
        + expiring_agreements(now)
    )
