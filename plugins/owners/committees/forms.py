"""WTForms of the committees' admin pages (业主委员会): the residents' committee told and its
opinion, preparatory groups, elected and interim committees, the filing and the replacement of
a member."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext

from ..shared.forms import REQUIRED


class OpinionForm(FlaskForm):
    opinion = TextAreaField(_l("Opinion"), validators=[InputRequired(REQUIRED)])
    opinion_on = DateField(_l("Opinion given on"), validators=[InputRequired(REQUIRED)])


class TellForm(FlaskForm):
    meeting = SelectField(_l("Meeting"), coerce=int, validators=[InputRequired(REQUIRED)])
    committee_name = StringField(
        _l("Residents' committee"), validators=[InputRequired(REQUIRED), Length(max=100)]
    )
    notified_on = DateField(_l("Notified on"), validators=[InputRequired(REQUIRED)])


class GroupForm(FlaskForm):
    compound = SelectField(_l("Compound"), coerce=int, validators=[InputRequired(REQUIRED)])
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    formed_on = DateField(_l("Formed on"), validators=[InputRequired(REQUIRED)])
    posted_on = DateField(_l("List posted on"), validators=[Optional()])
    members = TextAreaField(
        _l("Members"),
        description=_l(
            "One per line: name, then what the member represents (owner, residents_committee,"
            " street, developer, other), separated by a comma."
        ),
        validators=[InputRequired(REQUIRED)],
    )


class ElectForm(FlaskForm):
    meeting = SelectField(_l("Election meeting"), coerce=int, validators=[InputRequired(REQUIRED)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    elected_on = DateField(_l("Elected or formed on"), validators=[InputRequired(REQUIRED)])
    term_years = IntegerField(
        _l("Term (years)"), validators=[InputRequired(REQUIRED), NumberRange(min=1, max=99)]
    )
    members = TextAreaField(
        _l("Members"),
        description=_l(
            "One per line: the owner's name as registered, then the role (chair, vice_chair,"
            " member), separated by a comma."
        ),
        validators=[InputRequired(REQUIRED)],
    )


class InterimForm(FlaskForm):
    compound = SelectField(_l("Compound"), coerce=int, validators=[InputRequired(REQUIRED)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    formed_on = DateField(_l("Elected or formed on"), validators=[InputRequired(REQUIRED)])
    term_years = IntegerField(
        _l("Term (years)"), validators=[InputRequired(REQUIRED), NumberRange(min=1, max=99)]
    )
    members = TextAreaField(
        _l("Members"),
        description=_l(
            "One per line: name, what the member represents (owner, residents_committee, street,"
            " developer, other) and the role (chair, vice_chair, member), separated by commas."
        ),
        validators=[InputRequired(REQUIRED)],
    )


class FileForm(FlaskForm):
    filed_on = DateField(_l("Filed on"), validators=[InputRequired(REQUIRED)])


class ReplaceForm(FlaskForm):
    name = StringField(
        lazy_pgettext("person", "Name"), validators=[InputRequired(REQUIRED), Length(max=64)]
    )
    owner = SelectField(_l("Owner"), coerce=int, validators=[Optional()])
    started_on = DateField(_l("Started on"), validators=[InputRequired(REQUIRED)])
    reason = StringField(
        _l("Reason for leaving"), validators=[InputRequired(REQUIRED), Length(max=200)]
    )
