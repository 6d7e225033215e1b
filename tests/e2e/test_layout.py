"""The admin's frame on a laptop, a small laptop and a phone: at 1280 px the top bar (district,
language, messages, to-do, the user) stands on one line; at 1024 × 768 and 360 × 740 no page
scrolls sideways (the dashboard, a list, a record, the to-do page), and on the phone the
sidebar is closed behind the menu button. One server and one browser for the module."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.testing import builtin_plugins, migrated_app
from tests.e2e.screenshots import tour_records
from tests.e2e.server import CHROMIUM, chromium, first_login, serve_demo

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 800}
SMALL = {"width": 1024, "height": 768}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def admin(tmp_path_factory):
    """(page, base URL, records) of the demo's administrator, logged in."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed; browser tests need Debian's chromium")
    tmp = tmp_path_factory.mktemp("layout")
    app = migrated_app(tmp / "instance", f"sqlite:///{tmp / 'linli.sqlite3'}", builtin_plugins())
    with serve_demo(app) as server, chromium() as context:
        page = context.new_page()
        first_login(page, server.url, server.admin_password, "Layout-pass-2026")
        yield page, server.url, tour_records(app)


def pages(records):
    return {
        "dashboard": "/admin/",
        "list": "/admin/hazards/hazard/",
        "details": f"/admin/hazards/hazard/details/?id={records['hazard']}",
        "todo": "/admin/todo/",
    }


def open_at(page, url, size):
    page.set_viewport_size(size)
    page.goto(url)
    page.wait_for_load_state("load")  # measured once the stylesheets apply


def width(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_the_top_bar_fits_1280_on_one_line(admin):
    page, base, _records = admin
    open_at(page, f"{base}/admin/", LAPTOP)
    bar = page.locator(".linli-topbar")
    for item in ("#current-district", "#topbar-inbox", "#topbar-todo", "#topbar-user"):
        expect(bar.locator(item)).to_be_visible()
    expect(bar.locator("#topbar-todo")).to_contain_text("待办")
    expect(bar.locator("#topbar-user")).to_contain_text("平台管理员")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('#linli-topbar-items > li')]
            .map(li => Math.round(li.getBoundingClientRect().top / 20))"""
    )
    assert len(set(rows)) == 1, f"the top bar wraps: its items start on rows {rows}"
    assert bar.bounding_box()["height"] < 60
    assert width(page)[0] <= LAPTOP["width"]
    expect(page.locator("#linli-sidebar")).to_be_visible()


@pytest.mark.parametrize("size", [SMALL, PHONE], ids=["1024", "360"])
@pytest.mark.parametrize("name", ["dashboard", "list", "details", "todo"])
def test_no_page_scrolls_sideways(admin, size, name):
    page, base, records = admin
    open_at(page, base + pages(records)[name], size)
    scroll, inner = width(page)
    assert scroll <= inner, f"{name} at {size['width']} px is {scroll} px wide"
    expect(page.locator("#topbar-todo-count")).to_be_visible()


def test_on_a_phone_the_sidebar_hides_behind_the_menu_button(admin):
    page, base, records = admin
    open_at(page, base + pages(records)["list"], PHONE)
    sidebar, toggle = page.locator("#linli-sidebar"), page.locator("#sidebar-toggle")
    expect(sidebar).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(sidebar).to_be_visible()
    expect(sidebar.locator("a.linli-leaf.active")).to_have_text("隐患台账")
    box = sidebar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert width(page)[0] <= PHONE["width"]
    sidebar.locator("a.linli-leaf.active").click()  # a page opened from the menu: closed again
    expect(page.locator("h4")).to_have_text("隐患台账")
    expect(sidebar).to_be_hidden()
    # on a wider screen the sidebar is open, whatever the phone did
    open_at(page, base + pages(records)["list"], SMALL)
    expect(sidebar).to_be_visible()
