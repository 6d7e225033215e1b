"""The demo application served on 127.0.0.1 for a browser: the e2e fixtures (one per test or
one per module) and the screenshot script (``python -m tests.e2e.screenshots``) use it."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.db import db

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


@contextmanager
def serve_demo(app):
    """Load the demo into ``app`` (migrated) and serve it on a free local port."""
    from werkzeug.serving import make_server

    from core import demo

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


@contextmanager
def chromium(**context_options):
    """A headless Chromium context (Debian's, through Playwright), Chinese, 10 s timeouts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            options = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 800}}
            context = browser.new_context(**{**options, **context_options})
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
            try:
                yield context
            finally:
                context.close()
        finally:
            browser.close()


def first_login(page, base: str, password: str, new_password: str) -> None:
    """Log in as the demo's administrator with its one-time password and set a new one."""
    page.goto(f"{base}/auth/login?next=/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/password$"))
    page.fill("input[name=current]", password)
    page.fill("input[name=new]", new_password)
    page.fill("input[name=confirm]", new_password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
