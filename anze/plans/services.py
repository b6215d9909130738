"""State changes of the plans app: importing a plan version, staging and confirming an upload, mapping names.

Each public function is one transaction writing exactly one audit event; the file written to storage is
removed again when the transaction fails, so a failed import leaves neither rows nor files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.accounts.roles import actions_for
from anze.audit.services import record
from anze.org.models import Person, Region, Unit, UnitAlias, UnitGroup
from anze.plans.choices import (
    LEADER_ROLES,
    ROLE_KEYS,
    UNIT_ROLES,
    AssignmentRole,
    AssignmentStatus,
    ImportStatus,
)
from anze.plans.importing import (
    ParsedUpload,
    diff_plans,
    is_same_content,
    iter_clauses,
    parse_upload,
    plan_counts,
)
from anze.plans.models import (
    Clause,
    ClauseAssignment,
    ClauseDuty,
    Plan,
    PlanImport,
    PlanVersion,
    Section,
    SourceDocument,
    Task,
)
from anze.plans.resolution import NameResolver, suggest


class DocumentAlreadyImported(Exception):
    """The same file (by SM3 digest) is already a version of a plan; importing it again changes nothing."""

    code = "already_imported"

    def __init__(self, version: PlanVersion, *, visible: bool = True) -> None:
        self.version = version
        self.visible = visible  # False: the version lies outside the caller's scope; name nothing of it
        super().__init__(
            _("该文件已导入为《%(plan)s》第 %(number)s 版。")
            % {"plan": version.plan, "number": version.number}
            if visible
            else _("该文件已由其他区划导入，不能重复导入。")
        )


class SameContentImported(DocumentAlreadyImported):
    """Another file (e.g. the .docx of an imported .txt) that says exactly what the current version says."""

    code = "same_content"

    def __init__(self, version: PlanVersion) -> None:
        self.version = version
        self.visible = True
        Exception.__init__(
            self,
            _("该文件的内容与《%(plan)s》第 %(number)s 版完全相同（仅文件格式或文件名不同），未生成新版本。")
            % {"plan": version.plan, "number": version.number},
        )


def _same_as_current(data: dict[str, Any], region: Region) -> SameContentImported | None:
    """The error for a document whose content equals its plan's current version, or None."""
    plan = find_plan(data, region)
    current = plan.current_version if plan else None
    if current is not None and is_same_content(current.parsed, data):
        return SameContentImported(current)
    return None


def _existing_version(sm3: str, actor: Any) -> tuple[PlanVersion | None, bool]:
    """The version already made from this file, and whether `actor` may see it."""
    existing = PlanVersion.objects.filter(content_hash=sm3).select_related("plan").first()
    if existing is None:
        return None, False
    if actor is None or isinstance(actor, str):
        return existing, True
    return existing, PlanVersion.objects.restrict(actor, "view").filter(pk=existing.pk).exists()


def _already_imported(sm3: str, actor: Any) -> DocumentAlreadyImported | None:
    existing, visible = _existing_version(sm3, actor)
    return DocumentAlreadyImported(existing, visible=visible) if existing is not None else None


@dataclass
class ImportResult:
    """What an import did: the plan and version, whether anything was written, the diff and open names."""

    plan: Plan
    version: PlanVersion
    created: bool
    diff: dict[str, Any] | None = None
    unresolved: list[str] = field(default_factory=list)


# --- who may import where -------------------------------------------------------------------------


