"""Statistics: pass rates by industry and county and the weakest questions, each number equal to the count of
the list it links to."""

from __future__ import annotations

import pytest

from anze.training import services, stats
from anze.training.tests.factories import (
    answer_all,
    enlist,
    high_risk_enterprise,
    make_candidate_user,
    make_sitting,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(reference, paper):
    """Lanshan: two passes and one failure; Luozhuang: one pass and one failure. Every failure answers
    everything wrong."""
    org = reference
    sitting = make_sitting(paper, org["linyi"])
    outcomes = [
        ("lanshan", True),
        ("lanshan", True),
        ("lanshan", False),
        ("luozhuang", True),
        ("luozhuang", False),
    ]
    for n, (county, passes) in enumerate(outcomes):
        user = make_candidate_user(f"p{n}")
        candidate = enlist(sitting, user, enterprise=high_risk_enterprise(org[county]))
        attempt = services.start_attempt(actor=user, candidate=candidate)
        answer_all(attempt, right=None if passes else set())
        services.submit_attempt(actor=user, attempt=attempt)
    return sitting


def _listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["filter"].qs.count()


def test_pass_rates_by_county_match_a_hand_count_and_their_lists(signed_in, results, alice):
    figures = stats.figures(alice)
    by_county = {row["label"]: (row["total"], row["passed"], row["rate"]) for row in figures["by_county"]}
    assert by_county == {"兰山区": (3, 2, 66.7), "罗庄区": (2, 1, 50.0)}
    client = signed_in(alice)
    assert [(c["label"], c["value"]) for c in figures["cards"]] == [("已交卷", 5), ("合格", 3), ("不合格", 2)]
    for card in figures["cards"]:
        assert _listed(client, card["url"]) == card["value"]
    for row in figures["by_county"] + figures["by_industry"]:
        assert _listed(client, row["url"]) == row["total"]
        assert _listed(client, row["passed_url"]) == row["passed"]


def test_the_weakest_questions_are_those_most_often_wrong(signed_in, results, alice):
    # every question was answered by all five; the two failures got each one wrong: 40 % for every question
    figures = stats.figures(alice)
    assert len(figures["weakest"]) == 6
    assert {(q["total"], q["wrong"], q["rate"]) for q in figures["weakest"]} == {(5, 2, 40.0)}
    client = signed_in(alice)
    assert _listed(client, figures["weakest"][0]["url"]) == 2


def test_every_card_of_a_sitting_opens_a_list_of_that_many(signed_in, results, alice):
    import re

    client = signed_in(alice)
    html = client.get(results.get_absolute_url()).content.decode()
    cards = re.findall(
        r'href="([^"]+)">\s*<div class="card-body">\s*<div class="anze-card-value">(\d+)<', html
    )
    checked = [(url, value) for url, value in cards if "#" not in url]
    assert len(checked) == 3
    for url, value in checked:
        assert _listed(client, url.replace("&amp;", "&")) == int(value)


def test_a_county_office_counts_only_what_it_may_see(results, bob):
    # the sitting belongs to the city, so Lanshan's office sees none of its attempts
    assert stats.figures(bob)["total"] == 0


def test_an_attempt_still_being_answered_is_in_no_figure_nor_its_list(signed_in, results, reference, alice):
    import re

    # given, beside the five handed in, a Lanshan principal still answering
    user = make_candidate_user("busy")
    candidate = enlist(results, user, enterprise=high_risk_enterprise(reference["lanshan"]))
    services.start_attempt(actor=user, candidate=candidate)
    client = signed_in(alice)
    # then every figure of the statistics page equals the count of the list it links to
    figures = stats.figures(alice)
    assert figures["total"] == 5
    for card in figures["cards"]:
        assert _listed(client, card["url"]) == card["value"]
    for row in figures["by_county"] + figures["by_industry"]:
        assert _listed(client, row["url"]) == row["total"]
        assert _listed(client, row["passed_url"]) == row["passed"]
        assert _listed(client, row["failed_url"]) == row["total"] - row["passed"]
    # and so does every card of the sitting
    html = client.get(results.get_absolute_url()).content.decode()
    cards = re.findall(
        r'href="([^"]+)">\s*<div class="card-body">\s*<div class="anze-card-value">(\d+)<', html
    )
    assert [value for url, value in cards if "#" not in url] == ["5", "3", "2"]
    for url, value in cards:
        if "#" not in url:
            assert _listed(client, url.replace("&amp;", "&")) == int(value)


def test_the_finished_filter_lists_handed_in_and_timed_out_attempts(signed_in, results, alice):
    import datetime as dt

    from django.urls import reverse

    from anze.training.choices import Post
    from anze.training.models import Attempt

    # given five handed in and one left to the timer
    user = make_candidate_user("late")
    attempt = services.start_attempt(actor=user, candidate=enlist(results, user, post=Post.STAFF))
    services.expire_attempts(attempt.deadline + dt.timedelta(seconds=1))
    assert Attempt.objects.filter(status="timed_out").count() == 1
    client = signed_in(alice)
    # then finished=yes lists all six
    url = reverse("training:attempt_list")
    assert _listed(client, f"{url}?finished=yes") == 6


def test_a_weak_questions_bank_link_searches_for_its_whole_stem(signed_in, results, alice):
    from anze.training.models import Question

    # given a weak question whose stem holds characters that mean something in a URL
    question = Question.objects.filter(answers__isnull=False).distinct().first()
    stem = "动火作业&受限空间#1：下列说法正确的是？"
    Question.objects.filter(pk=question.pk).update(stem=stem)
    row = next(q for q in stats.figures(alice)["weakest"] if q["stem"] == stem)
    # when its bank link is opened, then the bank's question list is searched for the stem and shows it
    response = signed_in(alice).get(row["bank_url"])
    assert response.status_code == 200
    assert response.context["filter"].form.cleaned_data["q"] == stem[:30]
    assert [q.pk for q in response.context["page"]] == [question.pk]
