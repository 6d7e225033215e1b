"""Time bank operations (时间银行服务): everything that changes state, each in one
transaction, each announced with an event (audit, notifications and other plugins listen).

The views (admin, portal) only call these functions; the rules they apply are in
:mod:`plugins.timebank.rules`. A service record moves only through its workflow
(:mod:`plugins.timebank.flows`, on the core engine, whose guards and side effects call the
checks and the ledger postings of this module), whichever path asks: these functions, the
admin's workflow panel and the REST API's transitions all take the same steps. A refusal
raises :class:`~core.services.ServiceError` with a message in the user's language, and
nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Iterable
from pathlib import Path

import peewee as pw

from core import workflow
from core.access import resource_of
from core.commands import Context, refuse
from core.db import db
from core.duties import same_hand
from core.events import Event, diff, emit, snapshot
from core.i18n import gettext as _
from core.models import RoleAssignment, TerritoryUnit, User, utcnow
from core.records import audit_values, stamp
from core.services import ServiceError
from core.workdays import SHANGHAI
from forms.validators import id_card_problem, mobile_problem, normalize_id_card

from . import rules
from .models import (
    PLUGIN,
    Account,
    Activity,
    Certificate,
    Movement,
    ServiceRecord,
    ServiceRequest,
    Shift,
    SignUp,
    Team,
    Transfer,
    Volunteer,
)

OPEN_RECORD_STATES = ("draft", "pending_confirmation", "pending_review", "pending_second")
COUNTED_STATES = (*OPEN_RECORD_STATES, "approved")  # for overlaps and the daily maximum


# -- helpers -----------------------------------------------------------------------------------


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


def district_of_record(record) -> int | None:
    """The id of the district a record belongs to."""
    return _district_id(record)


def _district_id(record) -> int | None:
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
    return policy(_district_id(record))


def _announce(name: str, record, actor, before=None, summary: str = "", data=None) -> None:
    emit(
        Event(
            name,
            plugin=PLUGIN,
            record=record,
            actor=actor,
            district_id=_district_id(record),
            changes=diff(before or {}, snapshot(record)) if name != "deleted" else {},
            summary=summary[:255],
            data=data or {},
        )
    )


def _in_scope(model, record_id: int, access, action: str, resource=None) -> bool:
    if access is None:
        return False
    condition = access.scope_condition(model, PLUGIN, action, resource=resource)
    return model.select(model.id).where((model.id == record_id) & condition).exists()


def _require(ctx: Context, action: str, record=None, writes=None) -> None:
    """The actor of ``ctx`` may ``action`` on the resource the command writes: ``writes`` (a
    model: a grant writes a ``Transfer``, a certificate a ``Certificate``), else the type
    of ``record`` (``timebank.volunteer``); with ``record``, in their data scope for that
    resource. A plugin-wide grant (``timebank:approve``) covers every resource. A trusted
    context (``ctx.system``: a job, the operator's CLI, the demo loader) is not checked; a
    context without access is refused (here no access is not trust)."""
    if ctx.system:
        return
    access = ctx.access
    model = writes or (type(record) if record is not None else None)
    resource = resource_of(PLUGIN, model) if model is not None else PLUGIN
    if access is None or not access.can(resource, action):
        raise refuse("You are not allowed to do this.")
    if record is not None and not _in_scope(type(record), record.id, access, action, resource):
        raise refuse("This record is outside your data scope.")


def _acting_alone(ctx: Context) -> Context:
    """``ctx`` without its access nor trust: for the steps a person takes for themself (the
    volunteer submitting their draft, the person served confirming), checked by the
    workflow's own rules whoever asks."""
    return dataclasses.replace(ctx, access=None, system=False)


def to_utc(local: dt.datetime) -> dt.datetime:
    """A naive local time in China (as typed in a form) as the naive UTC the database keeps."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def to_local(utc: dt.datetime) -> dt.datetime:
    return utc.replace(tzinfo=dt.UTC).astimezone(SHANGHAI).replace(tzinfo=None)


def local_day(utc: dt.datetime) -> dt.date:
    return to_local(utc).date()


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = to_utc(dt.datetime(day.year, day.month, day.day))
    return start, start + dt.timedelta(days=1)


# -- volunteers (志愿者) -----------------------------------------------------------------------


def _check_volunteer(vol: Volunteer) -> None:
    vol.name = (vol.name or "").strip()
    if not vol.name:
        raise refuse("Please fill in the volunteer's name.")
    vol.id_number = normalize_id_card(vol.id_number or "")
    problem = id_card_problem(vol.id_number)
    if problem:
        raise ServiceError(_("ID card number: %(problem)s", problem=_(problem)))
    vol.mobile = (vol.mobile or "").strip()
    problem = mobile_problem(vol.mobile)
    if problem:
        raise ServiceError(_("Mobile phone: %(problem)s", problem=_(problem)))
    unit = TerritoryUnit.get_or_none(TerritoryUnit.id == vol.unit_id)
    if unit is None or unit.level != "community":
        raise refuse("A volunteer registers in a community.")
    if vol.consent_at is None:
        raise refuse(
            "The volunteer must agree that their personal data is recorded and used for "
            "volunteer service."
        )
    same = Volunteer.select().where(
        (Volunteer.id_number == vol.id_number)
        & Volunteer.unit.in_(
            TerritoryUnit.select(TerritoryUnit.id).where(
                TerritoryUnit.district_id == unit.district_id
            )
        )
        & Volunteer.status.not_in(["rejected", "left"])
    )
    if vol.id is not None:
        same = same.where(Volunteer.id != vol.id)
    if same.exists():
        raise refuse("A volunteer with this ID card number is already registered in this district.")


EXTRAS_KEY = "timebank_volunteer_extras"
EXTRAS_FILE = Path(__file__).parent / "definitions" / "volunteer_extras.json"


def extras_version(district_id: int | None):
    """The registration extras form (登记补充信息) of a district: its own definition when a
    district administrator made one (表单管理, key ``timebank_volunteer_extras``), else the
    platform default this plugin ships as data (created on first use)."""
    from forms import services as forms_services
    from forms.models import FormDefinition

    found = None
    if district_id is not None:
        found = FormDefinition.get_or_none(
            (FormDefinition.key == EXTRAS_KEY) & (FormDefinition.district == district_id)
        )
    if found is None:
        found = FormDefinition.get_or_none(
            (FormDefinition.key == EXTRAS_KEY) & FormDefinition.district.is_null()
        )
    if found is None:
        data = json.loads(EXTRAS_FILE.read_text(encoding="utf-8"))
        return forms_services.save_definition(Context.trusted(), data, None, plugin=PLUGIN)
    return forms_services.current_version(found)


def register(
    ctx: Context, vol: Volunteer, self_service: bool = False, extras: dict | None = None
) -> Volunteer:
    """Register a volunteer under their real name (实名注册).

    Staff register someone directly (active at once); a resident registering themselves on the
    portal (``self_service``) waits for staff to review the registration.
    """
    actor = ctx.actor
    access = None if self_service else ctx.access
    if self_service:
        vol.user = actor
        if Volunteer.select().where(Volunteer.user == actor.id).exists():
            raise refuse("You have already registered as a volunteer.")
        vol.status = "pending"
    else:
        _require(ctx, "create", writes=Volunteer)
        allowed = ctx.system or (
            TerritoryUnit.select()
            .where(
                (TerritoryUnit.id == vol.unit_id)
                & access.unit_condition(resource_of(PLUGIN, Volunteer), "create")
            )
            .exists()
        )
        if not allowed:
            raise refuse("This record is outside your data scope.")
        vol.status = "active"
    if vol.consent_at is True:
        vol.consent_at = ctx.now()
    _check_volunteer(vol)
    stamp(vol, True, actor.id)
    with db.atomic():
        if extras is not None:
            from forms import services as forms_services

            unit = TerritoryUnit.get_by_id(vol.unit_id)
            vol.extras = forms_services.submit(
                Context(actor, access), extras_version(unit.district_id), extras, unit
            )
        vol.save()
        ensure_accounts(vol)
        _announce("created", vol, actor, summary=f"志愿者注册: {vol.name}")
    return vol


def update_volunteer(ctx: Context, vol: Volunteer, values: dict) -> Volunteer:
    actor = ctx.actor
    _require(ctx, "update", record=vol)
    before = snapshot(vol)
    for name in ("name", "id_number", "mobile", "source", "skills", "availability"):
        if name in values:
            setattr(vol, name, values[name])
    for name in ("national_number", "team"):
        if name in values:
            setattr(vol, name, values[name])
    _check_volunteer(vol)
    stamp(vol, False, actor.id)
    with db.atomic():
        vol.save()
        _announce("updated", vol, actor, before)
    return vol


STATUS_MOVES = {
    "approve": (("pending",), "active"),
    "reject": (("pending",), "rejected"),
    "suspend": (("active",), "suspended"),
    "resume": (("suspended",), "active"),
    "leave": (("active", "suspended"), "left"),
}


def set_status(ctx: Context, vol: Volunteer, move: str, note: str = "") -> Volunteer:
    """Review a self-registration (approve / reject), suspend, resume, or record leaving.

    Approving a registration linked to a login gives that login the volunteer role (志愿者) in
    the community, limited to the volunteer's own records.
    """
    actor = ctx.actor
    if move not in STATUS_MOVES:
        raise refuse("Unknown step: %(code)s.", code=move)
    _require(ctx, "approve" if move in ("approve", "reject") else "update", record=vol)
    sources, target = STATUS_MOVES[move]
    if vol.status not in sources:
        raise refuse("This step is not possible in the volunteer's current status.")
    if move in ("reject", "suspend") and not note.strip():
        raise refuse("Please give a reason.")
    before = snapshot(vol)
    with db.atomic():
        moved = (
            Volunteer.update(
                status=target, status_note=note[:200], **audit_values(Volunteer, False, actor.id)
            )
            .where((Volunteer.id == vol.id) & (Volunteer.status == vol.status))
            .execute()
        )
        if moved != 1:
            raise refuse("Someone else has just changed this volunteer; reload the page.")
        vol.status, vol.status_note = target, note[:200]
        if move == "approve" and vol.user_id:
            _grant_volunteer_role(vol)
        _announce("updated", vol, actor, before, summary=f"志愿者状态: {vol.name} → {target}")
    return vol


def _grant_volunteer_role(vol: Volunteer) -> None:
    from core.models import Role

    role = Role.get_or_none(Role.code == "volunteer")
    if role is None:
        return
    RoleAssignment.get_or_create(
        user=vol.user_id, role=role, unit=vol.unit_id, defaults={"scope": "own"}
    )


def volunteer_of(user: User | None) -> Volunteer | None:
    if user is None or not getattr(user, "id", None):
        return None
    return Volunteer.get_or_none(Volunteer.user == user.id)


def _require_active(vol: Volunteer) -> None:
    if vol.status != "active":
        raise refuse("Only an active volunteer can do this.")


# -- activities, shifts and sign-up (活动、班次、报名) -----------------------------------------


def _taken(shift_id: int) -> int:
    return (
        SignUp.select()
        .where(
            (SignUp.shift == shift_id) & SignUp.state.in_(["signed", "checked_in", "checked_out"])
        )
        .count()
    )


def sign_up(ctx: Context, shift: Shift, vol: Volunteer) -> SignUp:
    """Sign ``vol`` up for ``shift``; when it is full they join the waiting list (候补)."""
    actor = ctx.actor
    _require_active(vol)
    if shift.activity.state != "open":
        raise refuse("This activity is not open for sign-up.")
    if shift.starts_at <= ctx.now():
        raise refuse("This shift has already started.")
    existing = SignUp.get_or_none(shift=shift, volunteer=vol)
    with db.atomic():
        # lock the shift row so two people cannot take the last place at once
        Shift.update(capacity=Shift.capacity).where(Shift.id == shift.id).execute()
        state = "signed" if _taken(shift.id) < shift.capacity else "waiting"
        if existing is not None:
            if existing.state != "cancelled":
                raise refuse("You have already signed up for this shift.")
            before = snapshot(existing)
            existing.state, existing.signed_at = state, ctx.now()
            stamp(existing, False, actor.id)
            existing.save()
            _announce("updated", existing, actor, before)
            return existing
        signup = SignUp.create(
            shift=shift,
            volunteer=vol,
            unit=shift.unit_id,
            state=state,
            **audit_values(SignUp, True, actor.id),
        )
        _announce("created", signup, actor, summary=f"报名: {vol.name}")
    return signup


def cancel_signup(ctx: Context, signup: SignUp) -> SignUp:
    """Cancel a place; the first on the waiting list moves up."""
    actor = ctx.actor
    if signup.state not in ("signed", "waiting"):
        raise refuse("This sign-up can no longer be cancelled.")
    with db.atomic():
        before = snapshot(signup)
        was = signup.state
        signup.state = "cancelled"
        stamp(signup, False, actor.id)
        signup.save()
        _announce("updated", signup, actor, before)
        if was == "signed":
            first = (
                SignUp.select()
                .where((SignUp.shift == signup.shift_id) & (SignUp.state == "waiting"))
                .order_by(SignUp.signed_at, SignUp.id)
                .first()
            )
            if first is not None:
                before = snapshot(first)
                first.state = "signed"
                stamp(first, False, actor.id)
                first.save()
                _announce(
                    "updated", first, actor, before, summary=f"候补转正: {first.volunteer.name}"
                )
    return signup


def check_in(ctx: Context, signup: SignUp, at: dt.datetime | None = None) -> SignUp:
    """Check in to a shift: the volunteer themself, or the organiser for them (then the
    organiser needs ``timebank.signup:update`` where the shift is)."""
    actor = ctx.actor
    if signup.volunteer.user_id != actor.id:
        _require(ctx, "update", record=signup)
    if signup.state != "signed":
        raise refuse("Only a volunteer with a place on the shift can check in.")
    with db.atomic():
        before = snapshot(signup)
        signup.state, signup.checked_in_at, signup.checked_by = "checked_in", at or ctx.now(), actor
        stamp(signup, False, actor.id)
        signup.save()
        _announce("updated", signup, actor, before)
    return signup


def check_out(ctx: Context, signup: SignUp, at: dt.datetime | None = None) -> ServiceRecord:
    """Check out and turn the time on the shift into a service record.

    Who logs and who confirms (登记与确认), after 《志愿服务记录与证明出具办法（试行）》
    (民政部令第67号) and its rule 谁组织谁记录、谁记录谁证明 (see the shared domain notes,
    ``rules.md`` §1, 志愿服务): the volunteer's own check-in and check-out are the log of
    their attendance; an organiser checking another person out attests that attendance,
    which is the organiser's confirmation (组织者确认). So:

    - checked out by the volunteer: the record waits for the served person's (or the
      organiser's) confirmation;
    - checked out by the organiser after the volunteer checked in themself: the
      volunteer's check-in is the log, the organiser's check-out the confirmation, by two
      people: the record goes straight to review;
    - checked in and out by the same organiser: that organiser alone logged the
      attendance; in a district that separates duties (``core.separation_of_duties``, on
      by default; GB/T 22239-2019 8.1.4.2) they do not also confirm it: the record waits
      for the served person's confirmation (the QR code) like any other. With the setting
      off, the organiser's check-out confirms it as before.

    Whoever confirmed, the approver is someone else (``not_own_approval``). The organiser
    needs ``timebank.signup:update`` and ``timebank.record:create`` (``timebank:*`` covers
    them) in the shift's unit."""
    actor = ctx.actor
    vol = signup.volunteer
    by_staff = vol.user_id != actor.id
    if by_staff:
        _require(ctx, "update", record=signup)
        _require(ctx, "create", record=signup, writes=ServiceRecord)
    if signup.state != "checked_in":
        raise refuse("Check in before checking out.")
    at = at or ctx.now()
    # the record is logged without the actor's access: by the volunteer for themself, or by
    # the organiser running the shift, whom this module trusts to log it and vouch for it
    logging = dataclasses.replace(ctx, access=None, system=by_staff)
    with db.atomic():
        before = snapshot(signup)
        signup.state, signup.checked_out_at = "checked_out", at
        stamp(signup, False, actor.id)
        signup.save()
        _announce("updated", signup, actor, before)
        activity = signup.shift.activity
        record = ServiceRecord(
            volunteer=vol,
            unit=signup.unit_id,
            activity=activity,
            signup=signup,
            started_at=signup.checked_in_at,
            ended_at=at,
            minutes=rules.minutes_between(signup.checked_in_at, at),
            content=activity.title,
            service_type=activity.service_type,
            target_group=activity.target_group,
            source="checkout",
        )
        record = log_record(logging, record, submit=True)
        # the organiser who runs the shift vouches for the time, unless they also logged it
        if by_staff and not same_hand(record, actor, signup.checked_by_id):
            move(logging, record, "confirm_organiser", _("Checked out by the organiser"))
    return record


# -- service requests (服务需求) ---------------------------------------------------------------


def match_request(ctx: Context, req: ServiceRequest, vol: Volunteer) -> ServiceRequest:
    actor = ctx.actor
    _require(ctx, "update", record=req)
    _require_active(vol)
    if req.state != "open":
        raise refuse("Only an open request can be matched.")
    before = snapshot(req)
    req.volunteer, req.state = vol, "matched"
    stamp(req, False, actor.id)
    with db.atomic():
        req.save()
        _announce("updated", req, actor, before, summary=f"需求匹配: {vol.name}")
    return req


def suggest_volunteers(req: ServiceRequest, limit: int = 10) -> list[Volunteer]:
    """Active volunteers of the request's community, those whose skills mention the service
    first, then those with the fewest open requests."""
    from forms.dictionaries import field_label

    label = field_label(ServiceRequest.service_type, req.service_type, _district_id(req))
    candidates = list(
        Volunteer.select().where((Volunteer.unit == req.unit_id) & (Volunteer.status == "active"))
    )
    busy = {
        row.volunteer_id: row.n
        for row in ServiceRequest.select(
            ServiceRequest.volunteer, pw.fn.COUNT(ServiceRequest.id).alias("n")
        )
        .where(ServiceRequest.state == "matched")
        .group_by(ServiceRequest.volunteer)
    }
    candidates.sort(key=lambda v: (label[:2] not in (v.skills or ""), busy.get(v.id, 0), v.id))
    return candidates[:limit]


# -- service records (服务记录) ----------------------------------------------------------------


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
    low, high = _day_bounds(local_day(record.started_at))
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


def move(
    ctx: Context, record: ServiceRecord, code: str, comment: str = "", data: dict | None = None
) -> ServiceRecord:
    """Take step ``code`` of the record's workflow (:data:`~plugins.timebank.flows.RECORD_FLOW`):
    the one way a service record changes state, for the portal, the admin and the API alike
    (compare-and-set on the status, a history row, the ledger posting of an approval, all in
    one transaction). A trusted context (``ctx.system``) is for a step this module or a job
    decided on for someone already checked (the organiser checking a volunteer out): the
    permission, the scope and the code are not checked, the guards are."""
    return workflow.transition(
        record, code, ctx.actor, ctx.access, comment, data or {}, trusted=ctx.system
    )


def log_record(ctx: Context, record: ServiceRecord, submit: bool = True) -> ServiceRecord:
    """Log a service record (登记服务记录), by the volunteer (their own) or by staff.

    ``submit`` sends it at once for the served person's confirmation; otherwise it stays a
    draft the volunteer can complete. A trusted context (``ctx.system``) is the organiser
    checking a volunteer out of a shift (:func:`check_out`) or a job: the permission and the
    scope are not checked for someone else's service. A context without access may log only
    the actor's own service.
    """
    actor = ctx.actor
    vol = Volunteer.get_or_none(Volunteer.id == record.volunteer_id)
    if vol is None:
        raise refuse("Please choose the volunteer.")
    if vol.user_id != actor.id:
        record.source = record.source if record.source != "volunteer" else "organiser"
    if record.unit_id is None:
        record.unit = vol.unit_id
    record.content = (record.content or "").strip()
    record.minutes = record_minutes(record)
    record.confirm_token = secrets.token_urlsafe(24)
    with db.atomic():
        workflow.start(
            record,
            actor,
            ctx.access,
            code="log" if submit else "draft",
            trusted=ctx.system and vol.user_id != actor.id,
        )
        _announce("created", record, actor, summary=f"服务记录: {vol.name} {record.minutes}分钟")
    return record


def log_staff_record(ctx: Context, record: ServiceRecord, organiser_confirmed: bool):
    """Staff or an organiser log a service for a volunteer; when they confirm it themselves
    as the organiser (活动组织者确认), it goes straight to review."""
    with db.atomic():
        log_record(ctx, record, submit=True)
        if organiser_confirmed:
            move(ctx, record, "confirm_organiser", _("Confirmed by the organiser"))
    return record


def submit_record(ctx: Context, record: ServiceRecord) -> ServiceRecord:
    """The volunteer sends their draft for the served person's confirmation."""
    return move(_acting_alone(ctx), record, "submit")


def confirmation_due(record: ServiceRecord) -> dt.date | None:
    """The last day the person served may confirm: the district's confirmation time limit
    (``confirm_days``, calendar days) counted from the end of the service, or from the day
    it was logged if that is later."""
    from core.workflow import workflow_of

    flow = workflow_of(record)
    days = [local_day(t) for t in (record.ended_at, record.created_at) if t is not None]
    # a service logged late (补录) can still be confirmed for as long after it was logged
    return flow.deadline_for(flow.transitions["submit"], record, on=max(days) if days else None)


def confirm_record(ctx: Context, token: str, name: str, method: str = "served") -> ServiceRecord:
    """Confirm a service (服务对象确认) by scanning the QR code the volunteer shows: the person
    served, or a proxy (家属、楼栋长) for an elder without a phone. The volunteer cannot
    confirm their own service, and a record is confirmed once."""
    token = (token or "").strip()
    record = ServiceRecord.get_or_none(ServiceRecord.confirm_token == token) if token else None
    if record is None:
        raise refuse("This confirmation code is not valid. Ask the volunteer to show it again.")
    due = confirmation_due(record)
    if record.status == "pending_confirmation" and due is not None and ctx.today() > due:
        raise refuse(
            "This confirmation code expired on %(date)s. Ask the community staff to confirm "
            "the service.",
            date=due.isoformat(),
        )
    name = (name or "").strip()
    return move(
        _acting_alone(ctx),
        record,
        "confirm",
        _("Confirmed by %(name)s", name=name),
        {"confirm_token": token, "confirm_method": method, "confirmed_name": name},
    )


def approve(ctx: Context, record: ServiceRecord, comment: str = "") -> ServiceRecord:
    """Approve (审核通过) a confirmed record and post it to the ledger in the same transaction.

    Records entered more than the policy's number of days after the service need a second
    approval by someone else (复核) before they post: their first approval is the step
    "approve_first".
    """
    code = "approve"
    if record.status == "pending_review" and needs_second_approval(record):
        code = "approve_first"
    return move(ctx, record, code, comment)


def approve_many(ctx: Context, ids: Iterable[int]) -> tuple[int, list[str]]:
    """Bulk approval (批量审核): each record on its own; returns (approved, refusals)."""
    done, refusals = 0, []
    for record in (
        ServiceRecord.select().where(ServiceRecord.id.in_(list(ids))).order_by(ServiceRecord.id)
    ):
        try:
            approve(ctx, record)
            done += 1
        except ServiceError as exc:
            refusals.append(f"#{record.id} {record.volunteer.name}: {exc}")
    return done, refusals


def reject(ctx: Context, record: ServiceRecord, reason: str) -> ServiceRecord:
    """Reject (驳回) a record waiting for confirmation or approval, with a reason."""
    return move(ctx, record, "reject", reason)


def reverse_record(ctx: Context, record: ServiceRecord, reason: str) -> ServiceRecord:
    """Reverse (冲销) an approved record: a reversal transfer takes back what it posted."""
    return move(ctx, record, "reverse", reason)


def history(record: ServiceRecord):
    """The steps the record went through, oldest first (the core's workflow history)."""
    return workflow.history(record)


# -- the ledger (账本) -------------------------------------------------------------------------


def ensure_accounts(vol: Volunteer) -> None:
    for kind in ("hours", "credits"):
        Account.get_or_create(
            volunteer=vol, kind=kind, defaults={"unit": vol.unit_id, "role": "person"}
        )


class LedgerError(ServiceError):
    """A posting refused by the ledger (not enough balance, a broken transfer)."""


def system_account(unit_id: int, role: str, kind: str) -> Account:
    """The community's issuing, redeemed, pool or expired account (created on first use)."""
    key = f"{unit_id}:{role}:{kind}"
    account = Account.get_or_none(Account.system_key == key)
    if account is None:
        try:
            with db.atomic():
                account = Account.create(unit=unit_id, role=role, kind=kind, system_key=key)
        except pw.IntegrityError:
            account = Account.get(Account.system_key == key)
    return account


def person_account(vol: Volunteer, kind: str) -> Account:
    account = Account.get_or_none((Account.volunteer == vol.id) & (Account.kind == kind))
    if account is None:
        ensure_accounts(vol)
        account = Account.get((Account.volunteer == vol.id) & (Account.kind == kind))
    return account


# Accounts that may go below zero: the issuing account is the source of everything posted.
MAY_GO_NEGATIVE = ("issue",)


def post(
    unit_id: int,
    kind: str,
    lines: list[tuple[Account, int]],
    actor=None,
    record=None,
    memo: str = "",
    reverses=None,
) -> Transfer:
    """Write one transfer: ``lines`` of (account, minutes) that sum to zero in each ledger.

    Debits check and update the cached balance in one statement (``balance >= amount``), so
    concurrent postings can never overdraw an account or lose an update; accounts are updated
    in id order so two transfers cannot deadlock.
    """
    lines = [(account, int(amount)) for account, amount in lines if int(amount) != 0]
    if len(lines) < 2:
        raise LedgerError(_("A transfer needs at least two lines."))
    for ledger in {account.kind for account, _amount in lines}:
        if sum(a for acc, a in lines if acc.kind == ledger) != 0:
            raise LedgerError(_("The lines of a transfer must sum to zero."))
    with db.atomic():
        transfer = Transfer.create(
            unit=unit_id,
            kind=kind,
            record=record,
            memo=(memo or "")[:200],
            reverses=reverses,
            created_by=actor if getattr(actor, "id", None) else None,
        )
        for account, amount in sorted(lines, key=lambda line: line[0].id):
            query = Account.update(balance=Account.balance + amount).where(Account.id == account.id)
            if amount < 0 and account.role not in MAY_GO_NEGATIVE:
                query = query.where(Account.balance >= -amount)
            if query.execute() != 1:
                raise LedgerError(
                    _(
                        "Not enough balance: %(needed)s needed (hours:minutes).",
                        needed=rules.format_minutes(-amount),
                    )
                )
        Movement.insert_many(
            [
                {"transfer": transfer.id, "account": acc.id, "amount": amount}
                for acc, amount in lines
            ]
        ).execute()
        emit(
            Event(
                "created",
                plugin=PLUGIN,
                record=transfer,
                actor=actor,
                district_id=_district_id(transfer),
                summary=f"{kind}: " + ", ".join(f"{acc.id}:{amount:+d}" for acc, amount in lines),
            )
        )
    return transfer


def post_service(record: ServiceRecord, actor, pol: rules.Policy) -> Transfer:
    """An approved record posts its minutes to the volunteer's service hours and, as the
    policy says, time credits to their credits account; credits above the storage cap go
    to the community pool (南京: hours above 1,500 go to donation)."""
    vol = record.volunteer
    unit = vol.unit_id
    hours = person_account(vol, "hours")
    lines = [(system_account(unit, "issue", "hours"), -record.minutes), (hours, record.minutes)]
    credits = rules.credits_for(record.minutes, pol)
    if credits:
        account = person_account(vol, "credits")
        current = Account.select(Account.balance).where(Account.id == account.id).scalar()
        kept, excess = rules.split_at_cap(int(current), credits, pol)
        lines += [(system_account(unit, "issue", "credits"), -credits), (account, kept)]
        if excess:
            lines.append((system_account(unit, "pool", "credits"), excess))
    return post(unit, "service", lines, actor, record=record, memo=record.content[:100])


def reverse_transfer(transfer: Transfer, actor, memo: str) -> Transfer:
    """Reverse a transfer (冲正): a new transfer with every line negated. A transfer is reversed
    at most once; a reversal that would overdraw an account (credits already spent) is
    refused."""
    if transfer.kind == "reversal":
        raise refuse("A reversal cannot itself be reversed.")
    if Transfer.select().where(Transfer.reverses == transfer.id).exists():
        raise refuse("This transfer has already been reversed.")
    lines = [
        (m.account, -m.amount)
        for m in Movement.select(Movement, Account)
        .join(Account)
        .where(Movement.transfer == transfer.id)
    ]
    return post(
        transfer.unit_id, "reversal", lines, actor, transfer.record_id, memo, reverses=transfer
    )


def reverse_service(record: ServiceRecord, actor, memo: str) -> Transfer | None:
    """Take back what an approved record posted (冲销): the reversal of its service transfer
    (None when it posted nothing)."""
    original = Transfer.get_or_none((Transfer.record == record.id) & (Transfer.kind == "service"))
    if original is None:
        return None
    return reverse_transfer(original, actor, memo)


def balances(vol: Volunteer) -> dict[str, int]:
    """The volunteer's balances in minutes: one indexed read per account, whatever the size
    of the ledger."""
    rows = Account.select(Account.kind, Account.balance).where(Account.volunteer == vol.id)
    found = {row.kind: int(row.balance) for row in rows}
    return {"hours": found.get("hours", 0), "credits": found.get("credits", 0)}


def statement(vol: Volunteer, limit: int = 50) -> list[Movement]:
    return list(
        Movement.select(Movement, Transfer, Account)
        .join(Transfer)
        .switch(Movement)
        .join(Account)
        .where(Account.volunteer == vol.id)
        .order_by(Movement.id.desc())
        .limit(limit)
    )


def verify() -> list[str]:
    """Check the whole ledger: every cached balance equals the sum of its movements, and the
    movements of every transfer sum to zero in each ledger. Returns the problems found."""
    problems = []
    sums = (
        Account.select(
            Account.id,
            Account.balance,
            pw.fn.COALESCE(pw.fn.SUM(Movement.amount), 0).alias("total"),
        )
        .join(Movement, pw.JOIN.LEFT_OUTER)
        .group_by(Account.id, Account.balance)
        .having(Account.balance != pw.fn.COALESCE(pw.fn.SUM(Movement.amount), 0))
    )
    for row in sums.objects():
        problems.append(
            f"account {row.id}: cached balance {row.balance} != sum of movements {row.total}"
        )
    unbalanced = (
        Movement.select(Movement.transfer, Account.kind, pw.fn.SUM(Movement.amount).alias("total"))
        .join(Account)
        .group_by(Movement.transfer, Account.kind)
        .having(pw.fn.SUM(Movement.amount) != 0)
    )
    for row in unbalanced.objects():
        problems.append(
            f"transfer {row.transfer_id}: {row.kind} movements sum to {row.total}, not 0"
        )
    short = (
        Transfer.select(Transfer.id, pw.fn.COUNT(Movement.id).alias("n"))
        .join(Movement, pw.JOIN.LEFT_OUTER)
        .group_by(Transfer.id)
        .having(pw.fn.COUNT(Movement.id) < 2)
    )
    for row in short.objects():
        problems.append(f"transfer {row.id}: {row.n} movement(s), at least 2 needed")
    return problems


def _credits(vol: Volunteer) -> Account:
    return person_account(vol, "credits")


def _check_amount(minutes) -> int:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise refuse("Please give the number of minutes as a whole number.") from None
    if minutes <= 0:
        raise refuse("The number of minutes must be more than zero.")
    return minutes


def spend(ctx: Context, vol: Volunteer, minutes, memo: str) -> Transfer:
    """Redeem credits for a service (兑换服务), from the age the policy sets."""
    minutes = _check_amount(minutes)
    pol = policy(_district_id(vol))
    problem = rules.redeem_problem(vol.id_number, ctx.today(), pol)
    if problem:
        raise ServiceError(_(problem) + " " + _("Minimum age: %(age)s.", age=pol.min_redeem_age))
    if not (memo or "").strip():
        raise refuse("Please say which service the credits pay for.")
    with db.atomic():  # a system account created on first use goes if the posting fails
        lines = [
            (_credits(vol), -minutes),
            (system_account(vol.unit_id, "redeemed", "credits"), minutes),
        ]
        return post(vol.unit_id, "spend", lines, ctx.actor, memo=memo)


def gift(
    ctx: Context, sender: Volunteer, receiver: Volunteer, minutes, relationship: str
) -> Transfer:
    """Transfer credits to a relative (转赠), where the district's policy allows it."""
    minutes = _check_amount(minutes)
    if sender.id == receiver.id:
        raise refuse("Choose someone else to receive the credits.")
    if _district_id(sender) != _district_id(receiver):
        raise refuse("Credits can only be transferred within the district.")
    pol = policy(_district_id(sender))
    problem = rules.transfer_problem(relationship, pol)
    if problem:
        raise ServiceError(_(problem))
    target = _credits(receiver)
    current = int(Account.select(Account.balance).where(Account.id == target.id).scalar())
    kept, excess = rules.split_at_cap(current, minutes, pol)
    if excess:
        raise refuse("The receiver's credits would pass the storage cap.")
    lines = [(_credits(sender), -minutes), (target, minutes)]
    return post(sender.unit_id, "gift", lines, ctx.actor, memo=f"relationship:{relationship}")


def donate(ctx: Context, vol: Volunteer, minutes) -> Transfer:
    """Donate credits to the community pool (捐赠公益池)."""
    minutes = _check_amount(minutes)
    with db.atomic():
        lines = [
            (_credits(vol), -minutes),
            (system_account(vol.unit_id, "pool", "credits"), minutes),
        ]
        return post(vol.unit_id, "donate", lines, ctx.actor, memo="donation")


def grant(ctx: Context, receiver: Volunteer, minutes, memo: str) -> Transfer:
    """Staff grant credits from the community pool to someone in need (公益池发放)."""
    _require(ctx, "approve", record=receiver, writes=Transfer)
    minutes = _check_amount(minutes)
    if not (memo or "").strip():
        raise refuse("Please give a reason.")
    with db.atomic():
        lines = [
            (system_account(receiver.unit_id, "pool", "credits"), -minutes),
            (_credits(receiver), minutes),
        ]
        return post(receiver.unit_id, "grant", lines, ctx.actor, memo=memo)


def expire_credits(ctx: Context, district_id: int, on: dt.date | None = None) -> int:
    """Expire credits older than the policy's months, first in first out; returns the number
    of accounts touched. Nothing happens when the policy has no expiry (the default). Run
    by a job or the operator (a trusted context, its actor usually nobody)."""
    pol = policy(district_id)
    if pol.expiry_months <= 0:
        return 0
    cutoff = to_utc(
        dt.datetime.combine(rules.months_before(on or ctx.today(), pol.expiry_months), dt.time())
    )
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district_id)
    touched = 0
    accounts = Account.select().where(
        (Account.role == "person")
        & (Account.kind == "credits")
        & Account.unit.in_(units)
        & (Account.balance > 0)
    )
    for account in accounts:
        earned = (
            Movement.select(pw.fn.COALESCE(pw.fn.SUM(Movement.amount), 0))
            .where(
                (Movement.account == account.id)
                & (Movement.amount > 0)
                & (Movement.created_at < cutoff)
            )
            .scalar()
        )
        debited = -(
            Movement.select(pw.fn.COALESCE(pw.fn.SUM(Movement.amount), 0))
            .where((Movement.account == account.id) & (Movement.amount < 0))
            .scalar()
        )
        amount = min(rules.expiring(int(earned), int(debited)), int(account.balance))
        if amount > 0:
            post(
                account.unit_id,
                "expiry",
                [
                    (account, -amount),
                    (system_account(account.unit_id, "expired", "credits"), amount),
                ],
                ctx.actor,
                memo=f"expired before {cutoff:%Y-%m-%d}",
            )
            touched += 1
    return touched


