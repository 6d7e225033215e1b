"""Events (事件): services announce what changed; audit, notifications and plugins listen.

An event is delivered through the runtime hook ``linli_event`` to the core and to the plugins
enabled in the event's district, inside the transaction of the change that caused it: a
subscriber that fails rolls the change back, so the audit row and the change land together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import peewee as pw


@dataclass
class Event:
    name: str  # created | updated | deleted | state_changed | plugin_enabled | ...
    plugin: str = "core"
    record: Any = None
    actor: Any = None
    district_id: int | None = None
    changes: dict[str, list] = field(default_factory=dict)  # field -> [before, after]
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.record._meta.table_name if isinstance(self.record, pw.Model) else ""

    @property
    def record_id(self) -> str:
        if isinstance(self.record, pw.Model):
            return str(self.record._pk)
        return "" if self.record is None else str(self.record)


def jsonable(value: Any) -> Any:
    if isinstance(value, pw.Model):
        return value._pk
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(record: pw.Model) -> dict[str, Any]:
    """The stored values of ``record``'s fields (foreign keys as ids), for before/after diffs."""
    return {name: jsonable(record.__data__.get(name)) for name in record._meta.fields}


def diff(before: dict[str, Any], after: dict[str, Any], hidden=("password_hash",)) -> dict:
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = ["***", "***"] if name in hidden else [old, new]
    return changes


# bumped by every event: figures cached for a short while (the top bar's to-do count) are
# computed again after any change made in this process
generation = 0


def emit(event: Event) -> None:
    """Deliver ``event`` to the core and the plugins enabled in its district."""
    global generation
    from core.registry import kernel_state

    generation += 1

    state = kernel_state()
    enabled = state.enabled_plugins(event.district_id) if event.district_id else set()
    state.kernel.runtime("linli_event", enabled)(event=event)
