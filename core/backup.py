"""Backup and restore (备份与恢复): one archive holding a consistent database snapshot and the
upload store.

SQLite is copied with its online backup API (consistent while the application runs);
PostgreSQL with ``pg_dump --format=custom``. The archive also records the engine and the
migration version of every component, and ``restore`` refuses an archive of another engine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from flask import current_app

from core.db import db, is_sqlite

FORMAT = 1


class BackupError(Exception):
    """Backup or restore refused or failed; nothing was changed."""


def _cfg():
    return current_app.config["LINLI"]


def _sqlite_path() -> str:
    return db.obj.database


def _pg_url() -> str:
    url = _cfg()["DATABASE_URL"]
    return "postgresql://" + url.split("://", 1)[1]


def _run(args: list[str]) -> None:
    try:
        result = subprocess.run(args, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{args[0]} is not installed: {exc}") from exc
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[:500]}")


def create(output: str | None = None) -> Path:
    state = current_app.extensions["linli"]
    instance = Path(current_app.instance_path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = Path(output) if output else instance / "backups" / f"linli-{stamp}.tar.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    engine = "sqlite" if is_sqlite() else "postgresql"
    with db.connection_context():
        versions = {s.component: s.version for s in state.migrations.status()}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        if engine == "sqlite":
            dump = tmpdir / "database.sqlite3"
            source = sqlite3.connect(_sqlite_path())
            copy = sqlite3.connect(dump)
            try:
                with copy:
                    source.backup(copy)
            finally:
                copy.close()
                source.close()
        else:
            dump = tmpdir / "database.pgdump"
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-acl",
                    "-f",
                    str(dump),
                    "--dbname",
                    _pg_url(),
                ]
            )
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "migrations": versions,
        }
        (tmpdir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        partial = target.with_name(target.name + ".partial")
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        os.chmod(partial, 0o600)  # a backup holds every resident's data: owner only
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmpdir / "manifest.json", "manifest.json")
            tar.add(dump, dump.name)
            uploads = Path(_cfg()["UPLOAD_DIR"])
            if uploads.is_dir():
                tar.add(uploads, "uploads")
        partial.replace(target)
    return target


def restore(archive: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(tmpdir, filter="data")
            manifest = json.loads((tmpdir / "manifest.json").read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError, KeyError) as exc:
            raise BackupError(f"{archive} is not a Linli backup archive: {exc}") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{archive}: unsupported backup format {manifest.get('format')!r}")
        engine = "sqlite" if is_sqlite() else "postgresql"
        if manifest.get("engine") != engine:
            raise BackupError(
                f"{archive} holds a {manifest.get('engine')} database; this instance uses {engine}"
            )
        if not db.is_closed():
            db.close()
        if engine == "sqlite":
            source = sqlite3.connect(tmpdir / "database.sqlite3")
            live = sqlite3.connect(_sqlite_path())
            try:
                source.backup(live)
            finally:
                live.close()
                source.close()
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-acl",
                    "--single-transaction",
                    "--dbname",
                    _pg_url(),
                    str(tmpdir / "database.pgdump"),
                ]
            )
        uploads = Path(_cfg()["UPLOAD_DIR"])
        if uploads.exists():
            shutil.rmtree(uploads)
        if (tmpdir / "uploads").is_dir():
            shutil.copytree(tmpdir / "uploads", uploads)
        return manifest
