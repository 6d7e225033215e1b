"""Figures and files made from the registry: dashboard widgets, overdue items, portal tasks,
the open-data export (CSV and XLSX: a main table plus side tables, with the extract date)
and the daily credit run command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape as xml_escape

import click
from flask import Response, g, url_for
from flask_admin import expose
from peewee import fn

from core import workdays
from core.admin import View, escape_formula
from core.dashboard import Rate, Row, Table, Widget, current_unit, format_day, scoped, unit_ids
from core.i18n import gettext as _
from core.models import PATH_WIDTH, TerritoryUnit
from core.workflow import workflow_of
from forms.dictionaries import field_label
from forms.validators import N_

from . import rules, services
from .flows import ORG_FLOW, PLUGIN
from .models import (
    LEGAL_FORMS,
    ORG_TYPES,
    AnnualReport,
    Application,
    AreaOfOperation,
    CreditListing,
    Evaluation,
    Objection,
    Organisation,
    PurchaseProject,
)

LIVE = ("filed", "registered")


# -- dashboard (工作台) -----------------------------------------------------------------------


def dashboard_widgets(district, user) -> list[Widget]:
    access = g.get("access")
    if district is None or access is None or not access.can(PLUGIN, "read"):
        return []
    orgs = scoped(Organisation, PLUGIN, district=district)
    live = orgs.where(Organisation.state.in_(LIVE))
    widgets: list[Widget] = [_per_community(district)]
    known = orgs.where(Organisation.state.not_in(("refused", "withdrawn"))).count()
    filed_or_registered = live.count()
    widgets.append(
        Rate(
            _("Filing and registration rate"),
            filed_or_registered,
            denominator=known,
            target=100.0,
            plugin=PLUGIN,
            note=_("%(n)s of %(total)s known organisations", n=filed_or_registered, total=known),
        )
    )
    for kind, label in ORG_TYPES:
        widgets.append(
            Widget(str(label), live.where(Organisation.org_type == kind).count(), plugin=PLUGIN)
        )
    for form, label in LEGAL_FORMS:
        widgets.append(
            Widget(str(label), live.where(Organisation.legal_form == form).count(), plugin=PLUGIN)
        )
    listed = (
        scoped(CreditListing, PLUGIN, district=district)
        .where(CreditListing.state == "listed")
        .count()
    )
    widgets.append(Widget(_("On a credit list"), listed, plugin=PLUGIN))
    widgets.append(_by_status(orgs))
    widgets.append(_deadlines(district))
    widgets.append(_inactive(district, live))
    return widgets


def _by_status(orgs) -> Table:
    rows = (
        orgs.select(Organisation.state, fn.COUNT(Organisation.id).alias("n"))
        .group_by(Organisation.state)
        .dicts()
    )
    counts = {row["state"]: row["n"] for row in rows}
    return Table(
        _("Organisations by status"),
        sum(counts.values()),
        plugin=PLUGIN,
        columns=[_("Status"), _("Number")],
        rows=[
            Row([str(state.label), counts[code]])
            for code, state in ORG_FLOW.states.items()
            if counts.get(code)
        ],
        empty=_("No organisation yet."),
    )


def _per_community(district) -> Rate:
    """Organisations per community against the urban and rural targets."""
    communities = list(
        TerritoryUnit.select().where(
            TerritoryUnit.id.in_(unit_ids(PLUGIN, district=district))
            & (TerritoryUnit.level == "community")
        )
    )
    counts = {c.id: 0 for c in communities}
    by_path = {c.path: c.id for c in communities}
    per_unit = (
        Organisation.select(TerritoryUnit.path, fn.COUNT(Organisation.id).alias("n"))
        .join(TerritoryUnit)
        .where(Organisation.state.in_(LIVE) & (TerritoryUnit.district_id == district.id))
        .group_by(TerritoryUnit.path)
        .dicts()
    )
    width = 3 * PATH_WIDTH  # district, street, community: the community's own path
    for row in per_unit:
        community = by_path.get(row["path"][:width])
        if community is not None:
            counts[community] += row["n"]
    met = 0
    for c in communities:
        key = "target_rural" if getattr(c, "area_type", "urban") == "rural" else "target_urban"
        if counts[c.id] >= services.setting(district.id, key):
            met += 1
    return Rate(
        _("Communities meeting the organisation target"),
        met,
        denominator=len(communities),
        target=100.0,
        plugin=PLUGIN,
        note=_(
            "Target: %(urban)s per urban community, %(rural)s per rural community",
            urban=services.setting(district.id, "target_urban"),
            rural=services.setting(district.id, "target_rural"),
        ),
    )


def upcoming(district, query_for, days: int) -> list[tuple[str, dt.date, str]]:
    """(title, due, url) of open work due within ``days``, soonest first."""
    today = workdays.today()
    horizon = today + dt.timedelta(days=days)
    found = []
    for model, endpoint, label in (
        (Application, "socialorgs_application", N_("Application: %(name)s")),
        (AnnualReport, "socialorgs_annual_report", N_("Annual report: %(name)s")),
        (Evaluation, "socialorgs_evaluation", N_("Evaluation: %(name)s")),
    ):
        open_states = workflow_of(model).open_states()
        for rec in query_for(model).where(
            model.state.in_(open_states) & model.due.is_null(False) & (model.due <= horizon)
        ):
            title = _(label, name=rec.organisation.name)
            found.append((title, rec.due, url_for(f"{endpoint}.details_view", id=rec.id)))
    for listing in query_for(CreditListing).where(
        (CreditListing.state == "listed") & (CreditListing.removable_on <= horizon)
    ):
        title = _("Removable from the list: %(name)s", name=listing.organisation.name)
        found.append(
            (title, listing.removable_on, url_for("socialorgs_listing.details_view", id=listing.id))
        )
    return sorted(found, key=lambda item: item[1])


def _deadlines(district) -> Table:
    days = services.setting(district.id, "deadline_window_days")
    items = upcoming(district, lambda m: scoped(m, PLUGIN, district=district), days)
    today = workdays.today()
    return Table(
        _("Upcoming deadlines"),
        len(items),
        plugin=PLUGIN,
        columns=[_("Item"), _("Due")],
        rows=[Row([t, format_day(d)], url=u, alert=d < today) for t, d, u in items[:10]],
        empty=_("Nothing is due in the next %(n)s days.", n=days),
    )


def _inactive(district, live) -> Table:
    query = live.where(services.inactive_condition(district.id))
    found = list(query.order_by(Organisation.last_activity_on, Organisation.name).limit(10))
    return Table(
        _("No activity for 12 months"),
        query.count(),
        plugin=PLUGIN,
        columns=[_("Organisation"), _("Last activity")],
        rows=[
            Row(
                [o.name, format_day(o.last_activity_on) or "—"],
                url=url_for("socialorgs_organisation.details_view", id=o.id),
                alert=True,
            )
            for o in found
        ],
        empty=_("Every organisation was active in the last 12 months."),
    )


# -- overdue items and portal tasks --------------------------------------------------------


def overdue_items(district) -> list:
    from core.notifications import OverdueItem
    from core.workflow import overdue_condition

    if district is None:
        return []
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    items = []
    for model, endpoint, label in (
        (Application, "socialorgs_application", N_("Application overdue: %(name)s")),
        (AnnualReport, "socialorgs_annual_report", N_("Annual report overdue: %(name)s")),
        (Objection, "socialorgs_objection", N_("Objection overdue: %(name)s")),
    ):
        for rec in model.select().where(overdue_condition(model) & model.unit.in_(units)):
            items.append(
                OverdueItem(
                    _(label, name=_record_name(rec)),
                    url_for(f"{endpoint}.details_view", id=rec.id),
                    rec.due,
                    rec.unit_id,
                    None,
                    PLUGIN,
                )
            )
    return items


def _record_name(rec) -> str:
    if hasattr(rec, "organisation_id"):
        return rec.organisation.name
    return rec.listing.organisation.name


def portal_tasks(user, district) -> list:
    from core.access import Access, resource_of
    from core.portal import Task

    if district is None or user is None or not getattr(user, "id", None):
        return []
    access = Access(user)
    if not access.can(resource_of(PLUGIN, Application), "approve"):
        return []
    condition = access.scope_condition(Application, PLUGIN, "approve", district.id)
    return [
        Task(
            _("Application to decide: %(name)s", name=app.organisation.name),
            url_for("socialorgs_application.details_view", id=app.id),
            PLUGIN,
            app.due,
        )
        for app in Application.select().where(
            condition & Application.state.in_(("submitted", "under_review"))
        )
    ]


# -- open data (开放数据) ----------------------------------------------------------------------


def _label(choices, value):
    return str(dict(choices).get(value, value or ""))


def export_tables(query, extract_date: dt.date) -> list[tuple[str, list[str], list[list]]]:
    """The main table and the side tables of the organisations in ``query`` (public data
    only: no ID numbers or phone numbers). Every row carries the extract date."""
    orgs = list(query.where(Organisation.state.not_in(services.NEVER_ADMITTED)))
    ids = [o.id for o in orgs] or [0]
    day = extract_date.isoformat()
    main = [
        [
            day,
            o.id,
            rules.org_identifier(o.credit_code, o.filing_number),
            o.name,
            _label(LEGAL_FORMS, o.legal_form),
            _label(ORG_TYPES, o.org_type),
            field_label(Organisation.category, o.category, g.get("district_id")),
            o.credit_code or "",
            o.filing_number or "",
            o.supervisor,
            o.legal_rep,
            o.address,
            o.purpose,
            o.scope,
            str(o.funds),
            o.state,
            o.filed_on.isoformat() if o.filed_on else "",
            o.registered_on.isoformat() if o.registered_on else "",
            o.ended_on.isoformat() if o.ended_on else "",
            o.grade,
            o.grade_valid_until.isoformat() if o.grade_valid_until else "",
        ]
        for o in orgs
    ]
    former = [
        [day, o.id, name]
        for o in orgs
        for name in (o.former_names or "").splitlines()
        if name.strip()
    ]
    areas = [
        [day, a.organisation_id, a.area.code, a.area.name]
        for a in AreaOfOperation.select(AreaOfOperation, TerritoryUnit)
        .join(TerritoryUnit)
        .where(AreaOfOperation.organisation.in_(ids))
    ]
    reports = [
        [day, r.organisation_id, r.year, r.state, str(r.income), str(r.expenditure)]
        for r in AnnualReport.select().where(AnnualReport.organisation.in_(ids))
    ]
    listings = [
        [
            day,
            c.organisation_id,
            c.list_kind,
            c.reason,
            c.listed_on.isoformat(),
            c.state,
            c.removed_on.isoformat() if c.removed_on else "",
        ]
        for c in CreditListing.select().where(CreditListing.organisation.in_(ids))
    ]
    grants = [
        [
            day,
            p.organisation_id,
            p.title,
            p.purchaser,
            str(p.budget),
            p.starts_on.isoformat(),
            p.ends_on.isoformat(),
        ]
        for p in PurchaseProject.select().where(PurchaseProject.organisation.in_(ids))
    ]
    return [
        (
            "organisation",
            [
                "date_of_extract",
                "organisation_number",
                "identifier",
                "name",
                "legal_form",
                "type",
                "category",
                "credit_code",
                "filing_number",
                "supervising_unit",
                "legal_representative",
                "address",
                "purpose",
                "scope",
                "activity_funds",
                "status",
                "date_of_filing",
                "date_of_registration",
                "date_of_removal",
                "grade",
                "grade_valid_until",
            ],
            main,
        ),
        ("other_names", ["date_of_extract", "organisation_number", "former_name"], former),
        (
            "area_of_operation",
            ["date_of_extract", "organisation_number", "unit_code", "unit_name"],
            areas,
        ),
        (
            "annual_report_history",
            ["date_of_extract", "organisation_number", "year", "status", "income", "expenditure"],
            reports,
        ),
        (
            "credit_list_history",
            [
                "date_of_extract",
                "organisation_number",
                "list",
                "reason",
                "listed_on",
                "status",
                "removed_on",
            ],
            listings,
        ),
        (
            "purchased_services",
            [
                "date_of_extract",
                "organisation_number",
                "title",
                "purchaser",
                "amount_awarded",
                "planned_start",
                "planned_end",
            ],
            grants,
        ),
    ]


def csv_zip(tables, extract_date: dt.date) -> bytes:
    """One CSV (UTF-8 with BOM, for spreadsheets) per table, in a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, header, rows in tables:
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(header)
            for row in rows:
                writer.writerow([escape_formula(v) for v in row])
            archive.writestr(f"{name}_{extract_date.isoformat()}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def _column(n: int) -> str:
    letters = ""
    while n >= 0:
        letters = chr(65 + n % 26) + letters
        n = n // 26 - 1
    return letters


def _sheet(header, rows) -> str:
    lines = []
    for r, row in enumerate([header, *rows], start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if isinstance(value, int) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = xml_escape(str(value if value is not None else ""))
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )


def xlsx(tables) -> bytes:
    """A workbook with one sheet per table (Office Open XML, written without a library)."""
    main = "http://schemas.openxmlformats.org"
    rel = f"{main}/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(tables) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{main}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        entries = "".join(
            f'<sheet name="{name[:31]}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _h, _r) in enumerate(tables, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{rel}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        links = "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(tables) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{main}/package/2006/relationships">{links}</Relationships>',
        )
        for i, (_name, header, rows) in enumerate(tables, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet(header, rows))
    return buffer.getvalue()


