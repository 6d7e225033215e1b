"""Figures of hazard governance: the overdue dashboard, the two registers (登记表) and the
quarterly and annual statistics (季度/年度隐患排查治理统计) that lock when submitted.

Every function takes the territory units to count as a sub-select of unit ids (the caller
applies the user's data scope), so that the dashboard, the registers, the reports and the
benchmark share one computation.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json

import peewee as pw
from peewee import fn

from core import workdays
from core.access import resource_of
from core.commands import Context, refuse
from core.db import db
from core.events import Event, emit
from core.i18n import gettext as _
from core.i18n import pgettext
from core.models import PATH_WIDTH, TerritoryUnit, User, utcnow
from core.records import audit_values
from core.territory import subtree_condition

from .. import rules
from ..flows import PLUGIN, setting
from ..models import GRADES, Hazard, StatisticsReport

REPORT = resource_of(PLUGIN, StatisticsReport)  # hazards.statistics: submit and correct

COMMUNITY_WIDTH = 3 * PATH_WIDTH  # district, street, community: a community's own path
GRADE_KEYS = ("general", "major", "ungraded")


def _grade(value) -> str:
    return value if value in ("general", "major") else "ungraded"


def _utc_start(day: dt.date) -> dt.datetime:
    """Midnight in China of ``day`` as naive UTC (how ``created_at`` is stored)."""
    return dt.datetime(day.year, day.month, day.day) - dt.timedelta(hours=8)


def number(hazard) -> str:
    """The register number (隐患编号) of a hazard: YH-<year reported>-<id>."""
    reported = rules.reported_on(hazard.created_at, workdays.SHANGHAI)
    return f"YH-{reported.year if reported else 0}-{hazard.id:06d}"


# -- the overdue dashboard -----------------------------------------------------------------


def overdue_by_community(units, today: dt.date | None = None) -> list[dict]:
    """Open and overdue hazards by community and grade, in one grouped query: a list of
    ``{"path", "name", "grade", "open", "overdue"}``, by community path then grade.
    ``units``: a sub-select of the unit ids in view."""
    today = today or workdays.today()
    prefix = fn.SUBSTR(TerritoryUnit.path, 1, COMMUNITY_WIDTH)
    overdue = pw.Case(
        None,
        [(Hazard.state.in_(rules.RECTIFYING_STATES) & (Hazard.deadline < today), 1)],
        0,
    )
    rows = (
        Hazard.select(
            prefix.alias("community"),
            Hazard.grade,
            fn.COUNT(Hazard.id).alias("open"),
            fn.SUM(overdue).alias("overdue"),
        )
        .join(TerritoryUnit, on=(Hazard.unit == TerritoryUnit.id))
        .where(Hazard.state.in_(rules.OPEN_STATES) & Hazard.unit.in_(units))
        .group_by(prefix, Hazard.grade)
        .tuples()
    )
    found = [(path, _grade(grade), n, int(late or 0)) for path, grade, n, late in rows]
    names = {
        u.path: u.name
        for u in TerritoryUnit.select(TerritoryUnit.path, TerritoryUnit.name).where(
            TerritoryUnit.path.in_({path for path, *_rest in found} or {""})
        )
    }
    merged: dict[tuple[str, str], list[int]] = {}
    for path, grade, n, late in found:
        slot = merged.setdefault((path, grade), [0, 0])
        slot[0] += n
        slot[1] += late
    return [
        {"path": path, "name": names.get(path, path), "grade": grade, "open": n, "overdue": late}
        for (path, grade), (n, late) in sorted(merged.items())
    ]


def closure(units) -> dict:
    """Closure rate (销号率: closed of all but false reports) and mean days to close."""
    # created_at is UTC; the day it was reported is China's (UTC+8, no summer time)
    if isinstance(db.obj, pw.SqliteDatabase):
        reported = fn.date(Hazard.created_at, "+8 hours")
        days = fn.julianday(Hazard.closed_on) - fn.julianday(reported)
    else:
        reported = (Hazard.created_at + pw.SQL("interval '8 hours'")).cast("date")
        days = Hazard.closed_on - reported
    is_closed = Hazard.state == "closed"
    total, n_closed, mean = (
        Hazard.select(
            fn.COUNT(Hazard.id),
            fn.SUM(pw.Case(None, [(is_closed, 1)], 0)),
            fn.AVG(pw.Case(None, [(is_closed, days)], None)),
        )
        .where(Hazard.unit.in_(units) & (Hazard.state != "invalid"))
        .tuples()
        .get()
    )
    n_closed = int(n_closed or 0)
    return {
        "total": total,
        "closed": n_closed,
        "rate": rules.rate(n_closed, total),
        "mean_days": round(float(mean), 1) if mean is not None else None,
    }


def repeated_places(units, threshold: int, since: dt.date) -> list[dict]:
    """Places with at least ``threshold`` hazards reported since ``since`` (重复隐患场所)."""
    rows = (
        Hazard.select(Hazard.unit, Hazard.place, fn.COUNT(Hazard.id).alias("n"))
        .where(
            Hazard.unit.in_(units)
            & (Hazard.place != "")
            & (Hazard.state != "invalid")
            & (Hazard.created_at >= _utc_start(since))
        )
        .group_by(Hazard.unit, Hazard.place)
        .having(fn.COUNT(Hazard.id) >= threshold)
        .order_by(fn.COUNT(Hazard.id).desc(), Hazard.place)
        .tuples()
    )
    found = list(rows)
    names = {
        u.id: u.name
        for u in TerritoryUnit.select().where(TerritoryUnit.id.in_({r[0] for r in found} or {0}))
    }
    return [{"unit": names.get(u, ""), "place": p, "count": n} for u, p, n in found]


# -- registers (登记表) ------------------------------------------------------------------------


def money(value) -> str:
    """An amount in yuan with two decimals (元, 角, 分)."""
    return str(decimal.Decimal(value).quantize(decimal.Decimal("0.01")))


def _day(value) -> str:
    return value.isoformat() if value else ""


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def _community(hazard, names: dict) -> str:
    path = hazard.unit.path[:COMMUNITY_WIDTH]
    return names.get(path, hazard.unit.name)


def register_query(units, kind: str, year: int | None):
    """Hazards of a register: ``major`` (重大事故隐患登记表) or ``all`` (隐患排查治理登记表,
    every hazard but false reports), reported in ``year`` (all years when None)."""
    query = (
        Hazard.select(Hazard, TerritoryUnit)
        .join(TerritoryUnit, on=(Hazard.unit == TerritoryUnit.id))
        .where(Hazard.unit.in_(units) & (Hazard.state != "invalid"))
    )
    if kind == "major":
        query = query.where(Hazard.grade == "major")
    if year:
        query = query.where(
            (Hazard.created_at >= _utc_start(dt.date(year, 1, 1)))
            & (Hazard.created_at < _utc_start(dt.date(year + 1, 1, 1)))
        )
    return query.order_by(Hazard.id)


def register_columns(kind: str) -> list[str]:
    common = [
        pgettext("sequence", "No."),
        _("Hazard number"),
        _("Community"),
        _("Place"),
        _("Discovered on"),
        _("Hazard description"),
    ]
    if kind == "major":
        return [
            *common,
            _("Legal basis"),
            _("Responsible unit / person"),
            _("Rectification measures"),
            _("Funds"),
            _("Funds (yuan)"),
            _("Contingency plan"),
            _("Rectification deadline"),
            _("Supervision (挂牌督办)"),
            _("State"),
            pgettext("rectification", "Accepted on"),
            _("Accepted by"),
            _("Acceptance opinion"),
        ]
    return [
        *common,
        pgettext("hazard", "Grade"),
        _("Responsible unit / person"),
        _("Rectification measures"),
        _("Funds"),
        _("Funds (yuan)"),
        _("Rectification deadline"),
        _("Extensions"),
        _("State"),
        _("Overdue"),
        pgettext("rectification", "Accepted on"),
        _("Accepted by"),
    ]


def register_rows(units, kind: str, year: int | None) -> list[list]:
    from ..flows import HAZARD_FLOW

    hazards = list(register_query(units, kind, year))
    paths = {h.unit.path[:COMMUNITY_WIDTH] for h in hazards}
    names = {
        u.path: u.name for u in TerritoryUnit.select().where(TerritoryUnit.path.in_(paths or {""}))
    }
    people = {
        u.id: str(u)
        for u in User.select().where(
            User.id.in_({h.accepted_by_id for h in hazards if h.accepted_by_id} or {0})
        )
    }
    today = workdays.today()
    rows = []
    for i, h in enumerate(hazards, start=1):
        common = [
            i,
            number(h),
            _community(h, names),
            h.place,
            _day(rules.reported_on(h.created_at, workdays.SHANGHAI)),
            h.title,
        ]
        amount = money(h.funds_amount) if h.funds_amount is not None else ""
        accepted_by = people.get(h.accepted_by_id, "")
        if kind == "major":
            supervision = ""
            if h.supervision_level:
                supervision = (
                    f"{_label(_supervision_levels(), h.supervision_level)} {h.supervising_unit}"
                )
                if h.supervision_lifted_on:
                    supervision += " " + _("lifted %(day)s", day=_day(h.supervision_lifted_on))
            rows.append(
                [
                    *common,
                    h.basis,
                    h.responsible,
                    h.measures,
                    h.funds,
                    amount,
                    h.contingency,
                    _day(h.deadline),
                    supervision.strip(),
                    HAZARD_FLOW.state_label(h.state),
                    _day(h.accepted_on),
                    accepted_by,
                    h.acceptance_opinion,
                ]
            )
        else:
            rows.append(
                [
                    *common,
                    _label(GRADES, h.grade or h.proposed_grade),
                    h.responsible,
                    h.measures,
                    h.funds,
                    amount,
                    _day(h.deadline),
                    h.extensions or 0,
                    HAZARD_FLOW.state_label(h.state),
                    _("Yes") if rules.is_overdue(h.state, h.deadline, today) else "",
                    _day(h.accepted_on),
                    accepted_by,
                ]
            )
    return rows


def _supervision_levels():
    from ..models import SUPERVISION_LEVELS

    return SUPERVISION_LEVELS


def register_xlsx(title: str, columns: list[str], rows: list[list], path: str) -> None:
    """The register as a workbook (openpyxl); every text cell is escaped against formulas."""
    from openpyxl import Workbook

    from core.admin import escape_formula

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([title])
    sheet.append(columns)
    for row in rows:
        sheet.append([escape_formula(value) for value in row])
    book.save(path)


# -- quarterly and annual statistics (季度/年度统计) --------------------------------------------


def compute(unit: TerritoryUnit, period: str, year: int, quarter: int | None) -> dict:
    """The figures of ``unit``'s subtree for a quarter or a year, per community and in total:
    hazards found, rectified (closed) and overdue at the period's end, by grade; the
    rectification rate of those found; funds spent on those closed."""
    start, end = rules.period_bounds(period, year, quarter)
    cutoff = min(end, workdays.today())
    units = TerritoryUnit.select(TerritoryUnit.id).where(subtree_condition(unit))
    base = (
        Hazard.select(Hazard, TerritoryUnit)
        .join(TerritoryUnit, on=(Hazard.unit == TerritoryUnit.id))
        .where(Hazard.unit.in_(units) & (Hazard.state != "invalid"))
    )
    found_q = base.where(
        (Hazard.created_at >= _utc_start(start)) & (Hazard.created_at < _utc_start(end) + _DAY)
    )
    closed_q = base.where((Hazard.closed_on >= start) & (Hazard.closed_on <= end))
    open_q = base.where(
        (Hazard.created_at < _utc_start(end) + _DAY)
        & (Hazard.closed_on.is_null() | (Hazard.closed_on > end))
        & Hazard.deadline.is_null(False)
        & (Hazard.deadline < cutoff)
    )
    rows: dict[str, dict] = {}

    def slot(h):
        path = h.unit.path[:COMMUNITY_WIDTH]
        return rows.setdefault(path, _empty())

    for h in found_q:
        s = slot(h)
        s[_grade(h.grade)]["found"] += 1
        if h.closed_on is not None and h.closed_on <= end:
            s[_grade(h.grade)]["rectified_of_found"] += 1
    for h in closed_q:
        s = slot(h)
        s[_grade(h.grade)]["rectified"] += 1
        s["funds"] += h.funds_amount or decimal.Decimal(0)
    for h in open_q:
        if h.state in ("reported", "registered", "assessed"):
            continue  # no rectification ordered: the deadline does not run yet
        slot(h)[_grade(h.grade)]["overdue"] += 1
    names = {
        u.path: u.name
        for u in TerritoryUnit.select().where(TerritoryUnit.path.in_(list(rows) or [""]))
    }
    total = _empty()
    table = []
    for path in sorted(rows):
        s = rows[path]
        _add(total, s)
        table.append({"community": names.get(path, path), **_finish(s)})
    return {
        "unit": unit.name,
        "period": period,
        "year": year,
        "quarter": quarter,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "computed_at": utcnow().isoformat(timespec="seconds"),
        "rows": table,
        "total": _finish(total),
    }


_DAY = dt.timedelta(days=1)


def _empty() -> dict:
    return {
        **{
            g: {"found": 0, "rectified": 0, "rectified_of_found": 0, "overdue": 0}
            for g in GRADE_KEYS
        },
        "funds": decimal.Decimal(0),
    }


def _add(total: dict, s: dict) -> None:
    for g in GRADE_KEYS:
        for key in total[g]:
            total[g][key] += s[g][key]
    total["funds"] += s["funds"]


def _finish(s: dict) -> dict:
    found = sum(s[g]["found"] for g in GRADE_KEYS)
    done = sum(s[g]["rectified_of_found"] for g in GRADE_KEYS)
    return {
        **{g: dict(s[g]) for g in GRADE_KEYS},
        "found": found,
        "rectified": sum(s[g]["rectified"] for g in GRADE_KEYS),
        "overdue": sum(s[g]["overdue"] for g in GRADE_KEYS),
        "rate": rules.rate(done, found),
        "funds": money(s["funds"]),
    }


def check_period(period: str, year, quarter) -> None:
    if period not in ("quarter", "year"):
        raise refuse("Please choose quarterly or annual.", field="period")
    if not year or not 2000 <= int(year) <= 2100:
        raise refuse("Please give a year between 2000 and 2100.", field="year")
    if period == "quarter" and quarter not in (1, 2, 3, 4):
        raise refuse("Please give the quarter (1 to 4).", field="quarter")


def _scoped(report_id: int, access, action: str):
    return StatisticsReport.get_or_none(
        (StatisticsReport.id == report_id)
        & access.scope_condition(StatisticsReport, PLUGIN, action)
    )


def prepare(report: StatisticsReport) -> StatisticsReport:
    """Fill a draft's figures (before it is saved); refuse a submitted report."""
    if report.id is not None:
        stored = StatisticsReport.get_by_id(report.id)
        if stored.state == "submitted":
            raise refuse(
                "A submitted statistics report is locked and cannot be changed; make a "
                "correction (a new version) instead."
            )
    check_period(report.period, report.year, report.quarter)
    if report.period == "year":
        report.quarter = None
    report.state = "draft"
    report.figures = json.dumps(
        compute(report.unit, report.period, report.year, report.quarter), ensure_ascii=False
    )
    return report


