"""The plugin contract (插件契约): what every plugin, ours or an outside one, must meet.

Run it against your plugin with one import, in any test file::

    from core.testing.contract import PluginContract

    class TestContract(PluginContract):
        plugin_id = "parking"          # the id of an installed plugin

Linli's own suite runs it for every plugin installed in its environment
(``tests/test_plugin_contract.py``). The checks:

* the manifest is valid and the entry point is named after the plugin id;
* the plugin loads alone (with what it requires), every hook implementation matches a
  specification, and no ``linli_*`` function lacks ``@hookimpl``;
* its tables start with the plugin id, its migrations go up on an empty database, match the
  models (``playhouse.schema_diff`` finds nothing missing), go down to nothing, and up again;
* every admin view, portal page and API resource refuses the records of another community
  (list, count, open, edit, delete, bulk delete, export, ajax look-ups, import);
* every admin form, portal form and API write refuses a POST without a CSRF token and
  changes nothing;
* every string its code and templates mark for translation has a Chinese translation;
* its package has the plugin layout (:mod:`core.testing.layout`): the same parts under the
  same names in every plugin, so that a feature is found by its folder.
"""

from __future__ import annotations

import inspect
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from core.testing import COMMUNITY_A, COMMUNITY_B, installed_plugins, resolve_plugins


def plugin_module(plugin_id):
    """The module of an installed plugin (or ``plugin_id`` itself when it is a module)."""
    if not isinstance(plugin_id, str):
        return plugin_id
    found = installed_plugins()
    if plugin_id not in found:
        raise LookupError(
            f"plugin {plugin_id!r} is not installed: no entry point in the group linli.plugins"
            " (pip install -e your package)"
        )
    return found[plugin_id]


def manifest_problems(plugin_id: str) -> list[str]:
    from core.kernel import PluginError, _validate_manifest

    module = plugin_module(plugin_id)
    try:
        manifest = _validate_manifest(module, getattr(module, "__name__", str(plugin_id)))
    except PluginError as exc:
        return [str(exc)]
    problems = []
    if isinstance(plugin_id, str) and manifest.id != plugin_id:
        problems.append(
            f"plugin {plugin_id!r}: the entry point is named {plugin_id!r} but the manifest id"
            f" is {manifest.id!r}"
        )
    installed = installed_plugins()
    for req in manifest.requires:
        if req not in installed:
            problems.append(f"plugin {manifest.id!r} requires {req!r}, which is not installed")
    return problems


def plugin_key(plugin) -> str:
    """The id of a plugin given by id or module."""
    return plugin if isinstance(plugin, str) else plugin.MANIFEST.id


def hook_problems(plugin_id) -> list[str]:
    """Hook implementations without a specification, and ``linli_*`` functions that are not
    marked as implementations (pluggy would silently never call them)."""
    from core import hookspecs
    from core.kernel import Kernel, PluginError

    module = plugin_module(plugin_id)
    pid = getattr(getattr(module, "MANIFEST", None), "id", module.__name__)
    problems = []
    try:
        Kernel(extra=resolve_plugins([module]), use_entry_points=False)
    except PluginError as exc:
        problems.append(str(exc))
    for name, obj in vars(module).items():
        if not name.startswith("linli_") or not inspect.isfunction(obj):
            continue
        if getattr(obj, "linli_impl", None) is None:
            problems.append(f"plugin {pid!r}: {name} is not marked with @hookimpl")
        elif not hasattr(hookspecs, name):
            problems.append(f"plugin {pid!r} implements unknown hook {name}")
    return problems


def check_migrations(app, plugin_id: str) -> None:
    """Up on an empty database, nothing missing against the models, down, up again."""
    from playhouse.schema_diff import diff_models

    from core.db import db

    state = app.extensions["linli"]
    models = state.models.get(plugin_id, [])
    for model in models:
        table = model._meta.table_name
        assert table.startswith(f"{plugin_id}_"), f"{plugin_id}: table {table} lacks the prefix"
    if not models:
        return
    assert plugin_id in state.migrations.components(), (
        f"{plugin_id}: models but no migrations (hook linli_migrations)"
    )
    with db.connection_context():
        state.migrations.upgrade()
        diff = diff_models(db.obj, models)
        assert not diff.create_tables and not diff.add_columns, f"{plugin_id}: {diff}"
        assert not diff.add_indexes, f"{plugin_id}: missing indexes {diff}"
        applied = state.migrations.status(plugin_id)[0].applied
        state.migrations.downgrade(plugin_id, steps=len(applied))
        tables = set(db.get_tables())
        left = [m._meta.table_name for m in models if m._meta.table_name in tables]
        assert not left, f"{plugin_id}: tables left after going down: {left}"
        state.migrations.upgrade()
        assert state.migrations.status(plugin_id)[0].pending == []
        assert not diff_models(db.obj, models).create_tables


def translation_problems(plugin_id: str) -> list[str]:
    from core.kernel import Kernel
    from core.testing.catalogues import catalogue_problems

    module = plugin_module(plugin_id)
    folder = Path(module.__file__).resolve().parent
    kernel = Kernel(extra=resolve_plugins([module]), use_entry_points=False)
    paths = dict(kernel.collect("linli_translations"))
    path = paths.get(plugin_key(plugin_id))
    return catalogue_problems(folder, Path(path) if path else None)


