"""Marshmallow schemas (API, import, export): one per model, ``Meta.model`` names it. They
validate shape and identifiers with Chinese messages; state changes go through services."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from core.i18n import gettext as _

from . import rules
from .models import (
    APPLICATION_KINDS,
    CHANGE_FIELDS,
    ORG_TYPES,
    PARTY_STATUSES,
    SANCTION_KINDS,
    Activity,
    AnnualReport,
    Application,
    ChangeRequest,
    CreditListing,
    Evaluation,
    Organisation,
    PurchaseProject,
    Sanction,
)


def _codes(choices):
    return validate.OneOf([code for code, _label in choices])


class Stamped(Schema):
    id = fields.Integer(dump_only=True)
    unit = fields.Integer(attribute="unit_id", required=True)
    state = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class OrganisationSchema(Stamped):
    class Meta:
        model = Organisation

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    former_names = fields.String(dump_only=True)
    legal_form = fields.String(dump_only=True)
    org_type = fields.String(validate=_codes(ORG_TYPES))
    # a code of the dictionary socialorgs.category (字典): the commands check it
    category = fields.String()
    credit_code = fields.String(allow_none=True)
    filing_number = fields.String(dump_only=True)
    supervisor = fields.String()
    legal_rep = fields.String()
    members_individual = fields.Integer(validate=validate.Range(min=0))
    members_unit = fields.Integer(validate=validate.Range(min=0))
    funds = fields.Decimal(as_string=True, validate=validate.Range(min=0))
    address = fields.String()
    premises = fields.String()
    purpose = fields.String()
    scope = fields.String()
    party_status = fields.String(validate=_codes(PARTY_STATUSES))
    founded_on = fields.Date(allow_none=True)
    grade = fields.String(dump_only=True)
    grade_valid_until = fields.Date(dump_only=True)
    filed_on = fields.Date(dump_only=True)
    registered_on = fields.Date(dump_only=True)

    @validates("credit_code")
    def check_code(self, value, **kwargs):
        if value:
            problem = rules.credit_code_problem(value)
            if problem:
                raise ValidationError(_(problem))


class ApplicationSchema(Stamped):
    class Meta:
        model = Application

    organisation = fields.Integer(attribute="organisation_id", required=True)
    kind = fields.String(required=True, validate=_codes(APPLICATION_KINDS))
    materials = fields.String()
    due = fields.Date(dump_only=True)
    decision = fields.String(dump_only=True)


class ChangeRequestSchema(Stamped):
    class Meta:
        model = ChangeRequest

    organisation = fields.Integer(attribute="organisation_id", required=True)
    field = fields.String(required=True, validate=_codes(CHANGE_FIELDS))
    old_value = fields.String(dump_only=True)
    new_value = fields.String(required=True)
    agreed_on = fields.Date(required=True)


class AnnualReportSchema(Stamped):
    class Meta:
        model = AnnualReport

    organisation = fields.Integer(attribute="organisation_id", required=True)
    year = fields.Integer(required=True)
    income = fields.Decimal(as_string=True)
    expenditure = fields.Decimal(as_string=True)
    activities = fields.Integer(validate=validate.Range(min=0))
    summary = fields.String()
    due = fields.Date(dump_only=True)


class SanctionSchema(Schema):
    class Meta:
        model = Sanction

    id = fields.Integer(dump_only=True)
    organisation = fields.Integer(attribute="organisation_id", required=True)
    kind = fields.String(required=True, validate=_codes(SANCTION_KINDS))
    on_date = fields.Date(required=True)
    amount = fields.Decimal(as_string=True)
    document = fields.String()


class CreditListingSchema(Schema):
    class Meta:
        model = CreditListing

    id = fields.Integer(dump_only=True)
    organisation = fields.Integer(attribute="organisation_id", dump_only=True)
    list_kind = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)
    listed_on = fields.Date(dump_only=True)
    removable_on = fields.Date(dump_only=True)
    state = fields.String(dump_only=True)


class EvaluationSchema(Stamped):
    class Meta:
        model = Evaluation

    organisation = fields.Integer(attribute="organisation_id", required=True)
    score = fields.Integer(dump_only=True)
    grade = fields.String(dump_only=True)
    valid_until = fields.Date(dump_only=True)


class ActivitySchema(Stamped):
    """活动记录, written through the API and the import as in the admin: the rules are the
    model's (``commands.ActivityRules``); the unit follows the organisation."""

    class Meta:
        model = Activity

    linli_operations = ("read", "create", "update", "delete")
    unit = fields.Integer(attribute="unit_id", dump_only=True)
    organisation = fields.Integer(attribute="organisation_id", required=True)
    held_on = fields.Date(required=True)
    title = fields.String(required=True)
    participants = fields.Integer(allow_none=True)
    place = fields.String()


class PurchaseProjectSchema(Stamped):
    """政府购买服务, written through the API and the import as in the admin: the rules are the
    model's (``commands.PurchaseRules``: budget above zero, period, scores 0–100)."""

    class Meta:
        model = PurchaseProject

    linli_operations = ("read", "create", "update", "delete")
    title = fields.String(required=True)
    purchaser = fields.String(required=True)
    organisation = fields.Integer(attribute="organisation_id", required=True)
    budget = fields.Decimal(as_string=True, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    outputs = fields.String()
    purchaser_score = fields.Integer(allow_none=True)
    users_score = fields.Integer(allow_none=True)
    third_party_score = fields.Integer(allow_none=True)


SCHEMAS = [
    OrganisationSchema,
    ApplicationSchema,
    ChangeRequestSchema,
    AnnualReportSchema,
    SanctionSchema,
    CreditListingSchema,
    EvaluationSchema,
    ActivitySchema,
    PurchaseProjectSchema,
]
