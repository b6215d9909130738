"""What an auditor reads: actions, objects and changed values in words, in local time."""

from __future__ import annotations

import datetime as dt

import pytest

from anze.audit.actions import action_label, display_value
from anze.audit.filters import object_type_choices

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("org.unit.create", "新建单位"),
        ("prevention.close_hidden_danger", "关闭隐患"),
        ("prevention.create_band_table", "新建风险分级标准"),
        ("public.verify_tip", "核实举报"),
        ("public.approve_reward", "批准举报奖励"),
        ("prevention.accept_rectification", "验收隐患整改"),
        ("duties.duty.confirm", "确认职责"),
        ("supervision.case.open", "启动督办案件"),
    ],
)
def test_action_codes_read_as_words(code, label):
    assert action_label(code) == label


def test_an_unknown_code_is_shown_as_it_is_not_guessed():
    assert action_label("nothing.like_this") == "nothing.like_this"
    assert action_label("org.unit.frobnicate") == "org.unit.frobnicate"


def test_a_status_change_shows_the_labels_not_the_codes():
    assert display_value("duties.duty", "status", "confirmed") == "已确认"
    assert display_value("duties.duty", "status", "draft") == "待确认"


def test_a_reference_shows_the_records_name(org):
    unit = org["city_emergency"]
    assert display_value("org.unit", "region", org["linyi"].pk) == str(org["linyi"])
    assert display_value("org.unit", "region", None) == "—"
    assert display_value("org.unit", "region", 999999) == "999999"
    assert str(unit)  # the unit exists and has a name


def test_times_are_local_and_lists_are_lists(settings):
    moment = dt.datetime(2026, 12, 2, 13, 53, tzinfo=dt.UTC).isoformat()
    assert display_value("org.unit", "updated_at", moment) == "2026-12-02 21:53"
    assert display_value("org.unit", "aliases", ["市应急局", "应急局"]) == "市应急局、应急局"
    assert display_value("org.unit", "nothing", True) == "是"
    assert display_value("org.unit", "nothing", {"a": 1}) == "a：1"


def test_object_types_name_their_area_in_words():
    labels = dict(object_type_choices())
    assert labels["org.unit"] == "单位（组织机构）"
    assert all("（" in label and not label.endswith("（org）") for label in labels.values())


def test_every_model_has_a_chinese_name_for_the_auditors_pages():
    import re

    from django.apps import apps

    english = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("anze.") and not re.search(r"[\u4e00-\u9fff]", str(m._meta.verbose_name))
    ]
    assert english == []
