"""The portal page where an owner votes on a phone (``/portal/owners``): the meetings of the
owner's compounds, and per meeting the matters with agree / disagree / abstain, the owner's
current ballots with their receipt codes, and the results once published; the page where a
proxy (受托人) votes for the owner; and the public anonymised ballot list of a published
meeting (``/public/owners/ballots/<id>``)."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from core.commands import Context
from core.errors import ServiceError
from core.i18n import Label
from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.portal import portal_login_required

from ..register.models import Owner
from ..register.services import compound_of, premises_of
from ..shared.views import TEMPLATES
from . import reports, rules, services
from .models import (
    CHOICES,
    ITEMS,
    KINDS,
    MEETING_STATES,
    RESULTS,
    BallotLog,
    Matter,
    Meeting,
    Proxy,
)

portal = Blueprint(
    "owners_portal", __name__, url_prefix="/portal/owners", template_folder=TEMPLATES
)
portal.portal_label = Label("业主大会", "Owners' assembly")
portal.portal_resource = "owners.portal"  # the owner's votes and proxies: owners.portal:read


public = Blueprint(
    "owners_public", __name__, url_prefix="/public/owners", template_folder=TEMPLATES
)


def _owners() -> list[Owner]:
    query = Owner.select().where(Owner.user == current_user.id)
    if g.get("district_id") is not None:
        query = query.join(TerritoryUnit, on=(Owner.unit == TerritoryUnit.id)).where(
            TerritoryUnit.district_id == g.district_id
        )
    return list(query)


def _cast_from_form(owner, matters, proxy=None) -> None:
    """Cast the choices posted as ``matter-<id>`` for ``owner`` (through ``proxy``)."""
    cast = 0
    ctx = Context.current("portal")
    for matter in matters:
        wanted = request.form.get(f"matter-{matter.id}")
        if not wanted:
            continue
        try:
            cast += len(services.cast(ctx, owner, matter, wanted, proxy=proxy))
        except ServiceError as exc:
            flash(f"{matter.title}: {exc}", "error")
    if cast:
        flash(_("Your ballots have been recorded."), "success")


def _latest_rows(units, matters) -> dict:
    """The latest ballot row per unit of ``units``, per matter."""
    mine = {}
    for matter in matters:
        latest = {}
        for row in (
            BallotLog.select()
            .where(
                (BallotLog.matter == matter.id)
                & BallotLog.premises.in_([u.id for u in units] or [0])
            )
            .order_by(BallotLog.id)
        ):
            latest[row.premises_id] = row
        mine[matter.id] = list(latest.values())
    return mine


@portal.route("/")
@portal_login_required
def index():
    owners = _owners()
    meetings = list(
        Meeting.select()
        .where(Meeting.unit.in_([o.unit_id for o in owners] or [0]) & (Meeting.status != "draft"))
        .order_by(Meeting.opens_on.desc())
    )
    return render_template(
        "owners/portal_index.html",
        owners=owners,
        meetings=meetings,
        proxies=reports.proxies_for_user(current_user),
        states=dict(MEETING_STATES),
    )


@portal.route("/meeting/<int:meeting_id>", methods=["GET", "POST"])
@portal_login_required
def meeting(meeting_id):
    record = Meeting.get_or_none(Meeting.id == meeting_id)
    owner = next((o for o in _owners() if record and o.unit_id == record.unit_id), None)
    if record is None or owner is None or record.status == "draft":
        abort(404)
    matters = list(Matter.select().where(Matter.meeting == record.id).order_by(Matter.id))
    if request.method == "POST":
        _cast_from_form(owner, matters)
        return redirect(url_for(".meeting", meeting_id=record.id))
    units = premises_of(owner, compound_of(record))
    mine = _latest_rows(units, matters)
    tallies = {
        m.id: json.loads(m.tally) for m in matters if record.status in rules.PUBLISHED and m.tally
    }
    return render_template(
        "owners/portal_meeting.html",
        meeting=record,
        matters=matters,
        units=units,
        mine=mine,
        tallies=tallies,
        choices=CHOICES,
        choice_labels=dict(CHOICES),
        items=dict(ITEMS),
        kinds=dict(KINDS),
        results=dict(RESULTS),
        states=dict(MEETING_STATES),
    )


# -- proxies vote on the portal; the public anonymised ballot list ------------


@portal.route("/proxy/<int:proxy_id>", methods=["GET", "POST"])
@portal_login_required
def proxy(proxy_id):
    """The proxy (受托人) votes for the owner who authorised them, on the same terms."""
    record = Proxy.get_or_none(
        (Proxy.id == proxy_id) & (Proxy.proxy_user == current_user.id) & (Proxy.status == "active")
    )
    if record is None:
        abort(404)
    meeting_ = Meeting.get_by_id(record.meeting_id)
    owner = Owner.get_by_id(record.owner_id)
    matters = list(Matter.select().where(Matter.meeting == meeting_.id).order_by(Matter.id))
    if request.method == "POST":
        _cast_from_form(owner, matters, record)
        return redirect(url_for(".proxy", proxy_id=record.id))
    units = premises_of(owner, compound_of(meeting_))
    mine = {
        matter_id: [r for r in rows if r.proxy_id == record.id]
        for matter_id, rows in _latest_rows(units, matters).items()
    }
    return render_template(
        "owners/portal_meeting.html",
        meeting=meeting_,
        matters=matters,
        units=units,
        mine=mine,
        tallies={},
        proxy=record,
        owner=owner,
        choices=CHOICES,
        choice_labels=dict(CHOICES),
        items=dict(ITEMS),
        kinds=dict(KINDS),
        results=dict(RESULTS),
        states=dict(MEETING_STATES),
    )


def _published(meeting_id) -> Meeting:
    record = Meeting.get_or_none(Meeting.id == meeting_id)
    if record is None or record.status not in rules.PUBLISHED:
        abort(404)
    return record


@public.route("/ballots/<int:meeting_id>")
def ballot_list(meeting_id):
    """匿名表决票明细 After publication: every counted ballot by receipt code, with the unit's
    area, an opaque head label and the choice; no names, no unit numbers."""
    record = _published(meeting_id)
    rows = reports.anonymised_rows(record)
    matters = list(Matter.select().where(Matter.meeting == record.id).order_by(Matter.id))
    tallies = {m.id: json.loads(m.tally) for m in matters if m.tally}
    compound = TerritoryUnit.get_by_id(record.unit_id)
    return render_template(
        "owners/public_ballots.html",
        meeting=record,
        compound=compound,
        district_code=TerritoryUnit.get_by_id(compound.district_id).code,
        matters=matters,
        rows=rows,
        tallies=tallies,
        choice_labels=dict(CHOICES),
        results=dict(RESULTS),
    )


@public.route("/ballots/<int:meeting_id>.csv")
def ballot_csv(meeting_id):
    from flask import Response

    record = _published(meeting_id)
    return Response(
        reports.anonymised_csv(record),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=ballots-{record.id}.csv"},
    )
