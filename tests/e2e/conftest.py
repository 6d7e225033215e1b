"""Fixtures for browser tests: a live server with the demo loaded, and a headless Chromium page.

The browser is Debian's ``/usr/bin/chromium`` driven by Playwright; no browser is downloaded.
The tests are skipped when that executable is missing.
"""

from __future__ import annotations

import pytest

from tests.conftest import builtin_plugins
from tests.e2e.server import CHROMIUM, LiveServer, chromium, serve_demo  # noqa: F401
from tests.sample_plugins import noticeboard, noticeboard_extra


@pytest.fixture
def live_server(make_app):
    """The app with the sample plugins, every built-in plugin and the demo, served on a free
    local port."""
    app = make_app(plugins=[noticeboard, noticeboard_extra, *builtin_plugins()])
    with serve_demo(app) as server:
        yield server


@pytest.fixture
def page():
    """A fresh headless Chromium page (default timeout 10 s)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed; browser tests need Debian's chromium")
    with chromium() as context:
        yield context.new_page()
