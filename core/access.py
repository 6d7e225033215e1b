"""Permissions and data scope (权限与数据权限).

A permission is role x plugin x action. A user holds roles through assignments, each at a
territory unit with a scope: ``all`` (全部), ``subtree`` (本级及以下), ``unit`` (仅本级) or
``own`` (仅本人). What a user may see of a district-owned model is the union of the scopes of
the assignments whose role grants ``read`` on the model's plugin, intersected with the
district the user is working in, and narrowed further by plugins' ``linli_scope_query``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

import peewee as pw
from werkzeug.security import check_password_hash, generate_password_hash

from core.models import Role, RoleAssignment, RolePermission, TerritoryUnit, User
from core.territory import subtree_condition

STANDARD_ACTIONS = (
    "read",
    "create",
    "update",
    "delete",
    "export",
    "import",
    "approve",
    "view_personal_data",
)


@dataclass(frozen=True)
class Action:
    """An action a plugin declares beyond the standard ones."""

    code: str
    label_zh: str
    label_en: str


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


class Access:
    """What one user may do; built once per request."""

    def __init__(self, user: User | None):
        self.user = user
        self.assignments: list[RoleAssignment] = []
        self.grants: dict[int, set[tuple[str, str]]] = {}
        if user is None or not getattr(user, "id", None):
            return
        self.assignments = list(
            RoleAssignment.select(RoleAssignment, TerritoryUnit, Role)
            .join(TerritoryUnit)
            .switch(RoleAssignment)
            .join(Role)
            .where(RoleAssignment.user == user.id)
        )
        role_ids = {a.role_id for a in self.assignments}
        for perm in RolePermission.select().where(RolePermission.role.in_(role_ids or [0])):
            self.grants.setdefault(perm.role_id, set()).add((perm.plugin, perm.action))

    @staticmethod
    def _grants(perms: set[tuple[str, str]], plugin: str, action: str) -> bool:
        return any(p in (plugin, "*") and a in (action, "*") for p, a in perms)

    def assignments_for(self, plugin: str, action: str) -> list[RoleAssignment]:
        return [
            a
            for a in self.assignments
            if self._grants(self.grants.get(a.role_id, set()), plugin, action)
        ]

    def can(self, plugin: str, action: str) -> bool:
        return bool(self.assignments_for(plugin, action))

    @property
    def is_staff(self) -> bool:
        """Whether a role of the user works in the staff admin (and the API). Residents,
        owners, volunteers and organisation contacts (roles with ``staff`` off) use the
        portal only: the admin answers 403 for them."""
        return any(a.role.staff for a in self.assignments)

    @property
    def is_platform_admin(self) -> bool:
        return any(
            a.scope == "all" and ("*", "*") in self.grants.get(a.role_id, set())
            for a in self.assignments
        )

    def district_ids(self) -> set[int] | None:
        """Districts the user works in; None means every district (scope ``all``)."""
        if any(a.scope == "all" for a in self.assignments):
            return None
        return {a.unit.district_id for a in self.assignments}

    def scope_condition(self, model, plugin: str, action: str = "read", district_id=None):
        """A peewee condition selecting the rows of ``model`` this user may ``action``.

        ``model`` must have a ``unit`` foreign key to the territory tree; ``own`` scope also
        needs ``created_by``. Returns a condition that matches nothing when no assignment
        grants the action.
        """
        parts = []
        everything = False
        for a in self.assignments_for(plugin, action):
            if a.scope == "all":
                everything = True
                break
            if a.scope == "subtree":
                parts.append(
                    model.unit.in_(
                        TerritoryUnit.select(TerritoryUnit.id).where(subtree_condition(a.unit))
                    )
                )
            elif a.scope == "unit":
                parts.append(model.unit == a.unit_id)
            elif a.scope == "own" and "created_by" in model._meta.fields:
                parts.append(model.created_by == self.user.id)
        if not everything and not parts:
            return pw.SQL("1 = 0")
        # (peewee expressions compare lazily: never test them with == or "in")
        condition = None if everything else reduce(operator.or_, parts)
        if district_id is not None:
            in_district = model.unit.in_(
                TerritoryUnit.select(TerritoryUnit.id).where(
                    TerritoryUnit.district_id == district_id
                )
            )
            condition = in_district if condition is None else (condition & in_district)
        return condition if condition is not None else pw.SQL("1 = 1")

    def unit_condition(self, plugin: str, action: str = "read"):
        """Territory units this user may use for ``action`` (e.g. units offered in a form)."""
        parts = []
        for a in self.assignments_for(plugin, action):
            if a.scope == "all":
                return pw.SQL("1 = 1")
            if a.scope == "subtree":
                parts.append(subtree_condition(a.unit))
            else:  # unit and own: only the unit itself
                parts.append(TerritoryUnit.id == a.unit_id)
        return reduce(operator.or_, parts) if parts else pw.SQL("1 = 0")


def record_scope(access, model, plugin: str, action: str = "read", district_id=None, through=None):
    """Rows of ``model`` that ``access`` may ``action``: through the model's own ``unit``, or
    through the foreign key ``through`` to a district-owned model. The admin's base view and
    the API share this one rule."""
    if access is None:
        return pw.SQL("1 = 0")
    if "unit" in model._meta.fields:
        return access.scope_condition(model, plugin, action, district_id)
    fk = model._meta.fields[through]
    parent = fk.rel_model
    visible = parent.select(parent._meta.primary_key).where(
        access.scope_condition(parent, plugin, action, district_id)
    )
    return fk.in_(visible)


def may_write(access, record, plugin: str, action: str, district_id=None, through=None) -> bool:
    """Whether ``record`` (new or changed) lies where ``access`` may ``action``: its unit is
    one the user may use in ``district_id``, or the parent named by ``through`` is in scope."""
    if access is None:
        return False
    model = type(record)
    if through is not None and "unit" not in model._meta.fields:
        fk = model._meta.fields[through]
        parent = fk.rel_model
        return (
            parent.select()
            .where(
                (parent._meta.primary_key == record.__data__.get(fk.name))
                & access.scope_condition(parent, plugin, action, district_id)
            )
            .exists()
        )
    if "unit" not in model._meta.fields:
        return True
    unit_ok = TerritoryUnit.select().where(
        (TerritoryUnit.id == record.__data__.get("unit")) & access.unit_condition(plugin, action)
    )
    if district_id is not None:
        unit_ok = unit_ok.where(TerritoryUnit.district_id == district_id)
    return unit_ok.exists()
