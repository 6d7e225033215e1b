"""Dictionaries behind choice lists (字典): the kinds of premises are a dictionary the district
administrator extends; the admin form, the list, the filter, the API, the import and its
template all read it; another district never sees the item; a retired item is refused for
new records and still labelled on old ones."""

from __future__ import annotations

import io
import json
import logging

import pytest
from openpyxl import load_workbook

from core.models import TerritoryUnit
from forms import dictionaries
from forms.models import Dictionary, DictionaryItem
from plugins.hazards.models import Premises
from tests.conftest import csrf_token, make_user
from tests.core.api_helpers import bearer, token_for

from .conftest import COMMUNITY, DISTRICT

KINDS = "hazards.premises_kind"
URL = "/api/v1/hazards/premises"


def unit_id(code):
    return TerritoryUnit.get(TerritoryUnit.code == code).id


@pytest.fixture
def office(hz, client_for):
    """The district's safety office; the district's system administrator (系统管理员, who
    configures) is ``office.sysadmin``."""
    make_user("sysadmin", "system_admin", DISTRICT)
    client = client_for("office")
    client.sysadmin = client_for("sysadmin")
    return client


def add_market(office):
    """The district's system administrator adds 集贸市场 through the admin page."""
    office = office.sysadmin
    page = office.get("/admin/core/dictionary_item/new/").get_data(as_text=True)
    dictionary = Dictionary.get(Dictionary.code == KINDS)
    response = office.post(
        "/admin/core/dictionary_item/new/",
        data={
            "csrf_token": csrf_token(page),
            "dictionary": dictionary.id,
            "code": "market",
            "label_zh": "集贸市场",
            "label_en": "Market",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return DictionaryItem.get(DictionaryItem.code == "market")


def create_premises(office, kind, name="东门菜场"):
    page = office.get("/admin/hazards/premises/new/").get_data(as_text=True)
    return office.post(
        "/admin/hazards/premises/new/",
        data={
            "csrf_token": csrf_token(page),
            "unit": unit_id(COMMUNITY),
            "name": name,
            "kind": kind,
            "active": "y",
        },
        follow_redirects=True,
    )


def test_existing_codes_stay_valid(hz):
    dictionary = Dictionary.get(Dictionary.code == KINDS)
    assert dictionary.builtin
    codes = [code for code, _label in dictionaries.field_choices(Premises.kind, None)]
    assert codes[:3] == ["shop", "crowded", "five_small"] and "other" in codes
    shop = DictionaryItem.get(
        (DictionaryItem.dictionary == dictionary) & (DictionaryItem.code == "shop")
    )
    assert (shop.label_zh, shop.label_en, shop.district_id) == ("商铺", "Shop", None)
    for premises in Premises.select():  # the demo's premises
        assert dictionaries.field_problem(Premises.kind, premises.kind, None) is None


def test_a_district_item_in_the_admin_form_list_and_filter(hz, office):
    item = add_market(office)
    assert item.district.code == DISTRICT
    form = office.get("/admin/hazards/premises/new/").get_data(as_text=True)
    assert 'value="market"' in form and "集贸市场" in form
    create_premises(office, "market")
    premises = Premises.get(Premises.name == "东门菜场")
    assert premises.kind == "market"
    listing = office.get("/admin/hazards/premises/").get_data(as_text=True)
    assert "集贸市场" in listing and ">market<" not in listing
    # the list filter offers the district's items
    data = listing.split('id="filter-groups-data">')[1].split("</script>")[0]
    options = [o for group in json.loads(data).values() for f in group for o in f["options"] or ()]
    assert ["market", "集贸市场"] in options and ["shop", "商铺"] in options
    details = office.get(f"/admin/hazards/premises/details/?id={premises.id}")
    assert "集贸市场" in details.get_data(as_text=True)


def test_another_district_does_not_see_it(hz, office):
    add_market(office)
    other = TerritoryUnit.create(code="880101", name="另一区", level="district", path="8801010000")
    listed = dict(dictionaries.field_choices(Premises.kind, other.id))
    assert "market" not in listed and "shop" in listed
    assert dictionaries.field_problem(Premises.kind, "market", other.id) == "不是有效的选择。"
    mine = dict(dictionaries.field_choices(Premises.kind, unit_id(DISTRICT)))
    assert mine["market"] == "集贸市场"


def test_the_api_checks_the_code(app, hz, office):
    add_market(office)
    client, headers = app.test_client(), bearer(token_for(app, "office"))
    good = {"unit": unit_id(COMMUNITY), "name": "西门菜场", "kind": "market"}
    r = client.post(URL, json=good, headers=headers)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["kind"] == "market"
    before = Premises.select().count()
    r = client.post(URL, json={**good, "name": "乱码", "kind": "nonsense"}, headers=headers)
    assert r.status_code in (400, 422)
    assert "kind" in r.get_json()["errors"]
    assert Premises.select().count() == before
    schema = client.get("/api/v1/openapi.json", headers=headers).get_json()
    kind = schema["components"]["schemas"]["hazards_premises"]["properties"]["kind"]
    assert kind["type"] == "string" and "enum" not in kind
    assert kind["x-linli-dictionary"] == KINDS


def test_the_import_takes_the_label_and_the_template_lists_it(app, hz, office):
    add_market(office)
    client, headers = app.test_client(), bearer(token_for(app, "office"))
    body = f"name,kind,unit\n南门菜场,集贸市场,{COMMUNITY}\n北门菜场,market,{COMMUNITY}\n"
    r = client.post(
        f"{URL}/import",
        data={"file": (io.BytesIO(body.encode("utf-8")), "p.csv")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert r.status_code == 201, r.get_json()
    kinds = {p.name: p.kind for p in Premises.select().where(Premises.name.endswith("门菜场"))}
    assert kinds == {"南门菜场": "market", "北门菜场": "market"}
    template = client.get(f"{URL}/import/template", headers=headers)
    book = load_workbook(io.BytesIO(template.data))
    lists = " ".join(
        str(v.formula1) for sheet in book.worksheets for v in sheet.data_validations.dataValidation
    )
    cells = " ".join(
        str(c.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value
    )
    assert "集贸市场" in lists or "集贸市场" in cells


def test_a_retired_item_is_refused_for_new_records_and_shown_on_old_ones(app, hz, office):
    item = add_market(office)
    create_premises(office, "market")
    old = Premises.get(Premises.name == "东门菜场")
    page = office.sysadmin.get("/admin/core/dictionary_item/").get_data(as_text=True)
    office.sysadmin.post(
        "/admin/core/dictionary_item/action/",
        data={"csrf_token": csrf_token(page), "action": "retire", "rowid": item.id},
    )
    assert DictionaryItem.get_by_id(item.id).retired
    before = Premises.select().count()
    form = office.get("/admin/hazards/premises/new/").get_data(as_text=True)
    assert 'value="market"' not in form
    refused = create_premises(office, "market", name="新菜场").get_data(as_text=True)
    assert "此值已停用，不能再选择。" in refused
    assert Premises.select().count() == before
    client, headers = app.test_client(), bearer(token_for(app, "office"))
    r = client.post(
        URL,
        json={"unit": unit_id(COMMUNITY), "name": "又一菜场", "kind": "market"},
        headers=headers,
    )
    assert r.status_code in (400, 422)
    assert r.get_json()["errors"]["kind"] == ["此值已停用，不能再选择。"]
    assert Premises.select().count() == before
    # the old record keeps its label, and its edit form its value
    assert "集贸市场" in office.get("/admin/hazards/premises/").get_data(as_text=True)
    edit = office.get(f"/admin/hazards/premises/edit/?id={old.id}").get_data(as_text=True)
    assert 'value="market"' in edit


def test_a_list_of_twenty_reads_the_dictionary_once(hz, office, caplog):
    add_market(office)
    for n in range(20):
        Premises.create(unit=unit_id(COMMUNITY), name=f"摊位{n:02d}", kind="market")
    caplog.set_level(logging.DEBUG, logger="peewee")
    caplog.clear()
    listing = office.get("/admin/hazards/premises/?page_size=50").get_data(as_text=True)
    assert listing.count("集贸市场") >= 20
    reads = [r.getMessage() for r in caplog.records if "core_dictionary" in r.getMessage()]
    assert 1 <= len(reads) <= 3, reads
