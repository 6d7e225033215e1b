"""Dashboard widgets (工作台): the figures on the admin index of a district.

A plugin contributes widgets through the runtime hook ``linli_dashboard_widgets(district,
user)``; the core's own come first. There are four kinds, each a dataclass below:

``Widget`` (count)
    one figure with an optional link to the list behind it::

        Widget(_("Open hazards"), n, plugin="hazards", url=url_for("hazards_hazard.index_view"))

``Rate`` (rate against a target)
    ``value`` out of ``denominator`` (as a percentage, or per ``per`` units) compared with a
    ``target`` read from a per-district setting, so nothing city-specific is hard-coded::

        Rate(_("Volunteers registered"), volunteers, denominator=residents,
             target=target("timebank", "volunteer_rate_target"), plugin="timebank")
        Rate(_("Social organisations per community"), orgs, denominator=communities, per=1,
             per_label=_("per community"), target=target("socialorgs", "orgs_per_community"))

``Trend`` (monthly trend, drawn as a chart)
    ``labels`` and one or more ``Series``; :func:`last_months` and :func:`monthly_counts` count
    a query month by month (Asia/Shanghai months, one indexed query each)::

        query = scoped(Transfer, "timebank")
        Trend(_("Hours logged"), labels=month_labels(6),
              series=[Series(_("Records"), monthly_counts(query, Transfer.created_at, 6))])

``Table`` (rows with links, e.g. overdue items)::

        Table(_("Overdue checks"), columns=[_("Item"), _("Due")],
              rows=[Row([c.title, format_day(c.due)], url=..., alert=True) for c in late])

Charts are drawn by Chart.js, vendored in ``core/static/vendor/chartjs`` (no CDN: deployments
have no internet) and started by ``core/static/linli/dashboard.js`` from the JSON the template
writes into a ``<script type="application/json">`` element (the CSP allows only our scripts).

Drill-down (下钻). The dashboard takes ``?unit=<id>`` to show the figures of a street or a
community of the current district. Before any widget is computed the selected unit is put in
``flask.g.dashboard_unit`` (a ``TerritoryUnit``: the district itself, the unit asked for, or,
for a user who works in a single street or community, that unit). A unit outside the district
or outside the user's data scope is refused with a message and the default is shown instead.
The hook's signature does not change: plugins read ``g.dashboard_unit`` (or call
:func:`current_unit`) and should limit their figures to its subtree, always within the user's
own data scope; :func:`unit_ids` and :func:`scoped` do both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

import peewee as pw
from flask import Blueprint, flash, g, request

from core.i18n import Label
from core.i18n import gettext as _
from core.models import AuditLog, RoleAssignment, TerritoryUnit
from core.settings import Setting
from core.territory import LEVEL_LABELS, ancestor_ids, ancestors, is_within, subtree_condition
from core.workdays import SHANGHAI, today

# -- widget kinds ------------------------------------------------------------------------


@dataclass
class Widget:
    """One figure on the dashboard (kind ``count``); ``url`` links to the list behind it."""

    kind: ClassVar[str] = "count"

    title: str
    value: str | int = ""
    plugin: str = "core"
    note: str = ""
    url: str | None = None


@dataclass
class Rate(Widget):
    """``value`` out of ``denominator`` against ``target``.

    With ``per=100`` (the default) the ratio is a percentage; with another ``per`` it is a
    figure per ``per`` units of the denominator, labelled ``per_label`` (e.g. organisations per
    community: ``per=1``; per 10,000 residents: ``per=10000``). ``lower_is_better`` for targets
    that are ceilings (an overdue rate). No denominator means no data: neither met nor missed.
    """

    kind: ClassVar[str] = "rate"

    denominator: int | float = 0
    target: float | None = None
    per: int = 100
    per_label: str = ""
    lower_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        if not self.denominator:
            return None
        return float(self.value or 0) * self.per / float(self.denominator)

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        if ratio is None or self.target is None:
            return None
        return ratio <= self.target if self.lower_is_better else ratio >= self.target

    def show(self, number: float | None) -> str:
        """``number`` as this widget writes it: ``12.5%`` or ``1.5 per community``."""
        if number is None:
            return "—"
        text = f"{number:.1f}".removesuffix(".0")
        if self.per == 100:
            return f"{text}%"
        return f"{text} {self.per_label}".strip()

    @property
    def bar(self) -> int:
        """How far along the bar is drawn (0-100): the ratio against the target."""
        ratio = self.ratio
        if ratio is None:
            return 0
        if self.target and not self.lower_is_better:
            return max(0, min(100, round(ratio * 100 / self.target)))
        return max(0, min(100, round(ratio if self.per == 100 else 100)))


@dataclass
class Series:
    """One line (or set of bars) of a :class:`Trend`."""

    label: str
    values: list[int | float]


@dataclass
class Trend(Widget):
    """A monthly trend (``labels`` one per month) drawn as a ``line`` or ``bar`` chart."""

    kind: ClassVar[str] = "trend"

    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    chart: str = "line"

    def __post_init__(self):
        self.series = [s if isinstance(s, Series) else Series(*s) for s in self.series]

    def chart_data(self) -> dict[str, Any]:
        """What ``dashboard.js`` hands to Chart.js."""
        return {
            "type": self.chart if self.chart in ("line", "bar") else "line",
            "labels": [str(label) for label in self.labels],
            "datasets": [{"label": str(s.label), "data": list(s.values)} for s in self.series],
        }


@dataclass
class Row:
    """A row of a :class:`Table`: its cells, a link, and whether it needs attention."""

    cells: list
    url: str | None = None
    alert: bool = False


@dataclass
class Table(Widget):
    """Rows with links (e.g. overdue items); ``empty`` is shown when there are none and
    ``url`` links to the full list. ``value`` defaults to the number of rows."""

    kind: ClassVar[str] = "table"

    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    empty: str = ""

    def __post_init__(self):
        self.rows = [r if isinstance(r, Row) else Row(list(r)) for r in self.rows]
        if self.value == "":
            self.value = len(self.rows)


KINDS = ("count", "rate", "trend", "table")


# -- settings: KPI targets used by the core's widgets --------------------------------------

SETTINGS = [
    Setting(
        "kpi_grid_coverage_target",
        float,
        100.0,
        "网格化覆盖率目标（%）",
        "Target: communities divided into grids (%)",
        "Seeds: grid-based management (网格化) of every community (襄阳“一站四化”).",
        minimum=0,
        maximum=100,
    ),
    Setting(
        "kpi_platform_coverage_target",
        float,
        100.0,
        "社区平台使用率目标（%）",
        "Target: communities using the platform (%)",
        "Seeds: communities with a smart service and management platform ≥100% (眉山专栏1).",
        minimum=0,
        maximum=100,
    ),
]


def target(plugin: str, key: str, district=None) -> Any:
    """A per-district setting (a KPI target) of the current district."""
    from core.registry import kernel_state

    district = district if district is not None else g.get("district")
    setting = kernel_state().settings.declared(plugin, key)
    if district is None:
        return setting.default
    return kernel_state().settings.get(district.id, plugin, key)


# -- drill-down ----------------------------------------------------------------------------


def may_view(access, unit: TerritoryUnit) -> bool:
    """Whether one of the user's role assignments covers ``unit``."""
    for a in getattr(access, "assignments", []):
        if a.scope == "all" or a.unit_id == unit.id:
            return True
        if a.scope == "subtree" and is_within(unit, a.unit):
            return True
    return False


