"""The replica setting is strict, and without it the router sends every read to the primary."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connections

from anze.core import replica
from anze.core.tests.topology import REPO_DIR


def settings_error(**env: str) -> str:
    """Import the settings with `env`; the error they raise (empty when they load)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANZE_")}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import anze.settings"],
        cwd=REPO_DIR, env={**clean, "ANZE_TESTING": "1", **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return done.stderr


def test_a_replica_needs_a_postgresql_url_and_a_postgresql_primary():
    assert "ANZE_DATABASE_REPLICA_URL" in settings_error(ANZE_DATABASE_REPLICA_URL="mysql://db/anze")
    assert "needs ANZE_DATABASE_URL on PostgreSQL" in settings_error(
        ANZE_DATABASE_REPLICA_URL="postgres://db-2/anze", ANZE_DATABASE_URL="sqlite:////tmp/anze-x.sqlite3"
    )
    assert (
        settings_error(
            ANZE_DATABASE_REPLICA_URL="postgres://db-2/anze", ANZE_DATABASE_URL="postgres://db-1/anze"
        )
        == ""
    )


@pytest.mark.django_db
def test_without_a_replica_routed_reads_go_to_the_primary(alice):
    from anze.accounts.models import User

    assert "replica" not in connections.databases
    with replica.replica_reads():
        assert User.objects.filter(pk=alice.pk).db == "default"
        assert replica.status().reason == "unconfigured"