def stars(vol: Volunteer) -> int:
    return rules.star_level(balances(vol)["hours"], policy(_district_id(vol)).star_levels)


# -- certificates (志愿服务记录证明) -----------------------------------------------------------


def approved_records(vol: Volunteer, start: dt.date, end: dt.date):
    low, _high = _day_bounds(start)
    _low, high = _day_bounds(end)
    return ServiceRecord.select().where(
        (ServiceRecord.volunteer == vol.id)
        & (ServiceRecord.status == "approved")
        & (ServiceRecord.started_at >= low)
        & (ServiceRecord.started_at < high)
    )


def issue_certificate(
    ctx: Context,
    vol: Volunteer,
    start: dt.date,
    end: dt.date,
    issuer_name: str,
    issuer_head: str = "",
    issuer_contact: str = "",
) -> Certificate:
    """Issue a volunteer service record certificate (出具志愿服务记录证明) for the approved
    service of a period: free of charge and true to the records (《志愿服务条例》第十九条)."""
    actor = ctx.actor
    _require(ctx, "approve", record=vol, writes=Certificate)
    if start is None or end is None or end < start:
        raise refuse("The end of the period must not be before its start.")
    if end > ctx.today():
        raise refuse("A certificate cannot cover days still to come.")
    if not (issuer_name or "").strip():
        raise refuse("Please give the name of the issuing organisation.")
    records = list(approved_records(vol, start, end))
    minutes = sum(r.minutes for r in records)
    if minutes <= 0:
        raise refuse("The volunteer has no approved service in this period.")
    from forms.dictionaries import field_label

    kinds = sorted(
        {
            field_label(ServiceRecord.service_type, r.service_type, _district_id(vol))
            for r in records
        }
    )
    district = TerritoryUnit.get_by_id(_district_id(vol))
    year = ctx.today().year
    with db.atomic():
        prefix = rules.certificate_number(district.code, year, 0)[:-6]
        count = Certificate.select().where(Certificate.number.startswith(prefix)).count()
        cert = Certificate.create(
            unit=vol.unit_id,
            volunteer=vol,
            number=rules.certificate_number(district.code, year, count + 1),
            period_start=start,
            period_end=end,
            minutes=minutes,
            content="、".join(kinds) + f"（{len(records)}次）",
            issuer_name=issuer_name.strip()[:100],
            issuer_head=(issuer_head or "").strip()[:64],
            handler_name=(actor.display_name or actor.username)[:64],
            issuer_contact=(issuer_contact or "").strip()[:64],
            issued_on=ctx.today(),
            **audit_values(Certificate, True, actor.id),
        )
        _announce("created", cert, actor, summary=f"出具证明 {cert.number}")
    return cert


