"""Excel in and out (Excel 导入导出): the admin's list exports XLSX (ID card and phone numbers
as text cells, dates as dates, Chinese headers, only the rows the list shows) and CSV with a
UTF-8 byte-order mark; every importable resource has a template to download, whose values are
accepted by name or code, and an import refused shows its errors in Chinese and offers the
rows back with an error column."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from tests.core.api_helpers import GRID_A, ID, PHONE, A, B, notice, unit_id
from tests.sample_plugins.noticeboard.models import Notice

LIST = "/admin/noticeboard/notice"
CJK = re.compile(r"[\u4e00-\u9fff]")


def sheet_rows(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    book = load_workbook(io.BytesIO(response.get_data()))
    return book, book.worksheets[0]


def column(sheet, header):
    headers = [c.value for c in sheet[1]]
    return headers.index(header) + 1


# -- export --------------------------------------------------------------------------------


def test_xlsx_export_writes_id_and_phone_numbers_as_text_and_dates_as_dates(admin, api_people):
    record = notice(A, "停水通知", contact_id=ID, contact_phone=PHONE)
    notice(A, '=HYPERLINK("http://evil")\x07')
    book, sheet = sheet_rows(admin.get(f"{LIST}/export/xlsx/"))
    headers = [c.value for c in sheet[1]]
    assert all(CJK.search(h) for h in headers), headers  # 标题, 所属辖区, 联系电话...
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "停水通知")
    id_cell = row[column(sheet, "联系人身份证号") - 1]
    phone_cell = row[column(sheet, "联系电话") - 1]
    assert id_cell.value == record.contact_id and isinstance(id_cell.value, str)
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    assert phone_cell.value == PHONE and phone_cell.data_type == "s"
    created = row[column(sheet, "创建时间") - 1]
    assert isinstance(created.value, dt.datetime) and created.is_date
    titles = {r[0].value for r in sheet.iter_rows(min_row=2)}
    assert '\'=HYPERLINK("http://evil")' in titles  # a formula is text; the BEL is dropped


def test_csv_export_starts_with_a_bom_and_keeps_the_list_filter(admin, api_people):
    notice(A, "幸福社区通知")
    notice(B, "长青社区通知")
    response = admin.get(f"{LIST}/export/csv/?search=幸福")
    body = response.get_data()
    assert response.status_code == 200 and body.startswith(codecs.BOM_UTF8)
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("标题")
    assert "幸福社区通知" in text and "长青社区通知" not in text


def test_a_scoped_users_xlsx_has_only_their_communitys_rows(app, api_people, client_for):
    for i in range(3):
        notice(A, f"幸福{i}", contact_id=ID)
        notice(B, f"长青{i}")
    client = client_for("staff_a")
    _book, sheet = sheet_rows(client.get(f"{LIST}/export/xlsx/"))
    titles = {r[0].value for r in sheet.iter_rows(min_row=2)}
    assert titles == {"幸福0", "幸福1", "幸福2"}
    clerk = client_for("clerk")  # may export notices of the grid, not see personal data
    notice(GRID_A, "网格通知", contact_id=ID, contact_phone=PHONE)
    _book, sheet = sheet_rows(clerk.get(f"{LIST}/export/xlsx/"))
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == ["网格通知"]
    assert ID not in rows[0] and PHONE not in rows[0] and rows[0][3]  # masked, as listed


def test_export_reads_in_batches_and_keeps_every_row(app, admin, api_people, caplog):
    import logging

    unit = unit_id(A)
    Notice.insert_many([{"unit": unit, "title": f"批量{i:04d}"} for i in range(2500)]).execute()
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        response = admin.get(f"{LIST}/export/xlsx/")
    units_read = [r for r in caplog.records if 'FROM "core_territory_unit"' in r.getMessage()]
    assert len(units_read) < 50  # the units of a batch in one query, not one per row
    _book, sheet = sheet_rows(response)
    titles = [r[0].value for r in sheet.iter_rows(min_row=2)]
    assert len(titles) == len(set(titles)) == Notice.select().count() > 2500


# -- import templates, values by name or code, error files ---------------------------------

IMPORT = "/admin/core/import"


@pytest.fixture
def app(make_app):
    """The sample notice board and the time bank (whose service requests have choices)."""
    import plugins.timebank as timebank
    from tests.sample_plugins import noticeboard, noticeboard_extra

    return make_app(plugins=[noticeboard, noticeboard_extra, timebank])


def template(client, target):
    response = client.get(f"{IMPORT}/template/{target}")
    assert response.status_code == 200 and response.mimetype.endswith("sheet")
    return load_workbook(io.BytesIO(response.get_data()))


def fill(sheet, headers, values):
    """Types a row below the last filled one, as a user does (the template's rows are typed
    as text, so ``append`` would write below them)."""
    assert set(values) <= set(headers), set(values) - set(headers)
    row = next(n for n in range(2, sheet.max_row + 2) if not sheet.cell(row=n, column=1).value)
    for index, header in enumerate(headers, start=1):
        if header in values:
            sheet.cell(row=row, column=index, value=values[header])


def run_import(client, book, target):
    from tests.conftest import csrf_token

    page = client.get(f"{IMPORT}/")
    token = csrf_token(page.get_data(as_text=True))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    mapped = client.post(
        f"{IMPORT}/",
        data={"resource": target, "file": (out, "filled.xlsx"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    html = mapped.get_data(as_text=True)
    assert mapped.status_code == 200, html[:300]
    key = html.split('name="key" value="')[1].split('"')[0]
    form = {"resource": target, "key": key, "csrf_token": token, "dry_run": "0"}
    return client.post(f"{IMPORT}/run", data=form)


def test_the_template_explains_each_column_and_offers_the_choices(admin):
    from plugins.timebank.models import TARGET_GROUPS

    page = admin.get(f"{IMPORT}/").get_data(as_text=True)
    assert f"{IMPORT}/template/timebank/request" in page
    book = template(admin, "timebank/request")
    data, guide = book.worksheets[0], book.worksheets[1]
    headers = [c.value for c in data[1] if c.value]
    assert all(CJK.search(h) for h in headers), headers
    assert "所属辖区" in headers and "服务对象" in headers
    guide_rows = {r[0]: r for r in guide.iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in guide[1]][:5] == ["列名", "字段", "必填", "类型", "可选值"]
    assert guide_rows["所属辖区"][2] == "是" and guide_rows["所属辖区"][1] == "unit"
    assert "老年人" in guide_rows["服务对象"][4] and guide_rows["服务对象"][3] == "选项"
    mobile = headers.index("诉求人手机号码") + 1
    assert data.cell(row=2, column=mobile).number_format == "@"  # typed digits stay text
    group = headers.index("服务对象") + 1
    lists = [v for v in data.data_validations.dataValidation if v.type == "list"]
    letter = data.cell(row=1, column=group).column_letter
    rule = next(v for v in lists if str(v.sqref).startswith(f"{letter}2"))
    values_sheet = book[rule.formula1.split("!")[0].strip("'")]
    offered = [c.value for c in values_sheet[letter] if c.value]
    assert len(offered) == len(TARGET_GROUPS) and "老年人" in offered


def test_a_filled_template_imports_units_and_choices_by_name_or_code(admin):
    from plugins.timebank.models import ServiceRequest

    book = template(admin, "timebank/request")
    data = book.worksheets[0]
    headers = [c.value for c in data[1] if c.value]

    def row(**values):
        fill(data, headers, values)

    row(
        所属辖区="幸福社区",
        诉求人="王大爷",
        诉求人手机号码=PHONE,
        服务对象="老年人",
        服务类别="companionship",
    )
    row(所属辖区="东湖街道幸福社区", 诉求人="李阿姨", 服务对象="minors", 期望日期="2026-03-01")
    row(所属辖区=A, 诉求人="赵叔", 服务对象="残疾人")
    before = ServiceRequest.select().count()
    response = run_import(admin, book, "timebank/request")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 3
    made = {r.requester_name: r for r in ServiceRequest.select().where(ServiceRequest.id > 0)}
    assert ServiceRequest.select().count() == before + 3
    assert (
        made["王大爷"].target_group == "elderly" and made["王大爷"].service_type == "companionship"
    )
    assert made["王大爷"].requester_mobile == PHONE
    assert made["李阿姨"].target_group == "minors" and made["李阿姨"].wanted_on == dt.date(
        2026, 3, 1
    )
    assert {made[n].unit.code for n in ("王大爷", "李阿姨", "赵叔")} == {A}


def test_a_bad_row_is_refused_in_chinese_and_given_back_with_an_error_column(
    admin, api_people, client_for
):
    from plugins.timebank.models import ServiceRequest

    book = template(admin, "timebank/request")
    data = book.worksheets[0]
    headers = [c.value for c in data[1] if c.value]
    good = {"所属辖区": "幸福社区", "诉求人": "王大爷", "服务对象": "老年人"}
    bad = {"所属辖区": "不存在社区", "诉求人": "李阿姨", "服务对象": "外星人", "诉求人手机号码": ID}
    bad_phone = {**good, "诉求人": "赵叔", "诉求人手机号码": "1380013"}
    for values in (good, bad, bad_phone):
        fill(data, headers, values)
    before = ServiceRequest.select().count()
    response = run_import(admin, book, "timebank/request")
    body = response.get_json()
    assert response.status_code == 400 and ServiceRequest.select().count() == before
    assert "未导入" in body["message"]
    messages = {(e["row"], e["column"]): e["message"] for e in body["errors"]}
    assert {e["row"] for e in body["errors"]} == {3, 4}
    assert "不存在社区" in messages[3, "所属辖区"] and CJK.search(messages[3, "所属辖区"])
    # the same message as the admin and the API give (the template lists the choices)
    assert messages[3, "服务对象"] == "不是有效的选择。"
    assert CJK.search(messages[4, "诉求人手机号码"])
    assert client_for("boss_a").get(body["error_file"]).status_code == 404  # not theirs
    errors = admin.get(body["error_file"])
    assert errors.status_code == 200
    sheet = load_workbook(io.BytesIO(errors.get_data())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "错误" and list(rows[0][:-1]) == headers
    assert rows[1][0] == "幸福社区" and not rows[1][-1]  # the good row, without an error
    assert "所属辖区" in rows[2][-1] and "服务对象" in rows[2][-1]
    assert rows[2][headers.index("诉求人手机号码")] == ID  # the original cell, as text
    assert admin.get(body["error_file"]).status_code == 404  # downloaded once
    # fixed in the error file itself, which imports as it is (its error column is ignored)
    fixed = load_workbook(io.BytesIO(errors.get_data()))
    sheet = fixed.worksheets[0]
    unit, group, phone = (headers.index(h) + 1 for h in ("所属辖区", "服务对象", "诉求人手机号码"))
    sheet.cell(row=3, column=unit, value="幸福社区")
    sheet.cell(row=3, column=group, value="未成年人")
    sheet.cell(row=3, column=phone, value=PHONE)
    sheet.cell(row=4, column=phone).value = None
    response = run_import(admin, fixed, "timebank/request")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 3
    assert ServiceRequest.get(ServiceRequest.requester_name == "李阿姨").target_group == "minors"


def test_the_list_offers_both_exports_and_the_api_serves_the_template(app, admin, api_people):
    from tests.core.api_helpers import bearer, token_for

    page = admin.get(f"{LIST}/").get_data(as_text=True)
    assert f"{LIST}/export/xlsx/" in page and f"{LIST}/export/csv/" in page
    client = app.test_client()
    url = "/api/v1/noticeboard/notice/import/template"
    response = client.get(url, headers=bearer(token_for(app, "boss_a")))
    assert response.status_code == 200
    headers = [c.value for c in load_workbook(io.BytesIO(response.get_data())).worksheets[0][1]]
    assert "标题" in headers and "联系人身份证号" in headers
    refused = client.get(url, headers=bearer(token_for(app, "gridder")))  # may not import
    assert refused.status_code == 403


def test_a_custom_choice_is_imported_by_its_chinese_label(app, admin, api_people):
    from core import territory
    from core.commands import Context
    from forms.services import add_custom_field

    with app.app_context():
        add_custom_field(
            Context.trusted(),
            territory.by_code("990101"),
            "noticeboard",
            Notice,
            {
                "key": "urgency",
                "type": "choice",
                "label_zh": "紧急程度",
                "choices": [
                    {"code": "high", "label_zh": "紧急"},
                    {"code": "low", "label_zh": "一般"},
                ],
            },
        )
    book = template(admin, "noticeboard/notice")
    data = book.worksheets[0]
    headers = [c.value for c in data[1] if c.value]
    assert "紧急程度" in headers
    fill(
        data,
        headers,
        {"标题": "停电", "所属辖区": "幸福社区", "紧急程度": "紧急", "联系人身份证号": ID},
    )
    response = run_import(admin, book, "noticeboard/notice")
    assert response.status_code == 200, response.get_json()
    made = Notice.get(Notice.title == "停电")
    assert made.contact_id == ID and made.unit.code == A
    _book, sheet = sheet_rows(admin.get(f"{LIST}/export/xlsx/?cf_urgency=high"))
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    urgency = column(sheet, "紧急程度") - 1
    assert [(r[0], r[urgency]) for r in rows] == [("停电", "high")]  # the list's filter, too
