"""Fixtures for browser tests: a live server with the demo loaded, and a headless Chromium page.

The browser is Debian's ``/usr/bin/chromium`` driven by Playwright; no browser is downloaded.
The tests are skipped when that executable is missing.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.db import db
from tests.conftest import builtin_plugins
from tests.sample_plugins import noticeboard, noticeboard_extra

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    url: str
    admin_password: str
    app: object


def _one_time_password(report: list[str]) -> str:
    for line in report:
        match = re.search(r"one-time password (\S+)", line)
        if match:
            return match.group(1)
    raise AssertionError(f"demo.load() printed no one-time password: {report!r}")


@pytest.fixture
def live_server(make_app):
    """The app with the sample plugins, every built-in plugin and the demo, served on a free
    local port."""
    from werkzeug.serving import make_server

    from core import demo

    app = make_app(plugins=[noticeboard, noticeboard_extra, *builtin_plugins()])
    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            report = demo.load()
        finally:
            if not db.is_closed():
                db.close()
    password = _one_time_password(report)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", password, app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def page():
    """A fresh headless Chromium page (default timeout 10 s)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed; browser tests need Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
            page = context.new_page()
            yield page
            context.close()
        finally:
            browser.close()
