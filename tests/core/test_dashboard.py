"""The dashboard (工作台): widget kinds, targets from district settings, charts from our own
static files, drill-down to a street or community, and figures limited to the user's scope."""

from __future__ import annotations

import datetime as dt
import json
import re
import types

import pytest
from flask import g

from core import territory
from core.hookspecs import hookimpl
from core.kernel import Manifest
from core.models import AuditLog
from core.notifications import OverdueItem
from core.settings import Setting
from core.workdays import today
from tests.conftest import make_user
from tests.sample_plugins import noticeboard, noticeboard_extra

HAPPY, PEACE, EVERGREEN = "990101001001", "990101001002", "990101002001"  # 幸福, 和平, 长青
SEEN_UNITS: list = []  # the g.dashboard_unit the test plugin saw, per request


def _kpi_plugin():
    """A throwaway plugin contributing one widget of each kind and an overdue item."""
    module = types.ModuleType("fake_kpi")
    module.MANIFEST = Manifest("kpi", "指标", "Indicators", "1.0")

    def linli_settings():
        return [Setting("volunteer_rate_target", float, 10.0, "志愿者注册率目标", "Target")]

    def linli_dashboard_widgets(district, user):
        from core import dashboard as d

        unit = g.get("dashboard_unit")
        SEEN_UNITS.append(unit.code if unit is not None else None)
        return [
            d.Widget("待审核", 7, plugin="kpi", url="/admin/kpi/pending/"),
            d.Rate(
                "志愿者注册率",
                30,
                denominator=200,
                target=d.target("kpi", "volunteer_rate_target"),
                plugin="kpi",
            ),
            d.Rate("每社区社会组织", 30, denominator=4, per=1, per_label="个/社区", target=10),
            d.Trend(
                "服务时长趋势",
                labels=d.month_labels(3, dt.date(2026, 3, 15)),
                series=[d.Series("小时", [5, 8, 13]), ("人次", [1, 2, 3])],
                plugin="kpi",
            ),
            d.Table(
                "待办清单",
                columns=["事项", "期限"],
                rows=[d.Row(["检查消防通道", "2026年3月1日"], url="/admin/kpi/1", alert=True)],
                plugin="kpi",
            ),
        ]

    def linli_overdue_items(district):
        late = today() - dt.timedelta(days=4)
        return [
            OverdueItem("幸福社区隐患整改", "/admin/kpi/late/1", late, _unit(HAPPY), plugin="kpi"),
            OverdueItem(
                "长青社区隐患整改", "/admin/kpi/late/2", late, _unit(EVERGREEN), plugin="kpi"
            ),
        ]

    for name, fn in list(locals().items()):
        if name.startswith("linli_"):
            setattr(module, name, hookimpl(fn))
    return module


def _unit(code):
    return territory.by_code(code).id


KPI = _kpi_plugin()


@pytest.fixture
def app(make_app):
    return make_app(plugins=[noticeboard, noticeboard_extra, KPI])


@pytest.fixture
def staff(app, demo, client_for):
    """Clients for a community staff member of 幸福社区 and a street staff member of 东湖街道."""
    with app.app_context():
        make_user("happy_staff", "community_staff", HAPPY)
        make_user("east_staff", "street_staff", "990101001")
    return types.SimpleNamespace(happy=client_for("happy_staff"), east=client_for("east_staff"))


def html(client, url="/admin/"):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def count_of(page, title):
    """The figure of the count widget called ``title``."""
    match = re.search(
        rf'<div class="text-muted small">{re.escape(title)}</div>\s*<div class="h3 mb-0">'
        r"(?:<a [^>]*>)?(\d+)",
        page,
    )
    assert match, f"no count widget {title!r}"
    return int(match.group(1))


def titles(page):
    """Titles of the count widgets, in order."""
    counts = page.split('id="widgets"')[1].split('id="rates"')[0]
    return re.findall(r'<div class="text-muted small">([^<]+)</div>', counts)


