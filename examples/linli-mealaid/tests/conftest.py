"""The fixtures come from Linli's pytest plugin (core/testing/pytest_plugin.py), loaded by
pytest itself wherever Linli is installed; this file only says which plugins ``app`` has:
meal assistance and the built-in time bank, which credits deliveries."""

import pytest


@pytest.fixture
def linli_plugins():
    return ["mealaid", "timebank"]
