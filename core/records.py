"""Record helpers (记录工具) shared by every write path: the audit stamp, the district of a
record, and the records that still refer to one (which refuse its deletion).

Data layer: no Flask request, no admin, no API.
"""

from __future__ import annotations

import peewee as pw

from core.i18n import gettext as _
from core.models import TerritoryUnit, utcnow


class DependentsExist(Exception):
    """A record still referred to by others; the message lists them."""


def dependents(record: pw.Model) -> list[tuple[str, int]]:
    """(table label, count) of the rows that refer to ``record`` directly."""
    found = []
    for fk, model in record._meta.backrefs.items():
        count = model.select().where(fk == record._pk).count()
        if count:
            label = getattr(model._meta, "verbose_name", None) or model._meta.table_name
            found.append((str(label), count))
    return found


def refuse_if_dependents(record: pw.Model) -> None:
    found = dependents(record)
    if found:
        listing = _(", ").join(_("%(count)s in %(table)s", count=n, table=t) for t, n in found)
        raise DependentsExist(
            _(
                "“%(record)s” cannot be deleted: other records refer to it (%(list)s).",
                record=str(record),
                list=listing,
            )
        )


def audit_values(model, created: bool, actor_id, now=None) -> dict:
    """The one audit stamp (审计戳) as column values: updated by and at on every write, created
    by and at on a new record, for the fields ``model`` has. ``actor_id``: the user acting, or
    their id. Without an actor (a job, the system) the "by" columns are left out: they keep
    who changed the record last."""
    actor_id = getattr(actor_id, "id", actor_id)
    fields = model._meta.fields
    now = now or utcnow()
    values = {}
    names = ("updated_at", "updated_by", *(("created_at", "created_by") if created else ()))
    for name in names:
        if name not in fields:
            continue
        if name.endswith("_at"):
            values[name] = now
        elif actor_id is not None:
            values[name] = actor_id
    return values


def stamp(record: pw.Model, created: bool, actor_id, now=None) -> None:
    """Stamp ``record`` (see :func:`audit_values`); a creator already set is kept, and a write
    without an actor clears ``updated_by`` (the system, not the last person, changed it)."""
    actor_id = getattr(actor_id, "id", actor_id)
    values = audit_values(type(record), created, actor_id, now)
    if actor_id is None and "updated_by" in record._meta.fields:
        values["updated_by"] = None
    if record.__data__.get("created_by") is not None:
        values.pop("created_by", None)
    for name, value in values.items():
        setattr(record, name, value)


def district_of(record: pw.Model, default: int | None = None) -> int | None:
    """The district (区) a record belongs to, through its territory unit."""
    unit_id = record.__data__.get("unit") if "unit" in record._meta.fields else None
    if unit_id is None and isinstance(record, TerritoryUnit):
        return record.district_id
    if unit_id is None:
        return default
    unit = TerritoryUnit.get_or_none(TerritoryUnit.id == unit_id)
    return unit.district_id if unit else None
