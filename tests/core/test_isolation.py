"""Nobody sees or changes another community's records: one test walks every admin view.

For every model view registered in the admin (the core's and every plugin's, with no extra
code per view), a record is made in community A and one in community B; a staff member of
each community then tries to list, count, open, edit, delete, bulk-delete, export and
look up (ajax) the other's record. Each (view, action) pair is counted and printed.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re

import peewee as pw
import pytest
from flask_login import login_user

from core.admin import ModelView
from core.app import _load_request_context
from core.fields import IdCardField, MobileField
from core.models import (
    AuditLog,
    LoginAttempt,
    Role,
    RoleAssignment,
    TerritoryUnit,
    User,
)
from tests.conftest import builtin_plugins, csrf_token, make_user
from tests.sample_plugins import noticeboard, noticeboard_extra

A, B = "990101001001", "990101002001"  # 幸福社区 (东湖街道), 长青社区 (西山街道)
# Shared configuration, not resident data: platform-wide (roles, calendar, dictionaries) or
# district-wide (values districts add, form definitions, custom fields), the same for both
# communities of the district.
GLOBAL_VIEWS = {
    "core_role",
    "core_calendar_day",
    "core_dictionary",
    "core_dictionary_item",
    "core_form_definition",
    "core_custom_field",
}


def unit(code):
    return TerritoryUnit.get(TerritoryUnit.code == code)


def make_record(model, community, tag, depth=0, **given):
    """A record of ``model`` in ``community``, with plausible values for every field
    (``given`` values first: a view lists only some records, e.g. an approval queue)."""
    values = dict(given)
    for name, field in model._meta.fields.items():
        if field.primary_key or name in ("created_by", "updated_by") or name in given:
            continue
        if name == "unit":
            values[name] = unit(community)
        elif isinstance(field, pw.ForeignKeyField):
            if field.rel_model is User:
                if field.unique and field.null:  # one row per user (a volunteer's login)
                    continue
                values[name] = User.get(User.username == "admin")
            elif field.rel_model is TerritoryUnit:
                values[name] = unit(community)
            elif field.null or depth > 3:
                continue
            else:
                values[name] = make_record(field.rel_model, community, tag, depth + 1)
        elif field.default is not None or field.null:
            continue
        elif isinstance(field, IdCardField):
            values[name] = "11010519491231002X"
        elif isinstance(field, MobileField):
            values[name] = "13800138000"
        elif isinstance(field, (pw.CharField, pw.TextField)):
            values[name] = f"{tag}-{name}"[: getattr(field, "max_length", None) or 200]
        elif isinstance(field, pw.BooleanField):
            values[name] = False
        elif isinstance(field, (pw.IntegerField, pw.FloatField)):
            values[name] = 1
        elif isinstance(field, pw.DecimalField):
            values[name] = decimal.Decimal("1")
        elif isinstance(field, pw.DateTimeField):
            values[name] = dt.datetime(2026, 1, 1)
        elif isinstance(field, pw.DateField):
            values[name] = dt.date(2026, 1, 1)
    return model.create(**values)


def core_records(endpoint, community, tag):
    """Records of the core's own views that belong to ``community``."""
    staff = User.get(User.username == f"staff_{community}")
    if endpoint == "core_territory_unit":
        return unit(community)
    if endpoint == "core_user":
        return staff
    if endpoint == "core_role_assignment":
        return RoleAssignment.get(RoleAssignment.user == staff)
    if endpoint == "core_audit_log":
        return AuditLog.create(
            action="created", table="x", record_id=tag, unit_id=unit(community).id, summary=tag
        )
    if endpoint == "core_login_attempt":
        return LoginAttempt.create(username=staff.username, user=staff, ip="10.0.0.1", success=True)
    if endpoint in ("core_publication", "core_objection"):  # district-owned, or through one
        from core.publicity import Objection, Publication

        model = Publication if endpoint == "core_publication" else Objection
        return make_record(model, community, tag)
    if endpoint == "core_notification":  # per user: the inbox of this community's staff
        from core.notifications import Notification

        return Notification.create(
            user=staff, kind="digest", title=tag, district_id=unit(community).district_id
        )
    return None


def model_views(app):
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if isinstance(v, ModelView)]


def shows_id(html, pk):
    return re.search(rf"[?&;]id={pk}(?:&|\"|')", html) is not None


@pytest.fixture
def app(make_app):
    """The sample plugins and every built-in plugin: all their views are walked."""
    return make_app(plugins=[noticeboard, noticeboard_extra, *builtin_plugins()])


