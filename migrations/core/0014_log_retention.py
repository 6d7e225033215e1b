"""Audit and login logs (审计日志、登录日志) are kept at least 180 days (网络安全法 art. 21):
the database refuses to delete a younger row on any path; older rows may be pruned
(`linli audit prune`). Changing a row stays refused."""

from core.migrations import append_only, keep_for

TABLES = ("core_audit_log", "core_login_attempt")


def up(migrator, db):
    for table in TABLES:
        keep_for(db, table, 180)


def down(migrator, db):
    from peewee import SqliteDatabase

    for table in TABLES:
        if isinstance(db, SqliteDatabase):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            db.execute_sql(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        else:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            db.execute_sql(f"DROP FUNCTION IF EXISTS {table}_append_only()")
            append_only(db, table)
