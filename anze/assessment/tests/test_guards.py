"""Guards of the year: a refused award is kept in the audit log, each service checks the actor's rights, an
entry's reviewer is not its submitter, draft results stay with the office, published rule sets are frozen,
dates are Beijing's, and concurrent first submissions or appeals answer with a clear error."""

from __future__ import annotations

import datetime as dt

import pytest

from anze.assessment import errors, services
from anze.assessment.tests.conftest import at, fresh

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 11, 30)


def _published(year, alice):
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    return services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))


def test_a_refused_award_is_kept_in_the_audit_log(year, alice, org):
    from anze.assessment.models import Award
    from anze.audit.models import AuditEvent

    _published(year, alice)
    with pytest.raises(errors.IneligibleError):
        services.record_award(
            actor=alice,
            region=org["linyi"],
            year=2025,
            title="安全生产先进单位",
            unit=org["luozhuang_emergency"],
        )
    (event,) = AuditEvent.objects.filter(action="assessment.record_award")
    assert not event.success and "一票否决" in event.reason
    assert event.after["unit"] == "罗庄区应急局"
    assert not Award.objects.exists()


def test_a_unit_cannot_compute_publish_or_award_through_the_services(year, alice, charlie, org):
    with pytest.raises(errors.NotAllowedError):
        services.compute_results(actor=charlie, scheme=year["scheme"], as_of=AS_OF)
    assert not year["scheme"].runs.exists()
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    with pytest.raises(errors.NotAllowedError):
        services.publish_results(actor=charlie, run=run, today=dt.date(2025, 12, 10))
    run.refresh_from_db()
    assert run.status == "draft"
    with pytest.raises(errors.NotAllowedError):
        services.record_award(
            actor=charlie, region=org["linyi"], year=2025, title="先进单位", unit=org["luozhuang_emergency"]
        )


def test_the_office_cannot_review_an_entry_it_submitted(year, alice):
    entry = services.submit_entry(
        actor=alice, body=year["city"], item=year["items"]["B"], score=20, note="全年无督办。"
    )
    with pytest.raises(errors.NotAllowedError, match="自己报送"):
        services.review_entry(actor=alice, entry=entry, accept=True)
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_a_unit_writes_only_for_its_own_body_and_decides_nothing(year, alice, charlie):
    from anze.assessment.models import Entry

    own = Entry.objects.get(body=year["luozhuang"], item=year["items"]["A"])
    with pytest.raises(errors.NotAllowedError):
        services.review_entry(actor=charlie, entry=own, accept=True)
    with pytest.raises(errors.NotAllowedError):
        services.submit_entry(
            actor=charlie, body=year["lanshan"], item=year["items"]["A"], score=40, note="x"
        )
    run = _published(year, alice)
    results = {r.body_id: r for r in run.results.all()}
    with pytest.raises(errors.NotAllowedError):
        services.file_appeal(
            actor=charlie, result=results[year["lanshan"].pk], reason="x", now=at("2025-12-11")
        )
    appeal = services.file_appeal(
        actor=charlie,
        result=results[year["luozhuang"].pk],
        reason="事故系外包单位责任。",
        now=at("2025-12-11"),
    )
    with pytest.raises(errors.NotAllowedError):
        services.decide_appeal(actor=charlie, appeal=appeal, upheld=True, decision="成立")
    appeal.refresh_from_db()
    assert appeal.status == "filed"
    assert (
        own.status == "submitted"
        and Entry.objects.filter(body=year["lanshan"], item=year["items"]["A"]).count() == 0
    )


def test_draft_results_stay_with_the_office_until_published(year, alice, charlie, dave, signed_in):
    from django.urls import reverse

    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    own = run.results.get(body=year["luozhuang"])
    urls = [
        run.get_absolute_url(),
        own.get_absolute_url(),
        reverse("assessment:run_xlsx", args=[run.public_id]),
        reverse("assessment:run_docx", args=[run.public_id]),
    ]
    # The draft: the assessed unit and the auditor get 404, the office reads it.
    unit = fresh(signed_in, charlie)
    assert unit.get(own.get_absolute_url()).status_code == 404
    listed = unit.get(reverse("api:assessment-result-list")).json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []
    auditor = fresh(signed_in, dave)
    assert [auditor.get(url).status_code for url in urls] == [404, 404, 404, 404]
    office = fresh(signed_in, alice)
    assert [office.get(url).status_code for url in urls] == [200, 200, 200, 200]
    # Published: the unit reads its own result, the auditor everything.
    services.publish_results(actor=alice, run=run, today=dt.date(2025, 12, 10))
    assert fresh(signed_in, charlie).get(own.get_absolute_url()).status_code == 200
    auditor = fresh(signed_in, dave)
    assert [auditor.get(url).status_code for url in urls] == [200, 200, 200, 200]


def test_a_rule_set_whose_results_were_published_takes_no_new_rule(year, alice):
    from anze.assessment.choices import VetoCondition, VetoOutcome

    _published(year, alice)
    rule_set = year["scheme"].veto_rule_set
    with pytest.raises(errors.TransitionError, match="已发布"):
        services.add_rule(
            actor=alice, rule_set=rule_set, key="V9", title="发生一般事故", condition=VetoCondition.ACCIDENTS,
            outcome=VetoOutcome.VETO, grade="general", at_least=1,
        )  # fmt: skip
    assert not rule_set.rules.filter(key="V9").exists()


def test_an_accident_before_eight_in_the_morning_is_dated_by_beijing_time(year, alice):
    from anze.enforcement.tests.factories import accident

    # 2025-10-01 06:30 in Beijing is 2025-09-30 22:30 UTC.
    accident(alice, enterprise=year["lanshan_plant"], deaths=1, occurred_at=at("2025-10-01", hour=6),
             title="国庆凌晨的一般事故")  # fmt: skip
    run = services.compute_results(actor=alice, scheme=year["scheme"], as_of=AS_OF)
    facts = run.results.get(body=year["lanshan"]).facts["accidents"]
    assert {f["title"]: f["on"] for f in facts}["国庆凌晨的一般事故"] == "2025-10-01"
