"""State changes of the public portal. Each is atomic, takes `actor=`, checks its guard, writes one audit event.

A tip: submitted (anonymously or real-name) → assigned to the competent department by the office → verified
(founded or not) by that department; or marked a duplicate of an earlier one (the first valid report wins).
A founded tip about a hidden danger becomes a registered hidden danger (source: public report). Rewards are
computed by the rule in force, approved by another person, then paid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.roles import Role
from anze.audit.services import record, record_standalone
from anze.prevention.choices import HiddenDangerGrade, HiddenDangerSource
from anze.prevention.images import clean_photos
from anze.prevention.models import HiddenDanger
from anze.prevention.services import report_hidden_danger
from anze.public import errors, ratelimit
from anze.public.choices import RewardStatus, TipKind, TipStatus
from anze.public.crypto import (
    DecryptionError,
    decrypt_identity,
    encrypt_identity,
    mask_id_number,
    mask_phone,
    rekey_identity,
)
from anze.public.models import Disclosure, Reward, RewardRule, Tip, TipPhoto
from anze.public.rewards import DEFAULT_TERMS, RewardTerms, concealed_accident_reward, violation_reward
from anze.public.tracking import new_tracking_code, tracking_hash

PUBLIC_ACTOR = "public"
MAX_PHOTOS = 6
_PHONE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")


def _identity(identity: dict[str, str] | None) -> dict[str, str] | None:
    if not identity:
        return None
    name = (identity.get("name") or "").strip()
    phone = (identity.get("phone") or "").strip()
    id_number = (identity.get("id_number") or "").strip().upper()
    if not name or not phone:
        raise errors.PublicError("实名举报请填写姓名和联系电话", "identity_incomplete")
    if not _PHONE.match(phone):
        raise errors.PublicError("联系电话格式不正确", "identity_phone")
    if id_number and not _ID_NUMBER.match(id_number):
        raise errors.PublicError("身份证号格式不正确", "identity_id_number")
    return {"name": name[:50], "phone": phone, "id_number": id_number}


@transaction.atomic
def submit_tip(
    *,
    kind: str,
    region,
    subject: str,
    place: str,
    description: str,
    photos: Sequence[bytes | UploadedFile] = (),
    identity: dict[str, str] | None = None,
    client_address: str = "",
    now: dt.datetime | None = None,
) -> tuple[Tip, str]:
    """举报: returns the tip and its tracking code (shown once; only its hash is kept).

    The order keeps an abusive client cheap: the number of photos and the address's rate limit are checked
    before a photo is read, and every photo's size and header before the first is decoded (PhotoError);
    nothing is counted or saved until all of it passed.
    """
    now = now or timezone.now()
    if len(photos) > MAX_PHOTOS:
        raise errors.PublicError(f"最多上传 {MAX_PHOTOS} 张照片", "too_many_photos")
    ratelimit.check(client_address, now=now)
    cleaned = clean_photos(photos)
    person = _identity(identity)
    ratelimit.hit(client_address, now=now)
    code = new_tracking_code()
    tip = Tip(
        kind=kind,
        region=region,
        subject=subject,
        place=place,
        description=description,
        tracking_hash=tracking_hash(code),
    )
    if person:
        tip.is_real_name = True
        tip.identity_ciphertext = encrypt_identity(person, associated=str(tip.public_id).encode())
    tip.full_clean(exclude=["identity_ciphertext"])
    tip.save()
    for clean in cleaned:
        photo = TipPhoto(tip=tip, sm3=clean.sm3)
        photo.file.save(f"{clean.sm3}.jpg", ContentFile(clean.content), save=False)
        photo.save()
    record(
        "public.submit_tip",
        actor=PUBLIC_ACTOR,
        obj=tip,
        after={"kind": kind, "region": region.pk, "is_real_name": tip.is_real_name, "photos": len(cleaned)},
    )
    return tip, code


def find_by_tracking_code(code: str) -> Tip | None:
    return Tip.objects.filter(tracking_hash=tracking_hash(code)).select_related("region").first()


def _lock(tip: Tip) -> Tip:
    return Tip.objects.select_for_update().get(pk=tip.pk)


@transaction.atomic
def assign_tip(*, actor: Any, tip: Tip, unit) -> Tip:
    """分派: the office sends the tip to the competent department for verification."""
    tip = _lock(tip)
    if not tip.status_choice.can_assign():
        raise errors.TransitionError("该举报不能再分派")
    before = {"status": tip.status, "assigned_unit": tip.assigned_unit_id}
    tip.status = TipStatus.ASSIGNED
    tip.assigned_unit = unit
    tip.assigned_at = timezone.now()
    tip.save(update_fields=["status", "assigned_unit", "assigned_at", "updated_at"])
    record(
        "public.assign_tip",
        actor=actor,
        obj=tip,
        before=before,
        after={"status": tip.status, "assigned_unit": unit.pk},
    )
    return tip


@transaction.atomic
def mark_duplicate(*, actor: Any, tip: Tip, original: Tip) -> Tip:
    """重复举报: the earlier report stays the valid one (the first valid report wins)."""
    tip = _lock(tip)
    if not tip.status_choice.can_mark_duplicate():
        raise errors.TransitionError("该举报不能标记为重复")
    if (
        original.pk == tip.pk
        or original.created_at > tip.created_at
        or (original.created_at == tip.created_at and original.pk > tip.pk)
    ):
        raise errors.PublicError("只能标记为更早举报的重复（首个有效举报有效）", errors.NOT_FIRST)
    if original.status in (TipStatus.DUPLICATE, TipStatus.UNFOUNDED):
        raise errors.PublicError("原举报须为有效举报", errors.NOT_FIRST)
    before = {"status": tip.status}
    tip.status = TipStatus.DUPLICATE
    tip.duplicate_of = original
    tip.public_reply = "该问题已有他人先行举报，正在处理。"
    tip.save(update_fields=["status", "duplicate_of", "public_reply", "updated_at"])
    record(
        "public.mark_duplicate",
        actor=actor,
        obj=tip,
        before=before,
        after={"status": tip.status, "duplicate_of": original.pk},
    )
    return tip


@transaction.atomic
def verify_tip(
    *,
    actor: Any,
    tip: Tip,
    founded: bool,
    note: str,
    reply: str = "",
    enterprise=None,
    grade: str = HiddenDangerGrade.MAJOR,
    deadline: dt.date | None = None,
) -> Tip:
    """核查: the department records the result; a founded hidden-danger tip becomes a hidden danger."""
    tip = _lock(tip)
    if not tip.status_choice.can_verify():
        raise errors.TransitionError("该举报当前不能核查")
    before = {"status": tip.status}
    tip.status = TipStatus.VERIFIED if founded else TipStatus.UNFOUNDED
    tip.verified_at = timezone.now()
    tip.verified_by = actor
    tip.verification_note = note
    tip.public_reply = reply or (
        "经核查，举报情况属实，已依法处理。" if founded else "经核查，举报情况不属实。"
    )
    if enterprise is not None:
        tip.enterprise = enterprise
    if founded and enterprise is not None and tip.kind == TipKind.HIDDEN_DANGER:
        today = timezone.localdate()
        tip.hidden_danger = report_hidden_danger(
            actor=actor,
            enterprise=enterprise,
            source=HiddenDangerSource.PUBLIC_REPORT,
            grade=grade,
            title=tip.subject[:200],
            description=tip.description,
            place=tip.place,
            responsible_person=enterprise.principal or "待明确",
            found_on=today,
            deadline=deadline or today + dt.timedelta(days=30),
            register=True,
        )
    tip.save()
    record(
        "public.verify_tip",
        actor=actor,
        obj=tip,
        before=before,
        after={"status": tip.status, "hidden_danger": tip.hidden_danger_id},
    )
    return tip


# -- identity -------------------------------------------------------------------------------------------------


def can_read_identity(user: Any, tip: Tip) -> bool:
    """Only the office (受理 role) whose region covers the tip reads the real-name block."""
    if not getattr(user, "is_authenticated", False) or not tip.is_real_name:
        return False
    path = tip.region.path
    return any(
        a.role == Role.OFFICE and a.region_id is not None and path.startswith(a.region.path)
        for a in user.active_assignments()
    )


def read_identity(*, actor: Any, tip: Tip, masked: bool = False) -> dict[str, str]:
    """Decrypt the real-name block; every read (and every refused read) is an audit event."""
    if not can_read_identity(actor, tip):
        record_standalone("public.read_identity", actor=actor, obj=tip, success=False, reason="not allowed")
        raise errors.NotAllowedError("无权查看举报人信息")
    identity = decrypt_identity(tip.identity_ciphertext, associated=str(tip.public_id).encode())
    record_standalone("public.read_identity", actor=actor, obj=tip, after={"masked": masked})
    if masked:
        identity = {
            **identity,
            "phone": mask_phone(identity.get("phone", "")),
            "id_number": mask_id_number(identity.get("id_number", "")),
        }
    return identity


def rekey_identities(*, actor: Any = None, dry_run: bool = False, batch_size: int = 500) -> dict[str, Any]:
    """Re-encrypt every real-name block sealed under an old key (ANZE_PII_OLD_KEYS) under ANZE_PII_KEY.

    Batches of rows are locked and rewritten in one transaction each, with one audit event per batch that
    names the tips rewritten (never their content). Blocks no configured key opens are left as they are and
    reported by public id. Safe to run again: blocks already under the current key are not touched.
    """
    counts: dict[str, Any] = {"current": 0, "rekeyed": 0, "unreadable": []}
    last = 0
    while True:
        with transaction.atomic():
            rows = list(
                Tip.objects.select_for_update()
                .filter(pk__gt=last, identity_ciphertext__isnull=False)
                .order_by("pk")
                .values_list("pk", "public_id", "identity_ciphertext")[:batch_size]
            )
            if not rows:
                break
            last = rows[-1][0]
            rewritten = []
            for pk, public_id, blob in rows:
                try:
                    sealed = rekey_identity(blob, associated=str(public_id).encode())
                except DecryptionError:
                    counts["unreadable"].append(str(public_id))
                    continue
                if sealed is None:
                    counts["current"] += 1
                    continue
                counts["rekeyed"] += 1
                rewritten.append(str(public_id))
                if not dry_run:
                    Tip.objects.filter(pk=pk).update(identity_ciphertext=sealed)
            if rewritten and not dry_run:
                record(
                    "public.identity.rekey",
                    actor=actor,
                    after={"tips": rewritten, "count": len(rewritten)},
                    reason="re-encrypted under the current ANZE_PII_KEY",
                )
    return counts


# -- rewards --------------------------------------------------------------------------------------------------


def rule_for(region_path: str, on: dt.date) -> tuple[RewardTerms, RewardRule | None]:
    """The reward rule of the most specific region in force on `on`, else the national default."""
    best, best_depth = None, -1
    for row in (
        RewardRule.objects.filter(effective_from__lte=on)
        .select_related("region")
        .order_by("-effective_from", "-id")
    ):
        path = row.region.path if row.region_id else ""
        if region_path.startswith(path) and len(path) > best_depth:
            best, best_depth = row, len(path)
    return (best.terms(), best) if best else (DEFAULT_TERMS, None)


@transaction.atomic
def propose_reward(
    *,
    actor: Any,
    tip: Tip,
    fine: Decimal | None = None,
    accident_grade: str = "",
    concealed_deaths: int | None = None,
) -> Reward:
    """拟定奖励 by the rule in force when the tip was made."""
    tip = _lock(tip)
    if tip.status != TipStatus.VERIFIED:
        raise errors.PublicError("只有经核查属实的举报才能奖励", errors.NOT_VERIFIED)
    terms, rule = rule_for(tip.region.path, timezone.localdate(tip.created_at))
    if tip.kind == TipKind.CONCEALED_ACCIDENT:
        amount = concealed_accident_reward(accident_grade, int(concealed_deaths or 0), terms)
    else:
        amount = violation_reward(Decimal(fine or 0), terms)
    reward = Reward.objects.create(
        tip=tip,
        rule=rule,
        fine=fine,
        accident_grade=accident_grade,
        concealed_deaths=concealed_deaths,
        amount=amount,
        proposed_by=actor,
    )
    record(
        "public.propose_reward",
        actor=actor,
        obj=reward,
        after={"amount": amount, "rule": getattr(rule, "pk", None)},
    )
    return reward


@transaction.atomic
def approve_reward(*, actor: Any, reward: Reward) -> Reward:
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    if not reward.status_choice.can_approve():
        raise errors.TransitionError("该奖励不能审批")
    if reward.proposed_by_id == getattr(actor, "pk", None):
        raise errors.NotAllowedError("审批人不能是拟定人", errors.APPROVER_IS_PROPOSER)
    reward.status = RewardStatus.APPROVED
    reward.approved_by = actor
    reward.approved_at = timezone.now()
    reward.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    record("public.approve_reward", actor=actor, obj=reward, after={"status": reward.status})
    return reward


@transaction.atomic
def pay_reward(*, actor: Any, reward: Reward, reference: str) -> Reward:
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    if not reward.status_choice.can_pay():
        raise errors.TransitionError("该奖励尚未批准，不能发放")
    reward.status = RewardStatus.PAID
    reward.paid_at = timezone.now()
    reward.payment_reference = reference
    reward.save(update_fields=["status", "paid_at", "payment_reference", "updated_at"])
    record(
        "public.pay_reward", actor=actor, obj=reward, after={"status": reward.status, "reference": reference}
    )
    return reward


# -- disclosures ----------------------------------------------------------------------------------------------


@transaction.atomic
def publish_disclosure(*, actor: Any, hidden_danger: HiddenDanger, title: str, body: str) -> Disclosure:
    """曝光典型重大隐患: only 重大 ones, with a text the office writes (no raw record is exposed)."""
    if hidden_danger.grade != HiddenDangerGrade.MAJOR:
        raise errors.PublicError("只能曝光重大隐患", errors.NOT_MAJOR)
    disclosure = Disclosure.objects.create(
        hidden_danger=hidden_danger, title=title, body=body, published_at=timezone.now()
    )
    record("public.publish_disclosure", actor=actor, obj=disclosure, after={"title": title})
    return disclosure


@transaction.atomic
def withdraw_disclosure(*, actor: Any, disclosure: Disclosure) -> Disclosure:
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.withdrawn_at is not None:
        raise errors.TransitionError("已撤下")
    disclosure.withdrawn_at = timezone.now()
    disclosure.save(update_fields=["withdrawn_at", "updated_at"])
    record("public.withdraw_disclosure", actor=actor, obj=disclosure)
    return disclosure
