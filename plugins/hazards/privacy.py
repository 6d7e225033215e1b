"""Hazards' part of a person's copy and of a deletion request (个人信息保护法 art. 45, 47).

A person is linked by the records made with their login: the hazards they reported (a
resident's or a patrol's report, an inspector's finding) and the inspections they made. The
copy holds them. These records hold no personal field of the reporter (the reporter is the
``created_by`` login): erasure changes none of them, they point to the pseudonymised account
and keep their history (evidence of the rectification).
"""

from __future__ import annotations

from core.i18n import lazy_gettext as _l
from core.privacy import Section, records_section

from .flows import HAZARD_FLOW
from .models import Hazard, Inspection


def personal_data(user) -> list[Section]:
    hazards = Hazard.select().where(Hazard.created_by == user.id).order_by(Hazard.created_at)
    inspections = (
        Inspection.select()
        .where(Inspection.created_by == user.id)
        .order_by(Inspection.inspected_on)
    )
    reports = records_section(
        "hazards.reports",
        _l("Hazards I reported"),
        Hazard,
        hazards,
        ["title", "place", "source", "description", "created_at", "state"],
    )
    for row in reports.rows:
        row[-1] = HAZARD_FLOW.state_label(row[-1])
    sections = [
        reports,
        records_section(
            "hazards.inspections",
            _l("Inspections I made"),
            Inspection,
            inspections,
            ["place", "checklist_title", "inspected_on", "failed_count", "note"],
        ),
    ]
    return [s for s in sections if s.rows]


def erase_personal_data(user, pseudonym) -> dict[str, int]:
    return {}
