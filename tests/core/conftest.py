"""Fixtures of the core tests."""

from tests.core.api_helpers import api, api_people  # noqa: F401  (fixtures)
