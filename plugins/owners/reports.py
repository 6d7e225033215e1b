"""Deadlines of the owners' assembly reported to ``linli notify`` (督办): results not published
within ``publish_days``, an owners' committee not filed within ``filing_days``, a term that has
expired; and the expiry alerts ``term_alert_days`` before a term ends."""

from __future__ import annotations

from flask import url_for

from core.i18n import gettext as _

from .models import PLUGIN


def overdue_items(district) -> list:
    from core.notifications import OverdueItem

    from .committees import committee_deadlines, send_term_alerts
    from .meetings import overdue_publications, unfiled_decisions

    if district is None:
        return []
    items = [
        OverdueItem(
            _("Results not published: %(title)s", title=m.title),
            url_for("owners_meeting.details_view", id=m.id),
            m.publish_due,
            m.unit_id,
            None,
            PLUGIN,
        )
        for m in overdue_publications(district)
    ]
    for m, due in unfiled_decisions(district):
        items.append(
            OverdueItem(
                _("Decisions not filed: %(title)s", title=m.title),
                url_for("owners_meeting.details_view", id=m.id),
                due,
                m.unit_id,
                None,
                PLUGIN,
            )
        )
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
