"""Online exam benchmark: 100 candidates taking one exam at once through real HTTP.

- exams_submit_p95: the 95th percentile of the time to hand in a paper (POST …/submit/: lock the attempt,
  score 20 answers, write the result and its audit event), milliseconds, while 100 candidates sit the exam
  concurrently. Served by gunicorn (sync workers, as `anze serve` runs it) on PostgreSQL (a fresh database
  anze_bench_exams, dropped afterwards). Each candidate is a thread with its own session: it opens its
  exam page, starts, answers 20 questions one by one as htmx does, then hands in. Candidates arrive over
  RAMP seconds and pause THINK (2–6) seconds before each answer, so all 100 are in the exam at the same
  time, answering about 25 questions a second between them: a 60-minute exam compressed about thirtyfold.
- exams_answer_p95: the same percentile for saving one answer (POST …/answer/), milliseconds.

After the run every attempt is checked: 20 answers stored and the score recomputed from the key.
run() prints nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "anze_bench_exams"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
CANDIDATES = 100
QUESTIONS = 20
WORKERS = 4
PORT = 8391
RAMP = 10.0
THINK = (2.0, 6.0)
TARGET_MS = 200


def run() -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--http"], capture_output=True, text=True, cwd=ROOT, timeout=900
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench_exams failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _environment() -> dict[str, str]:
    data = tempfile.mkdtemp(prefix="anze-bench-exams-")
    return {
        "ANZE_DATA_DIR": data,
        "ANZE_SECRET_KEY": secrets.token_urlsafe(50),
        "ANZE_PII_KEY": secrets.token_hex(16),
        "ANZE_HTTPS": "0",
        "ANZE_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PG_NAME}",
        "DJANGO_SETTINGS_MODULE": "anze.settings",
    }


def _http() -> dict:
    import psycopg

    sys.path.insert(0, str(ROOT))
    env = _environment()
    os.environ.pop("ANZE_TEST_DATABASE_URL", None)
    os.environ.update(env)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    server = log = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
        call_command("collectstatic", verbosity=0, interactive=False)
        sessions, sitting_id = _prepare()
        from django.db import connections

        connections.close_all()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        # The server's log goes to a file: a pipe nobody reads would fill and block the workers.
        log = open(Path(env["ANZE_DATA_DIR"]) / "gunicorn.log", "w")  # noqa: SIM115 - closed with the server
        server = subprocess.Popen(
            [gunicorn, "anze.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", str(WORKERS),
             "--log-level", "warning"],  # fmt: skip
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        _wait_for_server()
        timings = _sit_the_exam(sessions)
        checked = _check(sitting_id)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if log is not None:
            log.close()
        shutil.rmtree(env["ANZE_DATA_DIR"], ignore_errors=True)
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    return {
        "exams_submit_p95": {
            "value": round(_p95(timings["submit"]), 1), "unit": "ms", "target": TARGET_MS,
            "candidates": CANDIDATES, "questions": QUESTIONS, "workers": WORKERS,
            "median": round(statistics.median(timings["submit"]), 1), **checked,
        },
        "exams_answer_p95": {
            "value": round(_p95(timings["answer"]), 1), "unit": "ms", "answers": len(timings["answer"]),
            "median": round(statistics.median(timings["answer"]), 1),
        },
    }  # fmt: skip


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def _prepare() -> tuple[list[tuple[str, str]], int]:
    """Linyi, the demo's hazardous-chemicals bank, a 20-question paper, an open sitting and 100 signed-in
    candidates: (session key, candidate public id) each."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from anze.org.choices import RegionLevel
    from anze.org.models import Region
    from anze.training import demo, importing, services
    from anze.training.choices import Post
    from anze.training.models import Candidate

    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="371300", name="临沂市", level=RegionLevel.CITY, parent=province)
    bank = services.create_bank(actor=None, name=demo.BANK_NAME, post=Post.STAFF, region=city)
    report = importing.import_questions(actor=None, bank=bank, rows=demo.question_rows())
    assert not report.errors, report.errors
    paper = services.create_paper(
        actor=None, bank=bank, title="基准试卷", duration_minutes=60, pass_score=80, seed="bench",
        rules=[{"topic": topic, "count": QUESTIONS // len(demo.TOPICS), "points": 5} for topic in demo.TOPICS],
    )  # fmt: skip
    now = timezone.now()
    sitting = services.create_sitting(
        actor=None, paper=paper, title="基准场次", opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(hours=2), region=city,
    )  # fmt: skip
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"bench{n:03d}", password="!", password_changed_at=now, must_change_password=False
        )
        for n in range(CANDIDATES)
    )
    services.add_candidates(
        actor=None,
        sitting=sitting,
        entries=[{"user": u, "name": u.username, "post": Post.STAFF} for u in users],
    )
    sessions = []
    for candidate in Candidate.objects.filter(sitting=sitting).select_related("user").order_by("pk"):
        client = Client()
        client.force_login(candidate.user)
        sessions.append((client.cookies["sessionid"].value, str(candidate.public_id)))
    return sessions, sitting.pk


