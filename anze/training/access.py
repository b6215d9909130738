"""Who may see what beyond restrict(), shared by the pages and the API: where a department user's new
records belong, and whether a user is still sitting an exam whose key a page or the API would show."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from anze.accounts.roles import Role
from anze.training.choices import AttemptStatus
from anze.training.models import Candidate


def home(user: Any) -> tuple[Any, Any]:
    """Where a department user's new banks, sittings and study records belong: (region, unit)."""
    from anze.org.choices import RegionLevel
    from anze.org.models import Region

    for assignment in user.active_assignments():
        if assignment.role in (Role.OFFICE, Role.COUNTY) and assignment.region_id:
            return assignment.region, None
        if assignment.role == Role.UNIT and assignment.unit_id:
            return assignment.unit.region, assignment.unit
    if user.is_superuser:
        return Region.objects.filter(level=RegionLevel.CITY).order_by("code").first(), None
    return None, None


def still_sitting(user: Any, **paper: Any) -> bool:
    """Whether `user` is listed for a sitting on the paper (`paper=`) or a paper of the bank (`bank=`) and has
    not handed in: not started while the sitting is still to close, or answering. Staff candidates may hold a
    department role that views banks, papers and results; until they hand in, those pages (and the API)
    would show them the key, so they answer 404."""
    if not user.is_authenticated:
        return False
    lookup = {f"sitting__paper__{name}": value for name, value in paper.items()}
    return _sitting(user).filter(**lookup).exists()


def banks_being_sat(user: Any):
    """The banks (ids, as a subquery) of the exams `user` is still sitting, whose keys they must not reach."""
    if not user.is_authenticated:
        return Candidate.objects.none().values("pk")
    return _sitting(user).values("sitting__paper__bank_id")


def _sitting(user: Any):
    """The user's listings not yet handed in: not started while the sitting is still to close, or answering."""
    return Candidate.objects.filter(user_id=user.pk).filter(
        Q(attempt__isnull=True, sitting__closes_at__gt=timezone.now())
        | Q(attempt__status=AttemptStatus.IN_PROGRESS)
    )
