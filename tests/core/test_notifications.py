"""Notifications (消息通知): the inbox of each user, delivery channels that may fail, and the
daily ``linli notify`` run that reminds, escalates overdue work and sends digests."""

from __future__ import annotations

import datetime as dt
import logging
import types

import pytest

from core import workdays
from core.cli import main
from core.commands import Context
from core.hookspecs import hookimpl
from core.kernel import Manifest
from core.models import TerritoryUnit, User
from core.notifications import Channel, Notification, OverdueItem, notify, unread_count
from tests.conftest import csrf_token, make_user
from tests.sample_plugins import noticeboard, noticeboard_extra

A = "990101001001"  # 幸福社区, in 东湖街道 (990101001)
TODAY = dt.date(2026, 10, 14)
DELIVERED = []  # (channel, username, title)


def plugin(pid, **hooks):
    module = types.ModuleType(f"fake_{pid}")
    module.MANIFEST = Manifest(pid, f"{pid}中文", pid.title(), "1.0")
    for name, fn in hooks.items():
        setattr(module, name, hookimpl(fn))
    return module


def _broken_gateway(user, notification):
    raise ConnectionError("SMS gateway unreachable")


def _record(user, notification):
    DELIVERED.append(("wechat", user.username, notification.title))


sms = plugin(
    "sms",
    linli_notification_channels=lambda: [Channel("sms", "短信", "SMS", _broken_gateway)],
)
wechat = plugin(
    "wechat",
    linli_notification_channels=lambda: [Channel("wechat", "微信", "WeChat", _record)],
)


def _overdue_checks(district):
    """One rectification in 幸福社区, due 2026-10-09, its grid worker responsible."""
    unit = TerritoryUnit.get(TerritoryUnit.code == A)
    worker = User.get_or_none(User.username == "grid_a")
    return [
        OverdueItem(
            "隐患整改超期：幸福社区3号楼消防通道堵塞",
            "/admin/checks/hazard/details/?id=7",
            dt.date(2026, 10, 9),
            unit.id,
            worker.id if worker else None,
            "checks",
        )
    ]


checks = plugin("checks", linli_overdue_items=_overdue_checks)


@pytest.fixture
def app(make_app):
    DELIVERED.clear()
    return make_app(plugins=[noticeboard, noticeboard_extra, sms, wechat, checks])


@pytest.fixture
def people(app, demo, monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)
    with app.app_context():
        make_user("grid_a", "grid_worker", A, "unit")
        make_user("staff_a", "community_staff", A)
        make_user("street_a", "street_staff", "990101001")  # 东湖街道, supervises 幸福社区
        make_user("street_b", "street_staff", "990101002")  # 西山街道: not this community
        make_user("volunteer_a", "volunteer", A, "own")
    return app


def user(name):
    return User.get(User.username == name)


def test_a_failing_channel_keeps_the_inbox_row(app, people, caplog):
    with app.app_context(), caplog.at_level(logging.ERROR, logger="core.notifications"):
        sent = notify(
            user("staff_a"), "assignment", "新的待办：审核志愿时长", "3 条待审核", "/admin/"
        )
    assert sent is not None
    row = Notification.get(Notification.user == user("staff_a"))
    assert (row.kind, row.title, row.link, row.read_at) == (
        "assignment",
        "新的待办：审核志愿时长",
        "/admin/",
        None,
    )
    assert ("wechat", "staff_a", "新的待办：审核志愿时长") in DELIVERED  # the others still get it
    assert "channel sms failed; the inbox copy stays" in caplog.text
    with app.app_context():
        assert unread_count(user("staff_a")) == 1
        # with a key, the same notification is sent once
        assert notify(user("staff_a"), "message", "一次", key="once") is not None
        assert notify(user("staff_a"), "message", "一次", key="once") is None
    assert Notification.select().where(Notification.title == "一次").count() == 1


def test_channels_of_a_module_disabled_in_the_district_are_not_used(app, people):
    from core import services

    with app.app_context():
        services.disable_plugin(
            Context.trusted(), "wechat", TerritoryUnit.get(TerritoryUnit.code == "990101")
        )
        notify(user("staff_a"), "message", "只在站内")
    assert Notification.get(Notification.title == "只在站内")
    assert not [d for d in DELIVERED if d[2] == "只在站内"]


