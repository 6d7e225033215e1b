"""WSGI applications served by gunicorn in ``python -m bench api``.

``app``: Linli with the sample plugins (the API under test). ``baseline``: the same page of
the same table read with raw peewee and serialised with ``json.dumps``, no Flask, no access
checks. Both read ``LINLI_INSTANCE_PATH`` / ``LINLI_DATABASE_URL`` from the environment.
"""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs


def _linli():
    from core.app import create_app
    from tests.sample_plugins import noticeboard, noticeboard_extra

    return create_app(plugins=[noticeboard, noticeboard_extra], use_entry_points=False)


def _baseline():
    from playhouse.db_url import connect

    from core.db import SQLITE_PRAGMAS

    url = os.environ["LINLI_DATABASE_URL"]
    database = connect(url, pragmas=SQLITE_PRAGMAS) if url.startswith("sqlite") else connect(url)
    sql = (
        "SELECT id, unit_id, title, body, hidden, contact_phone, contact_id, created_by_id, "
        "created_at, updated_at FROM noticeboard_notice ORDER BY id LIMIT ? OFFSET ?"
    )
    if not url.startswith("sqlite"):
        sql = sql.replace("?", "%s")
    names = (
        "id",
        "unit",
        "title",
        "body",
        "hidden",
        "contact_phone",
        "contact_id",
        "created_by",
        "created_at",
        "updated_at",
    )

    def application(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", ["20"])[0])
        with database.connection_context():
            rows = database.execute_sql(sql, (per_page, (page - 1) * per_page)).fetchall()
            total = database.execute_sql("SELECT COUNT(*) FROM noticeboard_notice").fetchone()[0]
        items = [dict(zip(names, row, strict=True)) for row in rows]
        body = json.dumps(
            {"items": items, "page": page, "per_page": per_page, "total": total},
            ensure_ascii=False,
            default=str,
        ).encode("utf-8")
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return application


if os.environ.get("LINLI_BENCH_APP") == "baseline":
    baseline = _baseline()
else:
    app = _linli()
