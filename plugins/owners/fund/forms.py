"""WTForms of the maintenance-fund admin pages (维修资金): proposals, the vote, amounts,
deposits, interest, reversals and the statement's period."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from core.choices import options
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext

from ..shared.forms import REQUIRED
from .models import EMERGENCY_REASONS, PROPOSAL_KINDS


class ProposalForm(FlaskForm):
    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    title = StringField(_l("Title"), [InputRequired(REQUIRED), Length(max=200)])
    scope = TextAreaField(_l("Works"), [Optional(), Length(max=2000)])
    kind = SelectField(_l("Kind"), choices=options(PROPOSAL_KINDS), default="use")
    budget = StringField(_l("Budget (yuan)"), [InputRequired(REQUIRED)])
    units = TextAreaField(
        _l("Units bearing the cost (unit numbers, one per line; empty: every unit)"),
        [Optional()],
    )
    emergency_reason = SelectField(
        _l("Emergency (use without a prior vote)"),
        choices=options([("", "—"), *EMERGENCY_REASONS]),
        default="",
    )
    confirmed_by = StringField(
        _l("Emergency confirmed by (residents' committee or street office)"),
        [Optional(), Length(max=100)],
    )


class AmountForm(FlaskForm):
    amount = StringField(_l("Amount (yuan)"), [InputRequired(REQUIRED)])
    booked_on = DateField(_l("Date"), [Optional()])
    memo = StringField(_l("Memo"), [Optional(), Length(max=200)])


class VoteForm(FlaskForm):
    meeting = SelectField(_l("Meeting (draft)"), [InputRequired(REQUIRED)])


class DepositForm(FlaskForm):
    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    number = StringField(_l("Unit number"), [InputRequired(REQUIRED), Length(max=32)])
    amount = StringField(_l("Amount (yuan)"), [InputRequired(REQUIRED)])
    booked_on = DateField(_l("Date"), [Optional()])
    memo = StringField(_l("Memo"), [Optional(), Length(max=200)])


class InterestForm(FlaskForm):
    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    amount = StringField(_l("Amount (yuan)"), [InputRequired(REQUIRED)])
    booked_on = DateField(_l("Date"), [Optional()])
    memo = StringField(_l("Memo"), [Optional(), Length(max=200)])


class ReverseForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), [InputRequired(REQUIRED), Length(max=150)])


class StatementForm(FlaskForm):
    class Meta:
        csrf = False

    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    start = DateField(lazy_pgettext("date range", "From"), [InputRequired(REQUIRED)])
    end = DateField(lazy_pgettext("date range", "To"), [InputRequired(REQUIRED)])
