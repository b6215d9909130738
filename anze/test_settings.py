"""Settings for the test suite: the normal settings with ANZE_TESTING on."""

import os

os.environ.setdefault("ANZE_TESTING", "1")
os.environ.setdefault("ANZE_HTTPS", "0")
if os.environ.get("ANZE_TEST_DATABASE_URL"):
    os.environ["ANZE_DATABASE_URL"] = os.environ["ANZE_TEST_DATABASE_URL"]

from anze.settings import *  # noqa: E402,F403

# WhiteNoise looks for the collected static files at start-up; tests serve them through the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
