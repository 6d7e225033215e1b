"""The permission matrix (权限矩阵): every role template × every resource × every action, on
every surface that offers it — the admin list (read), create form (create) and CSV export
(export), and the API's list (read), create (create), export (export) and import (import);
the dashboard and the drill-downs it links (a unit's figures, the lists behind a figure),
and every portal page without arguments (a plugin's portal pages are granted by their
``portal_resource``, ``core.portal``) with the home page's links to them.

What each pair should answer is worked out from the role's grants alone (``core.access.covers``
on the role's rows, the view's own options) and compared with what the request answered; the
test prints the number of pairs and lists every pair that differs.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from core.access import covers
from core.models import Role, RolePermission
from core.testing import builtin_plugins, make_user
from tests.core.api_helpers import bearer, token_for

DISTRICT = "990101"

# a custom role that holds two resources of two plugins and nothing else
CUSTOM = (
    "owner_register_clerk",
    [
        ("owners.owner", "read"),
        ("owners.owner", "export"),
        ("hazards.hazard", "read"),
        ("hazards.hazard", "create"),
        ("hazards.hazard", "import"),
    ],
)


@pytest.fixture
def app(make_app):
    """Every built-in plugin (the API limit raised: the matrix makes thousands of calls)."""
    return make_app(plugins=builtin_plugins(), API_RATE_LIMIT=100_000)


@pytest.fixture
def people(app, demo):
    """One account per role template, each holding its role at the demo district (scope all
    for the platform administrator), with its grants and an API token."""
    from core import services
    from core.commands import Context

    found = {}
    with app.app_context():
        services.ensure_builtin_roles()
        role = Role.create(code=CUSTOM[0], name_zh="业主名册登记员", name_en="Register clerk")
        services.set_role_permissions(Context.trusted(), role, set(CUSTOM[1]))
        for role in Role.select().order_by(Role.code):
            name = f"m_{role.code}"
            scope = "all" if role.code == "platform_admin" else "subtree"
            make_user(name, role.code, DISTRICT, scope)
            grants = {
                (p.plugin, p.action)
                for p in RolePermission.select().where(RolePermission.role == role)
            }
            found[name] = (role, grants)
    return found


def _views(app):
    from core.admin import ModelView, OnePermission

    admin = app.extensions["admin"][0]
    for view in admin._views:
        if isinstance(view, ModelView):
            target = view.plugin_id if isinstance(view, OnePermission) else view.resource
            yield view, target


def _admin_expected(view, target, role, grants, enabled) -> dict[str, bool]:
    from core.admin_views import CalendarDayView, UserView

    if not role.staff or (view.plugin_id != "core" and view.plugin_id not in enabled):
        return {"read": False, "create": False, "export": False}
    if type(view).__name__ == "NotificationView":  # everyone's own inbox, read only
        return {"read": True, "create": False, "export": False}
    one = view.permission != "read"  # a view needing one permission (core:audit...)
    creates = view.allow_create
    if isinstance(view, UserView):
        read = covers(grants, "core", "manage_users") or covers(grants, "core", "manage_roles")
        create = covers(grants, "core", "manage_users") and creates
    else:
        read = covers(grants, target, view.permission)
        need = view.permission if one else view.create_action
        create = read and creates and covers(grants, target, need)
    if isinstance(view, CalendarDayView):  # one national calendar: the platform's to change
        create = read and role.code == "platform_admin"
    export = read and view.allow_export and (one or covers(grants, target, "export"))
    return {"read": read, "create": create, "export": export}


def test_every_role_resource_and_action_answers_as_granted(app, people, client_for, capsys):
    from core.api.resources import resources
    from core.models import TerritoryUnit
    from core.registry import kernel_state

    with app.app_context():
        district = TerritoryUnit.get(TerritoryUnit.code == DISTRICT)
        enabled = kernel_state().enabled_plugins(district.id)
        views = list(_views(app))
        apis = list(resources().values())
        portals = _portal_pages(app)
    assert len(views) > 60 and len(apis) > 30
    wrong, pairs = [], 0
    for name, (role, grants) in people.items():
        client = client_for(name)
        for view, target in views:
            base = view.url.rstrip("/")
            expected = _admin_expected(view, target, role, grants, enabled)
            probes = {"read": f"{base}/", "create": f"{base}/new/"}
            if view.allow_export:
                probes["export"] = f"{base}/export/csv/"
            for action, url in probes.items():
                if action != "read" and not expected["read"] and not role.staff:
                    continue  # a portal role: the read refusal already says it all
                status = client.get(url).status_code
                pairs += 1
                if (status == 200) != expected[action]:
                    wrong.append(f"{role.code} admin {action} {url}: {status}")
        headers = bearer(token_for(app, name))
        for resource in apis:
            on = role.staff and (resource.plugin == "core" or resource.plugin in enabled)
            target = resource.resource
            path = f"/api/v1{resource.path}"
            probes = [("read", "GET", path, {}, 200)]
            if "create" in resource.operations:
                probes.append(("create", "POST", path, {"json": {}}, (400, 422)))
                probes.append(("import", "POST", f"{path}/import", {"data": {}}, 400))
            probes.append(("export", "GET", f"{path}/export", {}, 200))
            for action, method, url, kwargs, ok in probes:
                expected = on and covers(grants, target, action)
                status = client.open(url, method=method, headers=headers, **kwargs).status_code
                pairs += 1
                answered = status in ok if isinstance(ok, tuple) else status == ok
                refused = status in (401, 403)
                if (expected and not answered) or (not expected and not refused):
                    wrong.append(f"{role.code} API {action} {method} {url}: {status}")
        more, wrong_here = _portal_and_dashboard(app, client, role, grants, enabled, portals)
        pairs += more
        wrong.extend(wrong_here)
    with capsys.disabled():
        print(f"\npermission matrix: {len(people)} roles, {pairs} pairs, {len(wrong)} differ")
    assert not wrong, json.dumps(wrong[:40], ensure_ascii=False, indent=1)


def _portal_pages(app):
    """(resource, index url, [(url, open to all)]) of each plugin portal blueprint that
    declares its resource: its GET pages without arguments."""
    from core.portal import portal_resource
    from core.registry import kernel_state

    state = kernel_state()
    found = []
    for name, blueprint in app.blueprints.items():
        resource = portal_resource(blueprint)
        if resource is None:
            continue
        pages = [
            (rule.rule, getattr(app.view_functions[rule.endpoint], "portal_open", False))
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(name + ".")
            and not rule.arguments
            and "GET" in (rule.methods or ())
        ]
        index = (blueprint.url_prefix or "").rstrip("/") + "/"
        found.append((state.blueprint_plugins[name], resource, index, sorted(pages)))
    assert {r for _p, r, _i, _pages in found} >= {"hazards.portal", "timebank.portal"}
    return found


LINK = re.compile(r'href="(/admin/[^"]*)"')


def _portal_and_dashboard(app, client, role, grants, enabled, portals):
    """The portal pages and the home page's links, and the dashboard's drill-downs: each
    expected from the role's grants alone."""
    pairs, wrong = 0, []
    home = client.get("/portal/")
    pairs += 1
    if home.status_code != 200:
        wrong.append(f"{role.code} portal home: {home.status_code}")
    links = home.get_data(as_text=True)
    for plugin, resource, index, pages in portals:
        granted = plugin in enabled and covers(grants, resource, "read")
        shown = f'href="{index}"' in links
        pairs += 1
        if shown != granted:
            wrong.append(f"{role.code} portal home link {index}: shown={shown}")
        for url, open_to_all in pages:
            status = client.get(url).status_code
            pairs += 1
            if (status != 403) != (granted or (open_to_all and plugin in enabled)):
                wrong.append(f"{role.code} portal {url}: {status}")
    dashboard = client.get("/admin/")
    pairs += 1
    if (dashboard.status_code == 200) != role.staff:
        wrong.append(f"{role.code} dashboard: {dashboard.status_code}")
    if dashboard.status_code != 200:
        return pairs, wrong
    body = dashboard.get_data(as_text=True).split('id="widgets"', 1)[-1]
    trail = dashboard.get_data(as_text=True).split('id="dashboard-children"', 1)[-1]
    units = [u for u in LINK.findall(trail) if "?unit=" in u][:1]  # one drill into a unit
    for url in dict.fromkeys([*units, *LINK.findall(body)]):
        page = client.get(html.unescape(url))
        pairs += 1
        refused = "您无权查看该单位的数据" in page.get_data(as_text=True)
        if page.status_code != 200 or refused:
            wrong.append(f"{role.code} dashboard drill-down {url}: {page.status_code}")
    return pairs, wrong


def test_a_resource_grant_opens_that_resource_only(app, people, client_for):
    """The custom clerk reads the owner register and hazards, and nothing else of either
    plugin: not the ballots, not the hazards' inspections, no menu of theirs."""
    client = client_for(f"m_{CUSTOM[0]}")
    assert client.get("/admin/owners/owner/").status_code == 200
    assert client.get("/admin/hazards/hazard/").status_code == 200
    assert client.get("/admin/owners/meeting/").status_code == 403
    assert client.get("/admin/hazards/inspection/").status_code == 403
    page = client.get("/admin/owners/owner/").get_data(as_text=True)
    assert "/admin/owners/meeting/" not in page and "/admin/timebank/" not in page
