"""Choice lists that districts edit (字典): one place that every surface asks.

A model field declared as :class:`core.fields.DictionaryField` takes its choices from the
dictionary it names: the platform's items (no district) and the district's own, a district's
item overriding a platform item of the same code (its own label), retired items refused for
new input but still labelled on old records. The admin form's select, the list and details
columns, the list filter, the API's validation, the spreadsheet import and the template's
dropdown all read :func:`field_choices`, :func:`field_label` and :func:`field_problem`;
ordinary ``choices=`` fields go through the same functions, so a surface never needs to
know which kind a field is.

The items are read once per request (and district), never once per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.fields import dictionary_of
from core.i18n import gettext as _
from core.i18n import is_english
from forms.models import Dictionary, DictionaryItem

_CACHE = "_linli_dictionaries"


@dataclass(frozen=True)
class Item:
    code: str
    label_zh: str
    label_en: str
    retired: bool
    district_id: int | None

    def label(self) -> str:
        return (self.label_en or self.label_zh) if is_english() else self.label_zh


def _holder():
    """The request (one cache per request), else the application context, else nothing."""
    from flask import g, has_app_context, has_request_context, request

    if has_request_context():
        return request._get_current_object()
    return g._get_current_object() if has_app_context() else None


def _cache() -> dict:
    holder = _holder()
    if holder is None:
        return {}
    found = getattr(holder, _CACHE, None)
    if found is None:
        found = {}
        setattr(holder, _CACHE, found)
    return found


def forget() -> None:
    """Drop what this request has read (after a dictionary changes)."""
    holder = _holder()
    if holder is not None and hasattr(holder, _CACHE):
        delattr(holder, _CACHE)


def _defaults(field) -> dict[str, Item]:
    found = {}
    for code, label in getattr(field, "defaults", ()) or ():
        from flask_babel import force_locale

        with force_locale("zh_Hans_CN"):
            zh = str(label)
        with force_locale("en"):  # "Shop (商铺)": the English without its Chinese gloss
            en = re.sub(r" \([^)]*[\u4e00-\u9fff][^)]*\)$", "", str(label))
        found[code] = Item(code, zh, en, False, None)
    return found


def items(code: str, district_id: int | None, field=None) -> dict[str, Item]:
    """code -> :class:`Item` of the dictionary ``code`` in ``district_id`` (retired ones
    too), in order; the district's item wins over the platform's of the same code. A
    dictionary not in the database yet stands on ``field.defaults``."""
    cache = _cache()
    key = ("items", code, district_id)
    if key not in cache:
        query = (
            DictionaryItem.select(DictionaryItem, Dictionary.id)
            .join(Dictionary)
            .where(Dictionary.code == code)
        )
        scope = DictionaryItem.district.is_null()
        if district_id is not None:
            scope |= DictionaryItem.district == district_id
        rows = list(
            query.where(scope).order_by(
                DictionaryItem.sort_order, DictionaryItem.code, DictionaryItem.id
            )
        )
        if (
            not rows
            and field is not None
            and not Dictionary.select().where(Dictionary.code == code).exists()
        ):
            cache[key] = _defaults(field)
            return cache[key]
        found: dict[str, Item] = {}
        for row in rows:
            if row.code in found and row.district_id is None:
                continue  # the district's own already overrides it
            found[row.code] = Item(
                row.code, row.label_zh, row.label_en, row.retired, row.district_id
            )
        cache[key] = found
    return cache[key]


def _anywhere(code: str, value: str) -> Item | None:
    """The item of ``value`` in any district (a record shown outside its district)."""
    cache = _cache()
    key = ("anywhere", code, value)
    if key not in cache:
        row = (
            DictionaryItem.select()
            .join(Dictionary)
            .where((Dictionary.code == code) & (DictionaryItem.code == value))
            .order_by(DictionaryItem.district.is_null(False), DictionaryItem.id)
            .first()
        )
        cache[key] = (
            Item(row.code, row.label_zh, row.label_en, row.retired, row.district_id)
            if row
            else None
        )
    return cache[key]


def choices(code: str, district_id: int | None, keep=None, field=None, retired=False):
    """[(code, label)] to choose from: the items in use, plus ``keep`` (a record's current
    value, even retired) and, with ``retired``, the retired ones (a list filter)."""
    found = []
    for item in items(code, district_id, field).values():
        if not item.retired or retired or item.code == keep:
            found.append((item.code, item.label()))
    if keep and keep not in {c for c, _label in found}:
        found.append((keep, label(code, keep, district_id, field)))
    return found


def label(code: str, value, district_id: int | None, field=None) -> str:
    """The label of ``value`` (the district's own if it overrides), the code itself when the
    dictionary has no such item."""
    if value is None or value == "":
        return ""
    item = items(code, district_id, field).get(value) or _anywhere(code, value)
    return item.label() if item else str(value)


def problem(code: str, value, district_id: int | None, field=None) -> str | None:
    """Why ``value`` cannot be chosen now in ``district_id`` (unknown, another district's,
    retired), or None."""
    item = items(code, district_id, field).get(value)
    if item is None:
        return _("Not a valid choice.")
    if item.retired:
        return _("This value is retired and can no longer be chosen.")
    return None


# -- any model field, a dictionary's or one with fixed ``choices`` ---------------------------


def has_choices(field) -> bool:
    import peewee as pw

    return bool(dictionary_of(field)) or bool(
        field.choices and not isinstance(field, pw.ForeignKeyField)
    )


def field_choices(field, district_id: int | None, keep=None, retired=False):
    """[(code, label)] of a model field with choices (a dictionary's or fixed), else None."""
    code = dictionary_of(field)
    if code:
        return choices(code, district_id, keep=keep, field=field, retired=retired)
    if not has_choices(field):
        return None
    return [
        (c[0], str(c[1])) if isinstance(c, list | tuple) else (c, str(c)) for c in field.choices
    ]


def field_label(field, value, district_id: int | None) -> str:
    code = dictionary_of(field)
    if code:
        return label(code, value, district_id, field)
    labels = dict(field_choices(field, district_id) or ())
    return str(labels.get(value, "" if value is None else value))


def field_problem(field, value, district_id: int | None) -> str | None:
    """The one check of a coded value, on every surface (the commands call it)."""
    code = dictionary_of(field)
    if code:
        return problem(code, value, district_id, field)
    if has_choices(field):
        codes = {c[0] if isinstance(c, list | tuple) else c for c in field.choices}
        if value not in codes:
            return _("Not a valid choice.")
    return None
