"""Form definitions and the engine: one validation for WTForms and marshmallow."""

import pytest
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from forms.definition import DefinitionError, parse, to_data
from forms.engine import Context, schema_class, validate
from forms.wtform import wtform_class

FIRE_CHECK = {
    "key": "fire_check",
    "title_zh": "消防检查",
    "title_en": "Fire check",
    "sections": [
        {
            "key": "basic",
            "label_zh": "基本情况",
            "label_en": "Basics",
            "fields": [
                {
                    "key": "place",
                    "type": "text",
                    "label_zh": "场所",
                    "required": True,
                    "max_length": 20,
                },
                {"key": "checked_on", "type": "date", "label_zh": "检查日期", "required": True},
                {
                    "key": "extinguishers",
                    "type": "integer",
                    "label_zh": "灭火器数量",
                    "min": 0,
                    "max": 500,
                },
                {"key": "result", "type": "yes_no_na", "label_zh": "是否合格", "required": True},
                {
                    "key": "problem",
                    "type": "long_text",
                    "label_zh": "存在问题",
                    "required": True,
                    "visible_if": {"field": "result", "equals": "no"},
                },
                {
                    "key": "kind",
                    "type": "choice",
                    "label_zh": "场所类型",
                    "choices": [
                        {"code": "shop", "label_zh": "商铺"},
                        {"code": "home", "label_zh": "住宅"},
                    ],
                },
                {"key": "contact", "type": "mobile", "label_zh": "联系电话"},
                {"key": "owner_id", "type": "id_card", "label_zh": "负责人身份证号"},
                {"key": "org_code", "type": "uscc", "label_zh": "统一社会信用代码"},
                {"key": "where", "type": "location", "label_zh": "位置"},
            ],
        },
        {
            "key": "floors",
            "label_zh": "楼层",
            "label_en": "Floors",
            "repeat": {"min": 1, "max": 3},
            "fields": [
                {"key": "floor", "type": "integer", "label_zh": "楼层", "required": True},
                {"key": "exits_clear", "type": "yes_no_na", "label_zh": "疏散通道畅通"},
            ],
        },
    ],
}

GOOD = {
    "place": "幸福超市",
    "checked_on": "2026-11-20",
    "extinguishers": "4",
    "result": "yes",
    "kind": "shop",
    "contact": "13800138000",
    "owner_id": "11010519491231002x",
    "org_code": "G1610000713522976L",
    "where": {"lat": 30.66, "lng": 104.06},
    "floors": [{"floor": "1", "exits_clear": "yes"}, {"floor": "2", "exits_clear": "no"}],
}


@pytest.fixture
def form():
    return parse(FIRE_CHECK)


def test_a_good_submission_is_cleaned(form):
    cleaned, errors = validate(form, GOOD)
    assert errors == {}
    assert cleaned["extinguishers"] == 4 and cleaned["owner_id"] == "11010519491231002X"
    assert cleaned["floors"] == [
        {"floor": 1, "exits_clear": "yes"},
        {"floor": 2, "exits_clear": "no"},
    ]
    assert "problem" not in cleaned  # hidden: the result is "yes"


@pytest.mark.parametrize(
    "change, path, message",
    [
        ({"place": ""}, "place", "This field is required."),
        ({"place": "很长" * 11}, "place", "At most 20 characters."),
        ({"extinguishers": "many"}, "extinguishers", "Not a whole number."),
        ({"extinguishers": "-1"}, "extinguishers", "Must be at least 0."),
        ({"checked_on": "2026-02-30"}, "checked_on", "Not a valid date (YYYY-MM-DD)."),
        ({"result": "maybe"}, "result", "Answer yes, no or not applicable."),
        ({"result": "no"}, "problem", "This field is required."),  # now visible
        ({"kind": "castle"}, "kind", "Not a valid choice: castle"),
        ({"contact": "12345"}, "contact", "A mobile number has 11 digits"),
        ({"owner_id": "110105194912310021"}, "owner_id", "check digit"),
        ({"org_code": "91350100M0001TGQXM"}, "org_code", "check character"),
        ({"where": {"lat": 100, "lng": 1}}, "where", "out of range"),
        ({"floors": []}, "floors", "At least 1 rows are needed."),
        ({"floors": [{"floor": 1}] * 4}, "floors", "At most 3 rows are allowed."),
        ({"floors": [{"floor": "一"}]}, "floors[0].floor", "Not a whole number."),
    ],
)
def test_bad_values_are_refused_with_the_field_named(form, change, path, message):
    cleaned, errors = validate(form, {**GOOD, **change})
    assert path in errors, errors
    assert any(message in str(m) for m in errors[path])


