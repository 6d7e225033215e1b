"""Shared fixtures: a migrated application on SQLite (default) or PostgreSQL.

Set ``LINLI_TEST_DATABASE_URL`` to a ``postgresql://`` URL (``tests/with_postgres.sh`` does)
to run the whole suite on a real PostgreSQL server; each application then starts from an
empty ``public`` schema.
"""

from __future__ import annotations

import pytest

from core.testing import (  # noqa: F401  (helpers the tests import from here)
    SECRET,
    builtin_plugins,
    csrf_token,
    login,
    make_user,
    reset_postgres,
)
from tests.sample_plugins import noticeboard, noticeboard_extra


@pytest.fixture
def app(make_app):
    """The sample plugins; the other fixtures (make_app, demo, admin, client_for...) come from
    Linli's pytest plugin, core/testing/pytest_plugin.py."""
    return make_app(plugins=[noticeboard, noticeboard_extra])