def _home_unit(access, district: TerritoryUnit) -> TerritoryUnit:
    """The district if the user may see it whole, else the one unit they work in."""
    if may_view(access, district):
        return district
    tops = [a.unit for a in access.assignments if a.unit.district_id == district.id]
    tops = [u for u in tops if not any(o.id != u.id and is_within(u, o) for o in tops)]
    unique = {u.id: u for u in tops}
    return next(iter(unique.values())) if len(unique) == 1 else district


def select_unit() -> None:
    """Put the dashboard's unit in ``g.dashboard_unit`` (with ``g.dashboard_trail`` and
    ``g.dashboard_children`` for the template). Runs before the admin index is rendered."""
    if request.endpoint != "admin.index":
        return
    g.dashboard_unit = None
    g.dashboard_trail = []
    g.dashboard_children = []
    district, access = g.get("district"), g.get("access")
    if district is None or access is None or access.user is None:
        return
    chosen = _home_unit(access, district)
    wanted = request.args.get("unit", "").strip()
    if wanted:
        unit = (
            TerritoryUnit.get_or_none(TerritoryUnit.id == int(wanted)) if wanted.isdigit() else None
        )
        if unit is None or unit.district_id != district.id or not may_view(access, unit):
            flash(
                _(
                    "You cannot see the figures of that unit; showing %(name)s instead.",
                    name=chosen.name,
                ),
                "error",
            )
        else:
            chosen = unit
    g.dashboard_unit = chosen
    g.dashboard_trail = [(u, may_view(access, u)) for u in ancestors(chosen)]
    if chosen.level in ("district", "street", "community"):
        children = TerritoryUnit.select().where(TerritoryUnit.parent == chosen.id)
        g.dashboard_children = [
            u
            for u in children.order_by(TerritoryUnit.sort_order, TerritoryUnit.code)
            if may_view(access, u)
        ]


