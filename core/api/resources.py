"""API resources (接口资源): one per (plugin, model, marshmallow schema) from ``linli_schemas``.

A resource knows its URL (``/api/v1/<plugin>/<table without the plugin prefix>``), which
operations it offers, how it is scoped (the model's ``unit`` or a foreign key named by the
schema's ``linli_scope_through``) and how to read it: the rows a user may see, filtered,
searched, sorted and paged, dumped with personal data masked and the district's custom
fields (``cf_<key>``) added. Scope and masking use :mod:`core.access` and the same
``view_personal_data`` permission as the admin.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
from dataclasses import dataclass, field

import peewee as pw
from flask import current_app, g

from core.access import record_scope
from core.fields import dictionary_of, personal_fields
from core.i18n import gettext as _
from core.kernel import PluginError

log = logging.getLogger(__name__)

OPERATIONS = ("read", "create", "update", "delete", "transition")
CUSTOM_PREFIX = "cf_"
RESERVED = ("page", "per_page", "sort", "q")
INT_RANGE = {
    pw.BigIntegerField: 2**63,
    pw.BigAutoField: 2**63,
    pw.SmallIntegerField: 2**15,
}


class ApiError(Exception):
    """A refused request: HTTP ``status``, a ``message`` and ``errors`` naming the fields
    (or rows and columns). Nothing was changed."""

    def __init__(self, status: int, message: str, errors=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or {}

    def body(self) -> dict:
        body = {"message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


@dataclass
class Resource:
    plugin: str
    model: type
    schema_class: type
    name: str
    operations: tuple[str, ...]
    through: str | None = None
    personal: dict = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.model._meta.table_name

    @property
    def path(self) -> str:
        return f"/{self.plugin}/{self.name}"

    @property
    def resource(self) -> str:
        """The permission resource (``owners.owner``) grants name."""
        from core.access import resource_of

        return resource_of(self.plugin, self.model)

    @property
    def label(self) -> str:
        return str(getattr(self.model._meta, "verbose_name", None) or self.model.__name__)

    @property
    def workflow(self):
        from core.workflow import workflow_of

        try:
            return workflow_of(self.model)
        except LookupError:
            return None

    def schema(self, **kwargs):
        return self.schema_class(**kwargs)

    def model_field(self, schema_name: str, schema_field=None) -> str | None:
        """The model field a schema field reads and writes: its ``attribute`` or its name,
        ``unit_id`` standing for the foreign key ``unit``."""
        schema_field = schema_field or self.schema_class._declared_fields.get(schema_name)
        attribute = (schema_field.attribute if schema_field else None) or schema_name
        return model_field_name(self.model, attribute)

    def field_names(self) -> list[str]:
        """Keys (as clients write them) of schema fields that are model fields: usable as
        filters, sort keys and columns."""
        return list(self.key_map())

    def key_map(self) -> dict[str, str]:
        """Client key (``data_key`` or name) -> model field name."""
        found = {}
        for name, f in self.schema_class._declared_fields.items():
            target = self.model_field(name, f)
            if target is not None:
                found[f.data_key or name] = target
        return found

    def writable_names(self) -> list[str]:
        declared = self.schema_class._declared_fields
        return [
            f.data_key or n
            for n, f in declared.items()
            if not f.dump_only and self.model_field(n, f) is not None
        ]

    def constraints(self) -> dict[str, dict]:
        """OpenAPI constraints of each writable key, derived from the model field (its
        length, its choices) and the checks its :class:`core.commands.Rules` declare: the
        same declarations the commands run and the admin form shows."""
        from core.commands import rules_of

        checks = rules_of(self.model).checks
        found = {}
        for key in self.writable_names():
            name = self.key_map()[key]
            model_field = self.model._meta.fields[name]
            extra: dict = {}
            if getattr(model_field, "max_length", None) and isinstance(model_field, pw.CharField):
                extra["maxLength"] = model_field.max_length
            if dictionary_of(model_field):  # a list districts edit: a string, checked
                extra["x-linli-dictionary"] = dictionary_of(model_field)
            elif model_field.choices and not isinstance(model_field, pw.ForeignKeyField):
                extra["enum"] = [c[0] for c in model_field.choices]
                if model_field.null:
                    extra["enum"].append(None)
            for check in checks.get(name, ()):
                extra.update(check.openapi())
            if extra:
                found[key] = extra
        return found

    # -- who may do what --

    def can(self, action: str) -> bool:
        from core.registry import kernel_state

        access = g.get("access")
        user = access.user if access else None
        return bool(
            access
            and access.can(self.resource, action)
            and kernel_state().hook_allows(user, self.plugin, action, None)
        )

    def can_view_personal(self) -> bool:
        return self.can("view_personal_data")

    def scoped(self, action: str = "read"):
        """The rows the current user may ``action`` in the district worked in."""
        from core.registry import kernel_state

        access = g.get("access")
        query = self.model.select().where(
            record_scope(
                access, self.model, self.plugin, action, g.get("district_id"), self.through
            )
        )
        return kernel_state().narrow(self.model, query, access.user if access else None)

    def custom_fields(self):
        if "unit" not in self.model._meta.fields:
            return []
        cache = g.setdefault("_custom_fields", {})
        if self.table not in cache:
            from forms.services import custom_fields

            cache[self.table] = custom_fields(g.get("district_id"), self.table)
        return cache[self.table]

    def get(self, record_id, action: str = "read"):
        """The record with id ``record_id`` if the user may ``action`` it, else ApiError 404
        (a record of another community is as unknown as one that does not exist)."""
        pk = self.model._meta.primary_key
        value = parse_int(str(record_id), pk, "id")
        record = self.scoped(action).where(pk == value).first()
        if record is None:
            raise ApiError(404, _("No such record, or it is outside your data scope."))
        return record

    # -- reading --

    def dump(self, records: list) -> list[dict]:
        schema = self.schema()
        rows = schema.dump([Row(r) for r in records], many=True)
        masked = []
        if not self.can_view_personal():
            masked = [(k, n) for k, n in self.key_map().items() if n in self.personal]
        for row, record in zip(rows, records, strict=True):
            for key, name in masked:
                if key in row:
                    row[key] = self.personal[name].mask(getattr(record, name, None))
        custom = self.custom_fields()
        if custom:
            from forms.services import typed_values_for

            values = typed_values_for(custom, [r._pk for r in records])
            for row, record in zip(rows, records, strict=True):
                for field_row, _f in custom:
                    row[CUSTOM_PREFIX + field_row.key] = values.get((field_row.id, record._pk))
        return rows

    def dump_one(self, record) -> dict:
        return self.dump([record])[0]

    def filtered(self, args, action: str = "read"):
        """The scoped query with the filters, search and sort of ``args`` (query string)."""
        query = self.scoped(action)
        names = self.key_map()
        custom = {CUSTOM_PREFIX + row.key: (row, f) for row, f in self.custom_fields()}
        errors = {}
        for key in args:
            if key in RESERVED:
                continue
            value = args.get(key)
            try:
                if key in names and names[key] not in self.personal:
                    model_field = self.model._meta.fields[names[key]]
                    query = query.where(model_field == parse_value(model_field, value, key))
                elif key in custom:
                    from forms.services import filter_condition

                    check_text(value, key)
                    row, f = custom[key]
                    query = query.where(filter_condition(self.model, row, f, value))
                else:
                    errors[key] = [_("Unknown filter.")]
            except ApiError as exc:
                errors.update(exc.errors)
        term = args.get("q", "")
        if term:
            try:
                check_text(term, "q")
            except ApiError as exc:
                errors.update(exc.errors)
            else:
                query = self._search(query, term)
        sort = args.get("sort", "")
        if sort:
            key = sort.removeprefix("-")
            if key not in names or names[key] in self.personal:
                errors["sort"] = [_("Cannot sort by “%(field)s”.", field=key)]
            else:
                column = self.model._meta.fields[names[key]]
                query = query.order_by(column.desc() if sort.startswith("-") else column.asc())
        if not sort:
            query = query.order_by(self.model._meta.primary_key.asc())
        if errors:
            raise ApiError(400, _("Some query parameters are not valid."), errors)
        return query

    def _search(self, query, term: str):
        from forms.services import custom_search_condition

        text_fields = [
            self.model._meta.fields[n]
            for n in self.key_map().values()
            if isinstance(self.model._meta.fields[n], pw.CharField | pw.TextField)
            and n not in self.personal
        ]
        custom = self.custom_fields()
        for word in term.split():
            condition = pw.SQL("1 = 0")
            for f in text_fields:
                condition |= f.contains(word)
            if custom:
                condition |= custom_search_condition(self.model, custom, word)
            query = query.where(condition)
        return query


class Row:
    """A record as the schema sees it: foreign keys as ids, never a query per row; a date
    and time (stored in UTC without an offset) with its offset, so that it is sent as an
    RFC 3339 ``date-time`` ("2026-05-01T01:00:00+00:00")."""

    __slots__ = ("_record",)

    def __init__(self, record):
        self._record = record

    def __getattr__(self, name):
        record = self._record
        if isinstance(record._meta.fields.get(name), pw.ForeignKeyField):
            return record.__data__.get(name)
        value = getattr(record, name)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


def as_stored(value):
    """A date and time as the database keeps it: UTC, without an offset (one sent with an
    offset is converted; one without is taken as UTC)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


