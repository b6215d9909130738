"""Settings for the test suite: the normal settings with ANZE_TESTING on."""

import os

os.environ.setdefault("ANZE_TESTING", "1")
os.environ.setdefault("ANZE_HTTPS", "0")
if os.environ.get("ANZE_TEST_DATABASE_URL"):
    os.environ["ANZE_DATABASE_URL"] = os.environ["ANZE_TEST_DATABASE_URL"]

from anze.settings import *  # noqa: E402,F403

# WhiteNoise looks for the collected static files at start-up; tests serve them through the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# The audit chain's witness writes files and a key: keep them out of the data directory during tests.
import tempfile  # noqa: E402

_witness_home = Path(tempfile.mkdtemp(prefix="anze-test-witness-"))  # noqa: F405
ANZE_AUDIT_WITNESS_DIR = _witness_home / "audit-witness"
ANZE_AUDIT_WITNESS_KEY_FILE = _witness_home / "audit_witness_key"
