"""The admin is thin (管理后台只做界面): the base view decides create/edit/delete/export from
the permission model, and no view holds a record's rules (they are the models' Rules, run by
core.commands on every path)."""

from __future__ import annotations

import inspect

import linli_mealaid
import pytest

from core.admin import ModelView
from core.models import Role, RoleAssignment, RolePermission, TerritoryUnit
from core.testing import USER_PASSWORD, builtin_plugins, login, make_user
from tests.sample_plugins import noticeboard, noticeboard_extra

FLAGS = ("can_create", "can_edit", "can_delete", "can_export")
HOOKS = ("on_model_change", "on_model_delete")


@pytest.fixture
def app(make_app):
    return make_app(plugins=[noticeboard, noticeboard_extra, linli_mealaid, *builtin_plugins()])


def model_views(app):
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, ModelView)]


def test_no_view_sets_a_permission_flag_to_a_constant(app):
    found = []
    views = model_views(app)
    assert len(views) > 40
    for view in views:
        for cls in type(view).__mro__:
            if cls is ModelView:
                break
            for flag in FLAGS:
                if flag in cls.__dict__:
                    found.append(f"{cls.__module__}.{cls.__name__}.{flag}")
    assert not found, "set allow_create/allow_edit/allow_delete instead: " + ", ".join(found)


def test_no_view_holds_a_records_rules(app):
    found = []
    for view in model_views(app):
        for cls in type(view).__mro__:
            if cls is ModelView:
                break
            for hook in HOOKS:
                if hook in cls.__dict__:
                    found.append(f"{inspect.getsourcefile(cls)}: {cls.__name__}.{hook}")
    assert not found, "move these rules into the model's Rules (core.commands): " + ", ".join(found)


def test_a_user_without_the_create_permission_gets_no_create_form(app, demo):
    with app.app_context():
        role = Role.create(code="hazard_reader", name_zh="隐患查阅", name_en="Hazard reader")
        RolePermission.create(role=role, plugin="hazards", action="read")
        reader = make_user("reader", "resident", "990101001001")
        unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001")
        RoleAssignment.create(user=reader, role=role, unit=unit, scope="subtree")
    client = app.test_client()
    assert login(client, "reader", USER_PASSWORD).status_code == 302
    listing = client.get("/admin/hazards/hazard/")
    assert listing.status_code == 200
    assert "/admin/hazards/hazard/new/" not in listing.get_data(as_text=True)
    form = client.get("/admin/hazards/hazard/new/")
    assert form.status_code == 302 and "/admin/hazards/hazard/" in form.headers["Location"]
    for url in ("/admin/hazards/premises/new/", "/admin/hazards/schedule/new/"):
        assert client.get(url).status_code == 302, url
