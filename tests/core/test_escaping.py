"""No record data runs as script (存储型XSS防护), and the Content-Security-Policy holds.

1. Static: no template passes anything but a string literal to ``_``/``gettext``/``ngettext``
   (Jinja's newstyle gettext marks its result safe, so user text through it is not escaped),
   and no template marks data safe (``|safe``, ``Markup``, ``autoescape false``) except the
   few uses listed in :data:`SAFE_USES` with their reason.
2. Dynamic: with the demo loaded and every plugin active, a payload is written into every
   text field of every model of the core and of every plugin (one record at least; every
   record where a direct ``update()`` can), then every admin list, details and edit page and
   every portal and public page the platform administrator can reach is fetched. A page
   whose HTML holds a payload unescaped fails the test, naming the page and the field.
3. CSP: every HTML page carries the header, its ``script-src`` has no ``'unsafe-inline'``,
   every ``<script>`` is from our origin or carries the request's nonce, and no inline event
   handler (``onclick=``...) is left.

One application and database for the module; the walk takes a few seconds.
"""

from __future__ import annotations

import functools
import html as htmllib
import json
import re
from collections import defaultdict
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jinja2
import peewee as pw
import pytest
from flask import got_request_exception
from jinja2 import nodes

from core.commands import Context
from core.testing import (
    ADMIN_PASSWORD,
    COMMUNITY_A,
    SECRET,
    builtin_plugins,
    env_database_url,
    installed_plugins,
    login,
    reset_postgres,
    resolve_plugins,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_ROOTS = ("core", "plugins", "forms", "examples")

# -- 1. static checks of the templates ------------------------------------------------------

GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "npgettext"}

# (template, expression) -> why marking it safe is right. Nothing else may be.
SAFE_USES = {
    ("plugins/timebank/templates/timebank/portal_record.html", "qr"): (
        "an SVG QR code drawn by segno (certificates.qr_svg) from a URL the view builds "
        "with url_for; it holds no record text"
    ),
}


def template_files() -> list[Path]:
    found = []
    for top in TEMPLATE_ROOTS:
        for folder in (ROOT / top).rglob("templates"):
            if ".venv" in folder.parts or not folder.is_dir():
                continue
            found += [p for p in folder.rglob("*") if p.suffix in (".html", ".tmpl", ".txt")]
    return sorted(found)


