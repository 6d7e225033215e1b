"""Checks of gettext catalogues (翻译目录): every string a plugin's code and templates mark
for translation has a Chinese translation with the same placeholders, and the English
catalogue has the same entries. Used by the core's tests and the plugin contract."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
# plugins wrap runtime messages in helpers too: N_ (marks only) and refuse (raises)
PLUGIN_KEYWORDS = {**KEYWORDS, "N_": None, "refuse": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# used when a plugin package has no babel.cfg of its own
DEFAULT_MAPPING = "[python: **.py]\n\n[jinja2: templates/**.html]\nencoding = utf-8\n"


def read_catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def extract(folder: Path) -> dict[tuple[str, str | None], list[str]]:
    """(msgid, context) -> where it is used, for every marked string under ``folder`` (the
    mapping of ``folder/babel.cfg``, else Python files and ``templates/``). Tests are not
    extracted."""
    import io

    cfg = folder / "babel.cfg"
    text = cfg.read_text(encoding="utf-8") if cfg.exists() else DEFAULT_MAPPING
    method_map, options_map = parse_mapping_cfg(io.StringIO(text), "babel.cfg")
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _c, context in extract_from_dir(
        str(folder), method_map, options_map, keywords=PLUGIN_KEYWORDS
    ):
        if filename.split("/")[0] in ("tests", "migrations"):
            continue
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault((text, context), []).append(f"{filename}:{lineno}")
    return found


def catalogue_problems(folder: Path, translations: Path | None) -> list[str]:
    """What is missing from the catalogues in ``translations`` for the strings of ``folder``:
    untranslated or fuzzy entries, changed placeholders, an English catalogue that differs."""
    found = extract(folder)
    if translations is None:
        return [f"no translations folder (hook linli_translations) for {len(found)} strings"] * (
            bool(found)
        )
    zh_po = translations / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    en_po = translations / "en" / "LC_MESSAGES" / "messages.po"
    missing = [str(p) for p in (zh_po, en_po) if not p.exists()]
    if missing:
        return [f"missing catalogue {p}" for p in missing]
    zh = read_catalog(zh_po)
    en = read_catalog(en_po)
    translated = {(msgid(m), m.context): m for m in zh if m.id}
    problems = []
    for (text, context), where in found.items():
        message = translated.get((text, context))
        text = f"{context}|{text}" if context else text
        if message is None or not all(s.strip() for s in strings(message)):
            problems.append(f"untranslated: {text!r} ({where[0]})")
        elif "fuzzy" in message.flags:
            problems.append(f"fuzzy: {text!r}")
        else:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set().union(*(placeholders(i) for i in ids))
            if any(placeholders(s) != wanted for s in strings(message)):
                problems.append(f"placeholders differ: {text!r}")
    if {(m.id, m.context) for m in en if m.id} != {(m.id, m.context) for m in zh if m.id}:
        problems.append("the English and Chinese catalogues have different entries")
    return problems
