"""Values shown to people as text (可读的结果): yes/no for booleans, a dash for nothing, a small
table for structured data (a record's recorded changes, a list of pairs) — never raw JSON or
a Python repr on a page.

Every piece of data is escaped here (:func:`markupsafe.escape`); only the table markup is ours.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from markupsafe import Markup, escape

from core.i18n import gettext as _

DASH = "—"


def text(value) -> str:
    """One value as a person reads it: 是/否, a dash for nothing, a list joined with commas, a
    mapping as ``key: value`` pairs."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "；".join(f"{k}: {text(v)}" for k, v in value.items()) or DASH
    if isinstance(value, (list, tuple, set)):
        return "、".join(text(v) for v in value) or DASH
    return str(value)


def yes_no(view, context, model, name):
    """A column type formatter of booleans for the details pages."""
    return text(getattr(model, name, None)) if model is not None else DASH


def bool_detail(view, value, name=None):
    """Flask-Admin type formatter signature (view, value, name)."""
    return text(value)


def table(head: list[str], rows: list[list], css: str = "table table-sm table-bordered mb-0"):
    """A small HTML table; every cell is escaped."""
    parts = [f'<table class="{css}"><thead><tr>']
    parts += [f"<th>{escape(h)}</th>" for h in head]
    parts.append("</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{escape(text(c))}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table>")
    return Markup("".join(parts))


def changes_table(raw: str, labels: dict | None = None):
    """The recorded changes of an audit row (``{"field": [before, after]}``, or any JSON) as a
    table of field, before and after (or field and value)."""
    labels = labels or {}
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return raw or DASH
    if not data:
        return DASH
    if not isinstance(data, dict):
        return text(data)
    pairs = all(isinstance(v, list) and len(v) == 2 for v in data.values())
    if pairs:
        rows = [[str(labels.get(k, k)), v[0], v[1]] for k, v in data.items()]
        return table([_("Field"), _("Before"), _("After")], rows)
    rows = [[str(labels.get(k, k)), v] for k, v in data.items()]
    return table([_("Field"), _("Recorded value")], rows)
