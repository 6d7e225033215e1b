"""Inspections against checklists on the low-code form engine: each failed item becomes a
reported hazard; refused inputs say why in Chinese and write nothing."""

from __future__ import annotations

import json

import pytest

from core.commands import Context
from core.services import ServiceError
from core.workflow import history
from forms.models import Submission
from plugins.hazards import forms as checklists
from plugins.hazards import services
from plugins.hazards.models import Hazard, Inspection

from .conftest import FIRE, answers


def counts():
    return (Inspection.select().count(), Hazard.select().count(), Submission.select().count())


def test_ten_checklists_ship_with_weights_logic_and_legal_basis(hz):
    """The seven scopes of the investigation plan plus residential fire, gas and elevators;
    8 to 20 pass/fail items each, every item with its legal basis, a weight and the logic of
    a failed answer; an item proposing 重大 names the standard or rule that says so."""
    from forms.services import version_form

    keys = checklists.checklist_keys()
    assert len(keys) == 10
    for key in keys:
        form_def = version_form(checklists.checklist_version(key, hz.community.district_id))
        items = checklists.checklist_items(form_def)
        assert 8 <= len(items) <= 20, key
        assert all(f.help_zh and f.weight for f in items), key
        assert all("action" in f.flags("no") for f in items), key
        # a failed item names the problem in its own words, not the item's passing wording
        assert all(f.failure_zh and f.failure_en and f.failure_zh != f.label_zh for f in items)
        for f in items:
            if f.key.startswith("major_"):
                assert any(
                    word in f.help_zh for word in ("重大", "严重事故隐患", "第二十八条", "第十九条")
                ), (key, f.key)
    titles = {version_form(checklists.checklist_version(k, None)).title_zh for k in keys}
    assert "烟花爆竹零售场所安全检查" in titles and "电梯安全检查" in titles


def test_failed_items_create_hazards(hz):
    before = Hazard.select().count()
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "5号楼",
        answers(major_exits_clear="no", extinguishers_ok="no"),
    )
    assert inspection.failed_count == 2
    assert inspection.submission is not None
    assert json.loads(inspection.submission.data)["major_exits_clear"] == "no"
    found = {h.item: h for h in inspection.hazards}
    assert set(found) == {"major_exits_clear", "extinguishers_ok"}
    assert Hazard.select().count() == before + 2
    major = found["major_exits_clear"]
    assert major.proposed_grade == "major" and major.grade is None
    assert found["extinguishers_ok"].proposed_grade == "general"
    assert major.state == "reported" and major.place == "5号楼"
    assert "消防法" in major.basis
    assert major.unit_id == hz.community.id
    assert [row.transition for row in history(major)] == ["report"]
    # the hazard reads as the failure (灭火器过期或配置不足), not as the passing wording
    assert found["extinguishers_ok"].title == "灭火器过期或配置不足"
    assert major.title == "疏散通道、安全出口被占用、堵塞或封闭"


def test_a_failure_wording_is_only_for_a_pass_fail_item():
    from forms.definition import DefinitionError, parse, to_data

    base = {
        "key": "c",
        "title_zh": "检查",
        "sections": [{"key": "s", "label_zh": "一", "fields": []}],
    }
    item = {
        "key": "ok",
        "type": "yes_no_na",
        "label_zh": "灭火器在有效期内",
        "failure_zh": "灭火器过期",
    }
    base["sections"][0]["fields"] = [item]
    form = parse(base)
    assert form.sections[0].fields[0].failure_zh == "灭火器过期"
    assert parse(to_data(form)).sections[0].fields[0].failure_zh == "灭火器过期"  # kept
    base["sections"][0]["fields"] = [
        {"key": "t", "type": "text", "label_zh": "备注", "failure_zh": "x"}
    ]
    with pytest.raises(DefinitionError):
        parse(base)


def test_passed_inspection_creates_no_hazard(hz):
    before = Hazard.select().count()
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)), hz.community, FIRE, "6号楼", answers()
    )
    assert inspection.failed_count == 0
    assert Hazard.select().count() == before


@pytest.mark.parametrize(
    "change, message",
    [
        ({"place": ""}, "请填写检查场所"),
        ({"checklist": "nope"}, "检查表不存在"),
        ({"answers": answers(hydrant_ok="maybe")}, "室内消火栓箱内水带、水枪齐全，有水：请回答"),
        (
            {"answers": {"hydrant_ok": "no"}},
            "疏散通道、安全出口畅通，未被占用、堵塞、封闭：此项为必填项",
        ),
    ],
)
def test_refused_inspection_changes_nothing(hz, change, message):
    args = {"place": "7号楼", "checklist": FIRE, "answers": answers(hydrant_ok="no")}
    args.update(change)
    before = counts()
    with pytest.raises(ServiceError) as exc:
        services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)),
            hz.community,
            args["checklist"],
            args["place"],
            args["answers"],
        )
    assert message in str(exc.value)
    assert counts() == before


def test_inspection_outside_scope_is_refused(hz):
    before = counts()
    with pytest.raises(ServiceError) as exc:
        services.inspect(
            Context(hz.inspector, hz.access(hz.inspector)), hz.other, FIRE, "1号楼", answers()
        )
    assert "不在您的数据范围内" in str(exc.value)
    assert counts() == before
