"""Settings for the test suite: the normal settings with ANZE_TESTING on."""

import os

os.environ.setdefault("ANZE_TESTING", "1")
os.environ.setdefault("ANZE_HTTPS", "0")
if os.environ.get("ANZE_TEST_DATABASE_URL"):
    os.environ["ANZE_DATABASE_URL"] = os.environ["ANZE_TEST_DATABASE_URL"]

from anze.settings import *  # noqa: E402,F403
