"""The plugin kernel: discovery, manifests, requirements, blocking, hook calling."""

from __future__ import annotations

import sys
import textwrap
import types
from importlib.metadata import entry_points

import pytest

from core.hookspecs import hookimpl
from core.kernel import Kernel, Manifest, PluginError


def plugin(pid, requires=(), **hooks):
    module = types.ModuleType(f"fake_{pid}")
    module.MANIFEST = Manifest(pid, f"{pid}中文", pid.title(), "1.0", tuple(requires))
    for name, fn in hooks.items():
        setattr(module, name, hookimpl(fn))
    return module


def test_entry_point_discovery(tmp_path, monkeypatch):
    """An outside package is found through the linli.plugins entry point, like ours."""
    site = tmp_path / "site"
    (site / "parking_permits").mkdir(parents=True)
    (site / "parking_permits" / "__init__.py").write_text(
        textwrap.dedent(
            """
            from core.hookspecs import hookimpl
            from core.kernel import Manifest
            MANIFEST = Manifest("parking", "停车许可", "Parking permits", "0.3.1")

            @hookimpl
            def linli_settings():
                return []
            """
        )
    )
    dist = site / "parking_permits-0.3.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: parking-permits\nVersion: 0.3.1\n")
    (dist / "entry_points.txt").write_text("[linli.plugins]\nparking = parking_permits\n")
    monkeypatch.syspath_prepend(str(site))
    kernel = Kernel()
    info = kernel.get("parking")
    assert info.manifest.label_zh == "停车许可"
    assert info.source.startswith("parking-permits:")
    assert info.state == "pending"  # installed, not migrated yet
    # the built-in plugins are declared the same way (in our own pyproject.toml)
    # the built-ins are declared the same way (in our own pyproject.toml), and so is every
    # other installed package (examples/linli-mealaid): leave those out
    ours = {ep.name for ep in entry_points(group="linli.plugins") if ep.name != "parking"}
    found = [pid for pid, _ in kernel.collect("linli_settings") if pid not in ours]
    assert found == ["core", "parking"]
    sys.modules.pop("parking_permits", None)


def test_duplicate_ids_are_refused_naming_both():
    with pytest.raises(PluginError) as err:
        Kernel(extra=[plugin("dup"), plugin("dup")], use_entry_points=False)
    assert "'dup' is declared twice" in str(err.value)
    assert "fake_dup" in str(err.value)


def test_core_id_cannot_be_taken():
    with pytest.raises(PluginError, match="'core' is declared twice"):
        Kernel(extra=[plugin("core")], use_entry_points=False)


def test_missing_requirement_names_both_plugins():
    with pytest.raises(PluginError) as err:
        Kernel(extra=[plugin("app", requires=["ghost"])], use_entry_points=False)
    assert str(err.value) == "plugin 'app' requires 'ghost', which is not installed"


def test_cyclic_requirement_is_refused():
    with pytest.raises(PluginError) as err:
        Kernel(
            extra=[plugin("aa", ["bb"]), plugin("bb", ["cc"]), plugin("cc", ["aa"])],
            use_entry_points=False,
        )
    assert "cyclic requirement" in str(err.value)
    assert "aa -> bb -> cc -> aa" in str(err.value)


def test_unknown_hook_is_refused_naming_plugin_and_hook():
    bad = plugin("typo", linli_modles=lambda: [])
    with pytest.raises(PluginError) as err:
        Kernel(extra=[bad], use_entry_points=False)
    assert "plugin 'typo'" in str(err.value)
    assert "linli_modles" in str(err.value)


def test_manifest_is_required_and_checked():
    module = types.ModuleType("no_manifest")
    with pytest.raises(PluginError, match="has no MANIFEST"):
        Kernel(extra=[module], use_entry_points=False)
    module.MANIFEST = Manifest("Bad Id", "坏", "Bad", "1")
    with pytest.raises(PluginError, match="id must be"):
        Kernel(extra=[module], use_entry_points=False)
    module.MANIFEST = Manifest("nolabel", "", "No label", "1")
    with pytest.raises(PluginError, match="lacks label_zh"):
        Kernel(extra=[module], use_entry_points=False)


