"""The field portal (移动端门户): login, the user's tasks from every enabled module (overdue
first), the empty state, links to the modules' portal pages, the "me" page, error pages."""

from __future__ import annotations

import datetime as dt
import re
import types
from urllib.parse import unquote

import pytest
from babel.dates import format_date
from flask import Blueprint, abort, render_template_string

from core import services, territory
from core.commands import Context
from core.hookspecs import hookimpl
from core.kernel import Manifest
from core.models import User
from core.portal import Task
from core.workdays import today
from tests.conftest import login
from tests.sample_plugins import noticeboard, noticeboard_extra

HAPPY = "990101001001"  # 幸福社区

chores_bp = Blueprint("chores_portal", __name__, url_prefix="/portal/chores")


@chores_bp.route("/")
def chores_index():
    return render_template_string(
        '{% extends "portal/base.html" %}{% block title %}杂务清单{% endblock %}'
        '{% block back %}/portal/{% endblock %}{% block content %}<p id="chores">全部杂务</p>'
        "{% endblock %}"
    )


@chores_bp.route("/secret")
def chores_secret():
    abort(403)


def _chores_plugin():
    """A throwaway module with portal tasks for the user ``worker`` and a portal page."""
    module = types.ModuleType("fake_chores")
    module.MANIFEST = Manifest("chores", "杂务", "Chores", "1.0")

    def linli_portal_tasks(user, district):
        if user.username != "worker":
            return []
        day = today()
        return [
            Task("以后再说", "/portal/chores/later", "chores"),
            Task("下周走访", "/portal/chores/visit", "chores", day + dt.timedelta(days=7)),
            Task("昨天的巡查", "/portal/chores/patrol", "chores", day - dt.timedelta(days=1)),
            Task("今天交表", "/portal/chores/form", "chores", day, note="交到社区办公室"),
            Task("上周的整改", "/portal/chores/fix", "chores", day - dt.timedelta(days=6)),
        ]

    def linli_blueprints():
        return [chores_bp]

    module.linli_portal_tasks = hookimpl(linli_portal_tasks)
    module.linli_blueprints = hookimpl(linli_blueprints)
    return module


CHORES = _chores_plugin()


@pytest.fixture
def app(make_app):
    return make_app(plugins=[noticeboard, noticeboard_extra, CHORES])


@pytest.fixture
def worker(app, demo, client_for):
    with app.app_context():
        make_user("worker", "grid_worker", f"{HAPPY}G01", display_name="王网格")
    return client_for("worker")


def make_user(username, role, unit_code, scope="subtree", display_name=""):
    services.ensure_builtin_roles()
    return services.create_user(
        Context.trusted(),
        username,
        "Passw0rd-long",
        role,
        territory.by_code(unit_code),
        scope,
        display_name,
    )


def text(response):
    return response.get_data(as_text=True)


def zh_date(day):
    return format_date(day, "long", locale="zh_Hans_CN")


def test_anonymous_visitors_are_sent_to_login_and_come_back(app, demo):
    client = app.test_client()
    response = client.get("/portal/")
    assert response.status_code == 302
    assert unquote(response.headers["Location"]) == "/auth/login?next=/portal/"
    assert client.get("/portal/me").status_code == 302
    with app.app_context():
        make_user("worker", "grid_worker", HAPPY)
    page = client.get("/auth/login?next=/portal/")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(page)).group(1)
    response = client.post(
        "/auth/login?next=/portal/",
        data={"username": "worker", "password": "Passw0rd-long", "csrf_token": token},
    )
    assert response.headers["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_a_one_time_password_is_changed_first(app, demo):
    with app.app_context():
        make_user("newcomer", "grid_worker", HAPPY)
        User.update(must_change_password=True).where(User.username == "newcomer").execute()
    client = app.test_client()
    login(client, "newcomer", "Passw0rd-long")
    response = client.get("/portal/")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/password"


@pytest.mark.awkward_days
def test_tasks_of_the_modules_overdue_first_by_due_date(worker):
    page = text(worker.get("/portal/"))
    order = re.findall(r'<span class="task-title">([^<]+)</span>', page)
    assert order == ["上周的整改", "昨天的巡查", "今天交表", "下周走访", "以后再说"]
    day = today()
    assert f"截止 {zh_date(day - dt.timedelta(days=6))}" in page  # e.g. 截止 2026年3月5日
    assert "已逾期 6 天" in page and "已逾期 1 天" in page and "今天到期" in page
    assert page.count('class="task task-overdue"') == 2
    assert "2 项待办已逾期。" in page
    assert "交到社区办公室" in page and 'href="/portal/chores/fix"' in page
    assert "杂务" in page  # the module each task comes from


def test_home_page_is_chinese_first_with_district_language_switch_and_logout(worker):
    page = text(worker.get("/portal/"))
    assert '<html lang="zh-CN">' in page and "我的待办" in page
    assert 'id="portal-district">示范区<' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    logout = re.search(r'<form method="post" action="/auth/logout">(.*?)</form>', page, re.S)
    assert logout and 'name="csrf_token"' in logout.group(1) and "退出" in logout.group(1)
    assert re.search(r'action="/auth/language" class="portal-lang">.*?value="en"', page, re.S)
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", page)
    assert all(src.startswith("/") for src in scripts)


def test_links_to_the_portal_pages_of_enabled_modules(worker):
    page = text(worker.get("/portal/"))
    modules = page.split('id="modules"')[1].split("</ul>")[0]
    assert '<a href="/portal/chores/">杂务</a>' in modules
    assert '<a href="/portal/noticeboard/">公告栏</a>' in modules
    assert "/portal/me" not in modules and "/portal/</a>" not in modules
    # a module's page extends the portal's base template
    page = text(worker.get("/portal/chores/"))
    assert '<h1 class="portal-title">杂务清单</h1>' in page and 'id="chores"' in page
    assert '<a class="portal-back" href="/portal/">' in page
    assert "退出" in page


def test_empty_state(app, demo, client_for):
    with app.app_context():
        make_user("idle", "grid_worker", HAPPY)
    page = text(client_for("idle").get("/portal/"))
    assert 'id="no-tasks"' in page and "暂无待办事项。" in page
    assert 'id="tasks"' not in page


def test_a_disabled_module_shows_no_tasks_and_no_link(app, worker):
    with app.app_context():
        district = territory.district_by_code("990101")
        services.disable_plugin(Context.trusted(), "chores", district)
    page = text(worker.get("/portal/"))
    assert "上周的整改" not in page and "暂无待办事项。" in page
    assert "/portal/chores/" not in page and "/portal/noticeboard/" in page
    assert worker.get("/portal/chores/").status_code == 404


def test_me_page_lists_roles_and_units(worker):
    page = text(worker.get("/portal/me"))
    assert "王网格" in page and "worker" in page
    roles = page.split('id="roles"')[1].split("</ul>")[0]
    assert "网格员" in roles and "幸福社区第1网格（网格）" in roles and "本级及以下" in roles


def test_english(worker):
    page = text(worker.get("/portal/"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    worker.post("/auth/language", data={"locale": "en", "next": "/portal/", "csrf_token": token})
    page = text(worker.get("/portal/"))
    assert '<html lang="en">' in page and "My tasks" in page and "Overdue by 6 days" in page
    assert "Chores" in page and "Log out" in page


def test_error_pages_in_chinese(worker):
    response = worker.get("/portal/no-such-page")
    assert response.status_code == 404
    assert "该页面不存在，或未在您所在的区开放。" in text(response)
    response = worker.get("/portal/chores/secret")
    assert response.status_code == 403
    assert "您无权执行此操作。" in text(response)
