"""Cases (事项) in the admin, as staff see them: the community service flow from receiving to
archiving, the list with deadlines and the overdue flag, and every refusal shown in Chinese
with nothing changed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core import workdays
from core.cases import Case
from core.models import AuditLog, TerritoryUnit, User
from core.workflow import WorkflowHistory
from core.workflow_admin import OverdueFilter
from tests.conftest import csrf_token, make_user

D = dt.date
XINGFU, CHANGQING, DONGHU = "990101001001", "990101002001", "990101001"
URL = "/admin/core/case"


def unit(code):
    return TerritoryUnit.get(TerritoryUnit.code == code)


def text(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def staff(app, demo, client_for, monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: D(2026, 9, 30))
    with app.app_context():
        make_user("zhang", "community_staff", XINGFU)
        make_user("liwei", "street_staff", DONGHU)
        make_user("chen", "community_staff", CHANGQING)
        make_user("grid", "grid_worker", XINGFU)
    return {name: client_for(name) for name in ("zhang", "liwei", "chen", "grid")}


def create(client, **fields):
    token = csrf_token(client.get(f"{URL}/new/").get_data(as_text=True))
    data = {
        "unit": str(unit(XINGFU).id),
        "title": "3号楼路灯不亮",
        "description": "晚上楼道一片漆黑",
        "source": "window",
        "requester_name": "刘阿姨",
        "requester_mobile": "13812345678",
        **fields,
        "csrf_token": token,
    }
    return client.post(f"{URL}/new/", data=data, follow_redirects=True)


def step(client, case_id, code, comment="", **data):
    """Press a step's button on the details page (the form posts to /transition/)."""
    page = client.get(f"{URL}/details/?id={case_id}").get_data(as_text=True)
    token = csrf_token(page) if "csrf_token" in page else "none"
    form = {"id": str(case_id), "transition": code, "comment": comment, **data}
    return client.post(
        f"{URL}/transition/", data={**form, "csrf_token": token}, follow_redirects=True
    )


def state(case_id):
    case = Case.get_by_id(case_id)
    return case.state, case.version


def test_the_full_flow_from_receiving_to_archiving(staff):
    zhang, liwei = staff["zhang"], staff["liwei"]
    page = text(create(zhang))
    assert "3号楼路灯不亮" in page
    case = Case.get(Case.title == "3号楼路灯不亮")
    assert case.receiver.username == "zhang" and case.created_by.username == "zhang"
    assert state(case.id) == ("received", 0)

    details = text(zhang.get(f"{URL}/details/?id={case.id}"))
    assert "办理进度" in details and "已受理" in details
    assert "期限: 2026-10-08" in details.replace("：", ":")  # 1 working day, after 国庆
    for button in ("登记分类", "当场办结"):
        assert button in details
    assert "督办" not in details  # not offered to community staff, nor from this state

    page = text(step(zhang, case.id, "register", "路灯故障", category="repair"))
    assert "已完成“登记分类”，当前状态为“已登记分类”。" in page
    page = text(step(zhang, case.id, "handle", "联系物业维修"))
    assert "当前状态为“办理中”" in page
    assert "2026-10-13" in page  # 5 working days: 8, 9, 10 (调休), 12, 13 October

    page = text(step(liwei, case.id, "supervise", "请尽快修复"))
    assert "当前状态为“督办中”" in page
    assert Case.get_by_id(case.id).handler.username == "zhang"  # supervision keeps the handler

    page = text(step(zhang, case.id, "feedback", "", result="已更换灯泡，恢复照明"))
    assert "当前状态为“已反馈”" in page
    page = text(step(zhang, case.id, "rate", "", rating="5", rating_comment="很满意"))
    assert "当前状态为“已评议”" in page
    page = text(step(zhang, case.id, "archive", "资料齐全"))
    assert "当前状态为“已归档”" in page
    assert state(case.id) == ("archived", 6)

    details = text(zhang.get(f"{URL}/details/?id={case.id}"))
    timeline = details[details.index("流转记录") :]
    steps = ["受理", "登记分类", "直接办理", "督办", "反馈办理结果", "群众评议", "归档"]
    positions = [timeline.index(s) for s in steps]
    assert positions == sorted(positions)
    assert "请尽快修复" in timeline and "liwei" in timeline
    assert "已更换灯泡，恢复照明" in details and "很满意" in details
    assert 'id="workflow-steps"' not in zhang.get(f"{URL}/details/?id={case.id}").text
    assert (
        AuditLog.select()
        .where((AuditLog.action == "state_changed") & (AuditLog.record_id == str(case.id)))
        .count()
        == 6
    )


def test_the_list_shows_deadline_and_overdue_and_filters_on_it(app, staff, monkeypatch):
    zhang = staff["zhang"]
    create(zhang, title="楼道堆物")
    create(zhang, title="开具居住证明")
    late = Case.get(Case.title == "楼道堆物")
    monkeypatch.setattr(workdays, "today", lambda: D(2026, 10, 8))
    create(zhang, title="新收到的诉求")  # due 9 October
    monkeypatch.setattr(workdays, "today", lambda: D(2026, 10, 9))
    step(zhang, Case.get(Case.title == "开具居住证明").id, "register", category="certificate")
    listing = zhang.get(f"{URL}/").get_data(as_text=True)
    assert "期限" in listing and "已超期" in listing
    assert listing.count('class="badge badge-danger overdue"') == 1  # 楼道堆物, due 8 October
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "core_case")
    index = next(i for i, f in enumerate(view._filters) if isinstance(f, OverdueFilter))
    overdue = text(zhang.get(f"{URL}/?flt0_{index}=1"))
    assert "楼道堆物" in overdue
    assert "开具居住证明" not in overdue and "新收到的诉求" not in overdue
    on_time = text(zhang.get(f"{URL}/?flt0_{index}=0"))
    assert "楼道堆物" not in on_time
    assert "开具居住证明" in on_time and "新收到的诉求" in on_time
    assert late.state == "received"


