"""One write path (一条写入路径): for every resource that can be written through the admin
form, the REST API and the spreadsheet import, the three refuse the same invalid record
with the same field and the same Chinese message, and change nothing; and they accept the
same valid record. The rules live in the models' Rules (core.commands), not in a surface.

A new writable resource must add its cases to ``CASES``: the first test fails until it does.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

import pytest

from core.api.resources import resources
from core.api.tokens import create_token
from core.commands import Context
from core.db import db
from core.i18n import gettext
from core.models import AuditLog, TerritoryUnit, User
from core.testing import (
    ADMIN_PASSWORD,
    builtin_plugins,
    csrf_token,
    env_database_url,
    login,
    migrated_app,
    reset_postgres,
)

XINGFU = "990101001001"  # 幸福社区


@dataclass
class Case:
    """``valid(world)``: a record's values as a person types them (strings); ``invalid``:
    (changes to the valid values, field at fault, English msgid, its parameters)."""

    valid: object
    invalid: list = field(default_factory=list)


def _future(days=10) -> str:
    from core.workdays import today

    return (today() + dt.timedelta(days=days)).isoformat()


LONG_201 = "长" * 201
LONG_101 = "长" * 101
REQUIRED = "This field is required."
CHOICE = "Not a valid choice."
MOBILE = "手机号码应为 11 位数字，以 13 至 19 开头。"  # forms.validators, already Chinese

CASES: dict[tuple[str, str], Case] = {
    ("socialorgs", "purchase"): Case(
        lambda w, tag: {
            "title": tag,
            "unit": w.unit,
            "purchaser": "东湖街道办事处",
            "organisation": w.organisation,
            "budget": "5000",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        [
            ({"budget": "0"}, "budget", "The budget must be more than zero.", {}),
            ({"budget": "-3"}, "budget", "The budget must be more than zero.", {}),
            (
                {"ends_on": "2025-12-31"},
                "ends_on",
                "The end date cannot be before the start date.",
                {},
            ),
            ({"users_score": "101"}, "users_score", "Evaluation scores are between 0 and 100.", {}),
            ({"title": LONG_201}, "title", "At most %(max)s characters.", {"max": 200}),
            ({"title": "   "}, "title", REQUIRED, {}),
        ],
    ),
    ("socialorgs", "activity"): Case(
        lambda w, tag: {"organisation": w.organisation, "held_on": "2026-06-01", "title": tag},
        [
            (
                {"held_on": _future()},
                "held_on",
                "An activity cannot be logged before it took place.",
                {},
            ),
            ({"participants": "-1"}, "participants", "Cannot be negative.", {}),
        ],
    ),
    ("hazards", "premises"): Case(
        lambda w, tag: {"unit": w.unit, "name": tag, "kind": "shop"},
        [
            ({"kind": "castle"}, "kind", CHOICE, {}),
            ({"name": LONG_101}, "name", "At most %(max)s characters.", {"max": 100}),
            ({"name": ""}, "name", REQUIRED, {}),
        ],
    ),
    ("timebank", "team"): Case(
        lambda w, tag: {"unit": w.unit, "name": tag},
        [
            ({"leader_mobile": "12345"}, "leader_mobile", MOBILE, {}),
            ({"kind": "club"}, "kind", CHOICE, {}),
        ],
    ),
    ("timebank", "activity"): Case(
        lambda w, tag: {"unit": w.unit, "title": tag},
        [({"service_type": "magic"}, "service_type", CHOICE, {})],
    ),
    ("timebank", "shift"): Case(
        lambda w, tag: {
            "unit": w.unit,
            "activity": w.timebank_activity,
            "starts_at": f"2026-12-{w.next_day():02d}T09:00:00",
            "ends_at": f"2026-12-{w.day:02d}T11:00:00",
            "capacity": "5",
        },
        [
            (
                {"ends_at": "2026-12-01T08:00:00"},
                "ends_at",
                "The end of the shift must be after its start.",
                {},
            ),
            ({"capacity": "0"}, "capacity", "A shift needs at least one place.", {}),
        ],
    ),
    ("timebank", "request"): Case(
        lambda w, tag: {"unit": w.unit, "requester_name": tag[:20]},
        [({"requester_mobile": "123"}, "requester_mobile", MOBILE, {})],
    ),
}


class World:
    """Ids of the demo records the cases refer to."""

    def __init__(self):
        from plugins.socialorgs.models import Organisation
        from plugins.timebank.models import Activity

        unit = TerritoryUnit.get(TerritoryUnit.code == XINGFU)
        self.unit = str(unit.id)
        self.organisation = str(
            Organisation.select().where(Organisation.unit == unit.id).first().id
        )
        self.timebank_activity = str(Activity.select().order_by(Activity.id).first().id)
        self.day = 1

    def next_day(self) -> int:
        self.day += 1
        return self.day


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One migrated app with every built-in plugin and the demo, shared by this module."""
    from core import demo
    from core.access import hash_password

    folder = tmp_path_factory.mktemp("one_write_path")
    url = env_database_url()
    if url:
        if db.obj is not None and not db.is_closed():
            db.close()
        reset_postgres(url)
    else:
        url = f"sqlite:///{folder / 'linli.sqlite3'}"
    app = migrated_app(folder / "instance", url, builtin_plugins())
    with app.app_context():
        demo.load()
        User.update(password_hash=hash_password(ADMIN_PASSWORD), must_change_password=False).where(
            User.username == "admin"
        ).execute()
        world = World()
        _row, token = create_token(
            Context.trusted(), User.get(User.username == "admin"), "parity", True, 30
        )
    client = app.test_client()
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 302
    yield app, client, {"Authorization": f"Bearer {token}"}, world
    if db.obj is not None and not db.is_closed():
        db.close()


