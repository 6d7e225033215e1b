"""pytest fixtures for Linli and its plugins (插件测试夹具), loaded by pytest itself wherever
Linli is installed (entry point ``pytest11`` named ``linli``; disable with ``-p no:linli``).

Fixtures (all function-scoped; each test gets a fresh, migrated database):

``linli_plugins``
    The plugins of the ``app`` fixture: ids of installed plugins or modules. Set it with the
    marker ``@pytest.mark.linli_plugins("parking", ...)`` or override the fixture in your
    ``conftest.py``. Requirements are added by themselves.
``database_url``
    SQLite in the test's temporary folder, or the PostgreSQL server named by
    ``LINLI_TEST_DATABASE_URL`` (emptied first; ``tests/with_postgres.sh`` starts one).
``make_app(plugins=(), migrate=True, **settings)``
    A factory: an application with exactly these plugins (entry points are not read), its
    database migrated unless ``migrate=False``; ``settings`` are instance settings
    (``PAGE_SIZE=5``).
``app``
    ``make_app(plugins=linli_plugins)``.
``ctx``
    An application context of ``app`` with an open database connection.
``demo``
    The demo territory (示范区 990101, communities ``COMMUNITY_A`` and ``COMMUNITY_B``), the
    built-in roles, every active plugin enabled in the district, and the platform
    administrator ``admin`` with the password ``ADMIN_PASSWORD``.
``user_factory(username, role="community_staff", unit=COMMUNITY_A, scope="subtree")``
    Creates a user of ``role`` at ``unit`` (a unit code) with a data ``scope``.
``admin`` / ``admin_client``
    A test client logged in as the platform administrator.
``client_for(username)``
    A test client logged in as a user made with ``user_factory`` (or ``make_user``).
``portal_client(role="grid_worker", unit=COMMUNITY_A, scope="subtree")``
    A new user of that role and unit, logged in; ``client.user`` is the user.

Marker ``@pytest.mark.awkward_days``
    A test that depends on "today" (deadlines, overdue, expiry, anniversaries, calendars)
    runs today and again under a frozen clock (``time-machine``) on each of
    :data:`AWKWARD_DAYS`: the last day of a month, 31 December late at night, the eve of the
    Spring Festival holiday, a make-up Saturday (调休上班) and the first minutes of a day in
    China while it is still the day before in UTC. The clock is frozen before the test's
    fixtures are made, and ticks on from there. The fixture ``awkward_day`` gives the
    frozen moment (None for the real today).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from core.testing import (
    ADMIN_PASSWORD,
    COMMUNITY_A,
    SECRET,
    USER_PASSWORD,
    env_database_url,
    login,
    make_user,
    migrated_app,
    reset_postgres,
    resolve_plugins,
)

# Awkward days for date-dependent tests (China time; the calendar is migrations/core/0003):
AWKWARD_DAYS = {
    "month-end": "2027-01-31T10:00:00+08:00",  # last day of a month, a Sunday
    "new-years-eve": "2026-12-31T23:30:00+08:00",  # 31 December, half an hour to midnight
    "spring-festival-eve": "2027-02-04T16:00:00+08:00",  # the day before 春节 2027-02-05..08
    "make-up-saturday": "2026-02-28T09:00:00+08:00",  # 春节调休上班, a working Saturday
    "china-ahead-of-utc": "2027-01-01T00:30:00+08:00",  # 元旦 in China, 31 Dec in UTC
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "linli_plugins(*plugins): plugin ids or modules of the `app` fixture"
    )
    config.addinivalue_line(
        "markers",
        "awkward_days: run the test today and under frozen clocks on AWKWARD_DAYS "
        "(month end, 31 December, Spring Festival eve, make-up Saturday, UTC date behind)",
    )


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("awkward_days"):
        metafunc.parametrize(
            "awkward_day",
            [None, *AWKWARD_DAYS.values()],
            indirect=True,
            ids=["today", *AWKWARD_DAYS],
        )


@pytest.fixture(autouse=True)
def awkward_day(request):
    """The frozen moment of an ``awkward_days`` test (None: the real clock)."""
    moment = getattr(request, "param", None)
    if moment is None:
        yield None
        return
    import time_machine

    at = dt.datetime.fromisoformat(moment)
    with time_machine.travel(at, tick=True):
        yield at


def _close_db():
    from core.db import db

    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.fixture
def linli_plugins(request):
    marker = request.node.get_closest_marker("linli_plugins")
    return list(marker.args) if marker else []


@pytest.fixture
def database_url(tmp_path):
    url = env_database_url()
    if url:
        _close_db()
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'linli.sqlite3'}"


@pytest.fixture
def make_app(tmp_path, database_url):
    """Build a migrated app: ``make_app(plugins=[module or id, ...], migrate=True, **settings)``."""
    from core.app import create_app

    def factory(plugins=(), migrate=True, **overrides):
        overrides.setdefault("DATABASE_URL", database_url)
        overrides.setdefault("SECRET_KEY", SECRET)
        overrides.setdefault("TODO_COUNT_SECONDS", 0)  # every page counts (tests change data)
        if migrate:
            url, secret = overrides.pop("DATABASE_URL"), overrides.pop("SECRET_KEY")
            return migrated_app(
                tmp_path / "instance", url, resolve_plugins(plugins), secret, **overrides
            )
        app = create_app(
            overrides=overrides,
            instance_path=tmp_path / "instance",
            plugins=resolve_plugins(plugins),
            use_entry_points=False,
            environ={},
        )
        app.config.update(TESTING=True)
        return app

    yield factory
    _close_db()


@pytest.fixture
def app(make_app, linli_plugins):
    return make_app(plugins=linli_plugins)


@pytest.fixture
def ctx(app):
    """An application context with an open database connection."""
    from core.db import db

    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        if not db.is_closed():
            db.close()


@pytest.fixture
def demo(app):
    """The demo territory, roles, enabled plugins and the admin (password known to the test).

    Loaded in an application context of its own: requests made by a test client must not
    share an application context (and its ``g``) with the test.
    """
    from core import demo as demo_module
    from core.access import hash_password
    from core.models import User

    with app.app_context():
        demo_module.load()
        User.update(password_hash=hash_password(ADMIN_PASSWORD), must_change_password=False).where(
            User.username == "admin"
        ).execute()
    return demo_module


@pytest.fixture
def admin(app, demo):
    """A test client logged in as the demo's platform administrator."""
    client = app.test_client()
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 302
    return client


@pytest.fixture
def admin_client(admin):
    return admin


@pytest.fixture
def user_factory(app, demo):
    """``user_factory(username, role="community_staff", unit=COMMUNITY_A, scope="subtree")``."""

    def factory(username, role="community_staff", unit=COMMUNITY_A, scope="subtree"):
        with app.app_context():
            return make_user(username, role, unit, scope)

    return factory


@pytest.fixture
def client_for(app, demo):
    """``client_for(username)`` logs in a user created with ``make_user`` (password default)."""

    def factory(username, password=USER_PASSWORD):
        client = app.test_client()
        response = login(client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return factory


@pytest.fixture
def portal_client(user_factory, client_for):
    """``portal_client(role="grid_worker", unit=COMMUNITY_A)``: a new user, logged in."""
    counter = itertools.count(1)

    def factory(role="grid_worker", unit=COMMUNITY_A, scope="subtree"):
        username = f"portal_{role}_{next(counter)}"
        user = user_factory(username, role, unit, scope)
        client = client_for(username)
        client.user = user
        return client

    return factory
