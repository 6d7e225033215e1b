"""Checklists with scores, answer logic and repeat groups; inspections of registered premises
with photos and a position; versions; hazards reported by hand; re-inspections. Every refused
input says why in Chinese and writes nothing (no row, no file)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from flask import current_app

from core.commands import Context
from core.notifications import Notification
from core.services import ServiceError
from core.workflow import history
from forms.models import FormVersion, Submission
from plugins.hazards import forms as checklists
from plugins.hazards import services
from plugins.hazards.models import Hazard, Inspection, Photo, Premises, Recheck

from .conftest import FIRE, answers

FIVE = "hazards_five_small"


def png(size=(32, 24), colour=(200, 40, 40)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def photo(name="现场.png", data=None):
    return services.Upload(name, data if data is not None else png(), "image/png")


def files() -> list[Path]:
    root = Path(current_app.config["LINLI"]["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts():
    return (
        Inspection.select().count(),
        Hazard.select().count(),
        Submission.select().count(),
        Photo.select().count(),
        Recheck.select().count(),
        len(files()),
    )


def premises(hz, unit=None, name="老街面馆", kind="five_small"):
    return Premises.create(
        unit=unit or hz.community, name=name, kind=kind, responsible="李强", phone="13800000002"
    )


def refused(call, message):
    before = counts()
    with pytest.raises(ServiceError) as exc:
        call()
    assert message in str(exc.value)
    assert counts() == before
    return str(exc.value)


def test_score_version_position_and_premises_are_stored(hz):
    shop = premises(hz)
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        None,
        FIVE,
        "",
        answers("five_small", owner_trained="no", gas_safe="na"),
        premises=shop,
        position=("39.9087", "116.3975"),
    )
    assert inspection.unit_id == hz.community.id and inspection.place == "老街面馆"
    assert inspection.premises_id == shop.id
    # two major items weigh 3, eight others 1; gas n/a leaves 13 points, one (1) failed
    assert float(inspection.score) == round(12 * 100 / 13, 1)
    assert inspection.checklist_version == inspection.submission.version.version
    assert str(inspection.latitude).startswith("39.9087")
    hazard = inspection.hazards.get()
    assert hazard.item == "owner_trained" and hazard.premises_id == shop.id
    assert hazard.source == "inspection"


def test_repeat_group_each_failed_row_is_its_own_hazard_with_its_photo(hz):
    data = answers()
    data["stairwells"] = [
        {
            "stair_name": "1单元",
            "stair_clear": "yes",
            "stair_no_ebike": "yes",
            "stair_extinguisher": "yes",
        },
        {
            "stair_name": "2单元",
            "stair_clear": "no",
            "stair_no_ebike": "no",
            "stair_extinguisher": "yes",
        },
    ]
    shots = {
        "stairwells[1].stair_clear": [photo("杂物.png")],
        "stairwells[1].stair_no_ebike": [photo("电动车.png")],
    }
    stored = len(files())
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "5号楼",
        data,
        photos=shots,
    )
    found = {h.item: h for h in inspection.hazards}
    assert set(found) == {"stair_clear", "stair_no_ebike"}
    assert found["stair_clear"].instance == "2单元"
    assert found["stair_clear"].title.startswith("2单元：")
    assert [p.name for p in services.hazard_photos(found["stair_clear"])] == ["杂物.png"]
    assert all(p.stage == "before" for p in inspection.photos)
    assert len(files()) == stored + 2


def test_required_photo_missing_is_refused(hz):
    data = answers()
    data["stairwells"] = [
        {
            "stair_name": "3单元",
            "stair_clear": "no",
            "stair_no_ebike": "yes",
            "stair_extinguisher": "yes",
        }
    ]
    message = refused(
        lambda: services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)), hz.community, FIRE, "5号楼", data
        ),
        "以下项目须拍照",
    )
    assert "3单元" in message


def test_unanswered_item_is_refused_naming_it(hz):
    data = answers()
    del data["smoke_control_ok"]
    message = refused(
        lambda: services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)), hz.community, FIRE, "5号楼", data
        ),
        "此项为必填项",
    )
    assert "楼梯间防排烟设施" in message


@pytest.mark.parametrize(
    "position, message",
    [
        (("91", "116"), "位置超出范围"),
        (("39.9", "181"), "位置超出范围"),
        (("39.9", ""), "请同时填写纬度和经度"),
        (("北纬", "116"), "位置不是有效的数字"),
    ],
)
def test_position_out_of_range_is_refused(hz, position, message):
    refused(
        lambda: services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)),
            hz.community,
            FIRE,
            "5号楼",
            answers(),
            position=position,
        ),
        message,
    )


def test_photo_too_large_is_refused(hz):
    from core.registry import kernel_state

    kernel_state().settings.set(hz.community.district_id, "hazards", "photo_max_kb", 100)
    big = photo("大图.png", png((800, 800)) + b"\0" * (101 * 1024))
    refused(
        lambda: services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)),
            hz.community,
            FIRE,
            "5号楼",
            answers(hydrant_ok="no"),
            photos={"hydrant_ok": [big]},
        ),
        "超过 100 KB",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20,  # image magic, no image
        b"%PDF-1.4 a document",
        b"GIF89a" + png()[8:],
    ],
)
def test_not_an_image_is_refused(hz, data):
    refused(
        lambda: services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)),
            hz.community,
            FIRE,
            "5号楼",
            answers(hydrant_ok="no"),
            photos={"hydrant_ok": [photo("x.jpg", data)]},
        ),
        "不是允许格式",
    )


def test_photo_type_not_accepted_by_the_district_is_refused(hz):
    from core.registry import kernel_state

    kernel_state().settings.set(hz.community.district_id, "hazards", "photo_types", "jpeg")
    refused(
        lambda: services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)),
            hz.community,
            FIRE,
            "5号楼",
            answers(hydrant_ok="no"),
            photos={"hydrant_ok": [photo()]},
        ),
        "不是允许格式（jpeg）",
    )


def test_premises_outside_the_inspectors_scope_is_refused(hz):
    elsewhere = premises(hz, unit=hz.other, name="幸福面馆")
    refused(
        lambda: services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)),
            None,
            FIVE,
            "",
            answers("five_small"),
            premises=elsewhere,
        ),
        "该场所不在您的数据范围内",
    )


def test_notify_answer_tells_the_community_staff(hz):
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "5号楼",
        answers(major_exits_clear="no"),
    )
    notes = list(Notification.select().where(Notification.user == hz.staff.id))
    assert len(notes) == 1 and "疏散通道" in notes[0].title
    assert str(inspection.id) in notes[0].link
    assert not Notification.select().where(Notification.user == hz.inspector.id).exists()
    assert not Notification.select().where(Notification.user == hz.outsider.id).exists()


def test_a_changed_checklist_is_a_new_version_and_old_inspections_keep_theirs(app, hz):
    from forms import services as forms_services
    from plugins.hazards.admin import answers as shown

    old = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "5号楼",
        answers(hydrant_ok="no"),
    )
    data = json.loads(checklists.DEFINITIONS.joinpath("fire_residential.json").read_text("utf-8"))
    data["sections"][0]["fields"][2]["label_zh"] = "消火栓完好（新版）"
    from core.models import TerritoryUnit

    district = TerritoryUnit.get_by_id(hz.community.district_id)
    new_version = forms_services.save_definition(
        Context.trusted(), data, district, plugin="hazards"
    )
    assert new_version.version == 1 and new_version.id != old.submission.version_id
    assert checklists.checklist_version(FIRE, district.id).id == new_version.id
    new = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "6号楼",
        answers(hydrant_ok="no"),
    )
    assert new.submission.version_id == new_version.id
    assert "消火栓完好（新版）" in str(shown(None, None, new, "answers"))
    old_text = str(shown(None, None, Inspection.get_by_id(old.id), "answers"))
    assert "室内消火栓箱内水带、水枪齐全" in old_text and "新版" not in old_text
    assert FormVersion.get_by_id(old.submission.version_id).body  # never rewritten


# -- hazards reported by hand ------------------------------------------------------------------


def test_a_building_heads_report_with_photos(hz):
    hazard = services.report_hazard(
        Context(hz.inspector, hz.access(hz.inspector)),
        source="building_head",
        title="楼道堆放纸箱",
        unit=hz.community,
        place="7号楼2单元",
        category="消防",
        description="三楼楼梯间堆满纸箱，影响疏散",
        photos=[photo("纸箱.png")],
    )
    assert hazard.state == "reported" and hazard.source == "building_head"
    assert hazard.inspection_id is None and hazard.category == "消防"
    assert [p.stage for p in services.hazard_photos(hazard)] == ["before"]
    assert [row.transition for row in history(hazard)] == ["report"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"source": "rumour"}, "请选择隐患来源"),
        ({"title": " "}, "请简要描述隐患"),
        ({"unit": None}, "请选择场所所属的社区或网格"),
        ({"photos": [photo("x.png", b"\x89PNG\r\n\x1a\n garbage")]}, "不是允许格式"),
    ],
)
def test_refused_reports_change_nothing(hz, change, message):
    args = {
        "source": "resident",
        "title": "井盖缺失",
        "unit": hz.community,
        "place": "幸福路口",
        "photos": [photo()],
    }
    args.update(change)
    refused(
        lambda: services.report_hazard(Context(hz.inspector, hz.access(hz.inspector)), **args),
        message,
    )


def test_report_outside_scope_is_refused(hz):
    refused(
        lambda: services.report_hazard(
            Context(hz.inspector, hz.access(hz.inspector)),
            source="resident",
            title="井盖缺失",
            unit=hz.other,
            place="幸福路口",
        ),
        "该场所不在您的数据范围内",
    )


# -- re-inspections ---------------------------------------------------------------------------


def test_reinspection_carries_forward_only_failed_items(hz):
    original = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "5号楼",
        answers(hydrant_ok="no", extinguishers_ok="no"),
    )
    carried = services.carried_items(original)
    assert [h.item for h in carried] == ["hydrant_ok", "extinguishers_ok"]
    hydrant, extinguishers = carried
    hazards = Hazard.select().count()
    again = services.reinspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        original,
        {hydrant.id: "yes", extinguishers.id: "no"},
        photos={str(hydrant.id): [photo("修好了.png")]},
    )
    assert again.reinspection_of_id == original.id and again.failed_count == 1
    assert float(again.score) == 50.0
    assert [r.passed for r in hydrant.rechecks] == [True]
    assert [r.passed for r in extinguishers.rechecks] == [False]
    assert [p.stage for p in services.hazard_photos(hydrant)] == ["after"]
    assert hydrant.state == "reported"  # acceptance stays with the approvers
    assert Hazard.select().count() == hazards  # no new hazard for what still fails


def test_reinspection_of_an_inspection_without_failed_items_is_refused(hz):
    clean = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)), hz.community, FIRE, "5号楼", answers()
    )
    refused(
        lambda: services.reinspect(Context(hz.inspector, hz.access(hz.inspector)), clean, {}),
        "该检查没有需要复查的不合格项",
    )


def test_reinspection_needs_every_carried_item_answered(hz):
    original = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "5号楼",
        answers(hydrant_ok="no", extinguishers_ok="no"),
    )
    first = services.carried_items(original)[0]
    refused(
        lambda: services.reinspect(
            Context(hz.inspector, hz.access(hz.inspector)), original, {first.id: "yes"}
        ),
        "请逐项填写复查结果",
    )


def test_photo_rows_are_evidence(hz):
    from core.models import AppendOnlyError

    hazard = services.report_hazard(
        Context(hz.inspector, hz.access(hz.inspector)),
        source="resident",
        title="井盖缺失",
        unit=hz.community,
        place="幸福路口",
        photos=[photo()],
    )
    row = hazard.photos.get()
    row.name = "改名"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete_instance()