@pytest.fixture
def two_communities(app, demo):
    with app.app_context():
        for community in (A, B):
            make_user(f"staff_{community}", "district_admin", community, "subtree")
    return app


def test_no_view_leaks_another_communitys_records(two_communities, client_for, capsys):
    app = two_communities
    checked = []
    skipped = []
    records = {}
    for view in model_views(app):
        if view.endpoint in GLOBAL_VIEWS:
            skipped.append(view.endpoint)
            continue
        made = {}
        for community in (A, B):
            tag = f"{view.endpoint}-{community}"
            record = core_records(view.endpoint, community, tag)
            if record is None:
                generic = "unit" in view.model._meta.fields or view.scope_through
                assert generic, f"add the core view {view.endpoint} to core_records()"
                sample = getattr(view, "isolation_sample", {})  # values the view lists
                record = make_record(view.model, community, tag, **sample)
            made[community] = record
        records[view.endpoint] = made

    clients = {community: client_for(f"staff_{community}") for community in (A, B)}
    for view in model_views(app):
        if view.endpoint not in records:
            continue
        base = view.url
        for me, other in ((A, B), (B, A)):
            client = clients[me]
            mine = records[view.endpoint][me]
            theirs = records[view.endpoint][other]
            pk = theirs._pk

            listing = client.get(f"{base}/")
            assert listing.status_code == 200, (view.endpoint, listing.status_code)
            html = listing.get_data(as_text=True)
            assert not shows_id(html, pk), f"{view.endpoint}: list shows the other's record"
            checked.append((view.endpoint, "list"))

            with app.test_request_context(f"{base}/"):
                login_user(User.get(User.username == f"staff_{me}"))
                _load_request_context()
                count, rows = view.get_list(0, None, None, None, [], page_size=0)
                ids = {row._pk for row in rows}
                assert pk not in ids and count == len(ids), f"{view.endpoint}: count"
                if mine._pk is not None and view.endpoint != "core_login_attempt":
                    assert mine._pk in ids, f"{view.endpoint}: own record missing"
                assert view.get_one(str(pk)) is None, f"{view.endpoint}: get_one"
            checked += [(view.endpoint, "count"), (view.endpoint, "get_one")]

            if view.can_view_details:
                r = client.get(f"{base}/details/?id={pk}")
                assert r.status_code in (302, 404), f"{view.endpoint}: details"
                checked.append((view.endpoint, "details"))

            r = client.get(f"{base}/edit/?id={pk}")
            assert r.status_code in (302, 404), f"{view.endpoint}: edit form"
            token = csrf_token(html)
            before = view.model.get_by_id(pk).__data__.copy()
            client.post(f"{base}/edit/?id={pk}", data={"csrf_token": token})
            assert view.model.get_by_id(pk).__data__ == before, f"{view.endpoint}: edit"
            checked.append((view.endpoint, "edit"))

            client.post(f"{base}/delete/", data={"id": str(pk), "csrf_token": token})
            assert view.model.get_or_none(view.model._meta.primary_key == pk) is not None
            checked.append((view.endpoint, "delete"))

            client.post(
                f"{base}/action/",
                data={"action": "delete", "rowid": [str(pk)], "csrf_token": token},
            )
            assert view.model.get_or_none(view.model._meta.primary_key == pk) is not None
            checked.append((view.endpoint, "bulk delete"))

            export = client.get(f"{base}/export/csv/")
            if export.status_code == 200:
                rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
                text = export.get_data(as_text=True)
                tag = f"{view.endpoint}-{other}"
                assert tag not in text, f"{view.endpoint}: export"
                assert len(rows) >= 1
            checked.append((view.endpoint, "export"))

            for name, loader in view._form_ajax_refs.items():
                found = client.get(f"{base}/ajax/lookup/?name={name}&query=")
                assert found.status_code == 200
                other_unit = unit(other)
                ids = {item[0] for item in found.get_json()}
                if loader.model is TerritoryUnit:
                    assert other_unit.id not in ids, f"{view.endpoint}: ajax {name}"
                checked.append((view.endpoint, f"ajax {name}"))

    # portal pages of plugins (routes without arguments): nothing of the other community
    state = app.extensions["linli"]
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rsplit(".", 1)[0]
        if blueprint not in state.blueprint_plugins or rule.arguments or "GET" not in rule.methods:
            continue
        for me, other in ((A, B), (B, A)):
            page = clients[me].get(rule.rule, follow_redirects=True)  # e.g. "register first"
            assert page.status_code == 200, rule.rule
            text = page.get_data(as_text=True)
            assert not any(f"{endpoint}-{other}" in text for endpoint in records), rule.rule
            checked.append((rule.endpoint, "portal page"))

    with capsys.disabled():
        views = len({v for v, _ in checked})
        print(
            f"\nisolation: checked {len(checked)} (view, action) pairs over {views} views "
            f"for two communities; shared views not checked: {', '.join(skipped)}"
        )
    assert views >= 7
    assert Role.select().count() >= 10


