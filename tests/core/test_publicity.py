"""Public notices (公示): the working-day period, the public board without login, objections
by real name, answers, and every refusal with a clear Chinese message that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from core import publicity, services, territory, workdays
from core.cli import main
from core.commands import Context
from core.models import AppendOnlyError, AuditLog, TerritoryUnit, User
from core.notifications import Notification
from core.publicity import Objection, ObjectionAnswer, Publication
from core.services import ServiceError
from tests.conftest import csrf_token, make_user

A, B = "990101001001", "990101002001"  # 幸福社区 (东湖街道), 长青社区 (西山街道)
EVE_OF_NATIONAL_DAY = dt.date(2026, 9, 30)


def unit(code):
    return TerritoryUnit.get(TerritoryUnit.code == code)


@pytest.fixture
def today(monkeypatch):
    """``today(date)`` sets today's date in China for the platform."""

    def set_today(day):
        monkeypatch.setattr(workdays, "today", lambda: day)

    set_today(EVE_OF_NATIONAL_DAY)
    return set_today


@pytest.fixture
def people(app, demo):
    """Staff of both communities, a street supervisor and two residents (one by real name)."""
    with app.app_context():
        make_user("staff_a", "community_staff", A)
        make_user("staff_b", "community_staff", B)
        make_user("street_a", "street_staff", "990101001")
        services.create_user(
            Context.trusted(),
            "zhangsan",
            "Passw0rd-long",
            "resident",
            unit(A),
            "own",
            display_name="张三",
        )
        make_user("nobody_named", "resident", A, "own")  # display name = username
    return app


def publish(app, title="楼栋长人选公示", code=A, actor="staff_a", **kwargs):
    with app.app_context():
        return publicity.publish(
            Context.trusted(actor=User.get(User.username == actor)),
            title,
            unit(code),
            body="1号楼：王五\n2号楼：赵六",
            contact="幸福社区党支部",
            contact_phone="0931-8123456",
            **kwargs,
        )


def refused(app, call) -> str:
    with app.app_context(), pytest.raises(ServiceError) as err:
        call()
    return str(err.value)


def post_form(client, url, data, follow=True):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=follow)


# -- the period ----------------------------------------------------------------------------


def test_five_working_days_over_national_day(app, people, today):
    notice = publish(app)
    # posted 9-30; 10-1..10-7 holiday; 10-8 (1), 10-9 (2), Saturday 10-10 make-up day (3),
    # 10-12 (4), 10-13 (5)
    assert notice.starts_on == EVE_OF_NATIONAL_DAY
    assert notice.ends_on == dt.date(2026, 10, 13)
    assert (notice.period_days, notice.working_days, notice.state) == (5, True, "published")
    actions = [
        a.action
        for a in AuditLog.select()
        .where((AuditLog.table == "core_publication") & (AuditLog.record_id == str(notice.id)))
        .order_by(AuditLog.id)
    ]
    assert actions == ["created", "state_changed"]

    # a module's own period: a volunteer certificate for 7 calendar days ends on 10-7, a
    # holiday, so it moves to the next working day (Civil Code art. 203)
    certificate = publish(app, "志愿服务证明公示", days=7, working=False)
    assert certificate.ends_on == dt.date(2026, 10, 8)

    # the district's own default
    with app.app_context():
        from core.registry import kernel_state

        kernel_state().settings.set(unit("990101").id, "core", "publicity_days", 3)
    assert publish(app, "三天公示").ends_on == dt.date(2026, 10, 10)


