"""WTForms of the owners' assembly admin pages added on branch ow-ballots (Flask-WTF: CSRF on
every form). They check the shape of what was typed; the rules are the services'."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.i18n import lazy_gettext as _l

from .models import KINDS

REQUIRED = _l("This field is required.")


class OpinionForm(FlaskForm):
    opinion = TextAreaField(_l("Opinion"), validators=[InputRequired(REQUIRED)])
    opinion_on = DateField(_l("Opinion given on"), validators=[InputRequired(REQUIRED)])


class TellForm(FlaskForm):
    meeting = SelectField(_l("Meeting"), coerce=int, validators=[InputRequired(REQUIRED)])
    committee_name = StringField(
        _l("Residents' committee"), validators=[InputRequired(REQUIRED), Length(max=100)]
    )
    notified_on = DateField(_l("Notified on"), validators=[InputRequired(REQUIRED)])


class SignForm(FlaskForm):
    owner = SelectField(_l("Owner"), coerce=int, validators=[InputRequired(REQUIRED)])
    signed_on = DateField(_l("Signed on"), validators=[InputRequired(REQUIRED)])


class AcceptForm(FlaskForm):
    opens_on = DateField(_l("Voting opens on"), validators=[InputRequired(REQUIRED)])
    closes_on = DateField(_l("Voting closes on"), validators=[InputRequired(REQUIRED)])


class ProxyForm(FlaskForm):
    meeting = SelectField(_l("Meeting"), coerce=int, validators=[InputRequired(REQUIRED)])
    owner = SelectField(_l("Principal"), coerce=int, validators=[InputRequired(REQUIRED)])
    proxy_name = StringField(_l("Proxy"), validators=[InputRequired(REQUIRED), Length(max=64)])
    proxy_login = StringField(_l("Proxy's login"), validators=[Optional(), Length(max=64)])
    authorisation = FileField(_l("Authorisation"))


class PaperForm(FlaskForm):
    sheet = StringField(_l("Sheet number"), validators=[InputRequired(REQUIRED), Length(max=32)])
    premises = SelectField(_l("Unit"), coerce=int, validators=[InputRequired(REQUIRED)])
    owner = SelectField(_l("Owner"), coerce=int, validators=[InputRequired(REQUIRED)])
    proxy = SelectField(_l("Proxy"), coerce=int, validators=[Optional()])
    signed_on = DateField(_l("Signed on"), validators=[InputRequired(REQUIRED)])


class CalculatorForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=KINDS, validators=[InputRequired(REQUIRED)])
    total_area = StringField(_l("Total exclusive area (m²)"), validators=[InputRequired(REQUIRED)])
    total_heads = StringField(_l("Total owners (heads)"), validators=[InputRequired(REQUIRED)])
    participating_area = StringField(
        _l("Participating area (m²)"), validators=[InputRequired(REQUIRED)]
    )
    participating_heads = StringField(
        _l("Participating owners (heads)"), validators=[InputRequired(REQUIRED)]
    )
    agree_area = StringField(_l("Agreeing area (m²)"), validators=[InputRequired(REQUIRED)])
    agree_heads = StringField(_l("Agreeing owners (heads)"), validators=[InputRequired(REQUIRED)])


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
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=64)])
    owner = SelectField(_l("Owner"), coerce=int, validators=[Optional()])
    started_on = DateField(_l("Started on"), validators=[InputRequired(REQUIRED)])
    reason = StringField(
        _l("Reason for leaving"), validators=[InputRequired(REQUIRED), Length(max=200)]
    )


class ConfirmForm(FlaskForm):
    """No fields: the CSRF token of a page whose inputs are built per matter."""
