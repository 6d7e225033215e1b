"""The time bank's part of a person's copy and of a deletion request (个人信息保护法 art. 45, 47).

A person is linked to the time bank by the login of their volunteer registration
(``Volunteer.user``). The copy holds the registration, sign-ups, service records, matched
requests, the ledger movements of their accounts and their certificates. Erasure replaces
the volunteer's name by the pseudonym, clears ID number, mobile, skills, availability and the
answers of the registration form, and marks the volunteer as left; service records,
certificates, the ledger (append-only) and sign-ups stay as evidence of the hours, pointing
to the pseudonymised volunteer.
"""

from __future__ import annotations

from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.privacy import Section, plain, records_section
from forms.models import Submission

from .models import (
    Account,
    Certificate,
    Movement,
    ServiceRecord,
    ServiceRequest,
    SignUp,
    Transfer,
    Volunteer,
)


def _volunteers(user):
    return Volunteer.select().where(Volunteer.user == user.id)


def personal_data(user) -> list[Section]:
    volunteers = list(_volunteers(user))
    if not volunteers:
        return []
    ids = [v.id for v in volunteers]
    sections = [
        records_section(
            "timebank.volunteer",
            _l("Volunteer registration"),
            Volunteer,
            volunteers,
            [
                "name",
                "id_number",
                "mobile",
                "unit",
                "source",
                "skills",
                "availability",
                "national_number",
                "team",
                "consent_at",
                "status",
                "created_at",
            ],
            labels={"name": _l("Full name")},
        ),
        records_section(
            "timebank.signups",
            _l("Sign-ups"),
            SignUp,
            SignUp.select().where(SignUp.volunteer.in_(ids)).order_by(SignUp.signed_at),
            ["shift", "state", "signed_at", "checked_in_at", "checked_out_at"],
        ),
        records_section(
            "timebank.records",
            _l("Service records"),
            ServiceRecord,
            ServiceRecord.select()
            .where(ServiceRecord.volunteer.in_(ids))
            .order_by(ServiceRecord.started_at),
            [
                "started_at",
                "ended_at",
                "minutes",
                "content",
                "service_type",
                "served_name",
                "status",
                "confirmed_name",
                "confirmed_at",
            ],
        ),
        records_section(
            "timebank.requests",
            _l("Service requests"),
            ServiceRequest,
            ServiceRequest.select().where(ServiceRequest.volunteer.in_(ids)),
            ["requester_name", "service_type", "description", "wanted_on", "state"],
        ),
    ]
    movements = (
        Movement.select(Movement, Account, Transfer)
        .join(Account)
        .switch(Movement)
        .join(Transfer)
        .where(Account.volunteer.in_(ids))
        .order_by(Movement.created_at, Movement.id)
    )
    kinds, transfer_kinds = Account.kind, Transfer.kind
    sections.append(
        Section(
            "timebank.movements",
            _("Ledger movements"),
            [
                str(Movement.created_at.verbose_name),
                str(Account.kind.verbose_name),
                str(Transfer.kind.verbose_name),
                str(Movement.amount.verbose_name),
                str(Transfer.memo.verbose_name),
            ],
            [
                [
                    plain(m.created_at),
                    plain(m.account.kind, kinds),
                    plain(m.transfer.kind, transfer_kinds),
                    m.amount,
                    m.transfer.memo,
                ]
                for m in movements
            ],
        )
    )
    sections.append(
        records_section(
            "timebank.certificates",
            _l("Certificates"),
            Certificate,
            Certificate.select().where(Certificate.volunteer.in_(ids)),
            [
                "number",
                "period_start",
                "period_end",
                "minutes",
                "issuer_name",
                "issued_on",
                "revoked_at",
            ],
        )
    )
    return sections


def erase_personal_data(user, pseudonym) -> dict[str, int]:
    volunteers = list(_volunteers(user))
    ids = [v.id for v in volunteers]
    extras = [v.extras_id for v in volunteers if v.extras_id]
    changed = {}
    if ids:
        changed["timebank_volunteer"] = (
            Volunteer.update(
                name=pseudonym,
                id_number="",
                mobile="",
                skills="",
                availability="",
                national_number="",
                status="left",
                status_note="",
            )
            .where(Volunteer.id.in_(ids))
            .execute()
        )
    if extras:
        changed["core_form_submission"] = (
            Submission.update(data="{}").where(Submission.id.in_(extras)).execute()
        )
    # the person confirmed a service (as the person served, with their login)
    confirmed = (
        ServiceRecord.update(confirmed_name=pseudonym)
        .where((ServiceRecord.confirmed_by == user.id) & (ServiceRecord.confirmed_name != ""))
        .execute()
    )
    if confirmed:
        changed["timebank_record"] = confirmed
    return changed
