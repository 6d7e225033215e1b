"""The plugin contract itself (core/testing/contract.py): a sound plugin passes it, given as a
module that is not installed, and each broken plugin fails it with a message naming the
plugin and the problem."""

from __future__ import annotations

import types

import peewee as pw
import pytest

from core.hookspecs import hookimpl
from core.kernel import Manifest
from core.models import DistrictOwnedModel
from core.testing.contract import (
    PluginContract,
    check_migrations,
    hook_problems,
    manifest_problems,
    translation_problems,
)
from tests.sample_plugins import noticeboard


class TestNoticeboardMeetsTheContract(PluginContract):
    """The sample notice board (a module on sys.path, no entry point) passes every check."""

    @pytest.fixture
    def contract_plugin(self):
        return noticeboard


def fake(pid="broken", **hooks):
    module = types.ModuleType(f"fake_{pid}")
    module.__file__ = __file__
    module.MANIFEST = Manifest(pid, "坏插件", "Broken", "1.0")
    for name, fn in hooks.items():
        setattr(module, name, fn)
    return module


def test_a_broken_manifest_is_named():
    module = types.ModuleType("nomanifest")
    assert manifest_problems(module) == [
        "plugin nomanifest: module nomanifest has no MANIFEST (Manifest)"
    ]
    module.MANIFEST = Manifest("Bad-Id", "坏", "Bad", "1")
    assert "id must be 2-32 lower-case letters" in manifest_problems(module)[0]
    module.MANIFEST = Manifest("needy", "缺", "Needy", "1", requires=("ghost",))
    assert manifest_problems(module) == ["plugin 'needy' requires 'ghost', which is not installed"]


def test_an_unmarked_or_unknown_hook_is_named():
    module = fake(linli_models=lambda: [])
    module.linli_models.__name__ = "linli_models"
    assert hook_problems(module) == ["plugin 'broken': linli_models is not marked with @hookimpl"]

    def linli_modles():
        return []

    module = fake(linli_modles=hookimpl(linli_modles))
    problems = hook_problems(module)
    assert problems[0] == "plugin 'broken' implements unknown hook linli_modles"


def test_migrations_that_do_not_match_the_models_fail(make_app, tmp_path):
    class Thing(DistrictOwnedModel):
        name = pw.CharField(max_length=20)
        colour = pw.CharField(max_length=10, default="")

        class Meta:
            table_name = "drifted_thing"

    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_initial.py").write_text(
        "from peewee import *\n\n"
        "def up(migrator, db):\n"
        "    db.execute_sql('CREATE TABLE drifted_thing (id INTEGER PRIMARY KEY, unit_id INTEGER,"
        " created_by_id INTEGER, created_at TIMESTAMP, updated_by_id INTEGER,"
        " updated_at TIMESTAMP, name VARCHAR(20))')\n\n"
        "def down(migrator, db):\n"
        "    migrator.migrate(migrator.drop_table('drifted_thing'))\n"
    )
    module = fake(
        "drifted",
        linli_models=hookimpl(lambda: [Thing]),
        linli_migrations=hookimpl(lambda: folder),
    )
    module.linli_models.__name__ = "linli_models"
    module.linli_migrations.__name__ = "linli_migrations"
    app = make_app(plugins=[module], migrate=False)
    with pytest.raises(AssertionError) as err:
        check_migrations(app, "drifted")
    assert str(err.value).startswith("drifted: ") and "colour" in str(err.value)


def test_strings_without_a_catalogue_fail(tmp_path):
    package = tmp_path / "wordy"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from core.i18n import lazy_gettext as _l\nLABEL = _l('Parking permit')\n"
    )
    module = fake("wordy")
    module.__file__ = str(package / "__init__.py")
    assert translation_problems(module) == [
        "no translations folder (hook linli_translations) for 1 strings"
    ]