def _resource(app, key):
    with app.test_request_context():
        return resources()[key]


def _counts(app, model) -> tuple[int, int]:
    with app.app_context():
        return model.select().count(), AuditLog.select().count()


def _expected(app, msgid, params) -> str:
    with app.test_request_context():
        return gettext(msgid, **params)


def _admin_url(resource) -> str:
    return f"/admin/{resource.plugin}/{resource.name}/new/"


def _form_value(value: str) -> str:
    """Admin date-time fields are typed as "YYYY-MM-DD HH:MM:SS"."""
    return re.sub(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)$", r"\1 \2", value)


def _admin_errors(html: str, name: str) -> list[str]:
    """The messages shown beside the form field ``name`` (its form group)."""
    groups = re.split(r'<div class="form-group', html)
    for group in groups:
        if re.search(rf'name="{re.escape(name)}"', group):
            text = re.sub(r"<[^>]+>", "\n", group)
            return [line.strip() for line in text.splitlines() if line.strip()]
    return []


def via_admin(client, resource, values):
    page = client.get(_admin_url(resource)).get_data(as_text=True)
    data = {k: _form_value(v) for k, v in values.items()}
    data["csrf_token"] = csrf_token(page)
    return client.post(_admin_url(resource), data=data)


def via_api(client, headers, resource, values):
    return client.post(
        f"/api/v1/{resource.plugin}/{resource.name}", json=_typed(resource, values), headers=headers
    )


def _typed(resource, values: dict) -> dict:
    """The values as a JSON client sends them: whole numbers as JSON numbers (the API's
    types are strict; a form and a spreadsheet send text)."""
    from marshmallow import fields

    by_key = {(f.data_key or n): f for n, f in resource.schema().fields.items()}
    return {
        key: int(value)
        if isinstance(by_key.get(key), fields.Integer)
        and isinstance(value, str)
        and re.fullmatch(r"-?\d+", value)
        else value
        for key, value in values.items()
    }


def via_import(client, headers, resource, values):
    header = ",".join(values)
    row = ",".join(f'"{v}"' for v in values.values())
    body = ("\ufeff" + header + "\n" + row + "\n").encode("utf-8")
    return client.post(
        f"/api/v1/{resource.plugin}/{resource.name}/import",
        data={"file": (io.BytesIO(body), "rows.csv")},
        headers=headers,
        content_type="multipart/form-data",
    )


def writable(app) -> list[tuple[str, str]]:
    with app.test_request_context():
        return sorted(key for key, r in resources().items() if "create" in r.operations)


def test_every_writable_resource_has_its_cases_and_an_admin_form(site):
    app, _client, _h, _w = site
    found = writable(app)
    assert found, "no resource can be created: the API lost its writes"
    missing = [key for key in found if key not in CASES]
    assert not missing, f"writable resources without cases in CASES: {missing}"
    views = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    for plugin, name in found:
        view = views.get(f"{plugin}_{name}")
        assert view is not None and view.allow_create, f"{plugin}/{name} has no admin create form"


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda k: "/".join(k))
def test_admin_api_and_import_refuse_the_same_record_alike(site, key):
    app, client, headers, world = site
    resource = _resource(app, key)
    case = CASES[key]
    for n, (changes, name, msgid, params) in enumerate(case.invalid):
        expected = _expected(app, msgid, params)
        assert re.search(r"[\u4e00-\u9fff]", expected), f"{msgid!r} has no Chinese translation"
        values = {**case.valid(world, f"拒绝{key[1]}{n}"), **changes}
        before = _counts(app, resource.model)

        page = via_admin(client, resource, values)
        assert page.status_code == 200, f"admin {key}: {page.status_code}"
        shown = _admin_errors(page.get_data(as_text=True), name)
        assert expected in shown, f"admin {key} {changes}: {expected!r} not beside {name}: {shown}"

        answer = via_api(client, headers, resource, values)
        assert answer.status_code == 400, (key, changes, answer.get_json())
        api_key = {m: k for k, m in resource.key_map().items()}.get(name, name)
        assert answer.get_json()["errors"].get(api_key) == [expected], answer.get_json()

        imported = via_import(client, headers, resource, values)
        assert imported.status_code == 400, (key, changes, imported.get_json())
        rows = imported.get_json()["errors"]
        assert {(r["row"], r["field"], r["message"]) for r in rows} == {(2, api_key, expected)}

        assert _counts(app, resource.model) == before, f"{key} {changes}: something was written"


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda k: "/".join(k))
def test_admin_api_and_import_accept_the_same_valid_record(site, key):
    app, client, headers, world = site
    resource = _resource(app, key)
    case = CASES[key]
    made = []
    for path in ("admin", "api", "import"):
        values = case.valid(world, f"接受{key[1]}{path}")
        count, audit = _counts(app, resource.model)
        if path == "admin":
            answer = via_admin(client, resource, values)
            assert answer.status_code == 302, _admin_errors(answer.get_data(as_text=True), "")
        elif path == "api":
            answer = via_api(client, headers, resource, values)
            assert answer.status_code == 201, answer.get_json()
        else:
            answer = via_import(client, headers, resource, values)
            assert answer.status_code == 201 and answer.get_json()["created"] == 1, (
                answer.get_json()
            )
        assert _counts(app, resource.model) == (count + 1, audit + 1), path
        made.append(path)
    assert made == ["admin", "api", "import"]