def test_each_user_sees_only_their_own_inbox(app, people, client_for):
    with app.app_context():
        notify(
            user("staff_a"),
            "state_changed",
            "您的服务时长已确认",
            link="/public/my-objections/",
        )
        notify(user("staff_a"), "message", "活动通知")
        notify(user("street_a"), "message", "社区工作人员的消息")
    other = Notification.get(Notification.title == "社区工作人员的消息")

    client = client_for("staff_a")
    listing = client.get("/admin/core/notification/")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert "您的服务时长已确认" in text and "活动通知" in text
    assert "社区工作人员的消息" not in text
    assert "消息 (2)" in text  # the menu shows the unread count
    assert "全部标为已读 (2)" in text
    assert client.get(f"/admin/core/notification/details/?id={other.id}").status_code == 302
    opened = client.get(f"/admin/core/notification/open/?id={other.id}", follow_redirects=True)
    assert "该消息不存在。" in opened.get_data(as_text=True)
    assert Notification.get_by_id(other.id).read_at is None

    # opening one marks it read and follows its link
    mine = Notification.get(Notification.title == "您的服务时长已确认")
    response = client.get(f"/admin/core/notification/open/?id={mine.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/public/my-objections/")
    assert Notification.get_by_id(mine.id).read_at is not None

    # mark selected as read; another user's id in the form changes nothing
    token = csrf_token(text)
    page = client.post(
        "/admin/core/notification/action/",
        data={
            "action": "mark_read",
            "rowid": [str(other.id), str(Notification.get(Notification.title == "活动通知").id)],
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "已将 1 条消息标为已读。" in page.get_data(as_text=True)
    assert Notification.get_by_id(other.id).read_at is None
    with app.app_context():
        assert unread_count(user("staff_a")) == 0
        assert unread_count(user("street_a")) == 1


def test_a_volunteer_reads_their_messages_on_the_portal_not_in_the_admin(app, people, client_for):
    with app.app_context():
        notify(user("volunteer_a"), "state_changed", "您的服务时长已确认", link="/portal/me")
        notify(user("volunteer_a"), "message", "活动通知")
        notify(user("staff_a"), "message", "社区工作人员的消息")
    other = Notification.get(Notification.title == "社区工作人员的消息")
    client = client_for("volunteer_a")
    assert client.get("/admin/core/notification/").status_code == 403
    page = client.get("/portal/inbox")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "您的服务时长已确认" in text and "活动通知" in text and "社区工作人员的消息" not in text
    assert '<span class="badge badge-pill badge-primary" id="unread">2</span>' in text
    refused = client.get(f"/portal/inbox/{other.id}", follow_redirects=True)
    assert "该消息不存在。" in refused.get_data(as_text=True)
    assert Notification.get_by_id(other.id).read_at is None
    mine = Notification.get(Notification.title == "您的服务时长已确认")
    opened = client.get(f"/portal/inbox/{mine.id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/portal/me")
    token = csrf_token(text)
    done = client.post("/portal/inbox/read-all", data={"csrf_token": token}, follow_redirects=True)
    assert "已将 1 条消息标为已读。" in done.get_data(as_text=True)
    plain = Notification.get(Notification.title == "活动通知")  # no link: shown on the portal
    assert "活动通知" in client.get(f"/portal/inbox/{plain.id}").get_data(as_text=True)
    with app.app_context():
        assert unread_count(user("volunteer_a")) == 0
        assert unread_count(user("staff_a")) == 1


def test_mark_all_read(app, people, client_for):
    with app.app_context():
        for n in range(3):
            notify(user("staff_a"), "message", f"第{n}条")
        notify(user("street_a"), "message", "街道的消息")
    client = client_for("staff_a")
    token = csrf_token(client.get("/admin/core/notification/").get_data(as_text=True))
    page = client.post(
        "/admin/core/notification/read-all/", data={"csrf_token": token}, follow_redirects=True
    )
    assert "已将 3 条消息标为已读。" in page.get_data(as_text=True)
    with app.app_context():
        assert unread_count(user("staff_a")) == 0
        assert unread_count(user("street_a")) == 1


def test_linli_notify_reminds_escalates_and_digests_once_a_day(app, people, monkeypatch):
    runner = app.test_cli_runner()
    first = runner.invoke(main, ["notify"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == (
        "linli notify 2026-10-14: 1 districts, 1 overdue items; "
        "sent 1 reminders, 1 escalations, 2 digests"
    )
    reminder = Notification.get(Notification.user == user("grid_a"), Notification.kind == "overdue")
    assert reminder.title == "已超期：隐患整改超期：幸福社区3号楼消防通道堵塞"
    assert reminder.body == "期限为 2026-10-09。"
    assert reminder.link == "/admin/checks/hazard/details/?id=7"
    escalation = Notification.get(
        Notification.user == user("street_a"), Notification.kind == "escalation"
    )
    assert escalation.title == "幸福社区 事项超期：隐患整改超期：幸福社区3号楼消防通道堵塞"
    assert "责任人：grid_a" in escalation.body
    # only the street above the community; not the other street, not the community itself
    for name in ("street_b", "staff_a", "volunteer_a"):
        assert not Notification.select().where(Notification.user == user(name)).exists(), name
    digests = {
        n.user.username: n.title for n in Notification.select().where(Notification.kind == "digest")
    }
    assert digests == {"grid_a": "您有 1 条未读消息。", "street_a": "您有 1 条未读消息。"}
    delivered = [d for d in DELIVERED if d[1] == "street_a"]
    assert len(delivered) == 2  # the escalation and the digest went to WeChat too

    before = Notification.select().count()
    again = runner.invoke(main, ["notify"])
    assert again.output.strip().endswith("sent 0 reminders, 0 escalations, 0 digests")
    assert Notification.select().count() == before

    # the next day, still overdue: reminded and escalated again, one more digest each
    monkeypatch.setattr(workdays, "today", lambda: TODAY + dt.timedelta(days=1))
    next_day = runner.invoke(main, ["notify"])
    assert next_day.output.strip() == (
        "linli notify 2026-10-15: 1 districts, 1 overdue items; "
        "sent 1 reminders, 1 escalations, 2 digests"
    )
    latest = (
        Notification.select()
        .where((Notification.user == user("street_a")) & (Notification.kind == "digest"))
        .order_by(Notification.id.desc())
        .first()
    )
    assert latest.title == "您有 2 条未读消息。"  # digests themselves are not counted


def test_linli_notify_skips_districts_where_the_module_is_off(app, people):
    from core import services

    with app.app_context():
        services.disable_plugin(
            Context.trusted(), "checks", TerritoryUnit.get(TerritoryUnit.code == "990101")
        )
    result = app.test_cli_runner().invoke(main, ["notify"])
    assert result.output.strip() == (
        "linli notify 2026-10-14: 1 districts, 0 overdue items; "
        "sent 0 reminders, 0 escalations, 0 digests"
    )