def import_regions(user: Any):
    """The regions `user` may import plans into: those where a role grants `add` on plans."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    condition = Q(pk__in=[])
    for assignment in user.active_assignments():
        if "add" not in actions_for(assignment.role, Plan.scope.roles):
            continue
        if assignment.region_id is not None:
            condition |= Q(path__startswith=assignment.region.path)
        elif assignment.unit_id is None:
            return Region.objects.all()
    return Region.objects.filter(condition)


def can_import(user: Any, region: Region | None = None) -> bool:
    regions = import_regions(user)
    return regions.filter(pk=region.pk).exists() if region is not None else regions.exists()


def default_import_region(user: Any) -> Region | None:
    """The widest region the user may import into (the city for the city office)."""
    return import_regions(user).order_by("path").first()


def _require_import(user: Any, region: Region) -> None:
    if not can_import(user, region):
        raise PermissionDenied(_("您无权向%(region)s导入责任方案。") % {"region": region})


# --- documents -------------------------------------------------------------------------------------


def document_path(sm3: str) -> str:
    """Where a document is kept: by digest, never by the uploader's file name."""
    return f"documents/{sm3[:2]}/{sm3}"


def _store_document(
    upload: ParsedUpload, *, region: Region, actor: Any, written: list[str]
) -> SourceDocument:
    existing = SourceDocument.objects.filter(sm3=upload.sm3).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _create_document(upload, region=region, actor=actor, written=written)
    except IntegrityError:  # the same file stored by a concurrent upload
        existing = SourceDocument.objects.filter(sm3=upload.sm3).first()
        if existing is None:
            raise
        return existing


def _create_document(
    upload: ParsedUpload, *, region: Region, actor: Any, written: list[str]
) -> SourceDocument:
    path = document_path(upload.sm3)
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(upload.content))
        written.append(saved)
        path = saved
    return SourceDocument.objects.create(
        sm3=upload.sm3,
        file=path,
        original_filename=(upload.filename or "document")[-255:],
        size=len(upload.content),
        media_type=upload.media_type,
        region=region,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )


def _remove_files(paths: Iterable[str]) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:  # pragma: no cover - best effort; the row is gone anyway
            pass


def known_unit_names() -> tuple[str, ...]:
    """Every name of a unit or unit group, so the parser can restore shared prefixes (市委、政府 → 市政府)."""
    names: set[str] = set()
    for full, short in Unit.objects.filter(is_active=True).values_list("name", "short_name"):
        names.add(full)
        if short:
            names.add(short)
    names.update(UnitAlias.objects.values_list("name", flat=True))
    for name, aliases in UnitGroup.objects.filter(is_active=True).values_list("name", "aliases"):
        names.add(name)
        names.update(aliases or [])
    return tuple(sorted(names))


def parse_document(content: bytes, filename: str) -> ParsedUpload:
    """Parse a file without writing anything (PlanParseError on bad input)."""
    return parse_upload(content, filename, known_units=known_unit_names())


# --- names -----------------------------------------------------------------------------------------