def revoke_certificate(ctx: Context, cert: Certificate, reason: str) -> Certificate:
    actor = ctx.actor
    _require(ctx, "approve", record=cert)
    if cert.revoked_at is not None:
        raise refuse("This certificate has already been revoked.")
    reason = (reason or "").strip()
    if not reason:
        raise refuse("Please give a reason.")
    before = snapshot(cert)
    with db.atomic():
        cert.revoked_at, cert.revoked_reason = ctx.now(), reason[:200]
        stamp(cert, False, actor.id)
        cert.save()
        _announce("updated", cert, actor, before, summary=f"撤销证明 {cert.number}")
    return cert


# -- work reported by other modules (跨模块) ---------------------------------------------------


def record_reported_work(event: Event) -> ServiceRecord | None:
    """Another module reports volunteer work with the event ``volunteer_work``; its data names
    the volunteer (``volunteer_id``, ``id_number`` or the login's ``user_id``), ``started_at``,
    ``ended_at`` (ISO, UTC), ``content`` and a reference unique to the reporting module
    (``ref``). It becomes a service record waiting for review; the same reference is recorded
    once."""
    data = event.data or {}
    ref = f"{event.plugin}:{data.get('ref', '')}"
    if (
        not data.get("ref")
        or ServiceRecord.select().where(ServiceRecord.source_ref == ref).exists()
    ):
        return None
    query = Volunteer.select().where(Volunteer.status == "active")
    if data.get("volunteer_id"):
        vol = query.where(Volunteer.id == int(data["volunteer_id"])).first()
    elif data.get("user_id"):  # the module knows the login, not the volunteer
        vol = query.where(Volunteer.user == int(data["user_id"])).first()
    else:
        vol = query.where(
            Volunteer.id_number == normalize_id_card(str(data.get("id_number", "")))
        ).first()
    if vol is None or _district_id(vol) != event.district_id:
        return None
    started = dt.datetime.fromisoformat(str(data["started_at"]))
    ended = dt.datetime.fromisoformat(str(data["ended_at"]))
    record = ServiceRecord(
        volunteer=vol,
        unit=vol.unit_id,
        started_at=started,
        ended_at=ended,
        minutes=int(data.get("minutes") or rules.minutes_between(started, ended)),
        content=str(data.get("content", ""))[:500],
        service_type=str(data.get("service_type", "other")),
        target_group=str(data.get("target_group", "community")),
        source="event",
        source_ref=ref[:64],
        confirm_method="organiser",
        confirmed_name=str(data.get("confirmed_by", event.plugin))[:64],
        confirmed_at=utcnow(),
    )
    record.created_by = event.actor if getattr(event.actor, "id", None) else None
    with db.atomic():
        workflow.start(
            record,
            event.actor,
            None,
            _("Reported by module %(plugin)s", plugin=event.plugin),
            code="report",
            trusted=True,
        )
    return record


# -- queries for the admin, the portal and the dashboard ---------------------------------------


def in_district(model, district_id: int):
    return model.unit.in_(
        TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district_id)
    )


def approval_queue(access, district_id: int):
    return (
        ServiceRecord.select()
        .where(
            ServiceRecord.status.in_(["pending_review", "pending_second"])
            & access.scope_condition(ServiceRecord, PLUGIN, "approve", district_id)
        )
        .order_by(ServiceRecord.started_at, ServiceRecord.id)
    )


def open_shifts(vol: Volunteer):
    return (
        Shift.select(Shift, Activity)
        .join(Activity)
        .where(
            (Activity.state == "open")
            & (Shift.starts_at > utcnow())
            & in_district(Shift, _district_id(vol))
        )
        .order_by(Shift.starts_at)
    )


__all__ = [
    "Team",
    "approve",
    "approve_many",
    "balances",
    "register",
    "verify",
]
