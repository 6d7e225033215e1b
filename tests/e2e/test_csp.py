"""The strict Content-Security-Policy in a real browser (内容安全策略): no script runs unless it
is ours or carries the response's nonce, and the admin's buttons still work without inline
handlers (the delete confirmation, the "with selected" menu, the list filters).

Every page records the policy violations it sees (``securitypolicyviolation`` events) before
its own scripts run; the pages we serve must show none, and markup injected into a page (as a
stored XSS would be) must be refused.
"""

import re

import pytest
from playwright.sync_api import expect

NEW_PASSWORD = "NewPassw0rd-2026"
NOTICE_LIST = "/admin/noticeboard/notice/"
WELCOME = "欢迎使用公告栏"

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber
  );
});
"""


def log_in(page, live_server):
    page.goto(f"{live_server.url}/auth/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", live_server.admin_password)
    page.click("form button[type=submit]")
    page.fill("input[name=current]", live_server.admin_password)
    page.fill("input[name=new]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("密码已修改。")


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


@pytest.mark.e2e
def test_admin_buttons_work_under_the_strict_policy(live_server, page):
    page.context.add_init_script(RECORD_VIOLATIONS)
    dialogs: list[str] = []

    log_in(page, live_server)
    response = page.goto(f"{live_server.url}{NOTICE_LIST}")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", policy)
    page.wait_for_load_state("load")
    row = page.locator("table.model-list tbody tr", has_text=WELCOME)
    expect(row).to_have_count(1)
    assert page.locator("[onclick], [onchange], [onsubmit]").count() == 0

    # the row's delete button asks first (the inline confirm is now data-confirm)
    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    row.locator("form button").last.click()
    expect(row).to_have_count(1)
    assert dialogs == ["你确定要删除这条记录吗？"]

    # "with selected" → delete: nothing selected is refused, then the action asks first
    page.once("dialog", dismiss)
    page.locator("a.dropdown-toggle", has_text="选中的").click()
    page.locator("a[data-action=delete]").click()
    assert len(dialogs) == 2  # "select a record first"
    row.locator("input.action-checkbox").check()
    page.once("dialog", dismiss)
    page.locator("a.dropdown-toggle", has_text="选中的").click()
    page.locator("a[data-action=delete]").click()
    assert len(dialogs) == 3 and dialogs[2] != dialogs[1]
    expect(row).to_have_count(1)

    # a list filter opens from its menu (the link had onclick="return false")
    page.locator("a.dropdown-toggle", has_text="筛选").click()
    page.locator("a.filter").first.click()
    expect(page.locator("table.filters tr")).to_have_count(1)

    assert violations(page) == [], page.evaluate(
        "[...document.scripts].filter(s => !s.src).map(s => s.outerHTML.slice(0, 200))"
    )

    # accepted, the delete goes through
    page.once("dialog", lambda d: d.accept())
    row.locator("form button").last.click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("table.model-list")).not_to_contain_text(WELCOME)
    assert violations(page) == []


@pytest.mark.e2e
def test_injected_markup_cannot_run_script(live_server, page):
    page.context.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/core/territory_unit/")
    page.wait_for_load_state("load")
    assert violations(page) == []
    # what a stored XSS would put into the page: an inline handler and an inline script
    page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.innerHTML = '<img src="/static/none.png" onerror="window.__pwned = 1">';
          document.body.appendChild(box);
          const s = document.createElement("script");
          s.textContent = "window.__pwned = 2";
          document.body.appendChild(s);
        }"""
    )
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.__pwned") is None
    assert all(v.startswith("script-src") for v in violations(page))
