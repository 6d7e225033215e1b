"""Where the two halves of issue 8 meet: an inspection task done on the phone with premises,
photos, position and repeat rows; re-inspections and hand reports under the lifecycle steps
(延期待审批 still counts as under rectification); the photos after rectification taken on the
step that makes their sender the rectifier, who may not accept."""

from __future__ import annotations

import datetime as dt

import pytest

from core import workdays
from core.commands import Context
from core.services import ServiceError
from core.workflow import WorkflowError
from plugins.hazards import services
from plugins.hazards.models import Hazard, Inspection, InspectionTask, Photo, Premises, Recheck
from plugins.hazards.planning import services as planning
from tests.conftest import csrf_token

from .conftest import FIRE, answers
from .test_evidence import counts, photo
from .test_evidence_pages import upload
from .test_lifecycle import rectifying
from .test_pages import client_of
from .test_planning import district, schedule


def waiting_extension(hz):
    """A hazard under rectification, due in three days, whose extension request waits."""
    hazard = rectifying(hz, deadline=workdays.today() + dt.timedelta(days=3))
    services.move(
        Context(hz.staff, hz.access(hz.staff)),
        hazard,
        "request_extension",
        data={
            "extension_reason": "缺货",
            "requested_deadline": str(workdays.today() + dt.timedelta(30)),
        },
    )
    return hazard


def test_task_done_on_the_phone_with_premises_photos_position_and_rows(app, hz):
    building = Premises.create(unit=hz.community, name="长青公寓3号楼", kind="compound")
    patrol = schedule(hz)
    planning.generate(district(), workdays.today())
    task = InspectionTask.get(InspectionTask.schedule == patrol.id)
    client = client_of(app, "inspector")
    url = f"/portal/hazards/inspect/{FIRE}?task={task.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="3号楼"' in page and "长青公寓3号楼" in page and "使用我的位置" in page
    base = {
        "csrf_token": csrf_token(page),
        "premises": str(building.id),
        "place": "3号楼",
        "latitude": "39.9",
        "longitude": "116.4",
        **answers(hydrant_ok="no"),
        "stairwells-0-stair_name": "1单元",
        "stairwells-0-stair_clear": "no",
        "stairwells-0-stair_no_ebike": "yes",
        "stairwells-0-stair_extinguisher": "yes",
    }
    # adding a row saves nothing and leaves the task open
    before = counts()
    more = client.post(url, data={**base, "add_row": "stairwells"}).get_data(as_text=True)
    assert 'name="stairwells-1-stair_name"' in more and counts() == before
    assert InspectionTask.get_by_id(task.id).state == "open"
    # a required photo missing: refused, nothing written, the task still open
    text = client.post(url, data=base, follow_redirects=True).get_data(as_text=True)
    assert "以下项目须拍照：" in text
    assert counts() == before and InspectionTask.get_by_id(task.id).state == "open"
    data = {
        **base,
        "photo__hydrant_ok": upload(name="消火栓.png"),
        "photo__stairwells[0].stair_clear": upload(name="楼道.png"),
    }
    done = client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)
    assert "发现隐患 2 处" in done.get_data(as_text=True)
    inspection = Inspection.get(Inspection.premises == building.id)
    task = InspectionTask.get_by_id(task.id)
    assert (task.state, task.inspection_id, task.done_on) == (
        "done",
        inspection.id,
        workdays.today(),
    )
    assert (float(inspection.latitude), inspection.place) == (39.9, "3号楼")
    assert sorted(p.name for p in inspection.photos) == ["楼道.png", "消火栓.png"]
    assert {h.instance for h in inspection.hazards} == {"", "1单元"}


def test_a_premises_of_another_community_does_not_fulfil_the_task(hz):
    elsewhere = Premises.create(unit=hz.other, name="幸福超市", kind="shop")
    patrol = schedule(hz)
    planning.generate(district(), workdays.today())
    task = InspectionTask.get(InspectionTask.schedule == patrol.id)
    before = counts()
    with pytest.raises(ServiceError) as exc:
        services.inspect(
            Context(hz.office, hz.access(hz.office)),
            None,
            FIRE,
            "",
            answers(),
            premises=elsewhere,
            task=task.id,
        )
    assert "本次检查与任务不符" in str(exc.value)
    assert counts() == before and InspectionTask.get_by_id(task.id).state == "open"


