"""Social organisations' part of a person's copy and of a deletion request (个人信息保护法
art. 45, 47).

A person is linked as the contact of an organisation they registered themselves (the record
was created with their login and names them, by the name on their account, as contact
person or legal representative). The copy holds those organisations' contact details and the
applications the person submitted. Erasure replaces the person's name there by the pseudonym
and clears the contact mobile and the ID card number; the organisation, its applications,
charter versions and credit events (append-only) stay.
"""

from __future__ import annotations

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.privacy import Section, records_section

from .models import Application, Organisation


def _organisations(user):
    name = (user.display_name or "").strip()
    if not name:
        return Organisation.select().where(pw.SQL("1 = 0"))
    return Organisation.select().where(
        (Organisation.created_by == user.id)
        & ((Organisation.contact_name == name) | (Organisation.legal_rep == name))
    )


def personal_data(user) -> list[Section]:
    organisations = list(_organisations(user))
    applications = Application.select().where(Application.created_by == user.id)
    sections = [
        records_section(
            "socialorgs.organisations",
            _l("Social organisations"),
            Organisation,
            organisations,
            ["name", "contact_name", "contact_phone", "legal_rep", "legal_rep_id", "address"],
        ),
        records_section(
            "socialorgs.applications",
            _l("Applications"),
            Application,
            applications.order_by(Application.created_at),
            ["organisation", "kind", "created_at", "decided_on", "decision"],
        ),
    ]
    return [s for s in sections if s.rows]


def erase_personal_data(user, pseudonym) -> dict[str, int]:
    name = (user.display_name or "").strip()
    ids = [o.id for o in _organisations(user)]
    if not ids:
        return {}
    contact = (
        Organisation.update(contact_name=pseudonym, contact_phone=None)
        .where(Organisation.id.in_(ids) & (Organisation.contact_name == name))
        .execute()
    )
    rep = (
        Organisation.update(legal_rep=pseudonym, legal_rep_id=None)
        .where(Organisation.id.in_(ids) & (Organisation.legal_rep == name))
        .execute()
    )
    return {"socialorgs_organisation": len(ids)} if contact or rep else {}
