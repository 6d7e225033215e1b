"""Walks that prove nobody sees or changes another community's records (数据隔离), shared by
the core's isolation tests and the plugin contract (:mod:`core.testing.contract`).

Records are made with :func:`make_record` (plausible values for every field) in two
communities; a staff member of each then tries every admin view, portal page and API
resource against the other's record. Each walk returns the (endpoint, action) pairs it
checked and fails with an assertion naming the endpoint.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re

import peewee as pw
from flask_login import login_user

from core.commands import Context
from core.testing import COMMUNITY_A, COMMUNITY_B, csrf_token

PAIRS = ((COMMUNITY_A, COMMUNITY_B), (COMMUNITY_B, COMMUNITY_A))


def unit(code):
    from core.models import TerritoryUnit

    return TerritoryUnit.get(TerritoryUnit.code == code)


def make_record(model, community, tag, depth=0, **given):
    """A record of ``model`` in ``community``, with plausible values for every field
    (``given`` values first: a view lists only some records, e.g. an approval queue)."""
    from core.fields import IdCardField, MobileField
    from core.models import TerritoryUnit, User

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


def model_views(app, plugin: str | None = None):
    """The admin's model views (of one plugin when given)."""
    from core.admin import ModelView

    admin = app.extensions["admin"][0]
    return [
        v
        for v in admin._views
        if isinstance(v, ModelView) and (plugin is None or v.plugin_id == plugin)
    ]


def shows_id(html, pk):
    return re.search(rf"[?&;]id={pk}(?:&|\"|')", html) is not None


def staff(app, prefix="staff"):
    """A district administrator (all permissions) scoped to each community: username
    ``{prefix}_{community}``."""
    from core.testing import make_user

    with app.app_context():
        for community in (COMMUNITY_A, COMMUNITY_B):
            make_user(f"{prefix}_{community}", "district_admin", community, "subtree")


def make_view_records(views, make=None) -> dict:
    """endpoint -> {community: record}, one record per view and community."""
    records = {}
    for view in views:
        made = {}
        for community in (COMMUNITY_A, COMMUNITY_B):
            tag = f"{view.endpoint}-{community}"
            record = make(view.endpoint, community, tag) if make else None
            if record is None:
                generic = "unit" in view.model._meta.fields or view.scope_through
                assert generic, f"{view.endpoint}: no unit and no scope_through: cannot scope"
                sample = getattr(view, "isolation_sample", {})  # values the view lists
                record = make_record(view.model, community, tag, **sample)
            made[community] = record
        records[view.endpoint] = made
    return records


def walk_admin_views(app, views, records, clients, prefix="staff") -> list:
    """List, count, open, edit, delete, bulk-delete, export and ajax-look-up the other
    community's record in every view."""
    from core.models import TerritoryUnit, User
    from core.request_context import load_request_context

    checked = []
    for view in views:
        if view.endpoint not in records:
            continue
        base = view.url
        for me, other in PAIRS:
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
                login_user(User.get(User.username == f"{prefix}_{me}"))
                load_request_context()
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
                assert f"{view.endpoint}-{other}" not in text, f"{view.endpoint}: export"
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
    return checked


def plugin_rules(app, plugins=None, method="GET"):
    """URL rules of the plugins' blueprints (all plugins when ``plugins`` is None)."""
    state = app.extensions["linli"]
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rsplit(".", 1)[0]
        owner = state.blueprint_plugins.get(blueprint)
        if owner is None or owner == "core" or method not in (rule.methods or ()):
            continue
        if plugins is None or owner in plugins:
            yield rule


def walk_portal_pages(app, clients, records, plugins=None) -> list:
    """Every GET page of the plugins' blueprints: pages without arguments, and pages with one
    whole-number argument called with the ids of the other community's records, never show
    what was made for the other community."""
    checked = []
    tags = {
        community: [f"{endpoint}-{community}" for endpoint in records]
        for community in (COMMUNITY_A, COMMUNITY_B)
    }
    for rule in plugin_rules(app, plugins):
        for me, other in PAIRS:
            if not rule.arguments:
                urls = [rule.rule]
            elif len(rule.arguments) == 1 and "<int:" in rule.rule:
                name = next(iter(rule.arguments))
                ids = {made[other]._pk for made in records.values()}
                urls = [re.sub(rf"<int:{name}>", str(pk), rule.rule) for pk in sorted(ids)]
            else:
                continue
            for url in urls:
                page = clients[me].get(url, follow_redirects=True)  # e.g. "register first"
                if not rule.arguments:
                    assert page.status_code == 200, url
                body = page.get_data()  # bytes: a page may be a photo or a file
                leaked = [tag for tag in tags[other] if tag.encode() in body]
                assert not leaked, f"{url} shows another community's records: {leaked}"
                checked.append((rule.endpoint, "portal page"))
    return checked


def walk_api(app, found: dict, tokens: dict) -> list:
    """Every API resource in ``found`` ((plugin, name) -> Resource): staff of one community
    cannot list, read, change, delete, move, export or import into the other's records."""
    from core.events import jsonable

    client = app.test_client()
    checked = []
    for number, ((plugin, name), resource) in enumerate(found.items()):
        base = f"/api/v1/{plugin}/{name}"
        # the distinguishing part first: values are cut to the column's length
        made = {
            c: make_record(resource.model, c, f"{c[-4:]}{number}-{name}")
            for c in (COMMUNITY_A, COMMUNITY_B)
        }
        for me, other in PAIRS:
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
                assert r.status_code in (404, 405), f"{base}: transition {code}: {r.status_code}"
            assert resource.model.get_by_id(pk).__data__ == before, f"{base}: changed"
            checked += [(base, "update"), (base, "delete"), (base, "transitions")]

            export = client.get(f"{base}/export", headers=headers)
            assert export.status_code == 200
            rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
            assert str(pk) not in {row.get("\ufeffid", row.get("id")) for row in rows}
            checked.append((base, "export"))

            if "create" in resource.operations and "unit" in resource.model._meta.fields:
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
    return checked


def api_tokens(app, prefix="staff") -> dict:
    from core.api.tokens import create_token
    from core.models import User

    with app.app_context():
        return {
            c: create_token(
                Context.trusted(), User.get(User.username == f"{prefix}_{c}"), "iso", True, 1
            )[1]
            for c in (COMMUNITY_A, COMMUNITY_B)
        }
