"""Two first submissions of an entry, or two appeals, at the same moment (PostgreSQL: SQLite serializes
every write). The second waits for the first and then answers as if it came after: no unique-constraint
failure (a 500), no second pending appeal."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from anze.assessment import errors, services
from anze.assessment.choices import BodyKind, ScoringMethod

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def body_and_item(org, alice):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    scheme = services.create_scheme(actor=alice, region=org["linyi"], year=2025, name="2025年度考核细则")
    item = services.add_item(actor=alice, scheme=scheme, key="B", title="被督办", points=20,
                             method=ScoringMethod.DEDUCTION, fact="supervision.cases", per=5, cap=20)  # fmt: skip
    body = services.add_body(
        actor=alice, scheme=scheme, kind=BodyKind.DEPARTMENT, unit=org["luozhuang_emergency"]
    )
    return body, item


def _race(first, second) -> dict:
    """Run `first` in a transaction held open until `second` is waiting on a lock, then commit it."""
    inside, outcome = threading.Event(), {}

    def hold():
        try:
            with transaction.atomic():
                first()
                inside.set()
                for _poll in range(600):  # the second is waiting, or it never will (then it ran already)
                    if _someone_waits() or "second" in outcome:
                        break
                    threading.Event().wait(0.05)
        finally:
            connection.close()

    def follow():
        inside.wait(30)
        try:
            outcome["second"] = second()
        except Exception as exc:  # the outcome is what the test looks at
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=follow)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcome


def _someone_waits() -> bool:
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def test_two_first_submissions_at_once_end_in_one_entry(body_and_item, charlie):
    from anze.assessment.models import Entry

    body, item = body_and_item
    outcome = _race(
        lambda: services.submit_entry(actor=charlie, body=body, item=item, score=20, note="全年无督办。"),
        lambda: services.submit_entry(
            actor=charlie, body=body, item=item, score=18, note="更正：有一件督办。"
        ),
    )
    assert isinstance(outcome["second"], Entry), outcome["second"]
    (entry,) = Entry.objects.filter(body=body, item=item)
    assert entry.note == "更正：有一件督办。"


def test_two_appeals_at_once_leave_one_pending(body_and_item, alice, charlie):
    from anze.assessment.models import Appeal

    body, item = body_and_item
    run = services.compute_results(actor=alice, scheme=body.scheme, as_of=dt.date(2025, 11, 30))
    run = services.publish_results(actor=alice, run=run, today=dt.date.today())
    result = run.results.get()
    outcome = _race(
        lambda: services.file_appeal(actor=charlie, result=result, reason="督办已撤销。"),
        lambda: services.file_appeal(actor=charlie, result=result, reason="督办已撤销（重复提交）。"),
    )
    assert isinstance(outcome["second"], errors.AssessmentError), outcome["second"]
    assert outcome["second"].code == "appeal_pending"
    assert Appeal.objects.filter(result=result).count() == 1
