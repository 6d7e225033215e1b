"""The form engine (表单引擎): one validation for the admin, the portal, the API and imports.

``validate(form, data, context)`` is the single implementation of what a definition allows.
The WTForms form built by :func:`forms.wtform.wtform_class` (admin and portal pages) and the
marshmallow schema built by :func:`schema_class` (API and import) both call it, so a value is
accepted or refused identically, with the same message, wherever it comes from.

The engine is pure: it neither stores uploads nor builds web forms (:mod:`forms.uploads`
checks and stores files, :mod:`forms.wtform` builds the WTForms form from both).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.i18n import gettext as _
from forms import validators as v
from forms.definition import (  # noqa: F401  (Invalid: re-exported for plugins)
    CHOICE_TYPES,
    UPLOAD_TYPES,
    YES_NO_NA,
    Choice,
    FieldDef,
    FormDef,
    Invalid,
)

EMPTY = (None, "", [], {})


@dataclass
class Context:
    """What validation needs to know beyond the definition."""

    choices: Callable[[FieldDef], list[Choice]] = lambda f: list(f.choices)
    unit_allowed: Callable[[int], bool] | None = None
    extra: dict = field(default_factory=dict)


def visible(f: FieldDef, row: dict, top: dict) -> bool:
    """Whether ``f`` applies, given the row it is in and the top-level values."""
    rule = f.visible_if
    if not rule:
        return True
    target = rule["field"]
    value = row.get(target, top.get(target))
    if "equals" in rule:
        return value == rule["equals"]
    return value in rule["in"]


def _text(value) -> str:
    if not isinstance(value, (str, int, float, decimal.Decimal)):
        raise Invalid(_("Not a valid text."))
    return str(value).strip()


def _clean(f: FieldDef, value: Any, ctx: Context) -> Any:
    """Convert and check one present (non-empty) value; raise Invalid with the message."""
    t = f.type
    if t in ("text", "long_text"):
        value = _text(value)
        if f.min_length is not None and len(value) < f.min_length:
            raise Invalid(_("At least %(n)s characters.", n=f.min_length))
        if f.max_length is not None and len(value) > f.max_length:
            raise Invalid(_("At most %(n)s characters.", n=f.max_length))
        if f.pattern and not re.fullmatch(f.pattern, value):
            raise Invalid(_("Not in the expected format."))
        return value
    if t in ("integer", "decimal"):
        try:
            if isinstance(value, bool):
                raise ValueError
            number = (
                int(str(value).strip()) if t == "integer" else decimal.Decimal(str(value).strip())
            )
            if t == "decimal" and not number.is_finite():
                raise ValueError
        except (ValueError, decimal.InvalidOperation):
            raise Invalid(
                _("Not a whole number.") if t == "integer" else _("Not a valid number.")
            ) from None
        if f.minimum is not None and number < f.minimum:
            raise Invalid(_("Must be at least %(n)s.", n=f.minimum))
        if f.maximum is not None and number > f.maximum:
            raise Invalid(_("Must be at most %(n)s.", n=f.maximum))
        return number if t == "integer" else str(number)
    if t == "date":
        try:
            return (
                value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
            ).isoformat()
        except ValueError:
            raise Invalid(_("Not a valid date (YYYY-MM-DD).")) from None
    if t == "datetime":
        try:
            parsed = (
                value
                if isinstance(value, dt.datetime)
                else dt.datetime.fromisoformat(str(value).strip())
            )
            return parsed.isoformat(timespec="minutes")
        except ValueError:
            raise Invalid(_("Not a valid date and time.")) from None
    if t in CHOICE_TYPES:
        allowed = {c.code for c in ctx.choices(f)}
        values = value if isinstance(value, list) else [value]
        if t == "choice" and isinstance(value, list):
            raise Invalid(_("Choose one option."))
        values = [str(x) for x in values]
        bad = [x for x in values if x not in allowed]
        if bad:
            raise Invalid(_("Not a valid choice: %(value)s", value=", ".join(bad)))
        return values if t == "multi_choice" else values[0]
    if t == "yes_no_na":
        if value not in YES_NO_NA:
            raise Invalid(_("Answer yes, no or not applicable."))
        return value
    if t == "mobile":
        value = _text(value)
        problem = v.mobile_problem(value)
        if problem:
            raise Invalid(_(problem))
        return value
    if t == "id_card":
        value = v.normalize_id_card(_text(value))
        problem = v.id_card_problem(value)
        if problem:
            raise Invalid(_(problem))
        return value
    if t == "uscc":
        if isinstance(value, dict):  # {"code": ..., "override_reason": ...}
            code = _text(value.get("code", "")).upper()
            reason = _text(value.get("override_reason", "") or "")
        else:
            code, reason = _text(value).upper(), ""
        problem = v.uscc_problem(code)
        if problem and not reason:
            raise Invalid(_(problem))
        if problem and not f.allow_override:
            raise Invalid(_(problem))
        if problem and len(reason) < 4:
            raise Invalid(_("Give a reason (at least 4 characters) to accept this code."))
        return {"code": code, "override_reason": reason} if problem else code
    if t == "territory_unit":
        try:
            unit_id = int(value)
        except (TypeError, ValueError):
            raise Invalid(_("Not a valid territory unit.")) from None
        if ctx.unit_allowed is not None and not ctx.unit_allowed(unit_id):
            raise Invalid(_("This territory unit is outside your data scope."))
        return unit_id
    if t in UPLOAD_TYPES:
        if isinstance(value, dict) and value.get("rejected"):
            raise Invalid(value["rejected"])
        if not isinstance(value, dict) or not value.get("path"):
            raise Invalid(_("Not a stored upload."))
        if value.get("content_type") not in f.accept:
            raise Invalid(_("This type of file is not allowed here."))
        if int(value.get("size", 0)) > (f.max_size_kb or 0) * 1024:
            raise Invalid(_("The file is larger than %(n)s KB.", n=f.max_size_kb))
        return {k: value[k] for k in ("path", "name", "size", "content_type") if k in value}
    if t == "location":
        if isinstance(value, str) and "," in value:  # "纬度,经度" typed in a form
            value = dict(zip(("lat", "lng"), value.split(",", 1), strict=True))
        try:
            lat, lng = float(value["lat"]), float(value["lng"])
        except (TypeError, ValueError, KeyError):
            raise Invalid(_("A location needs a latitude and a longitude.")) from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise Invalid(_("Latitude or longitude out of range."))
        return {"lat": round(lat, 7), "lng": round(lng, 7)}
    raise Invalid(_("Unknown field type."))


def _fields(
    fields: list[FieldDef],
    row: dict,
    top: dict,
    prefix: str,
    ctx: Context,
    cleaned: dict,
    errors: dict,
) -> None:
    for f in fields:
        path = f"{prefix}{f.key}"
        if not visible(f, row, top):
            continue  # hidden: neither required nor kept
        value = row.get(f.key)
        if value in EMPTY:
            if f.required:
                errors.setdefault(path, []).append(_("This field is required."))
            continue
        try:
            cleaned[f.key] = _clean(f, value, ctx)
        except Invalid as exc:
            errors.setdefault(path, []).append(exc.message)


def validate(form: FormDef, data: dict, ctx: Context | None = None) -> tuple[dict, dict]:
    """Check ``data`` against ``form``; return (cleaned data, errors by field path)."""
    ctx = ctx or Context()
    data = data if isinstance(data, dict) else {}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for section in form.sections:
        if not section.repeat:
            _fields(section.fields, data, data, "", ctx, cleaned, errors)
            continue
        rows = data.get(section.key) or []
        if not isinstance(rows, list):
            errors.setdefault(section.key, []).append(_("Expected a list of rows."))
            continue
        rows = [r for r in rows if isinstance(r, dict) and any(x not in EMPTY for x in r.values())]
        if len(rows) < (section.repeat_min or 0):
            errors.setdefault(section.key, []).append(
                _("At least %(n)s rows are needed.", n=section.repeat_min)
            )
        if len(rows) > section.repeat_max:
            errors.setdefault(section.key, []).append(
                _("At most %(n)s rows are allowed.", n=section.repeat_max)
            )
        out = []
        for i, row in enumerate(rows):
            clean_row: dict[str, Any] = {}
            _fields(section.fields, row, data, f"{section.key}[{i}].", ctx, clean_row, errors)
            out.append(clean_row)
        cleaned[section.key] = out
    return cleaned, errors


# -- checklists: answers, flags and score -------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One yes/no/na answer in cleaned data: ``row`` is the repeat-group row's index (None
    outside a repeat group), ``values`` the row (or top-level) values it sits among."""

    section: Any
    field: FieldDef
    value: str
    row: int | None = None
    values: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        if self.row is None:
            return self.field.key
        return f"{self.section.key}[{self.row}].{self.field.key}"

    @property
    def flags(self) -> tuple[str, ...]:
        return self.field.flags(self.value)


