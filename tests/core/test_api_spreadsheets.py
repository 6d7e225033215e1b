"""Spreadsheet import and export (CSV, XLSX) through the API, the CLI and the admin: every bad
row and column reported, all rows or none written; exports scoped, filtered, masked and safe
from formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.commands import Context
from core.models import AuditLog
from tests.conftest import csrf_token
from tests.core.api_helpers import (
    GRID_A,
    PHONE,
    URL,
    A,
    B,
    bearer,
    counts,
    notice,
    token_for,
    unit_id,
)
from tests.sample_plugins.noticeboard.models import Notice


def csv_file(rows, header=("title", "unit", "body")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def xlsx_file(rows, header=("title", "unit", "body")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def boss(app, api_people):
    """(client, headers) for a district administrator working at community A (may import)."""
    return app.test_client(), bearer(token_for(app, "boss_a"))


def upload(client, headers, data, name="notices.csv", **form):
    return client.post(
        f"{URL}/import",
        data={"file": (data, name), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


# -- import --------------------------------------------------------------------------------


def test_import_csv_all_rows_with_audit(boss):
    client, headers = boss
    unit = unit_id(A)
    rows = [(f"通知{i}", unit, "正文") for i in range(50)]
    r = upload(client, headers, csv_file(rows), dry_run="1")
    assert r.status_code == 200 and r.get_json() == {"rows": 50, "created": 0, "dry_run": True}
    before = Notice.select().count()
    r = upload(client, headers, csv_file(rows))
    assert r.status_code == 201 and r.get_json()["created"] == 50
    assert Notice.select().count() == before + 50
    assert Notice.get(Notice.title == "通知7").created_by.username == "boss_a"
    audits = AuditLog.select().where(
        (AuditLog.table == "noticeboard_notice") & (AuditLog.action == "created")
    )
    assert audits.count() == 50


def test_bad_value_in_row_9000_is_reported_and_nothing_is_written(boss):
    client, headers = boss
    unit = unit_id(A)
    rows = [(f"通知{i}", unit, "") for i in range(9500)]
    rows[8998] = ("通知", "第一网格", "")  # spreadsheet row 9000 (row 1 is the header)
    rows[9100] = ("", unit, "")  # and a missing title in row 9102
    before = counts()
    for dry_run in ("1", ""):
        r = upload(client, headers, csv_file(rows), dry_run=dry_run)
        assert r.status_code == 400
        body = r.get_json()
        assert body["errors"][0]["row"] == 9000 and body["errors"][0]["column"] == "unit"
        assert body["errors"][0]["message"] and "2" in body["message"]  # 2 problems
        assert {(e["row"], e["column"]) for e in body["errors"]} == {
            (9000, "unit"),
            (9102, "title"),
        }
    assert counts() == before


def test_missing_column_and_bad_mapping(boss):
    client, headers = boss
    before = counts()
    r = upload(client, headers, csv_file([("通知", "")], header=("title", "body")))
    assert r.status_code == 400 and "unit" in r.get_json()["errors"]
    r = upload(client, headers, csv_file([("x", 1, "")]), mapping='{"title": "colour"}')
    assert r.status_code == 400 and "title" in r.get_json()["errors"]
    r = upload(client, headers, csv_file([("x", 1, "")]), mapping="[1")
    assert r.status_code == 400 and "mapping" in r.get_json()["errors"]
    r = upload(client, headers, io.BytesIO(b"PK\x03\x04nonsense"), name="x.xlsx")
    assert r.status_code == 400 and "file" in r.get_json()["errors"]
    r = upload(client, headers, io.BytesIO(b"a,b"), name="x.txt")
    assert r.status_code == 400 and "file" in r.get_json()["errors"]
    assert counts() == before


def test_import_maps_columns_by_label_and_mapping_and_refuses_other_communities(boss):
    client, headers = boss
    data = csv_file([("停水", unit_id(A), "x")], header=("标题", "单位", "正文"))
    r = upload(client, headers, data, mapping='{"单位": "unit", "正文": "body"}')
    assert r.status_code == 201, r.get_json()
    assert Notice.get(Notice.title == "停水").body == "x"
    before = counts()
    r = upload(client, headers, csv_file([("越权", unit_id(B), "")]))
    assert r.status_code == 400
    assert r.get_json()["errors"][0]["column"] == "unit"
    assert counts() == before


def test_import_xlsx_and_custom_fields(app, boss):
    from core import territory
    from forms.services import add_custom_field

    with app.app_context():
        add_custom_field(
            Context.trusted(),
            territory.by_code("990101"),
            "noticeboard",
            Notice,
            {"key": "floor", "type": "integer", "label_zh": "楼层", "min": 1, "max": 60},
        )
    client, headers = boss
    rows = [("三楼", unit_id(A), "", 3), ("四楼", unit_id(A), "", 99)]
    header = ("title", "unit", "body", "楼层")
    r = upload(client, headers, xlsx_file(rows, header), name="n.xlsx")
    assert r.status_code == 400
    assert r.get_json()["errors"][0] | {"message": ""} == {
        "row": 3,
        "column": "楼层",
        "field": "cf_floor",
        "message": "",
    }
    r = upload(client, headers, xlsx_file(rows[:1], header), name="n.xlsx")
    assert r.status_code == 201
    item = client.get(f"{URL}?cf_floor=3", headers=headers).get_json()["items"][0]
    assert item["title"] == "三楼" and item["cf_floor"] == 3
    export = client.get(f"{URL}/export?cf_floor=3", headers=headers).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert [(row["title"], row["cf_floor"]) for row in rows] == [("三楼", "3")]


def test_import_needs_the_import_permission(app, api):
    client = app.test_client()
    headers = bearer(token_for(app, "gridder"))  # grid workers may create, not import
    before = counts()
    r = upload(client, headers, csv_file([("x", unit_id(GRID_A), "")]))
    assert r.status_code == 403 and counts() == before


def test_cli_import_with_dry_run_and_progress(app, api_people, tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(csv_file([(f"命令行{i}", unit_id(A), "") for i in range(30)]).getvalue())
    runner = app.test_cli_runner()
    args = ["import", "noticeboard_notice", str(path), "--user", "admin"]
    before = Notice.select().count()
    result = runner.invoke(args=[*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "checked 30 rows" in result.output and Notice.select().count() == before
    result = runner.invoke(args=args)
    assert result.exit_code == 0 and "created 30" in result.output
    assert Notice.select().count() == before + 30
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([("x", "abc", "")]).getvalue())
    result = runner.invoke(args=["import", "noticeboard/notice", str(bad), "--user", "admin"])
    assert result.exit_code != 0 and "row 2, unit" in result.output
    assert Notice.select().count() == before + 30


def test_admin_import_page(admin, api_people):
    page = admin.get("/admin/core/import/")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    data = csv_file([("后台导入", unit_id(A), "")], header=("标题", "unit", "body"))
    mapped = admin.post(
        "/admin/core/import/",
        data={"resource": "noticeboard/notice", "file": (data, "n.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    html = mapped.get_data(as_text=True)
    assert mapped.status_code == 200 and 'name="map:标题"' in html and "import-progress" in html
    key = html.split('name="key" value="')[1].split('"')[0]
    form = {
        "resource": "noticeboard/notice",
        "key": key,
        "map:标题": "title",
        "map:unit": "unit",
        "map:body": "body",
        "csrf_token": token,
    }
    before = Notice.select().count()
    r = admin.post("/admin/core/import/run", data={**form, "dry_run": "1"})
    assert r.get_json()["dry_run"] is True and Notice.select().count() == before
    r = admin.post("/admin/core/import/run", data={**form, "dry_run": "0"})
    assert r.get_json()["created"] == 1 and Notice.get(Notice.title == "后台导入")


# -- export --------------------------------------------------------------------------------


def test_export_csv_is_scoped_filtered_masked_and_formula_safe(app, api):
    client, headers = api
    notice(A, '=HYPERLINK("http://evil")', contact_phone=PHONE)
    notice(GRID_A, "网格通知")
    notice(B, "长青社区通知")
    r = client.get(f"{URL}/export?format=csv", headers=headers)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    titles = {row["title"] for row in rows}
    assert titles == {'\'=HYPERLINK("http://evil")', "网格通知"}
    assert PHONE in {row["contact_phone"] for row in rows}
    filtered = client.get(f"{URL}/export?format=csv&unit={unit_id(GRID_A)}", headers=headers)
    assert "网格通知" in filtered.get_data(as_text=True)
    assert "HYPERLINK" not in filtered.get_data(as_text=True)
    masked = client.get(f"{URL}/export", headers=bearer(token_for(app, "clerk")))
    assert PHONE not in masked.get_data(as_text=True) and "网格通知" in masked.get_data(
        as_text=True
    )
    r = client.get(f"{URL}/export?format=pdf", headers=headers)
    assert r.status_code == 400 and "format" in r.get_json()["errors"]
    viewer = bearer(token_for(app, "viewer"))  # residents may not read notices at all
    assert client.get(f"{URL}/export", headers=viewer).status_code == 403


def test_export_xlsx(api):
    client, headers = api
    for i in range(2500):  # more than one batch
        notice(A, f"通知{i}")
    notice(A, "+cmd|' /C calc'!A0")
    r = client.get(f"{URL}/export?format=xlsx", headers=headers)
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.get_data()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("id", "unit") and len(rows) == 2502
    titles = {row[2] for row in rows[1:]}
    assert "'+cmd|' /C calc'!A0" in titles and "通知2499" in titles


def test_export_cli(app, api_people, tmp_path):
    notice(A, "导出")
    out = tmp_path / "n.csv"
    result = app.test_cli_runner().invoke(
        args=["export", "noticeboard_notice", "--user", "admin", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "导出" in out.read_text(encoding="utf-8-sig")