def test_impossible_periods_are_refused_and_change_nothing(app, people, today):
    a = unit(A)
    cases = {
        "截止日期 2026-09-29 早于开始日期 2026-09-30，无法公示。": lambda: publicity.publish(
            Context.trusted(), "倒置的公示", a, ends_on=dt.date(2026, 9, 29)
        ),
        "公示开始日期不能早于今天（2026-09-29）；今天是 2026-09-30。": lambda: publicity.publish(
            Context.trusted(), "过去的公示", a, starts_on=dt.date(2026, 9, 29)
        ),
        "公示期至少为开始之日后的一天。": lambda: publicity.publish(
            Context.trusted(), "零天公示", a, days=0
        ),
        "公示须有标题，且不超过 200 个字符。": lambda: publicity.publish(
            Context.trusted(), "  ", a
        ),
    }
    for message, call in cases.items():
        assert refused(app, call) == message
    # the same day as start and end: no day is counted
    assert "至少" in refused(
        app, lambda: publicity.publish(Context.trusted(), "x", a, ends_on=EVE_OF_NATIONAL_DAY)
    )
    assert Publication.select().count() == 0
    assert AuditLog.select().where(AuditLog.table == "core_publication").count() == 0


def test_admin_creates_a_draft_publishes_and_withdraws_with_a_reason(
    app, people, client_for, today
):
    client = client_for("staff_a")
    form = client.get("/admin/core/publication/new/").get_data(as_text=True)
    assert 'value="2026-09-30"' in form and 'value="5"' in form  # today, the district default
    data = {
        "title": "议事协调会成员公示",
        "body": "成员名单……",
        "unit": str(unit(A).id),
        "starts_on": "2026-09-30",
        "period_days": "5",
        "working_days": "y",
        "contact": "幸福社区党支部",
        "contact_phone": "0931-8123456",
    }
    # refused inputs first: nothing is created
    page = post_form(client, "/admin/core/publication/new/", {**data, "period_days": "0"})
    assert "公示期须为 1 至 365 天。" in page.get_data(as_text=True)
    page = post_form(client, "/admin/core/publication/new/", {**data, "starts_on": "2026-09-01"})
    assert "公示开始日期不能早于今天（2026-09-01）" in page.get_data(as_text=True)
    page = post_form(client, "/admin/core/publication/new/", {**data, "unit": str(unit(B).id)})
    assert Publication.select().count() == 0

    page = post_form(client, "/admin/core/publication/new/", data)
    assert "草稿已保存" in page.get_data(as_text=True)
    draft = Publication.get()
    assert (draft.state, draft.ends_on) == ("draft", dt.date(2026, 10, 13))
    anonymous = app.test_client()
    assert anonymous.get(f"/public/notice/{draft.id}").status_code == 404

    listing = client.get("/admin/core/publication/").get_data(as_text=True)
    page = client.post(
        "/admin/core/publication/action/",
        data={"action": "publish", "rowid": [str(draft.id)], "csrf_token": csrf_token(listing)},
        follow_redirects=True,
    )
    assert "已发布 1 条公示。" in page.get_data(as_text=True)
    assert Publication.get_by_id(draft.id).state == "published"
    assert anonymous.get(f"/public/notice/{draft.id}").status_code == 200

    url = f"/admin/core/publication/withdraw/?id={draft.id}"
    page = post_form(client, url, {"reason": ""})
    assert "请填写撤回公示的原因。" in page.get_data(as_text=True)
    assert Publication.get_by_id(draft.id).state == "published"
    page = post_form(client, url, {"reason": "名单有误，更正后重新公示"})
    assert "公示已撤回。" in page.get_data(as_text=True)
    withdrawn = Publication.get_by_id(draft.id)
    assert (withdrawn.state, withdrawn.withdrawn_reason) == (
        "withdrawn",
        "名单有误，更正后重新公示",
    )
    assert anonymous.get(f"/public/notice/{draft.id}").status_code == 404
    page = post_form(client, url, {"reason": "再撤一次"})
    assert "该公示当前为“已撤回”，不能撤回。" in page.get_data(as_text=True)


# -- the public board ----------------------------------------------------------------------