def test_no_api_endpoint_leaks_another_communitys_records(two_communities, capsys):
    """Every API resource (the core's and every plugin's schemas): staff of one community
    cannot list, read, change, delete, move, export or import into the other's records."""
    import csv as csv_module

    from core.api.resources import resources
    from core.api.tokens import create_token

    app = two_communities
    with app.app_context():
        found = dict(resources())
        tokens = {
            c: create_token(User.get(User.username == f"staff_{c}"), "iso", True, 1)[1]
            for c in (A, B)
        }
    client = app.test_client()
    checked = []
    for number, ((plugin, name), resource) in enumerate(found.items()):
        base = f"/api/v1/{plugin}/{name}"
        # the distinguishing part first: values are cut to the column's length
        made = {c: make_record(resource.model, c, f"{c[-4:]}{number}-{name}") for c in (A, B)}
        for me, other in ((A, B), (B, A)):
            headers = {"Authorization": f"Bearer {tokens[me]}"}
            theirs = made[other]
            pk = theirs._pk
            before = resource.model.get_by_id(pk).__data__.copy()

            listing = client.get(f"{base}?per_page=200", headers=headers)
            assert listing.status_code == 200, (base, listing.get_json())
            ids = {item["id"] for item in listing.get_json()["items"]}
            assert pk not in ids and made[me]._pk in ids, f"{base}: list"
            assert client.get(f"{base}?id={pk}", headers=headers).get_json()["total"] == 0
            assert client.get(f"{base}/{pk}", headers=headers).status_code == 404
            checked += [(base, "list"), (base, "filter"), (base, "retrieve")]

            r = client.patch(f"{base}/{pk}", json={}, headers=headers)
            assert r.status_code in (404, 405), f"{base}: update"
            r = client.put(f"{base}/{pk}", json={}, headers=headers)
            assert r.status_code in (404, 405), f"{base}: replace"
            r = client.delete(f"{base}/{pk}", headers=headers)
            assert r.status_code in (404, 405), f"{base}: delete"
            flow = resource.workflow
            for code in flow.transitions if flow else ():
                r = client.post(f"{base}/{pk}/transitions/{code}", json={}, headers=headers)
                assert r.status_code == 404, f"{base}: transition {code}"
            assert resource.model.get_by_id(pk).__data__ == before, f"{base}: changed"
            checked += [(base, "update"), (base, "delete"), (base, "transitions")]

            export = client.get(f"{base}/export", headers=headers)
            assert export.status_code == 200
            rows = list(csv_module.DictReader(io.StringIO(export.get_data(as_text=True))))
            assert str(pk) not in {row.get("\ufeffid", row.get("id")) for row in rows}
            checked.append((base, "export"))

            if "create" in resource.operations and "unit" in resource.model._meta.fields:
                from core.events import jsonable

                count = resource.model.select().count()
                keys = resource.key_map()
                payload = {
                    k: jsonable(theirs.__data__.get(keys[k])) for k in resource.writable_names()
                }
                payload["unit"] = unit(other).id  # a complete record, in the other community
                r = client.post(base, json=payload, headers=headers)
                assert r.status_code in (400, 403), f"{base}: create in the other community"
                if r.status_code == 403:  # a complete record: refused for its unit
                    assert "unit" in r.get_json()["errors"], r.get_json()
                out = io.StringIO()
                writer = csv.writer(out)
                writer.writerow(list(payload))
                writer.writerow(["" if v is None else v for v in payload.values()])
                data = io.BytesIO(out.getvalue().encode())
                r = client.post(
                    f"{base}/import",
                    data={"file": (data, "x.csv")},
                    headers=headers,
                    content_type="multipart/form-data",
                )
                assert r.status_code == 400, f"{base}: import into the other community"
                assert resource.model.select().count() == count
                checked += [(base, "create"), (base, "import")]
    with capsys.disabled():
        print(
            f"\nAPI isolation: checked {len(checked)} (endpoint, action) pairs over "
            f"{len(found)} resources for two communities"
        )
    assert len(found) >= 2
