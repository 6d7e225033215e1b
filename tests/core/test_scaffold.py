"""``linli plugins new``: the scaffold makes a package that pip installs, that Linli discovers
and enables per district at once, and whose own tests (with the plugin contract) pass; bad
ids and clashes are refused, naming the problem, and create nothing."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.testing import DISTRICT, USER_PASSWORD, login, make_user

ROOT = Path(__file__).resolve().parents[2]


def new(runner, *args):
    return runner.invoke(main, ["plugins", "new", *args], catch_exceptions=False)


@pytest.mark.parametrize(
    "plugin_id, problem",
    [
        ("Parking", "invalid plugin id 'Parking': use 2-32 lower-case letters"),
        ("1parking", "invalid plugin id '1parking'"),
        ("p", "invalid plugin id 'p'"),
        ("car-park", "invalid plugin id 'car-park'"),
        ("class", "not a Python keyword"),
        ("timebank", "plugin id 'timebank' is taken: the installed package linli declares it"),
        ("core", "plugin id 'core' is taken by the core itself"),
    ],
)
def test_bad_or_taken_ids_are_refused_and_nothing_is_created(tmp_path, plugin_id, problem):
    from click.testing import CliRunner

    result = new(CliRunner(), plugin_id, "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert problem in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_directory_is_refused(tmp_path):
    from click.testing import CliRunner

    (tmp_path / "linli-parking").mkdir()
    (tmp_path / "linli-parking" / "mine.txt").write_text("keep")
    result = new(CliRunner(), "parking", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path / 'linli-parking'} already exists; nothing was created" in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["linli-parking", "mine.txt"]


def run_package_tests(package: Path, pythonpath: list[Path], passed: int) -> None:
    """Run a plugin package's own test suite in a new process, as its author would."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, pythonpath))}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert f"{passed} passed" in run.stdout, run.stdout[-500:]


def pip_install(package: Path, target: Path) -> None:
    """A real ``pip install`` of the package into ``target`` (not into this environment)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(package)],
        check=True,
        capture_output=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """``linli plugins new parking`` in a temporary folder, pip-installed into another."""
    from click.testing import CliRunner

    where = tmp_path_factory.mktemp("scaffold")
    result = new(
        CliRunner(), "parking", "--dir", str(where), "--label-zh", "停车许可", "--label-en",
        "Parking permits",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    package = where / "linli-parking"
    assert f"created {package}" in result.output
    site = where / "site"
    pip_install(package, site)
    return package, site


def test_the_generated_package_passes_its_own_tests_and_the_contract(generated):
    package, site = generated
    expected = {
        "pyproject.toml",
        "linli_parking/__init__.py",
        "linli_parking/models.py",
        "linli_parking/migrations/0001_initial.py",
        "linli_parking/admin.py",
        "linli_parking/schemas.py",
        "linli_parking/views.py",
        "linli_parking/services.py",
        "linli_parking/templates/parking/portal_index.html",
        "linli_parking/translations/zh_Hans_CN/LC_MESSAGES/messages.po",
        "linli_parking/translations/en/LC_MESSAGES/messages.po",
        "tests/test_parking.py",
        "tests/test_contract.py",
    }
    made = {str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()}
    assert expected <= made
    assert (
        '[project.entry-points."linli.plugins"]\nparking = "linli_parking"'
        in (package / "pyproject.toml").read_text()
    )
    run_package_tests(package, [site], passed=14)  # 6 of its own, 8 of the contract


def test_installed_package_is_discovered_and_enabled_per_district(generated, monkeypatch, make_app):
    from core.kernel import Kernel

    _package, site = generated
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    try:
        info = Kernel().get("parking")
        assert info.manifest.label_zh == "停车许可"
        assert info.source.startswith("linli-parking:linli_parking")

        app = make_app(plugins=["parking"])
        runner = app.test_cli_runner()
        with app.app_context():
            from core import demo

            demo.build_territory()
            make_user("boss", "district_admin", DISTRICT)
        client = app.test_client()
        assert login(client, "boss", USER_PASSWORD).status_code == 302
        assert client.get("/portal/parking/").status_code == 404  # not enabled here yet
        result = runner.invoke(main, ["plugins", "enable", "parking", "--district", DISTRICT])
        assert result.output.strip() == f"enabled in {DISTRICT}: parking"
        page = client.get("/portal/parking/")  # at once, no restart
        assert page.status_code == 200 and "暂无条目" in page.text
        assert client.get("/admin/parking/item/").status_code == 200
    finally:
        for name in [m for m in sys.modules if m.startswith("linli_parking")]:
            del sys.modules[name]
