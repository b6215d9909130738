"""`make fuzz`: schemathesis over the OpenAPI schema, against a real server, signed in as several personas.

Prepares a throwaway site (SQLite in a temporary directory, `anze migrate`, the Linyi demo), serves it with
gunicorn on a free port, takes an API token for each persona from `/api/auth/token/`, and runs
`schemathesis run` once per persona with the checks the API promises: no server error (5xx), and every
response's body and content type as the schema says. Exits non-zero when any run finds a failure.

Usage: python scripts/fuzz.py [--max-examples N] [--personas a,b,…] [--keep]
The suite runs a bounded version of the same on every `make test` (anze/core/tests/test_api_fuzz.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Anze@2026demo"
PERSONAS = ("demo_office", "demo_county", "demo_unit", "demo_inspector", "demo_leader", "demo_auditor")
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANZE_", "DJANGO_"))}
    env.update(
        ANZE_DATA_DIR=str(data_dir),
        ANZE_DATABASE_URL=f"sqlite:///{data_dir / 'fuzz.sqlite3'}",
        ANZE_SECRET_KEY="fuzz-only-" + os.urandom(24).hex(),
        ANZE_PII_KEY=os.urandom(16).hex(),
        ANZE_HTTPS="0",
        ANZE_DEBUG="0",
        ANZE_LOG_LEVEL="WARNING",
        # Random credentials at /api/auth/token/ must not throttle the personas' own address.
        ANZE_LOCKOUT_ADDRESS_FAILURES="1000000",
    )
    return env


def prepare(data_dir: Path, env: dict[str, str]) -> Path:
    anze = str(BIN / "anze")
    for args in (["migrate", "--noinput"], ["demo", "--yes-demo-database"], ["collectstatic", "--noinput"]):
        subprocess.run([anze, *args, "--verbosity", "0"], cwd=REPO_DIR, env=env, check=True)  # noqa: S603
    schema = data_dir / "schema.json"
    subprocess.run(  # noqa: S603
        [anze, "spectacular", "--format", "openapi-json", "--file", str(schema)], cwd=REPO_DIR, env=env, check=True
    )
    return schema


def token(base: str, username: str) -> str:
    body = json.dumps({"username": username, "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(
        f"{base}/api/auth/token/", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
        return json.loads(response.read())["token"]


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before answering")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return  # 503 for the queue or schedule is an answer
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def fuzz(schema: Path, base: str, persona: str, key: str, max_examples: int, report_dir: Path) -> int:
    print(f"== {persona}", flush=True)
    cmd = [
        str(BIN / "st"), "run", str(schema), "--url", base,
        "--header", f"Authorization: Token {key}",
        "--checks", CHECKS,
        "--max-examples", str(max_examples),
        "--phases", "examples,coverage,fuzzing",
        "--workers", "1",
        "--seed", "2026",
        "--generation-database", "none",
        "--suppress-health-check", "all",
        # Signing in, out or changing the password would end this persona's token in the middle of the run;
        # those endpoints are fuzzed without a token below.
        "--exclude-path-regex", "^/api/auth/",
        "--report", "junit", "--report-junit-path", str(report_dir / f"{persona}.xml"),
        "--no-color",
    ]  # fmt: skip
    return subprocess.run(cmd, cwd=report_dir, check=False).returncode  # noqa: S603


def fuzz_sign_in(schema: Path, base: str, max_examples: int, report_dir: Path) -> int:
    print("== anonymous: /api/auth/", flush=True)
    cmd = [
        str(BIN / "st"), "run", str(schema), "--url", base, "--checks", CHECKS,
        "--max-examples", str(max_examples), "--workers", "1", "--seed", "2026",
        "--generation-database", "none", "--suppress-health-check", "all",
        "--include-path-regex", "^/api/auth/",
        "--report", "junit", "--report-junit-path", str(report_dir / "anonymous.xml"), "--no-color",
    ]  # fmt: skip
    return subprocess.run(cmd, cwd=report_dir, check=False).returncode  # noqa: S603


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "50")))
    parser.add_argument("--personas", default=",".join(PERSONAS))
    parser.add_argument("--keep", action="store_true", help="keep the temporary site and the reports")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="anze-fuzz-"))
    env = site_env(data_dir)
    print(f"preparing a demo site in {data_dir} …", flush=True)
    schema = prepare(data_dir, env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (data_dir / "gunicorn.log").open("ab")
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "anze.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "120"],  # fmt: skip
        cwd=REPO_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    failures = []
    try:
        wait_until_up(base, server)
        report_dir = data_dir / "reports"
        report_dir.mkdir()
        for persona in args.personas.split(","):
            if fuzz(schema, base, persona, token(base, persona), args.max_examples, report_dir) != 0:
                failures.append(persona)
        if fuzz_sign_in(schema, base, args.max_examples, report_dir) != 0:
            failures.append("anonymous")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        if not args.keep and not failures:
            shutil.rmtree(data_dir, ignore_errors=True)
    if failures:
        print(f"fuzz: failures as {', '.join(failures)}; reports and server log in {data_dir}", file=sys.stderr)
        return 1
    print("fuzz: no server error, every response as the schema says")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
