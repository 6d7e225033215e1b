"""Chinese first, everywhere (中文优先): on the zh_Hans_CN interface no column header, details
label, form label or CSV export header is English only.

One application with every plugin (built-in and installed) and the demo for the module (the
app of the escaping walk, ``tests/core/test_escaping.py``). The platform administrator and one
user per built-in staff role (``core.services.BUILTIN_ROLES`` without the portal roles) walk
every admin view (list, details and edit of the first rows, create form, CSV export) and every
portal page they reach. Every ``<th>``, ``<label>``, ``<dt>`` and details label (``<td><b>``)
and every cell of a CSV header row holding a Latin word and no Chinese character fails the
test, naming the page; a few abbreviations (ID, QR, API, CSV ...) and units are no words.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from core.testing import ADMIN_PASSWORD, DISTRICT, USER_PASSWORD, login
from tests.core.test_escaping import Page, Walk, walk_app

# the words on the pages do not depend on the database: SQLite only (tests/run_both.sh)
pytestmark = pytest.mark.words

CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z]{2,}")
# abbreviations and units a Chinese label may well be written with
ALLOWED = {"ID", "QR", "API", "CSV", "XLSX", "PDF", "URL", "TOTP", "km", "kg", "cm", "mm", "ml"}


def english_only(text: str) -> bool:
    text = " ".join(text.split())
    if not text or CHINESE.search(text):
        return False
    return any(word not in ALLOWED for word in WORD.findall(text))


def test_the_check_tells_english_from_chinese():
    for text in ("Place", "Proposed Grade", "State of the unit", "IP address"):
        assert english_only(text), text
    for text in ("地点", "二维码 QR", "ID", "API 令牌", "CSV", "面积 (m²)", "3 km", "", "  "):
        assert not english_only(text), text


class Labels(HTMLParser):
    """The text of every header, label, term and details label of a page."""

    TAGS = ("th", "label", "dt")

    def __init__(self):
        super().__init__()
        self.open: list[list] = []  # [tag, text parts]
        self.found: list[str] = []
        self.in_td = 0

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self.in_td += 1
        if tag in self.TAGS or (tag == "b" and self.in_td):
            self.open.append([tag, []])

    def handle_endtag(self, tag):
        if tag == "td":
            self.in_td = max(0, self.in_td - 1)
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                _tag, parts = self.open.pop(i)
                self.found.append(" ".join("".join(parts).split()))
                break

    def handle_data(self, data):
        for entry in self.open:
            entry[1].append(data)


def labels_of(page: Page) -> list[str]:
    if page.url.endswith("/export/csv/"):
        rows = list(csv.reader(io.StringIO(page.body)))
        return rows[0] if rows else []
    parser = Labels()
    parser.feed(page.html)
    return parser.found


class LabelWalk(Walk):
    """The escaping walk, plus every create form and CSV export, keeping CSV bodies."""

    def get(self, label, url):
        if url in self.seen:
            return None
        self.seen.add(url)
        response = self.client.get(url)
        page = Page(label, url, response)
        page.body = response.get_data(as_text=True) if url.endswith("/export/csv/") else ""
        self.pages.append(page)
        return page

    def admin(self):
        from core.admin import ModelView

        super().admin()
        admin = self.app.extensions["admin"][0]
        for view in admin._views:
            if isinstance(view, ModelView):
                base = view.url.rstrip("/")
                self.get(f"{view.endpoint} create", f"{base}/new/")
                if "csv" in (view.export_types or ()):
                    self.get(f"{view.endpoint} csv", f"{base}/export/csv/")


def staff_roles() -> list[str]:
    from core.services import BUILTIN_ROLES, PORTAL_ROLES

    return [code for code, *_rest in BUILTIN_ROLES if code not in (*PORTAL_ROLES, "platform_admin")]


@pytest.fixture(scope="module")
def walks(tmp_path_factory):
    """username -> the walk of that user (the administrator and one user per staff role)."""
    from core.db import db
    from core.models import User
    from core.testing import make_user

    app = walk_app(tmp_path_factory.mktemp("chinese"))
    users = {"admin": ADMIN_PASSWORD}
    with app.app_context():
        for code in staff_roles():
            make_user(f"zh_{code}", code, DISTRICT)
            users[f"zh_{code}"] = USER_PASSWORD
        User.update(must_change_password=False).where(User.username.startswith("zh_")).execute()
    result = {}
    for username, password in users.items():
        client = app.test_client()
        assert login(client, username, password).status_code == 302, username
        walk = LabelWalk(app, client, None)
        walk.username = username
        with app.app_context():
            walk.admin()
        walk.portal(list(range(1, 4)))
        result[username] = walk
    yield result
    if db.obj is not None and not db.is_closed():
        db.close()


def test_no_header_or_label_is_english_only(walks, capsys):
    found: dict[str, set[str]] = defaultdict(set)
    pages = labels = 0
    for username, walk in walks.items():
        for page in walk.pages:
            if page.status != 200:
                continue
            texts = labels_of(page)
            pages += 1
            labels += len(texts)
            for text in texts:
                if english_only(text):
                    where = page.label if page.url.startswith("/admin") else page.url
                    found[text].add(f"{where} ({username})")
    with capsys.disabled():
        print(
            f"\nChinese everywhere: {labels} headers and labels on {pages} pages "
            f"(CSV headers included) of {len(walks)} users checked; "
            f"{len(found)} English-only"
        )
    report = "\n".join(  # every text, a few of its pages
        f"{text!r}: {', '.join(sorted(where)[:4])}{' ...' if len(where) > 4 else ''}"
        for text, where in sorted(found.items())
    )
    assert not found, f"English-only headers and labels on the Chinese interface:\n{report}"
    assert pages >= 300 and labels >= 3000, (pages, labels)


def test_the_walk_reaches_the_lists_and_exports(walks):
    admin = walks["admin"]
    ok = {p.url for p in admin.pages if p.status == 200}
    assert "/admin/hazards/hazard/" in ok
    assert "/admin/hazards/hazard/export/csv/" in ok
    assert any(u.startswith("/admin/socialorgs/") and u.endswith("/new/") for u in ok)
    for username, walk in walks.items():
        assert any(p.status == 200 for p in walk.pages), username
