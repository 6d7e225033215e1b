"""Test helpers for the core and for plugin authors (测试工具).

The fixtures live in :mod:`core.testing.pytest_plugin`, which pytest loads by itself in any
environment where Linli is installed (entry point ``pytest11``); the contract every plugin
must meet is :mod:`core.testing.contract`. The plain helpers below can be imported anywhere::

    from core.testing import COMMUNITY_A, csrf_token, login, make_user
"""

from __future__ import annotations

import importlib
import os
import re
from importlib.metadata import entry_points
from types import ModuleType

from core.commands import Context

SECRET = "test-secret-key-0123456789"
ADMIN_PASSWORD = "Admin-pass-123"
USER_PASSWORD = "Passw0rd-long"
# Two communities of the demo district (示范区 990101) in different streets:
COMMUNITY_A = "990101001001"  # 幸福社区 (东湖街道)
COMMUNITY_B = "990101002001"  # 长青社区 (西山街道)
DISTRICT = "990101"


def env_database_url() -> str | None:
    """``LINLI_TEST_DATABASE_URL`` (a ``postgresql://`` URL), when the run uses PostgreSQL."""
    return os.environ.get("LINLI_TEST_DATABASE_URL") or None


def reset_postgres(url: str) -> None:
    """Start from an empty ``public`` schema."""
    from playhouse.db_url import connect

    database = connect(url)
    with database.connection_context():
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    database.close()


def migrated_app(instance_path, database_url: str, plugins=(), secret: str = SECRET, **settings):
    """An application on ``database_url`` with ``plugins`` (modules), every migration
    applied and the plugins active: what tests, benchmarks and fixtures start from."""
    from core.app import create_app
    from core.db import db

    kwargs = dict(
        overrides={"DATABASE_URL": database_url, "SECRET_KEY": secret, **settings},
        instance_path=instance_path,
        plugins=list(plugins),
        use_entry_points=False,
        environ={},
    )
    app = create_app(**kwargs)
    with db.connection_context():
        app.extensions["linli"].migrations.upgrade()
    app = create_app(**kwargs)  # plugins become active once migrated
    app.config.update(TESTING=True)
    return app


def installed_plugins() -> dict[str, ModuleType]:
    """Every plugin declared in the ``linli.plugins`` entry-point group: id -> module."""
    return {ep.name: ep.load() for ep in entry_points(group="linli.plugins")}


def builtin_plugins() -> list[ModuleType]:
    """Every plugin package under ``plugins/`` (the built-ins), imported, in name order."""
    import pkgutil

    import plugins

    return [
        importlib.import_module(f"plugins.{info.name}")
        for info in sorted(pkgutil.iter_modules(plugins.__path__), key=lambda i: i.name)
        if info.ispkg
    ]


def resolve_plugins(wanted) -> list[ModuleType]:
    """Plugin modules for ``wanted`` (modules, or ids of installed plugins), with everything
    they require (transitively), requirements first."""
    installed = None
    result: list[ModuleType] = []

    def add(item) -> None:
        nonlocal installed
        if isinstance(item, str):
            if installed is None:
                installed = installed_plugins()
            if item not in installed:
                raise LookupError(f"plugin {item!r} is not installed (no entry point)")
            item = installed[item]
        if item in result:
            return
        for req in getattr(getattr(item, "MANIFEST", None), "requires", ()):
            if not any(m.MANIFEST.id == req for m in result):
                add(req)
        result.append(item)

    for item in wanted:
        add(item)
    return result


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, username: str, password: str):
    """Log ``client`` in through the login page (with its CSRF token)."""
    page = client.get("/auth/login")
    token = csrf_token(page.get_data(as_text=True))
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def make_user(username, role, unit_code, scope="subtree", password=USER_PASSWORD):
    """A user holding ``role`` at the unit ``unit_code`` with ``scope`` (needs an app context)."""
    from core import services, territory

    services.ensure_builtin_roles()
    return services.create_user(
        Context.trusted(), username, password, role, territory.by_code(unit_code), scope
    )
