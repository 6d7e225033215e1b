"""The plugin contract (core/testing/contract.py) for every installed plugin: the built-ins
and every outside package with a ``linli.plugins`` entry point in this environment (at least
the example package examples/linli-mealaid, which ``make install`` installs with pip)."""

import pytest

from core.testing.contract import PluginContract, contract_ids


class TestEveryInstalledPlugin(PluginContract):
    @pytest.fixture(params=contract_ids())
    def contract_plugin(self, request):
        return request.param


def test_the_example_outside_the_core_is_installed_with_pip():
    """`make install` installs examples/linli-mealaid with pip, as any outside package: its
    distribution metadata declares the entry point, and its code is outside plugins/."""
    import json
    from importlib.metadata import distribution
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    dist = distribution("linli-mealaid")
    assert [(ep.group, ep.name, ep.value) for ep in dist.entry_points] == [
        ("linli.plugins", "mealaid", "linli_mealaid")
    ]
    installed_from = json.loads(dist.read_text("direct_url.json"))["url"]
    assert installed_from == (root / "examples" / "linli-mealaid").as_uri()
    assert "mealaid" in contract_ids()
