"""Printing (打印): the documents community staff print, as a page for the browser's print
dialog and as a PDF (WeasyPrint), from one template.

A plugin renders its document with :func:`respond`::

    from core import printing

    return printing.respond(
        "myplugin/print_thing.html", title=_("Thing register"), filename="事物登记表", rows=rows
    )

The template extends ``print/base.html`` and fills ``{% block content %}``. The base gives an
A4 page (``@page``) with the district's name and the document's title at the top, the page
numbers ("第 N 页 共 M 页") and who printed it when at the bottom, a "打印" button for the
browser (a script with the response's CSP nonce, no external asset) and a "PDF" link: the same
URL with ``?format=pdf``, which :func:`respond` answers with the PDF, named in Chinese
(``Content-Disposition`` with RFC 5987's ``filename*``).

The PDF embeds a CJK font (``WenQuanYi Micro Hei``, Debian's fonts-wqy-microhei, or Noto Sans
CJK SC), found by fontconfig; WeasyPrint needs pango (``make sysdeps``). It fetches nothing:
a document's images are inline (``data:`` URLs, SVG).

Access is the caller's: a document is printed by the view that shows it, after the same
permission and data-scope checks as its details page.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote, urlencode

from flask import Response, g, render_template, request
from flask_login import current_user
from markupsafe import Markup

from core.i18n import gettext as _

FONTS = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK", sans-serif'
LIST_MAX_ROWS = 2000  # rows of a printed list; the export has them all


def wants_pdf() -> bool:
    """The request asks for the PDF (``?format=pdf``)."""
    return request.args.get("format") == "pdf"


def css_string(text) -> Markup:
    """``text`` as a quoted CSS string (for ``content:`` in ``@page``), safe inside ``<style>``:
    quotes, backslashes and ``<`` escaped, line breaks as CSS escapes."""
    out = []
    for char in str(text or ""):
        if char in '"\\<>&' or ord(char) < 0x20:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup('"' + "".join(out) + '"')


def page_numbers_css() -> Markup:
    """``content:`` of the page numbers in the user's language: "第 " counter(page) " 页 共 "
    counter(pages) " 页" in Chinese, "Page " counter(page) " of " counter(pages) in English."""
    text = _("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")
    parts = []
    for piece in re.split("(\x00pages?\x00)", text):
        if piece == "\x00page\x00":
            parts.append("counter(page)")
        elif piece == "\x00pages\x00":
            parts.append("counter(pages)")
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts))


def printed_by() -> str:
    if not current_user or not current_user.is_authenticated:
        return ""
    return current_user.display_name or current_user.username


def printed_at() -> str:
    from flask_babel import format_datetime

    return format_datetime(dt.datetime.now(dt.UTC), "yyyy-MM-dd HH:mm")


def pdf_url() -> str:
    """This page's URL asking for the PDF (its other arguments kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "format"]
    return request.path + "?" + urlencode([*args, ("format", "pdf")])


def render_html(
    template: str, *, title, landscape: bool = False, pdf: bool | None = None, **context
) -> str:
    """The document as HTML (the browser's print view, and what the PDF is made of; ``pdf``:
    for the PDF, without the buttons, by default when the request asks ``?format=pdf``)."""
    district = g.get("district")
    sheet = {
        "title": str(title),
        "district": district.name if district is not None else "",
        "printed_at": printed_at(),
        "printed_by": printed_by(),
        "fonts": Markup(FONTS),
        "size": "A4 landscape" if landscape else "A4",
        "pdf_url": pdf_url(),
        "pdf": wants_pdf() if pdf is None else pdf,
    }
    return render_template(
        template, sheet=sheet, css_string=css_string, page_numbers_css=page_numbers_css(), **context
    )


def _no_fetch(url, *args, **kwargs):
    """WeasyPrint fetches nothing but inline data (no server-side request to any address)."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"printing fetches no external resource: {url[:80]}")


def to_pdf(html: str) -> bytes:
    """HTML as PDF bytes (A4 as the page's CSS says, with its fonts embedded)."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch, base_url="data:,").write_pdf()


def content_disposition(filename: str, attachment: bool = False) -> str:
    """``inline; filename="..."; filename*=UTF-8''...``: the Chinese name for browsers that
    read RFC 5987, an ASCII name for the others."""
    name = filename if filename.lower().endswith(".pdf") else filename + ".pdf"
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_.") or "document"
    if not fallback.lower().endswith(".pdf"):
        fallback += ".pdf"
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def pdf_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(filename)},
    )


def respond(
    template: str,
    *,
    title,
    filename: str,
    landscape: bool = False,
    pdf: bool | None = None,
    **context,
):
    """The print view of ``template``, or its PDF (``pdf``, by default when the request asks
    ``?format=pdf``), named ``filename``."""
    pdf = wants_pdf() if pdf is None else pdf
    html = render_html(template, title=title, landscape=landscape, pdf=pdf, **context)
    if pdf:
        return pdf_response(to_pdf(html), filename)
    return Response(html, mimetype="text/html")
