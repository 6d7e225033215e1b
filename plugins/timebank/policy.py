"""The district's time-bank policy (时间银行政策) and the checks of a service record against
it and against the volunteer's other records: the period, the minutes, overlaps and the daily
maximum. Used by the logging services and by the steps of the record's workflow
(:mod:`plugins.timebank.flows`) alike, so that both hold the same rules.

Below the services, the ledger and the flows: it imports only the models and the rules.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from core.i18n import gettext as _
from core.models import TerritoryUnit, utcnow
from core.workdays import SHANGHAI

from . import rules
from .models import PLUGIN, ServiceRecord

OPEN_RECORD_STATES = ("draft", "pending_confirmation", "pending_review", "pending_second")
COUNTED_STATES = (*OPEN_RECORD_STATES, "approved")  # for overlaps and the daily maximum


def policy(district_id: int | None) -> rules.Policy:
    """The time-bank policy of a district, from its settings (defaults where not set)."""
    from core.registry import kernel_state

    if district_id is None:
        return rules.Policy()
    registry = kernel_state().settings

    def get(key):
        return registry.get(district_id, PLUGIN, key)

    return rules.Policy(
        credits_per_hour=float(get("credits_per_hour")),
        post_credits=bool(get("post_credits")),
        rounding_minutes=int(get("rounding_minutes")),
        storage_cap_hours=int(get("storage_cap_hours")),
        min_redeem_age=int(get("min_redeem_age")),
        expiry_months=int(get("expiry_months")),
        transfer_policy=str(get("transfer_policy")),
        max_hours_per_day=int(get("max_hours_per_day")),
        second_approval_days=int(get("second_approval_days")),
        star_levels=rules.parse_levels(get("star_levels")),
    )


def district_id(record) -> int | None:
    """The district of a record's unit (cached per application: a unit never leaves its
    district)."""
    from flask import current_app

    unit_id = getattr(record, "unit_id", None)
    if unit_id is None:
        return None
    cache = current_app.extensions.setdefault("timebank_unit_district", {})
    found = cache.get(unit_id)
    if found is None:
        found = (
            TerritoryUnit.select(TerritoryUnit.district_id)
            .where(TerritoryUnit.id == unit_id)
            .scalar()
        )
        if found is not None:
            cache[unit_id] = found
    return found


def record_policy(record) -> rules.Policy:
    return policy(district_id(record))


# -- times: stored in UTC, typed and shown in China -------------------------------------------


def to_utc(local: dt.datetime) -> dt.datetime:
    """A naive local time in China (as typed in a form) as the naive UTC the database keeps."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def to_local(utc: dt.datetime) -> dt.datetime:
    return utc.replace(tzinfo=dt.UTC).astimezone(SHANGHAI).replace(tzinfo=None)


def local_day(utc: dt.datetime) -> dt.date:
    return to_local(utc).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = to_utc(dt.datetime(day.year, day.month, day.day))
    return start, start + dt.timedelta(days=1)


# -- a service record against the rules ------------------------------------------------------


def record_minutes(record: ServiceRecord) -> int | None:
    """The record's minutes, or the length of its period when none were given."""
    if record.minutes is not None:
        return record.minutes
    if record.started_at and record.ended_at:
        return rules.minutes_between(record.started_at, record.ended_at)
    return None


def record_problem(record: ServiceRecord, pol: rules.Policy) -> str | None:
    """Why ``record`` cannot be logged or submitted (in the user's language), or None: a
    period that ends before it starts or lies in the future, minutes that are not positive
    or longer than the period (travel is not counted, 《志愿服务记录与证明出具办法》), no
    description, an overlap with another open or approved record of the volunteer, more than
    the daily maximum."""
    problem = rules.check_period(record.started_at, record.ended_at, utcnow())
    if problem:
        return _(problem)
    minutes = record_minutes(record)
    problem = rules.check_minutes(minutes, record.started_at, record.ended_at)
    if problem:
        return _(problem)
    if not (record.content or "").strip():
        return _("Please describe the service.")
    others = ServiceRecord.select().where(
        (ServiceRecord.volunteer == record.volunteer_id)
        & ServiceRecord.status.in_(COUNTED_STATES)
        & (ServiceRecord.started_at < record.ended_at)
        & (ServiceRecord.ended_at > record.started_at)
    )
    if record.id is not None:
        others = others.where(ServiceRecord.id != record.id)
    clash = others.first()
    if clash is not None:
        return _(
            "This period overlaps another service record of the volunteer (%(start)s to %(end)s).",
            start=f"{to_local(clash.started_at):%Y-%m-%d %H:%M}",
            end=f"{to_local(clash.ended_at):%H:%M}",
        )
    low, high = day_bounds(local_day(record.started_at))
    same_day = (
        ServiceRecord.select(pw.fn.COALESCE(pw.fn.SUM(ServiceRecord.minutes), 0))
        .where(
            (ServiceRecord.volunteer == record.volunteer_id)
            & ServiceRecord.status.in_(COUNTED_STATES)
            & (ServiceRecord.started_at >= low)
            & (ServiceRecord.started_at < high)
            & (ServiceRecord.id != (record.id or 0))
        )
        .scalar()
    )
    problem = rules.day_total_problem(int(same_day or 0), minutes, pol)
    if problem:
        return _(problem) + " " + _("At most %(hours)s hours a day.", hours=pol.max_hours_per_day)
    return None


def needs_second_approval(record: ServiceRecord, pol: rules.Policy | None = None) -> bool:
    """Logged more days after the service than the policy allows: a second approver (复核)."""
    pol = pol or record_policy(record)
    logged_on = local_day(record.created_at or utcnow())
    return rules.needs_second_approval(local_day(record.started_at), logged_on, pol)
