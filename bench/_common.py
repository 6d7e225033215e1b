"""Shared by the benchmarks: a migrated application with the sample plugins and the demo."""

from __future__ import annotations

from pathlib import Path

SECRET = "bench-secret-key-0123456789"


def app_kwargs(tmp: Path, **overrides) -> dict:
    from tests.sample_plugins import noticeboard, noticeboard_extra

    return dict(
        overrides={
            "SECRET_KEY": SECRET,
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            **overrides,
        },
        instance_path=tmp,
        plugins=[noticeboard, noticeboard_extra],
        use_entry_points=False,
        environ={},
    )


def demo_app(tmp: Path, plugins: list | None = None, **overrides):
    """Migrate a new SQLite database in ``tmp``, load the demo, and let the demo's
    administrator in with the password ``Admin-pass-123`` (no change required). ``plugins``
    replaces the sample plugins."""
    from core.app import create_app
    from core.db import db

    kwargs = app_kwargs(tmp, **overrides)
    if plugins is not None:
        kwargs["plugins"] = plugins
    app = create_app(**kwargs)
    with db.connection_context():
        app.extensions["linli"].migrations.upgrade()
    app = create_app(**kwargs)
    app.config["TESTING"] = True
    from core import demo
    from core.access import hash_password
    from core.models import User

    with app.app_context(), db.connection_context():
        demo.load()
        User.update(
            password_hash=hash_password("Admin-pass-123"), must_change_password=False
        ).where(User.username == "admin").execute()
    return app
