"""API write operations (接口写操作): the API's and the spreadsheet import's side of the one
write path. A :class:`Writer` turns a JSON payload (or a spreadsheet row) into model values
with the resource's marshmallow schema, and hands them to :mod:`core.commands`, which holds
every rule: permission, data scope, field rules, the model's Rules, personal data, workflow
fields, dependents, custom fields and audit. A refusal becomes
:class:`core.api.resources.ApiError` naming the fields by the keys the client wrote;
nothing was written.
"""

from __future__ import annotations

from marshmallow import ValidationError

from core import commands
from core.commands import Context, Refused, refused_by_database
from core.db import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.workflow import WorkflowError

from .resources import CUSTOM_PREFIX, ApiError, Resource, as_stored, model_field_name

__all__ = ["Writer", "invalid", "refused_by_database"]


def strict_type_errors(schema, payload: dict) -> dict:
    """Fields of a JSON payload whose value has the wrong JSON type for the schema: a whole
    number must be a JSON integer, a yes/no a JSON true or false (marshmallow itself would
    take 28.5 as 28 and "yes" as true)."""
    from marshmallow import fields

    errors = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key not in payload or payload[key] is None or field.dump_only:
            continue
        value = payload[key]
        if isinstance(field, fields.Boolean) and not isinstance(value, bool):
            errors[key] = [_("Must be true or false.")]
        elif isinstance(field, fields.Integer) and (
            isinstance(value, bool) or not isinstance(value, int)
        ):
            errors[key] = [_("Must be a whole number.")]
    return errors


def invalid(errors: dict) -> ApiError:
    return ApiError(400, _("The data is not valid; nothing was saved."), errors)


class Writer:
    """Writes records of one resource for the current user, in the district worked in.

    One :class:`core.commands.Context` serves every row, so that an import of many rows asks
    the database once per distinct related record and unit."""

    def __init__(self, resource: Resource, source: str = "api"):
        self.resource = resource
        self.model = resource.model
        self.ctx = Context.current(source)
        self.keys = {name: key for key, name in resource.key_map().items()}
        self._schema = None

    @property
    def options(self) -> dict:
        return {"plugin": self.resource.plugin, "through": self.resource.through}

    # -- from a payload to model values --

    def validate(self, payload, record=None, partial: bool = False) -> tuple[dict, dict]:
        """(model values, custom values) from ``payload``; ApiError 400 naming every field
        the schema refuses (the record's rules run in the command)."""
        if not isinstance(payload, dict):
            raise invalid({"_schema": [_("Expected a JSON object.")]})
        errors: dict[str, list] = {}
        main = {k: v for k, v in payload.items() if not k.startswith(CUSTOM_PREFIX)}
        given_custom = {k: v for k, v in payload.items() if k.startswith(CUSTOM_PREFIX)}
        loaded = {}
        if self._schema is None:  # one schema for every row (building one copies its fields)
            self._schema = self.resource.schema()
        schema = self._schema
        if self.ctx.source == "api":  # JSON has types: 28.5 is no whole number, "yes" no true
            errors.update(strict_type_errors(schema, main))
        try:
            loaded = schema.load(main, partial=partial)
        except ValidationError as exc:
            for key, value in _messages(exc.messages).items():
                errors.setdefault(key, value)
        values = {}
        for attribute, value in loaded.items():
            name = model_field_name(self.model, attribute)
            if name is not None:  # a schema field that is not stored in the model is left
                values[name] = as_stored(value)
        custom, custom_errors = self._custom(given_custom, creating=record is None)
        errors.update(custom_errors)
        if errors:
            raise invalid(errors)
        return values, custom

    def _custom(self, given: dict, creating: bool) -> tuple[dict, dict]:
        fields = self.resource.custom_fields()
        known = {CUSTOM_PREFIX + row.key for row, _f in fields}
        errors = {key: [_("Unknown field.")] for key in given if key not in known}
        if not fields:
            return {}, errors
        from forms.services import context, validate_custom

        chosen = [(row, f) for row, f in fields if creating or CUSTOM_PREFIX + row.key in given]
        if not chosen:
            return {}, errors
        data = {row.key: given.get(CUSTOM_PREFIX + row.key) for row, _f in chosen}
        ctx = context(self.ctx.district_id, self.ctx.access, self.resource.plugin)
        cleaned, problems = validate_custom(chosen, data, ctx)
        for key, messages in problems.items():
            errors[CUSTOM_PREFIX + key] = [str(m) for m in messages]
        return {"fields": chosen, "cleaned": cleaned}, errors

    # -- refusals in the client's terms --

    def refusal(self, exc: Refused) -> ApiError:
        errors = {self.keys.get(name, name): messages for name, messages in exc.errors.items()}
        if exc.status == 400:
            return invalid(errors) if errors else ApiError(400, exc.message)
        return ApiError(exc.status, exc.message, errors)

    # -- writes (each one command, in one transaction with its event) --

    def new(self, values: dict):
        record = self.model()
        for name, value in values.items():
            setattr(record, name, value)
        return record

    def check(self, values: dict, action: str = "create"):
        """Every rule of a new record from ``values``, writing nothing (an import's rows);
        the record checked (with what the rules derived), not saved."""
        record = self.new(values)
        try:
            commands.check(self.ctx, record, names=list(values), action=action, **self.options)
        except Refused as exc:
            raise self.refusal(exc) from None
        return record

    def insert_checked(self, records: list, customs: list) -> None:
        """Write new records :meth:`check` passed, in batches (:func:`commands.create_many`)."""
        try:
            commands.create_many(self.ctx, records, plugin=self.resource.plugin, customs=customs)
        except Refused as exc:
            raise self.refusal(exc) from None

    def insert(self, values: dict, custom: dict, action: str = "create"):
        try:
            return commands.save(
                self.ctx,
                self.new(values),
                names=list(values),
                action=action,
                custom=custom or None,
                **self.options,
            )
        except Refused as exc:
            raise self.refusal(exc) from None

    def create(self, payload):
        values, custom = self.validate(payload)
        with db.atomic():
            return self.insert(values, custom)

    def update(self, record, payload, partial: bool = True):
        values, custom = self.validate(payload, record, partial=partial)
        try:
            return commands.update(self.ctx, record, values, custom=custom or None, **self.options)
        except Refused as exc:
            raise self.refusal(exc) from None

    def delete(self, record) -> None:
        try:
            commands.delete(self.ctx, record, **self.options)
        except Refused as exc:
            raise self.refusal(exc) from None

    def transition(self, record, code: str, comment: str = "", data=None):
        if not isinstance(comment, str) or not isinstance(data, dict | None):
            raise invalid({"comment": [_("Expected text.")], "data": [_("Expected an object.")]})
        try:
            return commands.transition(self.ctx, record, code, comment, data or {})
        except WorkflowError as exc:
            raise ApiError(exc.status, str(exc)) from None


MARSHMALLOW_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("Unknown field."),
    "Field may not be null.": _l("This field may not be empty."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid number.": _l("Not a valid number."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid date.": _l("Not a valid date."),
    "Invalid input type.": _l("Expected a JSON object."),
}


def _messages(messages) -> dict:
    """marshmallow's messages in the user's language (the common ones); nested as given."""
    if isinstance(messages, dict):
        return {key: _messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_messages(m) for m in messages]
    known = MARSHMALLOW_MESSAGES.get(messages)
    if known:
        return str(known)
    # a schema's own message: an English msgid of the core's or the plugin's catalogue
    return _(messages) if isinstance(messages, str) else messages
