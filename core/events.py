"""Events (事件): services announce what changed; audit, notifications and plugins listen.

An event is delivered through the runtime hook ``linli_event`` to the core and to the plugins
enabled in the event's district, inside the transaction of the change that caused it: a
subscriber that fails rolls the change back, so the audit row and the change land together.

Inside :func:`batched_audit` (a write of many records at once: the spreadsheet import) the
core's audit writer collects the rows of the events instead of inserting each, and writes
them with one ``insert_many`` per 1,000 when the block ends, still inside the transaction:
the same rows, two statements fewer per record. Every subscriber still gets every event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from contextvars import ContextVar
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


# -- audit rows, one by one or collected -----------------------------------------------------

_collected: ContextVar[list | None] = ContextVar("linli_audit_rows", default=None)
AUDIT_BATCH = 1000


def write_audit(values: dict) -> None:
    """Write one audit row (``core.models.AuditLog`` column values): at once, or inside
    :func:`batched_audit` with the rows collected there."""
    from core.models import AuditLog

    rows = _collected.get()
    if rows is None:
        AuditLog.create(**values)
    else:  # the model fills the defaults (the time) now, as create would
        rows.append(AuditLog(**values).__data__)


@contextlib.contextmanager
def batched_audit():
    """Collect the audit rows written inside and insert them together at the end (nothing
    when the block raises: the caller's transaction rolls back the change anyway)."""
    from core.models import AuditLog

    if _collected.get() is not None:  # already collecting: the outer block writes them
        yield
        return
    rows: list[dict] = []
    token = _collected.set(rows)
    try:
        yield
    finally:
        _collected.reset(token)
    for start in range(0, len(rows), AUDIT_BATCH):
        AuditLog.insert_many(rows[start : start + AUDIT_BATCH]).execute()
