"""Dashboard widgets, overdue items and portal tasks of hazard governance."""

from __future__ import annotations

import datetime as dt

import click
from flask import g, url_for

from core.dashboard import Rate, Row, Table, Widget, scoped, unit_ids
from core.i18n import gettext as _
from core.i18n import pgettext
from core.models import TerritoryUnit

from . import rules, services
from .flows import PLUGIN, setting
from .models import Hazard, InspectionTask


def dashboard_widgets(district, user) -> list[Widget]:
    access = g.get("access")
    if district is None or access is None or not access.can(PLUGIN, "read"):
        return []
    open_ = scoped(Hazard, PLUGIN, district=district).where(Hazard.state.in_(rules.OPEN_STATES))
    return [
        Widget(_("Open hazards"), open_.count(), plugin=PLUGIN),
        Widget(
            _("Open major hazards"), open_.where(Hazard.grade == "major").count(), plugin=PLUGIN
        ),
        Widget(
            _("Hazards past their rectification deadline"),
            open_.where(services.overdue_condition()).count(),
            plugin=PLUGIN,
        ),
        *management_widgets(district),
    ]


def overdue_items(district) -> list:
    """Hazards past their rectification deadline, for ``linli notify`` and the dashboard's
    overdue table. One query of the few columns needed, and the title and link built from
    one translation and one URL (the district may have tens of thousands)."""
    from core.notifications import OverdueItem

    if district is None:
        return []
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    mark = "\x00"
    title = _("Hazard rectification overdue: %(name)s", name=mark)
    link = url_for("hazards_hazard.details_view", id=0).replace("id=0", "id=")
    rows = (
        Hazard.select(Hazard.id, Hazard.place, Hazard.title, Hazard.deadline, Hazard.unit)
        .where(services.overdue_condition() & Hazard.unit.in_(units))
        .tuples()
    )
    return [
        OverdueItem(
            title.replace(mark, f"{place} · {name}"[:120]),
            f"{link}{pk}",
            deadline,
            unit_id,
            None,
            PLUGIN,
        )
        for pk, place, name, deadline, unit_id in rows
    ] + overdue_tasks(district)


def overdue_page(district, units_for, responsible_id, limit: int):
    """The overdue hazards and inspection tasks in view (``linli_overdue_page``): counted,
    sorted by deadline and cut to ``limit`` by the database, however many there are. A
    hazard names no responsible account (its 责任人 is a person's name), so a search by
    ``responsible_id`` finds only the tasks assigned to that user."""
    from core.notifications import OverdueItem, OverduePage

    from .planning.services import overdue_tasks as late

    if district is None:
        return None
    units = units_for(PLUGIN)
    mark = "\x00"
    title = _("Hazard rectification overdue: %(name)s", name=mark)
    link = url_for("hazards_hazard.details_view", id=0).replace("id=0", "id=")
    total, items = 0, []
    if responsible_id is None:
        hazards = Hazard.select().where(services.overdue_condition() & Hazard.unit.in_(units))
        total += hazards.count()
        rows = (
            hazards.select(Hazard.id, Hazard.place, Hazard.title, Hazard.deadline, Hazard.unit)
            .order_by(Hazard.deadline, Hazard.id)
            .limit(limit)
            .tuples()
        )
        items += [
            OverdueItem(
                title.replace(mark, f"{place} · {name}"[:120]),
                f"{link}{pk}",
                due,
                unit,
                None,
                PLUGIN,
            )
            for pk, place, name, due, unit in rows
        ]
    tasks = late(district).where(InspectionTask.unit.in_(units))
    if responsible_id is not None:
        tasks = tasks.where(InspectionTask.assignee == responsible_id)
    total += tasks.count()
    items += [
        OverdueItem(
            _("Inspection overdue: %(name)s", name=f"{t.title} · {t.place}"),
            url_for("hazards_task.details_view", id=t.id),
            t.due,
            t.unit_id,
            t.assignee_id,
            PLUGIN,
        )
        for t in tasks.order_by(InspectionTask.due, InspectionTask.id).limit(limit)
    ]
    items.sort(key=lambda item: (item.due, str(item.title)))
    return OverduePage(total, items[:limit])


