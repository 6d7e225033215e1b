"""WTForms of the owners' assembly admin pages (业主大会): signatures and acceptance of a
provisional-meeting request, proxies, paper ballots, the dry-run calculator, and the CSRF
form of pages whose inputs are built per matter."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from core.choices import options
from core.i18n import lazy_gettext as _l

from ..shared.forms import REQUIRED
from .models import KINDS


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
    kind = SelectField(_l("Kind"), choices=options(KINDS), validators=[InputRequired(REQUIRED)])
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


class ConfirmForm(FlaskForm):
    """No fields: the CSRF token of a page whose inputs are built per matter."""
