"""Shared fixtures: a migrated application on SQLite (default) or PostgreSQL.

Set ``LINLI_TEST_DATABASE_URL`` to a ``postgresql://`` URL (``tests/with_postgres.sh`` does)
to run the whole suite on a real PostgreSQL server; each application then starts from an
empty ``public`` schema.
"""

from __future__ import annotations

import os
import re

import pytest

from core.app import create_app
from core.db import db
from tests.sample_plugins import noticeboard, noticeboard_extra

PG_URL = os.environ.get("LINLI_TEST_DATABASE_URL")
SECRET = "test-secret-key-0123456789"


def reset_postgres(url: str) -> None:
    from playhouse.db_url import connect

    database = connect(url)
    with database.connection_context():
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    database.close()


def builtin_plugins():
    """Every plugin package under ``plugins/`` (the built-ins), imported, in name order."""
    import importlib
    import pkgutil

    import plugins

    return [
        importlib.import_module(f"plugins.{info.name}")
        for info in sorted(pkgutil.iter_modules(plugins.__path__), key=lambda i: i.name)
        if info.ispkg
    ]


@pytest.fixture
def database_url(tmp_path):
    if PG_URL:
        if db.obj is not None and not db.is_closed():
            db.close()
        reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'linli.sqlite3'}"


@pytest.fixture
def make_app(tmp_path, database_url):
    """Build a migrated app: ``make_app(plugins=[module, ...], blocked=[...], migrate=True)``."""
    apps = []

    def factory(plugins=(), migrate=True, **overrides):
        overrides.setdefault("DATABASE_URL", database_url)
        overrides.setdefault("SECRET_KEY", SECRET)
        kwargs = dict(
            overrides=overrides,
            instance_path=tmp_path / "instance",
            plugins=list(plugins),
            use_entry_points=False,
            environ={},
        )
        app = create_app(**kwargs)
        if migrate:
            with db.connection_context():
                app.extensions["linli"].migrations.upgrade()
            app = create_app(**kwargs)  # plugins become active once migrated
        app.config.update(TESTING=True)
        apps.append(app)
        return app

    yield factory
    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.fixture
def app(make_app):
    return make_app(plugins=[noticeboard, noticeboard_extra])


@pytest.fixture
def ctx(app):
    """An application context with an open database connection."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        if not db.is_closed():
            db.close()


@pytest.fixture
def demo(app):
    """The demo territory, roles and the admin (password known to the test).

    Loaded in an application context of its own: requests made by a test client must not
    share an application context (and its ``g``) with the test.
    """
    from core import demo as demo_module
    from core.access import hash_password
    from core.models import User

    with app.app_context():
        demo_module.load()
        User.update(
            password_hash=hash_password("Admin-pass-123"), must_change_password=False
        ).where(User.username == "admin").execute()
    return demo_module


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, username: str, password: str):
    page = client.get("/auth/login")
    token = csrf_token(page.get_data(as_text=True))
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def make_user(username, role, unit_code, scope="subtree", password="Passw0rd-long"):
    from core import services, territory

    services.ensure_builtin_roles()
    return services.create_user(username, password, role, territory.by_code(unit_code), scope)


@pytest.fixture
def admin(app, demo):
    """A test client logged in as the demo's platform administrator."""
    client = app.test_client()
    assert login(client, "admin", "Admin-pass-123").status_code == 302
    return client


@pytest.fixture
def client_for(app, demo):
    """``client_for(username)`` logs in a user created with ``make_user`` (password default)."""

    def factory(username, password="Passw0rd-long"):
        client = app.test_client()
        response = login(client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return factory