# -- values from query strings and payloads --------------------------------------------------


def check_text(value, key: str) -> str:
    if isinstance(value, str) and "\x00" in value:
        raise ApiError(400, _("Invalid value."), {key: [_("Text may not contain NUL.")]})
    return value


def parse_int(raw: str, model_field, key: str) -> int:
    bound = INT_RANGE.get(type(model_field), 2**31)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ApiError(400, _("Invalid value."), {key: [_("Not a valid integer.")]}) from None
    if not -bound <= value < bound:
        raise ApiError(400, _("Invalid value."), {key: [_("The number is out of range.")]})
    return value


def parse_value(model_field, raw: str, key: str):
    """``raw`` from a query string as a value of ``model_field``; ApiError naming ``key``."""
    check_text(raw, key)
    invalid = ApiError(400, _("Invalid value."), {key: [_("Not a valid value.")]})
    if isinstance(model_field, pw.ForeignKeyField | pw.AutoField | pw.IntegerField):
        return parse_int(raw, model_field, key)
    if isinstance(model_field, pw.BooleanField):
        if raw.lower() in ("1", "true", "yes"):
            return True
        if raw.lower() in ("0", "false", "no"):
            return False
        raise invalid
    try:
        if isinstance(model_field, pw.DateTimeField):
            return as_stored(dt.datetime.fromisoformat(raw))
        if isinstance(model_field, pw.DateField):
            return dt.date.fromisoformat(raw)
        if isinstance(model_field, pw.DecimalField):
            return decimal.Decimal(raw)
        if isinstance(model_field, pw.FloatField):
            return float(raw)
    except (ValueError, ArithmeticError):
        raise invalid from None
    return raw


