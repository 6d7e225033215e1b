"""Installed plugins that are broken: a broken manifest, an import error, a missing
requirement, a hook that matches no specification or has the wrong arguments. Start-up
refuses with one line naming the plugin and the problem, unless the plugin is blocked in
configuration: then the application starts without it."""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest
from click.testing import CliRunner

from core.cli import main
from core.kernel import Kernel, PluginError
from core.testing import SECRET

CASES = {
    "nomanifest": (
        "X = 1\n",
        "plugin 'brokenx' (broken-x:brokenx_pkg): module brokenx_pkg has no MANIFEST (Manifest)",
    ),
    "badimport": (
        "import no_such_module_here\n",
        "plugin 'brokenx' (broken-x): cannot be imported: No module named 'no_such_module_here'",
    ),
    "missingreq": (
        "from core.kernel import Manifest\n"
        'MANIFEST = Manifest("brokenx", "坏", "Broken", "1", requires=("ghost",))\n',
        "plugin 'brokenx' requires 'ghost', which is not installed",
    ),
    "unknownhook": (
        "from core.hookspecs import hookimpl\nfrom core.kernel import Manifest\n"
        'MANIFEST = Manifest("brokenx", "坏", "Broken", "1")\n'
        "@hookimpl\ndef linli_modles():\n    return []\n",
        "plugin 'brokenx' implements unknown hook linli_modles",
    ),
    "wrongargs": (
        "from core.hookspecs import hookimpl\nfrom core.kernel import Manifest\n"
        'MANIFEST = Manifest("brokenx", "坏", "Broken", "1")\n'
        "@hookimpl\ndef linli_event(evnt):\n    return None\n",
        "plugin 'brokenx': implementation of linli_event does not match its specification",
    ),
}  # fmt: skip


@pytest.fixture
def install(tmp_path, monkeypatch):
    """Install a package ``broken-x`` declaring the plugin ``brokenx`` (entry point)."""

    def factory(source: str):
        site = tmp_path / "site"
        (site / "brokenx_pkg").mkdir(parents=True)
        (site / "brokenx_pkg" / "__init__.py").write_text(textwrap.dedent(source))
        dist = site / "broken_x-1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-x\nVersion: 1.0\n")
        (dist / "entry_points.txt").write_text("[linli.plugins]\nbrokenx = brokenx_pkg\n")
        monkeypatch.syspath_prepend(str(site))
        importlib.invalidate_caches()

    yield factory
    sys.modules.pop("brokenx_pkg", None)


@pytest.mark.parametrize("case", sorted(CASES))
def test_start_up_refuses_naming_the_plugin_and_the_problem(install, case):
    source, message = CASES[case]
    install(source)
    with pytest.raises(PluginError) as err:
        Kernel()
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("case", sorted(CASES))
def test_blocked_in_configuration_the_application_starts_without_it(install, case):
    install(CASES[case][0])
    kernel = Kernel(blocked=["brokenx"])
    assert kernel.get("brokenx").state == "blocked"
    assert "brokenx" not in [info.id for info in kernel.ordered()]
    assert kernel.pm.get_plugin("brokenx") is None


def run_cli(tmp_path, *args, **env):
    environ = {
        "LINLI_INSTANCE_PATH": str(tmp_path / "instance"),
        "LINLI_SECRET_KEY": SECRET,
        "LINLI_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        **env,
    }
    return CliRunner().invoke(main, list(args), env=environ)


def test_the_command_line_says_why_it_cannot_start_and_starts_when_blocked(install, tmp_path):
    install(CASES["unknownhook"][0])
    result = run_cli(tmp_path, "plugins", "list")
    assert result.exit_code == 2
    assert "linli: plugin 'brokenx' implements unknown hook linli_modles" in result.output
    assert run_cli(tmp_path, "db", "upgrade", LINLI_BLOCKED_PLUGINS="brokenx").exit_code == 0
    result = run_cli(tmp_path, "plugins", "list", LINLI_BLOCKED_PLUGINS="brokenx")
    assert result.exit_code == 0, result.output
    assert [line.split()[:3] for line in result.output.splitlines() if "brokenx" in line] == [
        ["brokenx", "1", "blocked"]
    ]
