"""Every built-in plugin with its own catalogue (``plugins/<id>/translations``, extracted with
``plugins/<id>/babel.cfg``) has every string of its code and templates in Chinese, with the
placeholders kept, and an English catalogue with the same entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from tests.core.test_i18n import KEYWORDS, msgid, placeholders, read_catalog, strings

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(p.parent for p in (ROOT / "plugins").glob("*/babel.cfg"))
# plugins wrap runtime messages in helpers too: N_ (marks only) and refuse (raises)
PLUGIN_KEYWORDS = {**KEYWORDS, "N_": None, "refuse": None}


def extract(folder: Path) -> dict[str, list[str]]:
    with (folder / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _c, _ctx in extract_from_dir(
        str(folder), method_map, options_map, keywords=PLUGIN_KEYWORDS
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault(text, []).append(f"{filename}:{lineno}")
    return found


def test_there_are_plugin_catalogues():
    assert "timebank" in {p.name for p in PLUGINS}


@pytest.mark.parametrize("folder", PLUGINS, ids=lambda p: p.name)
def test_plugin_catalogue_is_complete(folder):
    zh = read_catalog(folder / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po")
    en = read_catalog(folder / "translations" / "en" / "LC_MESSAGES" / "messages.po")
    translated = {msgid(m): m for m in zh if m.id}
    problems = []
    for text, where in extract(folder).items():
        message = translated.get(text)
        if message is None or not all(s.strip() for s in strings(message)):
            problems.append(f"untranslated: {text!r} ({where[0]})")
        elif "fuzzy" in message.flags:
            problems.append(f"fuzzy: {text!r}")
        else:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set().union(*(placeholders(i) for i in ids))
            if any(placeholders(s) != wanted for s in strings(message)):
                problems.append(f"placeholders differ: {text!r}")
    assert not problems, f"{folder.name}:\n" + "\n".join(problems)
    assert {m.id for m in en if m.id} == {m.id for m in zh if m.id}