def met(page, title):
    """The data-met state (yes, no, unknown) of the rate widget called ``title``."""
    match = re.search(rf'data-met="(\w+)">(?:(?!data-met).)*?>{re.escape(title)}<', page, re.S)
    assert match, f"no rate widget {title!r}"
    return match.group(1)


def test_every_widget_kind_renders(admin):
    SEEN_UNITS.clear()
    page = html(admin)
    # count, with its link, among the counts (the core's first)
    widgets = page.split('id="widgets"')[1].split('id="rates"')[0]
    assert widgets.index("街道") < widgets.index("待审核")
    assert '<a href="/admin/kpi/pending/">7</a>' in widgets
    assert count_of(page, "街道") == 2 and count_of(page, "社区") == 4
    # rates: a percentage and a figure per community, each against its target
    assert "志愿者注册率" in page and "15%" in page and "目标 ≥ 10%" in page
    assert "7.5 个/社区" in page and "目标 ≥ 10 个/社区" in page
    # trend and table
    assert "服务时长趋势" in page and "<canvas" in page
    assert 'href="/admin/kpi/1">检查消防通道</a>' in page
    # the plugin saw the district as the dashboard's unit
    assert SEEN_UNITS == ["990101"]


def test_rate_against_a_target_read_from_the_district_setting(app, admin):
    page = html(admin)
    assert met(page, "志愿者注册率") == "yes" and "目标 ≥ 10%" in page
    with app.app_context():
        district = territory.district_by_code("990101")
        app.extensions["linli"].settings.set(district.id, "kpi", "volunteer_rate_target", 20)
    page = html(admin)
    assert met(page, "志愿者注册率") == "no"
    assert "目标 ≥ 20%" in page and "未达标" in page
    # another district keeps the documented default
    with app.app_context():
        other = territory.create_unit("990102", "邻区", "district")
        assert app.extensions["linli"].settings.get(other.id, "kpi", "volunteer_rate_target") == 10


def test_core_targets_are_district_settings(app, admin, staff):
    """The core's KPIs (grid coverage, platform use) read their targets from settings."""
    page = html(admin)
    assert met(page, "划分网格的社区") == "yes" and "4 / 4" in page  # every demo community
    # only 幸福社区 has a staff account at or below it: 1 of 4 communities
    assert met(page, "使用平台的社区") == "no" and "1 / 4" in page and "25%" in page
    with app.app_context():
        district = territory.district_by_code("990101")
        settings = app.extensions["linli"].settings
        assert settings.get(district.id, "core", "kpi_platform_coverage_target") == 100
        settings.set(district.id, "core", "kpi_platform_coverage_target", 25)
    page = html(admin)
    assert met(page, "使用平台的社区") == "yes" and "目标 ≥ 25%" in page


def test_trend_chart_data_and_only_local_scripts(app, admin):
    with app.app_context():
        for months_ago in (0, 1, 1):
            AuditLog.create(
                action="created",
                table="x",
                unit_id=_unit(HAPPY),
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None)
                - dt.timedelta(days=31 * months_ago),
            )
    page = html(admin)
    blobs = re.findall(r'<script type="application/json" id="(chart-\d+)">(.*?)</script>', page)
    charts = {
        json.loads(blob)["datasets"][0]["label"]: (cid, json.loads(blob)) for cid, blob in blobs
    }
    cid, spec = charts["小时"]
    assert spec["labels"] == ["2026-01", "2026-02", "2026-03"]
    assert spec["datasets"][1] == {"label": "人次", "data": [1, 2, 3]}
    assert f'data-chart="{cid}"' in page
    # the core's activity trend counts the audit trail of the last 6 months
    _cid, activity = charts["变更次数"]
    assert len(activity["labels"]) == 6 and sum(activity["datasets"][0]["data"]) >= 3
    # every script comes from this site: Chart.js from our static files, no CDN
    sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page)
    assert sources and all(src.startswith("/") and not src.startswith("//") for src in sources)
    assert "/static/vendor/chartjs/chart.umd.min.js" in sources
    assert "/static/linli/dashboard.js" in sources
    assert "cdn" not in page.lower()
    for src in ("/static/vendor/chartjs/chart.umd.min.js", "/static/linli/dashboard.js"):
        response = admin.get(src)
        assert response.status_code == 200 and b"Chart" in response.data
        response.close()


