"""Register import from XLSX and CSV: dry run, all rows or none, every bad row listed."""

from __future__ import annotations

import io

from core.api.spreadsheets import read_upload
from core.models import TerritoryUnit
from plugins.owners.register import importer as ri
from plugins.owners.register import rules
from plugins.owners.register.models import Owner, Ownership, Premises
from plugins.owners.register.services import holdings

from .conftest import trusted

HEADERS = ["楼栋", "单元号", "专有面积", "面积来源", "业主姓名", "证件号码", "共有人", "开发商未售"]
GOOD = [
    ["3号楼", "3-101", "88.50", "产权登记", "李雷", "110101199001011234", "", ""],
    ["3号楼", "3-102", "90", "实测", "李雷", "110101199001011234", "", ""],
    [
        "3号楼",
        "3-201",
        "120.25",
        "合同",
        "韩梅梅",
        "110101199202022345",
        "韩父 110101196003033456",
        "",
    ],
    ["4号楼", "4-101", "75", "产权登记", "幸福置业", "91110000MA00000001", "", "是"],
    ["4号楼", "4-102", "75", "产权登记", "幸福置业", "91110000MA00000001", "", "是"],
]


def xlsx(rows, headers=HEADERS):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return read_upload("register.xlsx", out)


def csv_table(rows, headers=HEADERS):
    text = "\n".join(",".join(r) for r in [headers, *rows])
    return read_upload("register.csv", io.BytesIO(text.encode("gb18030")))


def snapshot():
    return (
        Premises.select().count(),
        Owner.select().count(),
        Ownership.select().count(),
        TerritoryUnit.select().count(),
    )


def test_an_xlsx_register_is_imported_with_co_owners_and_the_developer(world):
    before = snapshot()
    report = ri.import_register(trusted(world.staff), world.compound, xlsx(GOOD))
    assert report.ok and report.written
    assert (report.units, report.buildings, report.owners) == (5, 2, 4)
    after = snapshot()
    assert after[0] - before[0] == 5 and after[1] - before[1] == 4 and after[3] - before[3] == 2
    unit = Premises.get(Premises.number == "3-201")
    assert unit.area_source == "contract" and str(unit.area) == "120.25"
    assert {o.owner.name for o in Ownership.select().where(Ownership.premises == unit.id)} == {
        "韩梅梅",
        "韩父",
    }
    assert Owner.get(Owner.id_number == "91110000MA00000001").is_developer
    # the headcount rule sees the imported register: 李雷 (2 units) one head, the 韩 co-owners
    # one; the developer's unsold units join the fixture's developer unit as one head; plus
    # the fixture's two other heads
    assert rules.headcount(holdings(world.compound)) == 2 + 3


def test_a_dry_run_reports_and_writes_nothing(world):
    before = snapshot()
    report = ri.import_register(trusted(world.staff), world.compound, csv_table(GOOD), dry_run=True)
    assert report.ok and not report.written and report.units == 5
    assert snapshot() == before


def test_every_bad_row_is_listed_in_chinese_and_nothing_is_written(world):
    rows = [
        GOOD[0],
        ["3号楼", "3-102", "-5", "产权登记", "张三", "110101199001015678", "", ""],
        ["3号楼", "3-103", "80", "估算", "张三", "110101199001015678", "", ""],
        ["3号楼", "3-101", "80", "实测", "王五", "110101199001019999", "", ""],
        ["3号楼", "3-104", "80", "实测", "赵六", "", "", ""],
        ["3号楼", "3-105", "80", "实测", "赵七", "110101199001011234", "", ""],
        ["3号楼", "101室", "80", "实测", "钱八", "110101199001017777", "", ""],
    ]
    # a unit already in the register: the fixture's 1号楼 has 101室
    rows[-1][0] = "1号楼"
    before = snapshot()
    report = ri.import_register(trusted(world.staff), world.compound, xlsx(rows))
    assert not report.written and snapshot() == before
    found = {(p.row, p.column, p.message) for p in report.problems}
    assert (3, "专有面积", "专有部分面积必须大于零。") in found
    assert (4, "面积来源", "未知的面积来源“估算”：请填写产权登记、实测或合同。") in found
    assert (5, "单元号", "单元 3-101 重复（第 2 行已有）。") in found
    assert (6, "证件号码", "缺少业主证件号码。") in found
    assert (7, "证件号码", "证件号码 110101199001011234 属于 李雷，不是 赵七。") in found
    assert (8, "单元号", "单元 101室 已在 1号楼 登记。") in found
    assert len(report.problems) == 6


def test_a_missing_column_is_reported(world):
    before = snapshot()
    report = ri.import_register(
        trusted(world.staff), world.compound, csv_table([], headers=HEADERS[:4])
    )
    assert {(p.column, p.message) for p in report.problems} == {
        ("业主姓名", "文件缺少此列。"),
        ("证件号码", "文件缺少此列。"),
    }
    assert snapshot() == before


def test_the_template_imports_cleanly(world):
    table = read_upload("template.xlsx", io.BytesIO(ri.template_xlsx()))
    report = ri.import_register(trusted(world.staff), world.compound, table, dry_run=True)
    assert report.ok and report.units == 3
    table = read_upload("template.csv", io.BytesIO(ri.template_csv().encode("utf-8")))
    assert ri.import_register(trusted(world.staff), world.compound, table, dry_run=True).ok


def test_the_import_command_checks_then_imports(app, world, tmp_path):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from core.cli import main
    from core.db import db

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join(
            ",".join(r)
            for r in [HEADERS, GOOD[0], ["3号楼", "3-9", "0", "实测", "甲", "X1", "", ""]]
        ),
        encoding="utf-8",
    )
    good = tmp_path / "good.csv"
    good.write_text("\n".join(",".join(r) for r in [HEADERS, *GOOD]), encoding="utf-8")
    before = snapshot()
    db.close()
    runner = CliRunner()
    script = ScriptInfo(create_app=lambda: app)

    def run(*args):
        return runner.invoke(
            main, ["owners", "import-register", *args], obj=script, env={"FLASK_APP": ""}
        )

    result = run("T-XQ", str(bad))
    assert result.exit_code == 1 and "line 3 [专有面积]" in result.output
    result = run("T-XQ", str(good), "--dry-run")
    assert result.exit_code == 0 and "would import 5 unit(s)" in result.output
    db.connect(reuse_if_open=True)
    assert snapshot() == before
    db.close()
    result = run("T-XQ", str(good))
    assert result.exit_code == 0 and "imported 5 unit(s), 2 new building(s)" in result.output
    db.connect(reuse_if_open=True)
    assert snapshot()[0] == before[0] + 5
