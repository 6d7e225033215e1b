"""Translations (国际化): the Chinese catalogue is complete and the interface uses it.

A string wrapped in ``_`` / ``_l`` / ``gettext`` / ``lazy_gettext`` / ``ngettext`` in ``core/``
and missing from ``core/translations/zh_Hans_CN`` fails ``test_every_source_string_is_in_
the_chinese_catalogue``; see ``core/translations/README.md`` for the update commands.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo

from core.testing.catalogues import (  # noqa: F401  (used by other tests)
    KEYWORDS,
    PLACEHOLDER,
    msgid,
    placeholders,
    read_catalog,
    strings,
)
from tests.conftest import csrf_token, login

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "core" / "translations"
ZH_PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"


def compile_if_stale(po: Path) -> bool:
    """Write ``messages.mo`` next to ``po`` when it is missing or older; True if written."""
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return False
    catalog = read_catalog(po)
    tmp = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        write_mo(f, catalog)
    os.replace(tmp, mo)
    return True


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """The runtime tests need the ``.mo`` files; ``make install`` builds them, this too."""
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
        compile_if_stale(po)
    # Loaded catalogues are cached per application (core.i18n.AppDomain), and every test
    # builds its own application: nothing loaded before the .mo files existed survives.


def extract_source() -> dict[tuple[str, str | None], list[str]]:
    """Every (msgid, context) the mapping in babel.cfg finds now, with where it was found."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    found: dict[tuple[str, str | None], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault((text, context), []).append(f"{filename}:{lineno}")
    return found


# -- the catalogues --------------------------------------------------------------------------


def test_chinese_catalogue_is_complete_and_keeps_placeholders():
    catalog = read_catalog(ZH_PO)
    assert str(catalog.locale) == "zh_Hans_CN"
    problems = []
    entries = [m for m in catalog if m.id]
    assert len(entries) > 50, "the Chinese catalogue is (nearly) empty"
    for message in entries:
        where = ", ".join(f"{f}:{n}" for f, n in message.locations) or "?"
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {msgid(message)!r} ({where})")
        if not all(s.strip() for s in strings(message)):
            problems.append(f"untranslated: {msgid(message)!r} ({where})")
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(placeholders(i) for i in ids))
        for translated in strings(message):
            if placeholders(translated) != wanted:
                problems.append(
                    f"placeholders differ: {msgid(message)!r} -> {translated!r} ({where})"
                )
    for message, errors in catalog.check():
        problems.extend(f"{msgid(message)!r}: {error}" for error in errors)
    assert not problems, "zh_Hans_CN/messages.po:\n" + "\n".join(problems)


# every Chinese catalogue: the core's (messages, and the additions to Flask-Admin's "admin"
# domain), every built-in plugin's and every example plugin's
CATALOGUES = sorted(
    po
    for pattern in ("core/translations", "plugins/*/translations", "examples/*/*/translations")
    for folder in ROOT.glob(pattern)
    for po in folder.glob("zh_Hans_CN/LC_MESSAGES/*.po")
)


