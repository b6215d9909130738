"""Pages and API with personas: a candidate reaches only their own exam, never another's nor the key;
the departments see banks, results and certificates in their scope."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anze.training import services
from anze.training.choices import Post
from anze.training.models import Answer, Attempt, Question
from anze.training.tests.factories import answer_all, enlist, make_candidate_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_candidates(sitting):
    ann, ben = make_candidate_user("ann"), make_candidate_user("ben")
    enlist(sitting, ann, post=Post.STAFF)
    enlist(sitting, ben, post=Post.STAFF)
    return ann, ben


def _start(client, user, sitting) -> Attempt:
    candidate = sitting.candidates.get(user=user)
    response = client.post(reverse("training:exam_start", args=[candidate.public_id]))
    assert response.status_code == 302
    return Attempt.objects.get(candidate=candidate)


def test_a_candidate_takes_the_exam_and_it_survives_a_reload(signed_in, sitting, two_candidates):
    ann, _ben = two_candidates
    client = signed_in(ann)
    # given ann's pending exam on her page
    assert sitting.title in client.get(reverse("training:my_exams")).content.decode()
    attempt = _start(client, ann, sitting)
    page = client.get(reverse("training:exam", args=[attempt.public_id]))
    assert page.status_code == 200
    # when she ticks the option shown third on question 1 (as htmx does on change)
    saved = client.post(
        reverse("training:exam_answer", args=[attempt.public_id]),
        {"q": "1", "choice": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert "已保存" in saved.content.decode()
    # then after a reload the same option is ticked, and the answer is stored in original letters
    html = client.get(reverse("training:exam", args=[attempt.public_id])).content.decode()
    assert 'value="2" checked' in html
    qid = attempt.question_order[0]
    assert (
        Answer.objects.get(attempt=attempt, question_id=qid).chosen
        == "ABCD"[attempt.option_orders[str(qid)][2]]
    )


def test_the_exam_page_never_carries_the_key_or_the_explanation(signed_in, sitting, two_candidates):
    ann, _ben = two_candidates
    client = signed_in(ann)
    attempt = _start(client, ann, sitting)
    html = client.get(reverse("training:exam", args=[attempt.public_id])).content.decode()
    questions = Question.objects.filter(pk__in=attempt.question_order)
    assert all(q.stem in html and q.explanation not in html for q in questions)
    assert "EXPLAIN-" not in html


def test_submitting_shows_the_score_but_not_the_key(signed_in, sitting, two_candidates):
    ann, _ben = two_candidates
    client = signed_in(ann)
    attempt = _start(client, ann, sitting)
    answer_all(attempt)
    response = client.post(reverse("training:exam_submit", args=[attempt.public_id]), follow=True)
    html = response.content.decode()
    assert "10" in html and "考核合格" in html
    assert "考生所选" not in html  # the department's answer-by-answer table


def test_a_candidate_cannot_see_or_change_anothers_attempt(signed_in, sitting, two_candidates):
    ann, ben = two_candidates
    attempt = services.start_attempt(actor=ann, candidate=sitting.candidates.get(user=ann))
    client = signed_in(ben)
    for name in ("training:exam", "training:attempt_detail"):
        assert client.get(reverse(name, args=[attempt.public_id])).status_code == 404
    response = client.post(
        reverse("training:exam_answer", args=[attempt.public_id]), {"q": "1", "choice": "0"}
    )
    assert response.status_code == 404
    assert client.post(reverse("training:exam_submit", args=[attempt.public_id])).status_code == 404
    # a denied request changes nothing
    attempt.refresh_from_db()
    assert not Answer.objects.exists() and attempt.status == "in_progress"


def test_a_candidate_cannot_reach_the_bank_the_paper_or_the_results(signed_in, sitting, two_candidates):
    ann, _ben = two_candidates
    client = signed_in(ann)
    paper = sitting.paper
    assert client.get(reverse("training:bank_detail", args=[paper.bank.public_id])).status_code == 404
    assert client.get(reverse("training:paper_detail", args=[paper.public_id])).status_code == 404
    assert client.get(reverse("training:sitting_detail", args=[sitting.public_id])).status_code == 404
    assert client.get(reverse("api:training-bank-list")).json()["count"] == 0
    assert client.get(reverse("api:training-attempt-list")).json()["count"] == 0


def test_the_office_sees_the_key_and_each_answer_a_county_outside_the_sitting_does_not(
    signed_in, sitting, two_candidates, alice, bob
):
    ann, _ben = two_candidates
    attempt = services.start_attempt(actor=ann, candidate=sitting.candidates.get(user=ann))
    answer_all(attempt)
    services.submit_attempt(actor=ann, attempt=attempt)
    office = signed_in(alice)
    html = office.get(reverse("training:attempt_detail", args=[attempt.public_id])).content.decode()
    assert "考生所选" in html
    assert office.get(reverse("api:training-attempt-list")).json()["count"] == 1
    county = signed_in(bob)
    assert county.get(reverse("training:attempt_detail", args=[attempt.public_id])).status_code == 404


def test_the_department_pages_answer(signed_in, sitting, alice):
    client = signed_in(alice)
    for name in (
        "bank_list",
        "sitting_list",
        "attempt_list",
        "certificate_list",
        "statistics",
        "study_list",
        "my_exams",
    ):
        assert client.get(reverse(f"training:{name}")).status_code == 200, name
    for obj in (sitting.paper.bank, sitting.paper, sitting):
        assert client.get(obj.get_absolute_url()).status_code == 200


def test_the_attempt_list_costs_the_same_queries_for_more_rows(signed_in, sitting, alice):
    client = signed_in(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("training:attempt_list")).status_code == 200
        return len(captured)

    def sit(n: int) -> None:
        for i in range(n):
            user = make_candidate_user(f"q{Attempt.objects.count()}-{i}")
            attempt = services.start_attempt(actor=user, candidate=enlist(sitting, user, post=Post.STAFF))
            services.submit_attempt(actor=user, attempt=attempt)

    sit(2)
    few = queries()
    sit(4)
    assert queries() == few


def _xlsx(rows: list[list[str]]) -> io.BytesIO:
    from anze.training.importing import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([label for _k, label, _r in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "questions.xlsx"
    return buffer


def test_an_import_with_a_bad_row_saves_nothing_and_says_which_row(signed_in, bank, alice):
    client = signed_in(alice)
    before = bank.questions.count()
    good = ["单选题", "法规", "易", "新题一", "甲", "乙", "", "", "", "", "A", ""]
    bad_answer = ["单选题", "法规", "易", "新题二", "甲", "乙", "", "", "", "", "AB", ""]
    bad_kind = ["填空题", "法规", "易", "新题三", "", "", "", "", "", "", "A", ""]
    response = client.post(
        reverse("training:bank_import", args=[bank.public_id]), {"file": _xlsx([good, bad_answer, bad_kind])}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "单选题只能有一个答案" in html and "题型“填空题”无效" in html
    assert [e["line"] for e in response.context["report"].errors] == [3, 4]
    assert bank.questions.count() == before
    # when the file is corrected, every row is added
    response = client.post(reverse("training:bank_import", args=[bank.public_id]), {"file": _xlsx([good])})
    assert response.status_code == 200 and bank.questions.count() == before + 1


def test_the_template_is_an_importable_workbook(signed_in, bank, alice):
    from anze.training import importing

    client = signed_in(alice)
    response = client.get(reverse("training:question_template"))
    rows = importing.read_rows(response.content)
    assert [importing.question_entry(r)["kind"] for r in rows] == ["single", "multiple", "true_false"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["试题", "说明"]


def test_a_staff_candidate_with_a_department_role_sees_no_key_until_handed_in(signed_in, org, sitting):
    from anze.accounts.roles import Role
    from conftest import make_user

    # given a sheet handed in by another candidate, and a bureau staff member (who may view the bureau's
    # banks, papers and results) listed as a candidate of the same sitting, not yet started
    other = make_candidate_user("other")
    theirs = services.start_attempt(actor=other, candidate=enlist(sitting, other, post=Post.STAFF))
    answer_all(theirs)
    services.submit_attempt(actor=other, attempt=theirs)
    sam = make_user("sam", (Role.UNIT, {"unit": org["city_emergency"]}))
    candidate = enlist(sitting, sam, post=Post.STAFF)
    paper = sitting.paper
    pages = [
        reverse("training:bank_detail", args=[paper.bank.public_id]),
        reverse("training:paper_detail", args=[paper.public_id]),
        reverse("training:attempt_detail", args=[theirs.public_id]),
    ]
    client = signed_in(sam)
    # when they open the bank, the paper and the other's sheet before starting, and while answering
    # then each answers 404
    assert [client.get(url).status_code for url in pages] == [404, 404, 404]
    mine = services.start_attempt(actor=sam, candidate=candidate)
    assert [client.get(url).status_code for url in pages] == [404, 404, 404]
    # and once they have handed in, the pages open as for any colleague
    services.submit_attempt(actor=sam, attempt=mine)
    assert [client.get(url).status_code for url in pages] == [200, 200, 200]


def test_a_staff_candidate_of_another_bank_still_sees_this_one(signed_in, org, sitting):
    from anze.accounts.roles import Role
    from anze.training.tests.factories import make_bank, make_paper, make_sitting
    from conftest import make_user

    # given a bureau staff member listed for an exam on another bank's paper
    other_paper = make_paper(make_bank(org["linyi"], unit=org["city_emergency"]))
    other_sitting = make_sitting(other_paper, org["linyi"], unit=org["city_emergency"])
    sam = make_user("sam", (Role.UNIT, {"unit": org["city_emergency"]}))
    enlist(other_sitting, sam, post=Post.STAFF)
    client = signed_in(sam)
    # then this bank and paper are open to them, the other bank and paper are not
    paper = sitting.paper
    assert client.get(reverse("training:bank_detail", args=[paper.bank.public_id])).status_code == 200
    assert client.get(reverse("training:paper_detail", args=[paper.public_id])).status_code == 200
    assert client.get(reverse("training:paper_detail", args=[other_paper.public_id])).status_code == 404
