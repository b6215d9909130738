"""The registry through which apps above core add navigation, home panels, demo steps, jobs and indicators."""

from __future__ import annotations

import pytest

from anze.core import registry
from anze.core.navigation import NavItem, NavSection


def test_each_reader_returns_entries_by_order_then_registration():
    with registry.isolated():
        registry.add_job("test.late", lambda now: None, order=90)
        registry.add_job("test.early", lambda now: None, order=-5)
        registry.add_job("test.also_early", lambda now: None, order=-5)

        keys = [job.key for job in registry.jobs() if job.key.startswith("test.")]

    assert keys == ["test.early", "test.also_early", "test.late"]


def test_registering_a_key_again_replaces_it_in_place():
    def first(*, stdout, now):
        return "first"

    def second(*, stdout, now):
        return "second"

    with registry.isolated():
        registry.add_demo_step("test.a", first, order=1000)
        registry.add_demo_step("test.b", first, order=1000)
        registry.add_demo_step("test.a", second, order=1000)

        steps = [step for step in registry.demo_steps() if step.key.startswith("test.")]

    assert [step.key for step in steps] == ["test.a", "test.b"]
    assert steps[0].func(stdout=None, now=None) == "second"


def test_isolated_undoes_its_registrations():
    with registry.isolated():
        registry.add_home_panel(
            registry.HomePanel(key="test.panel", template="x.html", context=lambda r: None)
        )
        assert "test.panel" in [panel.key for panel in registry.home_panels()]

    assert "test.panel" not in [panel.key for panel in registry.home_panels()]


def test_an_equal_navigation_section_is_added_once():
    section = NavSection("测试", (NavItem("首页", "core:home"),))
    with registry.isolated():
        registry.add_nav_section(section, order=1000)
        registry.add_nav_section(NavSection("测试", (NavItem("首页", "core:home"),)), order=1000)

        assert registry.nav_sections().count(section) == 1


def test_a_key_must_be_a_non_empty_string():
    with registry.isolated(), pytest.raises(ValueError, match="non-empty string key"):
        registry.add_job(" ", lambda now: None)


def test_a_home_panel_needs_a_callable_context():
    with registry.isolated(), pytest.raises(TypeError, match="context must be a callable"):
        registry.add_home_panel(registry.HomePanel(key="test.bad", template="x.html", context={}))  # type: ignore[arg-type]


@pytest.mark.django_db  # the apps' own indicators run beside the test's and read the database
def test_clause_indicators_come_per_clause_as_cards_in_order():
    with registry.isolated():
        registry.add_clause_indicator(
            "test.second", lambda user, ids: {1: [{"label": "b", "value": 2}]}, order=1001, title="B"
        )
        registry.add_clause_indicator(
            "test.first",
            lambda user, ids: {1: [{"label": "a", "value": 1}], 2: [{"label": "c", "value": 3}], 3: []},
            order=1000,
        )

        cards = registry.indicators_for_clauses(None, [1, 2, 3])
        together = registry.indicators_together(None, [1, 2, 3])

    assert [card["key"] for card in cards[1] if card["key"].startswith("test.")] == [
        "test.first",
        "test.second",
    ]
    assert cards[1][-1]["title"] == "B"
    assert cards[1][-2]["template"] == registry.DEFAULT_INDICATOR_TEMPLATE
    assert [row["label"] for row in cards[2][-1]["rows"]] == ["c"]
    assert 3 not in cards
    first = next(card for card in together if card["key"] == "test.first")
    assert [row["label"] for row in first["rows"]] == ["a", "c"]


@pytest.mark.django_db
def test_an_announced_notice_reaches_the_handlers_only_after_the_commit(django_capture_on_commit_callbacks):
    from anze.core import notices

    heard: list[tuple[str, dict]] = []
    with registry.isolated():
        registry.add_notice_handler("test.ears", lambda kind, facts: heard.append((kind, facts)))
        with django_capture_on_commit_callbacks() as callbacks:
            notices.announce("test.heard", occurrence_id=7)
            assert heard == []
        for callback in callbacks:
            callback()
    assert heard == [("test.heard", {"occurrence_id": 7})]


def test_the_navigation_merges_sections_of_the_same_label_in_the_first_ones_place():
    from anze.core.navigation import sections

    with registry.isolated(keep=False):
        registry.add_nav_section(NavSection("系统", (NavItem("接口文档", "api-docs"),)), order=99)
        registry.add_nav_section(NavSection("工作台", (NavItem("首页", "core:home"),)), order=0)
        registry.add_nav_section(NavSection("系统", (NavItem("用户与角色", "accounts:user_list"),)), order=90)

        merged = sections()

    assert [str(section.label) for section in merged] == ["工作台", "系统"]
    assert [item.url_name for item in merged[1].items] == ["accounts:user_list", "api-docs"]


def test_enterprise_badges_are_gathered_per_enterprise_in_order():
    with registry.isolated(keep=False):
        registry.add_enterprise_badge(
            "test.late", lambda user, ids: {ids[0]: [registry.Badge("乙")]}, order=9
        )
        registry.add_enterprise_badge(
            "test.early", lambda user, ids: {i: [registry.Badge("甲", "danger")] for i in ids}, order=1
        )

        flags = registry.badges_for_enterprises(None, [7, 8])
        nothing = registry.badges_for_enterprises(None, [])

    assert [b.label for b in flags[7]] == ["甲", "乙"] and [b.label for b in flags[8]] == ["甲"]
    assert nothing == {}
