"""What the apps above `core` add to the pages and commands that `core` owns.

`core` is the floor every app stands on, so it never imports them. Instead, each app registers what it
adds in its `AppConfig.ready()`, and `core` assembles what is registered:

    from anze.core import registry
    from anze.core.navigation import NavItem, NavSection

    registry.add_nav_section(NavSection(_("执法"), (NavItem(...),)), order=60)
    registry.add_home_panel(registry.HomePanel(key="enforcement", template="enforcement/home_panel.html",
                            context=panel_context, order=60))
    registry.add_demo_step("enforcement", load_demo, order=60)     # load_demo(*, stdout, now)
    registry.add_job("enforcement.deadlines", run_deadlines, order=60)   # run_deadlines(now)
    registry.add_clause_indicator("enforcement", indicators)       # indicators(user, clause_ids)
    registry.add_notice_handler("supervision", deliver_notice)     # deliver_notice(kind, facts)
    registry.add_health_check("schedule", schedule_health)         # schedule_health() -> {"ok": bool, ...}
    registry.add_enterprise_badge("enforcement", listed_badges)    # listed_badges(user, enterprise_ids)

Every reader returns the entries sorted by `order`, then by the order they were registered. Registering
the same key (or an equal navigation section) again replaces the earlier entry, so a `ready()` that runs
twice adds nothing twice.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from anze.core.navigation import NavSection

_sequence = itertools.count()

DEFAULT_INDICATOR_TEMPLATE = "core/_clause_indicators.html"


@dataclass(frozen=True)
class HomePanel:
    """A panel on the home page: `context(request)` returns the template's context, or None to hide it.

    The callable counts within `request.user`'s scope (`restrict()`), answers None when the panel has
    nothing for this user (a role it does not serve), and keeps its query count independent of the rows.
    """

    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 50


@dataclass(frozen=True)
class DemoStep:
    """A part of `anze demo`: `func(*, stdout, now)` loads the app's demo data, safe to run again.

    `needs` names the steps whose data this one builds on: when one of them is skipped (`anze demo
    --skip KEY`, `--no-plan`, `--no-users`) or not registered, this step is skipped too. A step may also
    take a keyword option the command offers (`enterprises`: how many demo enterprises to generate).
    """

    key: str
    func: Callable[..., Any]
    order: int = 50
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """A scheduled job run by `anze tick` and the hourly task: `func(now)`, safe to run twice."""

    key: str
    func: Callable[[Any], Any]
    order: int = 50


@dataclass(frozen=True)
class ClauseIndicator:
    """Figures shown beside a plan clause: `func(user, clause_ids)` -> {clause_id: [row, ...]}.

    `clause_ids` is anything `clause__in` takes (ids or a queryset of ids, used as a subquery). The
    function counts within `user`'s scope, in a number of queries independent of the clauses. `template`
    renders one card from `rows` (and `with_clause` when rows of several clauses are shown together); the
    default one shows each row's `label`, `value` and, when present, a link to its `url`.
    """

    key: str
    func: Callable[[Any, Any], dict[int, list[dict[str, Any]]]]
    order: int = 50
    template: str = DEFAULT_INDICATOR_TEMPLATE
    title: str = ""


@dataclass(frozen=True)
class NoticeHandler:
    """Who tells people about a notice announced with `anze.core.notices.announce`: `func(kind, facts)`."""

    key: str
    func: Callable[[str, dict[str, Any]], Any]
    order: int = 50


@dataclass(frozen=True)
class HealthCheck:
    """A part `/healthz` reports: `func()` -> {"ok": bool, ...plain facts}; no secrets, no error texts."""

    key: str
    func: Callable[[], dict[str, Any]]
    order: int = 50


@dataclass(frozen=True)
class Badge:
    """A flag beside an enterprise's name: a short label, a Bootstrap colour, a longer title, a link."""

    label: str
    colour: str = "secondary"
    title: str = ""
    url: str = ""


@dataclass(frozen=True)
class EnterpriseBadge:
    """Flags a higher app shows wherever an enterprise appears (its page, the enterprise list):
    `func(user, enterprise_ids)` -> {enterprise_id: [Badge, ...]}.

    `enterprise_ids` is a list of ids; the function answers in a number of queries independent of how many,
    and leaves out an enterprise with nothing to show.
    """

    key: str
    func: Callable[[Any, list[int]], dict[int, list[Badge]]]
    order: int = 50


