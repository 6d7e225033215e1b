"""Linli's pytest plugin (core/testing/pytest_plugin.py), as a plugin author uses it: the
marker choosing the plugins (by id, requirements added), users of a role and scope, the
logged-in portal and admin clients."""

from __future__ import annotations

import types

import pytest

from core.kernel import Manifest
from core.testing import COMMUNITY_B, resolve_plugins


@pytest.fixture
def app(make_app, linli_plugins):
    """The plugin's default (tests/conftest.py chooses the sample plugins instead)."""
    return make_app(plugins=linli_plugins)


@pytest.mark.linli_plugins("mealaid")
def test_the_marker_chooses_installed_plugins_by_id(app):
    state = app.extensions["linli"]
    assert [info.id for info in state.kernel.ordered(("active",))] == ["core", "mealaid"]


def test_without_the_marker_only_the_core(app):
    assert [info.id for info in app.extensions["linli"].kernel.ordered()] == ["core"]


def test_requirements_are_added_first_and_unknown_ids_named():
    needy = types.ModuleType("needy")
    needy.MANIFEST = Manifest("needy", "需", "Needy", "1", requires=("timebank",))
    assert [m.MANIFEST.id for m in resolve_plugins([needy])] == ["timebank", "needy"]
    with pytest.raises(LookupError, match="plugin 'ghost' is not installed"):
        resolve_plugins(["ghost"])


def test_portal_client_is_a_logged_in_user_of_the_role_and_unit(portal_client):
    client = portal_client("grid_worker", COMMUNITY_B, scope="unit")
    page = client.get("/portal/me")
    assert page.status_code == 200
    assert "网格员" in page.text and "长青社区" in page.text and "仅本级" in page.text
    assert client.user.username == "portal_grid_worker_1"


def test_user_factory_and_admin_client(app, user_factory, client_for, admin_client):
    user_factory("viewer", "community_staff", COMMUNITY_B, "own")
    assert client_for("viewer").get("/portal/").status_code == 200
    assert admin_client.get("/admin/").status_code == 200
