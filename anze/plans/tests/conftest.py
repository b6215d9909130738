"""Fixtures for the plans tests: a private media directory, the Linyi demo organization and the seed plan."""

from __future__ import annotations

from pathlib import Path

import pytest

# The Linyi plan as the package ships it (the demo imports the same file).
SEED = Path(__file__).resolve().parents[1] / "data" / "linyi-2020-23.txt"


def seed_path() -> Path:
    return SEED


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test stores documents in its own directory, so 'no file remains' can be checked."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def linyi(org):
    """The Linyi demo organization (units, groups, leaders and posts) on top of the persona fixture."""
    from anze.org.demo import load

    load()
    return org["linyi"]


@pytest.fixture
def seed_bytes() -> bytes:
    return seed_path().read_bytes()


@pytest.fixture
def seed_upload(linyi, seed_bytes):
    from anze.plans.services import parse_document

    return parse_document(seed_bytes, "linyi-2020-23.txt")
