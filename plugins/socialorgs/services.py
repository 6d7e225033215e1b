"""Operations that change the registry. Each validates first, writes in one transaction and
emits an event (the core's audit writer records it); a refusal raises ServiceError with a
message in the user's language and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

import peewee as pw

from core import commands, workdays
from core.commands import Context
from core.db import db
from core.events import Event, diff, emit, snapshot
from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.records import audit_values, stamp
from core.services import ServiceError
from core.workflow import WorkflowError

from . import rules
from .flows import (
    APPLICATION_FLOW,
    EVALUATION_FLOW,
    PLUGIN,
)
from .models import (
    AnnualReport,
    Application,
    AreaOfOperation,
    ChangeRequest,
    CharterVersion,
    CreditEvent,
    CreditListing,
    Evaluation,
    Objection,
    Organisation,
    Sanction,
)

LIVE_STATES = ("filed", "registered", "liquidating", "liquidated")
NEVER_ADMITTED = ("pending", "refused", "withdrawn")  # never filed nor registered: not public
REGISTRY_FIELDS = (
    "name",
    "org_type",
    "category",
    "supervisor",
    "legal_rep",
    "legal_rep_id",
    "members_individual",
    "members_unit",
    "funds",
    "address",
    "premises",
    "purpose",
    "scope",
    "party_status",
    "founded_on",
    "contact_name",
    "contact_phone",
)
# items of a filed or registered organisation that change only through 变更登记
REGISTERED_ITEMS = ("name", "address", "legal_rep", "purpose", "scope", "funds", "supervisor")


def setting(district_id: int | None, key: str):
    from core.registry import kernel_state

    registry = kernel_state().settings
    if district_id is None:
        return registry.declared(PLUGIN, key).default
    return registry.get(district_id, PLUGIN, key)


def district_of(record) -> int | None:
    unit_id = getattr(record, "unit_id", None) or record.organisation.unit_id
    return (
        TerritoryUnit.select(TerritoryUnit.district_id).where(TerritoryUnit.id == unit_id).scalar()
    )


def _emit(name, record, actor, changes=None, summary=""):
    emit(
        Event(
            name,
            plugin=PLUGIN,
            record=record,
            actor=actor,
            district_id=district_of(record),
            changes=changes or {},
            summary=summary[:255],
        )
    )


def _move(ctx: Context, record, code, comment="", data=None):
    try:
        return commands.transition(ctx, record, code, comment, data)
    except WorkflowError:
        raise
    except pw.IntegrityError as exc:
        raise ServiceError(_("The record could not be saved: %(error)s", error=str(exc))) from exc


# -- validation of the registered items ----------------------------------------------------


def _decimal(value, label) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise ServiceError(_("%(field)s: please enter an amount in yuan.", field=label)) from None
    if number < 0:
        raise ServiceError(_("%(field)s: the amount cannot be negative.", field=label))
    return number.quantize(Decimal("0.01"))


def check_organisation(org: Organisation) -> None:
    """Refuse an organisation whose registered items are wrong: empty or duplicate name,
    invalid or duplicate credit code, a legal representative of another 社会团体."""
    org.name = (org.name or "").strip()
    if not org.name:
        raise ServiceError(_("Please enter the name of the organisation."))
    others = Organisation.select().where(Organisation.id != (org.id or 0))
    if others.where(Organisation.name == org.name).exists():
        raise ServiceError(_("An organisation named “%(name)s” already exists.", name=org.name))
    if org.credit_code:
        org.credit_code = rules.normalise_code(org.credit_code)
        problem = rules.credit_code_problem(org.credit_code)
        if problem:
            raise ServiceError(_(problem))
        clash = others.where(Organisation.credit_code == org.credit_code).first()
        if clash is not None:
            raise ServiceError(
                _(
                    "The credit code %(code)s is already used by %(name)s.",
                    code=org.credit_code,
                    name=clash.name,
                )
            )
    else:
        org.credit_code = None
    org.funds = _decimal(org.funds, _("Activity funds (yuan)"))
    if (org.members_individual or 0) < 0 or (org.members_unit or 0) < 0:
        raise ServiceError(_("Member counts cannot be negative."))
    check_legal_rep(org)


def check_legal_rep(org: Organisation, legal_form: str | None = None) -> None:
    """One person is the legal representative of one 社会团体 only (社团条例)."""
    form = legal_form or org.legal_form
    if org.org_type != "social_group" or form != "registered" or not org.legal_rep:
        return
    same_person = (
        Organisation.legal_rep_id == org.legal_rep_id
        if org.legal_rep_id
        else Organisation.legal_rep == org.legal_rep
    )
    others = [
        o.name
        for o in Organisation.select(Organisation.name).where(
            same_person
            & (Organisation.id != (org.id or 0))
            & (Organisation.org_type == "social_group")
            & (Organisation.legal_form == "registered")
            & Organisation.state.in_(LIVE_STATES)
        )
    ]
    clash = rules.legal_rep_conflict(org.org_type, form, others)
    if clash:
        raise ServiceError(
            _(
                "%(person)s is already the legal representative of the social group "
                "“%(other)s”; one person may represent only one social group.",
                person=org.legal_rep,
                other=clash,
            )
        )


def check_members(org: Organisation) -> None:
    """A social group registers only with enough members (社团条例 art. 10; settings)."""
    if org.org_type != "social_group":
        return
    district = district_of(org)
    individual = setting(district, "min_members_individual")
    unit = setting(district, "min_members_unit")
    problem = rules.membership_problem(org.members_individual, org.members_unit, individual, unit)
    if problem:
        raise ServiceError(_(problem, individual=individual, unit=unit))


def set_areas(org: Organisation, units) -> None:
    AreaOfOperation.delete().where(AreaOfOperation.organisation == org.id).execute()
    for unit in units:
        AreaOfOperation.create(organisation=org, area=unit)


# -- applications (备案 / 登记) ----------------------------------------------------------------


def apply_new(ctx: Context, org: Organisation, kind: str, materials="", areas=()) -> Application:
    """A new organisation applies for filing or registration: one identity from here on."""
    if kind not in ("filing", "registration"):
        raise ServiceError(_("Choose filing or registration."))
    org.legal_form = "filed" if kind == "filing" else "registered"
    check_organisation(org)
    with db.atomic():
        commands.start(ctx, org)
        set_areas(org, areas or [org.unit])
        _emit("created", org, ctx.actor, diff({}, snapshot(org)), org.name)
        application = Application(
            unit=org.unit_id, organisation=org, kind=kind, materials=materials
        )
        commands.start(ctx, application)
        _emit("created", application, ctx.actor, diff({}, snapshot(application)), org.name)
    return application


def apply_registration(ctx: Context, org: Organisation, materials="") -> Application:
    """A filed organisation applies to register: the same record, now becoming a legal person."""
    if org.state != "filed":
        raise ServiceError(_("Only a filed organisation can apply to register."))
    open_ = Application.select().where(
        (Application.organisation == org.id) & Application.state.in_(APPLICATION_FLOW.open_states())
    )
    if open_.exists():
        raise ServiceError(_("This organisation already has an application in progress."))
    check_legal_rep(org, "registered")
    with db.atomic():
        application = Application(
            unit=org.unit_id, organisation=org, kind="registration", materials=materials
        )
        commands.start(ctx, application)
        _emit("created", application, ctx.actor, diff({}, snapshot(application)), org.name)
    return application


def next_filing_number(org: Organisation, on: dt.date) -> str:
    unit = TerritoryUnit.get_by_id(org.unit_id)
    district = TerritoryUnit.get_or_none(TerritoryUnit.id == unit.district_id) or unit
    prefix = rules.filing_number(district.code, on.year, 0)[:-4]
    n = Organisation.select().where(Organisation.filing_number.startswith(prefix)).count() + 1
    while (
        Organisation.select()
        .where(Organisation.filing_number == rules.filing_number(district.code, on.year, n))
        .exists()
    ):
        n += 1
    return rules.filing_number(district.code, on.year, n)


def move_application(ctx: Context, application: Application, code: str, comment="", data=None):
    """A step of an application; approval files or registers the organisation."""
    org = application.organisation
    with db.atomic():
        if code == "approve" and application.kind == "registration":
            check_legal_rep(org, "registered")
            check_members(org)
        _move(ctx, application, code, comment, data)
        today = ctx.today()
        if code == "approve" and application.kind == "filing":
            org.filing_number = org.filing_number or next_filing_number(org, today)
            org.save(only=[Organisation.filing_number])
            _move(ctx, org, "file", comment, {})
            Organisation.update(filed_on=today, legal_form="filed").where(
                Organisation.id == org.id
            ).execute()
        elif code == "approve":
            Organisation.update(credit_code=application.credit_code).where(
                Organisation.id == org.id
            ).execute()
            org.credit_code = application.credit_code
            _move(ctx, org, "register", comment, {})
            Organisation.update(registered_on=today, legal_form="registered").where(
                Organisation.id == org.id
            ).execute()
        elif code in ("reject", "withdraw") and org.state == "pending":
            _move(ctx, org, "refuse" if code == "reject" else "withdraw", comment, {})
    return application


# -- organisation lifecycle ----------------------------------------------------------------


def move_organisation(ctx: Context, org: Organisation, code: str, comment="", data=None):
    with db.atomic():
        _move(ctx, org, code, comment, data)
        if code == "revoke":
            list_organisation(
                Context.trusted(), org, "dishonest", rules.REASON_REVOKED, org.ended_on
            )
    return org


def update_organisation(ctx: Context, org: Organisation, values: dict) -> Organisation:
    """Edit the items that do not need a change registration (contacts, members...)."""
    before = snapshot(org)
    if org.state != "pending":
        changed = [k for k in REGISTERED_ITEMS if k in values and values[k] != getattr(org, k)]
        if changed:
            raise ServiceError(
                _("Registered items change only through a change registration (变更登记).")
            )
    for key, value in values.items():
        setattr(org, key, value)
    check_organisation(org)
    with db.atomic():
        stamp(org, False, ctx.actor)
        org.save()
        changes = diff(before, snapshot(org))
        changes.pop("updated_at", None)
        _emit("updated", org, ctx.actor, changes, org.name)
    return org


def adopt_charter(
    ctx: Context, org: Organisation, adopted_on: dt.date, summary: str
) -> CharterVersion:
    with db.atomic():
        number = (org.charter_version or 0) + 1
        row = CharterVersion.create(
            organisation=org,
            number=number,
            adopted_on=adopted_on,
            summary=summary,
            **audit_values(CharterVersion, True, ctx.actor),
        )
        Organisation.update(charter_version=number).where(Organisation.id == org.id).execute()
        org.charter_version = number
        _emit("created", row, ctx.actor, {"charter_version": [number - 1, number]}, org.name)
    return row


# -- changes (变更登记) ------------------------------------------------------------------------


def _change_value(field: str, raw: str):
    if field == "funds":
        return _decimal(raw, _("Activity funds (yuan)"))
    return (raw or "").strip()


def request_change(
    ctx: Context, org: Organisation, field: str, new_value: str, agreed_on: dt.date
) -> ChangeRequest:
    """Ask to change one registered item, within the window after the supervisor agreed."""
    from .models import CHANGE_FIELDS

    if org.state not in ("filed", "registered"):
        raise ServiceError(_("Only a filed or registered organisation can change its items."))
    if field not in dict(CHANGE_FIELDS):
        raise ServiceError(_("Choose the item to change."))
    value = _change_value(field, new_value)
    if value in ("", None):
        raise ServiceError(_("Please enter the new value."))
    today = ctx.today()
    if agreed_on is None or agreed_on > today:
        raise ServiceError(_("The supervisor's agreement cannot be dated in the future."))
    window = setting(district_of(org), "change_window_days")
    last_day = workdays.deadline(agreed_on, window, working=False)
    if today > last_day:
        raise ServiceError(
            _(
                "A change must be applied for within %(days)s days of the supervisor's "
                "agreement (by %(date)s).",
                days=window,
                date=last_day.isoformat(),
            )
        )
    probe = Organisation.get_by_id(org.id)
    setattr(probe, field, value)
    check_organisation(probe)
    change = ChangeRequest(
        unit=org.unit_id,
        organisation=org,
        field=field,
        old_value=str(getattr(org, field) or ""),
        new_value=str(value),
        agreed_on=agreed_on,
    )
    with db.atomic():
        commands.start(ctx, change)
        change.due = last_day
        change.save(only=[ChangeRequest.due])
        _emit("created", change, ctx.actor, diff({}, snapshot(change)), org.name)
    return change


def move_change(ctx: Context, change: ChangeRequest, code: str, comment="", data=None):
    org = change.organisation
    with db.atomic():
        if code == "approve":
            probe = Organisation.get_by_id(org.id)
            setattr(probe, change.field, _change_value(change.field, change.new_value))
            check_organisation(probe)
        _move(ctx, change, code, comment, data)
        if code == "approve":
            before = snapshot(org)
            if change.field == "name":
                names = [n for n in org.former_names.splitlines() if n]
                org.former_names = "\n".join([*names, org.name])
            setattr(org, change.field, _change_value(change.field, change.new_value))
            org.save()
            _emit("updated", org, ctx.actor, diff(before, snapshot(org)), org.name)
    return change


# -- annual reports (年度报告) -----------------------------------------------------------------


def report_dates(org: Organisation, year: int) -> tuple[dt.date, dt.date]:
    district = district_of(org)
    return rules.report_deadlines(
        year,
        setting(district, "report_supervisor_day"),
        setting(district, "report_registrar_day"),
    )


def submit_report(ctx: Context, org: Organisation, year, values: dict) -> AnnualReport:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ServiceError(_("Please enter the year as four digits.")) from None
    problem = rules.report_year_problem(year, ctx.today())
    if problem:
        raise ServiceError(_(problem))
    if org.state not in LIVE_STATES:
        raise ServiceError(_("Only a filed or registered organisation files annual reports."))
    exists = AnnualReport.select().where(
        (AnnualReport.organisation == org.id) & (AnnualReport.year == year)
    )
    if exists.exists():
        raise ServiceError(_("The annual report for %(year)s was already submitted.", year=year))
    report = AnnualReport(
        unit=org.unit_id,
        organisation=org,
        year=year,
        income=_decimal(values.get("income"), _("Income")),
        expenditure=_decimal(values.get("expenditure"), _("Expenditure")),
        activities=int(values.get("activities") or 0),
        summary=values.get("summary") or "",
        submitted_on=ctx.today(),
    )
    with db.atomic():
        commands.start(ctx, report)
        supervisor_day, registrar_day = report_dates(org, year)
        report.due = supervisor_day if report.submitted_on <= supervisor_day else registrar_day
        report.save(only=[AnnualReport.due])
        _emit("created", report, ctx.actor, diff({}, snapshot(report)), f"{org.name} {year}")
    return report


def move_report(ctx: Context, report: AnnualReport, code: str, comment="", data=None):
    with db.atomic():
        _move(ctx, report, code, comment, data)
        if report.state in ("reviewed", "submitted", "needs_fix"):
            report.due = report_dates(report.organisation, report.year)[1]
            report.save(only=[AnnualReport.due])
    return report


def missing_reports(orgs, today: dt.date) -> list[tuple[Organisation, int, dt.date]]:
    """(organisation, year, registrar deadline) of reports not accepted by the deadline."""
    found = []
    for org in orgs:
        started = org.registered_on or org.filed_on
        years = rules.years_due(started, org.ended_on, today)
        if not years:
            continue
        accepted = {
            r.year
            for r in AnnualReport.select(AnnualReport.year).where(
                (AnnualReport.organisation == org.id) & (AnnualReport.state == "accepted")
            )
        }
        for year in years:
            registrar_day = report_dates(org, year)[1]
            if year not in accepted and today > registrar_day:
                found.append((org, year, registrar_day))
    return found


# -- credit lists (信用名单) -------------------------------------------------------------------


def _event(listing, kind, on, reason, actor=None):
    CreditEvent.create(
        listing=listing,
        kind=kind,
        on_date=on,
        reason=reason[:200],
        actor=getattr(actor, "id", None),
    )


def active_listing(org, list_kind) -> CreditListing | None:
    return CreditListing.get_or_none(
        (CreditListing.organisation == org.id)
        & (CreditListing.list_kind == list_kind)
        & (CreditListing.state == "listed")
    )


def _already_applied(org, list_kind, reason, on) -> bool:
    return (
        CreditEvent.select()
        .join(CreditListing)
        .where(
            (CreditListing.organisation == org.id)
            & (CreditListing.list_kind == list_kind)
            & (CreditEvent.reason == reason)
            & (CreditEvent.on_date == on)
            & CreditEvent.kind.in_(("listed", "retriggered"))
        )
        .exists()
    )


def list_organisation(ctx: Context, org, list_kind, reason, on) -> CreditListing | None:
    """Put ``org`` on a list for ``reason`` (an English msgid) from day ``on``; a trigger that
    recurs while listed restarts the removal clock. Applying the same trigger twice does
    nothing. Returns the listing."""
    actor = ctx.actor
    if _already_applied(org, list_kind, reason, on):
        return None
    district = district_of(org)
    months = setting(district, "abnormal_months")
    years = setting(district, "dishonest_years")
    with db.atomic():
        listing = active_listing(org, list_kind)
        if listing is not None:
            listing.clock_from = max(listing.clock_from, on)
            listing.removable_on = rules.removable_on(list_kind, listing.clock_from, months, years)
            listing.save()
            _event(listing, "retriggered", on, reason, actor)
            _emit("updated", listing, actor, {"clock_from": [None, str(on)]}, org.name)
            return listing
        listing = CreditListing.create(
            unit=org.unit_id,
            organisation=org,
            list_kind=list_kind,
            reason=reason,
            listed_on=on,
            clock_from=on,
            removable_on=rules.removable_on(list_kind, on, months, years),
            **audit_values(CreditListing, True, actor),
        )
        _event(listing, "listed", on, reason, actor)
        _emit("created", listing, actor, diff({}, snapshot(listing)), org.name)
        if list_kind == "dishonest":
            abnormal = active_listing(org, "abnormal")
            if abnormal is not None:
                abnormal.state = "moved"
                abnormal.removed_on = on
                abnormal.save()
                _event(abnormal, "moved", on, reason, actor)
    return listing


def remove_listing(ctx: Context, listing: CreditListing, reason: str, on=None, early=False):
    """Take ``org`` off a list. Before ``removable_on`` only an abnormal listing whose cause
    was fixed (``early``) may go; the serious-dishonesty list never leaves early."""
    actor = ctx.actor
    on = on or workdays.today()
    if listing.state != "listed":
        raise ServiceError(_("This organisation is no longer on the list."))
    if on < listing.removable_on and not (early and listing.list_kind == "abnormal"):
        raise ServiceError(
            _(
                "The organisation can leave the list on %(date)s at the earliest.",
                date=listing.removable_on.isoformat(),
            )
        )
    if not reason.strip():
        raise ServiceError(_("Please give the reason for the removal."))
    with db.atomic():
        listing.state = "removed"
        listing.removed_on = on
        listing.save()
        _event(listing, "removed", on, reason, actor)
        _emit("updated", listing, actor, {"state": ["listed", "removed"]}, str(listing))
    return listing


def triggers_for(org: Organisation, today: dt.date) -> list[rules.Trigger]:
    district = district_of(org)
    sanctions = [
        (s.kind, s.on_date, s.amount)
        for s in Sanction.select().where(Sanction.organisation == org.id)
    ]
    found = rules.sanction_triggers(
        sanctions,
        today,
        setting(district, "penalty_window_years"),
        setting(district, "letter_gap_min_days"),
        setting(district, "letter_gap_max_days"),
    )
    for _org, _year, registrar_day in missing_reports([org], today):
        found.append(
            rules.Trigger(
                "abnormal",
                rules.REASON_REPORT_MISSING,
                registrar_day + dt.timedelta(days=1),
            )
        )
    abnormal = active_listing(org, "abnormal")
    if abnormal is not None and rules.abnormal_too_long(
        abnormal.listed_on, today, setting(district, "abnormal_to_dishonest_years")
    ):
        found.append(
            rules.Trigger(
                "dishonest",
                rules.REASON_ABNORMAL_TOO_LONG,
                rules.add_months(abnormal.listed_on, 24),
            )
        )
    return sorted(found, key=lambda t: (t.on, t.list_kind))


def apply_credit_rules(ctx: Context, org: Organisation, today: dt.date | None = None) -> int:
    """List ``org`` for every trigger not applied yet; return how many were applied."""
    today = today or workdays.today()
    applied = 0
    for trigger in triggers_for(org, today):
        if list_organisation(ctx, org, trigger.list_kind, trigger.reason, trigger.on):
            applied += 1
    return applied


def record_sanction(
    ctx: Context, org: Organisation, kind, on_date, amount, document, note
) -> Sanction:
    """Record an inspection result or an administrative penalty (行政处罚) of ``org``; the
    credit rules then apply (a warning lists it as abnormal...). Only those who may
    ``sanction`` (the registration authority, 登记管理机关: 《社会组织信用信息管理办法》) and
    only for an organisation in their data scope; a refusal writes nothing."""
    from .models import SANCTION_KINDS

    draft = Sanction(unit=org.unit_id, organisation=org)
    commands._require(ctx, PLUGIN, "sanction", draft)
    commands.check_scope(ctx, draft, PLUGIN, "sanction")
    if kind not in dict(SANCTION_KINDS):
        raise ServiceError(_("Choose the kind of record."))
    if on_date is None or on_date > ctx.today():
        raise ServiceError(_("The date cannot be in the future."))
    amount = _decimal(amount, _("Amount (yuan)"))
    if kind == "fine" and amount <= 0:
        raise ServiceError(_("A fine needs its amount."))
    with db.atomic():
        row = Sanction.create(
            unit=org.unit_id,
            organisation=org,
            kind=kind,
            on_date=on_date,
            amount=amount,
            document=document or "",
            note=note or "",
            **audit_values(Sanction, True, ctx.actor),
        )
        _emit("created", row, ctx.actor, diff({}, snapshot(row)), org.name)
        apply_credit_rules(ctx, org)
    return row


def run_daily(district: TerritoryUnit, today: dt.date | None = None) -> dict:
    """The daily credit run of a district: apply triggers (missed reports, two years on the
    abnormal list...) and take off the lists what has served its time."""
    today = today or workdays.today()
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    orgs = Organisation.select().where(
        Organisation.unit.in_(units) & Organisation.state.in_((*LIVE_STATES, "revoked"))
    )
    report = {"listed": 0, "removed": 0}
    job = Context.trusted(district.id, source="job")
    with db.atomic():
        for org in orgs:
            report["listed"] += apply_credit_rules(job, org, today)
        due = CreditListing.select().where(
            CreditListing.unit.in_(units)
            & (CreditListing.state == "listed")
            & (CreditListing.removable_on <= today)
        )
        for listing in due:
            org = listing.organisation
            if listing.list_kind == "abnormal" and missing_reports([org], today):
                continue  # something is still outstanding
            remove_listing(job, listing, rules.REASON_PERIOD_SERVED, today)
            report["removed"] += 1
    return report


def object_to(ctx: Context, listing: CreditListing, content: str) -> Objection:
    if not (content or "").strip():
        raise ServiceError(_("Please write what the objection is."))
    if listing.state != "listed":
        raise ServiceError(_("This organisation is no longer on the list."))
    objection = Objection(unit=listing.unit_id, listing=listing, content=content.strip())
    with db.atomic():
        commands.start(ctx, objection)
        _event(listing, "objection", ctx.today(), content.strip()[:200], ctx.actor)
        _emit("created", objection, ctx.actor, diff({}, snapshot(objection)), str(listing))
    return objection


def move_objection(ctx: Context, objection: Objection, code, comment="", data=None):
    with db.atomic():
        _move(ctx, objection, code, comment, data)
        listing = objection.listing
        _event(listing, f"objection_{code}", ctx.today(), objection.answer or comment, ctx.actor)
        if code == "uphold" and listing.state == "listed":
            listing.state = "removed"
            listing.removed_on = ctx.today()
            listing.save()
            _event(listing, "removed", ctx.today(), rules.REASON_OBJECTION_UPHELD, ctx.actor)
    return objection


def history(org: Organisation) -> list[CreditEvent]:
    return list(
        CreditEvent.select(CreditEvent, CreditListing)
        .join(CreditListing)
        .where(CreditListing.organisation == org.id)
        .order_by(CreditEvent.on_date, CreditEvent.id)
    )


# -- evaluation (等级评估) ---------------------------------------------------------------------


def grade_bands(district_id) -> dict[str, int]:
    return {g: setting(district_id, f"grade_{g.lower()}_min") for g in rules.GRADE_ORDER}


def apply_evaluation(ctx: Context, org: Organisation) -> Evaluation:
    today = ctx.today()
    listed = (
        CreditListing.select()
        .where((CreditListing.organisation == org.id) & (CreditListing.state == "listed"))
        .exists()
    )
    report_ok = (
        AnnualReport.select()
        .where(
            (AnnualReport.organisation == org.id)
            & (AnnualReport.year == today.year - 1)
            & (AnnualReport.state == "accepted")
        )
        .exists()
    )
    last = (
        Evaluation.select()
        .where((Evaluation.organisation == org.id) & (Evaluation.state == "graded"))
        .order_by(Evaluation.graded_on.desc())
        .first()
    )
    if org.state != "registered":
        raise ServiceError(_("Only registered organisations can be evaluated."))
    problem = rules.evaluation_problem(
        org.registered_on,
        today,
        listed,
        report_ok,
        last.graded_on if last else None,
        setting(district_of(org), "evaluation_min_years"),
    )
    if problem:
        raise ServiceError(_(problem))
    if (
        Evaluation.select()
        .where(
            (Evaluation.organisation == org.id)
            & Evaluation.state.in_(EVALUATION_FLOW.open_states())
        )
        .exists()
    ):
        raise ServiceError(_("This organisation already has an evaluation in progress."))
    evaluation = Evaluation(unit=org.unit_id, organisation=org)
    with db.atomic():
        commands.start(ctx, evaluation)
        _emit("created", evaluation, ctx.actor, diff({}, snapshot(evaluation)), org.name)
    return evaluation


def move_evaluation(ctx: Context, ev: Evaluation, code, comment="", data=None):
    from core.publicity import publish

    org = ev.organisation
    district = district_of(ev)
    with db.atomic():
        _move(ctx, ev, code, comment, data)
        if code in ("score", "decide_review"):
            ev.grade = rules.grade_for(ev.score, grade_bands(district))
            ev.save(only=[Evaluation.grade])
        if code == "publicise":
            publish(
                Context.trusted(actor=ctx.actor),
                _("Evaluation result of %(name)s: %(grade)s", name=org.name, grade=ev.grade or "—"),
                TerritoryUnit.get_by_id(ev.unit_id),
                body=_("Score %(score)s of 1000.", score=ev.score),
                ends_on=ev.due,
                record=ev,
                plugin=PLUGIN,
            )
        if ev.state == "graded":
            today = ctx.today()
            years = setting(district, "evaluation_valid_years")
            ev.graded_on = today
            ev.valid_until = rules.add_months(today, 12 * years) if ev.grade else None
            ev.save(only=[Evaluation.graded_on, Evaluation.valid_until])
            Organisation.update(grade=ev.grade, grade_valid_until=ev.valid_until).where(
                Organisation.id == org.id
            ).execute()
    return ev


# -- activities (活动记录) ---------------------------------------------------------------------


def inactive_condition(district_id: int | None, today: dt.date | None = None):
    """Filed or registered organisations without activity for the district's period."""
    months = setting(district_id, "inactivity_months")
    cutoff = rules.inactivity_cutoff(today or workdays.today(), months)
    started = pw.fn.COALESCE(Organisation.registered_on, Organisation.filed_on)
    return Organisation.state.in_(("filed", "registered")) & (
        (Organisation.last_activity_on <= cutoff)
        | (Organisation.last_activity_on.is_null() & (started <= cutoff))
    )