def submit(ctx: Context, report: StatisticsReport) -> StatisticsReport:
    """Submit (报送) a draft: its figures are recomputed once more and frozen."""
    actor, access = ctx.actor, ctx.access
    if access is None or not access.can(REPORT, "update"):
        raise refuse("You are not allowed to do this.")
    found = _scoped(report.id, access, "update")
    if found is None:
        raise refuse("This record is outside your data scope.")
    if found.state == "submitted":
        raise refuse("This statistics report has already been submitted.")
    figures = compute(found.unit, found.period, found.year, found.quarter)
    with db.atomic():
        moved = (
            StatisticsReport.update(
                state="submitted",
                figures=json.dumps(figures, ensure_ascii=False),
                submitted_on=workdays.today(),
                submitted_by=actor.id,
                **audit_values(StatisticsReport, False, actor),
            )
            .where((StatisticsReport.id == found.id) & (StatisticsReport.state == "draft"))
            .execute()
        )
        if moved != 1:
            raise refuse("This statistics report has already been submitted.")
        emit(
            Event(
                "state_changed",
                plugin=PLUGIN,
                record=found,
                actor=actor,
                district_id=found.unit.district_id,
                summary=f"统计报表报送: {found.unit.name} {found}"[:255],
            )
        )
    return StatisticsReport.get_by_id(found.id)


