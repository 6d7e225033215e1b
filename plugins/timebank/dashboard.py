"""Dashboard widgets of the time bank (志愿服务看板): registered volunteers as a share of the
resident population against the district's target, approved hours per month, teams and
stations, and the approval queue."""

from __future__ import annotations

import peewee as pw
from flask import g

from core.dashboard import (
    Rate,
    Series,
    Trend,
    Widget,
    current_unit,
    last_months,
    month_labels,
    scoped,
    target,
    unit_ids,
)
from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.territory import subtree_condition

from .models import PLUGIN, ServiceRecord, Team, Volunteer


def widgets(district, user) -> list[Widget]:
    access = g.get("access")
    if district is None or access is None or not access.can(PLUGIN, "read"):
        return []
    unit = current_unit(district)
    population = (
        TerritoryUnit.select(pw.fn.COALESCE(pw.fn.SUM(TerritoryUnit.population), 0))
        .where(
            TerritoryUnit.id.in_(unit_ids(PLUGIN, district=district))
            & (TerritoryUnit.level == "community")
            & subtree_condition(unit)
        )
        .scalar()
    )
    volunteers = scoped(Volunteer, PLUGIN, district=district).where(Volunteer.status == "active")
    count = volunteers.count()
    approved = scoped(ServiceRecord, PLUGIN, district=district).where(
        ServiceRecord.status == "approved"
    )
    hours = []
    for _label, start, end in last_months(6):
        from core.dashboard import _utc

        total = (
            approved.select(pw.fn.COALESCE(pw.fn.SUM(ServiceRecord.minutes), 0))
            .where(
                (ServiceRecord.started_at >= _utc(start)) & (ServiceRecord.started_at < _utc(end))
            )
            .scalar()
        )
        hours.append(round(int(total or 0) / 60, 1))
    teams = scoped(Team, PLUGIN, district=district).where(Team.active == True).count()  # noqa: E712
    pending = (
        scoped(ServiceRecord, PLUGIN, "approve", district=district)
        .where(ServiceRecord.status.in_(["pending_review", "pending_second"]))
        .count()
        if access.can(PLUGIN, "approve")
        else None
    )
    found: list[Widget] = [
        Rate(
            _("Registered volunteers among residents"),
            count,
            denominator=int(population or 0),
            target=target(PLUGIN, "volunteer_target_percent", district),
            note=_("%(n)s active volunteers, %(p)s residents", n=count, p=int(population or 0)),
            plugin=PLUGIN,
        ),
        Trend(
            _("Approved service hours per month"),
            labels=month_labels(6),
            series=[Series(_("Hours"), hours)],
            chart="bar",
            plugin=PLUGIN,
        ),
        Widget(
            _("Volunteer teams and stations"), teams, plugin=PLUGIN, url="/admin/timebank/team/"
        ),
    ]
    if pending is not None:
        found.append(
            Widget(
                _("Service records awaiting approval"),
                pending,
                plugin=PLUGIN,
                url="/admin/timebank/queue/",
            )
        )
    return found