class PluginContract:
    """Subclass it as ``TestSomething`` with ``plugin_id`` set (or override the fixture
    ``contract_plugin``, e.g. parametrised over several plugins)."""

    plugin_id: str = ""

    @pytest.fixture
    def contract_plugin(self):
        assert self.plugin_id, "set plugin_id on your PluginContract subclass"
        return self.plugin_id

    @pytest.fixture
    def contract_id(self, contract_plugin):
        return plugin_key(contract_plugin)

    @pytest.fixture
    def contract_app(self, make_app, demo_for, contract_plugin):
        """The plugin (and what it requires) migrated, the demo loaded and the plugin enabled
        in the demo district, and a district administrator in each of two communities."""
        from core.testing.isolation import staff

        app = make_app(plugins=[contract_plugin], API_RATE_LIMIT=100_000)
        demo_for(app)
        staff(app, "contract")
        return app

    @pytest.fixture
    def demo_for(self):
        def load(app):
            from core import demo

            with app.app_context():
                demo.load()

        return load

    @pytest.fixture
    def contract_clients(self, contract_app):
        from core.testing import login

        clients = {}
        for community in (COMMUNITY_A, COMMUNITY_B):
            client = contract_app.test_client()
            assert login(client, f"contract_{community}", "Passw0rd-long").status_code == 302
            clients[community] = client
        return clients

    @pytest.fixture
    def contract_records(self, contract_app, contract_id):
        from core.testing.isolation import make_view_records, model_views

        with contract_app.app_context():
            return make_view_records(model_views(contract_app, contract_id))

    # -- the checks --

    def test_manifest_is_valid(self, contract_plugin):
        problems = manifest_problems(contract_plugin)
        assert not problems, "\n".join(problems)

    def test_every_hook_implementation_has_a_spec(self, contract_plugin):
        problems = hook_problems(contract_plugin)
        assert not problems, "\n".join(problems)

    def test_migrations_go_up_match_the_models_and_go_down(self, make_app, contract_plugin):
        app = make_app(plugins=[contract_plugin], migrate=False)
        check_migrations(app, plugin_key(contract_plugin))

    def test_admin_views_and_portal_pages_refuse_other_communities_records(
        self, contract_app, contract_id, contract_clients, contract_records
    ):
        from core.testing.isolation import model_views, walk_admin_views, walk_portal_pages

        views = model_views(contract_app, contract_id)
        checked = walk_admin_views(
            contract_app, views, contract_records, contract_clients, prefix="contract"
        )
        checked += walk_portal_pages(
            contract_app, contract_clients, contract_records, plugins={contract_id}
        )
        assert checked or not (views or contract_app.extensions["linli"].blueprint_plugins)

    def test_api_refuses_other_communities_records(self, contract_app, contract_id):
        from core.api.resources import resources
        from core.testing.isolation import api_tokens, walk_api

        with contract_app.app_context():
            found = {key: r for key, r in resources().items() if key[0] == contract_id}
        walk_api(contract_app, found, api_tokens(contract_app, "contract"))

    def test_posts_without_csrf_token_are_refused(
        self, contract_app, contract_id, contract_clients, contract_records
    ):
        from core.api.resources import resources
        from core.testing.isolation import model_views, plugin_rules

        app = contract_app
        client = contract_clients[COMMUNITY_A]
        models = app.extensions["linli"].models.get(contract_id, [])

        def counts():
            return {m: m.select().count() for m in models}

        before = counts()
        for view in model_views(app, contract_id):
            own = contract_records[view.endpoint][COMMUNITY_A]
            data = view.model.get_by_id(own._pk).__data__.copy()
            for url in (
                f"{view.url}/new/",
                f"{view.url}/edit/?id={own._pk}",
                f"{view.url}/delete/",
                f"{view.url}/action/",
            ):
                r = client.post(url, data={"id": str(own._pk), "rowid": [str(own._pk)]})
                assert r.status_code == 400, f"{url}: answered {r.status_code} without a token"
            assert view.model.get_by_id(own._pk).__data__ == data, f"{view.endpoint}: changed"
        for rule in plugin_rules(app, {contract_id}, method="POST"):
            url = rule.rule
            for name in rule.arguments:
                own = next(iter(contract_records.values()), {}).get(COMMUNITY_A)
                url = url.replace(f"<int:{name}>", str(own._pk if own else 1))
            url = re.sub(r"<(?:\w+:)?\w+>", "x", url)  # other arguments: any value
            r = client.post(url, data={"id": "1"})
            assert r.status_code == 400, f"{url}: answered {r.status_code} without a token"
        with app.app_context():
            found = {key: r for key, r in resources().items() if key[0] == contract_id}
        for (plugin, name), resource in found.items():
            if "create" not in resource.operations:
                continue
            r = client.post(f"/api/v1/{plugin}/{name}", json={})
            assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True), (
                f"/api/v1/{plugin}/{name}: a session POST without X-CSRFToken answered "
                f"{r.status_code}"
            )
        assert counts() == before

    def test_the_package_has_the_plugin_layout(self, contract_plugin):
        from core.testing.layout import layout_problems

        module = plugin_module(contract_plugin)
        folder = Path(inspect.getfile(module)).parent
        problems = layout_problems(folder, plugin_key(contract_plugin))
        assert not problems, f"{plugin_key(contract_plugin)}:\n" + "\n".join(problems)

    def test_strings_have_chinese_translations(self, contract_plugin):
        problems = translation_problems(contract_plugin)
        assert not problems, f"{plugin_key(contract_plugin)}:\n" + "\n".join(problems)


def contract_ids() -> list[str]:
    """Ids of every installed plugin, for ``pytest.fixture(params=...)``."""
    return sorted(ep.name for ep in entry_points(group="linli.plugins"))
