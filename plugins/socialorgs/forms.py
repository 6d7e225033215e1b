"""Forms of the registry. What an application collects beyond the registered items is a
low-code form definition (:mod:`forms.definition`) shipped as data in
``definitions/application_extras.json``; a district administrator changes it in 表单定义 (the
key ``socialorgs_application_extras``, for the platform or for one district) without code."""

from __future__ import annotations

import json
from pathlib import Path

from flask import g
from flask_admin.helpers import get_form_data

from core.commands import Context
from core.i18n import is_english
from forms.definition import FormDef, parse

EXTRAS_KEY = "socialorgs_application_extras"
SHIPPED = Path(__file__).resolve().parent / "definitions" / "application_extras.json"
PREFIX = "x_"


def shipped_definition() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def extras_definition(district_id: int | None) -> FormDef:
    """The district's version of the definition, else the platform's, else the shipped one."""
    from forms.models import FormDefinition
    from forms.services import current_version, version_form

    rows = FormDefinition.select().where(
        (FormDefinition.key == EXTRAS_KEY)
        & (FormDefinition.district.is_null() | (FormDefinition.district == district_id))
    )
    best = sorted(rows, key=lambda row: row.district_id is None)
    for row in best:
        version = current_version(row)
        if version is not None:
            return version_form(version)
    return parse(shipped_definition())


def install_definition(actor=None):
    """Store the shipped definition for the platform (the form builder then edits it); done
    by the demo, or by the first visit to the create page."""
    from forms.services import save_definition

    return save_definition(
        Context.trusted(actor=actor), shipped_definition(), None, plugin="socialorgs"
    )


def extended_create_form(view, obj=None):
    """The admin's create form with the definition's fields (prefixed ``x_``)."""
    from flask_login import current_user

    from forms.models import FormDefinition
    from forms.services import choices_for, context
    from forms.wtform import wtfield

    if not FormDefinition.select().where(FormDefinition.key == EXTRAS_KEY).exists():
        install_definition(current_user._get_current_object())  # now the builder can edit it
    definition = extras_definition(g.get("district_id"))
    ctx = context(g.get("district_id"), g.get("access"), "socialorgs")
    ctx.choices = choices_for(g.get("district_id"))
    english = is_english()
    attrs = {PREFIX + f.key: wtfield(f, ctx, english) for _s, f in definition.fields()}
    form_class = type("OrganisationCreateForm", (view._create_form_class,), attrs)
    form = view._with_custom(form_class, obj) or form_class(get_form_data(), obj=obj)
    form._extras_definition = definition
    form._extras_context = ctx
    return form


def validate_extras(form) -> bool:
    """Run the engine's validation on the extra fields; errors go to their fields."""
    from forms.engine import validate

    definition = getattr(form, "_extras_definition", None)
    if definition is None:
        return True
    data = {f.key: form[PREFIX + f.key].data for _s, f in definition.fields()}
    cleaned, errors = validate(definition, data, form._extras_context)
    for key, messages in errors.items():
        name = PREFIX + key.split("[")[0]
        if name in form._fields:
            form[name].errors = list(form[name].errors) + list(messages)
    form._extras_cleaned = cleaned
    return not errors


def extras_text(org) -> str:
    """The stored extras as "label: value" lines, labelled by the current definition."""
    try:
        values = json.loads(org.extras or "{}")
    except ValueError:
        return ""
    definition = extras_definition(None)
    english = is_english()
    lines = []
    for _s, f in definition.fields():
        if f.key not in values or values[f.key] in (None, "", []):
            continue
        value = values[f.key]
        labels = {c.code: (c.label_en or c.label_zh) if english else c.label_zh for c in f.choices}
        if isinstance(value, list):
            value = "、".join(labels.get(v, v) for v in value)
        else:
            value = labels.get(value, value)
        lines.append(f"{(f.label_en or f.label_zh) if english else f.label_zh}: {value}")
    return "; ".join(lines)
