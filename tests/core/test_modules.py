"""Modules per district: enabled at run time, no restart, dependencies, data kept."""

import json

import pytest

from core import services, territory
from core.cli import main
from core.commands import Context
from core.models import AuditLog, PluginDistrict
from tests.conftest import csrf_token
from tests.sample_plugins import noticeboard, noticeboard_extra
from tests.sample_plugins.noticeboard.models import Notice


def switch(client, plugin, enable):
    token = csrf_token(client.get("/admin/core/modules/").get_data(as_text=True))
    return client.post(
        "/admin/core/modules/switch",
        data={"plugin": plugin, "enable": "1" if enable else "0", "csrf_token": token},
        follow_redirects=True,
    )


def test_demo_enables_active_plugins(ctx, demo):
    district = territory.district_by_code("990101")
    assert services.enabled_in(district) == {"noticeboard", "noticeboard_extra"}


def test_disable_hides_menus_views_and_portal_at_next_request(admin):
    admin_client = admin
    assert admin_client.get("/admin/noticeboard/notice/").status_code == 200
    assert admin_client.get("/portal/noticeboard/").status_code == 200
    page = switch(admin_client, "noticeboard", False).get_data(as_text=True)
    assert "模块 noticeboard 无法停用：以下已启用的模块依赖于它：noticeboard_extra" in page
    assert admin_client.get("/admin/noticeboard/notice/").status_code == 200
    switch(admin_client, "noticeboard_extra", False)
    switch(admin_client, "noticeboard", False)
    menu = admin_client.get("/admin/").get_data(as_text=True)
    assert "/admin/noticeboard/notice/" not in menu
    assert admin_client.get("/admin/noticeboard/notice/").status_code == 404
    assert admin_client.get("/admin/noticeboard/notice/new/").status_code == 404
    assert admin_client.get("/portal/noticeboard/").status_code == 404
    # the data stays and comes back when the module is enabled again
    assert Notice.select().count() == 1
    page = switch(admin_client, "noticeboard", True)
    assert admin_client.get("/admin/noticeboard/notice/").status_code == 200
    assert "欢迎使用公告栏" in admin_client.get("/admin/noticeboard/notice/").get_data(as_text=True)
    assert page.status_code == 200


def test_enabling_brings_requirements(ctx, demo):
    district = territory.district_by_code("990101")
    services.disable_plugin(Context.trusted(), "noticeboard_extra", district)
    services.disable_plugin(Context.trusted(), "noticeboard", district)
    assert services.enable_plugin(Context.trusted(), "noticeboard_extra", district) == [
        "noticeboard",
        "noticeboard_extra",
    ]
    assert services.enabled_in(district) == {"noticeboard", "noticeboard_extra"}
    actions = [a.action for a in AuditLog.select().where(AuditLog.action.startswith("plugin_"))]
    assert actions.count("plugin_enabled") >= 2 and actions.count("plugin_disabled") == 2


def test_other_district_is_independent(ctx, demo):
    other = territory.create_unit("990102", "邻区", "district")
    assert services.enabled_in(other) == set()
    services.enable_plugin(Context.trusted(), "noticeboard", other)
    services.disable_plugin(
        Context.trusted(), "noticeboard_extra", territory.district_by_code("990101")
    )
    assert services.enabled_in(other) == {"noticeboard"}


@pytest.mark.parametrize(
    "plugin, district_code, message",
    [
        ("ghost", "990101", "未知模块：ghost"),
        ("core", "990101", "平台核心不能停用。"),
        ("noticeboard", "990101001", "模块须以区为单位启用。"),
    ],
)
def test_bad_switches_change_nothing(ctx, demo, plugin, district_code, message):
    unit = territory.by_code(district_code)
    before = list(PluginDistrict.select().dicts())
    with pytest.raises(services.ServiceError) as err:
        services.enable_plugin(Context.trusted(), plugin, unit)
    assert str(err.value) == message
    assert list(PluginDistrict.select().dicts()) == before


def test_blocked_plugin_cannot_be_enabled(make_app):
    app = make_app(plugins=[noticeboard, noticeboard_extra], BLOCKED_PLUGINS=["noticeboard_extra"])
    runner = app.test_cli_runner()
    with app.app_context():
        territory.create_unit("990101", "示范区", "district")
    result = runner.invoke(main, ["plugins", "enable", "noticeboard_extra", "--district", "990101"])
    assert result.exit_code == 1
    assert "模块 noticeboard_extra 已在本系统的配置中被禁用。" in result.output
    result = runner.invoke(main, ["plugins", "list", "--json"])
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert rows["noticeboard_extra"]["state"] == "blocked"
    assert rows["noticeboard"]["state"] == "active"
    assert rows["noticeboard"]["districts"] == []


def test_cli_enable_disable_and_list(app, demo):
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["plugins", "disable", "noticeboard", "--district", "990101"])
    assert result.exit_code == 1
    assert "以下已启用的模块依赖于它：noticeboard_extra" in result.output
    result = runner.invoke(
        main, ["plugins", "disable", "noticeboard_extra", "--district", "990101"]
    )
    assert result.exit_code == 0, result.output
    assert "disabled noticeboard_extra in 990101 (its data is kept)" in result.output
    result = runner.invoke(main, ["plugins", "enable", "noticeboard", "--district", "nowhere"])
    assert result.exit_code == 1 and "未知的辖区编码：nowhere" in result.output
    result = runner.invoke(main, ["plugins", "enable", "nosuch", "--district", "990101"])
    assert result.exit_code == 1 and "未知模块：nosuch" in result.output
    listing = json.loads(runner.invoke(main, ["plugins", "list", "--json"]).output)
    by_id = {r["id"]: r for r in listing}
    assert by_id["noticeboard"]["districts"] == ["990101"]
    assert by_id["noticeboard_extra"]["districts"] == []
    assert by_id["noticeboard_extra"]["requires"] == ["noticeboard"]
    assert by_id["noticeboard"]["version"] == "1.0.0"
    contributes = by_id["noticeboard"]["contributes"]
    assert contributes["tables"] == ["noticeboard_notice", "noticeboard_attachment"]
    assert contributes["admin_views"] == ["noticeboard_notice", "noticeboard_attachment"]
    assert contributes["settings"] == ["max_notices"] and "pin" in contributes["actions"]
    assert contributes["blueprints"] == ["noticeboard_portal"]
    text = runner.invoke(main, ["plugins", "list"]).output
    assert "noticeboard" in text and "enabled in: 990101" in text