def test_every_catalogue_is_checked():
    names = {str(p.relative_to(ROOT)) for p in CATALOGUES}
    assert "core/translations/zh_Hans_CN/LC_MESSAGES/admin.po" in names
    assert "plugins/hazards/translations/zh_Hans_CN/LC_MESSAGES/messages.po" in names
    assert any(n.startswith("examples/") for n in names), names


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_chinese_entry_is_empty_or_fuzzy(po):
    """Every msgid of every Chinese catalogue has a translation, none marked fuzzy (a fuzzy
    entry is not compiled: the English shows)."""
    problems = []
    for message in read_catalog(po):
        if not message.id:
            continue
        where = ", ".join(f"{f}:{n}" for f, n in message.locations) or "?"
        label = f"{message.context}|{msgid(message)}" if message.context else msgid(message)
        if message.fuzzy:
            problems.append(f"fuzzy: {label!r} ({where})")
        if not all((s or "").strip() for s in strings(message)):
            problems.append(f"empty: {label!r} ({where})")
    assert not problems, f"{po.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_one_msgid_means_one_thing_in_every_catalogue():
    """The catalogues of the core and the plugins are merged into one, the last loaded wins:
    a msgid translated two ways shows one plugin's Chinese in the other plugin (a complaint
    "待匹配", a building's address "IP地址"). Give the same Chinese, or a message context
    (``pgettext`` / ``lazy_pgettext`` of core.i18n) where the meanings differ."""
    seen: dict[tuple[str, str | None], dict[str, str]] = {}
    for po in CATALOGUES:
        if po.name != "messages.po":
            continue
        owner = str(po.relative_to(ROOT)).split("/translations/")[0]
        for message in read_catalog(po):
            if message.id:
                key = (msgid(message), message.context)
                seen.setdefault(key, {})[owner] = strings(message)[0]
    clashes = [
        f"{f'{ctx}|' if ctx else ''}{text!r}: "
        + ", ".join(f"{owner} {zh!r}" for owner, zh in sorted(by.items()))
        for (text, ctx), by in sorted(seen.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        if len(set(by.values())) > 1
    ]
    assert not clashes, "msgids translated two ways:\n" + "\n".join(clashes)


def test_english_catalogue_exists_and_falls_back_to_the_msgid():
    catalog = read_catalog(EN_PO)
    assert str(catalog.locale) == "en"
    zh_ids = {(m.id, m.context) for m in read_catalog(ZH_PO) if m.id}
    en_ids = {(m.id, m.context) for m in catalog if m.id}
    assert zh_ids == en_ids, "run `pybabel update` for both catalogues (see README.md)"
    for message in catalog:
        if message.id:
            assert all(s in ("", msgid(message)) for s in strings(message)), message.id


def test_every_source_string_is_in_the_chinese_catalogue():
    found = extract_source()
    assert ("Log in", None) in found, "the jinja2 extractor found nothing in the templates"
    assert ("Territory", None) in found, "the python extractor found nothing in core/"
    catalog = read_catalog(ZH_PO)
    missing = [
        f"{text!r} ({', '.join(where)})"
        for (text, context), where in sorted(found.items(), key=lambda kv: kv[1][0])
        if catalog.get(text, context=context) is None
    ]
    assert not missing, (
        "strings not in core/translations/zh_Hans_CN (extract, update and translate: "
        "core/translations/README.md):\n" + "\n".join(missing)
    )


# -- the running interface -------------------------------------------------------------------


def page_text(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def switch_language(client, locale: str, next_url: str):
    page = client.get(next_url)
    return client.post(
        "/auth/language",
        data={"locale": locale, "next": next_url, "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )


def test_login_page_is_chinese_by_default(app):
    response = app.test_client().get("/auth/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert 'lang="zh-CN"' in html
    for word in ("邻里社区治理平台", "用户名", "密码", "登录"):
        assert word in text, word
    for word in ("Username", "Password", "Log in"):
        assert word not in text, word


def test_login_page_switches_to_english_and_back(app):
    client = app.test_client()
    response = switch_language(client, "en", "/auth/login")
    assert response.status_code == 200
    assert 'lang="en"' in response.get_data(as_text=True)
    text = page_text(response)
    for word in ("Linli community governance", "Username", "Password", "Log in"):
        assert word in text, word
    assert "用户名" not in text

    text = page_text(switch_language(client, "zh_Hans_CN", "/auth/login"))
    assert "用户名" in text and "Username" not in text


def test_validation_messages_follow_the_language(app):
    client = app.test_client()
    page = client.get("/auth/login")
    data = {"username": "", "password": "", "csrf_token": csrf_token(page.text)}
    assert "该字段是必填字段" in page_text(client.post("/auth/login", data=data))


def test_failed_login_message_is_chinese(app, demo):
    client = app.test_client()
    response = login(client, "admin", "wrong-password-1")
    text = page_text(response)
    assert "用户名或密码错误。" in text, text


def test_admin_menu_and_flask_admin_are_chinese(app, demo):
    client = app.test_client()
    assert login(client, "admin", "Admin-pass-123").status_code == 302
    text = page_text(client.get("/admin/"))
    for word in ("工作台", "辖区", "系统", "模块管理", "区级参数", "用户", "角色", "审计日志"):
        assert word in text, word
    assert "退出登录" in text
    for word in ("Territory", "Audit log", "Log out"):
        assert word not in text, word

    text = page_text(client.get("/admin/core/territory_unit/"))
    for word in ("列表", "创建", "编码", "名称", "层级", "上级", "街道", "社区", "网格", "楼栋"):
        assert word in text, word  # Flask-Admin's own catalogue, then ours


def test_admin_in_english(app, demo):
    client = app.test_client()
    assert login(client, "admin", "Admin-pass-123").status_code == 302
    text = page_text(switch_language(client, "en", "/admin/"))
    for word in ("Territory", "System", "Modules", "Settings", "Audit log", "Log out"):
        assert word in text, word
    assert "审计日志" not in text

    text = page_text(client.get("/admin/core/territory_unit/"))
    for word in ("List", "Create", "Code", "Level", "Street", "Building"):
        assert word in text, word
    assert "列表" not in text
