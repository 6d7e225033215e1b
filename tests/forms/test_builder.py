"""The field-by-field form builder (表单设计器): every change a new, checked version."""

import json

import pytest

from core.commands import Context
from core.models import TerritoryUnit
from forms import builder, services
from forms.models import FormDefinition, FormVersion
from tests.conftest import csrf_token, make_user
from tests.forms.test_lowcode import DEFINITION, post

FIELD = {
    "type": "text",
    "label_zh": "",
    "label_en": "",
    "help_zh": "",
    "help_en": "",
    "min": "",
    "max": "",
    "max_length": "",
    "pattern": "",
    "dictionary": "",
    "choices": "",
    "visible_field": "",
    "visible_equals": "",
}


@pytest.fixture
def visit(app, admin):
    with app.app_context():
        services.ensure_dictionary(
            "visit_topic", "走访事项", "Visit topics", [("health", "健康", "Health")]
        )
    post(
        admin,
        "/admin/core/form_definition/new/",
        {"fmt": "json", "text": json.dumps(DEFINITION, ensure_ascii=False)},
    )
    return FormDefinition.get(FormDefinition.key == "visit")


def url(definition, **args):
    extra = "".join(f"&{k}={v}" for k, v in args.items())
    return f"/admin/core/form_definition/builder/?id={definition.id}{extra}"


def change(client, definition, op, **values):
    return post(client, url(definition), {"op": op, **values}).get_data(as_text=True)


def current(definition):
    definition = FormDefinition.get_by_id(definition.id)
    return definition.current_version, json.loads(services.current_version(definition).body)


def keys(data, section=0):
    return [f["key"] for f in data["sections"][section]["fields"]]


def test_builder_page_lists_sections_and_fields(admin, visit):
    html = admin.get(url(visit)).get_data(as_text=True)
    assert "走访对象" in html and "单行文本" in html and "单选" in html
    assert html.index('data-field="resident"') < html.index('data-field="topic"')
    assert "/admin/core/form_definition/preview/?id=" in html
    details = admin.get(f"/admin/core/form_definition/details/?id={visit.id}").get_data(
        as_text=True
    )
    assert "/admin/core/form_definition/builder/?id=" in details


def test_add_edit_reorder_and_delete_fields(admin, visit):
    page = change(
        admin,
        visit,
        "add_field",
        section="main",
        **{
            **FIELD,
            "key": "household",
            "type": "choice",
            "label_zh": "户别",
            "required": "y",
            "choices": "local=本地\nmigrant=流动|Migrant",
        },
    )
    assert "户别" in page
    version, data = current(visit)
    assert version == 2 and keys(data) == ["resident", "topic", "household"]
    household = data["sections"][0]["fields"][2]
    assert household["required"] is True
    assert household["choices"][1] == {"code": "migrant", "label_zh": "流动", "label_en": "Migrant"}
    preview = admin.get(f"/admin/core/form_definition/preview/?id={visit.id}").get_data(
        as_text=True
    )
    assert 'name="household"' in preview and "流动" in preview

    # the edit form shows the field's values, choices as lines
    edit = admin.get(url(visit, edit="household")).get_data(as_text=True)
    assert "migrant=流动|Migrant" in edit

    change(admin, visit, "move_up", target="household")
    version, data = current(visit)
    assert version == 3 and keys(data) == ["resident", "household", "topic"]
    page = admin.get(url(visit)).get_data(as_text=True)
    assert page.index('data-field="household"') < page.index('data-field="topic"')
    change(admin, visit, "move_down", target="resident")
    assert current(visit) == (4, current(visit)[1])
    assert keys(current(visit)[1]) == ["household", "resident", "topic"]

    change(
        admin,
        visit,
        "update_field",
        target="resident",
        **{
            **FIELD,
            "key": "resident",
            "label_zh": "被走访居民",
            "max_length": "20",
            "help_zh": "写全名",
        },
    )
    version, data = current(visit)
    resident = data["sections"][0]["fields"][1]
    assert version == 5 and resident["label_zh"] == "被走访居民"
    assert resident["max_length"] == 20 and resident.get("required") is None
    preview = admin.get(f"/admin/core/form_definition/preview/?id={visit.id}").get_data(
        as_text=True
    )
    assert "被走访居民" in preview and "写全名" in preview

    change(admin, visit, "remove_field", target="household")
    version, data = current(visit)
    assert version == 6 and keys(data) == ["resident", "topic"]
    assert 'data-field="household"' not in admin.get(url(visit)).get_data(as_text=True)
    assert FormVersion.select().where(FormVersion.definition == visit).count() == 6


