"""Uploaded photos and files (上传文件), kept under the upload store (``LINLI_UPLOAD_DIR``).

A file is checked (type by content sniffing for images, declared type otherwise, and size)
before anything is written. The stored reference is a small dict kept in the submission:
``{"path": "2026/11/<uuid>.jpg", "name": "现场.jpg", "size": 12345, "content_type": ...}``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from forms.definition import FieldDef, Invalid

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
MAGIC = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}


def sniff(head: bytes, declared: str) -> str:
    """The content type the bytes show, where they show one; else the declared type."""
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if declared in ("image/jpeg", "image/png", "image/webp", "application/pdf"):
        return "application/octet-stream"  # claims to be an image or PDF but is not
    return declared


def upload_root() -> Path:
    from flask import current_app

    return Path(current_app.config["LINLI"]["UPLOAD_DIR"])


def store(data: bytes, name: str, declared: str, f: FieldDef) -> dict:
    """Check and write one upload for field ``f``; raise :class:`Invalid` when refused."""
    from core.i18n import gettext as _

    kind = sniff(data[:16], declared or "")
    if kind not in f.accept:
        raise Invalid(_("This type of file is not allowed here."))
    if len(data) > (f.max_size_kb or 0) * 1024:
        raise Invalid(_("The file is larger than %(n)s KB.", n=f.max_size_kb))
    today = dt.date.today()
    relative = Path(f"{today:%Y}/{today:%m}/{uuid.uuid4().hex}{EXTENSIONS.get(kind, '')}")
    target = upload_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return {
        "path": str(relative),
        "name": (name or "")[:200],
        "size": len(data),
        "content_type": kind,
    }


def store_field(f: FieldDef, raw):
    """A WTForms FileStorage becomes a stored reference; refused files become an error value
    that validation reports; anything else passes through."""
    from werkzeug.datastructures import FileStorage

    if not isinstance(raw, FileStorage) or not raw.filename:
        return raw if isinstance(raw, dict) else None
    data = raw.read((f.max_size_kb or 0) * 1024 + 1)
    try:
        return store(data, raw.filename, raw.mimetype, f)
    except Invalid as exc:
        return {"rejected": exc.message}