@dataclass(frozen=True)
class NavEntry:
    """A registered navigation section with its place."""

    section: NavSection
    order: int = 50


@dataclass
class _Registry:
    nav: dict[Any, tuple[int, NavEntry]] = field(default_factory=dict)
    panels: dict[str, tuple[int, HomePanel]] = field(default_factory=dict)
    demo: dict[str, tuple[int, DemoStep]] = field(default_factory=dict)
    jobs: dict[str, tuple[int, Job]] = field(default_factory=dict)
    indicators: dict[str, tuple[int, ClauseIndicator]] = field(default_factory=dict)
    notices: dict[str, tuple[int, NoticeHandler]] = field(default_factory=dict)
    health: dict[str, tuple[int, HealthCheck]] = field(default_factory=dict)
    badges: dict[str, tuple[int, EnterpriseBadge]] = field(default_factory=dict)


_registry = _Registry()


def _put(table: dict[Any, tuple[int, Any]], key: Any, entry: Any) -> None:
    # A replaced entry keeps its place among equals, so reloading changes nothing.
    seq = table[key][0] if key in table else next(_sequence)
    table[key] = (seq, entry)


def _sorted(table: dict[Any, tuple[int, Any]]) -> list[Any]:
    return [entry for _seq, entry in sorted(table.values(), key=lambda pair: (pair[1].order, pair[0]))]


def _check_key(kind: str, key: str) -> None:
    if not isinstance(key, str) or not key.strip():
        raise ValueError(f"a {kind} needs a non-empty string key, got {key!r}")


# --- navigation ----------------------------------------------------------------------------------------


def add_nav_section(section: NavSection, *, order: int = 50) -> None:
    """Add a section to the left navigation. Sections with the same label are shown as one."""
    _put(_registry.nav, (section, order), NavEntry(section=section, order=order))


def nav_sections() -> list[NavSection]:
    """The registered navigation sections, by order."""
    return [entry.section for entry in _sorted(_registry.nav)]


# --- home page -----------------------------------------------------------------------------------------


def add_home_panel(panel: HomePanel) -> None:
    """Add a panel to the home page (replacing an earlier panel with the same key)."""
    _check_key("home panel", panel.key)
    if not callable(panel.context):
        raise TypeError(f"home panel {panel.key!r}: context must be a callable taking the request")
    _put(_registry.panels, panel.key, panel)


def home_panels() -> list[HomePanel]:
    """The registered home panels, by order."""
    return _sorted(_registry.panels)


# --- demo data -----------------------------------------------------------------------------------------


def add_demo_step(
    key: str, func: Callable[..., Any], *, order: int = 50, needs: tuple[str, ...] = ()
) -> None:
    """Add a step to `anze demo`: `func(*, stdout, now)`, run after the steps it `needs`."""
    _check_key("demo step", key)
    _put(_registry.demo, key, DemoStep(key=key, func=func, order=order, needs=tuple(needs)))


def demo_steps() -> list[DemoStep]:
    """The registered demo steps, by order."""
    return _sorted(_registry.demo)


# --- scheduled jobs ------------------------------------------------------------------------------------


def add_job(key: str, func: Callable[[Any], Any], *, order: int = 50) -> None:
    """Add a job to `anze tick` and the hourly task: `func(now)`."""
    _check_key("job", key)
    _put(_registry.jobs, key, Job(key=key, func=func, order=order))


def jobs() -> list[Job]:
    """The registered jobs, by order."""
    return _sorted(_registry.jobs)


# --- indicators on a clause's page ---------------------------------------------------------------------


def add_clause_indicator(
    key: str,
    func: Callable[[Any, Any], dict[int, list[dict[str, Any]]]],
    *,
    order: int = 50,
    template: str | None = None,
    title: str = "",
) -> None:
    """Add figures to the clauses on plan and duty pages: `func(user, clause_ids)` -> {clause_id: [row]}."""
    _check_key("clause indicator", key)
    indicator = ClauseIndicator(
        key=key, func=func, order=order, template=template or DEFAULT_INDICATOR_TEMPLATE, title=title
    )
    _put(_registry.indicators, key, indicator)