def name_report(data: dict[str, Any], region: Region | None) -> dict[str, Any]:
    """How the names of a parsed plan resolve, without writing: for the preview and the API."""
    resolver = NameResolver(region)
    resolved = 0
    unresolved: dict[tuple[str, str], dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {}
    for ref in iter_clauses(data):
        for role, key in ROLE_KEYS.items():
            for name in ref.clause.get(key) or []:
                leader = role in LEADER_ROLES
                result = resolver.leader(name) if leader else resolver.unit(name)
                if result.status == AssignmentStatus.RESOLVED:
                    resolved += 1
                elif result.status == AssignmentStatus.GROUP:
                    entry = groups.setdefault(
                        name,
                        {
                            "name": name,
                            "group": result.group.name,
                            "members": len(result.members),
                            "clauses": [],
                        },
                    )
                    entry["clauses"].append(ref.key)
                else:
                    kind = "person" if leader else "unit"
                    entry = unresolved.setdefault((kind, name), {"name": name, "kind": kind, "clauses": []})
                    if ref.key not in entry["clauses"]:
                        entry["clauses"].append(ref.key)
    for (kind, name), entry in unresolved.items():
        entry["suggestions"] = [
            {"kind": s.kind, "public_id": s.public_id, "label": s.label, "score": round(s.score, 1)}
            for s in suggest(name, leader=kind == "person", region=region)
        ]
    return {"resolved": resolved, "unresolved": list(unresolved.values()), "groups": list(groups.values())}


def _assignment_rows(clause: Clause, data: dict[str, Any], resolver: NameResolver) -> list[ClauseAssignment]:
    # Ids rather than instances: a 200-page plan expands to tens of thousands of rows.
    rows: list[ClauseAssignment] = []
    for role, key in ROLE_KEYS.items():
        for position, name in enumerate(dict.fromkeys(data.get(key) or [])):
            base = {
                "version_id": clause.version_id,
                "clause_id": clause.pk,
                "role": role,
                "position": position,
                "raw_name": name,
            }
            result = resolver.leader(name) if role in LEADER_ROLES else resolver.unit(name)
            group_id = result.group.pk if result.group else None
            rows.append(
                ClauseAssignment(
                    **base,
                    status=result.status,
                    person_id=result.person.pk if result.person else None,
                    unit_id=result.unit.pk if result.unit else None,
                    group_id=group_id,
                )
            )
            rows.extend(
                ClauseAssignment(
                    **base,
                    status=AssignmentStatus.RESOLVED,
                    unit_id=member.pk,
                    group_id=group_id,
                    via_group=True,
                )
                for member in result.members
            )
    return rows


# --- importing -------------------------------------------------------------------------------------


def find_plan(data: dict[str, Any], region: Region) -> Plan | None:
    """The plan a document is a version of: the same 文号, else the same title, in the same region."""
    plans = Plan.objects.filter(region=region)
    if data.get("doc_number"):
        plan = plans.filter(doc_number=data["doc_number"]).first()
        if plan is not None:
            return plan
    return plans.filter(title=data.get("title") or "").order_by("-created_at").first()


def _is_traditional(text: str) -> bool:
    """Whether a clause was written in Traditional script, so its original wording is worth keeping."""
    if not text:
        return False
    try:
        from anze.plans.parsing.text import to_simplified
    except ImportError:  # pragma: no cover - the parser keeps this helper; without it keep nothing
        return False
    return to_simplified(text) != text


def _parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _build_version(
    data: dict[str, Any], *, document: SourceDocument, region: Region, actor: Any
) -> tuple[Plan, PlanVersion, dict[str, Any] | None]:
    """Write a plan version and its tree (bulk inserts) and make it the plan's current version."""
    plan = find_plan(data, region)
    title = (data.get("title") or "").strip() or document.original_filename
    issued_on = _parse_date(data.get("issued_on"))
    if plan is None:
        plan = Plan.objects.create(
            title=title,
            doc_number=data.get("doc_number"),
            issued_on=issued_on,
            issuers=list(data.get("issuers") or []),
            region=region,
        )
        number, diff = 1, None
    else:
        # Lock the plan row: two versions of one plan at once would both take the same number.
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        previous = plan.current_version
        if previous is not None and previous.content_hash == document.sm3:
            raise DocumentAlreadyImported(previous)  # the very same file (a lost race): not merely the same text
        if previous is not None and is_same_content(previous.parsed, data):
            raise SameContentImported(previous)
        diff = diff_plans(previous.parsed if previous else None, data) if previous else None
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        document=document,
        content_hash=document.sm3,
        parsed=data,
        title=title,
        doc_number=data.get("doc_number"),
        issued_on=issued_on,
        imported_by=actor if getattr(actor, "pk", None) else None,
        diff=diff,
    )

    sections: list[Section] = []
    tasks: list[Task] = []
    for s, section in enumerate(data.get("sections") or []):
        sections.append(
            Section(version=version, order=s, number=section.get("number"), title=section.get("title"))
        )
    Section.objects.bulk_create(sections)
    task_order = 0
    task_index: dict[tuple[int, int], Task] = {}
    for s, section in enumerate(data.get("sections") or []):
        for t, task in enumerate(section.get("tasks") or []):
            row = Task(
                version=version,
                section=sections[s],
                order=task_order,
                number=str(task.get("number") or t + 1)[:20],
                title=task.get("title"),
            )
            tasks.append(row)
            task_index[(s, t)] = row
            task_order += 1
    Task.objects.bulk_create(tasks)

    clauses: list[tuple[Clause, dict[str, Any]]] = []
    for ref in iter_clauses(data):
        deadline = ref.clause.get("deadline") or {}
        original = ref.clause.get("original") or ""
        clauses.append(
            (
                Clause(
                    version=version,
                    task=task_index[(ref.section_index, ref.task_index)],
                    order=ref.clause_index,
                    key=ref.key,
                    text=ref.clause["text"],
                    original_text=original if _is_traditional(original) else "",
                    deadline_text=(deadline.get("text") or "")[:200],
                    deadline_date=_parse_date(deadline.get("date")),
                    deadline_ongoing=bool(deadline.get("ongoing")),
                ),
                ref.clause,
            )
        )
    Clause.objects.bulk_create([c for c, _ in clauses])

    resolver = NameResolver(region)
    assignments: list[ClauseAssignment] = []
    duties: list[ClauseDuty] = []
    for clause, clause_data in clauses:
        assignments.extend(_assignment_rows(clause, clause_data, resolver))
        for order, duty in enumerate(clause_data.get("duties") or []):
            duties.append(
                ClauseDuty(
                    clause=clause,
                    order=order,
                    text=(duty.get("text") or "")[:500],
                    rrule=duty["rrule"],
                    count=duty.get("count"),
                    subject=duty.get("subject"),
                )
            )
    ClauseAssignment.objects.bulk_create(assignments, batch_size=1000)
    ClauseDuty.objects.bulk_create(duties, batch_size=1000)

    plan.title = title
    plan.doc_number = data.get("doc_number") or plan.doc_number
    plan.issued_on = issued_on or plan.issued_on
    plan.issuers = list(data.get("issuers") or plan.issuers)
    plan.current_version = version
    plan.save()
    return plan, version, diff


