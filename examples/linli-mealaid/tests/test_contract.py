"""Linli's plugin contract: manifest, hooks, migrations, data isolation, CSRF, translations."""

from core.testing.contract import PluginContract


class TestContract(PluginContract):
    plugin_id = "mealaid"
