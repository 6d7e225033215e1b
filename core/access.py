"""Permissions and data scope (权限与数据权限).

A permission is role x resource x action. A resource (资源) is a plugin's model, named
``plugin.resource`` after its table (``owners_owner`` -> ``owners.owner``, ``core_case`` ->
``core.case``); a grant names one resource (``owners.owner:read``), a whole plugin
(``owners:read``, which covers every resource of the plugin and the plugin's own actions), or
everything (``*``). A check on a resource is met by a grant of that resource, of its plugin or
of ``*``; a check on a plugin (a plugin-wide command such as ``core:manage_users``) only by a
grant of the plugin or of ``*``. An action is standard (read, create, update, delete, export,
import, approve, view_personal_data) or declared by the plugin (``timebank:confirm``).

A user holds roles through assignments, each at a
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


def resource_of(plugin: str, model) -> str:
    """The resource name of ``model`` in ``plugin``'s namespace: ``owners.owner`` for the table
    ``owners_owner``. A model whose table is not the plugin's (another plugin's model used in
    a plugin's check) has no resource of that plugin: the check stays plugin-wide."""
    if "." in plugin:
        return plugin
    table = model._meta.table_name
    prefix = plugin + "_"
    return f"{plugin}.{table[len(prefix) :]}" if table.startswith(prefix) else plugin


def covers(grants, target: str, action: str) -> bool:
    """Whether the (resource, action) ``grants`` meet a check of ``action`` on ``target``, a
    resource (``owners.owner``) or a plugin (``owners``)."""
    plugin = target.split(".", 1)[0]
    return any(
        ga in ("*", action) and (gt in ("*", target, plugin) or gt == plugin + ".*")
        for gt, ga in grants
    )


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

    def assignments_for(self, target: str, action: str) -> list[RoleAssignment]:
        """Assignments whose role grants ``action`` on ``target`` (a resource or a plugin)."""
        return [
            a for a in self.assignments if covers(self.grants.get(a.role_id, ()), target, action)
        ]

    def can(self, target: str, action: str) -> bool:
        """Whether some role grants ``action`` on ``target``: a resource (``owners.owner``)
        or, for plugin-wide commands, a plugin (``owners``)."""
        return bool(self.assignments_for(target, action))

    def can_any(self, plugin: str, action: str) -> bool:
        """Whether some role grants ``action`` on ``plugin`` or on any of its resources: a
        menu or portal entry of the plugin is shown."""
        prefix = plugin + "."
        return any(
            ga in ("*", action) and (gt in ("*", plugin) or gt.startswith(prefix))
            for a in self.assignments
            for gt, ga in self.grants.get(a.role_id, ())
        )

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

    def scope_condition(
        self, model, plugin: str, action: str = "read", district_id=None, resource=None
    ):
        """A peewee condition selecting the rows of ``model`` this user may ``action``.

        ``model`` must have a ``unit`` foreign key to the territory tree; ``own`` scope also
        needs ``created_by``. The grant asked for is ``action`` on ``resource`` (by default
        the model's own resource in ``plugin``). Returns a condition that matches nothing
        when no assignment grants the action.
        """
        parts = []
        everything = False
        inside = True  # every part keeps to units of ``district_id``: no district term needed
        for a in self.assignments_for(resource or resource_of(plugin, model), action):
            if a.scope == "all":
                everything = True
                break
            if a.scope == "subtree" and a.unit_id == district_id:
                parts.append(  # the whole district: the district term alone (indexed)
                    model.unit.in_(
                        TerritoryUnit.select(TerritoryUnit.id).where(
                            TerritoryUnit.district_id == district_id
                        )
                    )
                )
            elif a.scope == "subtree":
                parts.append(
                    model.unit.in_(
                        TerritoryUnit.select(TerritoryUnit.id).where(subtree_condition(a.unit))
                    )
                )
                inside = inside and a.unit.district_id == district_id
            elif a.scope == "unit":
                parts.append(model.unit == a.unit_id)
                inside = inside and a.unit.district_id == district_id
            elif a.scope == "own" and "created_by" in model._meta.fields:
                parts.append(model.created_by == self.user.id)
                inside = False
        if not everything and not parts:
            return pw.SQL("1 = 0")
        # (peewee expressions compare lazily: never test them with == or "in")
        condition = None if everything else reduce(operator.or_, parts)
        if district_id is not None and not (condition is not None and inside):
            in_district = model.unit.in_(
                TerritoryUnit.select(TerritoryUnit.id).where(
                    TerritoryUnit.district_id == district_id
                )
            )
            condition = in_district if condition is None else (condition & in_district)
        return condition if condition is not None else pw.SQL("1 = 1")

    def unit_condition(self, target: str, action: str = "read"):
        """Territory units where this user may ``action`` on ``target`` (a resource or a
        plugin), e.g. the units offered in a form."""
        parts = []
        for a in self.assignments_for(target, action):
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
        access.scope_condition(parent, plugin, action, district_id, resource_of(plugin, model))
    )
    return fk.in_(visible)


def may_write(access, record, plugin: str, action: str, district_id=None, through=None) -> bool:
    """Whether ``record`` (new or changed) lies where ``access`` may ``action``: its unit is
    one the user may use in ``district_id``, or the parent named by ``through`` is in scope."""
    if access is None:
        return False
    model = type(record)
    resource = resource_of(plugin, model)
    if through is not None and "unit" not in model._meta.fields:
        fk = model._meta.fields[through]
        parent = fk.rel_model
        return (
            parent.select()
            .where(
                (parent._meta.primary_key == record.__data__.get(fk.name))
                & access.scope_condition(parent, plugin, action, district_id, resource)
            )
            .exists()
        )
    if "unit" not in model._meta.fields:
        return True
    unit_ok = TerritoryUnit.select().where(
        (TerritoryUnit.id == record.__data__.get("unit")) & access.unit_condition(resource, action)
    )
    if district_id is not None:
        unit_ok = unit_ok.where(TerritoryUnit.district_id == district_id)
    return unit_ok.exists()