def test_board_shows_the_notice_without_login_until_its_last_day(app, people, today):
    notice = publish(app)
    later = publish(app, "明天开始的公示", starts_on=dt.date(2026, 10, 8))
    street_wide = publish(app, "东湖街道公示", code="990101001")
    other = publish(app, "长青社区公示", code=B, actor="staff_b")
    visitor = app.test_client()

    board = visitor.get(f"/public/{A}/")
    assert board.status_code == 200
    text = board.get_data(as_text=True)
    assert "幸福社区 · 公示公开" in text
    assert "楼栋长人选公示" in text and "公示期 2026-09-30 至 2026-10-13" in text
    assert "东湖街道公示" in text  # the street's notices are on its communities' boards
    assert "明天开始的公示" not in text and "长青社区公示" not in text

    page = visitor.get(f"/public/notice/{notice.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "公示期：2026-09-30 至 2026-10-13（5 个工作日）" in text
    assert "幸福社区党支部" in text and "0931-8123456" in text
    assert "登录后提出异议" in text and f"/auth/login?next=/public/notice/{notice.id}" in text
    assert visitor.get(f"/public/notice/{street_wide.id}").status_code == 200
    assert other.id and later.id

    # the last day still shows it; the day after it is gone
    today(dt.date(2026, 10, 13))
    assert "楼栋长人选公示" in visitor.get(f"/public/{A}/").get_data(as_text=True)
    today(dt.date(2026, 10, 14))
    text = visitor.get(f"/public/{A}/").get_data(as_text=True)
    assert "楼栋长人选公示" not in text and "今天公示栏中没有公示。" not in text  # later is on
    gone = visitor.get(f"/public/notice/{notice.id}")
    assert gone.status_code == 404
    assert "该公示不在公示期内" in gone.get_data(as_text=True)

    missing = visitor.get("/public/000000/")
    assert missing.status_code == 404
    assert "没有编码为 000000 的社区。" in missing.get_data(as_text=True)
    assert visitor.get("/public/990101001/").status_code == 404  # a street is not a board
    assert visitor.get("/public/notice/999999").status_code == 404


# -- objections ----------------------------------------------------------------------------


def test_objection_by_a_logged_in_real_name_user(app, people, client_for, today):
    notice = publish(app)
    client = client_for("zhangsan")
    url = f"/public/notice/{notice.id}"
    page = client.get(url).get_data(as_text=True)
    assert "张三" in page and "提交异议" in page

    for data, message in (
        ({"content": ""}, "请填写异议内容。"),
        (
            {"content": "王五不住本楼", "phone": "12345"},
            "手机号码应为 11 位数字，以 13 至 19 开头。",
        ),
    ):
        assert message in post_form(client, url, data).get_data(as_text=True)
        assert Objection.select().count() == 0

    page = post_form(
        client, url, {"content": "王五不住本楼，不宜担任楼栋长。", "phone": "13800138000"}
    )
    text = page.get_data(as_text=True)
    assert "您的异议已登记" in text and "王五不住本楼" in text and "尚未答复" in text
    objection = Objection.get()
    assert (objection.name, objection.phone, objection.user.username) == (
        "张三",
        "13800138000",
        "zhangsan",
    )
    audit = AuditLog.get(AuditLog.table == "core_objection")
    assert audit.actor_name == "zhangsan" and "对“楼栋长人选公示”的异议" in audit.summary
    # the publisher is told
    told = Notification.get(Notification.user == User.get(User.username == "staff_a"))
    assert (told.kind, told.title) == ("objection", "对“楼栋长人选公示”的异议")
    assert "张三：王五不住本楼" in told.body

    # evidence: never changed, not even by SQL
    with pytest.raises(AppendOnlyError):
        objection.delete_instance()
    with pytest.raises(Exception):  # noqa: B017  (the database trigger refuses)
        Objection._meta.database.execute_sql(
            f"UPDATE core_objection SET content = 'x' WHERE id = {objection.id}"
        )
    assert Objection.get_by_id(objection.id).content.startswith("王五不住本楼")


def test_objection_needs_login_and_a_real_name(app, people, client_for, today):
    notice = publish(app)
    url = f"/public/notice/{notice.id}"
    visitor = app.test_client()
    token = csrf_token(visitor.get("/auth/login").get_data(as_text=True))
    response = visitor.post(url, data={"content": "匿名异议", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/auth/login?next={url}")
    assert Objection.select().count() == 0

    client = client_for("nobody_named")
    page = client.get(url).get_data(as_text=True)
    assert "您的账号尚未登记姓名" in page and "提交异议" not in page
    token = csrf_token(client.get("/portal/").get_data(as_text=True))
    text = client.post(url, data={"content": "不实名", "csrf_token": token}, follow_redirects=True)
    assert "异议须实名提出，而您的账号尚未登记姓名。" in text.get_data(as_text=True)
    assert Objection.select().count() == 0


def test_objection_to_an_expired_or_withdrawn_notice_is_refused(app, people, client_for, today):
    notice = publish(app)
    client = client_for("zhangsan")
    url = f"/public/notice/{notice.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))

    today(dt.date(2026, 10, 14))
    late = client.post(url, data={"content": "过期的异议", "csrf_token": token})
    assert late.status_code == 409
    assert "公示期已于 2026-10-13 结束，不再受理异议。" in late.get_data(as_text=True)
    zhangsan = User.get(User.username == "zhangsan")
    message = refused(
        app, lambda: publicity.object_to(Context.trusted(actor=zhangsan), notice, "过期")
    )
    assert message == "公示期已于 2026-10-13 结束，不再受理异议。"

    today(EVE_OF_NATIONAL_DAY)
    with app.app_context():
        publicity.withdraw(
            Context.trusted(actor=User.get(User.username == "staff_a")), notice, "名单有误"
        )
    pulled = client.post(url, data={"content": "撤回后的异议", "csrf_token": token})
    assert pulled.status_code == 409
    assert "该公示已撤回，不再受理异议。" in pulled.get_data(as_text=True)
    assert Objection.select().count() == 0


def test_staff_answer_objections_and_close_the_notice(app, people, client_for, today):
    notice = publish(app)
    zhangsan = User.get(User.username == "zhangsan")
    with app.app_context():
        objection = publicity.object_to(Context.trusted(actor=zhangsan), notice, "王五不住本楼。")
    staff = client_for("staff_a")
    listing = staff.get("/admin/core/objection/").get_data(as_text=True)
    assert "王五不住本楼。" in listing and "张三" in listing
    assert f"/admin/core/objection/answer/?id={objection.id}" in listing

    today(dt.date(2026, 10, 14))
    with app.app_context():
        actor = User.get(User.username == "staff_a")
        assert (
            refused(app, lambda: publicity.close(Context.trusted(actor=actor), notice))
            == "还有 1 条异议尚未答复；请答复后再结束公示。"
        )
    url = f"/admin/core/objection/answer/?id={objection.id}"
    page = post_form(staff, url, {"body": ""})
    assert "请填写对异议的答复。" in page.get_data(as_text=True)
    assert ObjectionAnswer.select().count() == 0
    page = post_form(staff, url, {"body": "经核实，王五户籍在1号楼，实际居住。"})
    assert "答复已保存，并已发送给 张三。" in page.get_data(as_text=True)
    reply = ObjectionAnswer.get()
    assert reply.answered_by.username == "staff_a" and reply.objection_id == objection.id
    with pytest.raises(AppendOnlyError):
        reply.save()
    # a further answer adds a row; the first stays as it was
    post_form(staff, url, {"body": "补充：已电话告知。"})
    assert [a.body for a in ObjectionAnswer.select().order_by(ObjectionAnswer.id)] == [
        "经核实，王五户籍在1号楼，实际居住。",
        "补充：已电话告知。",
    ]
    told = Notification.get(Notification.user == zhangsan)
    assert told.title == "您对“楼栋长人选公示”的异议已获答复"
    mine = client_for("zhangsan").get("/public/my-objections/").get_data(as_text=True)
    assert "经核实，王五户籍在1号楼" in mine and "补充：已电话告知。" in mine

    listing = staff.get("/admin/core/publication/").get_data(as_text=True)
    page = staff.post(
        "/admin/core/publication/action/",
        data={"action": "close", "rowid": [str(notice.id)], "csrf_token": csrf_token(listing)},
        follow_redirects=True,
    )
    assert "已结束 1 条公示。" in page.get_data(as_text=True)
    assert Publication.get_by_id(notice.id).state == "closed"


def test_closing_before_the_end_is_refused(app, people, today):
    notice = publish(app)
    actor = User.get(User.username == "staff_a")
    assert (
        refused(app, lambda: publicity.close(Context.trusted(actor=actor), notice))
        == "公示期至 2026-10-13 截止；请在该日之后结束公示，或撤回公示。"
    )
    assert Publication.get_by_id(notice.id).state == "published"


def test_other_communitys_staff_cannot_see_or_answer(app, people, client_for, today):
    notice = publish(app)
    with app.app_context():
        objection = publicity.object_to(
            Context.trusted(actor=User.get(User.username == "zhangsan")), notice, "王五不住本楼。"
        )
    other = client_for("staff_b")
    assert "楼栋长人选公示" not in other.get("/admin/core/publication/").get_data(as_text=True)
    assert "王五不住本楼" not in other.get("/admin/core/objection/").get_data(as_text=True)
    assert other.get(f"/admin/core/objection/details/?id={objection.id}").status_code == 302
    page = other.get(f"/admin/core/objection/answer/?id={objection.id}", follow_redirects=True)
    assert "该异议不存在，或您无权答复。" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    other.post(
        f"/admin/core/objection/answer/?id={objection.id}",
        data={"body": "越权答复", "csrf_token": token},
    )
    other.post(
        f"/admin/core/publication/withdraw/?id={notice.id}",
        data={"reason": "越权撤回", "csrf_token": token},
    )
    other.post(
        "/admin/core/publication/action/",
        data={"action": "close", "rowid": [str(notice.id)], "csrf_token": token},
    )
    assert ObjectionAnswer.select().count() == 0
    assert Publication.get_by_id(notice.id).state == "published"
    # the street above community A supervises it and may answer
    street = client_for("street_a")
    assert "王五不住本楼" in street.get("/admin/core/objection/").get_data(as_text=True)


def test_unanswered_objection_is_escalated_by_linli_notify(app, people, today):
    real_today = dt.datetime.now(workdays.SHANGHAI).date()  # objections carry the real time
    today(real_today)
    notice = publish(app)
    with app.app_context():
        publicity.object_to(
            Context.trusted(actor=User.get(User.username == "zhangsan")), notice, "王五不住本楼。"
        )
        due = workdays.deadline(real_today, 5)  # objection_answer_days: 5 working days
    runner = app.test_cli_runner()
    today(due)
    assert "0 overdue items" in runner.invoke(main, ["notify"]).output
    today(due + dt.timedelta(days=1))
    result = runner.invoke(main, ["notify"])
    assert result.exit_code == 0, result.output
    assert "1 overdue items; sent 1 reminders, 1 escalations" in result.output
    reminder = Notification.get(
        (Notification.user == User.get(User.username == "staff_a"))
        & (Notification.kind == "overdue")
    )
    assert reminder.title == "已超期：对“楼栋长人选公示”的异议尚未答复"
    street = Notification.get(
        (Notification.user == User.get(User.username == "street_a"))
        & (Notification.kind == "escalation")
    )
    assert street.title == "幸福社区 事项超期：对“楼栋长人选公示”的异议尚未答复"
    assert street.link.startswith("/admin/core/objection/answer/?id=")


def test_publications_of_a_record(app, people, today):
    staff = User.get(User.username == "staff_b")
    notice = publish(app, "账号公示", record=staff, plugin="core")
    assert (notice.target_table, notice.target_id) == ("core_user", str(staff.id))
    assert list(publicity.publications_for(staff)) == [notice]
    assert territory.by_code(A).id == notice.unit_id
