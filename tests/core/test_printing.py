"""Printing (打印, core/printing.py): every admin list prints its filtered, scoped rows as a
print view and as a PDF with Chinese text, page numbers and a Chinese file name; a user who may
not export the list may not print it."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from core import printing
from core.testing.printed import pdf_fonts, pdf_text
from tests.core.api_helpers import A, B, notice

LIST = "/admin/noticeboard/notice"


def test_the_list_prints_its_filtered_rows_with_chinese_headers(admin, api_people):
    notice(A, "幸福社区停水通知")
    notice(B, "长青社区停电通知")
    list_page = admin.get(f"{LIST}/?search=幸福").get_data(as_text=True)
    assert 'id="print-list"' in list_page and "打印本列表" in list_page
    assert f"{LIST}/print/?search=" in list_page  # the list's own filter goes along
    response = admin.get(f"{LIST}/print/?search=幸福")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "幸福社区停水通知" in page and "长青社区停电通知" not in page
    assert "<th>标题</th>" in page and "搜索：幸福" in page
    assert ">打印</button>" in page and "共 1 条" in page
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in page and "window.print()" in page
    assert "<link" not in page and "src=" not in page  # no external asset


def test_the_list_as_pdf_has_the_chinese_text_and_page_numbers(admin, api_people):
    notice(A, "幸福社区停水通知")
    notice(B, "长青社区停电通知")
    response = admin.get(f"{LIST}/print/?format=pdf&search=幸福")
    text = pdf_text(response)
    assert "幸福社区停水通知" in text and "长青社区停电通知" not in text
    assert "第 1 页 共 1 页" in text and "打印人" in text
    assert any("WenQuanYi" in f or "NotoSansCJK" in f for f in pdf_fonts(response))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline; filename=")
    assert "filename*=UTF-8''" in disposition and disposition.endswith(".pdf")


def test_a_scoped_user_prints_only_their_communitys_rows(app, api_people, client_for):
    notice(A, "幸福社区停水通知")
    notice(B, "长青社区停电通知")
    page = client_for("staff_a").get(f"{LIST}/print/").get_data(as_text=True)
    assert "幸福社区停水通知" in page and "长青社区停电通知" not in page
    assert client_for("viewer").get(f"{LIST}/print/").status_code in (302, 403)


def test_a_list_longer_than_the_cap_says_to_export(admin, api_people, monkeypatch):
    monkeypatch.setattr(printing, "LIST_MAX_ROWS", 2)
    for i in range(3):
        notice(A, f"通知{i}")
    page = admin.get(f"{LIST}/print/").get_data(as_text=True)
    assert "仅打印前 2 条，请导出 Excel 获取全部" in page
    assert page.count("<tr><td>") == 2


def test_css_strings_cannot_leave_the_style_sheet():
    text = str(printing.css_string('幸福"</style><script>'))
    assert "</style>" not in text and '"' not in text[1:-1] and text.startswith('"幸福')


@pytest.mark.parametrize("name", ["志愿服务记录证明 ZY-1", "report"])
def test_the_file_name_is_chinese_for_browsers_and_ascii_for_others(name):
    value = printing.content_disposition(name)
    assert value.endswith("filename*=UTF-8''" + quote(name + ".pdf", safe=""))
    fallback = re.search(r'filename="([^"]+)"', value).group(1)
    assert fallback.isascii() and fallback.endswith(".pdf")


# -- every list of every plugin prints ----------------------------------------------------


@pytest.fixture(scope="module")
def every_plugin(tmp_path_factory):
    from core.db import db
    from tests.core.test_escaping import walk_app

    app = walk_app(tmp_path_factory.mktemp("printing"))
    yield app
    if db.obj is not None and not db.is_closed():
        db.close()


def test_every_admin_list_prints_with_chinese_headers(every_plugin):
    from core.admin import ModelView
    from core.testing import ADMIN_PASSWORD, login

    app = every_plugin
    client = app.test_client()
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 302
    printed, failed = 0, []
    for view in app.extensions["admin"][0]._views:
        if not isinstance(view, ModelView):
            continue
        base = view.url.rstrip("/")
        response = client.get(f"{base}/print/")
        if not view.allow_export:
            assert response.status_code == 403, base  # no export, no print
            continue
        page = response.get_data(as_text=True)
        if response.status_code != 200 or '<table id="print-list"' not in page:
            failed.append(f"{base}: {response.status_code}")
            continue
        headers = re.findall(r"<th>([^<]*)</th>", page)
        chinese = all(h == "ID" or re.search(r"[\u4e00-\u9fff]", h) for h in headers)
        assert headers and chinese, (base, headers)
        printed += 1
    assert not failed, failed
    assert printed > 20
