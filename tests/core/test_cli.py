"""The linli command: users, demo, backup and restore; bad input exits non-zero, changes nothing."""

import re
from pathlib import Path

import pytest

from core.cli import main
from core.models import AuditLog, RoleAssignment, TerritoryUnit, User
from tests.sample_plugins.noticeboard.models import Notice


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(main, list(args))

    return run


def test_demo_is_idempotent_and_prints_a_one_time_password(cli):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "demo territory 示范区 (990101) created" in first.output
    password = re.search(r"one-time password (\S+)", first.output).group(1)
    assert len(password) >= 12
    units = TerritoryUnit.select().count()
    assert units == 1 + 2 + 4 + 8 + 8 + 24
    admin = User.get(User.username == "admin")
    assert admin.must_change_password
    second = cli("demo")
    assert second.exit_code == 0
    assert "already present, kept" in second.output
    assert "one-time password" not in second.output
    assert TerritoryUnit.select().count() == units
    assert Notice.select().count() == 1  # plugin demo data loaded once
    from core.cases.models import Case
    from core.publicity.models import Publication

    assert Case.select().count() == 3 and Publication.select().count() == 1
    assert "demo: 3 cases and 1 public notice in 幸福社区" in first.output


def test_users_create(cli):
    cli("demo")
    result = cli(
        "users",
        "create",
        "--username",
        "wang",
        "--password",
        "Gridwork-2026",
        "--role",
        "grid_worker",
        "--unit",
        "990101001001G01",
        "--scope",
        "unit",
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "created user wang (grid_worker at 990101001001G01, scope unit)"
    assignment = RoleAssignment.get(RoleAssignment.user == User.get(User.username == "wang"))
    assert assignment.scope == "unit" and assignment.unit.code == "990101001001G01"
    assert AuditLog.select().where(AuditLog.table == "core_user").count() >= 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "nosuch"], "未知角色：nosuch"),
        (["--unit", "000"], "未知的辖区编码：000"),
        (["--password", "Short-1"], "密码至少需要 8 个字符。"),
        (
            ["--password", "onlyletterslong"],
            "密码须包含大写字母、小写字母、数字、符号这四类字符中的至少三类。",
        ),
        (
            ["--password", "aaaaaaaaa1"],
            "密码须包含大写字母、小写字母、数字、符号这四类字符中的至少三类。",
        ),
        (["--password", "li-si-12345"], "密码不能包含用户名"),
        (["--username", "a b"], "用户名须由 3 至 64 个字母"),
        (["--username", "admin"], "用户名 admin 已被占用"),
    ],
)
def test_users_create_refuses_bad_input(cli, args, message):
    cli("demo")
    base = {
        "--username": "li-si",
        "--password": "Lisi-2026-ok",
        "--role": "community_staff",
        "--unit": "990101001001",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    users = User.select().count()
    result = cli("users", "create", *[x for kv in base.items() for x in kv])
    assert result.exit_code == 1
    assert message in result.output
    assert User.select().count() == users


def test_users_create_refuses_unknown_scope(cli):
    result = cli(
        "users",
        "create",
        "--username",
        "zhao",
        "--password",
        "Zhao-2026-ok",
        "--role",
        "volunteer",
        "--unit",
        "990101",
        "--scope",
        "everything",
    )
    assert result.exit_code == 2
    assert "Invalid value for '--scope'" in result.output


def test_backup_and_restore_round_trip(cli, app, tmp_path):
    cli("demo")
    uploads = Path(app.config["LINLI"]["UPLOAD_DIR"])
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "photo.jpg").write_bytes(b"\xff\xd8 jpeg bytes")
    notices = {n.title for n in Notice.select()}
    units = TerritoryUnit.select().count()
    archive = tmp_path / "backup.tar.gz"
    result = cli("backup", "-o", str(archive))
    assert result.exit_code == 0, result.output
    assert archive.exists()

    Notice.delete().execute()
    Notice.create(unit=TerritoryUnit.get(TerritoryUnit.code == "990101"), title="备份后新增")
    (uploads / "photo.jpg").unlink()
    (uploads / "later.txt").write_text("later")

    result = cli("restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert {n.title for n in Notice.select()} == notices
    assert TerritoryUnit.select().count() == units
    assert (uploads / "photo.jpg").read_bytes() == b"\xff\xd8 jpeg bytes"
    assert not (uploads / "later.txt").exists()


def test_restore_refuses_a_file_that_is_not_a_backup(cli, tmp_path):
    cli("demo")
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_text("not an archive")
    before = TerritoryUnit.select().count()
    result = cli("restore", str(bogus), "--yes")
    assert result.exit_code == 1
    assert "is not a Linli backup archive" in result.output
    assert TerritoryUnit.select().count() == before


def test_run_refuses_an_unmigrated_database(make_app):
    app = make_app(migrate=False)
    result = app.test_cli_runner().invoke(main, ["run"])
    assert result.exit_code == 1
    assert "the database is not migrated: run `linli db upgrade` first" in result.output


def test_units_create(cli):
    result = cli("units", "create", "--code", "110105", "--name", "朝阳区", "--level", "district")
    assert result.exit_code == 0 and result.output.strip() == "created district 朝阳区 (110105)"
    result = cli(
        "units",
        "create",
        "--code",
        "110105001",
        "--name",
        "建外街道",
        "--level",
        "street",
        "--parent",
        "110105",
    )
    assert result.exit_code == 0
    assert TerritoryUnit.get(TerritoryUnit.code == "110105001").parent.code == "110105"
    result = cli(
        "units",
        "create",
        "--code",
        "X1",
        "--name",
        "楼",
        "--level",
        "building",
        "--parent",
        "110105",
    )
    assert result.exit_code == 1 and "楼栋不能隶属于区" in result.output
    assert TerritoryUnit.get_or_none(TerritoryUnit.code == "X1") is None
