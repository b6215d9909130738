"""Self-assessment (自评): the body's own score for each item with its note and evidence files; the office
reviews each entry like a report (an accepted hand entry scores a `manual` item); the body then submits its
self-assessment as a whole, which locks it; `comparison` sets it beside the office's result item by item.
Each change is atomic, takes `actor=` and writes one audit event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from anze.assessment import errors, judging
from anze.assessment.choices import EntryStatus, RunStatus, ScoringMethod
from anze.assessment.guards import (
    SHOWN,
    may_review,
    may_write_for,
    not_own,
    notify,
    readable,
    require,
    user_or_none,
)
from anze.assessment.models import AssessedBody, BodyResult, Entry, EntryEvidence, Item, SelfAssessment
from anze.audit.services import record, snapshot
from anze.duties import evidence as evidence_files


def _bad(message: str, code: str, field: str | None = None) -> errors.AssessmentError:
    return errors.AssessmentError(message, code, field=field)


def _read(upload: Any) -> list[tuple[str, bytes]]:
    """A single uploaded file (the older `evidence=` argument) as (name, bytes), read within the size limit."""
    if upload is None:
        return []
    try:
        return evidence_files.read_uploads([upload])
    except evidence_files.EvidenceError as exc:
        raise _bad(exc.message_zh, exc.code, "files") from None


def _checked_files(files: list[tuple[str, bytes]]) -> list[evidence_files.CheckedFile]:
    """The project's upload checks: at most so many files, each not empty, within the size limit, of an allowed
    type by its content (never its name)."""
    if len(files) > evidence_files.max_files():
        raise _bad(f"一次最多上传 {evidence_files.max_files()} 个文件。", "too_many_files", "files")
    try:
        return [evidence_files.check_file(content, name) for name, content in files]
    except evidence_files.EvidenceError as exc:
        raise _bad(exc.message_zh, exc.code, "files") from None


def _store(entry: Entry, checked: list[evidence_files.CheckedFile], actor: Any) -> None:
    """Each file under its digest (a file already stored with the same content is shared), then its row."""
    for item in checked:
        path = item.storage_path
        if not default_storage.exists(path):
            saved = default_storage.save(path, ContentFile(item.content))
            if saved != path:  # a concurrent writer stored the same content first
                default_storage.delete(saved)
    EntryEvidence.objects.bulk_create(
        [
            EntryEvidence(
                entry=entry, sm3=c.sm3, file=c.storage_path, original_name=c.original_name,
                content_type=c.content_type, size=c.size, uploaded_by=user_or_none(actor),
            )
            for c in checked
        ]
    )  # fmt: skip


def _entries_total(body: AssessedBody) -> Decimal:
    return judging.money(Entry.objects.filter(body=body).aggregate(t=Sum("score"))["t"] or Decimal(0))


def applicable_items(body: AssessedBody) -> list[Item]:
    """The scheme's items this body is assessed on (an item's `kinds` empty: every kind)."""
    return [i for i in body.scheme.items.order_by("order") if not i.kinds or body.kind in i.kinds]


# -- entries ---------------------------------------------------------------------------


@transaction.atomic
def submit_entry(
    *, actor: Any, body: AssessedBody, item: Item, score, note: str, evidence=None,
    files: list[tuple[str, bytes]] | None = None, now: dt.datetime | None = None,
) -> Entry:  # fmt: skip
    """自评: the body's score for an item with its explanation and evidence files (checked by their content and
    stored under their SM3 digest, as a report's are); resubmitting a returned one. Once the body's
    self-assessment is submitted (`submit_self_assessment`) only an entry the office returned may change."""
    require(may_write_for(actor, body), "只有被考核单位本身或其上级安委办可以填报自评。")
    now = now or timezone.now()
    if item.scheme_id != body.scheme_id:
        raise _bad("该项目不属于本对象的考核方案。", "item_scheme", "item")
    try:
        score = Decimal(str(score))
    except (InvalidOperation, ValueError):
        raise _bad("自评分须是数字。", "score_range", "score") from None
    if not score.is_finite() or score < 0 or score > item.points:
        raise _bad(f"自评分须在0到{item.points}之间。", "score_range", "score")
    if not (note or "").strip():
        raise _bad("请写明自评说明（完成情况及佐证）。", "note_required", "note")
    checked = _checked_files([*(files or []), *_read(evidence)])
    # The body's row is locked first, so two first submissions of an item wait for each other instead of
    # both inserting (the second then finds the first's entry and resubmits it).
    AssessedBody.objects.select_for_update().filter(pk=body.pk).first()
    entry = Entry.objects.select_for_update().filter(body=body, item=item).first()
    locked = SelfAssessment.objects.filter(body=body).first()
    if locked is not None and (entry is None or entry.status != EntryStatus.RETURNED):
        raise errors.TransitionError(
            f"本单位自评已于{timezone.localtime(locked.submitted_at):%Y-%m-%d}报送并锁定，不能再修改；"
            "只有安委办退回的项目可以重新报送。",
            "self_assessment_locked",
        )
    if item.method == ScoringMethod.MANUAL and not checked:
        has_files = entry is not None and (entry.files.exists() or bool(entry.evidence))
        if not has_files:
            raise _bad("填报评分的项目须上传佐证材料。", "evidence_required", "files")
    before = snapshot(entry, ["score", "note", "status"]) if entry else None
    if entry is None:
        entry = Entry(body=body, item=item)
    elif not entry.status_choice.can_submit():
        raise errors.TransitionError("该项自评已审核通过，不能再修改。", "entry_accepted")
    entry.score, entry.note, entry.status = score, note.strip(), EntryStatus.SUBMITTED
    entry.submitted_by, entry.submitted_at = user_or_none(actor), now
    entry.reviewed_by, entry.reviewed_at, entry.review_note = None, None, ""
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise errors.TransitionError(
            "该项自评刚由他人报送，请刷新页面后查看并再次提交。", "entry_raced"
        ) from exc
    _store(entry, checked, actor)
    if locked is not None:  # a returned entry submitted again: the declared total follows it
        locked.total = _entries_total(body)
        locked.save(update_fields=["total", "updated_at"])
    after = snapshot(entry, ["score", "note", "status"])
    after["files"] = [
        {"sm3": c.sm3, "type": c.content_type, "size": c.size, "name": c.original_name} for c in checked
    ]
    record("assessment.submit_entry", actor=actor, obj=entry, before=before, after=after)
    notify("entry_submitted", entry)
    return entry  # fmt: skip


@transaction.atomic
def review_entry(
    *, actor: Any, entry: Entry, accept: bool, note: str = "", now: dt.datetime | None = None
) -> Entry:
    """审核自评: accept (a hand-entered item then scores it) or return it with the reason."""
    entry = Entry.objects.select_for_update().select_related("body__scheme").get(pk=entry.pk)
    require(may_review(actor, entry.body.scheme), "只有组织考核的安委办可以审核自评。")
    not_own(actor, entry.submitted_by_id, "不能审核自己报送的自评，请由另一名工作人员审核。")
    if not entry.status_choice.can_review():
        raise errors.TransitionError("该项自评不在待审核状态。", "entry_not_submitted")
    if not accept and not note.strip():
        raise errors.AssessmentError("退回须写明理由。", "reason_required")
    before = snapshot(entry, ["status"])
    entry.status = EntryStatus.ACCEPTED if accept else EntryStatus.RETURNED
    entry.review_note, entry.reviewed_by, entry.reviewed_at = (
        note.strip(),
        user_or_none(actor),
        now or timezone.now(),
    )
    entry.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    record(
        "assessment.review_entry",
        actor=actor,
        obj=entry,
        before=before,
        after=snapshot(entry, ["status", "review_note"]),
    )
    notify("entry_reviewed", entry)
    return entry  # fmt: skip


@transaction.atomic
def submit_self_assessment(*, actor: Any, body: AssessedBody, note: str = "", now: dt.datetime | None = None):
    """报送自评: the body's self-assessment as a whole, once every item it is assessed on has an entry; its
    entries are locked from then on (only one the office returns may be submitted again)."""
    require(may_write_for(actor, body), "只有被考核单位本身或其上级安委办可以报送自评。")
    body = AssessedBody.objects.select_for_update().select_related("scheme").get(pk=body.pk)
    if SelfAssessment.objects.filter(body=body).exists():
        raise errors.TransitionError("本单位自评已报送并锁定。", "self_assessment_submitted")
    if body.scheme.runs.filter(status__in=SHOWN).exists():
        raise errors.TransitionError("考核结果已发布，不能再报送自评。", "results_published")
    entered = set(Entry.objects.filter(body=body).values_list("item_id", flat=True))
    missing = [i for i in applicable_items(body) if i.pk not in entered]
    if missing:
        raise _bad(
            f"以下项目尚未自评：{'、'.join(str(i) for i in missing)}；请逐项填报后再报送。", "items_missing"
        )
    assessment = SelfAssessment.objects.create(
        body=body, total=_entries_total(body), note=(note or "").strip(), submitted_by=user_or_none(actor),
        submitted_at=now or timezone.now(),
    )  # fmt: skip
    record(
        "assessment.submit_self_assessment",
        actor=actor,
        obj=assessment,
        after={"total": str(assessment.total), "entries": len(entered), "note": assessment.note},
    )
    notify("self_assessment_submitted", assessment)
    return assessment


# -- beside the office's result -------------------------------------------------------------------------------------


def latest_result(body: AssessedBody, user: Any) -> BodyResult | None:
    """The office's newest result for the body that `user` may read (a draft only for the office)."""
    results = readable(BodyResult.objects.filter(body=body), user, "run").exclude(
        run__status=RunStatus.SUPERSEDED
    )
    return results.select_related("run").order_by("-run__number").first()


def comparison(body: AssessedBody, result: BodyResult | None, entries: list[Entry]) -> dict[str, Any]:
    """Item by item: the body's own score beside the office's, the difference (自评 − 核定) and the totals."""
    by_item = {e.item_id: e for e in entries}
    office = {row["key"]: Decimal(str(row["score"])) for row in (result.items if result else [])}
    rows = []
    for item in applicable_items(body):
        entry = by_item.get(item.pk)
        own = entry.score if entry is not None else None
        scored = office.get(item.key)
        difference = own - scored if own is not None and scored is not None else None
        rows.append({"item": item, "entry": entry, "own": own, "office": scored, "difference": difference})
    own_total = judging.money(sum((r["own"] for r in rows if r["own"] is not None), Decimal(0)))
    office_total = result.total if result is not None else None
    return {
        "rows": rows,
        "own_total": own_total,
        "office_total": office_total,
        "difference": own_total - office_total if office_total is not None else None,
        "differing": sum(1 for r in rows if r["difference"]),
    }
