"""Deadlines of the committees reported to ``linli notify`` (督办): an owners' committee not
filed within ``filing_days``, a term that has expired; and the expiry alerts
``term_alert_days`` before a term ends."""

from __future__ import annotations

from flask import url_for

from core.i18n import gettext as _

from ..shared.services import PLUGIN
from .services import committee_deadlines, send_term_alerts


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
