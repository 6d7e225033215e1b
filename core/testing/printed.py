"""Reading printed documents in tests (打印件): the text of a PDF that :mod:`core.printing`
made, and the fonts it embeds. Needs ``pypdf`` (a test dependency)::

    from core.testing.printed import pdf_text

    text = pdf_text(client.get("/admin/thing/print?format=pdf"))
    assert "登记表" in text
"""

from __future__ import annotations

import io


def _reader(response):
    from pypdf import PdfReader

    body = response.get_data()
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert body.startswith(b"%PDF"), body[:200]
    return PdfReader(io.BytesIO(body))


def pdf_text(response, squeeze: bool = False) -> str:
    """The text of every page of a PDF response (``squeeze``: without any white space, for
    words a narrow table column wrapped)."""
    text = "\n".join(page.extract_text() for page in _reader(response).pages)
    return "".join(text.split()) if squeeze else text


def pdf_fonts(response) -> set[str]:
    """The names of the fonts the PDF embeds (``ABCDEF+WenQuanYi-Micro-Hei``)."""
    fonts = set()
    for page in _reader(response).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts
