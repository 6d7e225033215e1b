"""The owners' part of a person's copy and of a deletion request (个人信息保护法 art. 45, 47).

A person is linked by the login of their owner records (``Owner.user``), as a proxy
(``Proxy.proxy_user``) and as a complainant (``Complaint.complainant``). The copy holds the
owner records, their units, ballots, proxies, complaints and committee seats. Erasure
replaces the name by the pseudonym and clears the ID number of the owner records, and the
name in committee seats and proxies; ballots and paper entries (append-only, hash-chained
by ids) keep every row and now point to the pseudonymised owner; complaints stay as the
record of their handling.
"""

from __future__ import annotations

from core.i18n import lazy_gettext as _l
from core.privacy import Section, records_section

from .assembly.models import BallotLog, Proxy
from .committees.models import CommitteeMember, PreparatoryMember
from .property.models import Complaint
from .register.models import Owner, Ownership


def _owner_ids(user) -> list[int]:
    return [o.id for o in Owner.select(Owner.id).where(Owner.user == user.id)]


def personal_data(user) -> list[Section]:
    ids = _owner_ids(user)
    sections = []
    if ids:
        sections += [
            records_section(
                "owners.owners",
                _l("Owner records"),
                Owner,
                Owner.select().where(Owner.id.in_(ids)),
                ["name", "id_number", "unit", "is_developer", "created_at"],
                labels={"name": _l("Full name")},
            ),
            records_section(
                "owners.ownerships",
                _l("Ownerships"),
                Ownership,
                Ownership.select().where(Ownership.owner.in_(ids)),
                ["premises", "unit", "created_at"],
            ),
            records_section(
                "owners.ballots",
                _l("Ballots"),
                BallotLog,
                BallotLog.select().where(BallotLog.owner.in_(ids)).order_by(BallotLog.at),
                ["matter", "premises", "choice", "receipt", "channel", "at"],
            ),
            records_section(
                "owners.seats",
                _l("Committee members"),
                CommitteeMember,
                CommitteeMember.select().where(CommitteeMember.owner.in_(ids)),
                ["committee", "name", "role", "started_on", "ended_on"],
            ),
        ]
    linked = Proxy.proxy_user == user.id
    if ids:
        linked = linked | Proxy.owner.in_(ids)
    proxies = Proxy.select().where(linked)
    sections.append(
        records_section(
            "owners.proxies",
            _l("Proxies"),
            Proxy,
            proxies,
            ["meeting", "owner", "proxy_name", "status", "revoked_on"],
        )
    )
    complaints = Complaint.select().where(Complaint.complainant == user.id)
    sections.append(
        records_section(
            "owners.complaints",
            _l("Complaints"),
            Complaint,
            complaints.order_by(Complaint.filed_on),
            ["title", "body", "filed_on", "status", "handling", "rating", "rating_comment"],
        )
    )
    return [s for s in sections if s.rows]


def erase_personal_data(user, pseudonym) -> dict[str, int]:
    ids = _owner_ids(user)
    changed = {}
    if ids:
        changed["owners_owner"] = (
            Owner.update(name=pseudonym, id_number=None).where(Owner.id.in_(ids)).execute()
        )
        changed["owners_committee_member"] = (
            CommitteeMember.update(name=pseudonym).where(CommitteeMember.owner.in_(ids)).execute()
        )
        changed["owners_prep_member"] = (
            PreparatoryMember.update(name=pseudonym)
            .where(PreparatoryMember.owner.in_(ids))
            .execute()
        )
    changed["owners_proxy"] = (
        Proxy.update(proxy_name=pseudonym).where(Proxy.proxy_user == user.id).execute()
    )
    return {table: count for table, count in changed.items() if count}
