"""The field portal on a phone (360 x 740), in headless Chromium: a grid worker logs in, sees
their tasks overdue first, nothing scrolls sideways, every button is at least 44 px tall; then
the administrator's dashboard draws its charts from our own Chart.js.

Screenshots are written to the test's tmp_path (``--basetemp`` to keep them): portal.png,
portal-me.png, dashboard.png.
"""

from __future__ import annotations

import datetime as dt
import re
import types

import pytest
from playwright.sync_api import expect

from core.commands import Context
from core.db import db
from core.hookspecs import hookimpl
from core.kernel import Manifest

PHONE = {"width": 360, "height": 740}
COMMUNITY = "990101001001"  # 幸福社区


def _fieldwork_plugin():
    """A throwaway module: tasks for the grid worker, and one widget of each chart kind."""
    module = types.ModuleType("fake_fieldwork")
    module.MANIFEST = Manifest("fieldwork", "网格走访", "Field visits", "1.0")

    def linli_portal_tasks(user, district):
        from core.portal import Task
        from core.workdays import today

        if user.username != "gridworker":
            return []
        day = today()
        return [
            Task(
                "走访独居老人张大爷（幸福东苑 2 号楼 302）",
                "/portal/",
                "fieldwork",
                day + dt.timedelta(days=2),
                note="每月至少一次，记录身体和生活情况",
            ),
            Task("上报楼道堆放杂物隐患", "/portal/", "fieldwork", day - dt.timedelta(days=3)),
            Task("核对第1网格常住人口信息", "/portal/", "fieldwork", day),
            Task("整理网格工作日志", "/portal/", "fieldwork"),
        ]

    def linli_dashboard_widgets(district, user):
        from core import dashboard as d

        return [
            d.Widget("本月走访", 128, plugin="fieldwork", url="/admin/"),
            d.Rate("志愿者注册率", 1350, denominator=12000, target=10, plugin="fieldwork"),
            d.Trend(
                "走访与上报趋势",
                labels=d.month_labels(6),
                series=[
                    d.Series("走访户数", [80, 95, 110, 102, 121, 128]),
                    d.Series("上报事件", [12, 9, 15, 11, 7, 10]),
                ],
                plugin="fieldwork",
            ),
        ]

    for name, fn in list(locals().items()):
        if name.startswith("linli_"):
            setattr(module, name, hookimpl(fn))
    return module


FIELDWORK = _fieldwork_plugin()


@pytest.fixture
def make_app(make_app):
    """The live server's app, with the field-visit module added to the sample plugins."""

    def factory(plugins=(), **kwargs):
        return make_app(plugins=[*plugins, FIELDWORK], **kwargs)

    return factory


@pytest.fixture
def people(live_server):
    """A grid worker of 幸福社区, the admin with a known password, some audit history."""
    from core import services, territory
    from core.access import hash_password
    from core.models import AuditLog, User

    with live_server.app.app_context():
        db.connect(reuse_if_open=True)
        try:
            services.create_user(
                Context.trusted(),
                "gridworker",
                "Passw0rd-long",
                "grid_worker",
                territory.by_code(f"{COMMUNITY}G01"),
                "subtree",
                "王小网",
            )
            User.update(
                password_hash=hash_password("Admin-pass-123"), must_change_password=False
            ).where(User.username == "admin").execute()
            unit = territory.by_code(COMMUNITY).id
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            for days_ago in (0, 3, 35, 40, 70, 100, 100, 130, 160):
                AuditLog.create(
                    action="updated", table="x", unit_id=unit, at=now - dt.timedelta(days=days_ago)
                )
        finally:
            if not db.is_closed():
                db.close()


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def assert_fits_a_phone(page):
    # measure the page as shown: once its stylesheets have loaded (on a busy machine a
    # layout read before them sees an unstyled page)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                'button, .btn, input:not([type=hidden]), .portal-list a, .portal-tabbar a')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert not small, f"touch targets under 44 px: {small}"


@pytest.mark.e2e
def test_grid_worker_on_a_phone(live_server, people, phone, tmp_path):
    page = phone
    page.goto(f"{live_server.url}/portal/")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=(/|%2F)portal(/|%2F)$"))
    assert_fits_a_phone(page)
    page.fill("input[name=username]", "gridworker")
    page.fill("input[name=password]", "Passw0rd-long")
    page.click("form button[type=submit]")

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("h1")).to_contain_text("我的待办")
    expect(page.locator("#portal-district")).to_have_text("示范区")
    tasks = page.locator("#tasks .task-title")
    expect(tasks).to_have_count(4)
    expect(tasks.first).to_have_text("上报楼道堆放杂物隐患")
    expect(page.locator("#tasks li").first.locator(".badge-danger")).to_have_text("已逾期 3 天")
    expect(page.locator("#tasks li").nth(1).locator(".badge-warning")).to_have_text("今天到期")
    expect(page.locator("#overdue-summary")).to_have_text("1 项待办已逾期。")
    expect(page.locator("#modules")).to_contain_text("公告栏")
    expect(page.locator(".portal-tabbar")).to_contain_text("退出")
    assert_fits_a_phone(page)
    page.screenshot(path=str(tmp_path / "portal.png"), full_page=True)

    page.click(".portal-tabbar >> text=我的")
    expect(page.locator("#roles")).to_contain_text("网格员")
    expect(page.locator("#roles")).to_contain_text("幸福社区第1网格")
    assert_fits_a_phone(page)
    page.screenshot(path=str(tmp_path / "portal-me.png"), full_page=True)

    page.click(".portal-tabbar button:has-text('退出')")
    expect(page).to_have_url(re.compile(r"/auth/login"))
    expect(page.locator(".alert-info")).to_contain_text("您已退出登录")


@pytest.mark.e2e
def test_dashboard_draws_its_charts(live_server, people, page, tmp_path):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/auth/login?next=/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "Admin-pass-123")
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#rates")).to_contain_text("志愿者注册率")
    expect(page.locator("#rates")).to_contain_text("11.2%")
    charts = page.locator("canvas[data-chart]")
    expect(charts).to_have_count(3)  # the noticeboard's two, the time bank's hours per month
    page.wait_for_load_state("load")
    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas[data-chart]')].map(c => !!Chart.getChart(c))"
    )
    assert drawn == [True, True, True]  # dashboard.js found the data, Chart.js drew them all
    assert all(url.startswith(live_server.url) for url in requests), requests
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    # drill down to a community: the breadcrumb leads back up
    page.click("#dashboard-children >> text=东湖街道")
    page.click("#dashboard-children >> text=幸福社区")
    expect(page.locator("#dashboard-trail li")).to_have_text(["示范区", "东湖街道", "幸福社区"])
    expect(page.locator("#widgets")).not_to_contain_text("街道")
    page.screenshot(path=str(tmp_path / "dashboard-community.png"), full_page=True)