@pytest.mark.awkward_days
def test_overdue_table_lists_items_in_scope_with_links(admin, staff):
    page = html(admin)
    table = page.split("逾期事项")[1]
    assert 'href="/admin/kpi/late/1">幸福社区隐患整改</a>' in table
    assert "长青社区隐患整改" in table and "4 天" in table
    page = html(staff.happy)
    table = page.split("逾期事项")[1]
    assert "幸福社区隐患整改" in table and "长青社区隐患整改" not in table


def test_drill_down_to_a_community_shows_its_figures(admin):
    SEEN_UNITS.clear()
    page = html(admin)
    match = re.search(r'href="/admin/\?unit=(\d+)">东湖街道</a>', page)
    assert match, "no link to drill into a street"
    page = html(admin, f"/admin/?unit={match.group(1)}")
    assert count_of(page, "社区") == 2 and count_of(page, "网格") == 4
    assert titles(page)[:2] == ["社区", "网格"]
    happy = re.search(r'href="/admin/\?unit=(\d+)">幸福社区</a>', page).group(1)
    page = html(admin, f"/admin/?unit={happy}")
    trail = page.split('id="dashboard-trail"')[1].split("</ol>")[0]
    assert re.search(r'<a href="/admin/\?unit=\d+">示范区</a>.*东湖街道.*幸福社区', trail, re.S)
    assert 'aria-current="page">幸福社区' in trail
    assert (
        count_of(page, "网格") == 2 and count_of(page, "小区") == 2 and count_of(page, "楼栋") == 6
    )
    assert titles(page)[:3] == ["网格", "小区", "楼栋"]
    assert "长青社区隐患整改" not in page and "幸福社区隐患整改" in page  # overdue rows too
    assert SEEN_UNITS == ["990101", "990101001", "990101001001"]


def test_community_staff_sees_only_their_community(staff):
    page = html(staff.happy)
    # their dashboard opens on their own community, the district shown but not reachable
    trail = page.split('id="dashboard-trail"')[1].split("</ol>")[0]
    assert 'aria-current="page">幸福社区' in trail and "href" not in trail
    assert count_of(page, "网格") == 2 and count_of(page, "楼栋") == 6
    assert titles(page)[:3] == ["网格", "小区", "楼栋"]


def test_community_staff_cannot_drill_into_another_community(app, staff):
    with app.app_context():
        evergreen = _unit(EVERGREEN)
        street = _unit("990101001")
    for target in (evergreen, street, 999999, "abc"):
        page = html(staff.happy, f"/admin/?unit={target}")
        assert "您无权查看该单位的数据，已显示幸福社区的数据。" in page, target
        assert 'aria-current="page">幸福社区' in page
        assert count_of(page, "网格") == 2
        assert "长青社区" not in page


def test_street_staff_figures_are_limited_to_their_street(app, staff):
    page = html(staff.east)
    assert 'aria-current="page">东湖街道' in page
    assert count_of(page, "社区") == 2 and count_of(page, "网格") == 4
    children = page.split('id="dashboard-children"')[1].split("</div>")[0]
    assert "幸福社区" in children and "和平社区" in children and "长青社区" not in children
    with app.app_context():
        evergreen = _unit(EVERGREEN)
    page = html(staff.east, f"/admin/?unit={evergreen}")
    assert "您无权查看该单位的数据" in page and count_of(page, "社区") == 2


def test_dashboard_in_english(admin):
    token = re.search(r'name="csrf_token" value="([^"]+)"', html(admin)).group(1)
    admin.post("/auth/language", data={"locale": "en", "next": "/admin/", "csrf_token": token})
    page = html(admin)
    assert "Communities divided into grids" in page and "target ≥ 100%" in page
    assert "Overdue items" in page
