"""待办 To-do: what waits for a user's step, found from the workflow registry in their data
scope (and the ``linli_todo_items`` hook), overdue first, with a link to the record; the
figure in the top bar; the sidebar shows the user's modules only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

import plugins.hazards as hazards
import plugins.timebank as timebank
from core.access import Access
from core.db import db
from core.models import TerritoryUnit
from core.testing import USER_PASSWORD
from core.todo import todo_items
from tests.conftest import login, make_user
from tests.plugins.timebank.conftest import COMMUNITY, OTHER, STREET, FreshClient, World

OTHER_STREET = "990101001"  # 东湖街道
START = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in China


@pytest.fixture
def app(make_app):
    app = make_app(plugins=[timebank, hazards])
    app.test_client_class = FreshClient
    return app


@pytest.fixture
def tb(app, demo):
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        yield World()
        if not db.is_closed():
            db.close()


def todo_page(app, username):
    client = app.test_client()
    login(client, username, USER_PASSWORD)
    response = client.get("/admin/todo/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def items_of(user):
    district = TerritoryUnit.get_by_id(TerritoryUnit.get(TerritoryUnit.code == STREET).district_id)
    return todo_items(user, Access(user), district, enabled={"timebank", "hazards"})


def test_a_street_approver_sees_a_pending_record_with_a_link_and_others_do_not(app, tb):
    record = tb.confirmed(tb.volunteer(0))
    assert record.status == "pending_review"
    make_user("elsewhere", "community_staff", OTHER, "subtree")
    make_user("east_approver", "street_staff", OTHER_STREET, "subtree")

    html = todo_page(app, "approver")
    link = f"/admin/timebank/record/details/?id={record.id}"
    assert link in html and "审核通过" in html  # the step the approver may take
    assert str(record) in html

    # the list is the user's own: the link opens the record, with the step on it
    client = app.test_client()
    login(client, "approver", USER_PASSWORD)
    details = client.get(link).get_data(as_text=True)
    assert 'data-transition="approve"' in details

    for other in ("elsewhere", "east_approver"):
        page = todo_page(app, other)
        assert link not in page


def test_an_overdue_item_comes_first(app, tb):
    with time_machine.travel(START, tick=False):
        old = tb.confirmed(tb.volunteer(0))
    with time_machine.travel(START + dt.timedelta(days=30), tick=False):
        new = tb.confirmed(tb.volunteer(1))
        items = [i for i in items_of(tb.approver) if "timebank/record" in i.url]
        assert [i.url.rsplit("=", 1)[1] for i in items] == [str(old.id), str(new.id)]
        assert items[0].overdue and not items[1].overdue
        html = todo_page(app, "approver")
    first = html.index(f"timebank/record/details/?id={old.id}")
    assert first < html.index(f"timebank/record/details/?id={new.id}")
    assert html.index('class="badge badge-danger overdue"') < html.index(
        f"timebank/record/details/?id={new.id}"
    )


def test_the_count_in_the_top_bar_matches_the_list(app, tb):
    tb.confirmed(tb.volunteer(0))
    tb.confirmed(tb.volunteer(1))
    expected = len(items_of(tb.approver))
    assert expected >= 2
    html = todo_page(app, "approver")
    count = re.search(r'id="topbar-todo-count">(\d+)<', html).group(1)
    assert (
        int(count)
        == expected
        == html.count('class="list-group-item list-group-item-action todo-item')
    )


def test_someone_with_nothing_sees_an_empty_state(app, tb):
    make_user("idle", "community_staff", COMMUNITY, "subtree")  # nothing logged there yet
    html = todo_page(app, "idle")
    assert "没有等待您处理的事项，已全部办完。" in html
    assert re.search(r'id="topbar-todo-count">0<', html)


def test_the_sidebar_shows_the_users_modules_only(app, tb):
    from core import services as core_services
    from core.commands import Context
    from core.models import Role

    role = Role.create(code="tb_only", name_zh="时间银行专员", name_en="Time bank only")
    core_services.set_role_permissions(
        Context.trusted(), role, {("timebank", "read"), ("timebank", "approve")}
    )
    make_user("tb_only", "tb_only", STREET, "subtree")
    client = app.test_client()
    login(client, "tb_only", USER_PASSWORD)
    html = client.get("/admin/todo/").get_data(as_text=True)
    sidebar = html[
        html.index('id="linli-sidebar"') : html.index("</nav>", html.index('id="linli-sidebar"'))
    ]
    assert 'data-group="timebank"' in sidebar
    assert 'data-group="hazards"' not in sidebar and "/admin/hazards/" not in sidebar
    # the breadcrumb and the top bar
    assert 'id="breadcrumb"' in html and 'id="topbar-todo"' in html

    staff = app.test_client()
    login(staff, "approver", USER_PASSWORD)
    full = staff.get("/admin/todo/").get_data(as_text=True)
    assert 'data-group="hazards"' in full and 'data-group="timebank"' in full


def test_the_top_bar_count_is_kept_a_while_and_counted_again_after_a_change(make_app, demo):
    """With LINLI_TODO_COUNT_SECONDS on, the figure is not counted on every page; a step taken
    in this process (an event) makes the next page count again."""
    app = make_app(plugins=[timebank, hazards], TODO_COUNT_SECONDS=600)
    app.test_client_class = FreshClient
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        world = World()
        world.confirmed(world.volunteer(0))
        db.close()
    client = app.test_client()
    login(client, "approver", USER_PASSWORD)

    def count():
        page = client.get("/admin/").get_data(as_text=True)
        return int(re.search(r'id="topbar-todo-count">(\d+)<', page).group(1))

    first = count()
    assert first >= 1
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        from plugins.timebank.models import ServiceRecord

        # a row written behind the services' back (no event): the kept figure stays
        ServiceRecord.update(status="approved").where(ServiceRecord.status == "confirmed").execute()
        db.close()
    assert count() == first
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        world.confirmed(world.volunteer(1))  # through the services: an event
        expected = len(items_of(world.approver))
        db.close()
    assert expected != first and count() == expected  # counted again