def _unresolved_names(version: PlanVersion) -> list[str]:
    return list(
        version.assignments.filter(status=AssignmentStatus.UNRESOLVED)
        .order_by("raw_name")
        .values_list("raw_name", flat=True)
        .distinct()
    )


def _import_event(plan: Plan, version: PlanVersion, diff: dict | None, *, actor: Any, **extra: Any) -> None:
    record(
        "plans.plan.import",
        actor=actor,
        obj=plan,
        after={
            "version": version.number,
            "version_id": version.public_id,
            "sm3": version.content_hash,
            "filename": version.document.original_filename,
            **plan_counts(version.parsed),
            "unresolved": len(_unresolved_names(version)),
            "diff": (diff or {}).get("summary"),
            **extra,
        },
    )


def import_plan(
    upload: ParsedUpload, *, actor: Any, region: Region, check_permission: bool = True
) -> ImportResult:
    """Import a parsed document as a new plan or a new version of one (the command line and tests use this).

    The same file again (same SM3) changes nothing and returns the existing version with created=False.
    """
    if check_permission and actor is not None and not isinstance(actor, str):
        _require_import(actor, region)
    existing, visible = _existing_version(upload.sm3, actor)
    if existing is not None:
        if not visible:
            raise DocumentAlreadyImported(existing, visible=False)
        return ImportResult(existing.plan, existing, created=False, diff=existing.diff)
    written: list[str] = []
    try:
        return _import_atomically(upload, actor=actor, region=region, written=written)
    except DocumentAlreadyImported as exc:
        _remove_files(written)
        if not exc.visible:
            raise
        return ImportResult(exc.version.plan, exc.version, created=False, diff=exc.version.diff)
    except BaseException:
        _remove_files(written)
        raise


