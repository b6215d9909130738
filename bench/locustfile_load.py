"""The quarter's-end load of bench_load.py, for locust: the personas of a province at a deadline.

Read by `locust -f bench/locustfile_load.py` with LOAD_PLAN (a JSON file written by bench_load.py: the web
nodes, the accounts and each unit's open occurrences). Each simulated person signs in through the login
form on one of the web nodes (alternating), then does what that role does at a quarter's end:

- a unit (60 %): opens 我的职责, opens an occurrence and submits its report with an evidence file;
- the office (20 %): the overdue board, the duties dashboard, the responsibility matrix;
- the public (20 %): the tip page (举报), no sign-in.
"""

from __future__ import annotations

import itertools
import json
import os
import threading

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
NODES = itertools.cycle(PLAN["nodes"])
UNITS = itertools.cycle(PLAN["units"])
OFFICES = itertools.cycle(PLAN["offices"])
LOCK = threading.Lock()
# Each report is logged before it is sent ("try <id>") and once the site answered that it saved it ("ok
# <id>"): bench_load.py compares this with the database.
JOURNAL = open(os.environ["LOAD_JOURNAL"], "a", encoding="utf-8")  # noqa: SIM115


# Every request of the run, the arrivals included (the timings are reset once everyone is on the site; the
# errors are counted whole): written to LOAD_TOTALS when the run stops.
TOTALS = {"requests": 0, "failures": 0}


@events.request.add_listener
def _count(exception=None, **_kwargs) -> None:
    with LOCK:
        TOTALS["requests"] += 1
        TOTALS["failures"] += exception is not None


@events.test_stop.add_listener
def _write_totals(**_kwargs) -> None:
    with LOCK, open(os.environ["LOAD_TOTALS"], "w", encoding="utf-8") as handle:
        json.dump(TOTALS, handle)


def journal(state: str, occurrence_id: str) -> None:
    with LOCK:
        JOURNAL.write(f"{state} {occurrence_id}\n")
        JOURNAL.flush()


EVIDENCE = (
    "季度安全生产检查记录\n检查时间：本季度\n检查内容：隐患排查治理、值班值守、应急演练。\n" * 20
).encode()


def _next(cycle):
    with LOCK:
        return next(cycle)


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.base_url = _next(NODES)

    def sign_in(self, username: str) -> None:
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")


class UnitPerson(Person):
    weight = 6

    def on_start(self) -> None:
        super().on_start()
        self.unit = _next(UNITS)
        self.sign_in(self.unit["username"])

    @task(3)
    def my_duties(self) -> None:
        self.client.get("/duties/", name="unit: 我的职责")

    @task(1)
    def report(self) -> None:
        with LOCK:
            if not self.unit["open"]:
                return
            occurrence = self.unit["open"].pop()
        detail = f"/duties/occurrences/{occurrence['id']}/"
        self.client.get(detail, name="unit: occurrence")
        journal("try", occurrence["id"])
        with self.client.post(
            detail + "report/",
            data={
                "text": "本季度已按要求完成检查，整改到位。",
                "evidence_on": occurrence["evidence_on"],
                "version": occurrence["version"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            files={"files": ("检查记录.txt", EVIDENCE, "text/plain")},
            allow_redirects=False,
            name="unit: submit report with evidence",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"report answered {response.status_code}")
            else:
                journal("ok", occurrence["id"])


class OfficePerson(Person):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(_next(OFFICES))

    @task(2)
    def overdue_board(self) -> None:
        self.client.get("/duties/overdue/", name="office: overdue board")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/duties/dashboard/", name="office: duties dashboard")

    @task(1)
    def matrix(self) -> None:
        self.client.get("/plans/matrix/", name="office: matrix")


class PublicPerson(Person):
    weight = 2

    @task
    def tip_page(self) -> None:
        self.client.get("/public/report/", name="public: tip page")
