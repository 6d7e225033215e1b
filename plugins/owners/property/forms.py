"""WTForms of the property-service admin pages (物业服务): the handling of a complaint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from core.i18n import lazy_gettext as _l

from ..shared.forms import REQUIRED


class HandleForm(FlaskForm):
    handling = TextAreaField(_l("Handling"), [InputRequired(REQUIRED), Length(max=2000)])
