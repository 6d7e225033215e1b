"""Deadlines of the owners' assembly reported to ``linli notify`` (督办): results not published
within ``publish_days``, decisions not filed within ``decision_filing_days``."""

from __future__ import annotations

from flask import url_for

from core.i18n import gettext as _

from ..shared.services import PLUGIN
from .services import overdue_publications, unfiled_decisions


def overdue_items(district) -> list:
    from core.notifications import OverdueItem

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
    return items
