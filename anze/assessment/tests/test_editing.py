"""Writing a scheme from the pages: the office creates it, names its bodies, writes its items and its veto rules;
others are answered 404 and change nothing; a wrong input is named next to its field; a published scheme is
frozen and revised into a new version instead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anze.assessment import errors, services
from anze.assessment.choices import BodyKind, ScoringMethod
from anze.assessment.models import AssessedBody, Item, Scheme, VetoRule
from anze.assessment.tests.conftest import YEAR, fresh, make_rule_set, make_scheme
from anze.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(org, alice):
    return make_scheme(alice, org, make_rule_set(alice, org["linyi"]))


def _actions(since: int) -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)[since:])


def _state(scheme: Scheme) -> tuple:
    """What a denied request must leave as it was."""
    scheme.refresh_from_db()
    return (
        scheme.name,
        scheme.pass_score,
        sorted(scheme.items.values_list("key", "title", "points", "method")),
        sorted(scheme.bodies.values_list("kind", "unit_id")),
        sorted(
            VetoRule.objects.filter(rule_set=scheme.veto_rule_set).values_list("key", "title", "at_least")
        ),
        AuditEvent.objects.filter(action__startswith="assessment.").count(),
    )


def test_the_office_writes_a_scheme_from_the_pages(org, alice, signed_in):
    client = fresh(signed_in, alice)
    assert "新建考核方案" in client.get(reverse("assessment:index")).content.decode()
    since = AuditEvent.objects.count()
    response = client.post(
        reverse("assessment:scheme_create"),
        {"region": org["linyi"].public_id, "year": 2026, "name": "2026年度考核细则", "pass_score": "60",
         "excellent_score": "90", "appeal_days": "10"},
    )  # fmt: skip
    scheme = Scheme.objects.get(year=2026)
    assert response.status_code == 302 and response.url == scheme.get_absolute_url()
    assert (scheme.version, scheme.name, scheme.appeal_days) == (1, "2026年度考核细则", 10)

    client.post(reverse("assessment:body_add", args=[scheme.public_id]),
                {"kind": BodyKind.COUNTY, "unit": org["lanshan_gov"].public_id, "order": "1"})  # fmt: skip
    client.post(reverse("assessment:body_add", args=[scheme.public_id]),
                {"kind": BodyKind.DEPARTMENT, "unit": org["city_transport"].public_id})  # fmt: skip
    client.post(
        reverse("assessment:item_add", args=[scheme.public_id]),
        {"key": "A", "title": "隐患按期销号", "points": "10", "method": ScoringMethod.BANDS,
         "fact": "prevention.hidden_dangers_on_time", "bands": "[[95, 10], [90, 8]]", "kinds": ["county"]},
    )  # fmt: skip
    client.post(
        reverse("assessment:item_add", args=[scheme.public_id]),
        {"key": "B", "title": "专题询问", "points": "20", "method": ScoringMethod.MANUAL, "criteria": "满意度"},
    )  # fmt: skip
    item = scheme.items.get(key="A")
    assert (item.points, item.bands, item.kinds, item.fact) == (
        10, [[95, 10], [90, 8]], ["county"], "prevention.hidden_dangers_on_time",
    )  # fmt: skip
    client.post(
        reverse("assessment:item_edit", args=[item.public_id]),
        {"key": "A", "title": "隐患按期销号率", "points": "12", "method": ScoringMethod.RATE,
         "fact": "prevention.hidden_dangers_on_time", "target": "95", "floor": "60"},
    )  # fmt: skip
    item.refresh_from_db()
    assert (item.title, item.points, item.method, item.target, item.bands, item.kinds) == (
        "隐患按期销号率", 12, ScoringMethod.RATE, 95, [], [],
    )  # fmt: skip
    client.post(reverse("assessment:item_remove", args=[scheme.items.get(key="B").public_id]))
    assert list(scheme.items.values_list("key", flat=True)) == ["A"]

    client.post(
        reverse("assessment:rule_set_create", args=[scheme.public_id]),
        {"name": "2026年度一票否决", "window_start": "2025-12-01", "window_end": "2026-11-30"},
    )
    scheme.refresh_from_db()
    assert scheme.veto_rule_set.window_start == dt.date(2025, 12, 1)
    client.post(
        reverse("assessment:rule_add", args=[scheme.public_id]),
        {"key": "V1", "title": "发生较大事故", "condition": "accidents", "grade": "larger", "at_least": "1",
         "kinds": ["county"], "outcome": "veto"},
    )  # fmt: skip
    rule = scheme.veto_rule_set.rules.get()
    client.post(
        reverse("assessment:rule_edit", args=[scheme.public_id, rule.public_id]),
        {"key": "V1", "title": "发生2起较大事故", "condition": "accidents", "grade": "larger", "at_least": "2",
         "outcome": "yellow"},
    )  # fmt: skip
    rule.refresh_from_db()
    assert (rule.title, rule.at_least, rule.outcome, rule.kinds) == ("发生2起较大事故", 2, "yellow", [])
    body = scheme.bodies.get(unit=org["city_transport"])
    client.post(reverse("assessment:body_remove", args=[body.public_id]))
    assert [b.unit for b in scheme.bodies.all()] == [org["lanshan_gov"]]
    client.post(reverse("assessment:rule_remove", args=[scheme.public_id, rule.public_id]))
    assert not VetoRule.objects.filter(pk=rule.pk).exists()

    assert _actions(since) == [
        "assessment.create_scheme", "assessment.add_body", "assessment.add_body", "assessment.add_item",
        "assessment.add_item", "assessment.edit_item", "assessment.remove_item", "assessment.create_rule_set",
        "assessment.add_rule", "assessment.edit_rule", "assessment.remove_body", "assessment.remove_rule",
    ]  # fmt: skip
    removed = AuditEvent.objects.get(action="assessment.remove_item")
    assert removed.before["title"] == "专题询问" and removed.actor_id == alice.pk


@pytest.mark.parametrize("persona", ["bob", "charlie", "dave"])
def test_only_the_office_writes_a_scheme_and_a_denied_request_changes_nothing(
    persona, scheme, org, request, signed_in
):
    user = request.getfixturevalue(persona)
    client = fresh(signed_in, user)
    item = scheme.items.get(key="A")
    rule = scheme.veto_rule_set.rules.get(key="V1")
    body = scheme.bodies.get(unit=org["luozhuang_emergency"])
    before = _state(scheme)
    page = client.get(scheme.get_absolute_url())
    assert page.status_code in (200, 404)
    if page.status_code == 200:
        assert "添加考核项目" not in page.content.decode() and "修改方案" not in page.content.decode()
    assert "新建考核方案" not in client.get(reverse("assessment:index")).content.decode()
    item_data = {"key": "Z", "title": "x", "points": "5", "method": "manual"}
    rule_data = {"key": "Z", "title": "x", "condition": "accidents", "grade": "general", "at_least": "1",
                 "outcome": "veto"}  # fmt: skip
    posts = [
        (reverse("assessment:scheme_create"), {"region": org["linyi"].public_id, "year": YEAR, "name": "x",
                                               "pass_score": "60", "appeal_days": "7"}),
        (reverse("assessment:scheme_edit", args=[scheme.public_id]), {"name": "x", "pass_score": "1",
                                                                       "appeal_days": "7"}),
        (reverse("assessment:scheme_revise", args=[scheme.public_id]), {"reason": "x"}),
        (reverse("assessment:body_add", args=[scheme.public_id]),
         {"kind": "county", "unit": org["luozhuang_gov"].public_id}),
        (reverse("assessment:body_remove", args=[body.public_id]), {}),
        (reverse("assessment:item_add", args=[scheme.public_id]), item_data),
        (reverse("assessment:item_edit", args=[item.public_id]), {**item_data, "key": "A"}),
        (reverse("assessment:item_remove", args=[item.public_id]), {}),
        (reverse("assessment:rule_set_create", args=[scheme.public_id]),
         {"name": "x", "window_start": "2025-01-01", "window_end": "2025-12-31"}),
        (reverse("assessment:rule_add", args=[scheme.public_id]), rule_data),
        (reverse("assessment:rule_edit", args=[scheme.public_id, rule.public_id]), {**rule_data, "key": "V1"}),
        (reverse("assessment:rule_remove", args=[scheme.public_id, rule.public_id]), {}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert _state(scheme) == before
    assert Scheme.objects.count() == 1
    with pytest.raises(errors.NotAllowedError):
        services.edit_item(actor=user, item=item, points=1)
    with pytest.raises(errors.NotAllowedError):
        services.remove_body(actor=user, body=body)
    with pytest.raises(errors.NotAllowedError):
        services.edit_rule(actor=user, rule=rule, at_least=9)
    assert _state(scheme) == before


def _errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_a_wrong_input_is_named_next_to_its_field_and_nothing_is_saved(scheme, org, alice, signed_in):
    from anze.org.models import Unit

    client = fresh(signed_in, alice)
    add_item = reverse("assessment:item_add", args=[scheme.public_id])
    before = _state(scheme)
    base = {"title": "新项目", "points": "10", "method": "rate", "fact": "duties.on_time_rate"}
    cases = [
        ({**base, "key": "A"}, "key", "编号“A”已在本方案中使用。"),
        ({**base, "key": "E", "points": "0"}, "points", "分值须大于0。"),
        ({**base, "key": "E", "fact": ""}, "fact", "请选择数据来源。"),
        ({**base, "key": "E", "method": "bands"}, "bands", "分档计分须填写分档，如 [[95, 10], [90, 8]]（达到95得10分，达到90得8分）。"),
        ({**base, "key": "E", "method": "bands", "bands": "[[95, 12]]"}, "bands", "分档得分12须在0到分值10之间。"),
        ({**base, "key": "E", "method": "bands", "bands": "95:10"}, "bands", "分档须写成 [[下限, 得分], …]，如 [[95, 10], [90, 8]]。"),
        ({**base, "key": "E", "target": "60", "floor": "80"}, "floor", "零分线须低于满分线。"),
        ({**base, "key": "E", "method": "deduction"}, "per", "按次计分须填写每次分值（大于0）。"),
        ({**base, "key": "E", "method": "deduction", "per": "2", "cap": "11"}, "cap", "扣分上限不能超过分值10。"),
    ]  # fmt: skip
    for data, field, message in cases:
        response = client.post(add_item, data)
        assert response.status_code == 200 and _errors(response, field) == [message], (data, field)
    elsewhere = Unit.objects.create(
        name="济南市应急管理局", region=org["shandong"], kind=org["city_emergency"].kind
    )
    response = client.post(
        reverse("assessment:body_add", args=[scheme.public_id]),
        {"kind": "county", "unit": elsewhere.public_id},
    )
    # Out of the scheme's region the unit is not even offered; the service says the same to another caller.
    assert _errors(response, "unit")
    with pytest.raises(errors.AssessmentError, match="不在本方案的区划（临沂市）内") as refused:
        services.add_body(actor=alice, scheme=scheme, kind=BodyKind.COUNTY, unit=elsewhere)
    assert refused.value.field == "unit"
    response = client.post(
        reverse("assessment:body_add", args=[scheme.public_id]), {"kind": "state_enterprise",
                                                                  "unit": org["city_transport"].public_id},
    )  # fmt: skip
    assert _errors(response, "enterprise") == ["市属国有企业须选择其企业档案（用于统计其事故）。"]
    response = client.post(
        reverse("assessment:rule_set_create", args=[scheme.public_id]),
        {"name": "x", "window_start": "2025-06-01", "window_end": "2025-05-31"},
    )
    assert _errors(response, "window_end") == ["统计期止须晚于统计期起。"]
    response = client.post(
        reverse("assessment:scheme_edit", args=[scheme.public_id]),
        {"name": "x", "pass_score": "60", "excellent_score": "50", "appeal_days": "7"},
    )
    assert _errors(response, "excellent_score") == ["优秀分不能低于合格分。"]
    assert _state(scheme) == before


def test_a_published_scheme_is_frozen_and_revised_into_a_new_version(scheme, org, alice, signed_in):
    run = services.compute_results(actor=alice, scheme=scheme, as_of=dt.date(2025, 11, 30))
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    client = fresh(signed_in, alice)
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert "修订方案（新版本）" in page and "添加考核项目" not in page
    item = scheme.items.get(key="A")
    before = _state(scheme)
    with pytest.raises(errors.TransitionError) as refused:
        services.edit_item(actor=alice, item=item, points=30)
    assert (
        refused.value.message_zh.startswith("本方案第1版考核结果已于")
        and "修订方案" in refused.value.message_zh
    )
    with pytest.raises(errors.TransitionError, match="不能再调整考核对象"):
        services.remove_body(actor=alice, body=scheme.bodies.first())
    with pytest.raises(errors.TransitionError, match="使用本规则集的考核结果已发布并冻结"):
        services.edit_rule(actor=alice, rule=scheme.veto_rule_set.rules.first(), at_least=5)
    response = client.post(
        reverse("assessment:item_edit", args=[item.public_id]),
        {"key": "A", "title": "x", "points": "30", "method": "rate", "fact": "duties.on_time_rate"},
    )
    assert response.status_code == 200 and "发布并冻结" in str(response.context["form"].non_field_errors())
    response = client.post(
        reverse("assessment:body_remove", args=[scheme.bodies.first().public_id]), follow=True
    )
    assert "发布并冻结" in response.content.decode()
    assert _state(scheme) == before

    assert _errors(client.post(reverse("assessment:scheme_revise", args=[scheme.public_id]), {"reason": " "}),
                   "reason")  # fmt: skip
    response = client.post(
        reverse("assessment:scheme_revise", args=[scheme.public_id]), {"reason": "增加专项整治项目"}
    )
    new = Scheme.objects.get(version=2)
    assert response.url == new.get_absolute_url() and new.reason == "增加专项整治项目"
    assert sorted(new.items.values_list("key", flat=True)) == ["A", "B", "C", "D"]
    services.edit_item(actor=alice, item=new.items.get(key="A"), points=30)
    assert Item.objects.get(scheme=new, key="A").points == 30 and Item.objects.get(pk=item.pk).points == 40
    assert AssessedBody.objects.filter(scheme=new).count() == 3