def clause_indicators() -> list[ClauseIndicator]:
    """The registered clause indicators, by order."""
    return _sorted(_registry.indicators)


def indicators_for_clauses(user: Any, clause_ids: Any) -> dict[int, list[dict[str, Any]]]:
    """Each clause's cards: {clause_id: [{"key", "template", "title", "rows"}, ...]} in indicator order."""
    cards: dict[int, list[dict[str, Any]]] = {}
    for indicator in clause_indicators():
        for clause_id, rows in (indicator.func(user, clause_ids) or {}).items():
            if rows:
                cards.setdefault(clause_id, []).append(_card(indicator, rows))
    return cards


def indicators_together(user: Any, clause_ids: Any) -> list[dict[str, Any]]:
    """One card per indicator with the rows of all `clause_ids` (a page that lists many clauses at once)."""
    cards = []
    for indicator in clause_indicators():
        rows = [row for rows in (indicator.func(user, clause_ids) or {}).values() for row in rows]
        if rows:
            cards.append(_card(indicator, rows))
    return cards


def _card(indicator: ClauseIndicator, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": indicator.key, "template": indicator.template, "title": indicator.title, "rows": rows}


# --- notices a person must act on ----------------------------------------------------------------------


def add_notice_handler(key: str, func: Callable[[str, dict[str, Any]], Any], *, order: int = 50) -> None:
    """Deliver the notices lower apps announce (anze.core.notices): `func(kind, facts)`, after the commit."""
    _check_key("notice handler", key)
    _put(_registry.notices, key, NoticeHandler(key=key, func=func, order=order))


def notice_handlers() -> list[NoticeHandler]:
    """The registered notice handlers, by order."""
    return _sorted(_registry.notices)


# --- health checks ------------------------------------------------------------------------------------


def add_health_check(key: str, func: Callable[[], dict[str, Any]], *, order: int = 50) -> None:
    """Add a part to `/healthz`: `func()` -> {"ok": bool, ...}."""
    _check_key("health check", key)
    _put(_registry.health, key, HealthCheck(key=key, func=func, order=order))


def health_checks() -> list[HealthCheck]:
    """The registered health checks, by order."""
    return _sorted(_registry.health)


# --- flags beside an enterprise ------------------------------------------------------------------------


def add_enterprise_badge(
    key: str, func: Callable[[Any, list[int]], dict[int, list[Badge]]], *, order: int = 50
) -> None:
    """Add flags shown beside enterprises: `func(user, enterprise_ids)` -> {enterprise_id: [Badge]}."""
    _check_key("enterprise badge", key)
    _put(_registry.badges, key, EnterpriseBadge(key=key, func=func, order=order))


def enterprise_badges() -> list[EnterpriseBadge]:
    """The registered enterprise badges, by order."""
    return _sorted(_registry.badges)


def badges_for_enterprises(user: Any, enterprise_ids: list[int]) -> dict[int, list[Badge]]:
    """Each enterprise's flags in badge order: {enterprise_id: [Badge, ...]}, only those with a flag."""
    flags: dict[int, list[Badge]] = {}
    if not enterprise_ids:
        return flags
    for entry in enterprise_badges():
        for enterprise_id, badges in (entry.func(user, list(enterprise_ids)) or {}).items():
            flags.setdefault(enterprise_id, []).extend(badges)
    return flags


# --- tests ---------------------------------------------------------------------------------------------


@contextmanager
def isolated(*, keep: bool = True) -> Iterator[None]:
    """Run a block whose registrations are undone after it (for tests that register their own); with
    `keep=False` the block starts with nothing registered."""
    global _registry
    saved = _registry
    _registry = (
        _Registry(
            nav=dict(saved.nav),
            panels=dict(saved.panels),
            demo=dict(saved.demo),
            jobs=dict(saved.jobs),
            indicators=dict(saved.indicators),
            notices=dict(saved.notices),
            health=dict(saved.health),
            badges=dict(saved.badges),
        )
        if keep
        else _Registry()
    )
    try:
        yield
    finally:
        _registry = saved
