"""Territory tree rules and operations (辖区树).

A unit's ``path`` is the concatenation of zero-padded ids from the root district down to the
unit itself. Every descendant's path starts with its ancestor's path, so a subtree is the
index range ``[path, next(path))``: one indexed query on SQLite and PostgreSQL alike, with no
recursion, and independent of the database collation because paths are digits only.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from core.db import db
from core.i18n import lazy_gettext as _l
from core.models import PATH_WIDTH, TerritoryUnit


@dataclass(frozen=True)
class Level:
    """A level of the territory tree and the levels it may be placed under."""

    code: str
    label_zh: str
    label_en: str
    parents: tuple[str, ...]


CORE_LEVELS = (
    Level("district", "区", "District", ()),
    Level("street", "街道", "Street", ("district",)),
    Level("community", "社区", "Community", ("street",)),
    Level("grid", "网格", "Grid", ("community",)),
    Level("compound", "小区", "Compound", ("grid", "community")),
    Level("building", "楼栋", "Building", ("compound", "grid")),
)

LEVEL_LABELS = {
    "district": _l("District"),
    "street": _l("Street"),
    "community": _l("Community"),
    "grid": _l("Grid"),
    "compound": _l("Compound"),
    "building": _l("Building"),
}


class TerritoryError(ValueError):
    """An invalid territory operation; the message is shown to the user."""


_levels: dict[str, Level] = {level.code: level for level in CORE_LEVELS}


def register_levels(levels) -> None:
    for level in levels:
        _levels[level.code] = level


def levels() -> dict[str, Level]:
    return dict(_levels)


def level_label(code: str) -> str:
    """The level's name in the current language (core levels through the catalogue)."""
    from core.i18n import get_locale

    if code in LEVEL_LABELS:
        return str(LEVEL_LABELS[code])
    level = _levels.get(code)
    if level is None:
        return code
    return level.label_en if str(get_locale()).startswith("en") else level.label_zh


def path_upper(path: str) -> str:
    """The smallest digit string of the same length greater than every path below ``path``."""
    return str(int(path) + 1).zfill(len(path))


def subtree_condition(unit: TerritoryUnit, field=None):
    """A peewee condition on ``TerritoryUnit.path`` selecting ``unit`` and all below it."""
    field = field if field is not None else TerritoryUnit.path
    return (field >= unit.path) & (field < path_upper(unit.path))


def subtree(unit: TerritoryUnit) -> pw.ModelSelect:
    """Every unit in ``unit``'s subtree (the unit itself included), in one indexed query."""
    return TerritoryUnit.select().where(subtree_condition(unit))


def subtree_ids(unit: TerritoryUnit) -> pw.ModelSelect:
    """A sub-select of the ids in ``unit``'s subtree, to use inside another query."""
    return TerritoryUnit.select(TerritoryUnit.id).where(subtree_condition(unit))


def ancestor_ids(unit: TerritoryUnit) -> list[int]:
    """Ids from the root district down to ``unit`` itself, read off its path."""
    p = unit.path
    return [int(p[i : i + PATH_WIDTH]) for i in range(0, len(p), PATH_WIDTH)]


def ancestors(unit: TerritoryUnit) -> list[TerritoryUnit]:
    ids = ancestor_ids(unit)
    by_id = {u.id: u for u in TerritoryUnit.select().where(TerritoryUnit.id.in_(ids))}
    return [by_id[i] for i in ids if i in by_id]


def is_within(unit: TerritoryUnit, ancestor: TerritoryUnit) -> bool:
    return unit.path.startswith(ancestor.path)


def create_unit(
    code: str, name: str, level: str, parent: TerritoryUnit | None = None, sort_order: int = 0
) -> TerritoryUnit:
    """Create a unit under ``parent`` after checking the level rules."""
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 32:
        raise TerritoryError(_l("The code must be 1 to 32 characters."))
    if not name or len(name) > 100:
        raise TerritoryError(_l("The name must be 1 to 100 characters."))
    spec = _levels.get(level)
    if spec is None:
        raise TerritoryError(_l("Unknown level: %(level)s", level=level))
    if parent is None and spec.parents:
        raise TerritoryError(_l("A unit of this level needs a parent unit."))
    if parent is not None and parent.level not in spec.parents:
        raise TerritoryError(
            _l(
                "%(level)s cannot be placed under %(parent)s.",
                level=level_label(level),
                parent=level_label(parent.level),
            )
        )
    if TerritoryUnit.select().where(TerritoryUnit.code == code).exists():
        raise TerritoryError(_l("The code %(code)s is already used.", code=code))
    with db.atomic():
        unit = TerritoryUnit.create(
            code=code,
            name=name,
            level=level,
            parent=parent,
            sort_order=sort_order,
            depth=(parent.depth + 1) if parent else 0,
        )
        unit.path = (parent.path if parent else "") + str(unit.id).zfill(PATH_WIDTH)
        unit.district_id = parent.district_id if parent else unit.id
        unit.save(only=[TerritoryUnit.path, TerritoryUnit.district_id])
    return unit


def districts() -> pw.ModelSelect:
    return (
        TerritoryUnit.select()
        .where(TerritoryUnit.level == "district")
        .order_by(TerritoryUnit.sort_order, TerritoryUnit.code)
    )


def by_code(code: str) -> TerritoryUnit:
    unit = TerritoryUnit.get_or_none(TerritoryUnit.code == code)
    if unit is None:
        raise TerritoryError(_l("Unknown territory code: %(code)s", code=code))
    return unit


def district_by_code(code: str) -> TerritoryUnit:
    unit = by_code(code)
    if unit.level != "district":
        raise TerritoryError(_l("%(code)s is not a district.", code=code))
    return unit