def test_waiting_extension_is_overdue_and_carried_into_a_reinspection(hz):
    hazard = waiting_extension(hz)
    later = workdays.today() + dt.timedelta(days=4)
    overdue = Hazard.select().where(services.overdue_condition(later))
    assert hazard.id in [h.id for h in overdue]
    assert [h.id for h in services.carried_items(hazard.inspection)] == [hazard.id]
    recheck = services.reinspect(
        Context(hz.inspector, hz.access(hz.inspector)), hazard.inspection, {hazard.id: "no"}
    )
    assert Recheck.get(Recheck.inspection == recheck.id).hazard_id == hazard.id
    # the re-inspection records a result; the hazard's steps stay with the approvers
    assert Hazard.get_by_id(hazard.id).state == "extension_requested"


def test_hand_report_goes_through_supervision_and_acceptance(hz):
    hazard = services.report_hazard(
        Context(hz.inspector, hz.access(hz.inspector)),
        source="building_head",
        title="楼道堆放纸箱",
        unit=hz.community,
        place="7号楼",
        photos=[photo("纸箱.png")],
    )
    staff, boss = hz.access(hz.staff), hz.access(hz.approver)
    services.move(Context(hz.staff, staff), hazard, "register")
    services.move(Context(hz.staff, staff), hazard, "assess", data={"grade": "major"})
    services.move(
        Context(hz.staff, staff),
        hazard,
        "rectify",
        data={
            "responsible": "物业 李明",
            "measures": "清理",
            "funds": "物业费",
            "contingency": "专人值守",
            "deadline": str(workdays.today() + dt.timedelta(days=10)),
        },
    )
    services.move(
        Context(hz.approver, boss),
        hazard,
        "escalate",
        data={"supervision_level": "street", "supervising_unit": "西山街道安监站"},
    )
    services.move(
        Context(hz.approver, boss),
        hazard,
        "submit_acceptance",
        data={"rectification": "已清理"},
        photos=[photo("清理后.png")],
    )
    row = Hazard.get_by_id(hazard.id)
    assert (row.source, row.rectified_by_id) == ("building_head", hz.approver.id)
    stages = sorted((p.stage, p.name) for p in Photo.select().where(Photo.hazard == hazard.id))
    assert stages == [("after", "清理后.png"), ("before", "纸箱.png")]
    with pytest.raises(WorkflowError) as exc:
        services.move(
            Context(hz.approver, boss), row, "accept", data={"acceptance_opinion": "合格"}
        )
    assert "验收人不能是整改人" in str(exc.value)
    assert Hazard.get_by_id(hazard.id).state == "awaiting_acceptance"
    services.move(
        Context(hz.office, hz.access(hz.office)), row, "accept", data={"acceptance_opinion": "合格"}
    )
    row = Hazard.get_by_id(hazard.id)
    assert (row.state, row.accepted_by_id, row.supervision_lifted_on) == (
        "closed",
        hz.office.id,
        workdays.today(),
    )


def test_rectified_on_the_phone_with_photos_the_sender_is_the_rectifier(app, hz):
    hazard = rectifying(hz)
    client = client_of(app, "approver")
    page = client.get(f"/portal/hazards/hazard/{hazard.id}").get_data(as_text=True)
    assert "整改完成，申请验收" in page
    client.post(
        f"/portal/hazards/hazard/{hazard.id}",
        data={
            "csrf_token": csrf_token(page),
            "rectification": "已更换灭火器",
            "photo__": upload(name="更换后.png"),
        },
        content_type="multipart/form-data",
    )
    row = Hazard.get_by_id(hazard.id)
    assert (row.state, row.rectified_by_id) == ("awaiting_acceptance", hz.approver.id)
    assert [p.name for p in services.hazard_photos(row) if p.stage == "after"] == ["更换后.png"]
    with pytest.raises(WorkflowError):
        services.move(Context(hz.approver, hz.access(hz.approver)), row, "accept")
    assert Hazard.get_by_id(hazard.id).state == "awaiting_acceptance"


def test_the_phone_offers_no_acceptance_request_while_an_extension_waits(app, hz):
    hazard = waiting_extension(hz)
    page = client_of(app, "staff").get(f"/portal/hazards/hazard/{hazard.id}")
    text = page.get_data(as_text=True)
    assert "延期待审批" in text and "整改完成，申请验收" not in text