# -- the public query (公开查询) ---------------------------------------------------------------


def public_search(district_id: int, text: str, limit: int = 50) -> list[Organisation]:
    """Filed and registered organisations (also ended ones, with their status) of a district
    whose name starts with ``text``, or whose credit code or filing number is ``text``.

    One indexed lookup each: a text shaped like a credit code is looked up as one, a filing
    number (备...) as one, anything else as a name prefix: on SQLite through a range on the
    name index (``LIKE`` alone cannot use it, as it ignores case); on PostgreSQL a prefix
    ``ILIKE`` (a ``text_pattern_ops`` or trigram index serves it at scale)."""
    text = (text or "").strip()
    if not text:
        return []
    code = rules.normalise_code(text)
    if len(code) == 18 and code.isalnum() and code.isascii():
        condition = Organisation.credit_code == code
    elif text.startswith("备"):
        condition = Organisation.filing_number == text
    else:
        condition = Organisation.name.startswith(text)
        if isinstance(db.obj, pw.SqliteDatabase):  # binary collation: the range is exact
            condition &= (Organisation.name >= text) & (Organisation.name < text + "\U0010ffff")
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district_id)
    # "+ 0" keeps the planner off the unit index: the name or code index is the selective one
    return list(
        Organisation.select()
        .where(
            condition
            & (Organisation.unit + 0).in_(units)
            & Organisation.state.not_in(NEVER_ADMITTED)
        )
        .order_by(Organisation.name)
        .limit(limit)
    )


def extras_of(org: Organisation) -> dict:
    try:
        return json.loads(org.extras or "{}")
    except ValueError:
        return {}
