"""Plan cascade (上下贯通): a city plan's clauses linked to the province plan's clauses they implement."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from anze.audit.models import AuditEvent
from anze.plans import cascade
from anze.plans.models import Clause, ClauseLink
from anze.plans.services import import_plan, parse_document

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def pair(org):
    """The province plan and the city plan written for these tests, imported in their regions."""

    def imported(name: str, region):
        upload = parse_document((DATA / name).read_bytes(), name)
        return import_plan(upload, actor=None, region=region, check_permission=False).plan

    return imported("cascade-province.txt", org["shandong"]), imported("cascade-city.txt", org["linyi"])


def clause_of(plan, key: str) -> Clause:
    return Clause.objects.get(version=plan.current_version, key=key)


def test_text_similarity_suggests_the_upper_clause_each_lower_clause_implements(pair):
    province, city = pair

    suggestions = cascade.suggest_links(cascade.current_clauses(city), cascade.current_clauses(province))

    best = {clause_of(city, key).pk: key for key in ("1.1", "2.1", "3.1", "4.1")}
    top = {best[pk]: (found[0].upper.key if found else None) for pk, found in suggestions.items()}
    assert top == {"1.1": "1.1", "2.1": "3.1", "3.1": "4.1", "4.1": None}


def test_the_office_confirms_a_link_and_it_is_audited(pair, alice, signed_in):
    province, city = pair
    client = signed_in(alice)
    lower, upper = clause_of(city, "2.1"), clause_of(province, "3.1")

    response = client.post(
        reverse("plans:cascade_link", args=[city.public_id]),
        {"lower": str(lower.public_id), "upper": str(upper.public_id)},
    )

    assert response.status_code == 302
    link = ClauseLink.objects.get()
    assert (link.lower, link.upper, link.created_by) == (lower, upper, alice)
    event = AuditEvent.objects.latest("id")
    assert event.action == "plans.clauselink.create" and event.after["upper"].endswith("3.1")
    again = client.post(
        reverse("plans:cascade_link", args=[city.public_id]),
        {"lower": str(lower.public_id), "upper": str(upper.public_id)},
    )
    assert again.status_code == 302 and ClauseLink.objects.count() == 1


def test_the_page_lists_upper_clauses_with_no_counterpart_and_lower_clauses_implementing_nothing(
    pair, alice, signed_in
):
    province, city = pair
    for lower, upper in (("1.1", "1.1"), ("2.1", "3.1"), ("3.1", "4.1")):
        cascade.link_clauses(lower=clause_of(city, lower), upper=clause_of(province, upper), actor=alice)
    client = signed_in(alice)

    page = client.get(reverse("plans:plan_cascade", args=[city.public_id]))

    report = page.context["report"]
    assert page.context["upper"] == province  # the plan of the region above is chosen by default
    assert [c.key for c in report["upper_without_lower"]] == ["2.1", "5.1"]
    assert [c.key for c in report["lower_without_upper"]] == ["4.1"]
    assert report["counts"] == {
        "lower": 4,
        "upper": 5,
        "links": 3,
        "upper_without_lower": 2,
        "lower_without_upper": 1,
    }
    html = page.content.decode()
    assert "开展渔业船舶安全专项整治" in html and "开展沂河、沭河河道采砂场安全检查" in html


def test_a_link_is_undone_with_an_audit_event(pair, alice, signed_in):
    province, city = pair
    link = cascade.link_clauses(lower=clause_of(city, "1.1"), upper=clause_of(province, "1.1"), actor=alice)

    signed_in(alice).post(
        reverse("plans:cascade_unlink", args=[city.public_id]), {"link": str(link.public_id)}
    )

    assert not ClauseLink.objects.exists()
    assert AuditEvent.objects.latest("id").action == "plans.clauselink.delete"


def test_who_may_not_change_the_plan_links_nothing(pair, bob, dave, signed_in):
    province, city = pair
    for user in (bob, dave):
        client = signed_in(user)
        response = client.post(
            reverse("plans:cascade_link", args=[city.public_id]),
            {
                "lower": str(clause_of(city, "1.1").public_id),
                "upper": str(clause_of(province, "1.1").public_id),
            },
        )
        assert response.status_code in (403, 404)
    assert not ClauseLink.objects.exists()
