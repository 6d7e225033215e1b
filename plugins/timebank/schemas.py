"""Marshmallow schemas of the time bank (API, import, export).

Personal fields (ID card, mobile) are masked by the core for users without the
``view_personal_data`` permission. Ledger rows (accounts, transfers, movements) are read-only:
the ledger changes only through the services.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from forms.validators import id_card_problem, mobile_problem

from .models import (
    ACCOUNT_KINDS,
    ACCOUNT_ROLES,
    RECORD_STATES,
    TRANSFER_KINDS,
    VOLUNTEER_STATUSES,
    Account,
    Activity,
    Certificate,
    Movement,
    ServiceRecord,
    ServiceRequest,
    Shift,
    SignUp,
    Team,
    Transfer,
    Volunteer,
)


def codes(choices) -> validate.OneOf:
    return validate.OneOf([code for code, _label in choices])


def id_card(value: str) -> None:
    problem = id_card_problem(value)
    if problem:
        raise ValidationError(problem)


def mobile(value: str) -> None:
    problem = mobile_problem(value)
    if problem:
        raise ValidationError(problem)


class Owned(Schema):
    id = fields.Integer(dump_only=True)
    unit = fields.Integer(required=True, attribute="unit_id", data_key="unit")
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


# What the API may write (create/update) generically: the plain catalogue records. People,
# sign-ups, records, the ledger and certificates change only through the services (the
# portal and the admin), so their resources are read-only.
EDITABLE = ("read", "create", "update")


class TeamSchema(Owned):
    linli_operations = EDITABLE
    name = fields.String(required=True)
    kind = fields.String(load_default="team")
    leader_name = fields.String(load_default="")
    leader_mobile = fields.String(allow_none=True)
    address = fields.String(load_default="")
    description = fields.String(load_default="")
    active = fields.Boolean(load_default=True)


class VolunteerSchema(Owned):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    id_number = fields.String(required=True, validate=id_card)
    mobile = fields.String(required=True, validate=mobile)
    source = fields.String(load_default="resident")  # dictionaries: the commands check them
    skills = fields.String(load_default="", validate=validate.Length(max=200))
    availability = fields.String(load_default="", validate=validate.Length(max=200))
    national_number = fields.String(load_default="", validate=validate.Length(max=32))
    team = fields.Integer(allow_none=True, attribute="team_id", data_key="team")
    consent_at = fields.DateTime(allow_none=True)
    status = fields.String(dump_only=True, validate=codes(VOLUNTEER_STATUSES))


class ActivitySchema(Owned):
    linli_operations = EDITABLE
    title = fields.String(required=True)
    description = fields.String(load_default="")
    service_type = fields.String(load_default="other")
    target_group = fields.String(load_default="community")
    team = fields.Integer(allow_none=True, attribute="team_id", data_key="team")
    location = fields.String(load_default="")
    state = fields.String(load_default="open")


class ShiftSchema(Owned):
    linli_operations = EDITABLE
    activity = fields.Integer(required=True, attribute="activity_id", data_key="activity")
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    capacity = fields.Integer(load_default=1)


class SignUpSchema(Owned):
    shift = fields.Integer(dump_only=True, attribute="shift_id", data_key="shift")
    volunteer = fields.Integer(dump_only=True, attribute="volunteer_id", data_key="volunteer")
    state = fields.String(dump_only=True)
    signed_at = fields.DateTime(dump_only=True)
    checked_in_at = fields.DateTime(dump_only=True)
    checked_out_at = fields.DateTime(dump_only=True)


class ServiceRequestSchema(Owned):
    linli_operations = EDITABLE
    requester_name = fields.String(required=True)
    requester_mobile = fields.String(allow_none=True)
    target_group = fields.String(load_default="elderly")
    service_type = fields.String(load_default="daily_care")
    description = fields.String(load_default="")
    wanted_on = fields.Date(allow_none=True)
    volunteer = fields.Integer(dump_only=True, attribute="volunteer_id", data_key="volunteer")
    state = fields.String(dump_only=True)


class ServiceRecordSchema(Owned):
    volunteer = fields.Integer(required=True, attribute="volunteer_id", data_key="volunteer")
    activity = fields.Integer(allow_none=True, attribute="activity_id", data_key="activity")
    started_at = fields.DateTime(required=True)
    ended_at = fields.DateTime(required=True)
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 60))
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    service_type = fields.String(load_default="other")
    target_group = fields.String(load_default="community")
    served_name = fields.String(load_default="", validate=validate.Length(max=64))
    status = fields.String(dump_only=True, validate=codes(RECORD_STATES))
    confirmed_name = fields.String(dump_only=True)
    confirmed_at = fields.DateTime(dump_only=True)
    decided_at = fields.DateTime(dump_only=True)


class AccountSchema(Owned):
    volunteer = fields.Integer(dump_only=True, attribute="volunteer_id", data_key="volunteer")
    kind = fields.String(dump_only=True, validate=codes(ACCOUNT_KINDS))
    role = fields.String(dump_only=True, validate=codes(ACCOUNT_ROLES))
    balance = fields.Integer(dump_only=True)


class TransferSchema(Schema):
    id = fields.Integer(dump_only=True)
    unit = fields.Integer(dump_only=True, attribute="unit_id", data_key="unit")
    kind = fields.String(dump_only=True, validate=codes(TRANSFER_KINDS))
    record = fields.Integer(dump_only=True, attribute="record_id", data_key="record")
    reverses = fields.Integer(dump_only=True, attribute="reverses_id", data_key="reverses")
    memo = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class MovementSchema(Schema):
    linli_scope_through = "account"  # a movement is seen by whoever may see its account
    id = fields.Integer(dump_only=True)
    transfer = fields.Integer(dump_only=True, attribute="transfer_id", data_key="transfer")
    account = fields.Integer(dump_only=True, attribute="account_id", data_key="account")
    amount = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class CertificateSchema(Owned):
    number = fields.String(dump_only=True)
    volunteer = fields.Integer(dump_only=True, attribute="volunteer_id", data_key="volunteer")
    period_start = fields.Date(dump_only=True)
    period_end = fields.Date(dump_only=True)
    minutes = fields.Integer(dump_only=True)
    content = fields.String(dump_only=True)
    issuer_name = fields.String(dump_only=True)
    issued_on = fields.Date(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True)


SCHEMAS = {
    Team: TeamSchema,
    Volunteer: VolunteerSchema,
    Activity: ActivitySchema,
    Shift: ShiftSchema,
    SignUp: SignUpSchema,
    ServiceRequest: ServiceRequestSchema,
    ServiceRecord: ServiceRecordSchema,
    Account: AccountSchema,
    Transfer: TransferSchema,
    Movement: MovementSchema,
    Certificate: CertificateSchema,
}
