"""Schema migrations (数据库迁移) with peewee's ``playhouse.migrations`` runner.

One folder and one history table (``migrations_<component>``) per component; the core is
applied first, then the plugins in dependency order. Each migration script runs in its own
transaction: one that fails half-way is rolled back, so its component stays at the previous
version, and :class:`MigrationFailed` says which script failed and where the component stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import peewee as pw
from playhouse.migrations import MigrationError, Runner, template
from playhouse.schema_diff import diff_models

ROOT = Path(__file__).resolve().parent.parent
CORE_MIGRATIONS = ROOT / "migrations" / "core"


class MigrationFailed(Exception):
    """A migration could not be applied; the message names component, script and version."""


@dataclass
class ComponentStatus:
    component: str
    applied: list[str]
    pending: list[str]
    missing_files: list[str]

    @property
    def version(self) -> str:
        return self.applied[-1] if self.applied else "(empty)"


class Migrations:
    """The migration folders of the core and the active plugins, in application order."""

    def __init__(self, database: pw.Database, folders: list[tuple[str, Path]]):
        self.database = database
        self.folders = folders

    def runner(self, component: str) -> Runner:
        for name, folder in self.folders:
            if name == component:
                return Runner(self.database, str(folder), table_name=f"migrations_{name}")
        raise MigrationFailed(f"unknown component {component!r}")

    def components(self) -> list[str]:
        return [name for name, _ in self.folders]

    def status(self, component: str | None = None) -> list[ComponentStatus]:
        result = []
        for name in [component] if component else self.components():
            rows = self.runner(name).status()
            result.append(
                ComponentStatus(
                    name,
                    [m.name for m in rows if m.applied and m.path],
                    [m.name for m in rows if not m.applied],
                    [m.name for m in rows if m.path is None],
                )
            )
        return result

    def pending(self) -> dict[str, list[str]]:
        return {s.component: s.pending for s in self.status() if s.pending}

    def upgrade(self, component: str | None = None) -> dict[str, list[str]]:
        """Apply pending migrations (of one component, or all in order); return what ran."""
        done: dict[str, list[str]] = {}
        for name in [component] if component else self.components():
            runner = self.runner(name)
            for migration in runner.status():
                if migration.applied or migration.path is None:
                    continue
                try:
                    runner.up(target=migration.name)
                except Exception as exc:
                    now = self.status(name)[0].version
                    raise MigrationFailed(
                        f"{name}: migration {migration.name} failed ({exc}); {name} stays at {now}"
                    ) from exc
                done.setdefault(name, []).append(migration.name)
        return done

    def downgrade(self, component: str, steps: int = 1) -> list[str]:
        """Revert the last ``steps`` applied migrations of ``component``."""
        runner = self.runner(component)
        reverted = []
        for _ in range(steps):
            applied = [m for m in runner.status() if m.applied]
            if not applied:
                break
            name = applied[-1].name
            try:
                runner.down()
            except (MigrationError, Exception) as exc:
                now = self.status(component)[0].version
                raise MigrationFailed(
                    f"{component}: reverting {name} failed ({exc}); {component} stays at {now}"
                ) from exc
            reverted.append(name)
        return reverted


def render(database: pw.Database, models: list, title: str) -> str | None:
    """A migration script body that brings the database in line with ``models``, or None.

    Built with ``playhouse.schema_diff`` and ``playhouse.migrations.template``; foreign keys
    get ``backref='+'`` so that frozen models with two keys to one table (created_by,
    updated_by) do not clash.
    """
    diff = diff_models(database, models)
    if not diff:
        return None
    body = template(diff)
    body = re.sub(r"# TODO: \w+: default <function [^>]+> must be added by hand\n", "", body)
    body = re.sub(r"ForeignKeyField\(('self'|\w+)", r"ForeignKeyField(\1, backref='+'", body)
    body = _freeze_field_classes(body)
    body = prefix_index_names(body)
    return f'"""{title}"""\n' + body


def prefix_index_names(body: str) -> str:
    """Frozen models name their indexes after the table (``timebank_activity_unit_id``), not
    after the class (``activity_unit_id``): index names are global in a database, and two
    plugins may both have a class ``Activity``."""
    return re.sub(
        r"^(\s+)(table_name = (?:'[^']+'|\"[^\"]+\"))$",
        r"\1\2\n\1legacy_table_names = False",
        body,
        flags=re.M,
    )


def _freeze_field_classes(body: str) -> str:
    """Replace field classes imported from the project (``IdCardField``...) by the peewee
    class they store as, so that a migration never changes when application code does."""
    import importlib

    for module, name in re.findall(r"^from (\S+) import (\w+)\n", body, flags=re.M):
        if module == "peewee":
            continue
        cls = getattr(importlib.import_module(module), name, None)
        if not isinstance(cls, type) or not issubclass(cls, pw.Field):
            continue
        base = next(c for c in cls.__mro__ if c.__module__ == "peewee")
        body = body.replace(f"from {module} import {name}\n", "")
        body = re.sub(rf"\b{name}\(", f"{base.__name__}(", body)
    return body


def write_next(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group()) for p in folder.glob("[0-9]*.py") if (m := re.match(r"\d+", p.name))]
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "migration"
    path = folder / f"{max(numbers, default=0) + 1:04d}_{slug}.py"
    path.write_text(body, encoding="utf-8")
    return path


def append_only(database: pw.Database, table: str) -> None:
    """Make ``table`` append-only in the database itself: UPDATE and DELETE are refused.

    For evidence tables (audit, ledger, ballots, history). Migrations call this after creating
    the table, and :func:`drop_append_only` after dropping it.
    """
    if isinstance(database, pw.SqliteDatabase):
        for op in ("UPDATE", "DELETE"):
            database.execute_sql(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    else:
        database.execute_sql(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
        )
        database.execute_sql(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )


def keep_for(database: pw.Database, table: str, days: int, column: str = "at") -> None:
    """Let an append-only ``table`` (see :func:`append_only`) lose rows only once they are
    ``days`` old by ``column`` (UTC), measured by the database's own clock: a log kept for a
    legal minimum (网络安全法 art. 21: 180 days) can be pruned after it, never before, by any
    path. UPDATE stays refused."""
    if isinstance(database, pw.SqliteDatabase):
        database.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        database.execute_sql(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN OLD.{column} >= datetime('now', '-{int(days)} days') "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    else:
        database.execute_sql(
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' AND OLD.{column} < "
            f"(now() AT TIME ZONE 'UTC') - interval '{int(days)} days' THEN RETURN OLD; END IF; "
            f"RAISE EXCEPTION '{table} is append-only'; END $$"
        )


def drop_append_only(database: pw.Database, table: str) -> None:
    """Remove what :func:`append_only` added that survives dropping the table."""
    if not isinstance(database, pw.SqliteDatabase):
        database.execute_sql(f"DROP FUNCTION IF EXISTS {table}_append_only()")


def seed_dictionary(database: pw.Database, code: str, name: tuple[str, str], items) -> None:
    """Create the built-in dictionary ``code`` (字典) with its platform items (code,
    label_zh, label_en), in order, unless it is there: a plugin's migration seeds a choice
    list that districts then edit, with the codes its records already hold."""
    dictionaries, entries = pw.Table("core_dictionary"), pw.Table("core_dictionary_item")

    def find():
        query = dictionaries.bind(database).select(dictionaries.c.id)
        return query.where(dictionaries.c.code == code).first()

    row = find()
    if row is None:
        dictionaries.bind(database).insert(
            code=code, name_zh=name[0], name_en=name[1], builtin=True
        ).execute()
        row = find()
    known = {
        r["code"]
        for r in entries.bind(database)
        .select(entries.c.code)
        .where((entries.c.dictionary_id == row["id"]) & entries.c.district_id.is_null())
    }
    for order, (item, zh, en) in enumerate(items):
        if item not in known:
            entries.bind(database).insert(
                dictionary_id=row["id"],
                district_id=None,
                code=item,
                label_zh=zh,
                label_en=en,
                sort_order=order,
                retired=False,
            ).execute()


def unseed_dictionary(database: pw.Database, code: str) -> None:
    """Remove the dictionary ``code`` and all its items (a plugin migration's rollback)."""
    dictionaries, entries = pw.Table("core_dictionary"), pw.Table("core_dictionary_item")
    ids = dictionaries.bind(database).select(dictionaries.c.id).where(dictionaries.c.code == code)
    entries.bind(database).delete().where(entries.c.dictionary_id.in_(ids)).execute()
    dictionaries.bind(database).delete().where(dictionaries.c.code == code).execute()
