"""Checklist logic in the form engine: weights, per-answer flags (photo, action, notify),
the answers of repeat rows and the score. Definitions without them work as before."""

import pytest

from forms.definition import DefinitionError, parse, to_data
from forms.engine import answers, score, validate


def checklist(**extra):
    item = {"key": "exits", "type": "yes_no_na", "label_zh": "出口畅通", "required": True}
    item.update(extra)
    return {
        "key": "check",
        "title_zh": "检查",
        "sections": [
            {
                "key": "items",
                "label_zh": "项目",
                "fields": [
                    item,
                    {"key": "lights", "type": "yes_no_na", "label_zh": "照明", "required": True},
                ],
            },
            {
                "key": "floors",
                "label_zh": "楼层",
                "repeat": {"min": 0, "max": 10},
                "fields": [
                    {"key": "floor", "type": "text", "label_zh": "楼层", "required": True},
                    {
                        "key": "floor_ok",
                        "type": "yes_no_na",
                        "label_zh": "本层合格",
                        "required": True,
                        "weight": 2,
                        "on_answer": {"no": ["photo", "action"]},
                    },
                ],
            },
        ],
    }


def test_weight_and_flags_are_parsed_and_round_trip():
    form = parse(checklist(weight=3, on_answer={"no": ["notify", "action"], "na": []}))
    exits = form.field("exits")
    assert exits.weight == 3
    assert exits.flags("no") == ("action", "notify")  # in the canonical order
    assert exits.flags("yes") == () and exits.flags("na") == ()
    data = to_data(form)
    again = parse(data)
    assert again.field("exits").flags("no") == ("action", "notify")
    assert again.field("floor_ok").weight == 2
    assert data["sections"][0]["fields"][0]["on_answer"] == {"no": ["action", "notify"]}


def test_a_definition_without_logic_is_unchanged():
    plain = checklist()
    form = parse(plain)
    assert form.field("exits").weight is None and form.field("exits").on_answer == {}
    assert "weight" not in to_data(form)["sections"][0]["fields"][0]
    assert "on_answer" not in to_data(form)["sections"][0]["fields"][0]


@pytest.mark.parametrize(
    "extra, path",
    [
        ({"weight": -1}, "sections[0].fields[0].weight"),
        ({"weight": "heavy"}, "sections[0].fields[0].weight"),
        ({"on_answer": ["photo"]}, "sections[0].fields[0].on_answer"),
        ({"on_answer": {"maybe": ["photo"]}}, "sections[0].fields[0].on_answer.maybe"),
        ({"on_answer": {"no": ["email"]}}, "sections[0].fields[0].on_answer.no"),
    ],
)
def test_bad_logic_is_refused_with_its_path(extra, path):
    with pytest.raises(DefinitionError) as exc:
        parse(checklist(**extra))
    assert path in [p for p, _m in exc.value.problems]


def test_logic_only_on_yes_no_na_items():
    data = checklist()
    data["sections"][1]["fields"][0]["weight"] = 1
    with pytest.raises(DefinitionError) as exc:
        parse(data)
    assert exc.value.problems[0][0] == "sections[1].fields[0].weight"


def test_answers_and_score_count_every_repeat_row_and_skip_not_applicable():
    form = parse(checklist(weight=3))
    data = {
        "exits": "no",
        "lights": "na",
        "floors": [
            {"floor": "1层", "floor_ok": "yes"},
            {"floor": "2层", "floor_ok": "no"},
        ],
    }
    cleaned, errors = validate(form, data)
    assert errors == {}
    given = answers(form, cleaned)
    assert [a.path for a in given] == [
        "exits",
        "lights",
        "floors[0].floor_ok",
        "floors[1].floor_ok",
    ]
    assert given[3].values["floor"] == "2层" and given[3].flags == ("photo", "action")
    # exits (3) fails, lights n/a, floor 1 (2) passes, floor 2 (2) fails
    assert score(form, cleaned) == (2.0, 7.0)


def test_score_of_all_not_applicable_has_nothing_possible():
    form = parse(checklist())
    cleaned, _errors = validate(form, {"exits": "na", "lights": "na"})
    assert score(form, cleaned) == (0.0, 0.0)
