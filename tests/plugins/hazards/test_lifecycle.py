"""Hazard lifecycle additions: extension requests (延期), supervision (挂牌督办), acceptance by
someone other than the rectifier, no closure of a major hazard without acceptance (on every
path), and a deadline before the report date refused. Each refusal: a Chinese message and
nothing changed."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from core import workdays
from core.commands import Context
from core.workflow import WorkflowError, history
from plugins.hazards import services
from plugins.hazards.flows import HAZARD_FLOW
from plugins.hazards.models import Hazard
from tests.conftest import csrf_token, login

from .conftest import FIRE, answers


def rectifying(hz, grade="general", deadline=None, item="extinguishers_ok"):
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "8号楼",
        answers(**{item: "no"}),
    )
    hazard = inspection.hazards.get()
    staff = hz.access(hz.staff)
    services.move(Context(hz.staff, staff), hazard, "register")
    services.move(Context(hz.staff, staff), hazard, "assess", data={"grade": grade})
    data = {"responsible": "王强", "measures": "更换灭火器"}
    if grade == "major":
        data.update(funds="物业维修资金", contingency="专人值守，设置警示")
    if deadline is not None:
        data["deadline"] = deadline.isoformat()
    services.move(Context(hz.staff, staff), hazard, "rectify", data=data)
    return Hazard.get_by_id(hazard.id)


def snapshot(hazard):
    row = Hazard.get_by_id(hazard.id)
    return (
        row.state,
        row.version,
        row.deadline,
        row.requested_deadline,
        row.extensions,
        row.supervision_level,
        row.accepted_by_id,
        row.closed_on,
        len(history(row)),
    )


# -- extension (延期) -----------------------------------------------------------------------


@pytest.mark.awkward_days
def test_extension_approved_moves_the_deadline_and_overdue_follows_it(hz):
    hazard = rectifying(hz, deadline=workdays.today() + dt.timedelta(days=3))
    staff, boss = hz.access(hz.staff), hz.access(hz.approver)
    new = workdays.today() + dt.timedelta(days=30)
    services.move(
        Context(hz.staff, staff),
        hazard,
        "request_extension",
        data={"extension_reason": "灭火器缺货", "requested_deadline": new.isoformat()},
    )
    assert hazard.state == "extension_requested"
    # while the request waits, the old deadline still runs: overdue after it
    assert services.is_overdue(hazard, workdays.today() + dt.timedelta(days=4))
    # community staff may not approve their own request
    with pytest.raises(WorkflowError):
        services.move(Context(hz.staff, staff), hazard, "approve_extension")
    services.move(Context(hz.approver, boss), hazard, "approve_extension")
    row = Hazard.get_by_id(hazard.id)
    assert (row.state, row.deadline, row.extensions) == ("rectifying", new, 1)
    assert not services.is_overdue(row, workdays.today() + dt.timedelta(days=4))
    assert services.is_overdue(row, new + dt.timedelta(days=1))
    assert [h.transition for h in history(row)][-2:] == ["request_extension", "approve_extension"]


def test_extension_refused_keeps_the_deadline_and_needs_a_reason(hz):
    old = workdays.today() + dt.timedelta(days=3)
    hazard = rectifying(hz, deadline=old)
    staff, boss = hz.access(hz.staff), hz.access(hz.approver)
    data = {"extension_reason": "施工队未到位", "requested_deadline": str(old + dt.timedelta(9))}
    services.move(Context(hz.staff, staff), hazard, "request_extension", data=data)
    before = snapshot(hazard)
    with pytest.raises(WorkflowError, match="“不予延期”必须填写意见"):
        services.move(Context(hz.approver, boss), hazard, "refuse_extension")
    assert snapshot(hazard) == before
    services.move(Context(hz.approver, boss), hazard, "refuse_extension", comment="理由不充分")
    row = Hazard.get_by_id(hazard.id)
    assert (row.state, row.deadline, row.extensions) == ("rectifying", old, 0)


@pytest.mark.parametrize("days", [0, -1])
def test_extension_not_after_the_current_deadline_is_refused(hz, days):
    old = workdays.today() + dt.timedelta(days=5)
    hazard = rectifying(hz, deadline=old)
    before = snapshot(hazard)
    data = {"extension_reason": "缺货", "requested_deadline": str(old + dt.timedelta(days))}
    with pytest.raises(WorkflowError) as exc:
        services.move(
            Context(hz.staff, hz.access(hz.staff)), hazard, "request_extension", data=data
        )
    assert f"延期后的期限必须晚于现整改期限（{old.isoformat()}）" in str(exc.value)
    assert snapshot(hazard) == before


def test_extension_beyond_the_district_limit_is_refused(hz):
    old = workdays.today() + dt.timedelta(days=5)
    hazard = rectifying(hz, deadline=old)
    before = snapshot(hazard)
    data = {"extension_reason": "缺货", "requested_deadline": str(old + dt.timedelta(days=91))}
    with pytest.raises(WorkflowError, match="一次延期最多延长 90 天"):
        services.move(
            Context(hz.staff, hz.access(hz.staff)), hazard, "request_extension", data=data
        )
    assert snapshot(hazard) == before


# -- deadline before the report date ---------------------------------------------------------


@pytest.mark.awkward_days
def test_deadline_before_the_report_date_is_refused(hz):
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "8号楼",
        answers(hydrant_ok="no"),
    )
    hazard = inspection.hazards.get()
    staff = hz.access(hz.staff)
    services.move(Context(hz.staff, staff), hazard, "register")
    services.move(Context(hz.staff, staff), hazard, "assess", data={"grade": "general"})
    before = snapshot(hazard)
    data = {
        "responsible": "王强",
        "measures": "维修",
        "deadline": str(workdays.today() - dt.timedelta(3)),
    }
    with pytest.raises(WorkflowError) as exc:
        services.move(Context(hz.staff, staff), hazard, "rectify", data=data)
    assert f"整改期限不能早于隐患上报日期（{workdays.today().isoformat()}）" in str(exc.value)
    assert snapshot(hazard) == before


# -- acceptance (验收) ------------------------------------------------------------------------


def test_acceptance_by_the_rectifier_is_refused(hz):
    hazard = rectifying(hz)
    boss = hz.access(hz.approver)
    # the street approver did the rectification work themselves and reports it done
    services.move(
        Context(hz.approver, boss), hazard, "submit_acceptance", data={"rectification": "已换"}
    )
    assert Hazard.get_by_id(hazard.id).rectified_by_id == hz.approver.id
    before = snapshot(hazard)
    with pytest.raises(WorkflowError) as exc:
        services.move(Context(hz.approver, boss), hazard, "accept")
    assert "验收人不能是整改人" in str(exc.value)
    assert snapshot(hazard) == before
    # someone else (the district safety office) accepts
    services.move(Context(hz.office, hz.access(hz.office)), hazard, "accept")
    row = Hazard.get_by_id(hazard.id)
    assert (row.state, row.accepted_by_id, row.accepted_on) == (
        "closed",
        hz.office.id,
        workdays.today(),
    )


def test_major_hazard_is_closed_only_with_the_acceptance_opinion(hz):
    hazard = rectifying(hz, "major", workdays.today() + dt.timedelta(days=60), "major_exits_clear")
    services.move(
        Context(hz.staff, hz.access(hz.staff)),
        hazard,
        "submit_acceptance",
        data={"rectification": "已清"},
    )
    boss = hz.access(hz.approver)
    before = snapshot(hazard)
    with pytest.raises(WorkflowError) as exc:
        services.move(Context(hz.approver, boss), hazard, "accept")
    assert "重大隐患必须经验收并填写验收意见后方可销号" in str(exc.value)
    assert snapshot(hazard) == before
    services.move(
        Context(hz.approver, boss), hazard, "accept", data={"acceptance_opinion": "现场复核合格"}
    )
    row = Hazard.get_by_id(hazard.id)
    assert row.state == "closed" and row.acceptance_opinion == "现场复核合格"


def test_only_acceptance_leads_to_closed():
    into_closed = [t.code for t in HAZARD_FLOW.transitions.values() if t.target == "closed"]
    assert into_closed == ["accept"]
    assert HAZARD_FLOW.transitions["accept"].sources == ("awaiting_acceptance",)


def test_the_database_refuses_closing_a_major_hazard_without_acceptance(hz):
    hazard = rectifying(hz, "major", workdays.today() + dt.timedelta(days=60), "major_exits_clear")
    before = snapshot(hazard)
    with pytest.raises(pw.DatabaseError):  # a bulk update or a script, around the workflow
        with hz_atomic():
            Hazard.update(state="closed", closed_on=workdays.today()).where(
                Hazard.id == hazard.id
            ).execute()
    assert snapshot(hazard) == before


def hz_atomic():
    from core.db import db

    return db.atomic()


def test_api_and_admin_cannot_close_a_major_hazard(app, hz):
    from core.api.tokens import create_token

    hazard = rectifying(hz, "major", workdays.today() + dt.timedelta(days=60), "major_exits_clear")
    before = snapshot(hazard)
    _row, value = create_token(Context.trusted(), hz.office, "test", True, 30)
    headers = {"Authorization": f"Bearer {value}"}
    client = app.test_client()
    url = f"/api/v1/hazards/hazard/{hazard.id}"
    patched = client.patch(url, headers=headers, json={"state": "closed"})
    assert patched.status_code in (403, 404, 405)
    step = client.post(f"{url}/transitions/accept", headers=headers, json={})
    assert step.status_code == 409
    assert "不能执行“验收通过并销号”" in step.get_json()["message"]
    assert snapshot(hazard) == before
    services.move(
        Context(hz.staff, hz.access(hz.staff)),
        hazard,
        "submit_acceptance",
        data={"rectification": "已清"},
    )
    before = snapshot(hazard)
    step = client.post(f"{url}/transitions/accept", headers=headers, json={})
    assert step.status_code in (400, 409, 422)
    assert "重大隐患必须经验收并填写验收意见后方可销号" in step.get_json()["message"]
    assert snapshot(hazard) == before
    admin = app.test_client()
    assert login(admin, "office", "Passw0rd-long").status_code == 302
    edit = admin.get(f"/admin/hazards/hazard/edit/?id={hazard.id}")
    assert edit.status_code in (302, 403, 404)
    assert snapshot(hazard) == before


def test_admin_shows_the_rectifier_refusal_in_chinese(app, hz):
    hazard = rectifying(hz)
    services.move(
        Context(hz.approver, hz.access(hz.approver)),
        hazard,
        "submit_acceptance",
        data={"rectification": "已更换"},
    )
    before = snapshot(hazard)
    client = app.test_client()
    assert login(client, "approver", "Passw0rd-long").status_code == 302
    page = client.get(f"/admin/hazards/hazard/details/?id={hazard.id}").get_data(as_text=True)
    done = client.post(
        "/admin/hazards/hazard/transition/",
        data={"csrf_token": csrf_token(page), "id": hazard.id, "transition": "accept"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "验收人不能是整改人" in done
    assert snapshot(hazard) == before


# -- supervision (挂牌督办) ---------------------------------------------------------------------


def test_supervision_is_listed_and_lifted_on_closure(app, hz):
    hazard = rectifying(hz, "major", workdays.today() + dt.timedelta(days=60), "major_exits_clear")
    boss = hz.access(hz.approver)
    with pytest.raises(WorkflowError):  # community staff cannot put a hazard under supervision
        services.move(
            Context(hz.staff, hz.access(hz.staff)),
            hazard,
            "escalate",
            data={"supervision_level": "street", "supervising_unit": "西山街道安监站"},
        )
    services.move(
        Context(hz.approver, boss),
        hazard,
        "escalate",
        data={
            "supervision_level": "street",
            "supervising_unit": "西山街道安监站",
            "supervision_deadline": str(workdays.today() + dt.timedelta(days=30)),
        },
    )
    row = Hazard.get_by_id(hazard.id)
    assert (row.state, row.supervision_level, row.supervised_on) == (
        "rectifying",
        "street",
        workdays.today(),
    )
    before = snapshot(row)
    with pytest.raises(WorkflowError, match="该隐患已挂牌督办"):
        services.move(
            Context(hz.approver, boss),
            row,
            "escalate",
            data={"supervision_level": "district", "supervising_unit": "区安委办"},
        )
    assert snapshot(row) == before
    client = app.test_client()
    assert login(client, "approver", "Passw0rd-long").status_code == 302
    listed = client.get("/admin/hazards/supervised/").get_data(as_text=True)
    assert "西山街道安监站" in listed and "街道挂牌督办" in listed
    services.move(
        Context(hz.staff, hz.access(hz.staff)),
        row,
        "submit_acceptance",
        data={"rectification": "已清"},
    )
    services.move(
        Context(hz.approver, boss), row, "accept", data={"acceptance_opinion": "复核合格"}
    )
    row = Hazard.get_by_id(hazard.id)
    assert row.supervision_lifted_on == workdays.today() and row.state == "closed"
    outsider = app.test_client()
    assert login(outsider, "outsider", "Passw0rd-long").status_code == 302
    assert "西山街道安监站" not in outsider.get("/admin/hazards/supervised/").get_data(as_text=True)
