"""Real processes for the topology and fault tests: gunicorn web nodes, Huey workers and Redis servers,
each a process of its own on its own port, all sharing one database copied from the test database.

The tests start what they need, break it for real (a database that refuses connections, a Redis that is
stopped, a worker killed with SIGKILL) and read the outcome from the shared database with plain SQL.
Every process is stopped by its own id when the test ends.
"""

from __future__ import annotations

import getpass
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import anze

REPO_DIR = Path(anze.__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server")
MOSQUITTO = shutil.which("mosquitto") or next(
    (path for path in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.path.exists(path)), None
)
PG_ADMIN_DB = "postgres"


def free_port() -> int:
    """A port nothing listens on (bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `predicate` until it returns something truthy; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception as exc:  # noqa: BLE001 - not ready yet
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


# -- the shared database -----------------------------------------------------------------------------------


@dataclass
class SharedDatabase:
    """A copy of the test database that the processes of a test share; `url` is its ANZE_DATABASE_URL."""

    url: str
    vendor: str
    settings: dict[str, Any]

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A plain DB-API connection (autocommit) for reading outcomes and for breaking the database."""
        if self.vendor == "sqlite":
            conn = sqlite3.connect(self.settings["NAME"], timeout=30, isolation_level=None)
        else:
            conn = _pg_connect(self.settings, self.settings["NAME"])
        try:
            yield conn
        finally:
            conn.close()

    def scalar(self, sql: str, params: tuple = ()) -> Any:
        with self.connect() as conn:
            cursor = conn.cursor()
            cursor.execute(sql if self.vendor == "postgresql" else sql.replace("%s", "?"), params)
            return cursor.fetchone()[0]


def _pg_connect(db: dict[str, Any], name: str) -> Any:
    import psycopg

    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=name,
        autocommit=True,
    )


def _pg_url(db: dict[str, Any], name: str) -> str:
    auth = urllib.parse.quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def _pg_copy(db: dict[str, Any], source: str, target: str) -> None:
    """Copy one database into another (empty) one with pg_dump | psql, which other sessions do not hinder."""
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    where = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    dump = subprocess.run(
        ["pg_dump", *where, "--no-owner", "--no-privileges", source], capture_output=True, env=env, check=True
    )
    subprocess.run(
        ["psql", *where, "-q", "-v", "ON_ERROR_STOP=1", "-d", target], input=dump.stdout, capture_output=True,
        env=env, check=True,
    )  # fmt: skip


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[SharedDatabase]:
    """Copy the test database as it is now (what the test committed included) for the processes to share.

    PostgreSQL: CREATE DATABASE … TEMPLATE the test database (dropped afterwards). SQLite: the online backup
    API into a file. The caller must allow database access and have committed what the copy should hold.
    """
    from django.db import connection

    connection.ensure_connection()
    db = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        yield SharedDatabase(url=f"sqlite:///{path}", vendor="sqlite", settings={**db, "NAME": str(path)})
        return
    import psycopg
    from django.db import connections

    name = f"{db['NAME']}_shared"[:63]
    # A template database must have no other session: close the suite's own connections while copying. Other
    # sessions on it (a live server's request threads keep theirs for CONN_MAX_AGE) are never ended, since the
    # suite may still use them: while one stays, the database is copied by pg_dump into the new one instead.
    connections.close_all()
    with _pg_connect(db, PG_ADMIN_DB) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for _attempt in range(12):
            try:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{db["NAME"]}"')
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(0.25)
        else:
            admin.execute(f'CREATE DATABASE "{name}"')
            _pg_copy(db, db["NAME"], name)
    try:
        yield SharedDatabase(url=_pg_url(db, name), vendor="postgresql", settings={**db, "NAME": name})
    finally:
        with _pg_connect(db, PG_ADMIN_DB) as admin:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def postgres_refusing(shared: SharedDatabase) -> Iterator[None]:
    """The shared PostgreSQL database refuses new connections and every open one is cut (what a restart
    or a failover does to the application); connections are allowed again when the block ends."""
    name = shared.settings["NAME"]
    with _pg_connect(shared.settings, PG_ADMIN_DB) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