def _expr(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_expr(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_expr(node.node)}[...]"
    if isinstance(node, nodes.Call):
        return f"{_expr(node.node)}(...)"
    if isinstance(node, nodes.Filter):
        return f"{_expr(node.node)}|{node.name}" if node.node is not None else f"|{node.name}"
    return type(node).__name__


def _literal(node) -> bool:
    return isinstance(node, nodes.Const) and isinstance(node.value, str)


def template_problems(source: str, name: str) -> list[str]:
    """What in one template could print record data unescaped."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
    tree = env.parse(source, name=name)
    problems = []
    for call in tree.find_all(nodes.Call):
        callee = call.node
        if isinstance(callee, nodes.Name) and callee.name in GETTEXT_NAMES:
            literal = 2 if callee.name in ("ngettext", "pgettext") else 1
            literal = 3 if callee.name == "npgettext" else literal
            args = call.args[:literal]
            if len(args) < literal or not all(_literal(a) for a in args):
                problems.append(
                    f"{name}:{call.lineno}: {callee.name}() of {_expr(args[0]) if args else '?'}"
                    " (only a string literal may be translated: the result is marked safe)"
                )
        if isinstance(callee, nodes.Name) and callee.name in ("Markup", "markup"):
            problems.append(f"{name}:{call.lineno}: Markup() in a template")
    for flt in tree.find_all(nodes.Filter):
        if flt.name == "safe":
            expr = _expr(flt.node) if flt.node is not None else "(filter block)"
            if (name, expr) not in SAFE_USES:
                problems.append(f"{name}:{flt.lineno}: {expr}|safe")
    for modifier in tree.find_all(nodes.EvalContextModifier):
        for option in modifier.options:
            if option.key == "autoescape" and not (
                isinstance(option.value, nodes.Const) and option.value.value
            ):
                problems.append(f"{name}:{modifier.lineno}: autoescape switched off")
    return problems


def test_the_template_check_finds_what_it_must():
    bad = (
        "{{ _(e.reason) }}",
        "{{ gettext(name) }}",
        "{{ ngettext(one, 'many', n) }}",
        "{{ _(record.title ~ '!') }}",
        "{{ row.body|safe }}",
        "{{ Markup(row.body) }}",
        "{% autoescape false %}{{ row.body }}{% endautoescape %}",
        "{% filter safe %}{{ row.body }}{% endfilter %}",
    )
    for source in bad:
        assert template_problems(source, "sample.html"), source
    good = (
        "{{ _('History') }}",
        "{{ _('%(name)s was saved.', name=row.name) }}",
        "{{ ngettext('%(num)d day', '%(num)d days', n) }}",
        "{% trans name=row.name %}Hello {{ name }}{% endtrans %}",
        "{{ row.body }}",
        "{{ data|tojson }}",
    )
    for source in good:
        assert not template_problems(source, "sample.html"), source


def test_no_template_translates_data_or_marks_it_safe():
    files = template_files()
    assert len(files) > 50, [str(p) for p in files]
    problems = []
    for path in files:
        name = str(path.relative_to(ROOT))
        problems += template_problems(path.read_text(encoding="utf-8"), name)
    assert not problems, "\n".join(problems)
    for template, _expression in SAFE_USES:
        assert (ROOT / template).exists(), f"SAFE_USES names a template that is gone: {template}"


# -- 2. the dynamic walk --------------------------------------------------------------------

# Text fields that get no payload, with the reason. Everything else of type CharField or
# TextField (and their subclasses) does. Fields with choices and personal-data fields with a
# format validator (ID card, mobile) are skipped by type.
STATE_NAMES = {"state", "status", "from_state", "to_state", "from_status", "to_status"}
SKIP_NAMES = {
    # codes looked up in a declaration (a workflow, a plugin, a table): no validator accepts
    # free text there, and the pages show their label, not the code
    "transition": "workflow transition code",
    "plugin": "plugin id",
    "table": "table name",
    "target_table": "table name",
    "record_id": "record id",
    "target_id": "record id",
    "kind": "a kind code of a declared list",
    "level": "territory level code",
    "scope": "data scope code",
    "action": "permission action code",
    "path": "materialised path / file path (system)",
    "code": "a code validated on entry",
    "key": "a key validated on entry",
    "dedup_key": "system key",
    "system_key": "system key",
    "checklist": "the key of a checklist (form definition)",
    "content_type": "MIME type (system)",
    "link": "a link the system builds with url_for",
    "grade": "a grade code (5A-1A)",
    # secrets and hashes are never shown
    "password_hash": "secret",
    "token_hash": "secret",
    "prefix": "token prefix (system)",
    "confirm_token": "secret",
    "secret": "secret (the TOTP key of a second factor)",
    "hash": "hash chain (system)",
    "prev_hash": "hash chain (system)",
    "receipt": "ballot receipt (system)",
    "channel": "ballot channel code",
}
SKIP_FIELDS = {
    ("core_audit_log", "ip"): "the client address (system)",
    ("core_login_attempt", "ip"): "the client address (system)",
    ("core_login_attempt", "reason"): "a refusal code",
    ("core_user", "username"): "the login of the walking administrator",
    ("core_dictionary_item", "code"): "a code validated on entry",
    ("hazards_hazard", "item"): "the key of a checklist item",
    ("socialorgs_organisation", "credit_code"): "USCC, validated on entry (GB 32100)",
    ("socialorgs_organisation", "filing_number"): "a number the system gives",
    ("socialorgs_application", "credit_code"): "USCC, validated on entry (GB 32100)",
    ("owners_property_company", "uscc"): "USCC, validated on entry (GB 32100)",
    ("timebank_certificate", "number"): "a number the system gives",
    ("timebank_volunteer", "national_number"): "the national volunteer number, validated",
    ("timebank_record", "source_ref"): "a reference the system gives",
    ("hazards_statistics", "figures"): "figures the system computes (JSON of numbers)",
}
# JSON text: a payload goes into the string values (data), or only into the texts a person
# reads (a form definition's labels and help; its keys and types are code).
JSON_LABEL_KEYS = re.compile(r"^(label|help|title|text|description|name)(_zh|_en)?$")
SCHEMA_FIELDS = {("core_form_version", "body"), ("core_custom_field", "spec")}

RAW = re.compile(r"<script>xss(\d+)_|<img src=x onerror=xss(\d+)_|<xs(\d+)_")
ESCAPED = re.compile(r"&lt;script&gt;xss(\d+)_|&lt;img src=x onerror=xss(\d+)_|&lt;xs(\d+)_")


def payload(number: int, row, limit: int | None) -> str | None:
    tail = f"{number}_{row}"
    for text in (
        f'"><img src=x onerror=xss{tail}><script>xss{tail}</script>',
        f"<script>xss{tail}</script>",
        f"<xs{tail}>",
    ):
        if limit is None or len(text) <= limit:
            return text
    return None


def _skip_reason(model, name, field) -> str | None:
    from core.fields import PersonalField

    table = model._meta.table_name
    if (table, name) in SKIP_FIELDS:
        return SKIP_FIELDS[(table, name)]
    if field.primary_key:
        return "primary key"
    if field.choices:
        return "choices"
    if isinstance(field, PersonalField) and type(field) is not PersonalField:
        return "personal data with a format validator"
    if name in STATE_NAMES:
        return "a state of a declared workflow"
    if name in SKIP_NAMES:
        return SKIP_NAMES[name]
    return None


def _is_json(field, values) -> bool:
    if field.default in ("{}", "[]"):
        return True
    for value in values:
        try:
            return isinstance(json.loads(value), (dict, list))
        except (TypeError, ValueError):
            continue
    return False


def _inject_json(value, mark, labels_only: bool, key=None):
    if isinstance(value, dict):
        return {k: _inject_json(v, mark, labels_only, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_inject_json(v, mark, labels_only, key) for v in value]
    if isinstance(value, str) and (not labels_only or JSON_LABEL_KEYS.match(str(key or ""))):
        return mark
    return value


class Payloads:
    """Numbered payloads: number -> (table, field)."""

    def __init__(self):
        self.fields: dict[int, tuple[str, str]] = {}
        self.skipped: dict[tuple[str, str], str] = {}
        self.models: dict[str, int] = {}  # table -> rows with a payload

    def number(self, model, name) -> int:
        key = (model._meta.table_name, name)
        for number, known in self.fields.items():
            if known == key:
                return number
        number = len(self.fields) + 1
        self.fields[number] = key
        return number

    def name(self, match) -> str:
        number = int(next(g for g in match.groups() if g))
        table, field = self.fields.get(number, ("?", "?"))
        return f"{table}.{field}"


def _marks(payloads, model, texts, row_id, current) -> dict:
    """The payload of each text field of one row (``current``: its values now)."""
    table = model._meta.table_name
    out = {}
    for name, (field, is_json) in texts.items():
        limit = None if isinstance(field, pw.TextField) else field.max_length
        mark = payload(payloads.number(model, name), row_id, limit)
        if mark is None:
            payloads.skipped[(table, name)] = "too short for markup"
            continue
        if is_json:
            labels_only = (table, name) in SCHEMA_FIELDS
            try:
                data = json.loads(current.get(name) or "{}")
            except ValueError:
                data = {}
            if not data and not labels_only:
                data = {"note": mark}
            mark = json.dumps(_inject_json(data, mark, labels_only), ensure_ascii=False)
        out[name] = mark
    return out


def _text_fields(payloads, model, rows) -> dict:
    texts = {}
    for name, field in model._meta.fields.items():
        if not isinstance(field, (pw.CharField, pw.TextField)):
            continue
        reason = _skip_reason(model, name, field)
        if reason:
            payloads.skipped[(model._meta.table_name, name)] = reason
            continue
        texts[name] = (field, _is_json(field, [getattr(r, name) for r in rows[:5]]))
    return texts


@contextmanager
def updatable(model):
    """Lift the database's append-only guard of ``model``'s table for the test's set-up
    (the evidence tables refuse UPDATE by trigger); put it back after."""
    from core.db import db
    from core.models import AppendOnlyModel

    if not issubclass(model, AppendOnlyModel):
        yield model.update
        return
    table = model._meta.table_name
    update = functools.partial(pw.Model.update.__func__, model)  # past the model's refusal
    if isinstance(db.obj, pw.SqliteDatabase):
        triggers = db.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (table,),
        ).fetchall()
        for name, _sql in triggers:
            db.execute_sql(f'DROP TRIGGER "{name}"')
        yield update
        for _name, sql in triggers:
            db.execute_sql(sql)
    else:
        db.execute_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        yield update
        db.execute_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')


def inject(app, payloads: Payloads) -> None:
    """Every text field of every row of every model gets a payload, written with
    ``update()`` (past the append-only guard of evidence tables); a model without rows gets
    one, made with the payloads."""
    from core.db import db
    from core.testing.isolation import make_record

    state = app.extensions["linli"]
    models = [m for _pid, ms in state.models.items() for m in ms]
    with app.app_context(), db.atomic():
        for index, model in enumerate(models):
            table = model._meta.table_name
            rows = list(model.select())
            texts = _text_fields(payloads, model, rows)
            if not texts:
                continue
            if not rows:
                given = _marks(payloads, model, texts, "n", {})
                make_record(model, COMMUNITY_A, f"x{index}", **given)
                payloads.models[table] = 1
                continue
            pk = model._meta.primary_key
            with updatable(model) as update:
                for row in rows:
                    marks = _marks(payloads, model, texts, row._pk, row.__data__)
                    update(marks).where(pk == row._pk).execute()
            payloads.models[table] = len(rows)


class Page:
    def __init__(self, label, url, response):
        self.label = label
        self.url = url
        self.status = response.status_code
        self.headers = response.headers
        self.html = response.get_data(as_text=True) if self.is_html(response) else ""

    @staticmethod
    def is_html(response) -> bool:
        return (response.mimetype or "") == "text/html"


class Walk:
    def __init__(self, app, client, payloads):
        self.app = app
        self.client = client
        self.payloads = payloads
        self.pages: list[Page] = []
        self.seen: set[str] = set()
        self.errors: dict[str, str] = {}
        self.username = "admin"  # whose rows the admin walk opens

    def failed(self, sender, exception, **extra):
        from flask import request

        self.errors[request.full_path.rstrip("?")] = f"{type(exception).__name__}: {exception}"

    def get(self, label, url) -> Page | None:
        if url in self.seen:
            return None
        self.seen.add(url)
        response = self.client.get(url)
        page = Page(label, url, response)
        self.pages.append(page)
        return page

    def admin(self):
        """Every admin view: the index of a plain view; list, details and edit of a model
        view (details and edit of the first rows it lists)."""
        from flask_login import login_user

        from core.admin import ModelView
        from core.app import _load_request_context
        from core.models import User

        admin = self.app.extensions["admin"][0]
        for view in admin._views:
            base = view.url.rstrip("/")
            if not isinstance(view, ModelView):
                self.get(view.endpoint, f"{base}/")
                continue
            self.get(f"{view.endpoint} list", f"{base}/")
            with self.app.test_request_context(f"{base}/"):
                login_user(User.get(User.username == self.username))
                _load_request_context()
                _count, rows = view.get_list(0, None, None, None, [], page_size=3)
                ids = [view.get_pk_value(row) for row in rows]
                details, edit = view.can_view_details, view.can_edit
            for pk in ids:
                if details:
                    self.get(f"{view.endpoint} details", f"{base}/details/?id={pk}")
                if edit:
                    self.get(f"{view.endpoint} edit", f"{base}/edit/?id={pk}")

    def portal(self, ids: list[int]):
        """Every GET page outside the admin and the API: those without arguments, those with
        one whole-number argument for the first record ids, the district's publicity board,
        and every same-site link found on these pages (the administrator's reach)."""
        from core.testing import DISTRICT

        start = [f"/public/{DISTRICT}/"]
        for rule in self.app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or not _walkable(rule.rule, rule.endpoint):
                continue
            if not rule.arguments:
                start.append(rule.rule)
            elif len(rule.arguments) == 1 and "<int:" in rule.rule:
                name = next(iter(rule.arguments))
                start += [rule.rule.replace(f"<int:{name}>", str(pk)) for pk in ids]
        queue = list(dict.fromkeys(start))
        while queue and len(self.seen) < 1500:
            url = queue.pop(0)
            page = self.get("portal", url)
            if page is None or not page.html or page.status != 200:
                continue
            for href in re.findall(r'href="([^"#]+)"', page.html):
                target = urljoin(url, htmllib.unescape(href))
                parts = urlsplit(target)
                if parts.netloc not in ("", "localhost"):
                    continue
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if _walkable(parts.path, "") and path not in self.seen:
                    queue.append(path)


def _walkable(path: str, endpoint: str) -> bool:
    if path.startswith(("/admin", "/api/v1/", "/static", "/auth/logout")):
        return path == "/api/v1/docs"
    if "static" in endpoint or path.endswith((".pdf", ".csv", ".xlsx", ".json")):
        return False
    return "/photo/" not in path


def walk_app(tmp: Path):
    """One app with every plugin (built-in and installed), migrated, the demo loaded, the
    platform administrator's password known; a failing page is a 500 (other walks use it)."""
    from core import demo
    from core.access import hash_password
    from core.app import create_app
    from core.db import db
    from core.models import User

    url = env_database_url()
    if url:
        if db.obj is not None and not db.is_closed():
            db.close()
        reset_postgres(url)
    else:
        url = f"sqlite:///{tmp / 'linli.sqlite3'}"
    wanted = [*builtin_plugins(), *installed_plugins().values()]
    kwargs = dict(
        overrides={"DATABASE_URL": url, "SECRET_KEY": SECRET, "PAGE_SIZE": 1000},
        instance_path=tmp / "instance",
        plugins=resolve_plugins(list(dict.fromkeys(wanted))),
        use_entry_points=False,
        environ={},
    )
    app = create_app(**kwargs)
    with db.connection_context():
        app.extensions["linli"].migrations.upgrade()
    app = create_app(**kwargs)
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)  # a failing page is a 500
    with app.app_context():
        demo.load()
        User.update(password_hash=hash_password(ADMIN_PASSWORD), must_change_password=False).where(
            User.username == "admin"
        ).execute()
    return app


def walk_site(tmp, with_payloads: bool = True) -> Walk:
    """The app of :func:`walk_app` (with a payload in every text field when
    ``with_payloads``), a second factor enrolled and an API token made, and the pages the
    platform administrator reaches. Also used by ``test_readable_pages``; close the database
    after (:func:`close_site`)."""
    from core.models import User

    app = walk_app(tmp)
    with app.app_context():
        from core.api.tokens import create_token

        _row, clear = create_token(Context.trusted(), User.get(User.username == "admin"), "walk")
        app.config["WALK_TOKEN"] = clear  # a token in clear exists once, never on a page
        import pyotp

        from core import totp
        from core.testing import make_user

        staff = make_user("second_factor", "community_staff", COMMUNITY_A)
        key, _uri = totp.begin_enrolment(Context.of(staff))
        totp.confirm_enrolment(Context.of(staff), pyotp.TOTP(key).now())  # shown never again
    client = app.test_client()
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 302
    payloads = Payloads()
    if with_payloads:
        inject(app, payloads)
    walk = Walk(app, client, payloads)
    got_request_exception.connect(walk.failed, app)
    with app.app_context():
        walk.admin()
    walk.portal(list(range(1, 6)))
    return walk


def close_site() -> None:
    from core.db import db

    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The walk with payloads everywhere."""
    yield walk_site(tmp_path_factory.mktemp("escaping"))
    close_site()


def test_no_page_shows_a_payload_unescaped(site):
    found = defaultdict(set)
    for page in site.pages:
        for match in RAW.finditer(page.html):
            found[f"{page.label} {page.url}"].add(site.payloads.name(match))
    report = "\n".join(f"{page}: {', '.join(sorted(fields))}" for page, fields in found.items())
    assert not found, f"payload unescaped on {len(found)} pages:\n{report}"


def test_no_page_shows_a_secret(site):
    """No password hash, API token (hash or clear), session key hash, TOTP secret of a second
    factor once enrolled, or the secret key on any page the platform administrator reaches
    (the users' details pages included)."""
    from core.api.models import ApiToken
    from core.models import User, UserSession, UserTotp

    with site.app.app_context():
        secrets = {
            "password hash": [u.password_hash for u in User.select()],
            "TOTP secret": [
                t.secret for t in UserTotp.select().where(UserTotp.enabled_at.is_null(False))
            ],
            "token hash": [t.token_hash for t in ApiToken.select()],
            "session key hash": [s.key_hash for s in UserSession.select()],
            "token": [site.app.config["WALK_TOKEN"]],
            "secret key": [site.app.config["SECRET_KEY"]],
        }
    # the walk has them to hide
    assert secrets["session key hash"] and secrets["token hash"] and secrets["TOTP secret"]
    details = [p for p in site.pages if "core_user details" in p.label]
    assert details and all(p.status == 200 for p in details)
    found = sorted(
        f"{kind} on {page.label} {page.url}"
        for page in site.pages
        for kind, values in secrets.items()
        if any(v and v in page.html for v in values) or "scrypt:" in page.html
    )
    with site.app.app_context():
        from core.models import AuditLog

        logged = [f"{a.summary} {a.changes}" for a in AuditLog.select()]
    found += sorted(
        f"{kind} in the audit log"
        for kind, values in secrets.items()
        if any(v and v in row for v in values for row in logged)
    )
    assert logged and not found, "\n".join(found)


def test_every_page_of_the_walk_answers(site):
    broken = [
        f"{p.label} {p.url}: {p.status} {site.errors.get(p.url, '')}"
        for p in site.pages
        if p.status >= 500
    ]
    assert not broken, "\n".join(broken)
    admin_pages = [p for p in site.pages if p.url.startswith("/admin")]
    assert sum(p.status == 200 for p in admin_pages) >= 150, len(admin_pages)


def test_the_payloads_reach_the_pages(site, capsys):
    """The walk is not vacuous: every model got payloads, and pages show them (escaped)."""
    from core.admin import ModelView

    state = site.app.extensions["linli"]
    tables = {m._meta.table_name for _pid, ms in state.models.items() for m in ms}
    with_text = {t for t, _f in site.payloads.fields.values()}
    assert with_text <= set(site.payloads.models)
    shown = set()
    for page in site.pages:
        shown |= {site.payloads.name(m) for m in ESCAPED.finditer(page.html)}
    # every admin list shows the payloads of its own model's columns
    missing = []
    admin = site.app.extensions["admin"][0]
    pages = {p.url: p for p in site.pages}
    for view in admin._views:
        if not isinstance(view, ModelView):
            continue
        table = view.model._meta.table_name
        columns = {name for name, _label in view._list_columns}
        expected = {f"{table}.{f}" for t, f in site.payloads.fields.values() if t == table}
        expected &= {f"{table}.{c}" for c in columns}
        listing = pages[f"{view.url.rstrip('/')}/"].html
        seen = {site.payloads.name(m) for m in ESCAPED.finditer(listing)}
        if 'name="rowid"' not in listing:  # the list shows no row in the walker's district
            continue
        if expected and not expected & seen:
            missing.append(f"{view.endpoint}: {sorted(expected)}")
    with capsys.disabled():
        print(
            f"\nescaping: {len(site.payloads.fields)} text fields of {len(tables)} models got "
            f"payloads ({sum(site.payloads.models.values())} rows), {len(shown)} of them seen "
            f"escaped on {len(site.pages)} pages; {len(site.payloads.skipped)} fields skipped"
        )
    assert not missing, "lists that show none of their payloads:\n" + "\n".join(missing)
    assert len(shown) >= 150, sorted(shown)


# -- 3. Content-Security-Policy ------------------------------------------------------------


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.js_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if (
                name in ("href", "src", "action", "formaction")
                and (value or "").strip().lower().startswith("javascript:")
                and value.strip().lower() not in ("javascript:void(0)", "javascript:void(0);")
            ):
                self.js_urls.append(f"<{tag} {name}={value!r}>")


def _directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_every_html_page_has_a_strict_script_policy(site):
    html_pages = [p for p in site.pages if p.html]
    assert len(html_pages) >= 200
    problems = []
    for page in html_pages:
        policy = page.headers.get("Content-Security-Policy")
        if not policy:
            problems.append(f"{page.url}: no Content-Security-Policy")
            continue
        directives = _directives(policy)
        scripts = directives.get("script-src", directives.get("default-src"))
        if not scripts or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
            problems.append(f"{page.url}: script-src {scripts}")
        if directives.get("object-src") != ["'none'"] or "base-uri" not in directives:
            problems.append(f"{page.url}: object-src / base-uri missing")
    assert not problems, "\n".join(problems[:20])


def test_every_script_is_ours_or_carries_the_requests_nonce(site):
    problems = []
    nonces = set()
    for page in (p for p in site.pages if p.html):
        policy = _directives(page.headers.get("Content-Security-Policy", ""))
        allowed = {
            w[len("'nonce-") : -1] for w in policy.get("script-src", []) if w.startswith("'nonce-")
        }
        nonces |= allowed
        parser = _Scripts()
        parser.feed(page.html)
        for attrs in parser.scripts:
            src = attrs.get("src")
            if src is not None:
                parts = urlsplit(src)
                if parts.scheme or parts.netloc:
                    problems.append(f"{page.url}: script from another origin {src}")
            elif attrs.get("type") == "application/json":
                continue  # data, not script
            elif attrs.get("nonce") not in allowed:
                problems.append(f"{page.url}: inline <script> without the request's nonce")
        problems += [f"{page.url}: inline handler {h}" for h in parser.handlers]
        problems += [f"{page.url}: javascript: URL {u}" for u in parser.js_urls]
    assert not problems, "\n".join(sorted(set(problems))[:40])
    assert len(nonces) >= 100, "every response needs a nonce of its own"


def test_the_nonce_differs_per_response(site):
    first = site.client.get("/admin/")
    second = site.client.get("/admin/")
    one = _directives(first.headers["Content-Security-Policy"])["script-src"]
    two = _directives(second.headers["Content-Security-Policy"])["script-src"]
    assert one != two and any(w.startswith("'nonce-") for w in one)
