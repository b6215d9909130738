"""No 越权 / IDOR (等保 L3-CES1-09, ASVS 4.2.1): every route that takes an object id × persona × an object of
another county or unit. The answer is never 200: 403, 404 or a redirect to sign-in (405 where the route does
not accept the method), and nothing changes.

bob is the 兰山区 county office, charlie the 罗庄区应急管理局 unit user. Reference data that every internal
user may read (Scope.internal_view) is left out of the GET pool only; writes to it are tried like the rest.
The pool holds a real object of every app for each persona (plans, duties, supervision, enterprises,
prevention, tips), and test_the_pool_resolves proves that the office reaches each of them by some route.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import SlugConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

from anze.accounts.roles import Role
from conftest import make_user

pytestmark = pytest.mark.django_db

ALLOWED = {403, 404, 405}
SKIP_PREFIXES = ("admin:",)
# Audit actions that a refused request may write (the refusal itself); anything else means a change.
REFUSAL_ACTIONS = ("access.denied", "auth.")


def _walk(patterns: list[Any], namespace: str = "") -> Any:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


# Route arguments that are not ids but must be valid for the view to reach its lookup, by route name
# ("kind" of an enterprise record is taken from the object itself, see _slug).
SLUGS = {
    "prevention:hidden_danger_action": {"action": "register"},
    "tips:reward_action": {"action": "approve"},
    "enforcement:accident_action": {"action": "misreport"},
    "enforcement:draw_action": {"action": "draw"},
    "enforcement:inspection_action": {"action": "finding"},
    "enforcement:listing_action": {"action": "notify"},
}
ID_NAMES = ("public_id", "pk", "id")


def _id_kwargs(pattern: URLPattern) -> list[str] | None:
    """The names of the pattern's object-id arguments (and known slugs), or None when it takes anything else."""
    if isinstance(pattern.pattern, RoutePattern):
        converters = pattern.pattern.converters
        ids = [name for name, c in converters.items() if isinstance(c, UUIDConverter)]
        slugs = [name for name, c in converters.items() if isinstance(c, SlugConverter)]
        if not ids or len(ids) + len(slugs) != len(converters):
            return None
        return list(converters)
    names = list(pattern.pattern.regex.groupindex)
    if not names or "format" in names:
        return None
    # DRF routers name the lookup "id" (lookup_url_kwarg) while it matches public_id (lookup_field).
    if not all(name in ID_NAMES or name.endswith("public_id") for name in names):
        return None
    return names


def id_routes() -> list[tuple[str, list[str]]]:
    routes: dict[str, list[str]] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith(SKIP_PREFIXES):
            continue
        kwargs = _id_kwargs(pattern)
        if kwargs and name not in routes:
            routes[name] = kwargs
    return sorted(routes.items())


def _route_apps() -> dict[str, set[str] | None]:
    """For each route, the apps whose models the code of the route's app refers to (None: all of them).

    A view can only look up an object of a model its app's code reaches, so an object of any other app
    cannot be served by that route whatever its id. Requesting only those objects keeps the test at a
    minute or two. The set comes from reading the app's source (every `anze.<app>` it names, lazy imports
    included, tests excluded), so a new reference widens it without anyone keeping a list.
    """
    labels = {config.name.removeprefix("anze."): config.label for config in django_apps.get_app_configs()}
    reach: dict[str, set[str]] = {}
    found: dict[str, set[str] | None] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        parts = (getattr(pattern.callback, "__module__", "") or "").split(".")
        if len(parts) < 2 or parts[0] != "anze" or parts[1] not in labels:
            found.setdefault(name, None)
            continue
        package = parts[1]
        if package not in reach:
            named = {package}
            root = Path(django_apps.get_app_config(labels[package]).path)
            for path in root.rglob("*.py"):
                if "tests" not in path.relative_to(root).parts:
                    named |= set(re.findall(r"\banze\.(\w+)", path.read_text(encoding="utf-8")))
            reach[package] = {labels[n] for n in named if n in labels}
        found.setdefault(name, reach[package])
    return found


def _slug(name: str, key: str, obj: Any) -> str | None:
    if key == "kind":
        from anze.enterprises.forms import RECORD_KINDS

        kinds = [kind for kind, (model, _form) in RECORD_KINDS.items() if isinstance(obj, model)]
        return kinds[0] if kinds else next(iter(RECORD_KINDS))
    return SLUGS.get(name, {}).get(key)