@contextmanager
def sqlite_write_locked(shared: SharedDatabase) -> Iterator[None]:
    """Another process holds SQLite's write lock (a long writer, a backup tool): writers time out."""
    conn = sqlite3.connect(shared.settings["NAME"], isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


# -- HTTP ------------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Browser:
    """A minimal HTTP client with a cookie jar that never follows redirects (http.client, no dependency)."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:
        parsed = urllib.parse.urlsplit(self.base)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=self.timeout)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
            if files:
                boundary = "anze-" + os.urandom(12).hex()
                parts = []
                for key, value in data.items():
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
                    )
                for key, (filename, content, content_type) in files.items():
                    head = (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                        f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
                    )
                    parts.append(head.encode() + content + b"\r\n")
                body = b"".join(parts) + f"--{boundary}--\r\n".encode()
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urllib.parse.urlencode(data)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(
        self, path: str, data: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None
    ) -> Response:
        return self.request("POST", path, data, files)


# -- processes -------------------------------------------------------------------------------------------


@dataclass
class Node:
    name: str
    proc: subprocess.Popen
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def media_files(self, media_dir: Path) -> list[Path]:
        """The files in `media_dir` as this process sees it (its own mount namespace, if it has one)."""
        root = Path(f"/proc/{self.pid}/root") / Path(media_dir).relative_to("/")
        return sorted(p for p in root.rglob("*") if p.is_file())

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


class Cluster:
    """The processes of one test. Use as a context manager: everything it started is stopped at the end."""

    def __init__(self, tmp_path: Path, database: SharedDatabase, *, redis_url: str = "", **env: str):
        self.tmp = tmp_path
        self.database = database
        self.redis_url = redis_url
        self.extra_env = env
        self.nodes: list[Node] = []
        (tmp_path / "data").mkdir(exist_ok=True)
        (tmp_path / "media").mkdir(exist_ok=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        for node in reversed(self.nodes):
            self.stop(node)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANZE_", "DJANGO_", "PYTEST_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="anze.settings",
            ANZE_TESTING="1",  # the fast password hasher and the development key; never DEBUG pages
            ANZE_DEBUG="0",
            ANZE_HTTPS="0",
            ANZE_HUEY_IMMEDIATE="0",
            ANZE_DATA_DIR=str(self.tmp / "data"),
            ANZE_MEDIA_DIR=str(self.tmp / "media"),
            ANZE_DATABASE_URL=self.database.url,
            ANZE_REDIS_URL=self.redis_url,
            ANZE_DB_CONN_MAX_AGE="60",
            ANZE_LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> Node:
        log = self.tmp / f"{name}.log"
        handle = log.open("ab")
        proc = subprocess.Popen(  # noqa: S603 - our own commands
            cmd,
            cwd=REPO_DIR,
            env=env or self.env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        node = Node(name, proc, log)
        self.nodes.append(node)
        return node

    def web(self, name: str = "web", *, workers: int = 2, media_kib: int | None = None) -> Node:
        """A gunicorn node on its own port, answering /healthz before this returns.

        With `media_kib`, the node runs in a mount namespace of its own where the media directory is a
        tmpfs of that size: a media volume that fills up, seen only by this node (`Node.media_files`).
        """
        port = free_port()
        wrap: list[str] = []
        if media_kib is not None:
            wrap = [
                "unshare", "--mount", "--propagation", "private", "sh", "-c",
                f'mount -t tmpfs -o size={media_kib}k anze-media "$ANZE_MEDIA_DIR" && exec "$@"', "sh",
            ]  # fmt: skip
        node = self._spawn(
            name,
            wrap
            + [
                str(BIN / "gunicorn"),
                "anze.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],  # fmt: skip
        )
        node.port = port
        wait_for(
            lambda: node.alive() and Browser(node.url, timeout=5).get("/healthz").status in (200, 503),
            timeout=60,
            what=f"{name} to answer /healthz\n{node.output()[-3000:]}",
        )
        return node

    def worker(self, name: str = "worker", *, workers: int = 2, periodic: bool = True) -> Node:
        """A Huey consumer (`anze run_huey`) sharing the queue in Redis."""
        cmd = [str(BIN / "anze"), "run_huey", "--workers", str(workers), "--worker-type", "thread"]
        if not periodic:
            cmd.append("--no-periodic")
        return self._spawn(name, cmd)

    def redis(self, name: str = "redis", *, port: int | None = None, directory: Path | None = None) -> Node:
        """A redis-server of the test's own (append-only file on, as docs/deployment.md asks)."""
        assert REDIS_SERVER, "redis-server is not installed"
        port = port or free_port()
        directory = directory or self.tmp / f"{name}-data"
        directory.mkdir(exist_ok=True)
        node = self._spawn(
            name,
            [
                REDIS_SERVER,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--protected-mode",
                "no",
            ],  # fmt: skip
            env=dict(os.environ),
        )
        node.port = port

        def answers() -> bool:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")

        wait_for(answers, timeout=20, what=f"redis on {port}")
        return node

    def anze(self, name: str, *args: str) -> Node:
        """`anze <args>` as a process of its own (e.g. `monitoring consume`)."""
        return self._spawn(name, [str(BIN / "anze"), *args])

    def mosquitto(
        self, name: str = "mosquitto", *, port: int | None = None, directory: Path | None = None
    ) -> Node:
        """A Mosquitto broker of the test's own, persistence on in `directory`: started again on the same port
        and directory, it keeps the persistent sessions and their queued messages (saved when stopped)."""
        assert MOSQUITTO, "mosquitto is not installed"
        port = port or free_port()
        directory = directory or self.tmp / f"{name}-data"
        directory.mkdir(exist_ok=True)
        config = directory / "mosquitto.conf"
        config.write_text(
            f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {directory}/\nmax_queued_messages 0\nuser {getpass.getuser()}\n"
        )
        node = self._spawn(name, [MOSQUITTO, "-c", str(config)], env=dict(os.environ))
        node.port = port

        def answers() -> bool:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True

        wait_for(answers, timeout=20, what=f"mosquitto on {port}\n{node.output()[-2000:]}")
        return node

    def stop(self, node: Node, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        """Stop one process (and its children: gunicorn's workers) by its own id."""
        if node.proc.poll() is None:
            try:
                os.killpg(node.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                node.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(node.proc.pid, signal.SIGKILL)
                node.proc.wait(timeout=timeout)

    def kill(self, node: Node) -> None:
        """SIGKILL: the process dies where it stands, as on a power cut or the OOM killer."""
        self.stop(node, signal.SIGKILL)


def can_mount_tmpfs() -> bool:
    """Whether this machine lets a process mount a tmpfs in a mount namespace of its own (root, unshare)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(  # noqa: S603
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            "mount -t tmpfs -o size=4k probe /mnt",
        ],  # noqa: S607
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


# -- PostgreSQL servers of a test's own (a primary and its streaming replica) -------------------------------


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries on this machine (initdb, pg_ctl, pg_basebackup), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class PostgresServer:
    """A PostgreSQL cluster in a directory of the test's, on its own port, logging every statement.

    The server refuses to run as root, so as root it runs as the `postgres` user in a directory it owns.
    """

    def __init__(self, root: Path, name: str, *, port: int | None = None):
        self.bin = postgres_bin()
        assert self.bin, "the PostgreSQL server binaries are not installed"
        self.name = name
        self.port = port or free_port()
        self.dir = root / name
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
            shutil.chown(self.dir, "postgres")

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, *cmd], capture_output=True, text=True, check=False)  # noqa: S603
        assert done.returncode == 0, f"{cmd[0]} failed: {done.stdout}\n{done.stderr}\n{self.output()[-2000:]}"
        return done

    def init(self) -> PostgresServer:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--locale=C")  # fmt: skip
        return self

    def replica_of(self, primary: PostgresServer) -> PostgresServer:
        """A streaming standby of `primary`: pg_basebackup with the recovery configuration written (-R)."""
        self._run(str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                  "-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")  # fmt: skip
        return self

    def start(self) -> PostgresServer:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c log_statement=all "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "-t", "60", "start")  # fmt: skip
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def settings(self, dbname: str) -> dict[str, Any]:
        return {"HOST": "127.0.0.1", "PORT": self.port, "USER": "postgres", "PASSWORD": "", "NAME": dbname}

    def connect(self, dbname: str = PG_ADMIN_DB) -> Any:
        return _pg_connect(self.settings(dbname), dbname)

    def scalar(self, sql: str, dbname: str = PG_ADMIN_DB) -> Any:
        with self.connect(dbname) as conn:
            return conn.execute(sql).fetchone()[0]

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def statements(self, needle: str) -> int:
        """How many logged statements mention `needle` (log_statement=all)."""
        return sum(1 for line in self.output().splitlines() if "statement:" in line and needle in line)


@contextmanager
def postgres_pair(tmp_path: Path) -> Iterator[tuple[PostgresServer, PostgresServer]]:
    """A primary of the test's own and a streaming replica made from it with pg_basebackup; both stopped
    at the end. The machine's own PostgreSQL is left alone (it need not allow replication)."""
    import tempfile

    # Not under tmp_path: the postgres user must be able to reach the directory, and pytest's is root's own.
    root = Path(tempfile.mkdtemp(prefix="anze-pg-"))
    primary, replica = PostgresServer(root, "primary"), PostgresServer(root, "replica")
    try:
        primary.init().start()
        replica.replica_of(primary).start()
        wait_for(
            lambda: replica.scalar("SELECT pg_is_in_recovery()"), timeout=60, what="the replica in recovery"
        )
        yield primary, replica
    finally:
        for server in (replica, primary):
            try:
                server.stop()
            except AssertionError:
                pass
        (tmp_path / "primary.log").write_text(primary.output(), encoding="utf-8")
        (tmp_path / "replica.log").write_text(replica.output(), encoding="utf-8")
        shutil.rmtree(root, ignore_errors=True)