def test_repeat_section_rename_and_delete(admin, visit):
    change(
        admin,
        visit,
        "add_section",
        section_key="floors",
        section_label_zh="楼层",
        repeat_min="1",
        repeat_max="30",
        **{**FIELD, "key": "floor_no", "type": "integer", "label_zh": "层号"},
    )
    version, data = current(visit)
    assert version == 2 and data["sections"][1]["repeat"] == {"min": 1, "max": 30}
    assert keys(data, 1) == ["floor_no"]
    page = admin.get(url(visit)).get_data(as_text=True)
    assert 'data-section="floors"' in page and "层号" in page and "整数" in page
    preview = admin.get(f"/admin/core/form_definition/preview/?id={visit.id}").get_data(
        as_text=True
    )
    assert "楼层" in preview and "floors-0-floor_no" in preview

    change(
        admin,
        visit,
        "update_section",
        target="floors",
        section_key="storeys",
        section_label_zh="楼层情况",
        repeat_min="",
        repeat_max="",
    )
    version, data = current(visit)
    assert version == 3 and data["sections"][1]["key"] == "storeys"
    assert "repeat" not in data["sections"][1]
    change(admin, visit, "remove_section", target="storeys")
    version, data = current(visit)
    assert version == 4 and len(data["sections"]) == 1


@pytest.mark.parametrize(
    "op, values, message",
    [
        (
            "add_field",
            {"section": "main", "key": "resident", "label_zh": "重复"},
            "键 resident 重复（另见 resident）",
        ),
        (
            "add_field",
            {
                "section": "main",
                "key": "kind",
                "type": "choice",
                "label_zh": "类别",
                "dictionary": "nope",
            },
            "未知字典 nope",
        ),
        (
            "add_field",
            {
                "section": "main",
                "key": "note",
                "label_zh": "备注",
                "visible_field": "later",
                "visible_equals": "x",
            },
            "引用了不存在的字段 later",
        ),
        ("remove_field", {"target": "topic_missing"}, "没有字段 topic_missing"),
    ],
)
def test_refused_changes_name_the_field_and_save_nothing(admin, visit, op, values, message):
    payload = {**FIELD, **values} if op == "add_field" else values
    page = change(admin, visit, op, **payload)
    assert message in page, page[page.find("alert") : page.find("alert") + 600]
    if op == "add_field":
        assert f"字段 {values['key']}" in page
    assert current(visit)[0] == 1 and FormVersion.select().count() == 1


def test_visibility_on_a_later_field_and_last_field_are_refused(admin, visit):
    page = change(
        admin,
        visit,
        "update_field",
        target="resident",
        **{
            **FIELD,
            "key": "resident",
            "label_zh": "走访对象",
            "visible_field": "topic",
            "visible_equals": "health",
        },
    )
    assert "字段 resident（走访对象）" in page and "topic" in page and "位于其后" in page
    assert current(visit)[0] == 1
    change(
        admin,
        visit,
        "add_section",
        section_key="extra",
        section_label_zh="其他",
        **{**FIELD, "key": "note", "label_zh": "备注"},
    )
    page = change(admin, visit, "remove_field", target="note")
    assert "note" in page and "最后一个字段" in page
    assert current(visit)[0] == 2


def test_old_submissions_keep_their_version_after_builder_edits(app, admin, visit):
    with app.app_context():
        unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001")
        first = services.submit(
            Context.trusted(),
            services.current_version(visit),
            {"resident": "王大爷", "topic": "health"},
            unit,
        )
    change(
        admin,
        visit,
        "update_field",
        target="resident",
        **{**FIELD, "key": "resident", "label_zh": "被走访居民"},
    )
    change(
        admin, visit, "add_field", section="main", **{**FIELD, "key": "note", "label_zh": "备注"}
    )
    assert current(visit)[0] == 3
    details = admin.get(f"/admin/core/submission/details/?id={first.id}").get_data(as_text=True)
    assert "走访对象" in details and "被走访居民" not in details and "王大爷" in details
    assert "v1" in details and "备注" not in details