def test_another_communitys_case_cannot_be_moved_by_id(staff):
    create(staff["zhang"])
    case = Case.get(Case.title == "3号楼路灯不亮")
    chen = staff["chen"]
    assert chen.get(f"{URL}/details/?id={case.id}").status_code == 302
    token = csrf_token(chen.get(f"{URL}/").get_data(as_text=True))
    response = chen.post(
        f"{URL}/transition/",
        data={
            "id": str(case.id),
            "transition": "register",
            "category": "repair",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "记录不存在。" in text(response)
    assert state(case.id) == ("received", 0)
    assert Case.get_by_id(case.id).category == ""
    assert WorkflowHistory.select().count() == 1


def test_a_step_without_the_permission_is_refused_in_the_page(staff):
    create(staff["zhang"])
    case = Case.get(Case.title == "3号楼路灯不亮")
    step(staff["zhang"], case.id, "register", category="repair")
    step(staff["zhang"], case.id, "handle")
    response = step(staff["grid"], case.id, "supervise", "催办")
    assert "您无权执行“督办”。" in text(response)
    assert state(case.id) == ("handling", 2)
    response = step(staff["grid"], case.id, "feedback", result="已修好")
    assert "只有本事项的负责人（zhang）或督办人员可以执行此操作。" in text(response)
    assert state(case.id) == ("handling", 2)


def test_a_missing_comment_or_field_is_refused_in_the_page(staff):
    zhang = staff["zhang"]
    create(zhang)
    case = Case.get(Case.title == "3号楼路灯不亮")
    assert "请填写“事项类别”。" in text(step(zhang, case.id, "register"))
    step(zhang, case.id, "register", category="dispute")
    liwei = User.get(User.username == "liwei")
    response = step(zhang, case.id, "transfer", "", handler=str(liwei.id))
    assert "“转办”必须填写意见。" in text(response)
    assert state(case.id) == ("registered", 1)
    assert Case.get_by_id(case.id).handler_id is None


def test_transfer_in_the_page_hands_the_case_over(staff):
    zhang, liwei = staff["zhang"], staff["liwei"]
    create(zhang, title="邻里噪音纠纷")
    case = Case.get(Case.title == "邻里噪音纠纷")
    step(zhang, case.id, "register", category="dispute")
    details = zhang.get(f"{URL}/details/?id={case.id}").get_data(as_text=True)
    assert 'name="handler"' in details and "liwei" in details  # the street staff is offered
    assert "长青社区" not in details  # never a neighbouring street's community
    page = text(
        step(
            zhang,
            case.id,
            "transfer",
            "需街道司法所调解",
            handler=str(User.get(User.username == "liwei").id),
        )
    )
    assert "当前状态为“已转办”" in page
    assert "您目前无需对该记录进行操作。" in page  # the receiver has nothing left to do
    # the new handler is told (分派) and finds the case in their to-do list
    inbox = text(liwei.get("/admin/core/notification/"))
    assert "分派给您的事项：邻里噪音纠纷" in inbox
    assert "分派给您的事项" not in text(zhang.get("/admin/core/notification/"))
    todo = liwei.get("/admin/todo/").get_data(as_text=True)
    assert f'href="{URL}/details/?id={case.id}"' in todo and "反馈办理结果" in todo
    page = text(step(liwei, case.id, "feedback", result="已组织双方调解"))
    assert "当前状态为“已反馈”" in page


def test_editing_changes_the_description_never_the_state(staff):
    zhang = staff["zhang"]
    create(zhang)
    case = Case.get(Case.title == "3号楼路灯不亮")
    form = zhang.get(f"{URL}/edit/?id={case.id}").get_data(as_text=True)
    assert (
        'name="state"' not in form and 'name="unit"' not in form and 'name="receiver"' not in form
    )
    data = {
        "title": "3号楼、4号楼路灯不亮",
        "description": "两栋楼",
        "source": "phone",
        "requester_name": "刘阿姨",
        "requester_mobile": "13812345678",
        "csrf_token": csrf_token(form),
    }
    zhang.post(f"{URL}/edit/?id={case.id}", data=data, follow_redirects=True)
    edited = Case.get_by_id(case.id)
    assert (edited.title, edited.source, edited.state, edited.version) == (
        "3号楼、4号楼路灯不亮",
        "phone",
        "received",
        0,
    )
    step(zhang, case.id, "answer", category="other", result="已告知")
    step(zhang, case.id, "rate", rating="4")
    step(zhang, case.id, "archive")
    response = zhang.post(
        f"{URL}/edit/?id={case.id}", data={**data, "title": "改写归档事项"}, follow_redirects=True
    )
    assert "已归档的事项不能修改。" in text(response)
    assert Case.get_by_id(case.id).title == "3号楼、4号楼路灯不亮"


def test_a_bad_mobile_number_is_refused_and_nothing_is_received(staff):
    page = text(create(staff["zhang"], requester_mobile="12345"))
    assert "手机号码应为 11 位数字，以 13 至 19 开头。" in page
    assert not Case.select().exists()
    assert "此项为必填项。" in text(create(staff["zhang"], title="   "))
    assert not Case.select().exists()


def test_the_mobile_number_is_masked_without_the_personal_data_permission(staff):
    create(staff["zhang"])
    case = Case.get(Case.title == "3号楼路灯不亮")
    assert "13812345678" in staff["zhang"].get(f"{URL}/details/?id={case.id}").text
    details = staff["grid"].get(f"{URL}/details/?id={case.id}").text
    assert "13812345678" not in details and "138****5678" in details
