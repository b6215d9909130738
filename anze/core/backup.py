"""备份与恢复 — the database and the media files together, with a manifest of checksums.

A backup is a directory: `manifest.json`, the database (`database.sqlite3` made with SQLite's online backup
API, or `database.pgdump` made by `pg_dump --format=custom`) and `media/`, a copy of `MEDIA_ROOT`. The
manifest lists every file with its SHA-256 and size, and the row count of every table, so a restore can
prove it put back what was taken.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
# The tables that say a site is in use: a restore over them is refused.
IN_USE_TABLES = ("audit_auditevent", "accounts_user")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what is wrong and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, dict[str, Any]]:
    listed = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST):
        listed[path.relative_to(root).as_posix()] = {"sha256": _sha256(path), "size": path.stat().st_size}
    return listed


def row_counts(conn: Any = connection) -> dict[str, int]:
    """The number of rows in every table of the database."""
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608 - introspected
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    tool = cmd[0]
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} 未安装：请安装与数据库服务器同版本的 PostgreSQL 客户端（Debian: postgresql-client）"
        )
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{tool} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def create_backup(dest: Path) -> dict[str, Any]:
    """Write a backup of the database and the media files into `dest` (new or empty) and return its manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"备份目录 {dest} 不是空的：请指定一个新目录")
    dest.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    counts = row_counts()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(dest / SQLITE_FILE)
        try:
            # The online backup API copies a consistent snapshot while the site keeps writing.
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        db = connection.settings_dict
        args, env = _pg_env(db)
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(dest / PG_FILE), str(db["NAME"])], env)  # fmt: skip
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, dest / MEDIA_DIR)
    else:
        (dest / MEDIA_DIR).mkdir()
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "row_counts": counts,
        "files": _files(dest),
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def check_backup(src: Path) -> dict[str, Any]:
    """The manifest of the backup in `src`, after checking every file against it (nothing missing or extra)."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{src} 中没有 {MANIFEST}：这不是 anze backup 生成的备份") from exc
    except ValueError as exc:
        raise BackupError(f"{src / MANIFEST} 不是有效的 JSON：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 不受支持（应为 {FORMAT}）")
    expected = manifest.get("files") or {}
    actual = _files(src)
    problems = [f"缺少 {name}" for name in sorted(set(expected) - set(actual))]
    problems += [f"多出 {name}" for name in sorted(set(actual) - set(expected))]
    problems += [
        f"校验和不符 {name}"
        for name in sorted(set(expected) & set(actual))
        if expected[name]["sha256"] != actual[name]["sha256"]
        or expected[name]["size"] != actual[name]["size"]
    ]
    if problems:
        raise BackupError("备份与清单不符，拒绝恢复：" + "；".join(problems[:20]))
    return manifest


def _in_use() -> list[str]:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        used = []
        for table in IN_USE_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    used.append(table)
    return used


def restore_backup(src: Path) -> dict[str, Any]:
    """Put the backup in `src` back into the configured database and `MEDIA_ROOT`, both of which must be empty."""
    src = Path(src)
    manifest = check_backup(src)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}：请配置同类数据库"
        )
    used = _in_use()
    if used:
        raise BackupError(f"目标数据库不是空的（{', '.join(used)} 中有数据）：请恢复到一个新建的空数据库")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"媒体目录 {media_root} 不是空的：请恢复到一个空目录")
    if connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{src / SQLITE_FILE}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        db = connection.settings_dict
        args, env = _pg_env(db)
        connection.close()
        # --clean drops what `anze migrate` may have made in the empty database before loading the dump.
        _run(["pg_restore", *args, "--no-owner", "--no-privileges", "--clean", "--if-exists", "--exit-on-error",
              "--single-transaction", "--dbname", str(db["NAME"]), str(src / PG_FILE)], env)  # fmt: skip
    if (src / MEDIA_DIR).is_dir():
        shutil.copytree(src / MEDIA_DIR, media_root, dirs_exist_ok=True)
    counts = row_counts()
    differing = sorted(t for t, n in manifest["row_counts"].items() if counts.get(t) != n)
    if differing:
        raise BackupError("恢复后的行数与清单不符：" + "，".join(differing[:20]))
    return manifest
