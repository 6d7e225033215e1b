"""A person's rights over their personal information (《个人信息保护法》): a copy of their own
data from the portal (art. 45), and deletion requests carried out by a security
administrator or the operator (art. 47) that pseudonymise every module's personal fields and
keep the evidence (ledger, ballots, audit)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from core.cli import main
from core.commands import Context
from core.errors import ServiceError
from core.models import AuditLog, LoginAttempt, TerritoryUnit, User, UserSession
from core.privacy import erase_person, personal_copy
from core.testing import ADMIN_PASSWORD, COMMUNITY_A, USER_PASSWORD
from tests.conftest import csrf_token, login, make_user

# two neighbours of 幸福社区; valid GB 11643 numbers
PEOPLE = {
    "zhang": ("张三丰", "320102194803120024", "13912345678", "320102195206010016"),
    "lisi": ("李四光", "320102199511200033", "13787654321", "32010219600909004X"),
}


@pytest.fixture
def app(make_app):
    from core.testing import builtin_plugins

    return make_app(plugins=builtin_plugins())


def _records_of(username, community, staff):
    """One or more records of every module for ``username``."""
    from core.cases.models import Case
    from plugins.hazards.models import Hazard
    from plugins.owners.assembly.models import BallotLog, Matter, Meeting
    from plugins.owners.property.models import Complaint
    from plugins.owners.register.models import Owner, Ownership, Premises
    from plugins.socialorgs.models import Organisation
    from plugins.timebank.models import (
        Account,
        Certificate,
        Movement,
        ServiceRecord,
        Transfer,
        Volunteer,
    )

    name, id_number, mobile, owner_id = PEOPLE[username]
    user = make_user(username, "resident", COMMUNITY_A, scope="own")
    User.update(display_name=name).where(User.id == user.id).execute()
    now = dt.datetime(2026, 11, 2, 9, 0)
    vol = Volunteer.create(
        unit=community, user=user, name=name, id_number=id_number, mobile=mobile, status="active"
    )
    record = ServiceRecord.create(
        unit=community,
        volunteer=vol,
        started_at=now,
        ended_at=now + dt.timedelta(hours=2),
        minutes=120,
        content=f"{name}陪老人散步",
        status="approved",
    )
    account = Account.create(unit=community, volunteer=vol, kind="hours")
    issue = Account.create(
        unit=community, kind="hours", role="issue", system_key=f"{username}:issue:hours"
    )
    transfer = Transfer.create(unit=community, kind="service", record=record, memo=f"服务{name}")
    Movement.create(transfer=transfer, account=account, amount=120)
    Movement.create(transfer=transfer, account=issue, amount=-120)
    Certificate.create(
        unit=community,
        number=f"ZS-{username}",
        volunteer=vol,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 11, 30),
        minutes=120,
        issuer_name="幸福社区志愿服务站",
        issued_on=dt.date(2026, 12, 1),
    )
    owner = Owner.create(unit=community, name=name, user=user, id_number=owner_id)
    premises = Premises.create(unit=community, number=f"{username}-101", area=88)
    Ownership.create(unit=community, premises=premises, owner=owner)
    meeting = Meeting.create(
        unit=community,
        title=f"{username}的会议",
        opens_on=dt.date(2026, 11, 1),
        closes_on=dt.date(2026, 11, 10),
    )
    matter = Matter.create(unit=community, meeting=meeting, title="续聘物业")
    BallotLog.create(
        unit=community,
        matter=matter,
        premises=premises,
        owner=owner,
        choice="yes",
        receipt=f"R-{username}",
        hash=f"h-{username}",
        prev_hash=f"p-{username}",
    )
    Complaint.create(
        unit=community,
        complainant=user,
        title=f"{name}投诉电梯",
        filed_on=dt.date(2026, 11, 3),
        due_on=dt.date(2026, 11, 10),
    )
    Organisation.create(
        unit=community,
        name=f"{name}的舞蹈队",
        created_by=user,
        contact_name=name,
        contact_phone=mobile,
    )
    Hazard.create(
        unit=community,
        title=f"{name}报告：楼道堆物",
        place="3号楼",
        created_by=user,
        source="resident",
    )
    Case.create(
        unit=community,
        title=f"{name}反映路灯不亮",
        requester_name=name,
        requester_mobile=mobile,
        receiver=staff,
        created_by=user,
    )
    return user


@pytest.fixture
def people(app, demo):
    with app.app_context():
        community = TerritoryUnit.get(TerritoryUnit.code == COMMUNITY_A)
        staff = make_user("guard", "street_staff", "990101001")  # manage_users over 东湖街道
        make_user("clerk", "community_staff", COMMUNITY_A)  # no manage_users
        make_user("faraway", "street_staff", "990101002")  # manage_users elsewhere (西山街道)
        for username in PEOPLE:
            _records_of(username, community, staff)
    return PEOPLE


def _portal(app, username):
    client = app.test_client()
    assert login(client, username, USER_PASSWORD).status_code == 302
    return client


def _download(client, fmt):
    page = client.get("/portal/my-data").get_data(as_text=True)
    return client.post(
        "/portal/my-data/download", data={"format": fmt, "csrf_token": csrf_token(page)}
    )


def _cells(data: bytes) -> tuple[list[str], str]:
    book = load_workbook(io.BytesIO(data))
    text = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            text += [str(v) for v in row if v is not None]
    return book.sheetnames, "\n".join(text)


def test_the_portal_page_lists_my_data_and_the_download_is_my_own_in_chinese(app, people):
    client = _portal(app, "zhang")
    page = client.get("/portal/my-data").get_data(as_text=True)
    assert "我的个人信息" in page
    for title in ("账户", "志愿者登记", "业主记录", "社会组织", "我报告的隐患", "我提交的事项"):
        assert title in page, title
    assert "我的个人信息" in client.get("/portal/me").get_data(as_text=True)

    response = _download(client, "xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheets, text = _cells(response.data)
    assert {"账户", "登录记录（近180天）", "志愿者登记", "服务记录", "账本分录"} <= set(sheets)
    assert {"业主记录", "表决票", "物业投诉", "社会组织", "我报告的隐患"} <= set(sheets)
    # Chinese headers
    for header in ("用户名", "姓名", "身份证号码", "手机号码", "服务内容", "表决意见", "联系人"):
        assert header in text, header
    # mine, in full (my own copy is not masked) ...
    name, id_number, mobile, owner_id = PEOPLE["zhang"]
    for value in (name, id_number, mobile, owner_id, "张三丰陪老人散步", "R-zhang", "ZS-zhang"):
        assert value in text, value
    assert "张三丰报告：楼道堆物" in text and "张三丰反映路灯不亮" in text
    # ... and nothing of my neighbour's
    for value in PEOPLE["lisi"] + ("R-lisi", "ZS-lisi", "lisi-101", "李四光陪老人散步"):
        assert value not in text, value
    assert "password" not in text.lower() and "$scrypt" not in text

    as_json = _download(client, "json")
    copy = json.loads(as_json.data)
    keys = {s["key"] for s in copy["sections"]}
    assert {"core.account", "core.logins", "timebank.volunteer", "timebank.movements"} <= keys
    assert {"owners.owners", "owners.ballots", "socialorgs.organisations"} <= keys
    assert {"hazards.reports", "core.cases"} <= keys
    volunteer = next(s for s in copy["sections"] if s["key"] == "timebank.volunteer")
    assert volunteer["title"] == "志愿者登记"
    assert volunteer["rows"][0]["姓名"] == "张三丰"
    assert volunteer["rows"][0]["身份证号码"] == id_number
    assert "李四光" not in as_json.get_data(as_text=True)

    zhang = User.get(User.username == "zhang")
    copies = AuditLog.select().where(AuditLog.action == "personal_data_copied")
    assert [(row.actor_id, row.summary) for row in copies] == [
        (zhang.id, f"#{zhang.id} xlsx"),
        (zhang.id, f"#{zhang.id} json"),
    ]


def test_the_portal_page_and_the_download_need_a_login(app, people):
    client = app.test_client()
    page = client.get("/portal/my-data")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/auth/login?next=/portal/my-data")
    download = client.post("/portal/my-data/download", data={"format": "xlsx"})
    assert download.status_code in (302, 400)
    assert not AuditLog.select().where(AuditLog.action == "personal_data_copied").exists()


def _counts():
    from plugins.owners.assembly.models import BallotLog
    from plugins.timebank.models import Movement, Transfer

    return {
        "movements": Movement.select().count(),
        "transfers": Transfer.select().count(),
        "ballots": BallotLog.select().count(),
        "logins": LoginAttempt.select().count(),
        "audit": [row.id for row in AuditLog.select().order_by(AuditLog.id)],
    }


def _personal_fields(username):
    """Every personal field of every module for the person, as stored."""
    from core.cases.models import Case
    from plugins.owners.register.models import Owner
    from plugins.socialorgs.models import Organisation
    from plugins.timebank.models import Volunteer

    user = User.get_by_id(_ids[username])
    vol = Volunteer.get(Volunteer.user == user.id)
    owner = Owner.get(Owner.user == user.id)
    org = Organisation.get(Organisation.created_by == user.id)
    case = Case.get(Case.created_by == user.id)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "active": user.is_active,
        "volunteer": (vol.name, vol.id_number, vol.mobile, vol.status),
        "owner": (owner.name, owner.id_number),
        "organisation": (org.contact_name, org.contact_phone),
        "case": (case.requester_name, case.requester_mobile),
    }


_ids: dict[str, int] = {}


def _remember_ids():
    _ids.update({u: User.get(User.username == u).id for u in PEOPLE})


def _erase_in_admin(app, username, reason, as_user="admin", password=ADMIN_PASSWORD):
    admin = app.test_client()
    login(admin, as_user, password)
    listing = admin.get("/admin/core/user/").get_data(as_text=True)
    opened = admin.post(
        "/admin/core/user/action/",
        data={"action": "erase", "rowid": str(_ids[username]), "csrf_token": csrf_token(listing)},
    )
    assert opened.status_code == 302, opened.get_data(as_text=True)
    form = admin.get(opened.headers["Location"]).get_data(as_text=True)
    assert "删除个人信息" in form and "理由（必填）" in form
    return admin.post(
        "/admin/core/user/erase/",
        data={"id": str(_ids[username]), "reason": reason, "csrf_token": csrf_token(form)},
        follow_redirects=True,
    )


def test_erasure_pseudonymises_every_module_and_keeps_the_evidence(app, people):
    _remember_ids()
    person = _portal(app, "zhang")  # a live session, ended by the erasure
    neighbour_before = _personal_fields("lisi")
    before = _counts()
    page = _erase_in_admin(app, "zhang", "本人书面申请删除（2026-12-07）")
    html = page.get_data(as_text=True)
    pseudonym = f"已删除用户#{_ids['zhang']}"
    assert f"该账号的个人信息已删除，现为 {pseudonym}。" in html

    assert _personal_fields("zhang") == {
        "username": f"erased-{_ids['zhang']}",
        "display_name": pseudonym,
        "active": False,
        "volunteer": (pseudonym, "", "", "left"),
        "owner": (pseudonym, None),
        "organisation": (pseudonym, None),
        "case": (pseudonym, None),
    }
    assert _personal_fields("lisi") == neighbour_before
    # evidence keeps every row; the audit only grows, by the erasure itself
    after = _counts()
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    } | {"logins": before["logins"] + 1}  # the administrator's login
    assert after["audit"][: len(before["audit"])] == before["audit"]
    row = AuditLog.get(AuditLog.action == "personal_data_erased")
    assert row.actor_id == User.get(User.username == "admin").id
    assert row.record_id == str(_ids["zhang"]) and row.table == "core_user"
    changes = json.loads(row.changes)
    assert changes["reason"] == ["", "本人书面申请删除（2026-12-07）"]
    assert changes["records"][1]["timebank_volunteer"] == 1
    assert changes["records"][1]["owners_owner"] == 1
    stored = row.summary + row.changes
    for value in PEOPLE["zhang"] + ("zhang",):
        assert value not in stored.replace(f"erased-{_ids['zhang']}", ""), value
    # the ledger and the ballots now show the pseudonym
    from plugins.owners.assembly.models import BallotLog
    from plugins.timebank.models import Movement

    ballot = BallotLog.get(BallotLog.receipt == "R-zhang")
    assert ballot.owner.name == pseudonym
    mine = [m for m in Movement.select() if m.transfer.memo in ("服务张三丰", "服务李四光")]
    assert sorted(m.account.volunteer.name for m in mine if m.amount > 0) == [
        pseudonym,
        "李四光",
    ]
    # logged out everywhere, and no login any more
    assert person.get("/portal/").status_code == 302
    assert (
        not UserSession.select()
        .where((UserSession.user == _ids["zhang"]) & UserSession.ended_at.is_null())
        .exists()
    )
    again = app.test_client()
    assert login(again, "zhang", USER_PASSWORD).status_code != 302
    assert login(again, f"erased-{_ids['zhang']}", USER_PASSWORD).status_code != 302
    # the admin list shows the pseudonym, not the name
    admin = app.test_client()
    login(admin, "admin", ADMIN_PASSWORD)
    listing = admin.get("/admin/core/user/").get_data(as_text=True)
    assert pseudonym in listing and "张三丰" not in listing


def test_a_security_administrator_of_the_street_may_erase_but_others_may_not(app, people):
    _remember_ids()
    before = _personal_fields("zhang"), _counts()
    with app.test_request_context():
        for name in ("clerk", "faraway"):
            actor = User.get(User.username == name)
            with pytest.raises(ServiceError, match="您无权执行此操作。"):
                erase_person(Context.of(actor), User.get_by_id(_ids["zhang"]), "本人申请")
        guard = User.get(User.username == "guard")
        with pytest.raises(ServiceError, match="不能删除自己账号的个人信息。"):
            erase_person(Context.of(guard), guard, "本人申请")
    assert (_personal_fields("zhang"), _counts()) == before
    assert User.get(User.username == "guard").is_active
    # the community's clerk does not even get the action
    clerk = app.test_client()
    login(clerk, "clerk", USER_PASSWORD)
    assert clerk.get(f"/admin/core/user/erase/?id={_ids['zhang']}").status_code == 403
    # the street's security administrator does
    with app.test_request_context():
        erase_person(
            Context.of(User.get(User.username == "guard")),
            User.get_by_id(_ids["zhang"]),
            "本人申请",
        )
    assert _personal_fields("zhang")["display_name"] == f"已删除用户#{_ids['zhang']}"


def test_an_erasure_without_a_reason_changes_nothing(app, people):
    _remember_ids()
    before = _personal_fields("zhang"), _counts()
    page = _erase_in_admin(app, "zhang", "   ")
    assert "请说明删除的理由（本人的删除请求）。" in page.get_data(as_text=True)
    assert _personal_fields("zhang") == before[0]
    after = _counts()
    assert after["audit"][: len(before[1]["audit"])] == before[1]["audit"]
    assert after["movements"] == before[1]["movements"]
    assert not AuditLog.select().where(AuditLog.action == "personal_data_erased").exists()
    # and the person can still log in
    assert login(app.test_client(), "zhang", USER_PASSWORD).status_code == 302


def test_linli_users_erase_from_the_command_line(app, people):
    _remember_ids()
    runner = app.test_cli_runner()
    refused = runner.invoke(main, ["users", "erase", "zhang", "--reason", " "])
    assert refused.exit_code != 0 and "请说明删除的理由" in refused.output
    assert _personal_fields("zhang")["active"] is True
    result = runner.invoke(main, ["users", "erase", "zhang", "--reason", "本人来电申请"])
    assert result.exit_code == 0, result.output
    assert f"now 已删除用户#{_ids['zhang']}" in result.output
    assert _personal_fields("zhang")["volunteer"][0] == f"已删除用户#{_ids['zhang']}"
    row = AuditLog.get(AuditLog.action == "personal_data_erased")
    assert row.actor_id is None and row.ip == "cli" and "本人来电申请" in row.changes
    twice = runner.invoke(
        main, ["users", "erase", f"erased-{_ids['zhang']}", "--reason", "再来一次"]
    )
    assert twice.exit_code != 0 and "已经删除" in twice.output
    unknown = runner.invoke(main, ["users", "erase", "nobody", "--reason", "x"])
    assert unknown.exit_code != 0


def test_nobody_but_the_person_gets_the_copy(app, people):
    """The copy is the acting person's: another person's session only ever gets their own."""
    lisi = _portal(app, "lisi")
    _, text = _cells(_download(lisi, "xlsx").data)
    assert "李四光" in text and "张三丰" not in text
    with app.test_request_context():
        with pytest.raises(ServiceError):
            personal_copy(Context.of(None))
