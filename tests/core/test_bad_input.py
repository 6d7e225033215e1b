"""Bad input never answers 500 (等保2.0 输入验证): each case answers 400/404/422 with a Chinese
message naming the field or row, and nothing is stored."""

from __future__ import annotations

import io
import os
import stat
import zipfile

import pytest

from core.models import AuditLog
from tests.conftest import csrf_token
from tests.core.api_helpers import URL, A, bearer, counts, token_for, unit_id
from tests.sample_plugins.noticeboard.models import Notice


def upload(client, headers, data, name):
    return client.post(
        f"{URL}/import",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.fixture
def boss(app, api_people):
    return app.test_client(), bearer(token_for(app, "boss_a"))


def xlsx_without_sheets() -> bytes:
    """A zip that openpyxl opens as a workbook but that holds no worksheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheets/></workbook>',
        )
    return out.getvalue()


def test_an_xlsx_without_a_readable_sheet_is_refused(boss):
    client, headers = boss
    before = counts()
    for data in (xlsx_without_sheets(), b"PK\x03\x04 not really a zip"):
        r = upload(client, headers, data, "notices.xlsx")
        assert r.status_code == 400, r.get_data(as_text=True)
        assert r.get_json()["message"] == "该文件不是可读取的 XLSX 文件。"
        assert "file" in r.get_json()["errors"]
    assert counts() == before


def test_a_csv_cell_beyond_the_field_limit_names_its_row(boss):
    client, headers = boss
    unit = unit_id(A)
    text = f"title,unit,body\n通知,{unit},短\n通知,{unit},{'长' * 140_000}\n"
    before = counts()
    r = upload(client, headers, text.encode("utf-8"), "notices.csv")
    assert r.status_code == 400
    assert r.get_json()["message"].startswith("文件第 3 行无法读取：有单元格超过 131072 个字符")
    assert counts() == before


def test_deeply_nested_json_is_a_bad_request(api):
    client, headers = api
    body = "[" * 100_000 + "]" * 100_000
    before = counts()
    r = client.post(URL, data=body, headers=headers, content_type="application/json")
    assert r.status_code == 400 and r.is_json
    assert counts() == before


def test_json_types_are_strict(api):
    client, headers = api
    before = counts()
    r = client.post(URL, json={"title": "类型", "unit": unit_id(A) + 0.5}, headers=headers)
    assert r.status_code == 400 and r.get_json()["errors"]["unit"] == ["须为整数。"]
    r = client.post(URL, json={"title": "类型", "unit": True}, headers=headers)
    assert r.status_code == 400 and r.get_json()["errors"]["unit"] == ["须为整数。"]
    assert counts() == before
    ok = client.post(URL, json={"title": "类型", "unit": unit_id(A)}, headers=headers)
    assert ok.status_code == 201


def test_control_characters_are_refused_and_bidi_overrides_stripped(api):
    client, headers = api
    before = counts()
    r = client.post(URL, json={"title": "响铃\x07通知", "unit": unit_id(A)}, headers=headers)
    assert r.status_code == 400
    assert r.get_json()["errors"]["title"] == ["文本不能包含控制字符（换行和制表符除外）。"]
    assert counts() == before
    r = client.post(
        URL,
        json={"title": "正常\u202e通知🎉", "body": "第一行\n\t第二行", "unit": unit_id(A)},
        headers=headers,
    )
    assert r.status_code == 201
    stored = Notice.get_by_id(r.get_json()["id"])
    assert stored.title == "正常通知🎉" and stored.body == "第一行\n\t第二行"


def test_an_export_holds_what_its_format_cannot(app, api):
    from openpyxl import load_workbook

    client, headers = api
    Notice.insert(title="旧数据\x07铃", unit=unit_id(A), body="").execute()  # stored before
    r = client.get(f"{URL}/export?format=xlsx", headers=headers)
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.get_data()), read_only=True).active.values)
    assert "旧数据铃" in {row[2] for row in rows[1:]}


def test_an_id_too_long_for_any_column_is_not_found(admin):
    r = admin.get("/admin/noticeboard/notice/edit/?id=12345678901234567890123")
    assert r.status_code in (302, 404)
    r = admin.get("/admin/noticeboard/notice/details/?id=12345678901234567890123")
    assert r.status_code in (302, 404)


def test_a_refused_step_on_the_api_is_403_bad_data_400_a_wrong_state_409(app, api_people):
    from core.access import Access
    from core.cases import Case
    from core.cases import services as cases
    from core.commands import Context
    from core.models import Role, RoleAssignment, RolePermission, TerritoryUnit, User

    staff = User.get(User.username == "staff_a")
    community = TerritoryUnit.get(TerritoryUnit.code == A)
    with app.test_request_context():
        case = cases.receive(Context(staff, Access(staff)), Case(unit=community, title="路灯不亮"))
        reader = Role.create(code="case_reader", name_zh="查阅员", name_en="Reader")
        RolePermission.create(role=reader, plugin="core", action="read")
        RoleAssignment.create(user=User.get(User.username == "clerk"), role=reader, unit=community)
    client = app.test_client()
    url = f"/api/v1/core/case/{case.id}/transitions/register"
    reader_h, staff_h = bearer(token_for(app, "clerk")), bearer(token_for(app, "staff_a"))
    denied = client.post(url, json={"data": {"category": "repair"}}, headers=reader_h)
    assert denied.status_code == 403, denied.get_json()
    assert denied.get_json()["message"] == "您无权执行“登记分类”。"
    missing = client.post(url, json={"data": {}}, headers=staff_h)
    assert missing.status_code == 400 and "事项类别" in missing.get_json()["message"]
    done = client.post(url, json={"data": {"category": "repair"}}, headers=staff_h)
    assert done.status_code == 200
    again = client.post(url, json={"data": {"category": "repair"}}, headers=staff_h)
    assert again.status_code == 409 and "已登记分类" in again.get_json()["message"]


def test_backups_and_the_database_are_owner_only(app, tmp_path):
    from core.backup import create

    database = app.config["LINLI"]["DATABASE_URL"].removeprefix("sqlite:///")
    if not app.config["LINLI"]["DATABASE_URL"].startswith("sqlite:///"):
        pytest.skip("the database file is SQLite's")
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600
    with app.app_context():
        target = create(str(tmp_path / "linli.tar.gz"))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_a_failed_admin_import_keeps_no_file(app, admin, api_people):
    folder = os.path.join(app.instance_path, "imports")
    page = admin.get("/admin/core/import/")
    token = csrf_token(page.get_data(as_text=True))
    r = admin.post(
        "/admin/core/import/",
        data={
            "resource": "noticeboard/notice",
            "file": (io.BytesIO(xlsx_without_sheets()), "n.xlsx"),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "该文件不是可读取的 XLSX 文件。" in r.get_data(as_text=True)
    assert not os.listdir(folder)
    assert AuditLog.select().where(AuditLog.table == "noticeboard_notice").count() == 0
