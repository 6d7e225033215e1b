"""A newcomer's first visit, in headless Chromium: log in with the one-time password, choose
a new one, see the dashboard, open a list, switch a module off and on, log out."""

import re

import pytest
from playwright.sync_api import expect


def submit(page):
    page.click("form button[type=submit]")


@pytest.mark.e2e
def test_first_visit_from_login_to_dashboard_list_and_modules(live_server, page, tmp_path):
    base = live_server.url
    page.goto(f"{base}/admin/")
    # not logged in: the Chinese login page
    expect(page).to_have_url(re.compile(r"/auth/login"))
    expect(page.locator("h1")).to_have_text("邻里社区治理平台")
    expect(page.locator("label[for=username]")).to_have_text("用户名")
    expect(page.locator("label[for=password]")).to_have_text("密码")

    # a wrong password is refused in Chinese
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "not-the-password-1")
    submit(page)
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码错误。")

    # the one-time password works, and the first thing asked is a new password
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", live_server.admin_password)
    submit(page)
    expect(page).to_have_url(re.compile(r"/auth/password"))
    expect(page.locator(".alert-info")).to_contain_text("继续操作前，请先设置新密码。")
    page.fill("input[name=current]", live_server.admin_password)
    page.fill("input[name=new]", "short")
    page.fill("input[name=confirm]", "short")
    submit(page)
    expect(page.locator(".alert-danger")).to_contain_text("密码长度至少为 10 个字符。")
    expect(page).to_have_url(re.compile(r"/auth/password"))
    page.fill("input[name=current]", live_server.admin_password)
    page.fill("input[name=new]", "NewPassw0rd-2026")
    page.fill("input[name=confirm]", "NewPassw0rd-2026")
    submit(page)

    # the dashboard of the demo district, with the widgets of core and the plugin
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.locator("h1")).to_contain_text("工作台 · 示范区")
    expect(page.locator("#widgets .widget")).to_have_count(6)
    expect(page.locator(".widget[data-plugin=core]").first).to_contain_text("街道")
    expect(page.locator(".widget[data-plugin=noticeboard]")).to_contain_text("公告")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    # the territory list, reached through the menu
    page.click("nav >> text=辖区")
    expect(page).to_have_url(re.compile(r"/admin/core/territory_unit/"))
    table = page.locator("table.model-list")
    expect(table).to_contain_text("东湖街道")
    expect(table).to_contain_text("幸福社区")

    # switch the notice board off: its menu and pages are gone at the next request
    page.goto(f"{base}/admin/core/modules/")
    page.click("tr[data-plugin=noticeboard_extra] button[name=enable][value='0']")
    expect(page.locator(".alert-success")).to_contain_text("已停用：noticeboard_extra")
    page.click("tr[data-plugin=noticeboard] button[name=enable][value='0']")
    expect(page.locator(".alert-success")).to_contain_text("已停用：noticeboard")
    expect(page.locator("nav")).not_to_contain_text("公告栏")
    response = page.goto(f"{base}/admin/noticeboard/notice/")
    assert response.status == 404
    expect(page.locator("body")).to_contain_text("该页面不存在，或未在您所在的区开放。")

    # and on again: the notice posted before is still there
    page.goto(f"{base}/admin/core/modules/")
    page.click("tr[data-plugin=noticeboard] button[name=enable][value='1']")
    expect(page.locator(".alert-success")).to_contain_text("已启用：noticeboard")
    page.goto(f"{base}/admin/noticeboard/notice/")
    expect(page.locator("table.model-list")).to_contain_text("欢迎使用公告栏")

    # log out from the navigation bar
    page.click("nav button:has-text('退出登录')")
    expect(page).to_have_url(re.compile(r"/auth/login"))
    expect(page.locator(".alert-info")).to_contain_text("您已退出登录。")
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/auth/login"))
