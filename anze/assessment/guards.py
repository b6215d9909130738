"""Who may do what in assessment, shared by the services: each service checks its actor itself, so the pages,
the API and any caller answer the same."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from anze.assessment import errors
from anze.assessment.choices import RunStatus
from anze.assessment.models import AssessedBody, Entry, Run, Scheme
from anze.core.restrict import scope_q


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def notify(kind: str, obj: Any) -> None:
    """Tell who must act on a change, through the notice handlers (supervision's inbox and channels), after the
    commit: each assessed unit its published or corrected result and the appeal deadline, the office of the
    scheme's region an appeal to decide, the appellant's unit the decision."""
    from django.utils import timezone

    from anze.core import notices

    now = timezone.now()
    for unit_id, user_ids, key, title, body in _notices(kind, obj):
        notices.announce(
            notices.ALERT, unit_id=unit_id, user_ids=user_ids, key=key, title=title, body=body, now=now
        )


def _notices(kind: str, obj: Any) -> list[tuple[int | None, list[int], str, str, str]]:
    from django.utils.translation import gettext as _

    if kind in ("results_published", "results_corrected"):
        run = obj
        title = (
            _("考核结果已发布：%(name)s") if kind == "results_published" else _("考核结果已更正：%(name)s")
        )
        out = []
        for result in run.results.select_related("body").order_by("pk"):
            body = _("总分 %(total)s，第 %(rank)s 名，等次：%(grade)s。") % {
                "total": result.total, "rank": result.rank, "grade": result.get_grade_display(),
            }  # fmt: skip
            if result.hits:
                body += _("触发一票否决或黄牌情形 %(n)s 项，详见考核结果。") % {"n": len(result.hits)}
            if run.appeal_until:
                body += _("如有异议，请于 %(date)s 前提出申诉。") % {"date": run.appeal_until.isoformat()}
            key = f"assessment:{kind}:run{run.pk}:body{result.body_id}"
            out.append((result.body.unit_id, [], key, title % {"name": run.scheme.name}, body))
        return out
    if kind == "appeal_filed":
        appeal = obj
        result = appeal.result
        scheme = result.run.scheme
        title = _("考核申诉待裁定：%(unit)s") % {"unit": result.body.unit}
        return [
            (
                None,
                _office_users(scheme.region_id),
                f"assessment:appeal:{appeal.pk}",
                title,
                appeal.reason[:500],
            )
        ]
    if kind == "appeal_decided":
        appeal = obj
        result = appeal.result
        title = _("考核申诉已裁定：%(status)s") % {"status": appeal.get_status_display()}
        return [(result.body.unit_id, [], f"assessment:decided:{appeal.pk}", title, appeal.decision[:500])]
    return []


def _office_users(region_id: int) -> list[int]:
    """The users holding the office role over the region now (who decide appeals)."""
    from django.utils import timezone

    from anze.accounts.models import RoleAssignment, in_force_q
    from anze.accounts.roles import Role

    in_force = RoleAssignment.objects.filter(
        in_force_q(timezone.now()), role=Role.OFFICE, region_id=region_id
    )
    return list(in_force.values_list("user_id", flat=True).distinct())


def is_person(actor: Any) -> bool:
    return actor is not None and not isinstance(actor, str) and getattr(actor, "is_authenticated", False)


def may(actor: Any, model: Any, action: str, obj: Any = None) -> bool:
    """Whether the actor's scope covers `action` on `obj` (or on the model at all); the system always may."""
    if not is_person(actor):
        return True
    if obj is None:
        return scope_q(model, actor, action) is not None
    return model.objects.restrict(actor, action).filter(pk=obj.pk).exists()


def covers(actor: Any, model: Any, action: str, *, region, unit=None) -> bool:
    """Whether a new row of `model` placed in `region` (and `unit`) would be inside the actor's scope."""
    from anze.accounts.roles import actions_for

    if not is_person(actor) or actor.is_superuser:
        return True
    for assignment in actor.active_assignments():
        if action not in actions_for(assignment.role, model.scope.roles):
            continue
        if assignment.region_id and region.path.startswith(assignment.region.path):
            return True
        if assignment.unit_id and unit is not None and assignment.unit_id == unit.pk:
            return True
    return False


def may_write_for(actor: Any, body: AssessedBody) -> bool:
    """Self-assessment and appeals: the body's own unit, or the office over its region."""
    return covers(actor, Entry, "add", region=body.unit.region, unit=body.unit)


def may_review(actor: Any, scheme: Scheme) -> bool:
    """Reviewing entries and deciding appeals: the office that runs the scheme."""
    return may(actor, Scheme, "change", scheme)


SHOWN = (RunStatus.PUBLISHED, RunStatus.SUPERSEDED)


def readable(queryset: Any, user: Any, run: str = "") -> Any:
    """Drafts are the office's: a user who may not change a run reads only published and corrected ones.
    `run` is the lookup from the queryset's model to its Run ("" for Run itself, "run", "result__run")."""
    prefix = f"{run}__" if run else ""
    changeable = Run.objects.restrict(user, "change").values("pk")
    return queryset.filter(
        Q(**{f"{prefix}status__in": list(SHOWN)}) | Q(**{f"{run or 'pk'}__in": changeable})
    )


def require(allowed: bool, message: str = "您无权执行此操作。") -> None:
    if not allowed:
        raise errors.NotAllowedError(message)


def not_own(actor: Any, author_id: int | None, message: str) -> None:
    """Who wrote a record does not also judge it."""
    if is_person(actor) and author_id is not None and author_id == actor.pk:
        raise errors.NotAllowedError(message)


def regions_for(actor: Any, model: Any, action: str) -> Any:
    """The regions where the actor may `action` a new row of `model` (the choices of a "new scheme" form)."""
    from anze.accounts.roles import actions_for
    from anze.org.models import Region

    if not is_person(actor):
        return Region.objects.none()
    if actor.is_superuser:
        return Region.objects.all()
    q = Q(pk__in=[])
    for assignment in actor.active_assignments():
        if assignment.region_id and action in actions_for(assignment.role, model.scope.roles):
            q |= Q(path__startswith=assignment.region.path)
    return Region.objects.filter(q)