def _build_version_safely(
    data: dict[str, Any], *, document: SourceDocument, region: Region, actor: Any
) -> tuple[Plan, PlanVersion, dict[str, Any] | None]:
    """_build_version in a savepoint: a concurrent import of the same file (the unique SM3) turns into
    DocumentAlreadyImported; a concurrent new plan with the same 文号 is retried once as a new version."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _build_version(data, document=document, region=region, actor=actor)
        except IntegrityError:
            already = _already_imported(document.sm3, actor)
            if already is not None:
                raise already from None
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def _import_atomically(
    upload: ParsedUpload, *, actor: Any, region: Region, written: list[str]
) -> ImportResult:
    document = _store_document(upload, region=region, actor=actor, written=written)
    plan, version, diff = _build_version_safely(upload.data, document=document, region=region, actor=actor)
    _import_event(plan, version, diff, actor=actor)
    return ImportResult(plan, version, created=True, diff=diff, unresolved=_unresolved_names(version))


def stage_import(upload: ParsedUpload, *, actor: Any, region: Region) -> PlanImport:
    """Keep an uploaded, parsed document for review (预览) before it becomes a version.

    Raises DocumentAlreadyImported for a file that already is a version; returns the open pending import
    when the same file was uploaded before and not yet decided.
    """
    _require_import(actor, region)
    already = _already_imported(upload.sm3, actor) or _same_as_current(upload.data, region)
    if already is not None:
        raise already
    pending = PlanImport.objects.filter(
        document__sm3=upload.sm3, region=region, status=ImportStatus.PENDING
    ).first()
    if pending is not None:
        return pending
    written: list[str] = []
    try:
        return _stage_atomically(upload, actor=actor, region=region, written=written)
    except BaseException:
        _remove_files(written)
        raise


@transaction.atomic
def _stage_atomically(upload: ParsedUpload, *, actor: Any, region: Region, written: list[str]) -> PlanImport:
    document = _store_document(upload, region=region, actor=actor, written=written)
    plan = find_plan(upload.data, region)
    current = plan.current_version if plan else None
    staged = PlanImport.objects.create(
        region=region,
        document=document,
        parsed=upload.data,
        names=name_report(upload.data, region),
        diff=diff_plans(current.parsed, upload.data) if current else None,
        plan=plan,
        created_by=actor,
    )
    record(
        "plans.planimport.create",
        actor=actor,
        obj=staged,
        after={"filename": document.original_filename, "sm3": document.sm3, **plan_counts(upload.data)},
        scope_path=region.path,
    )
    return staged


@transaction.atomic
def confirm_import(staged: PlanImport, *, actor: Any) -> ImportResult:
    """Turn a pending upload into a plan version (确认导入)."""
    staged = PlanImport.objects.select_for_update().select_related("document", "region").get(pk=staged.pk)
    if not ImportStatus(staged.status).can_confirm():
        raise ValidationError(_("该导入已处理，不能再次确认。"), code="not_pending")
    _require_import(actor, staged.region)
    already = _already_imported(staged.document.sm3, actor)
    if already is not None:
        raise already
    plan, version, diff = _build_version_safely(
        staged.parsed, document=staged.document, region=staged.region, actor=actor
    )
    staged.status = ImportStatus.CONFIRMED
    staged.version = version
    staged.plan = plan
    staged.decided_by = actor
    staged.decided_at = timezone.now()
    staged.save(update_fields=["status", "version", "plan", "decided_by", "decided_at", "updated_at"])
    _import_event(plan, version, diff, actor=actor, import_id=staged.public_id)
    return ImportResult(plan, version, created=True, diff=diff, unresolved=_unresolved_names(version))


@transaction.atomic
def cancel_import(staged: PlanImport, *, actor: Any) -> PlanImport:
    """Drop a pending upload (取消导入); the record stays, marked cancelled."""
    staged = PlanImport.objects.select_for_update().select_related("region").get(pk=staged.pk)
    if not ImportStatus(staged.status).can_cancel():
        raise ValidationError(_("该导入已处理，不能取消。"), code="not_pending")
    _require_import(actor, staged.region)
    staged.status = ImportStatus.CANCELLED
    staged.decided_by = actor
    staged.decided_at = timezone.now()
    staged.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    record("plans.planimport.cancel", actor=actor, obj=staged, scope_path=staged.region.path)
    return staged


# --- mapping unresolved names ----------------------------------------------------------------------


@transaction.atomic
def map_name(
    plan: Plan,
    raw_name: str,
    *,
    actor: Any,
    unit: Unit | None = None,
    person: Person | None = None,
    group: UnitGroup | None = None,
) -> int:
    """Map an unresolved name of a plan to a unit, unit group or person (对应名称); returns rows changed.

    Every unresolved assignment with that name in the plan's versions is updated. A unit mapping also
    records the name as a 单位别称 and a group mapping adds it to the group's aliases, so the next import
    resolves it by itself; a person mapping is remembered through the assignment and reused by later imports.
    """
    if sum(x is not None for x in (unit, person, group)) != 1:
        raise ValidationError(_("请选择一个单位、单位集合或人员。"), code="one_target")
    if not Plan.objects.restrict(actor, "change").filter(pk=plan.pk).exists():
        raise PermissionDenied(_("您无权修改该方案。"))
    roles = LEADER_ROLES if person is not None else UNIT_ROLES
    rows = ClauseAssignment.objects.filter(
        version__plan=plan, raw_name=raw_name, status=AssignmentStatus.UNRESOLVED, role__in=roles
    )
    targets = list(rows.select_related("clause", "version"))
    if not targets:
        raise ValidationError(
            _("该方案中没有未对应的名称“%(name)s”。") % {"name": raw_name}, code="nothing_to_map"
        )
    alias_created = False
    if unit is not None:
        alias_created = _record_unit_alias(raw_name, unit)
        rows.update(status=AssignmentStatus.RESOLVED, unit=unit, updated_at=timezone.now())
    elif person is not None:
        rows.update(status=AssignmentStatus.RESOLVED, person=person, updated_at=timezone.now())
    else:
        if raw_name != group.name and raw_name not in (group.aliases or []):
            group.aliases = [*(group.aliases or []), raw_name]
            group.save(update_fields=["aliases", "updated_at"])
            alias_created = True
        rows.update(status=AssignmentStatus.GROUP, group=group, updated_at=timezone.now())
        members = list(group.members())
        ClauseAssignment.objects.bulk_create(
            [
                ClauseAssignment(
                    version=row.version,
                    clause=row.clause,
                    role=row.role,
                    position=row.position,
                    raw_name=raw_name,
                    status=AssignmentStatus.RESOLVED,
                    unit=member,
                    group=group,
                    via_group=True,
                )
                for row in targets
                for member in members
            ]
        )
    target = unit or person or group
    record(
        "plans.assignment.map",
        actor=actor,
        obj=plan,
        after={
            "raw_name": raw_name,
            "target_type": type(target).__name__.lower(),
            "target": target.public_id,
            "target_name": str(target),
            "rows": len(targets),
            "alias_recorded": alias_created,
        },
    )
    return len(targets)


def _record_unit_alias(raw_name: str, unit: Unit) -> bool:
    if raw_name in (unit.name, unit.short_name):
        return False
    alias = UnitAlias.objects.filter(name=raw_name).first()
    if alias is not None:
        if alias.unit_id != unit.pk:
            raise ValidationError(
                _("别称“%(name)s”已属于%(unit)s。") % {"name": raw_name, "unit": alias.unit},
                code="alias_taken",
            )
        return False
    UnitAlias.objects.create(unit=unit, name=raw_name)
    return True


def role_label(role: str) -> str:
    return str(AssignmentRole(role).label)