class ExportView(View):
    """开放数据导出: the organisations the user may see, as CSV (zip) or XLSX."""

    permission = "export"

    def is_accessible(self):
        from flask_login import current_user

        if not current_user.is_authenticated or current_user.must_change_password:
            return False
        return self.plugin_enabled() and self.allowed("export")

    def _query(self):
        access = g.get("access")
        return Organisation.select().where(
            access.scope_condition(Organisation, PLUGIN, "export", g.get("district_id"))
        )

    def _tables(self):
        day = workdays.today()
        unit = current_unit()
        query = self._query()
        if unit is not None and unit.level != "district":
            query = query.where(
                Organisation.unit.in_(
                    TerritoryUnit.select(TerritoryUnit.id).where(
                        TerritoryUnit.path.startswith(unit.path)
                    )
                )
            )
        return day, export_tables(query, day)

    @expose("/")
    def index(self):
        day = workdays.today()
        return self.render("socialorgs/export.html", day=day, count=self._count())

    def _count(self):
        return self._query().where(Organisation.state.not_in(services.NEVER_ADMITTED)).count()

    @expose("/csv")
    def csv(self):
        day, tables = self._tables()
        return Response(
            csv_zip(tables, day),
            mimetype="application/zip",
            headers={"Content-Disposition": f"attachment; filename=socialorgs_{day}.zip"},
        )

    @expose("/xlsx")
    def xlsx(self):
        day, tables = self._tables()
        return Response(
            xlsx(tables),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename=socialorgs_{day}.xlsx"},
        )


# -- commands ------------------------------------------------------------------------------


@click.command("socialorgs-daily")
@click.option("--date", "on", default=None, help="Run as of this day (YYYY-MM-DD)")
def daily_command(on):
    """Apply the credit-list triggers and timers in every district (daily)."""
    from core import territory
    from core.db import db

    day = dt.date.fromisoformat(on) if on else workdays.today()
    with db.connection_context():
        for district in territory.districts():
            result = services.run_daily(district, day)
            click.echo(
                f"{district.code}: {result['listed']} listed or re-triggered, "
                f"{result['removed']} removed"
            )


def commands() -> list:
    return [daily_command]
