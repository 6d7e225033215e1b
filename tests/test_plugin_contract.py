"""The plugin contract (core/testing/contract.py) for every installed plugin: the built-ins
and every outside package with a ``linli.plugins`` entry point in this environment (at least
the example package examples/linli-mealaid, which ``make install`` installs with pip)."""

import pytest

from core.testing.contract import PluginContract, contract_ids


class TestEveryInstalledPlugin(PluginContract):
    @pytest.fixture(params=contract_ids())
    def contract_plugin(self, request):
        return request.param