def answers(form: FormDef, cleaned: dict) -> list[Answer]:
    """Every yes/no/na answer of ``cleaned`` (validated data), repeat rows included."""
    found = []
    for section in form.sections:
        items = [f for f in section.fields if f.type == "yes_no_na"]
        if not items:
            continue
        rows = (
            list(enumerate(cleaned.get(section.key) or [])) if section.repeat else [(None, cleaned)]
        )
        for index, row in rows:
            for f in items:
                if row.get(f.key) in YES_NO_NA:
                    found.append(Answer(section, f, row[f.key], index, row))
    return found


def score(form: FormDef, cleaned: dict) -> tuple[float, float]:
    """(points earned, points possible): "yes" earns the item's weight (1 when none is
    given), "no" earns nothing, "na" does not count; every repeat row counts."""
    earned = possible = 0.0
    for answer in answers(form, cleaned):
        weight = 1.0 if answer.field.weight is None else float(answer.field.weight)
        if answer.value == "na":
            continue
        possible += weight
        if answer.value == "yes":
            earned += weight
    return earned, possible


# -- marshmallow (API and import) ----------------------------------------------------------


def schema_class(form: FormDef, ctx: Context | None = None):
    """A marshmallow schema whose ``load`` returns the cleaned data or raises ValidationError
    with the same messages, keyed by field path."""
    from marshmallow import INCLUDE, Schema, ValidationError, post_load, validates_schema

    ctx = ctx or Context()

    class DefinitionSchema(Schema):
        class Meta:
            unknown = INCLUDE

        @validates_schema(pass_original=True)
        def _check(self, data, original, **kwargs):
            cleaned, errors = validate(form, original, ctx)
            if errors:
                raise ValidationError({k: [str(m) for m in v] for k, v in errors.items()})
            self.context_cleaned = cleaned

        @post_load(pass_original=True)
        def _cleaned(self, data, original, **kwargs):
            return validate(form, original, ctx)[0]

    DefinitionSchema.__name__ = f"Schema_{form.key}"
    return DefinitionSchema
