"""待办 To-do: everything waiting for the user's step, overdue first.

Two sources:

* the workflow registry (:func:`core.workflow.registered`): for every step with a permission,
  the records in its source states that the user may take it on: the permission on the
  record's resource, the record in their data scope in the current district, the
  ``linli_permission_check`` hooks and the step's guards (separation of duties) — the same
  :func:`core.workflow.refusal` the step itself asks. A new workflow shows up here without
  code of its own. Steps without a permission (a volunteer's own confirmation, a step taken
  with a code) are the portal's tasks, not the admin's to-do; nor are steps declared with
  ``todo=False`` (a correction such as 冲销, a supervisor's option such as 督办).
* the runtime hook ``linli_todo_items(user, access, district)`` for work outside a workflow
  (objections to answer); and the items of ``linli_overdue_items`` that name the user as
  responsible and are not in the list yet.

Services layer: the admin page and the top bar count (:mod:`core.todo_admin`) only show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core import workdays
from core.access import resource_of
from core.workflow import current_deadline, current_deadlines, refusal, registered

# at most this many records of one step are looked at (the list is a worklist, not a report)
PER_STEP = 200


@dataclass
class TodoItem:
    """One thing waiting for the user: ``title``, a link ``url`` to the record, its
    deadline ``due``, the ``steps`` they may take (labels), the module (plugin id)."""

    title: str
    url: str
    due: dt.date | None = None
    plugin: str = "core"
    state: str = ""
    steps: list[str] = field(default_factory=list)
    kind: str = ""

    @property
    def overdue(self) -> bool:
        return workdays.is_overdue(self.due)

    @property
    def days_left(self) -> int | None:
        return workdays.days_left(self.due) if self.due else None


def detail_endpoints() -> dict:
    """Model -> the endpoint of the details page of its first admin view in this application
    (a workflow of a model without one here, from a module not installed, is left out)."""
    from flask import current_app, has_app_context

    endpoints: dict = {}
    if not has_app_context():
        return endpoints
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            model = getattr(view, "model", None)
            if model is not None and getattr(view, "can_view_details", False):
                endpoints.setdefault(model, f"{view.endpoint}.details_view")
    return endpoints


def workflow_items(user, access, district, enabled=None) -> list[TodoItem]:
    """The records of the workflows of the core and of ``enabled`` plugins on which ``user``
    may take a step now, in ``district``."""
    if access is None or user is None or district is None:
        return []
    from flask import url_for

    endpoints = detail_endpoints()
    items: dict[tuple, TodoItem] = {}
    for flow in registered():
        model = flow.model
        if model not in endpoints or (
            enabled is not None and flow.plugin not in {"core", *enabled}
        ):
            continue
        for t in flow.transitions.values():
            permission = flow.permission_of(t)
            if permission is None or not t.todo:
                continue
            plugin, action = permission
            if not access.can(resource_of(plugin, model), action):
                continue
            query = (
                model.select()
                .where(
                    flow.state_column(model).in_(t.sources)
                    & access.scope_condition(model, plugin, action, district.id)
                )
                .order_by(model._meta.primary_key)
                .limit(PER_STEP)
            )
            records = list(query)
            deadlines = current_deadlines(model, [r._pk for r in records])
            for record in records:
                if refusal(flow, t, record, user, access, scoped=True) is not None:
                    continue
                key = (model, record._pk)
                item = items.get(key)
                if item is None:
                    item = items[key] = TodoItem(
                        str(record),
                        url_for(endpoints[model], id=record._pk),
                        deadlines[record._pk] if deadlines else current_deadline(record),
                        flow.plugin,
                        flow.state_label(flow.state_of(record)),
                        kind=str(getattr(model._meta, "verbose_name", None) or model.__name__),
                    )
                item.steps.append(str(t.label))
    return list(items.values())


def _hook_items(hook: str, **kwargs) -> list:
    from flask import has_app_context

    if not has_app_context():
        return []
    from core.registry import kernel_state

    return [item for result in kernel_state().runtime(hook)(**kwargs) for item in (result or [])]


def _overdue_items(user, district) -> list:
    """Overdue items that name ``user`` as responsible (counted and cut in SQL by the plugins
    that can, :func:`core.notifications.overdue_page`)."""
    from flask import has_app_context

    from core.models import TerritoryUnit
    from core.notifications import overdue_page

    if not has_app_context() or not getattr(user, "id", None):
        return []
    in_district = TerritoryUnit.select(TerritoryUnit.id).where(
        TerritoryUnit.district_id == district.id
    )
    return overdue_page(district, lambda plugin: in_district, user.id, PER_STEP).items


def todo_items(user, access, district, enabled=None) -> list[TodoItem]:
    """Everything waiting for ``user`` in ``district``: overdue first, then by deadline (none
    last), then by title."""
    if enabled is None:
        from flask import g, has_app_context

        enabled = g.get("enabled_plugins", set()) if has_app_context() else set()
    items = workflow_items(user, access, district, enabled)
    if district is not None and access is not None:
        items += _hook_items("linli_todo_items", user=user, access=access, district=district)
        known = {item.url for item in items}
        for overdue in _overdue_items(user, district):
            if overdue.url not in known:
                known.add(overdue.url)
                items.append(TodoItem(str(overdue.title), overdue.url, overdue.due, overdue.plugin))
    far = dt.date.max
    items.sort(key=lambda i: (not i.overdue, i.due or far, i.title))
    return items


# the top bar's figure is kept LINLI_TODO_COUNT_SECONDS per user and district, unless
# something changes in this process meanwhile (core.events.generation)
_counts: dict[tuple, tuple[float, int, int]] = {}


def todo_count(user, access, district) -> int:
    """How many items :func:`todo_items` lists (the top bar's figure on every admin page):
    computed once per request, and kept ``LINLI_TODO_COUNT_SECONDS`` for the user while
    nothing changes in this process (another server's changes show within that time)."""
    import time

    from flask import current_app, g, has_request_context

    from core import events

    if not has_request_context():
        return len(todo_items(user, access, district))
    if "linli_todo_count" in g:
        return g.linli_todo_count
    seconds = current_app.config["LINLI"]["TODO_COUNT_SECONDS"]
    app = current_app._get_current_object()
    key = (id(app), getattr(user, "id", None), getattr(district, "id", None))
    now = time.monotonic()
    kept = _counts.get(key) if seconds else None
    if kept is not None and kept[1] == events.generation and now - kept[0] < seconds:
        g.linli_todo_count = kept[2]
    else:
        g.linli_todo_count = len(todo_items(user, access, district))
        if len(_counts) > 10_000:
            _counts.clear()
        _counts[key] = (now, events.generation, g.linli_todo_count)
    return g.linli_todo_count