def test_new_form_from_the_builder(admin, visit):
    page = post(
        admin,
        "/admin/core/form_definition/builder/new/",
        {
            "form_key": "patrol",
            "title_zh": "巡查记录",
            "section_key": "main",
            "section_label_zh": "巡查",
            **{**FIELD, "key": "place", "label_zh": "地点"},
        },
    ).get_data(as_text=True)
    patrol = FormDefinition.get(FormDefinition.key == "patrol")
    assert patrol.current_version == 1 and "地点" in page
    page = post(
        admin,
        "/admin/core/form_definition/builder/new/",
        {
            "form_key": "patrol",
            "title_zh": "重复",
            "section_key": "main",
            "section_label_zh": "巡查",
            **{**FIELD, "key": "place", "label_zh": "地点"},
        },
    ).get_data(as_text=True)
    assert "patrol" in page and FormDefinition.select().count() == 2


def test_builder_needs_configure_permission(app, admin, visit, client_for):
    with app.app_context():
        make_user("gridder", "grid_worker", "990101001001G01")
    client = client_for("gridder")
    assert client.get(url(visit)).status_code == 403
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    response = client.post(
        url(visit), data={"op": "remove_field", "target": "topic", "csrf_token": token}
    )
    assert response.status_code == 403
    response = client.post(url(visit), data={"op": "remove_field", "target": "topic"})
    assert response.status_code in (400, 403)
    assert client.get("/admin/core/form_definition/builder/new/").status_code == 403
    assert current(visit)[0] == 1


def test_pure_changes_do_not_touch_their_input():
    data = json.loads(json.dumps(DEFINITION))
    moved = builder.move_field(data, "topic", -1)
    assert keys(moved) == ["topic", "resident"] and keys(data) == ["resident", "topic"]
    with pytest.raises(builder.BuilderError):
        builder.remove_section(data, "main")
    two = builder.add_section(
        data, {"key": "b", "label_zh": "乙"}, {"key": "x", "type": "text", "label_zh": "X"}
    )
    assert keys(builder.move_field(two, "topic", 1), 1) == ["topic", "x"]


def test_builder_page_in_english(admin, visit):
    html = admin.get(url(visit) + "&lang=en&edit=topic").get_data(as_text=True)
    assert "Form builder" in html and "Single choice" in html and "Move up" in html
    assert 'name="op" value="update_field"' in html and 'value="visit_topic"' in html


def test_builder_edits_defaults_lengths_uploads_and_the_uscc_override(admin, visit):
    """Every attribute of a field is editable in the builder, without JSON."""
    change(
        admin,
        visit,
        "add_field",
        section="main",
        **{**FIELD, "key": "floors", "type": "integer", "label_zh": "楼层数", "default": "6"},
    )
    change(
        admin,
        visit,
        "add_field",
        section="main",
        **{
            **FIELD,
            "key": "kinds",
            "type": "multi_choice",
            "label_zh": "类别",
            "choices": "a=甲\nb=乙\nc=丙",
            "default": "a, c",
        },
    )
    change(
        admin,
        visit,
        "add_field",
        section="main",
        **{
            **FIELD,
            "key": "scan",
            "type": "file",
            "label_zh": "扫描件",
            "accept": "application/pdf",
            "max_size_kb": "512",
        },
    )
    change(
        admin,
        visit,
        "add_field",
        section="main",
        **{**FIELD, "key": "org", "type": "uscc", "label_zh": "信用代码", "no_override": "y"},
    )
    change(
        admin,
        visit,
        "update_field",
        target="resident",
        **{
            **FIELD,
            "key": "resident",
            "label_zh": "走访对象",
            "min_length": "2",
            "max_length": "20",
        },
    )
    _version, data = current(visit)
    fields = {f["key"]: f for f in data["sections"][0]["fields"]}
    assert fields["floors"]["default"] == 6
    assert fields["kinds"]["default"] == ["a", "c"]
    assert fields["scan"]["accept"] == ["application/pdf"] and fields["scan"]["max_size_kb"] == 512
    assert fields["org"]["allow_override"] is False
    assert (fields["resident"]["min_length"], fields["resident"]["max_length"]) == (2, 20)
    edit = admin.get(url(visit, edit="kinds")).get_data(as_text=True)
    assert 'value="a,c"' in edit
    before = current(visit)[0]
    page = change(
        admin,
        visit,
        "update_field",
        target="kinds",
        **{
            **FIELD,
            "key": "kinds",
            "type": "multi_choice",
            "label_zh": "类别",
            "choices": "a=甲\nb=乙",
            "default": "z",
        },
    )
    assert "字段 kinds" in page and current(visit)[0] == before
    page = change(
        admin,
        visit,
        "update_field",
        target="floors",
        **{**FIELD, "key": "floors", "type": "integer", "label_zh": "楼层数", "default": "六"},
    )
    assert "默认值" in page and current(visit)[0] == before
