"""People, posts and who holds them (人员, 职务, 任职)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anze.audit.services import record, snapshot
from anze.org.models import (
    Person,
    Post,
    PostHolding,
    Region,
    Unit,
)
from anze.org.services._common import _apply, _ensure_allowed, _fail, _save

# ---------------------------------------------------------------------------------------------- people


@transaction.atomic
def create_person(*, actor: Any, name: str, region: Region, note: str = "") -> Person:
    """Add a person (人员) who can hold posts and lead tasks."""
    person = Person(name=name.strip(), region=region, note=note)
    _save(person)
    _ensure_allowed(actor, "add", person)
    record("org.person.create", actor=actor, obj=person, after=snapshot(person))
    return person


@transaction.atomic
def update_person(*, actor: Any, person: Person, **changes: Any) -> Person:
    """Change a person's name, region or note."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _ensure_allowed(actor, "change", person)
    before = snapshot(person)
    if not _apply(person, changes, ("name", "region", "note")):
        return person
    _save(person)
    _ensure_allowed(actor, "change", person)
    record("org.person.update", actor=actor, obj=person, before=before, after=snapshot(person))
    return person


@transaction.atomic
def deactivate_person(*, actor: Any, person: Person, reason: str = "") -> Person:
    """Stop using a person record; they must have left every post first (see `vacate_post`)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _ensure_allowed(actor, "change", person)
    if not person.is_active:
        raise _fail(_("该人员已停用。"), "person_inactive")
    if person.holdings.filter(ended_on__isnull=True).exists():
        raise _fail(_("该人员仍在任，请先办理离任。"), "person_holds_posts")
    before = snapshot(person)
    person.is_active = False
    person.save(update_fields=["is_active", "updated_at"])
    record(
        "org.person.deactivate", actor=actor, obj=person, before=before, after=snapshot(person), reason=reason
    )
    return person


# ---------------------------------------------------------------------------------------------- posts


@transaction.atomic
def create_post(*, actor: Any, unit: Unit, title: str, portfolio: str = "", sort_order: int = 0) -> Post:
    """Add a post (职务) in a unit, e.g. 副市长 with its portfolio (分管范围)."""
    if not unit.is_active:
        raise _fail(_("所在单位已停用。"), "post_unit_inactive", "unit")
    post = Post(unit=unit, title=title.strip(), portfolio=portfolio.strip(), sort_order=sort_order)
    _save(post)
    _ensure_allowed(actor, "add", post)
    record("org.post.create", actor=actor, obj=post, after=snapshot(post))
    return post


@transaction.atomic
def update_post(*, actor: Any, post: Post, **changes: Any) -> Post:
    """Change a post's title, portfolio or order."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _ensure_allowed(actor, "change", post)
    before = snapshot(post)
    if not _apply(post, changes, ("title", "portfolio", "sort_order")):
        return post
    _save(post)
    record("org.post.update", actor=actor, obj=post, before=before, after=snapshot(post))
    return post


@transaction.atomic
def deactivate_post(*, actor: Any, post: Post, reason: str = "") -> Post:
    """Abolish a post; it must be vacant."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _ensure_allowed(actor, "change", post)
    if not post.is_active:
        raise _fail(_("该职务已停用。"), "post_inactive")
    if post.holdings.filter(ended_on__isnull=True).exists():
        raise _fail(_("该职务仍有人在任，请先办理离任。"), "post_occupied")
    before = snapshot(post)
    post.is_active = False
    post.save(update_fields=["is_active", "updated_at"])
    record("org.post.deactivate", actor=actor, obj=post, before=before, after=snapshot(post), reason=reason)
    return post


@transaction.atomic
def appoint(*, actor: Any, post: Post, person: Person, started_on: dt.date | None = None) -> PostHolding:
    """Put `person` in `post` from `started_on`; the previous holder leaves the day before (history kept)."""
    started_on = started_on or timezone.localdate()
    post = Post.objects.select_for_update().select_related("unit__region").get(pk=post.pk)
    if not post.is_active:
        raise _fail(_("该职务已停用。"), "post_inactive")
    if not person.is_active:
        raise _fail(_("该人员已停用。"), "person_inactive")
    current = post.holdings.filter(ended_on__isnull=True).select_related("person").first()
    before = None
    if current is not None:
        if current.person_id == person.pk:
            raise _fail(_("%(person)s 已在任该职务。") % {"person": person.name}, "holding_already_current")
        if current.started_on > started_on:
            raise _fail(
                _("任职日期不能早于现任者的任职日期（%(date)s）。") % {"date": current.started_on},
                "holding_starts_before_current",
                "started_on",
            )
        before = {"holder": current.person.name, "holding": snapshot(current)}
        current.ended_on = max(current.started_on, started_on - dt.timedelta(days=1))
        current.save(update_fields=["ended_on", "updated_at"])
    holding = PostHolding(post=post, person=person, started_on=started_on)
    _save(holding)
    _ensure_allowed(actor, "add", holding)
    record(
        "org.post.appoint",
        actor=actor,
        obj=holding,
        before=before,
        after={"holder": person.name, "holding": snapshot(holding)},
    )
    return holding


@transaction.atomic
def vacate_post(*, actor: Any, post: Post, ended_on: dt.date | None = None, reason: str = "") -> PostHolding:
    """End the current holding of a post (离任) without appointing a successor."""
    ended_on = ended_on or timezone.localdate()
    post = Post.objects.select_for_update().get(pk=post.pk)
    holding = post.holdings.filter(ended_on__isnull=True).select_related("person").first()
    if holding is None:
        raise _fail(_("该职务目前空缺。"), "post_vacant")
    _ensure_allowed(actor, "change", holding)
    if ended_on < holding.started_on:
        raise _fail(_("离任日期不能早于任职日期。"), "holding_ends_before_start", "ended_on")
    before = snapshot(holding)
    holding.ended_on = ended_on
    holding.save(update_fields=["ended_on", "updated_at"])
    record("org.post.vacate", actor=actor, obj=holding, before=before, after=snapshot(holding), reason=reason)
    return holding