def test_dependency_order_core_first():
    kernel = Kernel(
        extra=[plugin("zeta", ["alpha"]), plugin("alpha"), plugin("mid", ["zeta"])],
        use_entry_points=False,
    )
    assert [i.id for i in kernel.ordered()] == ["core", "alpha", "zeta", "mid"]
    assert kernel.requirements("mid") == ["alpha", "zeta"]
    assert sorted(kernel.dependents("alpha")) == ["mid", "zeta"]


def test_blocked_plugin_is_not_registered():
    calls = []
    blocked = plugin("blk", linli_settings=lambda: calls.append("blk") or [])
    kernel = Kernel(blocked=["blk"], extra=[blocked], use_entry_points=False)
    assert kernel.get("blk").state == "blocked"
    kernel.collect("linli_settings")
    assert calls == []


def test_blocking_a_requirement_is_refused():
    with pytest.raises(PluginError) as err:
        Kernel(
            blocked=["base"],
            extra=[plugin("base"), plugin("top", ["base"])],
            use_entry_points=False,
        )
    assert "plugin 'top' requires 'base', which is blocked in configuration" in str(err.value)


def test_blocking_an_unknown_plugin_is_refused():
    with pytest.raises(
        PluginError, match="'nope' is blocked in configuration but is not installed"
    ):
        Kernel(blocked=["nope"], use_entry_points=False)


def test_registration_results_are_attributed():
    kernel = Kernel(
        extra=[plugin("one", linli_settings=lambda: ["s1"]), plugin("two")],
        use_entry_points=False,
    )
    results = dict(kernel.collect("linli_settings"))
    assert results["one"] == ["s1"]
    assert "two" not in results
    assert kernel.get("one").contributions["linli_settings"] == [["s1"]]


def test_runtime_hooks_only_reach_enabled_plugins():
    seen = []
    a = plugin("pa", linli_event=lambda event: seen.append(("pa", event)))
    b = plugin("pb", linli_event=lambda event: seen.append(("pb", event)))
    kernel = Kernel(extra=[a, b], use_entry_points=False)
    for info in kernel.ordered():
        info.state = "active"

    kernel.pm.unregister(name="core")  # the core's audit writer needs a database
    kernel.runtime("linli_event", {"pb"})(event="x")
    assert seen == [("pb", "x")]
    seen.clear()
    kernel.runtime("linli_event", {"pa", "pb"})(event="y")
    assert sorted(s[0] for s in seen) == ["pa", "pb"]


def test_app_attributes_every_contribution_to_its_plugin(app):
    from tests.sample_plugins.noticeboard.models import Attachment, Notice

    state = app.extensions["linli"]
    info = state.kernel.get("noticeboard")
    assert state.models["noticeboard"] == [Notice, Attachment]
    assert "pin" in state.actions["noticeboard"] and "approve" in state.actions["noticeboard"]
    assert "configure" in state.actions["core"]
    assert list(state.schemas["noticeboard"]) == [Notice]
    assert ("noticeboard", "max_notices") in state.settings.settings
    assert info.contributions["linli_blueprints"] == ["noticeboard_portal"]
    views = info.contributions["linli_admin_views"][0]
    assert {v.endpoint for v in views} == {"noticeboard_notice", "noticeboard_attachment"}
    assert "noticeboard-count" in app.cli.commands
    runner = app.test_cli_runner()
    assert runner.invoke(args=["noticeboard-count"]).output.strip() == "0 notices"


def test_district_settings_default_and_override(ctx, demo):
    from core import territory

    settings = ctx.extensions["linli"].settings
    district = territory.district_by_code("990101")
    assert settings.get(district.id, "noticeboard", "max_notices") == 50
    assert settings.get(district.id, "core", "grid_households_max") == 400
    settings.set(district.id, "noticeboard", "max_notices", "80")
    assert settings.get(district.id, "noticeboard", "max_notices") == 80
    with pytest.raises(ValueError, match="公告上限：不能小于 1"):
        settings.set(district.id, "noticeboard", "max_notices", 0)
    with pytest.raises(ValueError, match="公告上限：很多 不是有效的取值"):
        settings.set(district.id, "noticeboard", "max_notices", "很多")
    assert settings.get(district.id, "noticeboard", "max_notices") == 80
    with pytest.raises(KeyError):
        settings.get(district.id, "noticeboard", "nonexistent")
