"""Every built-in plugin with its own catalogue (``plugins/<id>/translations``, extracted with
``plugins/<id>/babel.cfg``) has every string of its code and templates in Chinese, with the
placeholders kept, and an English catalogue with the same entries. The same check runs for
every installed plugin in the plugin contract (``core.testing.contract``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.testing.catalogues import catalogue_problems

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(p.parent for p in (ROOT / "plugins").glob("*/babel.cfg"))


def test_there_are_plugin_catalogues():
    assert "timebank" in {p.name for p in PLUGINS}


@pytest.mark.parametrize("folder", PLUGINS, ids=lambda p: p.name)
def test_plugin_catalogue_is_complete(folder):
    problems = catalogue_problems(folder, folder / "translations")
    assert not problems, f"{folder.name}:\n" + "\n".join(problems)


def test_a_missing_translation_is_named(tmp_path):
    """The check fails for a string without a Chinese translation and names it."""
    import shutil

    folder = tmp_path / "timebank"
    shutil.copytree(ROOT / "plugins" / "timebank", folder)
    (folder / "extra.py").write_text('from core.i18n import gettext as _\n_("Brand new words")\n')
    problems = catalogue_problems(folder, folder / "translations")
    assert problems == ["untranslated: 'Brand new words' (extra.py:2)"]
