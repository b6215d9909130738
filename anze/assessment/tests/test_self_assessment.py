"""Self-assessment: 罗庄区应急局 scores itself item by item with evidence files, submits the whole (locked), the
office returns one item which is submitted again; once the office's result is published the two stand side by
side item by item, with the differences and the totals. Others may not write it, and a refused request
changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anze.assessment import errors, services
from anze.assessment.models import Entry, EntryEvidence, SelfAssessment
from anze.assessment.tests.conftest import fresh
from anze.audit.models import AuditEvent
from anze.duties.tests.test_reports import PDF

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 11, 30)


def _pdf(name: str = "询问记录.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _state(body) -> tuple:
    return (
        sorted(Entry.objects.filter(body=body).values_list("item__key", "score", "status")),
        EntryEvidence.objects.filter(entry__body=body).count(),
        SelfAssessment.objects.filter(body=body).count(),
        AuditEvent.objects.filter(action__startswith="assessment.").count(),
    )


def _rows(page) -> dict[str, tuple]:
    return {r["item"].key: (r["own"], r["office"], r["difference"]) for r in page.context["compared"]["rows"]}


def test_a_body_assesses_itself_submits_locked_and_sees_the_office_beside_it(year, alice, charlie, signed_in):
    body, items = year["luozhuang"], year["items"]
    url = reverse("assessment:body_entries", args=[body.public_id])
    unit = fresh(signed_in, charlie)
    assert unit.get(reverse("assessment:my_self_assessments")).context["bodies"][0] == body

    def enter(key, score, note="已完成。", **files):
        return unit.post(url, {"item": items[key].public_id, "score": score, "note": note, **files})

    assert enter("B", "20").status_code == 302
    # The whole cannot go before every item has its score.
    response = unit.post(reverse("assessment:body_submit", args=[body.public_id]), follow=True)
    assert "以下项目尚未自评：C 生产安全事故、D 人大专题询问" in response.content.decode()
    assert enter("C", "20").status_code == 302
    refused = enter("D", "15")
    assert refused.context["form"].errors["files"] == ["填报评分的项目须上传佐证材料。"]
    disguised = SimpleUploadedFile(
        "记录.pdf", b"<html><script>x</script></html>", content_type="application/pdf"
    )
    refused = enter("D", "15", files=disguised)
    assert "不是允许的类型" in refused.context["form"].errors["files"][0]
    assert not Entry.objects.filter(body=body, item=items["D"]).exists()
    assert enter("D", "15", files=[_pdf(), _pdf("满意度测评.pdf")]).status_code == 302
    (first, second) = EntryEvidence.objects.filter(entry__item=items["D"], entry__body=body).order_by("id")
    assert (first.original_name, second.original_name, first.content_type) == (
        "询问记录.pdf", "满意度测评.pdf", "application/pdf",
    )  # fmt: skip
    assert unit.get(first.get_absolute_url()).getvalue() == PDF

    response = unit.post(reverse("assessment:body_submit", args=[body.public_id]), {"note": "全年工作总结"})
    whole = SelfAssessment.objects.get(body=body)
    # A 40 (entered by the fixture) + B 20 + C 20 + D 15.
    assert (whole.total, whole.note, whole.submitted_by) == (Decimal("95.00"), "全年工作总结", charlie)
    (event,) = AuditEvent.objects.filter(action="assessment.submit_self_assessment")
    assert (event.after["total"], event.after["entries"], event.actor_id) == ("95.00", 4, charlie.pk)
    # Locked: no form to change an item, and the service refuses.
    locked = _state(body)
    assert unit.get(url).context["form"] is None
    assert enter("B", "10").status_code == 404
    with pytest.raises(errors.TransitionError, match="报送并锁定"):
        services.submit_entry(actor=charlie, body=body, item=items["B"], score=10, note="改")
    with pytest.raises(errors.TransitionError, match="已报送并锁定"):
        services.submit_self_assessment(actor=charlie, body=body)
    assert _state(body) == locked

    # The office returns C; only C may be submitted again, and the declared total follows it.
    office = fresh(signed_in, alice)
    entry_c = Entry.objects.get(body=body, item=items["C"])
    office.post(
        reverse("assessment:entry_review", args=[entry_c.public_id]),
        {"accept": "0", "note": "有一起较大事故"},
    )
    unit = fresh(signed_in, charlie)
    assert [i.key for i in unit.get(url).context["form"].fields["item"].queryset] == ["C"]
    assert enter("C", "10", note="扣除一起事故").status_code == 302
    whole.refresh_from_db()
    assert whole.total == Decimal("85.00")

    # The office's draft stays with the office; the published result stands beside the self-assessment.
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    assert unit.get(url).context["compared"]["office_total"] is None
    assert fresh(signed_in, alice).get(url).context["compared"]["office_total"] == Decimal("70.00")
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    page = fresh(signed_in, charlie).get(url)
    # The office's 70: A 40, B 20, C 10 (one accident), D 0 (the entry was never accepted).
    assert _rows(page) == {
        "A": (Decimal("40.00"), Decimal("40.00"), Decimal("0.00")),
        "B": (Decimal("20.00"), Decimal("20.00"), Decimal("0.00")),
        "C": (Decimal("10.00"), Decimal("10.00"), Decimal("0.00")),
        "D": (Decimal("15.00"), Decimal("0.00"), Decimal("15.00")),
    }
    compared = page.context["compared"]
    assert (compared["own_total"], compared["office_total"], compared["difference"], compared["differing"]) == (
        Decimal("85.00"), Decimal("70.00"), Decimal("15.00"), 1,
    )  # fmt: skip
    assert 'id="item-D" class="table-warning"' in page.content.decode()
    result = run.results.get(body=body)
    assert (
        reverse("assessment:body_entries", args=[body.public_id])
        in unit.get(result.get_absolute_url()).content.decode()
    )

    api = unit.get(reverse("api:assessment-self-assessment-list")).json()
    rows = api["results"] if isinstance(api, dict) and "results" in api else api
    (mine,) = rows
    assert (mine["body"], mine["total"], mine["office_total"], mine["result"]) == (
        "罗庄区应急局", "85.00", "70.00", str(result.public_id),
    )  # fmt: skip
    assert [(i["key"], i["own"], i["office"], i["difference"]) for i in mine["items"]][3] == (
        "D", "15.00", "0.00", "15.00",
    )  # fmt: skip
    assert len(mine["items"][3]["files"]) == 2


@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_others_may_not_write_a_body_self_assessment_and_nothing_changes(
    persona, year, charlie, request, signed_in
):
    user = request.getfixturevalue(persona)
    body, items = year["luozhuang"], year["items"]
    services.submit_entry(
        actor=charlie, body=body, item=items["D"], score=5, note="x", files=[("a.pdf", PDF)]
    )
    evidence = EntryEvidence.objects.get(entry__body=body)
    before = _state(body)
    client = fresh(signed_in, user)
    url = reverse("assessment:body_entries", args=[body.public_id])
    assert client.post(url, {"item": items["B"].public_id, "score": "1", "note": "x"}).status_code == 404
    assert client.post(reverse("assessment:body_submit", args=[body.public_id])).status_code == 404
    if persona == "bob":  # a county office outside 罗庄区 does not even see the body or its files
        assert client.get(url).status_code == 404
        assert client.get(evidence.get_absolute_url()).status_code == 404
        api = client.get(reverse("api:assessment-self-assessment-list")).json()
        assert (api["results"] if isinstance(api, dict) else api) == []
    with pytest.raises(errors.NotAllowedError):
        services.submit_entry(actor=user, body=body, item=items["B"], score=1, note="x")
    with pytest.raises(errors.NotAllowedError):
        services.submit_self_assessment(actor=user, body=body)
    assert _state(body) == before


def test_a_unit_cannot_write_another_body_self_assessment(year, charlie, signed_in):
    lanshan = year["lanshan"]
    before = _state(lanshan)
    client = fresh(signed_in, charlie)
    assert client.get(reverse("assessment:body_entries", args=[lanshan.public_id])).status_code == 404
    assert client.post(reverse("assessment:body_submit", args=[lanshan.public_id])).status_code == 404
    assert _state(lanshan) == before
