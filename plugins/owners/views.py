"""The portal page where an owner votes on a phone (``/portal/owners``): the meetings of the
owner's compounds, and per meeting the matters with agree / disagree / abstain, the owner's
current ballots with their receipt codes, and the results once published."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from core.i18n import Label
from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.portal import portal_login_required
from core.services import ServiceError

from . import services
from .models import (
    CHOICES,
    ITEMS,
    KINDS,
    MEETING_STATES,
    RESULTS,
    BallotLog,
    Matter,
    Meeting,
    Owner,
)

portal = Blueprint(
    "owners_portal", __name__, url_prefix="/portal/owners", template_folder="templates"
)
portal.portal_label = Label("业主大会", "Owners' assembly")


def blueprints() -> list[Blueprint]:
    from .portal_service import service_portal  # ow-fund: property-service complaints

    return [portal, service_portal]


def _owners() -> list[Owner]:
    query = Owner.select().where(Owner.user == current_user.id)
    if g.get("district_id") is not None:
        query = query.join(TerritoryUnit, on=(Owner.unit == TerritoryUnit.id)).where(
            TerritoryUnit.district_id == g.district_id
        )
    return list(query)


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
        cast = 0
        for matter in matters:
            wanted = request.form.get(f"matter-{matter.id}")
            if not wanted:
                continue
            try:
                cast += len(
                    services.cast(owner, matter, wanted, current_user._get_current_object())
                )
            except ServiceError as exc:
                flash(f"{matter.title}: {exc}", "error")
        if cast:
            flash(_("Your ballots have been recorded."), "success")
        return redirect(url_for(".meeting", meeting_id=record.id))
    units = services.premises_of(owner, services.compound_of(record))
    mine = {}
    for matter in matters:
        rows = (
            BallotLog.select()
            .where(
                (BallotLog.matter == matter.id)
                & BallotLog.premises.in_([u.id for u in units] or [0])
            )
            .order_by(BallotLog.id)
        )
        latest = {}
        for row in rows:
            latest[row.premises_id] = row
        mine[matter.id] = list(latest.values())
    tallies = {
        m.id: json.loads(m.tally) for m in matters if record.status == "published" and m.tally
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