def correct(ctx: Context, report: StatisticsReport) -> StatisticsReport:
    """A correction (更正) of a submitted report: a new draft, version + 1, referring to it.
    The submitted report stays as it was."""
    actor, access = ctx.actor, ctx.access
    if access is None or not access.can(REPORT, "update"):
        raise refuse("You are not allowed to do this.")
    found = _scoped(report.id, access, "update")
    if found is None:
        raise refuse("This record is outside your data scope.")
    if found.state != "submitted":
        raise refuse("Only a submitted report can be corrected; edit the draft instead.")
    later = StatisticsReport.select().where(StatisticsReport.corrects == found.id)
    if later.exists():
        raise refuse("This report already has a correction.")
    draft = StatisticsReport(
        unit=found.unit,
        period=found.period,
        year=found.year,
        quarter=found.quarter,
        number=found.number + 1,
        corrects=found,
        note=found.note,
        **audit_values(StatisticsReport, True, actor),
    )
    prepare(draft)
    with db.atomic():
        draft.save(force_insert=True)
        emit(
            Event(
                "created",
                plugin=PLUGIN,
                record=draft,
                actor=actor,
                district_id=found.unit.district_id,
                summary=f"统计报表更正: {found.unit.name} {draft}"[:255],
            )
        )
    return draft


def due_date(report: StatisticsReport) -> dt.date | None:
    """When the report is due (None for an incomplete period)."""
    if report.period not in ("quarter", "year") or not report.year:
        return None
    if report.period == "quarter" and report.quarter not in (1, 2, 3, 4):
        return None
    district = report.unit.district_id
    return rules.statistics_due(
        report.period,
        report.year,
        report.quarter,
        setting(district, "statistics_quarter_day"),
        setting(district, "statistics_year_day"),
    )
