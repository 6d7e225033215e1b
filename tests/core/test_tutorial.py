"""docs/writing-plugins.md cannot rot: its commands and code blocks are run as written.

Blocks preceded by ``<!-- file: PATH -->`` replace (or create) that file of the generated
package, ``<!-- append: PATH -->`` append to it, and ``<!-- run -->`` blocks are commands:
``linli plugins new``, ``linli db makemigration``, ``pybabel compile`` and ``pytest``. The
package is put on ``sys.path`` with entry-point metadata of its own (the real ``pip install``
is proven in test_scaffold.py and by the example package)."""

from __future__ import annotations

import importlib
import re
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import main
from core.scaffold import compile_catalogues
from tests.core.test_scaffold import run_package_tests

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-plugins.md"
STEP = re.compile(r"<!-- (file|append|run)(?:: (\S+))? -->\n```(\w+)\n(.*?)```", re.S)


def steps() -> list[tuple[str, str | None, str]]:
    return [(kind, path, body) for kind, path, _lang, body in STEP.findall(DOC.read_text())]


def test_the_tutorial_has_the_steps_it_promises():
    kinds = [(kind, path) for kind, path, _body in steps()]
    files = {path for kind, path in kinds if kind in ("file", "append")}
    assert {
        "linli_parking/models.py",
        "linli_parking/flows.py",
        "linli_parking/reports.py",
        "linli_parking/events.py",
        "linli_parking/__init__.py",
        "tests/test_permits.py",
    } <= files
    assert kinds[0] == ("run", "")


def test_the_tutorial_runs_as_written(tmp_path, monkeypatch, make_app):
    site = tmp_path / "site"
    package = None
    app = None
    try:
        for kind, path, body in steps():
            if kind == "run":
                for line in body.strip().splitlines():
                    args = shlex.split(line)
                    if args[:3] == ["linli", "plugins", "new"]:
                        result = CliRunner().invoke(main, [*args[1:], "--dir", str(tmp_path)])
                        assert result.exit_code == 0, result.output
                        package = tmp_path / f"linli-{args[3]}"
                        install(package, args[3], site, monkeypatch)
                    elif args[:3] == ["linli", "db", "makemigration"]:
                        reload_package()
                        app = make_app(plugins=["parking"])  # at 0001, models changed
                        result = app.test_cli_runner().invoke(main, args[1:])
                        assert result.exit_code == 0, result.output
                        assert "0002_plate_and_state.py" in result.output
                    elif args[:2] == ["pybabel", "compile"]:
                        compile_catalogues(package / args[3])
                    elif args == ["pytest"]:
                        run_package_tests(package, [package, site], passed=15)
                    else:
                        pytest.fail(f"the tutorial runs a command this test does not: {line}")
            else:
                target = package / path
                if kind == "file":
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(body, encoding="utf-8")
                else:
                    with target.open("a", encoding="utf-8") as f:
                        f.write("\n\n" + body if path.endswith(".py") else body)
        assert app is not None and (package / "tests" / "test_permits.py").exists()
    finally:
        reload_package()


def install(package: Path, plugin_id: str, site: Path, monkeypatch) -> None:
    """The package on sys.path, with entry-point metadata (what pip install -e would do)."""
    dist = site / f"linli_{plugin_id}-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: linli-{plugin_id}\nVersion: 0.1.0\n"
    )
    (dist / "entry_points.txt").write_text(f"[linli.plugins]\n{plugin_id} = linli_{plugin_id}\n")
    monkeypatch.syspath_prepend(str(package))
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()


def reload_package() -> None:
    for name in [m for m in sys.modules if m.startswith("linli_parking")]:
        del sys.modules[name]
