"""Operations of meal assistance: each checks its input and the user's data scope, writes in
one transaction and emits an event (audit and other plugins listen)."""

from __future__ import annotations

import datetime as dt
import logging

from core import commands
from core.access import record_scope
from core.commands import Context, refuse
from core.db import db
from core.events import Event, emit
from core.i18n import gettext as _
from core.models import TerritoryUnit, utcnow
from core.services import ServiceError
from core.workdays import today

from .flows import PLUGIN
from .models import MealOrder

log = logging.getLogger(__name__)
DINER_MAX = 50


def units_for(access, district_id):
    """Communities and grids of the district where ``access`` may take orders."""
    if access is None or district_id is None:
        return []
    return list(
        TerritoryUnit.select()
        .where(
            (TerritoryUnit.district_id == district_id)
            & access.unit_condition(PLUGIN, "create")
            & TerritoryUnit.level.in_(("community", "grid"))
        )
        .order_by(TerritoryUnit.path)
    )


def open_orders(access, district_id, limit=50):
    """Orders still to deliver that ``access`` may read in the district, oldest first."""
    return list(
        MealOrder.select()
        .where(
            record_scope(access, MealOrder, PLUGIN, "read", district_id)
            & (MealOrder.state == "ordered")
        )
        .order_by(MealOrder.meal_date, MealOrder.id)
        .limit(limit)
    )


def order(ctx: Context, unit, diner, meal_date, meal, address) -> MealOrder:
    """Record an order in ``unit`` (the rules: ``commands.MealOrderRules``); refused
    (nothing written) with a message saying why."""
    if unit is None:
        raise refuse("Choose a community.", field="unit")
    if not isinstance(meal_date, dt.date):
        raise refuse("Enter a valid date.", field="meal_date")
    return commands.create(
        ctx,
        MealOrder,
        {
            "unit": unit,
            "diner": (diner or "").strip(),
            "meal_date": meal_date,
            "meal": meal,
            "address": (address or "").strip(),
        },
    )


def deliver(ctx: Context, record, id_number) -> MealOrder:
    """The volunteer with ``id_number`` delivered the meal (a workflow step)."""
    return commands.transition(ctx, record, "deliver", data={"deliverer_id_number": id_number})


def credit_minutes(district_id) -> int:
    from core.registry import kernel_state

    return int(kernel_state().settings.get(district_id, PLUGIN, "credit_minutes"))


def delivered(event: Event) -> None:
    """A delivery (the core's ``state_changed`` event for the step ``deliver``) is announced
    as ``volunteer_work``: the time bank, when enabled in the district, records it for
    review. Inside a savepoint: when the time bank refuses, the delivery stays recorded."""
    if event.data.get("transition") != "deliver" or event.district_id is None:
        return
    record = event.record
    minutes = credit_minutes(event.district_id)
    if minutes <= 0 or not record.deliverer_id_number:
        return
    ended = record.delivered_at or utcnow()
    work = Event(
        "volunteer_work",
        plugin=PLUGIN,
        record=record,
        actor=event.actor,
        district_id=event.district_id,
        summary=f"送餐: {record}"[:255],
        data={
            "id_number": record.deliverer_id_number,
            "started_at": (ended - dt.timedelta(minutes=minutes)).isoformat(),
            "ended_at": ended.isoformat(),
            "minutes": minutes,
            "content": f"助餐送餐：{record.diner}",
            "service_type": "elderly_disabled",
            "target_group": "elderly",
            "ref": f"meal-{record.id}",
        },
    )
    try:
        with db.atomic():
            emit(work)
    except ServiceError as exc:  # e.g. the time bank's daily limit: no credit, delivery kept
        log.warning("mealaid: delivery %s earned no time credit: %s", record.id, exc)


def dashboard_widgets(district, user):
    """Meals delivered this month and orders still to deliver, in the user's scope."""
    from flask import g

    from core.dashboard import Widget, scoped

    access = g.get("access")
    if district is None or access is None or not access.can(PLUGIN, "read"):
        return []
    first = today().replace(day=1)
    delivered_count = (
        scoped(MealOrder, PLUGIN, district=district)
        .where((MealOrder.state == "delivered") & (MealOrder.meal_date >= first))
        .count()
    )
    waiting = scoped(MealOrder, PLUGIN, district=district).where(MealOrder.state == "ordered")
    return [
        Widget(_("Meals delivered this month"), delivered_count, plugin=PLUGIN),
        Widget(_("Meals to deliver"), waiting.count(), plugin=PLUGIN, url="/portal/mealaid/"),
    ]
