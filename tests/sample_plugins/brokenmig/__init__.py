"""A plugin whose second migration fails half-way, for migration-failure tests."""

from pathlib import Path

from core.hookspecs import hookimpl
from core.kernel import Manifest

MANIFEST = Manifest("brokenmig", "坏迁移", "Broken migration", "0.1")


@hookimpl
def linli_migrations():
    return Path(__file__).parent / "migrations"
