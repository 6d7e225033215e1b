"""The territory selector in admin forms and list filters (辖区树选择器), server side.

* :func:`attach_unit_pickers` marks every select of a territory unit in a model form (each
  foreign key to :class:`~core.models.TerritoryUnit`) for ``core/static/linli/unit-picker.js``,
  which replaces it with a tree that opens level by level (区 › 街道 › 社区 › 网格 › 小区 ›
  楼栋) and a search box, and writes the chosen unit's id back into the select. Without
  JavaScript the select works as before; the posted value is the unit's id either way, so
  the form's own query and the command's scope check still decide what is accepted.
* :class:`UnitAndBelowFilter` is the list filter "in this unit and below" (本单位及以下): the
  rows of a unit and of every unit under it, through the indexed path range.

No import of :mod:`core.admin` (which imports this module).
"""

from __future__ import annotations

import peewee as pw
from flask import g
from flask_admin.contrib.peewee.filters import BasePeeweeFilter

from core import unit_picker
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.territory import subtree_ids

PICKER_TYPE = "linli-unit"  # the filter's data type: unit-picker.js enhances its input


def unit_fields(model) -> list[str]:
    """Names of ``model``'s foreign keys to the territory tree."""
    return [
        name
        for name, field in model._meta.fields.items()
        if isinstance(field, pw.ForeignKeyField) and field.rel_model is TerritoryUnit
    ]


def attach_unit_pickers(view, form, action: str):
    """Mark the territory selects of ``form`` (a form of ``view``'s model) for the tree
    selector, with the chosen unit's path."""
    for name in unit_fields(view.model):
        field = form._fields.get(name)
        if field is None or not hasattr(field, "query") or field.type == "HiddenQueryField":
            continue  # absent, an ajax look-up, or hidden: left as it is
        current = field.data if isinstance(field.data, TerritoryUnit) else None
        path = unit_picker.paths([current])[current.id] if current is not None else ""
        field.widget = _Marked(
            field.widget,
            {
                "data-unit-picker": action,
                "data-unit-view": view.endpoint,
                "data-unit-path": path,
                "data-role": PICKER_TYPE,  # not select2: the tree takes its place
            },
        )
    return form


class _Marked:
    """A field's widget with the selector's attributes (wtfpeewee's select fields render
    their widget directly, without ``render_kw``)."""

    def __init__(self, widget, attributes):
        self.widget = widget
        self.attributes = attributes

    def __call__(self, field, **kwargs):
        return self.widget(field, **{**kwargs, **self.attributes})

    def __getattr__(self, name):
        return getattr(self.widget, name)


class UnitAndBelowFilter(BasePeeweeFilter):
    """在此单位及以下: rows of the unit chosen and of all units below it."""

    def __init__(self, column, name, options=None, data_type=PICKER_TYPE):
        super().__init__(column, name, options, data_type)

    def validate(self, value):
        return _is_int(value)

    def clean(self, value):
        return int(value)

    def apply(self, query, value):
        unit = unit_picker.unit(g.get("access"), value, district_id=g.get("district_id"))
        if unit is None:  # a unit outside the person's part of the tree: no rows
            return query.where(pw.SQL("1 = 0"))
        return query.where(self.column.in_(subtree_ids(unit)))

    def operation(self):
        return _l("in this unit and below")


def _is_int(value) -> bool:
    try:
        return -(2**31) <= int(value) < 2**31
    except (TypeError, ValueError):
        return False