def _url(name: str, kwargs: list[str], obj: Any) -> str | None:
    values = {}
    for key in kwargs:
        is_id = key in ID_NAMES or key.endswith(("public_id", "_id"))
        values[key] = str(obj.public_id) if is_id else _slug(name, key, obj)
    if None in values.values():
        return None
    try:
        return reverse(name, kwargs=values)
    except Exception:  # noqa: BLE001 - a pattern whose id is not a public_id (e.g. an int pk)
        return None


def _photo() -> bytes:
    from anze.prevention.tests.factories import jpeg_bytes

    return jpeg_bytes()


def _work_objects(region: Any, unit: Any, *, office: Any, unit_user: Any) -> list[Any]:
    """One object of every newer app for `unit` in `region` (its county): plans, duties, supervision,
    enterprises, prevention and tips, each as cheap as its tests build it."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from anze.duties.models import Evidence, Occurrence, Report
    from anze.duties.tests.factories import make_clause, make_duty
    from anze.enterprises.tests import factories as records
    from anze.enterprises.tests.factories import make_enterprise
    from anze.plans.importing import sm3_hex
    from anze.plans.services import stage_import
    from anze.plans.tests.factories import clause, small_plan, upload_of
    from anze.prevention.services import add_photo, create_risk_point
    from anze.prevention.tests.factories import report
    from anze.public.services import assign_tip, propose_reward, submit_tip, verify_tip
    from anze.supervision.models import ExtensionRequest
    from anze.supervision.services import open_case

    # plans: a plan of the county (readable by every insider) and an import staged for it
    duty_clause = make_clause(region, [unit])
    plan = duty_clause.version.plan
    staged = stage_import(
        upload_of(small_plan(clause(f"{region.name}加强安全生产工作。"), title=f"{region.name}方案")),
        actor=office,
        region=region,
    )
    # duties: a confirmed duty, the unit's occurrence, its report with one evidence file
    duty = make_duty(duty_clause)
    occurrence = Occurrence.objects.create(
        duty=duty, unit=unit, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31),
        due_on=dt.date(2026, 3, 31),
    )  # fmt: skip
    work = Report.objects.create(
        occurrence=occurrence, number=1, text="召开了安全形势分析会。", evidence_on=dt.date(2026, 3, 30),
        submitted_by=unit_user, submitted_at=dt.datetime(2026, 3, 30, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    content = b"%PDF-1.7\n%%EOF\n"
    path = default_storage.save(f"evidence/{occurrence.public_id}.pdf", ContentFile(content))
    evidence = Evidence.objects.create(
        report=work, sm3=sm3_hex(content), file=path, original_name="纪要.pdf", content_type="application/pdf",
        size=len(content), uploaded_by=unit_user,
    )  # fmt: skip
    # supervision: an open case against the unit and its pending extension request
    case = open_case(actor=None, unit=unit, title="季度分析会未召开", deadline=dt.date(2026, 6, 30))
    extension = ExtensionRequest.objects.create(
        case=case, reason="等待材料", current_deadline=case.deadline, requested_deadline=dt.date(2026, 7, 31),
        requested_by=unit_user,
    )  # fmt: skip
    # enterprises: an enterprise supervised by the unit, with one record of every kind
    enterprise = make_enterprise(region, supervising_unit=unit, name=f"{region.name}测试化工")
    day = dt.date(2025, 1, 6)
    kept = [
        records.area(enterprise),
        records.director(enterprise, day),
        records.committee(enterprise, day),
        records.add(records.CommitteeMeeting, enterprise, held_on=day, topic="季度例会"),
        records.policy(enterprise, day, day.replace(year=2026), persons=10),
        records.plan(enterprise, day, None),
        records.drill(enterprise, day),
        records.rescue(enterprise, day),
    ]
    # prevention: a risk point and a hidden danger of the enterprise, with a photo
    point = create_risk_point(
        actor=office, enterprise=enterprise, name="液氨储罐区", hazard_factors="泄漏", controls="检测报警",
        responsible_person="王五", method="lec", lec_likelihood=Decimal(6), lec_exposure=Decimal(6),
        lec_consequence=Decimal(15), control_level="company", assessed_on=dt.date(2026, 3, 1),
        reassess_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    danger = report(enterprise, office)
    photo = add_photo(actor=office, hd=danger, stage="found", data=_photo())
    # tips: a real-name tip with a photo, and a verified one with a proposed reward (a published disclosure
    # is public by design, public:disclosure_detail, so none is pooled)
    identity = {"name": "李举报", "phone": "13912345678", "id_number": "37130219800101123X"}
    tip, _code = submit_tip(
        kind="hidden_danger", region=region, subject="测试化工", place="罐区", description="无检测报警",
        photos=[_photo()], identity=identity,
    )  # fmt: skip
    assign_tip(actor=office, tip=tip, unit=unit)
    rewarded, _code = submit_tip(
        kind="hidden_danger", region=region, subject="测试化工", place="仓库", description="堵塞安全出口"
    )
    assign_tip(actor=office, tip=rewarded, unit=unit)
    verify_tip(actor=unit_user, tip=rewarded, founded=True, note="属实")
    reward = propose_reward(actor=office, tip=rewarded, fine=Decimal(50000))
    tip.refresh_from_db()
    # enforcement: an accident of the enterprise and one of its tracked steps
    from anze.enforcement.tests.factories import accident

    crash = accident(office, enterprise=enterprise, deaths=3)
    # enforcement: the unit's approved inspection plan (a draw is public by design, so none is pooled)
    from anze.enforcement import services as enforcement

    inspection_plan = enforcement.create_plan(actor=office, department=unit, region=region, year=2026, title="检查计划")
    enforcement.set_sector_share(actor=office, plan=inspection_plan, name="全部行业", ratios={"B": "1"})
    enforcement.add_item(actor=office, plan=inspection_plan, code="01", title="许可证", basis="条例")
    enforcement.approve_plan(actor=office, plan=inspection_plan)
    officers = [
        enforcement.add_inspector(
            actor=office, name=f"执法{n}", certificate=f"{region.code}-{n}", department=unit, region=region
        )
        for n in range(2)
    ]
    inspection = enforcement.schedule_inspection(
        actor=office, enterprise=enterprise, department=unit, inspectors=officers, scheduled_on=dt.date(2026, 3, 2)
    )
    finding = enforcement.add_finding(
        actor=office, inspection=inspection, kind="violation", description="未培训", rectify_by=dt.date(2026, 12, 31)
    )
    decision = enforcement.decide_penalty(
        actor=office, decision_number=f"{region.name}罚1号", department=unit, party_kind="unit",
        party_name=enterprise.name, facts="未培训", legal_basis="安全生产法", penalty_type="warning",
        decided_on=dt.date(2026, 3, 2), enterprise=enterprise,
    )  # fmt: skip
    enforcement.record_misreport(
        actor=office, accident=crash, kind="concealed", found_on=dt.date(2026, 3, 2), description="隐瞒"
    )
    enforcement.propose_listings(actor=office)
    proposal = crash.enterprise.listings.get()
    return [
        crash, crash.steps.first(), inspection_plan, inspection, finding, decision, proposal,
        plan, plan.current_version, duty_clause, staged, duty, occurrence, work, evidence, case, extension,
        enterprise, *kept, point, danger, photo, tip, tip.photos.get(), reward,
    ]  # fmt: skip


def _other_unit_objects(region: Any, unit: Any) -> list[Any]:
    """Work of another unit in the same county: its occurrence and case, and a tip not yet assigned."""
    from anze.duties.models import Occurrence
    from anze.duties.tests.factories import make_clause, make_duty
    from anze.public.services import submit_tip
    from anze.supervision.services import open_case

    duty = make_duty(make_clause(region, [unit]))
    occurrence = Occurrence.objects.create(
        duty=duty, unit=unit, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31),
        due_on=dt.date(2026, 3, 31),
    )  # fmt: skip
    case = open_case(actor=None, unit=unit, title="安全形势分析会未召开", deadline=dt.date(2026, 6, 30))
    tip, _code = submit_tip(
        kind="hidden_danger", region=region, subject="罗庄某厂", place="车间", description="消防通道堵塞"
    )
    return [occurrence, case, tip]


@pytest.fixture
def pool(org, alice, bob, charlie, settings, tmp_path):
    """Objects outside bob's county (兰山区) and outside charlie's unit (罗庄区应急管理局): for bob, those of
    罗庄区 and its 应急管理局; for charlie, those of 兰山区 and of 罗庄区政府 (his county, another unit)."""
    from anze.enterprises.tests.factories import load_reference
    from anze.org.tests.factories import CommitteeFactory, PersonFactory, PostFactory, UnitGroupFactory

    settings.MEDIA_ROOT = str(tmp_path / "media")
    luozhuang, lanshan = org["luozhuang"], org["lanshan"]
    other_user = make_user("zhang", (Role.UNIT, {"unit": org["luozhuang_gov"]}))
    lanshan_user = make_user("lena", (Role.UNIT, {"unit": org["lanshan_emergency"]}))
    rule_set = load_reference(org["linyi"])
    reference = [rule_set, rule_set.rules.first()]
    objects = {
        "bob": [
            org["luozhuang_emergency"],
            org["luozhuang_gov"],
            luozhuang,
            PersonFactory(region=luozhuang),
            UnitGroupFactory(region=luozhuang),
            CommitteeFactory(region=luozhuang),
            PostFactory(unit=org["luozhuang_gov"]),
            charlie,
            other_user,
            alice,
            *reference,
            *_work_objects(luozhuang, org["luozhuang_emergency"], office=alice, unit_user=charlie),
        ],
        "charlie": [
            org["luozhuang_gov"],
            org["lanshan_emergency"],
            lanshan,
            PersonFactory(region=lanshan),
            UnitGroupFactory(region=lanshan),
            CommitteeFactory(region=lanshan),
            PostFactory(unit=org["lanshan_emergency"]),
            bob,
            other_user,
            alice,
            *reference,
            *_work_objects(lanshan, org["lanshan_emergency"], office=alice, unit_user=lanshan_user),
            *_other_unit_objects(luozhuang, org["luozhuang_gov"]),
        ],
    }
    return objects


def _readable_by_every_insider(obj: Any) -> bool:
    scope = getattr(type(obj), "scope", None)
    return bool(scope and scope.internal_view)


def _fingerprint(objects: list[Any]) -> dict[Any, Any]:
    state = {}
    for obj in objects:
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        state[(type(obj).__name__, obj.pk)] = (
            None if fresh is None else repr(sorted(model_to_dict(fresh).items()))
        )
    return state


def _changes() -> int:
    from anze.audit.models import AuditEvent

    events = AuditEvent.objects.all()
    for prefix in REFUSAL_ACTIONS:
        events = events.exclude(action__startswith=prefix)
    return events.count()


def _clients(user: Any) -> tuple[Client, Client]:
    from rest_framework.authtoken.models import Token

    page = Client()
    page.force_login(user)
    token = Token.objects.create(user=user)
    api = Client(headers={"Authorization": f"Token {token.key}"})
    return page, api


def _acceptable(response: Any) -> bool:
    if response.status_code in ALLOWED:
        return True
    return response.status_code == 302 and reverse("accounts:login") in response.get("Location", "")


def test_there_are_id_routes_to_check():
    names = {name for name, _ in id_routes()}
    assert {"org:unit_detail", "org:unit_update", "api:unit-detail"} <= names, sorted(names)
    reachable = _route_apps()
    assert {"duties", "plans", "org"} <= reachable["duties:occurrence_detail"]
    assert {"prevention", "enterprises"} <= reachable["api:hidden-danger-detail"] or {
        "prevention",
        "enterprises",
    } <= reachable["prevention:hidden_danger_detail"]
    assert "org" in reachable["api:unit-detail"]


@pytest.mark.parametrize("persona", ["bob", "charlie"])
@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_no_route_serves_or_changes_another_areas_object(persona, method, pool, request):
    user = request.getfixturevalue(persona)
    page, api = _clients(user)
    objects = pool[persona]
    if method == "get":
        objects = [obj for obj in objects if not _readable_by_every_insider(obj)]
    before, changes = _fingerprint(pool[persona]), _changes()
    problems = []
    reachable = _route_apps()
    for name, kwargs in id_routes():
        is_api = name.startswith("api:")
        if method == "patch" and not is_api:
            continue
        client = api if is_api else page
        apps = reachable.get(name)
        for obj in objects:
            if apps is not None and obj._meta.app_label not in apps:
                continue
            url = _url(name, kwargs, obj)
            if url is None:
                continue
            if method == "get":
                response = client.get(url)
            elif is_api:
                response = getattr(client, method)(url, data={}, content_type="application/json")
            else:
                response = client.post(url, data={})
            if not _acceptable(response):
                problems.append(f"{method.upper()} {url} ({name}) as {persona} → {response.status_code}")
    assert not problems, "\n".join(problems)
    assert _fingerprint(pool[persona]) == before
    assert _changes() == changes


# The route that shows each pooled model of the newer apps to someone in scope (enterprise records by their
# edit page, a proposed reward by approving it).
SHOWN_BY = {
    "Plan": "plans:plan_detail",
    "PlanVersion": "api:planversion-detail",
    "Clause": "api:clause-detail",
    "PlanImport": "plans:import_preview",
    "Duty": "duties:duty_detail",
    "Occurrence": "duties:occurrence_detail",
    "Report": "api:report-detail",
    "Evidence": "duties:evidence_download",
    "Case": "supervision:case_detail",
    "ExtensionRequest": "api:supervision-extension-detail",
    "Enterprise": "enterprises:enterprise_detail",
    "RuleSet": "enterprises:ruleset_detail",
    "Rule": "enterprises:rule_edit",
    "RiskPoint": "prevention:risk_point_detail",
    "HiddenDanger": "prevention:hidden_danger_detail",
    "HiddenDangerPhoto": "prevention:photo_download",
    "Tip": "tips:tip_detail",
    "TipPhoto": "tips:tip_photo",
}
NEWER_APPS = ("plans", "duties", "supervision", "enterprises", "prevention", "public")


def test_the_pool_resolves(pool, alice, org):
    """The city office reaches every pooled object of the newer apps through its route: the ids the test
    above requests are real objects, so a missing scope check there would answer 200 and be caught."""
    from anze.enterprises.models import EnterpriseRecord
    from anze.public.choices import RewardStatus
    from anze.public.models import Reward

    page, api = _clients(alice)
    routes = dict(id_routes())
    approver = make_user("olivia", (Role.OFFICE, {"region": org["linyi"]}))  # not the reward's proposer
    approving, _api = _clients(approver)
    unreached = []
    for persona in ("bob", "charlie"):
        for obj in pool[persona]:
            if obj._meta.app_label not in NEWER_APPS:
                continue
            if isinstance(obj, Reward):
                url = _url("tips:reward_action", routes["tips:reward_action"], obj)
                approving.post(url)
                obj.refresh_from_db()
                if obj.status != RewardStatus.APPROVED:
                    unreached.append(f"POST {url} did not approve {obj!r}")
                continue
            name = (
                "enterprises:record_edit"
                if isinstance(obj, EnterpriseRecord)
                else SHOWN_BY.get(type(obj).__name__)
            )
            if name is None:
                unreached.append(f"{type(obj).__name__}: add the route that shows it to SHOWN_BY")
                continue
            url = _url(name, routes[name], obj)
            response = (api if name.startswith("api:") else page).get(url)
            if response.status_code != 200:
                unreached.append(f"GET {url} ({name}) as alice → {response.status_code}")
    assert not unreached, "\n".join(unreached)


READ_ONLY_PAGES = (
    "duties:duty_detail", "duties:occurrence_detail", "prevention:hidden_danger_detail", "tips:tip_detail",
    "enterprises:ruleset_detail",
)  # fmt: skip


def test_detail_pages_refuse_writes_even_in_scope(pool, alice):
    """A page that only shows an object answers a POST with 405, even to someone who may see it."""
    page, _api = _clients(alice)
    routes = dict(id_routes())
    answers = {}
    for name in READ_ONLY_PAGES:
        model = next(m for m, route in SHOWN_BY.items() if route == name)
        obj = next(o for o in pool["bob"] if type(o).__name__ == model)
        url = _url(name, routes[name], obj)
        answers[name] = (page.get(url).status_code, page.post(url).status_code)
    assert answers == {name: (200, 405) for name in READ_ONLY_PAGES}
