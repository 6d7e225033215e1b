"""Deadlines of the committees (业主委员会的期限), reported to ``linli notify`` (督办): an owners'
committee not filed within ``filing_days``, a term that has expired; and the expiry alerts
sent ``term_alert_days`` before a term ends to the staff who look after the compound."""

from __future__ import annotations

import datetime as dt

from flask import url_for

from core.i18n import gettext as _
from core.models import TerritoryUnit, User
from core.workdays import today

from ..shared.services import PLUGIN, district_units, setting
from .models import Committee


def filing_state(committee: Committee, on: dt.date | None = None) -> str:
    on = on or today()
    if committee.filing_due is None:
        return ""
    if committee.filed_on is not None:
        return "late" if committee.filed_on > committee.filing_due else "on_time"
    return "overdue" if on > committee.filing_due else "due"


def term_state(committee: Committee, on: dt.date | None = None) -> str:
    on = on or today()
    if committee.ended_on is not None:
        return "ended"
    if on > committee.term_ends:
        return "expired"
    days = int(setting(committee, "term_alert_days"))
    if (committee.term_ends - on).days <= days:
        return "ending_soon"
    return "in_office"


def committee_deadlines(district, on: dt.date | None = None) -> list[tuple[Committee, str]]:
    """(committee, 'filing_overdue' | 'term_expired' | 'term_ending') for the district."""
    on = on or today()
    found = []
    for c in Committee.select().where(
        Committee.ended_on.is_null() & Committee.unit.in_(district_units(district))
    ):
        if filing_state(c, on) == "overdue":
            found.append((c, "filing_overdue"))
        state = term_state(c, on)
        if state == "expired":
            found.append((c, "term_expired"))
        elif state == "ending_soon":
            found.append((c, "term_ending"))
    return found


def responsible_staff(unit_id: int) -> list[User]:
    """Who looks after a compound's owners' bodies: users with update rights on the plugin at
    the compound's community (the compound's parent) or the compound itself."""
    from core.models import RoleAssignment, RolePermission

    unit = TerritoryUnit.get_by_id(unit_id)
    units = [unit.id] + ([unit.parent_id] if unit.parent_id else [])
    roles = RolePermission.select(RolePermission.role).where(
        RolePermission.plugin.in_([PLUGIN, "*"]) & RolePermission.action.in_(["update", "*"])
    )
    holders = RoleAssignment.select(RoleAssignment.user).where(
        RoleAssignment.unit.in_(units) & RoleAssignment.role.in_(roles)
    )
    return list(User.select().where(User.id.in_(holders) & User.is_active).order_by(User.id))


def send_term_alerts(district, on: dt.date | None = None) -> int:
    """Tell the community's staff once that a committee's term ends within
    ``term_alert_days`` (core notifications, de-duplicated per committee and term end)."""
    from core.notifications import notify

    sent = 0
    for committee, what in committee_deadlines(district, on):
        if what != "term_ending":
            continue
        for user in responsible_staff(committee.unit_id):
            note = notify(
                user,
                "deadline_soon",
                _(
                    "The term of %(name)s ends on %(date)s; prepare the re-election.",
                    name=committee.name,
                    date=committee.term_ends.isoformat(),
                ),
                link=f"/admin/owners/committee/details/?id={committee.id}",
                district_id=district.id,
                key=f"owners-term:{committee.id}:{committee.term_ends.isoformat()}",
            )
            sent += note is not None
    return sent


def overdue_items(district) -> list:
    from core.notifications import OverdueItem

    if district is None:
        return []
    items = []
    for committee, what in committee_deadlines(district):
        if what == "filing_overdue":
            title, due = (
                _("Committee not filed: %(name)s", name=committee.name),
                committee.filing_due,
            )
        elif what == "term_expired":
            title, due = (
                _("Committee term expired: %(name)s", name=committee.name),
                committee.term_ends,
            )
        else:
            continue
        items.append(
            OverdueItem(
                title,
                url_for("owners_committee.details_view", id=committee.id),
                due,
                committee.unit_id,
                None,
                PLUGIN,
            )
        )
    send_term_alerts(district)
    return items