def current_unit(district=None) -> TerritoryUnit | None:
    """The unit the dashboard shows: ``g.dashboard_unit``, else the district."""
    unit = g.get("dashboard_unit")
    district = district if district is not None else g.get("district")
    if unit is None or district is None or unit.district_id != district.id:
        return district
    return unit


def unit_ids(plugin: str, action: str = "read", district=None) -> pw.ModelSelect:
    """Ids of the units in view: in the district, below the dashboard's unit and where the
    user holds ``plugin:action`` (a sub-select to use inside another query)."""
    district = district if district is not None else g.get("district")
    access = g.get("access")
    if district is None or access is None:
        return TerritoryUnit.select(TerritoryUnit.id).where(pw.SQL("1 = 0"))
    unit = current_unit(district)
    return TerritoryUnit.select(TerritoryUnit.id).where(
        (TerritoryUnit.district_id == district.id)
        & subtree_condition(unit)
        & access.unit_condition(plugin, action)
    )


def scoped(model, plugin: str, action: str = "read", query=None, district=None):
    """``query`` (default: all of ``model``) limited to the user's data scope in the district
    and to the dashboard's unit; ``model`` is a district-owned model with a ``unit``."""
    district = district if district is not None else g.get("district")
    access = g.get("access")
    query = query if query is not None else model.select()
    if district is None or access is None:
        return query.where(pw.SQL("1 = 0"))
    unit = current_unit(district)
    below = TerritoryUnit.select(TerritoryUnit.id).where(subtree_condition(unit))
    return query.where(
        access.scope_condition(model, plugin, action, district.id) & model.unit.in_(below)
    )


# -- months --------------------------------------------------------------------------------


def last_months(months: int = 6, on: dt.date | None = None) -> list[tuple[str, dt.date, dt.date]]:
    """The last ``months`` calendar months up to this one: (label, first day, next month's
    first day), oldest first, in China's calendar."""
    day = (on or today()).replace(day=1)
    found = []
    for _i in range(months):
        following = (day + dt.timedelta(days=32)).replace(day=1)
        found.append((f"{day.year}-{day.month:02d}", day, following))
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(found))


def month_labels(months: int = 6, on: dt.date | None = None) -> list[str]:
    return [label for label, _start, _end in last_months(months, on)]


def _utc(day: dt.date) -> dt.datetime:
    """Midnight in Shanghai at the start of ``day``, as the naive UTC time the database keeps."""
    local = dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def monthly_counts(query, column, months: int = 6, on: dt.date | None = None) -> list[int]:
    """Rows of ``query`` per month by ``column`` (a date or UTC datetime field)."""
    dates = isinstance(column, pw.DateField) and not isinstance(column, pw.DateTimeField)
    counts = []
    for _label, start, end in last_months(months, on):
        low, high = (start, end) if dates else (_utc(start), _utc(end))
        counts.append(query.where((column >= low) & (column < high)).count())
    return counts


# -- display helpers -----------------------------------------------------------------------


def format_day(day: dt.date | None) -> str:
    """A date as people read it: 2026年3月5日, or 5 March 2026 in English."""
    if day is None:
        return ""
    from flask_babel import format_date

    return format_date(day, "long")


def plugin_label(plugin_id: str) -> str:
    """A module's name in the current language."""
    from core.registry import kernel_state

    info = kernel_state().kernel.plugins.get(plugin_id)
    if info is None:
        return plugin_id
    return str(Label(info.manifest.label_zh, info.manifest.label_en))


# -- the core's widgets --------------------------------------------------------------------

LEVELS_BELOW = {
    "district": ("street", "community", "grid", "compound", "building"),
    "street": ("community", "grid", "compound", "building"),
    "community": ("grid", "compound", "building"),
    "grid": ("compound", "building"),
    "compound": ("building",),
}


