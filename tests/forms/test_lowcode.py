"""Dictionaries, versioned definitions, submissions and custom fields, through the admin."""

import csv
import io
import json

import pytest

from core import territory
from core.commands import Context
from core.models import AuditLog, TerritoryUnit
from core.services import ServiceError
from forms import services
from forms.models import CustomField, CustomValue, DictionaryItem, FormDefinition, FormVersion
from tests.conftest import csrf_token, make_user
from tests.sample_plugins.noticeboard.models import Notice

DEFINITION = {
    "key": "visit",
    "title_zh": "走访记录",
    "title_en": "Visit",
    "sections": [
        {
            "key": "main",
            "label_zh": "走访",
            "label_en": "Visit",
            "fields": [
                {"key": "resident", "type": "text", "label_zh": "走访对象", "required": True},
                {"key": "topic", "type": "choice", "label_zh": "事项", "dictionary": "visit_topic"},
            ],
        }
    ],
}


def post(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


@pytest.fixture
def topics(app, demo):
    with app.app_context():
        return services.ensure_dictionary(
            "visit_topic",
            "走访事项",
            "Visit topics",
            [("health", "健康", "Health"), ("housing", "住房", "Housing")],
        )


def test_districts_extend_dictionaries_without_seeing_each_other(app, topics):
    with app.app_context():
        mine = territory.district_by_code("990101")
        other = territory.create_unit("990102", "邻区", "district")
        services.add_item(Context.trusted(), topics, mine, "pension", "养老")
        assert [i.code for i in services.dictionary_items("visit_topic", mine.id)] == [
            "health",
            "housing",
            "pension",
        ]
        assert [i.code for i in services.dictionary_items("visit_topic", other.id)] == [
            "health",
            "housing",
        ]
        with pytest.raises(ServiceError, match="编码 health 已被使用"):
            services.add_item(Context.trusted(), topics, mine, "health", "重复")
        services.retire_item(
            Context.trusted(), DictionaryItem.get(DictionaryItem.code == "housing")
        )
        assert "housing" not in [i.code for i in services.dictionary_items("visit_topic", mine.id)]
        assert "housing" in [
            i.code for i in services.dictionary_items("visit_topic", mine.id, include_retired=True)
        ]


def test_definitions_are_versioned_and_old_submissions_keep_their_version(app, admin, topics):
    page = post(
        admin,
        "/admin/core/form_definition/new/",
        {"fmt": "json", "text": json.dumps(DEFINITION, ensure_ascii=False)},
    )
    assert page.status_code == 200
    definition = FormDefinition.get(FormDefinition.key == "visit")
    assert definition.current_version == 1
    with app.app_context():
        unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001")
        v1 = services.current_version(definition)
        first = services.submit(
            Context.trusted(), v1, {"resident": "王大爷", "topic": "health"}, unit
        )
        changed = json.loads(json.dumps(DEFINITION))
        changed["sections"][0]["fields"][0]["label_zh"] = "被走访居民"
        changed["sections"][0]["fields"].append(
            {"key": "note", "type": "long_text", "label_zh": "备注"}
        )
        v2 = services.save_definition(
            Context.trusted(), changed, territory.district_by_code("990101")
        )
        assert (
            services.save_definition(
                Context.trusted(), changed, territory.district_by_code("990101")
            )
            == v2
        )
    assert FormVersion.select().count() == 2
    details = admin.get(f"/admin/core/submission/details/?id={first.id}").get_data(as_text=True)
    assert "走访对象" in details and "被走访居民" not in details and "王大爷" in details


def test_a_bad_definition_is_refused_naming_the_field(admin, topics):
    bad = json.loads(json.dumps(DEFINITION))
    bad["sections"][0]["fields"].append({"key": "resident", "type": "text", "label_zh": "重复"})
    page = post(
        admin, "/admin/core/form_definition/new/", {"fmt": "json", "text": json.dumps(bad)}
    ).get_data(as_text=True)
    assert "sections[0].fields[2].key" in page
    assert FormDefinition.select().count() == 0
    page = post(
        admin, "/admin/core/form_definition/new/", {"fmt": "yaml", "text": "key: [unclosed"}
    ).get_data(as_text=True)
    assert "YAML" in page and FormDefinition.select().count() == 0


def test_yaml_import_export_and_preview(admin, topics):
    import yaml

    post(
        admin,
        "/admin/core/form_definition/new/",
        {"fmt": "yaml", "text": yaml.safe_dump(DEFINITION, allow_unicode=True)},
    )
    definition = FormDefinition.get(FormDefinition.key == "visit")
    exported = admin.get(f"/admin/core/form_definition/export/?id={definition.id}&fmt=yaml")
    assert (
        yaml.safe_load(exported.get_data(as_text=True))["sections"][0]["fields"][0]["label_zh"]
        == "走访对象"
    )
    exported = admin.get(f"/admin/core/form_definition/export/?id={definition.id}&fmt=json")
    assert json.loads(exported.get_data(as_text=True))["key"] == "visit"
    preview = admin.get(f"/admin/core/form_definition/preview/?id={definition.id}")
    html = preview.get_data(as_text=True)
    assert "走访对象" in html and "健康" in html and 'name="resident"' in html


def test_submission_refuses_a_choice_outside_the_dictionary(app, topics):
    with app.app_context():
        version = services.save_definition(Context.trusted(), DEFINITION)
        unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001")
        with pytest.raises(ServiceError, match="topic"):
            services.submit(
                Context.trusted(), version, {"resident": "李奶奶", "topic": "castle"}, unit
            )


@pytest.fixture
def floor_field(app, admin):
    page = post(
        admin,
        "/admin/core/custom_field/new/",
        {
            "table": "noticeboard_notice",
            "key": "floor",
            "type": "integer",
            "label_zh": "楼层",
            "label_en": "Floor",
            "options": '{"min": 1, "max": 60}',
        },
    )
    assert page.status_code == 200
    return CustomField.get(CustomField.key == "floor")


def test_custom_field_appears_in_form_list_filter_search_and_export(admin, floor_field):
    unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001").id
    form = admin.get("/admin/noticeboard/notice/new/").get_data(as_text=True)
    assert 'name="floor"' in form and "楼层" in form
    post(admin, "/admin/noticeboard/notice/new/", {"title": "三楼漏水", "unit": unit, "floor": "3"})
    post(admin, "/admin/noticeboard/notice/new/", {"title": "五楼停电", "unit": unit, "floor": "5"})
    notice = Notice.get(Notice.title == "三楼漏水")
    assert CustomValue.get(CustomValue.record_id == notice.id).value_text == "3"
    listing = admin.get("/admin/noticeboard/notice/").get_data(as_text=True)
    assert "楼层" in listing and "cf_floor" in listing
    filtered = admin.get("/admin/noticeboard/notice/?cf_floor=3").get_data(as_text=True)
    assert "三楼漏水" in filtered and "五楼停电" not in filtered
    text = admin.get("/admin/noticeboard/notice/export/csv/").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert "楼层" in rows[0] and ["三楼漏水" in r and "3" in r for r in rows].count(True) == 1
    edit = f"/admin/noticeboard/notice/edit/?id={notice.id}"
    assert 'value="3"' in admin.get(edit).get_data(as_text=True)
    post(admin, edit, {"title": "三楼漏水", "unit": unit, "floor": "4"})
    assert CustomValue.get(CustomValue.record_id == notice.id).value_text == "4"
    audit = (
        AuditLog.select()
        .where((AuditLog.action == "updated") & (AuditLog.record_id == str(notice.id)))
        .get()
    )
    assert json.loads(audit.changes)["custom.floor"] == ["3", "4"]


def test_custom_field_search(admin, app):
    post(
        admin,
        "/admin/core/custom_field/new/",
        {"table": "noticeboard_notice", "key": "landlord", "type": "text", "label_zh": "房东"},
    )
    unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001").id
    post(
        admin,
        "/admin/noticeboard/notice/new/",
        {"title": "出租登记", "unit": unit, "landlord": "张三丰"},
    )
    found = admin.get("/admin/noticeboard/notice/?search=三丰").get_data(as_text=True)
    assert "出租登记" in found
    found = admin.get("/admin/noticeboard/notice/?search=出租").get_data(as_text=True)
    assert "出租登记" in found


def test_bad_custom_value_is_refused_and_nothing_saved(admin, floor_field):
    unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001").id
    page = post(
        admin, "/admin/noticeboard/notice/new/", {"title": "高楼", "unit": unit, "floor": "99"}
    ).get_data(as_text=True)
    assert "不能大于 60" in page or "至多为 60" in page or "60" in page
    assert Notice.get_or_none(Notice.title == "高楼") is None


def test_custom_key_clashing_with_a_built_in_field_is_refused(admin):
    page = post(
        admin,
        "/admin/core/custom_field/new/",
        {"table": "noticeboard_notice", "key": "title", "type": "text", "label_zh": "标题"},
    ).get_data(as_text=True)
    assert "title" in page and CustomField.select().count() == 0


def test_other_districts_do_not_see_the_custom_field(app, floor_field, client_for):
    with app.app_context():
        other = territory.create_unit("990102", "邻区", "district")
        services_enable = __import__("core.services", fromlist=["enable_plugin"])
        services_enable.enable_plugin(Context.trusted(), "noticeboard", other)
        territory.create_unit("990102001", "南街道", "street", other)
        make_user("south", "district_admin", "990102", "subtree")
    client = client_for("south")
    form = client.get("/admin/noticeboard/notice/new/").get_data(as_text=True)
    assert 'name="floor"' not in form and "楼层" not in form