def _wait_for_server() -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 s")


class _Browser:
    """One candidate's session over plain HTTP: cookies, the CSRF token, one request per connection."""

    def __init__(self, session: str) -> None:
        self.cookies = {"sessionid": session}

    def request(
        self, method: str, path: str, form: dict | None = None, htmx: bool = False
    ) -> tuple[int, str, str]:
        body = None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if form is not None:
            body = "&".join(f"{k}={v}" for k, v in form.items())
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode()
        connection.close()
        return response.status, response.getheader("Location") or "", text


def _candidate(
    index: int, session: str, candidate: str, timings: dict, errors: list, lock: threading.Lock
) -> None:
    rng = random.Random(index)
    time.sleep(RAMP * index / CANDIDATES)
    browser = _Browser(session)
    try:
        status, _loc, _text = browser.request("GET", "/training/my/")
        assert status == 200, f"my exams {status}"
        status, location, _text = browser.request("POST", f"/training/my/{candidate}/start/", {})
        assert status == 302 and "/training/exam/" in location, f"start {status}"
        exam = location
        status, _loc, page = browser.request("GET", exam)
        assert status == 200, f"exam page {status}"
        options = [len(re.findall(r'name="choice"', block)) for block in page.split('id="q')[1:]]
        assert len(options) == QUESTIONS, f"{len(options)} questions on the page"
        for position, count in enumerate(options, start=1):
            time.sleep(rng.uniform(*THINK))
            started = time.perf_counter()
            status, _loc, text = browser.request(
                "POST", f"{exam}answer/", {"q": position, "choice": rng.randrange(count)}, htmx=True
            )
            elapsed = (time.perf_counter() - started) * 1000
            assert status == 200 and "text-success" in text, f"answer {status}"
            with lock:
                timings["answer"].append(elapsed)
        time.sleep(rng.uniform(*THINK))
        started = time.perf_counter()
        status, _loc, _text = browser.request("POST", f"{exam}submit/", {})
        elapsed = (time.perf_counter() - started) * 1000
        assert status == 302, f"submit {status}"
        with lock:
            timings["submit"].append(elapsed)
    except Exception as error:  # noqa: BLE001 - reported after the run
        with lock:
            errors.append(f"candidate {index}: {error}")


def _sit_the_exam(sessions: list[tuple[str, str]]) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"answer": [], "submit": []}
    errors: list[str] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_candidate, args=(i, session, candidate, timings, errors, lock))
        for i, (session, candidate) in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} candidates failed: {errors[:5]}")
    return timings


def _check(sitting_id: int) -> dict:
    """Every attempt handed in with 20 answers, and its score equal to the points of its right answers."""
    from anze.training.models import Answer, Attempt, PaperQuestion

    attempts = list(Attempt.objects.filter(sitting_id=sitting_id))
    paper_id = attempts[0].sitting.paper_id
    key = {
        q: (a, p)
        for q, a, p in PaperQuestion.objects.filter(paper_id=paper_id).values_list(
            "question_id", "question__answer", "points"
        )
    }
    answers: dict[int, dict[int, str]] = {}
    for attempt_id, question_id, chosen in Answer.objects.filter(attempt__sitting_id=sitting_id).values_list(
        "attempt_id", "question_id", "chosen"
    ):
        answers.setdefault(attempt_id, {})[question_id] = chosen
    for attempt in attempts:
        given = answers.get(attempt.pk, {})
        if attempt.status != "submitted" or len(given) != QUESTIONS:
            raise RuntimeError(f"attempt {attempt.pk}: {attempt.status}, {len(given)} answers")
        expected = sum(points for q, (right, points) in key.items() if given.get(q) == right)
        if attempt.score != expected:
            raise RuntimeError(f"attempt {attempt.pk}: score {attempt.score}, expected {expected}")
    return {"attempts_checked": len(attempts)}


if __name__ == "__main__" and "--http" in sys.argv:
    print(json.dumps(_http()))
