"""Dashboard widgets, overdue items and portal tasks of hazard governance."""

from __future__ import annotations

from flask import g, url_for

from core.dashboard import Widget, scoped
from core.i18n import gettext as _
from core.models import TerritoryUnit

from . import rules, services
from .flows import PLUGIN
from .models import Hazard


def dashboard_widgets(district, user) -> list[Widget]:
    access = g.get("access")
    if district is None or access is None or not access.can(PLUGIN, "read"):
        return []
    open_ = scoped(Hazard, PLUGIN, district=district).where(Hazard.state.in_(rules.OPEN_STATES))
    return [
        Widget(_("Open hazards"), open_.count(), plugin=PLUGIN),
        Widget(
            _("Open major hazards"), open_.where(Hazard.grade == "major").count(), plugin=PLUGIN
        ),
        Widget(
            _("Hazards past their rectification deadline"),
            open_.where(services.overdue_condition()).count(),
            plugin=PLUGIN,
        ),
    ]


def overdue_items(district) -> list:
    from core.notifications import OverdueItem

    if district is None:
        return []
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    return [
        OverdueItem(
            _("Hazard rectification overdue: %(name)s", name=str(h)),
            url_for("hazards_hazard.details_view", id=h.id),
            h.deadline,
            h.unit_id,
            None,
            PLUGIN,
        )
        for h in Hazard.select().where(services.overdue_condition() & Hazard.unit.in_(units))
    ]
