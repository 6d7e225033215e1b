"""The territory selector in a real browser (辖区树选择器), under the strict CSP: a create form's
unit opened level by level (区 › 街道 › 社区 › 网格 › 小区 › 楼栋) with the mouse and the
keyboard, a building chosen and saved, the record listed with it; a search by name; the list
filter "in this unit and below" showing its unit's path."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_csp import RECORD_VIOLATIONS, log_in, violations

NEW = "/admin/noticeboard/notice/new/"
LIST = "/admin/noticeboard/notice/"


def item(page, name):
    """The tree item of the unit ``name`` (its accessible name: the unit and its level)."""
    return page.get_by_role("treeitem", name=re.compile("^" + re.escape(name) + "（"))


@pytest.mark.e2e
def test_choose_a_building_in_the_tree_and_save(live_server, page, tmp_path):
    page.context.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    page.goto(f"{live_server.url}{NEW}")
    page.fill("input[name=title]", "三号楼停水通知")

    # the select is replaced by the selector, labelled by the field's label
    expect(page.locator("select[name=unit]")).to_be_hidden()
    display = page.get_by_label("所属辖区")
    expect(display).to_have_text("示范区")  # what the select would send: its first unit
    display.click()
    expect(page.get_by_role("tree")).to_be_visible()

    # the district, opened with the mouse down to the street and the community
    district = item(page, "示范区")
    expect(district).to_have_attribute("aria-expanded", "false")
    district.locator(".linli-unit-toggle").first.click()
    expect(district).to_have_attribute("aria-expanded", "true")
    item(page, "东湖街道").locator(".linli-unit-toggle").first.click()
    community = item(page, "幸福社区")
    expect(community).to_have_accessible_name("幸福社区（社区）")
    # then with the keyboard: right opens, down moves
    community.focus()
    page.keyboard.press("ArrowRight")
    grid = item(page, "幸福社区第1网格")
    expect(grid).to_be_visible()
    page.keyboard.press("ArrowDown")  # the community's first child
    expect(community.locator("[role=treeitem][aria-level='4']").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(community).to_be_focused()
    grid.focus()
    page.keyboard.press("ArrowRight")
    compound = item(page, "幸福东苑")
    expect(compound).to_have_accessible_name("幸福东苑（小区）")
    compound.locator(".linli-unit-toggle").first.click()
    building = item(page, "幸福东苑3号楼")
    expect(building).to_have_accessible_name("幸福东苑3号楼（楼栋）")
    expect(building).not_to_have_attribute("aria-expanded", "false")
    building.focus()
    page.keyboard.press("Enter")

    path = "东湖街道 › 幸福社区 › 幸福社区第1网格 › 幸福东苑 › 幸福东苑3号楼"
    expect(page.get_by_role("tree")).to_be_hidden()
    expect(display).to_have_text(path)
    expect(display).to_be_focused()
    chosen = page.locator("select[name=unit]").input_value()
    page.screenshot(path=str(tmp_path / "unit-picker.png"), full_page=True)

    page.locator(
        "form.admin-form input[type=submit][value='保存'], form.admin-form button[type=submit]"
    ).first.click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(f"{live_server.url}{LIST}")
    row = page.locator("table.model-list tbody tr", has_text="三号楼停水通知")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("幸福东苑3号楼")

    # the edit form shows the unit's path at once
    row.locator("a[title='编辑记录'], a[href*='/edit/']").first.click()
    expect(page.get_by_label("所属辖区")).to_have_text(path)
    assert page.locator("select[name=unit]").input_value() == chosen

    # a search by name, chosen with the keyboard
    page.get_by_label("所属辖区").click()
    page.keyboard.type("西苑2号楼")
    result = page.get_by_role("option", name=re.compile("幸福西苑2号楼"))
    expect(result).to_have_count(1)
    expect(result).to_have_accessible_name(
        "东湖街道 › 幸福社区 › 幸福社区第2网格 › 幸福西苑 › 幸福西苑2号楼（楼栋）"
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_label("所属辖区")).to_contain_text("幸福西苑2号楼")
    assert violations(page) == []


@pytest.mark.e2e
def test_the_filter_in_this_unit_and_below_shows_its_path(live_server, page):
    page.context.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    page.goto(f"{live_server.url}{LIST}")
    groups = json.loads(page.locator("#filter-groups-data").text_content())
    entry = next(e for es in groups.values() for e in es if e["operation"] == "本单位及以下")
    with live_server.app.app_context():
        from core.db import db
        from core.models import TerritoryUnit

        with db.connection_context():
            unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001")
    page.goto(f"{live_server.url}{LIST}?flt0_{entry['index']}={unit.id}")
    picker = page.locator("#filter_form .linli-unit-display")
    expect(picker).to_have_text("东湖街道 › 幸福社区")
    picker.click()
    page.keyboard.type("长青")
    option = page.get_by_role("option", name="西山街道 › 长青社区（社区）", exact=True)
    expect(option).to_be_visible()
    option.click()
    expect(picker).to_have_text("西山街道 › 长青社区")
    assert page.locator("#filter_form input.filter-val").first.input_value() != str(unit.id)

    # a filter added from the menu gets the selector too, and applies
    page.goto(f"{live_server.url}{LIST}")
    page.locator("a.dropdown-toggle", has_text="筛选").first.click()
    page.locator(".field-filters a.filter", has_text="所属辖区").first.click()
    added = page.locator("#filter_form .linli-unit-display")
    expect(added).to_have_count(1)
    added.click()
    page.keyboard.type("幸福社区")
    option = page.get_by_role("option", name="东湖街道 › 幸福社区（社区）", exact=True)
    option.click()
    expect(added).to_have_text("东湖街道 › 幸福社区")
    page.locator("#filter_form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"flt\d+_{entry['index']}={unit.id}"))
    expect(page.locator("#filter_form .linli-unit-display")).to_have_text("东湖街道 › 幸福社区")
    assert violations(page) == []
