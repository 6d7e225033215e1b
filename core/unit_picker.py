"""The territory units a person may choose (辖区选择): the roots of their part of the tree,
the children of a unit, a search by name, and a unit's path as people read it
("东湖街道 › 幸福社区 › 幸福东苑3号楼").

Every answer is one or two indexed queries (the materialized ``path`` range of each
assignment, ``parent``, ``district_id``), limited in SQL: never a walk of the whole tree in
Python. What is offered is where the person's roles grant ``action`` on ``target`` (a
resource such as ``owners.owner``, or a plugin), or, without a target, where any of their
roles holds, always inside the district being worked in.
"""

from __future__ import annotations

import operator
from functools import reduce

import peewee as pw

from core.access import Access
from core.models import TerritoryUnit
from core.territory import ancestor_ids, level_label, subtree_condition

SEARCH_LIMIT = 20
SEPARATOR = " › "
NOTHING = pw.SQL("1 = 0")


def _assignments(access: Access | None, target: str | None, action: str):
    if access is None:
        return []
    return access.assignments_for(target, action) if target else list(access.assignments)


def allowed_condition(access: Access | None, target: str | None = None, action: str = "read"):
    """A condition on ``TerritoryUnit`` selecting the units the person may choose."""
    if access is None:
        return NOTHING
    if target:
        return access.unit_condition(target, action)
    parts = []
    for a in _assignments(access, None, action):
        if a.scope == "all":
            return pw.SQL("1 = 1")
        parts.append(
            subtree_condition(a.unit) if a.scope == "subtree" else TerritoryUnit.id == a.unit_id
        )
    return reduce(operator.or_, parts) if parts else NOTHING


def allowed(access, target=None, action="read", district_id=None) -> pw.ModelSelect:
    query = TerritoryUnit.select().where(allowed_condition(access, target, action))
    if district_id is not None:
        query = query.where(TerritoryUnit.district_id == district_id)
    return query


def roots(access, target=None, action="read", district_id=None) -> list[TerritoryUnit]:
    """Where the person's part of the tree starts: the district (scope ``all``), or the units
    of their assignments, less those inside another one's subtree."""
    found = _assignments(access, target, action)
    if any(a.scope == "all" for a in found):
        query = TerritoryUnit.select().where(TerritoryUnit.level == "district")
        if district_id is not None:
            query = query.where(TerritoryUnit.id == district_id)
        return list(query.order_by(TerritoryUnit.sort_order, TerritoryUnit.code))
    units = {a.unit.id: (a.unit, a.scope) for a in found}
    if district_id is not None:
        units = {k: v for k, v in units.items() if v[0].district_id == district_id}
    kept = [
        unit
        for unit, _scope in units.values()
        if not any(
            other.id != unit.id and scope == "subtree" and unit.path.startswith(other.path)
            for other, scope in units.values()
        )
    ]
    return sorted(kept, key=lambda u: u.path)


def unit(access, unit_id, target=None, action="read", district_id=None) -> TerritoryUnit | None:
    """The unit ``unit_id`` if the person may choose it, else None (as if it did not exist)."""
    try:
        key = int(unit_id)
    except (TypeError, ValueError):
        return None
    if not -(2**31) <= key < 2**31:
        return None
    return allowed(access, target, action, district_id).where(TerritoryUnit.id == key).first()


def children(access, parent: TerritoryUnit, target=None, action="read", district_id=None):
    """The children of ``parent`` the person may choose, in the tree's order."""
    return list(
        allowed(access, target, action, district_id)
        .where(TerritoryUnit.parent == parent.id)
        .order_by(TerritoryUnit.sort_order, TerritoryUnit.code)
    )


def search(access, term: str, target=None, action="read", district_id=None, limit=SEARCH_LIMIT):
    """Units whose name contains ``term`` (at most ``limit``), the higher levels first."""
    term = (term or "").strip()
    if not term:
        return []
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    operator_ = (
        "ILIKE" if isinstance(TerritoryUnit._meta.database.obj, pw.PostgresqlDatabase) else "LIKE"
    )
    like = pw.NodeList((TerritoryUnit.name, pw.SQL(operator_), pattern, pw.SQL("ESCAPE"), "\\"))
    query = (
        allowed(access, target, action, district_id)
        .where(like)
        .order_by(TerritoryUnit.depth, TerritoryUnit.path)
        .limit(limit)
    )
    return list(query)


def with_children(access, units, target=None, action="read", district_id=None) -> set[int]:
    """Ids of those of ``units`` that have children the person may choose (one query)."""
    ids = [u.id for u in units]
    if not ids:
        return set()
    query = (
        allowed(access, target, action, district_id)
        .select(TerritoryUnit.parent)
        .where(TerritoryUnit.parent.in_(ids))
        .distinct()
    )
    return {row.parent_id for row in query}


def paths(units, skip_district: bool = True) -> dict[int, str]:
    """Each unit's path of names from below the district down to itself (one query)."""
    wanted = {i for u in units for i in ancestor_ids(u)}
    names = (
        {
            u.id: (u.name, u.level)
            for u in TerritoryUnit.select(
                TerritoryUnit.id, TerritoryUnit.name, TerritoryUnit.level
            ).where(TerritoryUnit.id.in_(list(wanted)))
        }
        if wanted
        else {}
    )
    found = {}
    for u in units:
        chain = [names[i] for i in ancestor_ids(u) if i in names]
        if skip_district and len(chain) > 1 and chain[0][1] == "district":
            chain = chain[1:]
        found[u.id] = SEPARATOR.join(name for name, _level in chain)
    return found


def describe(access, units, target=None, action="read", district_id=None) -> list[dict]:
    """What the selector shows of ``units``: id, name, level and its label, the path, and
    whether the unit has children to open."""
    units = list(units)
    parents = with_children(access, units, target, action, district_id)
    labels = paths(units)
    return [
        {
            "id": u.id,
            "name": u.name,
            "code": u.code,
            "level": u.level,
            "level_label": level_label(u.level),
            "path": labels.get(u.id, u.name),
            "has_children": u.id in parents,
        }
        for u in units
    ]
