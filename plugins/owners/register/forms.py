"""WTForms of the register's admin pages (业主名册): the register import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from core.i18n import lazy_gettext as _l

from ..shared.forms import REQUIRED


class ImportForm(FlaskForm):
    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    file = FileField(_l("File (XLSX or CSV)"), [InputRequired(REQUIRED)])
    dry_run = BooleanField(_l("Dry run: check only, write nothing"), default=True)
