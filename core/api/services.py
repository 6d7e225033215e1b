"""API write operations (接口写操作): validate, then create, update, delete or move a record
in one transaction with its audit event — the same checks as the admin's base view: the
role's permission, the data scope of the unit written to, plugins' permission checks,
personal data, dependents, and the district's custom fields.

Every refusal raises :class:`core.api.resources.ApiError` naming the fields, before anything
is written.
"""

from __future__ import annotations

import contextlib

import peewee as pw
from flask import g
from flask_login import current_user
from marshmallow import ValidationError

from core.access import may_write
from core.admin import DependentsExist, district_of, refuse_if_dependents, stamp
from core.db import db
from core.events import Event, diff, emit, snapshot
from core.fields import IdCardField
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.workflow import WorkflowError

from .resources import CUSTOM_PREFIX, INT_RANGE, ApiError, Resource, model_field_name

WORKFLOW_FIELDS = ("state", "version", "due")


def invalid(errors: dict) -> ApiError:
    return ApiError(400, _("The data is not valid; nothing was saved."), errors)


class Writer:
    """Writes records of one resource for the current user, in the district worked in.

    Foreign-key and unit checks are cached, so that an import of many rows asks the
    database once per distinct value."""

    def __init__(self, resource: Resource):
        self.resource = resource
        self.model = resource.model
        self.access = g.get("access")
        self.actor = current_user._get_current_object() if current_user.is_authenticated else None
        self.district_id = g.get("district_id")
        self._exists: dict = {}
        self._units: dict = {}

    # -- validation --

    def validate(self, payload, record=None, partial: bool = False) -> tuple[dict, dict]:
        """(model values, custom values) from ``payload``; ApiError 400 naming every field."""
        if not isinstance(payload, dict):
            raise invalid({"_schema": [_("Expected a JSON object.")]})
        resource = self.resource
        errors: dict[str, list] = {}
        main = {k: v for k, v in payload.items() if not k.startswith(CUSTOM_PREFIX)}
        given_custom = {k: v for k, v in payload.items() if k.startswith(CUSTOM_PREFIX)}
        key_map = resource.key_map()
        if record is not None and not resource.can_view_personal():
            for key, name in key_map.items():
                if name in resource.personal and key in main:
                    errors[key] = [_("You may not change personal data.")]
        flow = resource.workflow
        for key, name in key_map.items():
            if flow and name in WORKFLOW_FIELDS and key in main:
                errors[key] = [_("This field changes only through workflow steps.")]
        loaded = {}
        try:
            loaded = resource.schema().load(
                {k: v for k, v in main.items() if k not in errors}, partial=partial
            )
        except ValidationError as exc:
            errors.update(_messages(exc.messages))
        values = {}
        keys = {model: key for key, model in resource.key_map().items()}
        for attribute, value in loaded.items():
            name = model_field_name(self.model, attribute)
            if name is None:
                continue  # a schema field that is not stored in the model
            values[name] = value
            problem = self._field_problem(name, value)
            if problem:
                errors.setdefault(keys.get(name, name), []).append(problem)
        custom, custom_errors = self._custom(given_custom, creating=record is None)
        errors.update(custom_errors)
        if errors:
            raise invalid(errors)
        return values, custom

    def _field_problem(self, name: str, value) -> str | None:
        model_field = self.model._meta.fields.get(name)
        if model_field is None:
            return None
        if value is None:
            return None if model_field.null else _("This field may not be empty.")
        if isinstance(value, str):
            if "\x00" in value:
                return _("Text may not contain NUL.")
            limit = getattr(model_field, "max_length", None)
            if limit and len(value) > limit:
                return _("At most %(max)s characters.", max=limit)
            if getattr(model_field, "personal", False) and value:
                from forms.validators import id_card_problem, mobile_problem

                check = id_card_problem if isinstance(model_field, IdCardField) else mobile_problem
                problem = check(value)
                if problem:
                    return _(problem)
        if isinstance(value, int) and not isinstance(value, bool):
            bound = INT_RANGE.get(type(model_field), 2**31)
            if isinstance(model_field, pw.IntegerField | pw.ForeignKeyField) and not (
                -bound <= value < bound
            ):
                return _("The number is out of range.")
        if isinstance(model_field, pw.ForeignKeyField) and name != "unit":
            if not self._related_exists(model_field, value):
                return _("No such record, or it is outside your data scope.")
        return None

    def _related_exists(self, fk: pw.ForeignKeyField, value) -> bool:
        from core.access import record_scope

        key = (fk.name, value)
        if key not in self._exists:
            related = fk.rel_model
            query = related.select().where(related._meta.primary_key == value)
            if "unit" in related._meta.fields:  # another community's record is not offered
                query = query.where(
                    record_scope(
                        self.access, related, self.resource.plugin, "read", self.district_id
                    )
                )
            elif related is TerritoryUnit and self.district_id is not None:
                query = query.where(TerritoryUnit.district_id == self.district_id)
            self._exists[key] = query.exists()
        return self._exists[key]

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
        ctx = context(self.district_id, self.access, self.resource.plugin)
        cleaned, problems = validate_custom(chosen, data, ctx)
        for key, messages in problems.items():
            errors[CUSTOM_PREFIX + key] = [str(m) for m in messages]
        return {"fields": chosen, "cleaned": cleaned}, errors

    # -- checks on the record to be written --

    def check(self, record, action: str) -> None:
        from core.app import kernel_state

        plugin = self.resource.plugin
        if not kernel_state().hook_allows(self.actor, plugin, action, record):
            raise ApiError(403, _("You are not allowed to do this."))
        key = (record.__data__.get("unit"), record.__data__.get(self.resource.through or ""))
        if (action, key) not in self._units:
            self._units[(action, key)] = may_write(
                self.access, record, plugin, action, self.district_id, self.resource.through
            )
        if not self._units[(action, key)]:
            field = "unit" if "unit" in self.model._meta.fields else self.resource.through
            raise ApiError(
                403,
                _("You may not write records in this territory unit."),
                {field: [_("You may not write records in this territory unit.")]},
            )

    # -- writes (call inside db.atomic(); each emits its event) --

    def insert(self, values: dict, custom: dict, action: str = "create"):
        record = self.model()
        for name, value in values.items():
            setattr(record, name, value)
        stamp(record, True)
        self.check(record, action)
        flow = self.resource.workflow
        if flow is not None:
            from core import workflow

            try:
                workflow.start(record, self.actor, self.access)
            except WorkflowError as exc:
                raise ApiError(400, str(exc)) from None
        else:
            record.save(force_insert=True)
        changes = diff({}, snapshot(record))
        changes.update(self._save_custom(record, custom))
        self.emit("created", record, changes)
        return record

    def create(self, payload):
        values, custom = self.validate(payload)
        with refused_by_database(), db.atomic():
            return self.insert(values, custom)

    def update(self, record, payload, partial: bool = True):
        values, custom = self.validate(payload, record, partial=partial)
        with refused_by_database(), db.atomic():
            before = snapshot(record)
            for name, value in values.items():
                setattr(record, name, value)
            stamp(record, False)
            self.check(record, "update")
            record.save()
            changes = diff(before, snapshot(record))
            changes.pop("updated_at", None)
            changes.update(self._save_custom(record, custom))
            self.emit("updated", record, changes)
        return record

    def delete(self, record) -> None:
        from core.app import kernel_state

        if not kernel_state().hook_allows(self.actor, self.resource.plugin, "delete", record):
            raise ApiError(403, _("You are not allowed to do this."))
        try:
            refuse_if_dependents(record)
        except DependentsExist as exc:
            raise ApiError(409, str(exc)) from None
        with db.atomic():
            before = snapshot(record)
            district = district_of(record)
            record.delete_instance()
            self.emit("deleted", record, diff(before, {}), district)

    def transition(self, record, code: str, comment: str = "", data=None):
        from core import workflow

        if not isinstance(comment, str) or not isinstance(data, dict | None):
            raise invalid({"comment": [_("Expected text.")], "data": [_("Expected an object.")]})
        try:
            return workflow.transition(record, code, self.actor, self.access, comment, data or {})
        except WorkflowError as exc:
            raise ApiError(409, str(exc)) from None

    def _save_custom(self, record, custom: dict) -> dict:
        if not custom:
            return {}
        from forms.services import save_custom_values

        return save_custom_values(record, custom["fields"], custom["cleaned"])

    def district(self, record) -> int | None:
        """The district of ``record`` (cached per unit: an import asks once per unit)."""
        unit = record.__data__.get("unit")
        if unit is None:
            return district_of(record)
        if ("district", unit) not in self._units:
            self._units[("district", unit)] = district_of(record)
        return self._units[("district", unit)]

    def emit(self, name, record, changes, district_id=None):
        emit(
            Event(
                name,
                plugin=self.resource.plugin,
                record=record,
                actor=self.actor,
                district_id=district_id or self.district(record),
                changes=changes,
            )
        )


@contextlib.contextmanager
def refused_by_database():
    """A constraint the checks above could not see (a unique value taken meanwhile, a value
    the database refuses): a 409 or 400 answer, the transaction rolled back."""
    try:
        yield
    except pw.IntegrityError:
        raise ApiError(
            409, _("The database refused the record: it conflicts with another.")
        ) from None
    except pw.DataError:
        raise ApiError(400, _("The database refused a value as invalid.")) from None


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