def test_uscc_override_needs_a_reason(form):
    legacy = "91350100M0001TGQXM"  # a real early pilot code that fails the checksum
    _, errors = validate(form, {**GOOD, "org_code": {"code": legacy, "override_reason": ""}})
    assert "org_code" in errors
    cleaned, errors = validate(
        form, {**GOOD, "org_code": {"code": legacy, "override_reason": "厦门早期试点代码，已核实"}}
    )
    assert errors == {}
    assert cleaned["org_code"] == {"code": legacy, "override_reason": "厦门早期试点代码，已核实"}


def test_marshmallow_and_wtforms_agree(app, form):
    schema = schema_class(form)()
    with app.test_request_context(method="POST"):
        with pytest.raises(ValidationError) as err:
            schema.load({**GOOD, "extinguishers": "-1", "floors": [{"floor": "x"}]})
        api_errors = err.value.messages
        formdata = MultiDict(
            {
                **{k: v for k, v in GOOD.items() if isinstance(v, str)},
                "extinguishers": "-1",
                "where": "30.66,104.06",
                "floors-0-floor": "x",
            }
        )
        web = wtform_class(form, base=__import__("wtforms").Form)(formdata)
        assert not web.validate()
        assert web.extinguishers.errors == api_errors["extinguishers"] == ["不能小于 0。"]
        assert web.floors.entries[0].form.floor.errors == api_errors["floors[0].floor"]
    assert schema.load(GOOD)["floors"][1]["floor"] == 2


def test_territory_unit_within_scope(form):
    defn = parse(
        {
            "key": "k",
            "title_zh": "t",
            "sections": [
                {
                    "key": "s",
                    "label_zh": "s",
                    "fields": [{"key": "unit", "type": "territory_unit", "label_zh": "辖区"}],
                }
            ],
        }
    )
    ctx = Context(unit_allowed=lambda unit_id: unit_id == 7)
    assert validate(defn, {"unit": "7"}, ctx) == ({"unit": 7}, {})
    assert "outside your data scope" in str(validate(defn, {"unit": 8}, ctx)[1]["unit"][0])


@pytest.mark.parametrize(
    "mutate, path, message",
    [
        (
            lambda d: d["sections"][0]["fields"].append(
                {"key": "place", "type": "text", "label_zh": "重复"}
            ),
            "sections[0].fields[10].key",
            "duplicate key place",
        ),
        (
            lambda d: d["sections"][0]["fields"].append(
                {"key": "x", "type": "hologram", "label_zh": "?"}
            ),
            "sections[0].fields[10].type",
            "unknown type hologram",
        ),
        (
            lambda d: d["sections"][0]["fields"][4].update(
                visible_if={"field": "problem", "equals": "x"}
            ),
            "sections[0].fields[4].visible_if",
            "refers to the field itself",
        ),
        (
            lambda d: d["sections"][0]["fields"][4].update(
                visible_if={"field": "ghost", "equals": "x"}
            ),
            "sections[0].fields[4].visible_if",
            "refers to a missing field ghost",
        ),
        (
            lambda d: d["sections"][0]["fields"][5].update(default="castle"),
            "sections[0].fields[5].default",
            "is not one of the choices",
        ),
        (
            lambda d: d["sections"][0]["fields"][5].update(dictionary="nope"),
            "sections[0].fields[5]",
            "either a dictionary or choices",
        ),
        (
            lambda d: d["sections"][1].update(repeat={"min": 3, "max": 1}),
            "sections[1].repeat",
            "min and max must be whole numbers",
        ),
        (
            lambda d: d["sections"][0]["fields"][0].update(pattern="(["),
            "sections[0].fields[0].pattern",
            "not a valid regular expression",
        ),
    ],
)
def test_bad_definitions_are_refused_naming_the_field(mutate, path, message):
    import copy

    data = copy.deepcopy(FIRE_CHECK)
    mutate(data)
    with pytest.raises(DefinitionError) as err:
        parse(data)
    found = {p: str(m) for p, m in err.value.problems}
    assert path in found, found
    assert message in found[path]


def test_definition_round_trips_as_data(form):
    again = parse(to_data(form))
    assert to_data(again) == to_data(form)
    assert validate(again, GOOD)[1] == {}