def territory_widgets(district, user) -> list[Widget]:
    """Counts of units per level below the dashboard's unit, limited to the user's scope."""
    if district is None:
        return []
    unit = current_unit(district)
    levels = LEVELS_BELOW.get(unit.level, ())
    if not levels:
        return []
    rows = (
        TerritoryUnit.select(TerritoryUnit.level, pw.fn.COUNT(TerritoryUnit.id).alias("n"))
        .where(TerritoryUnit.id.in_(unit_ids("core", district=district)))
        .where(TerritoryUnit.level.in_(levels))
        .group_by(TerritoryUnit.level)
        .dicts()
    )
    counts = {row["level"]: row["n"] for row in rows}
    note = _("in %(name)s", name=unit.name)
    return [Widget(str(LEVEL_LABELS[level]), counts.get(level, 0), note=note) for level in levels]


def dashboard_widgets(district, user) -> list[Widget]:
    """The core's KPIs, activity trend and overdue items (after the territory counts)."""
    if district is None or g.get("access") is None:
        return []
    widgets: list[Widget] = []
    widgets += _coverage_rates(district)
    widgets += _activity_trend(district)
    widgets.append(_overdue_table(district))
    return widgets


def _coverage_rates(district) -> list[Widget]:
    communities = list(
        TerritoryUnit.select(TerritoryUnit.id, TerritoryUnit.path).where(
            TerritoryUnit.id.in_(unit_ids("core", district=district))
            & (TerritoryUnit.level == "community")
        )
    )
    if not communities:
        return []
    ids = [c.id for c in communities]
    gridded = (
        TerritoryUnit.select(TerritoryUnit.parent)
        .where((TerritoryUnit.level == "grid") & TerritoryUnit.parent.in_(ids))
        .distinct()
        .count()
    )
    staffed_ids = set()
    paths = (
        TerritoryUnit.select(TerritoryUnit.path)
        .join(RoleAssignment, on=RoleAssignment.unit == TerritoryUnit.id)
        .where(TerritoryUnit.district_id == district.id)
        .distinct()
    )
    for row in paths:
        staffed_ids.update(ancestor_ids(row))
    staffed = len(staffed_ids & set(ids))
    return [
        Rate(
            _("Communities divided into grids"),
            gridded,
            denominator=len(ids),
            target=target("core", "kpi_grid_coverage_target", district),
            note=_("%(n)s of %(total)s communities", n=gridded, total=len(ids)),
        ),
        Rate(
            _("Communities using the platform"),
            staffed,
            denominator=len(ids),
            target=target("core", "kpi_platform_coverage_target", district),
            note=_("%(n)s of %(total)s communities have staff accounts", n=staffed, total=len(ids)),
        ),
    ]


def _activity_trend(district) -> list[Widget]:
    access = g.get("access")
    if not access.can("core", "audit"):
        return []
    query = AuditLog.select().where(AuditLog.unit_id.in_(unit_ids("core", "audit", district)))
    return [
        Trend(
            _("Records changed per month"),
            labels=month_labels(6),
            series=[Series(_("Number of changes"), monthly_counts(query, AuditLog.at, 6))],
            chart="bar",
            note=_("From the audit trail, last 6 months"),
        )
    ]


def _overdue_table(district, shown: int = 10) -> Table:
    from core.notifications import overdue_page

    page = overdue_page(district, lambda plugin: unit_ids(plugin, district=district), None, shown)
    now = today()
    return Table(
        _("Overdue items"),
        page.total,
        columns=[_("Item"), _("Due"), _("Overdue by"), _("Module")],
        rows=[
            Row(
                [
                    item.title,
                    format_day(item.due),
                    _("%(n)s days", n=(now - item.due).days),
                    plugin_label(item.plugin),
                ],
                url=item.url,
                alert=True,
            )
            for item in page.items
        ],
        empty=_("Nothing is overdue."),
        note=_("%(n)s more not shown", n=page.total - shown) if page.total > shown else "",
    )


# -- wiring --------------------------------------------------------------------------------


def blueprints() -> list[Blueprint]:
    """A blueprint without pages that resolves ``g.dashboard_unit`` for the admin index,
    after the request context (user, access, district) has been loaded."""
    bp = Blueprint("linli_dashboard", __name__)

    @bp.record_once
    def _register(state):
        state.app.before_request_funcs.setdefault("admin", []).append(select_unit)

    return [bp]