def model_field_name(model, attribute: str) -> str | None:
    fields = model._meta.fields
    if attribute in fields:
        return attribute
    for name, f in fields.items():
        if isinstance(f, pw.ForeignKeyField) and f.object_id_name == attribute:
            return name
    return None


def default_operations(model, schema_class) -> tuple[str, ...]:
    """What a schema offers when it does not say (``linli_operations``): reading, and the
    workflow steps. Writes are opted into: the generic create, update and delete run the
    model's rules (:mod:`core.commands`), but a record made by a plugin operation of its own
    (an application that starts a workflow with its materials, a ballot) is not created
    field by field."""
    return ("read", "transition")


def scope_path(model, schema_class) -> str | None:
    """The foreign key through which a model without a unit is scoped: the schema's
    ``linli_scope_through``, else the only foreign key to a district-owned model."""
    declared = getattr(schema_class, "linli_scope_through", None)
    if declared:
        return declared
    candidates = [
        name
        for name, f in model._meta.fields.items()
        if isinstance(f, pw.ForeignKeyField) and "unit" in f.rel_model._meta.fields
    ]
    return candidates[0] if len(candidates) == 1 else None


# -- the registry ------------------------------------------------------------------------------


def resources() -> dict[tuple[str, str], Resource]:
    """(plugin id, name) -> Resource for every active plugin's schemas (built once)."""
    found = current_app.extensions.get("linli_api")
    if found is None:
        found = _build()
        current_app.extensions["linli_api"] = found
    return found


def _build() -> dict[tuple[str, str], Resource]:
    from core.registry import kernel_state

    found = {}
    for plugin, schemas in kernel_state().schemas.items():
        for model, schema_class in schemas.items():
            name = model._meta.table_name.removeprefix(plugin + "_")
            operations = tuple(
                getattr(schema_class, "linli_operations", None)
                or default_operations(model, schema_class)
            )
            through = scope_path(model, schema_class)
            unknown = set(operations) - set(OPERATIONS)
            where = f"plugin {plugin!r}: schema {schema_class.__name__}"
            if unknown:
                raise PluginError(f"{where}: unknown operations {sorted(unknown)}")
            fields = model._meta.fields
            if "unit" not in fields:
                fk = fields.get(through or "")
                if (
                    not isinstance(fk, pw.ForeignKeyField)
                    or "unit" not in fk.rel_model._meta.fields
                ):
                    if getattr(schema_class, "linli_scope_through", None):
                        raise PluginError(
                            f"{where}: linli_scope_through={through!r} is not a foreign key "
                            "of a district-owned model"
                        )
                    log.warning(
                        "%s: %s has no territory unit and no single foreign key to a "
                        "district-owned model; not served (set linli_scope_through)",
                        where,
                        model.__name__,
                    )
                    continue
            found[(plugin, name)] = Resource(
                plugin, model, schema_class, name, operations, through, personal_fields(model)
            )
    return found


def resource_for(plugin: str, name: str) -> Resource:
    """The resource at ``/<plugin>/<name>`` for the current district: 404 when unknown or
    when the plugin is not enabled in the district."""
    resource = resources().get((plugin, name))
    if resource is None or (plugin != "core" and plugin not in g.get("enabled_plugins", set())):
        raise ApiError(404, _("Not found."))
    return resource
