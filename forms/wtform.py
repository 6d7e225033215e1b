"""WTForms forms built from a form definition (表单定义生成的网页表单), for admin and portal
pages: :func:`wtfield` for one field, :func:`wtform_class` for a whole definition, whose
``validate()`` runs the engine's :func:`forms.engine.validate` and whose uploads are checked
and stored by :mod:`forms.uploads`, so a page refuses exactly what the API refuses.
"""

from __future__ import annotations

import re
from typing import Any

from core.choices import options
from core.i18n import gettext as _
from forms.definition import CHOICE_TYPES, UPLOAD_TYPES, FieldDef, FormDef
from forms.engine import Context, validate
from forms.uploads import store_field

__all__ = ["wtfield", "wtform_class"]


def wtfield(f: FieldDef, ctx: Context | None = None, english: bool = False):
    """An unbound WTForms field that collects ``f`` (validation is :func:`validate`'s)."""
    from wtforms import FileField, SelectField, SelectMultipleField, StringField, TextAreaField

    ctx = ctx or Context()
    description = (f.help_en or f.help_zh) if english else f.help_zh
    kwargs = {
        "label": (f.label_en or f.label_zh) if english else f.label_zh,
        "description": description,
    }
    if f.type in CHOICE_TYPES:
        pairs = [
            (c.code, (c.label_en or c.label_zh) if english else c.label_zh) for c in ctx.choices(f)
        ]
        if f.type == "choice":
            return SelectField(
                choices=options([("", "—"), *pairs]), validate_choice=False, **kwargs
            )
        return SelectMultipleField(choices=options(pairs), validate_choice=False, **kwargs)
    if f.type == "yes_no_na":
        pairs = [("", "—"), ("yes", _("Yes")), ("no", _("No")), ("na", _("Not applicable"))]
        return SelectField(choices=options(pairs), validate_choice=False, **kwargs)
    if f.type == "long_text":
        return TextAreaField(**kwargs)
    if f.type in UPLOAD_TYPES:
        return FileField(render_kw={"accept": ",".join(f.accept)}, **kwargs)
    return StringField(**kwargs)


def wtform_class(form: FormDef, ctx: Context | None = None, base=None, locale: str = "zh"):
    """A WTForms form class for ``form``; its ``validate()`` runs :func:`validate`."""
    from flask_wtf import FlaskForm
    from wtforms import FieldList, FormField
    from wtforms import Form as PlainForm

    ctx = ctx or Context()
    english = locale.startswith("en")

    def fields_of(section):
        return {f.key: wtfield(f, ctx, english) for f in section.fields}

    attrs: dict[str, Any] = {"_definition": form, "_context": ctx}
    for section in form.sections:
        if section.repeat:
            row_form = type(f"Row_{section.key}", (PlainForm,), fields_of(section))
            label = (section.label_en or section.label_zh) if english else section.label_zh
            attrs[section.key] = FieldList(
                FormField(row_form),
                label=label,
                min_entries=max(section.repeat_min or 0, 1),
                max_entries=section.repeat_max,
            )
        else:
            attrs.update(fields_of(section))
    attrs["validate"] = _wtforms_validate
    attrs["definition_data"] = _wtforms_data
    return type(f"Form_{form.key}", (base or FlaskForm,), attrs)


def _wtforms_data(self) -> dict:
    """The submitted values as definition data; uploads become stored-file references."""

    def value(f, raw):
        return store_field(f, raw) if f.type in UPLOAD_TYPES else raw

    data = {}
    for section in self._definition.sections:
        if section.repeat:
            data[section.key] = [
                {f.key: value(f, entry.data.get(f.key)) for f in section.fields}
                for entry in self[section.key].entries
            ]
        else:
            for f in section.fields:
                data[f.key] = value(f, self[f.key].data)
    return data


def _wtforms_validate(self, extra_validators=None) -> bool:
    from wtforms import Form as PlainForm

    ok = PlainForm.validate(self, extra_validators)  # CSRF and WTForms' own checks
    cleaned, errors = validate(self._definition, self.definition_data(), self._context)
    for path, messages in errors.items():
        m = re.match(r"(\w+)\[(\d+)\]\.(\w+)$", path)
        if m:
            target = self[m.group(1)].entries[int(m.group(2))].form[m.group(3)]
        else:
            target = self[path] if path in self._fields else None
        if target is None:
            continue
        target.errors = list(target.errors) + list(messages)
    self.cleaned_data = cleaned
    self.definition_errors = errors
    return ok and not errors