# == hz-manage: dashboard figures, overdue tasks, portal tasks, the daily command ==========


def management_widgets(district) -> list[Widget]:
    """Open and overdue hazards by grade and community, closure rate, mean time to close and
    places with repeated hazards, within the user's scope (and the dashboard's unit)."""
    from core import workdays

    from .models import GRADES
    from .statistics import services as statistics

    units = unit_ids(PLUGIN, district=district)
    grades = {**{code: str(label) for code, label in GRADES}, "ungraded": _("Not graded yet")}
    rows = statistics.overdue_by_community(units)
    closed = statistics.closure(units)
    threshold = setting(district.id, "repeat_threshold")
    days = setting(district.id, "repeat_period_days")
    since = workdays.today() - dt.timedelta(days=days)
    repeated = statistics.repeated_places(units, threshold, since)
    return [
        Table(
            _("Open and overdue hazards by community and grade"),
            sum(r["open"] for r in rows),
            plugin=PLUGIN,
            columns=[
                _("Community"),
                pgettext("hazard", "Grade"),
                pgettext("hazard", "Open"),
                _("Overdue"),
            ],
            rows=[
                Row(
                    [r["name"], grades[r["grade"]], r["open"], r["overdue"]], alert=r["overdue"] > 0
                )
                for r in rows
            ],
            empty=_("No open hazard."),
        ),
        Rate(
            _("Hazard closure rate"),
            closed["closed"],
            denominator=closed["total"],
            target=100.0,
            plugin=PLUGIN,
            note=_("%(n)s of %(total)s hazards closed", n=closed["closed"], total=closed["total"]),
        ),
        Widget(
            _("Mean days to close a hazard"),
            closed["mean_days"] if closed["mean_days"] is not None else "—",
            plugin=PLUGIN,
        ),
        Table(
            _("Places with repeated hazards"),
            len(repeated),
            plugin=PLUGIN,
            columns=[_("Community"), _("Place"), _("Hazards")],
            rows=[Row([r["unit"], r["place"], r["count"]], alert=True) for r in repeated[:10]],
            empty=_(
                "No place with %(n)s or more hazards in the last %(days)s days.",
                n=threshold,
                days=days,
            ),
            note=_("%(n)s or more hazards in the last %(days)s days", n=threshold, days=days),
        ),
    ]


def overdue_tasks(district) -> list:
    """Inspection tasks past their due date: ``linli notify`` reminds the assignee and
    escalates to the supervising unit (the street of a community)."""
    from core.notifications import OverdueItem

    from .planning.services import overdue_tasks as late

    return [
        OverdueItem(
            _("Inspection overdue: %(name)s", name=f"{t.title} · {t.place}"),
            url_for("hazards_task.details_view", id=t.id),
            t.due,
            t.unit_id,
            t.assignee_id,
            PLUGIN,
        )
        for t in late(district)
    ]


def portal_tasks(user, district) -> list:
    """The user's open inspection tasks, each linking to the checklist on the portal."""
    from core.portal import Task

    from .planning.services import open_tasks

    if district is None or user is None or not getattr(user, "id", None):
        return []
    return [
        Task(
            _("Inspection: %(name)s", name=f"{t.title} · {t.place}"),
            url_for("hazards_portal.inspect", key=t.checklist, task=t.id),
            PLUGIN,
            t.due,
        )
        for t in open_tasks(user, district).order_by(InspectionTask.due).limit(50)
    ]


@click.command("hazards-daily")
@click.option("--date", "on", default=None, help="Run as of this day (YYYY-MM-DD)")
def daily_command(on):
    """Create the inspection tasks of the schedules that are due (daily)."""
    from core import territory, workdays
    from core.db import db

    from .planning.services import generate

    day = dt.date.fromisoformat(on) if on else workdays.today()
    with db.connection_context():
        for district in territory.districts():
            click.echo(f"{district.code}: {generate(district, day)} inspection tasks created")


def commands() -> list:
    return [daily_command]
