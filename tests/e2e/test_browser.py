"""A newcomer's first visit, in headless Chromium: log in with the one-time password, choose
a new one, see the dashboard, open a list, switch a module off and on, log out.

Screenshots of every step are written to the test's tmp_path (pass ``--basetemp DIR`` to keep
them): dashboard.png is the one to look at first.
"""

import re

import pytest
from playwright.sync_api import expect

NEW_PASSWORD = "NewPassw0rd-2026"
NOTICE_LIST = "/admin/noticeboard/notice/"


def submit(page):
    page.click("form button[type=submit]")


def nav_link(page, name):
    return page.locator("nav").get_by_role("link", name=name, exact=True)


@pytest.mark.e2e
def test_first_visit_from_login_to_dashboard_list_and_modules(live_server, page, tmp_path):
    base = live_server.url

    def shot(name):
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)

    # not logged in: /admin/ leads to the Chinese login page
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    expect(page).to_have_title(re.compile(r"^登录"))
    expect(page.locator("h1")).to_have_text("邻里社区治理平台")
    expect(page.locator("label[for=username]")).to_have_text("用户名")
    expect(page.locator("label[for=password]")).to_have_text("密码")
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_attribute("type", "password")
    expect(page.locator("form button[type=submit]")).to_have_text("登录")
    shot("login")

    # a wrong password is refused in Chinese
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "not-the-password-1")
    submit(page)
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码错误。")

    # the one-time password works, and the first thing asked is a new password
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", live_server.admin_password)
    submit(page)
    expect(page).to_have_url(re.compile(r"/auth/password$"))
    expect(page.locator(".alert-info")).to_contain_text("继续操作前，请先设置新密码。")
    expect(page.locator("h1")).to_have_text("修改密码")

    # the dashboard is closed until the password is changed
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/auth/password$"))

    # a weak password: an error, and we stay on the page
    page.fill("input[name=current]", live_server.admin_password)
    page.fill("input[name=new]", "short")
    page.fill("input[name=confirm]", "short")
    submit(page)
    expect(page.locator(".alert-danger")).to_contain_text("密码至少需要 8 个字符。")
    expect(page).to_have_url(re.compile(r"/auth/password$"))
    expect(page.locator("input[name=new]")).to_be_visible()
    shot("weak-password")

    page.fill("input[name=current]", live_server.admin_password)
    page.fill("input[name=new]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    submit(page)

    # the dashboard of the demo district, with the widgets of core and of the plugin
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator(".alert-success")).to_contain_text("密码已修改。")
    expect(page.locator("h1")).to_contain_text("工作台 · 示范区")
    expect(page.locator("#current-district")).to_have_text("示范区")
    widgets = page.locator("#widgets .widget")
    expect(widgets.first).to_be_visible()
    assert widgets.count() >= 6  # five territory levels and the notice board
    streets = page.locator(".widget[data-plugin=core]").filter(has_text="街道")
    expect(streets).to_contain_text("2")
    notices = page.locator("#widgets .widget[data-plugin=noticeboard]")
    expect(notices).to_have_count(1)
    expect(notices).to_be_visible()
    expect(notices).to_contain_text("公告")
    expect(notices).to_contain_text("1")
    shot("dashboard")

    # the territory list, reached through the menu
    nav_link(page, "辖区").click()
    expect(page).to_have_url(re.compile(r"/admin/core/territory_unit/"))
    table = page.locator("table.model-list")
    expect(table).to_contain_text("东湖街道")
    expect(table).to_contain_text("幸福社区")
    shot("territory")

    # switch the notice board off: its menu and pages are gone at the next request
    page.goto(f"{base}/admin/core/modules/")
    expect(page.locator("nav a[href='/admin/noticeboard/notice/']")).to_have_count(1)
    shot("modules")
    page.click("tr[data-plugin=noticeboard_extra] button[name=enable][value='0']")
    expect(page.locator(".alert-success")).to_contain_text("已停用：noticeboard_extra")
    expect(page.locator("tr[data-plugin=noticeboard_extra] .badge")).to_have_text("已停用")
    page.click("tr[data-plugin=noticeboard] button[name=enable][value='0']")
    expect(page.locator(".alert-success")).to_contain_text("已停用：noticeboard")
    expect(page.locator("tr[data-plugin=noticeboard] .badge")).to_have_text("已停用")
    expect(page.locator("#linli-sidebar")).not_to_contain_text("公告栏")
    expect(page.locator(f"nav a[href='{NOTICE_LIST}']")).to_have_count(0)
    response = page.goto(f"{base}{NOTICE_LIST}")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("404")
    expect(page.locator("body")).to_contain_text("该页面不存在，或未在您所在的区开放。")
    shot("not-found")

    # and on again: the menu is back and the notice posted before is still there
    page.goto(f"{base}/admin/core/modules/")
    page.click("tr[data-plugin=noticeboard] button[name=enable][value='1']")
    expect(page.locator(".alert-success")).to_contain_text("已启用：noticeboard")
    expect(page.locator("tr[data-plugin=noticeboard] .badge")).to_have_text("已启用")
    # the menu opens with Bootstrap's script: wait until the page has loaded it
    page.wait_for_load_state("load")
    page.locator("#linli-sidebar a.linli-group-toggle", has_text="公告栏").click()
    expect(page.locator(f"nav a[href='{NOTICE_LIST}']")).to_be_visible()
    page.click(f"nav a[href='{NOTICE_LIST}']")
    expect(page).to_have_url(re.compile(re.escape(NOTICE_LIST)))
    expect(page.locator("table.model-list")).to_contain_text("欢迎使用公告栏")
    shot("notices")

    # the sidebar folds away and comes back (remembered in the browser); the toggle works
    # once the page's script has loaded
    page.wait_for_load_state("load")
    page.click("#sidebar-toggle")
    expect(page.locator("#linli-sidebar")).to_be_hidden()
    page.reload()
    page.wait_for_load_state("load")
    expect(page.locator("#linli-sidebar")).to_be_hidden()
    page.click("#sidebar-toggle")
    expect(page.locator("#linli-sidebar")).to_be_visible()

    # the top bar fits one line at 1280 px and stays usable at 1024 px
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{base}/admin/todo/")
        bar = page.locator("nav.linli-topbar").bounding_box()
        assert bar["height"] < 70, (width, bar)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        expect(page.locator("#topbar-todo-count")).to_be_visible()
        shot(f"todo-{width}")

    # log out from the navigation bar
    page.click("nav button:has-text('退出登录')")
    expect(page).to_have_url(re.compile(r"/auth/login"))
    expect(page.locator(".alert-info")).to_contain_text("您已退出登录。")
    expect(page.locator("input[name=password]")).to_be_visible()
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/auth/login"))
