"""Commands (命令): the one write path of the core and of every plugin.

Every create, update, delete and state transition of a record, whichever surface asked for it
— the admin form, the REST API, the spreadsheet import, a portal page, the CLI or a job —
ends here, so that a rule declared once holds on every path::

    surface ──► Context (who acts, their access, the district, the clock, the surface)
            ──► create / update / delete / transition
                  permission (role × plugin × action, plugins' permission checks)
                  field rules of the model (required, length, choices, number range,
                    ID card and phone formats, related records in the actor's scope)
                  and the field checks its Rules declare (core.checks)
                  Rules.derive  — fields that follow from others (unit from the parent)
                  Rules.validate — the record's own rules, refusing with a field name
                  data scope of the unit written to
                  one transaction: audit stamp, write (or the workflow's start), custom
                    fields, event (the audit row and other plugins' subscribers)
            ◄── the record, or Refused naming the fields (nothing written)

A plugin declares the rules of a model with a :class:`Rules` subclass returned by its
``linli_rules`` hook (Frappe's DocType controller in spirit: the only room where a record's
rules live). Surfaces never hold rules: an admin view, an API resource or an import only
translates its input into values and a refusal into its own way of showing it.

Services layer: no admin, no API, no request objects (the Context is built by the surface).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

import peewee as pw

from core import workdays
from core.access import Access, may_write, resource_of
from core.checks import Check
from core.db import db
from core.errors import Conflict, Forbidden, Refused, ServiceError
from core.events import Event, diff, emit, snapshot
from core.fields import IdCardField
from core.i18n import gettext as _
from core.models import TerritoryUnit, User, utcnow
from core.records import DependentsExist, district_of, refuse_if_dependents, stamp

__all__ = [
    "Clock",
    "Conflict",
    "Context",
    "Forbidden",
    "Refused",
    "Rules",
    "ServiceError",
    "create",
    "delete",
    "field_problems",
    "refuse",
    "register_rules",
    "rules_of",
    "check",
    "check_scope",
    "batchable",
    "batches_allowed",
    "create_many",
    "save",
    "transition",
    "update",
]

SOURCES = ("admin", "api", "import", "portal", "cli", "job", "system")
CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not \t \n \r
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
INT_BOUNDS = {
    pw.BigIntegerField: 2**63,
    pw.BigAutoField: 2**63,
    pw.SmallIntegerField: 2**15,
}


# -- who acts ------------------------------------------------------------------------------


class Clock:
    """Today's date in China and the UTC time of day, read when asked (so that a frozen
    clock in tests and the real one in production are the same code)."""

    def today(self) -> dt.date:
        return workdays.today()

    def now(self) -> dt.datetime:
        return utcnow()


CLOCK = Clock()


@dataclass
class Context:
    """Who acts (操作人), with what access, in which district, on which clock, from which
    surface. Built once per request, import or job and passed to every command.

    ``system`` marks a trusted caller (a daily job, a CLI command run by the operator, the
    demo loader): permission and scope checks are skipped, every rule still holds."""

    actor: User | None
    access: Access | None
    district_id: int | None = None
    source: str = "admin"
    clock: Clock = CLOCK
    system: bool = False
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}")

    @classmethod
    def current(cls, source: str = "admin") -> Context:
        """The context of the current request: its user, access and district, as the web
        layer put them in ``flask.g`` before the request (:mod:`core.request_context`); the
        commands never read the login session themselves."""
        from flask import g

        access = g.get("access") or Access(None)
        return cls(access.user, access, g.get("district_id"), source)

    @classmethod
    def of(cls, user: User | None, district_id: int | None = None, source: str = "cli"):
        """The context of ``user`` outside a request (CLI, tests, jobs acting for someone)."""
        return cls(user, Access(user), district_id, source)

    @classmethod
    def trusted(cls, district_id: int | None = None, source: str = "job", actor=None):
        """A trusted context for jobs and the operator's CLI commands."""
        return cls(actor, Access(actor), district_id, source, system=True)

    @property
    def actor_id(self) -> int | None:
        return getattr(self.actor, "id", None)

    def today(self) -> dt.date:
        return self.clock.today()

    def now(self) -> dt.datetime:
        return self.clock.now()

    def can(self, plugin: str, action: str, record=None) -> bool:
        """Whether the actor may ``action`` in ``plugin`` (a plugin-wide grant) or, with
        ``record``, on it: a grant of the record's resource (``owners.owner``) will do."""
        if self.system:
            return True
        target = plugin if record is None else resource_of(plugin, type(record))
        if self.access is None or not self.access.can(target, action):
            return False
        return _hooks_allow(self.actor, plugin, action, record)


def _hooks_allow(actor, plugin: str, action: str, record) -> bool:
    from flask import has_app_context

    if not has_app_context():
        return True
    from core.registry import kernel_state

    return kernel_state().hook_allows(actor, plugin, action, record)


def plugin_of(model: type) -> str:
    from flask import has_app_context

    if has_app_context():
        from core.registry import kernel_state

        found = kernel_state().plugin_of(model)
        if found:
            return found
    table = model._meta.table_name
    return table.split("_", 1)[0]


# -- rules of a model ----------------------------------------------------------------------


class Rules:
    """The rules of one model (记录规则). Subclass it in the plugin's ``rules.py`` or
    ``services.py``, set ``model``, and return the class from ``linli_rules``.

    ``checks`` maps a field name to :mod:`core.checks` objects: the command runs them, the
    admin form shows them as validators, the OpenAPI document publishes their bounds.
    ``messages`` maps a field name to the msgid shown instead of the model's own refusal of
    that field (required, too long, not a valid choice), on every path.

    ``derive`` fills fields that follow from others before anything is checked (for example
    the territory unit of a record from its organisation). ``validate`` raises
    :class:`Refused` naming the field at fault; ``before`` is the stored snapshot on an
    update, ``None`` on a create. ``before_delete`` may refuse a deletion. ``after_write``
    runs inside the transaction after the write and its event (``name`` is created, updated
    or deleted).

    ``batch_import`` says whether a spreadsheet import may check all its rows first and then
    write them in batches (:func:`create_many`): true when no rule of a row reads what an
    earlier row of the same file writes. A number unique in its building, or a serial number
    derived from the last one, is such a rule: the import then writes row after row, each
    checked after the rows before it. ``None`` (the default): batched unless the subclass
    overrides ``derive`` or ``validate``."""

    model: ClassVar[type[pw.Model] | None] = None
    batch_import: ClassVar[bool | None] = None
    checks: ClassVar[dict[str, tuple[Check, ...]]] = {}
    messages: ClassVar[dict[str, str]] = {}  # field -> msgid shown for its required/length

    def derive(self, ctx: Context, record, created: bool) -> None:
        pass

    def validate(self, ctx: Context, record, before: dict | None) -> None:
        pass

    def before_delete(self, ctx: Context, record) -> None:
        pass

    def after_write(self, ctx: Context, record, name: str, changes: dict) -> None:
        pass


_RULES: dict[type, Rules] = {}
_DEFAULT = Rules()


def register_rules(classes: Iterable[type[Rules]]) -> None:
    """Register ``Rules`` subclasses (called at start-up with what ``linli_rules`` returns)."""
    for cls in classes:
        if not (isinstance(cls, type) and issubclass(cls, Rules)) or cls.model is None:
            raise TypeError(f"{cls!r} is not a Rules subclass with a model")
        known = _RULES.get(cls.model)
        if known is not None and type(known) is not cls:
            raise TypeError(
                f"{cls.model.__name__} has two Rules: {type(known).__name__} and {cls.__name__}"
            )
        _RULES[cls.model] = cls()


def rules_of(model: type) -> Rules:
    return _RULES.get(model, _DEFAULT)


def refuse(message: str, field: str | None = None, **values) -> Refused:
    """A :class:`Refused` with ``message`` (an English msgid of the caller's catalogue,
    translated now, ``%(name)s`` filled from ``values``), naming ``field`` if given. Raise
    it: ``raise refuse("Please name the place inspected.", field="place")``."""
    return Refused(_(message, **values), field=field)


def period(record, start: str, end: str, message=None) -> None:
    """Refuse an end before the start (终止日期早于开始日期), naming the end field."""
    a, b = getattr(record, start, None), getattr(record, end, None)
    if a is not None and b is not None and b < a:
        raise Refused(message or _("The end date cannot be before the start date."), field=end)


# -- field rules ---------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def required_fields(model) -> list[str]:
    """Fields a new record must have: not nullable, no default, not the primary key."""
    found = []
    for name, f in model._meta.fields.items():
        if f is model._meta.primary_key or f.null or f.default is not None:
            continue
        if isinstance(f, pw.BooleanField):
            continue
        found.append(name)
    return found


def field_problems(
    ctx: Context, model, plugin: str, values: dict, required: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Problems of ``values`` (model field name -> stored value, foreign keys as ids) by the
    rules every model field carries and the checks its :class:`Rules` declare."""
    errors: dict[str, list[str]] = {}
    rules = rules_of(model)
    checks = rules.checks
    must = set(required)
    for name, value in values.items():
        model_field = model._meta.fields.get(name)
        if model_field is None:
            continue
        problem = _field_problem(ctx, model, plugin, name, model_field, value, name in must)
        if problem is not None and name in rules.messages:
            problem = _(rules.messages[name])
        if problem is None:
            for check in checks.get(name, ()):
                if value is not None:
                    problem = check.problem(value)
                    if problem:
                        break
        if problem:
            errors.setdefault(name, []).append(str(problem))
    return errors


def _field_problem(ctx, model, plugin, name, model_field, value, required) -> str | None:
    if _blank(value):
        if required or (value is None and not model_field.null):
            return _("This field is required.")
        return None
    if isinstance(value, str):
        if "\x00" in value:
            return _("Text may not contain NUL.")
        if CONTROL.search(value):
            return _("Text may not contain control characters (only line breaks and tabs).")
        limit = getattr(model_field, "max_length", None)
        if limit and len(value) > limit:
            return _("At most %(max)s characters.", max=limit)
        if getattr(model_field, "personal", False):
            from forms.validators import id_card_problem, mobile_problem

            check = id_card_problem if isinstance(model_field, IdCardField) else mobile_problem
            problem = check(value)
            if problem:
                return _(problem)
    from forms.dictionaries import field_problem

    problem = field_problem(model_field, value, ctx.district_id)
    if problem:
        return problem
    if isinstance(value, int) and not isinstance(value, bool):
        bound = INT_BOUNDS.get(type(model_field), 2**31)
        if isinstance(model_field, pw.IntegerField | pw.ForeignKeyField) and not (
            -bound <= value < bound
        ):
            return _("The number is out of range.")
    if isinstance(model_field, pw.ForeignKeyField) and name != "unit":
        if not _related_exists(ctx, plugin, model_field, value):
            return _("No such record, or it is outside your data scope.")
    return None


def _related_exists(ctx: Context, plugin: str, fk: pw.ForeignKeyField, value) -> bool:
    from core.access import record_scope

    value = getattr(value, "_pk", value)
    key = ("exists", fk.model, fk.name, value)
    if key not in ctx.cache:
        related = fk.rel_model
        query = related.select().where(related._meta.primary_key == value)
        if not ctx.system and "unit" in related._meta.fields:
            # another community's record is as unknown as one that does not exist
            query = query.where(record_scope(ctx.access, related, plugin, "read", ctx.district_id))
        elif related is TerritoryUnit and ctx.district_id is not None:
            query = query.where(TerritoryUnit.district_id == ctx.district_id)
        ctx.cache[key] = query.exists()
    return ctx.cache[key]


def _stored(record, name):
    return record.__data__.get(name)


# -- the write path ------------------------------------------------------------------------


@contextlib.contextmanager
def refused_by_database():
    """A constraint the checks could not see (a unique value taken meanwhile, a value the
    database refuses): a refusal, the transaction rolled back."""
    try:
        yield
    except pw.IntegrityError:
        raise Conflict(_("The database refused the record: it conflicts with another.")) from None
    except pw.DataError:
        raise Refused(_("The database refused a value as invalid.")) from None


def _require(ctx: Context, plugin: str, action: str, record=None) -> None:
    """The role's permission (before anything is read or checked) or, with ``record``, the
    plugins' permission checks on that record as well."""
    allowed = (
        ctx.can(plugin, action, record)
        if record is not None
        else (ctx.system or (ctx.access is not None and ctx.access.can(plugin, action)))
    )
    if not allowed:
        raise Forbidden(_("You are not allowed to do this."))


def check_scope(ctx: Context, record, plugin: str, action: str, through: str | None = None):
    """Refuse a record whose territory unit (or the parent named by ``through``) lies outside
    where the actor may ``action``."""
    if ctx.system:
        return
    model = type(record)
    if through is None and "unit" not in model._meta.fields:
        return
    key = ("scope", action, _stored(record, "unit"), through and _stored(record, through))
    if key not in ctx.cache:
        ctx.cache[key] = may_write(ctx.access, record, plugin, action, ctx.district_id, through)
    if not ctx.cache[key]:
        name = "unit" if "unit" in model._meta.fields else through
        raise Forbidden(
            _("You may not write records in this territory unit."),
            field=name,
        )


def _workflow_of(model):
    from core.workflow import workflow_of

    try:
        return workflow_of(model)
    except LookupError:
        return None


def check(
    ctx: Context,
    record: pw.Model,
    *,
    before: dict | None = None,
    names: Iterable[str] | None = None,
    plugin: str | None = None,
    through: str | None = None,
    scoped: bool = True,
    action: str | None = None,
    prepare: Callable | None = None,
) -> None:
    """Run every rule a write of ``record`` must pass, and write nothing: the permission,
    the field rules, ``Rules.derive`` and ``Rules.validate``, the plugins' permission checks
    and the data scope. Raises :class:`Refused`. (An import's dry run, and :func:`save`.)"""
    model = type(record)
    created = before is None
    plugin = plugin or plugin_of(model)
    action = action or ("create" if created else "update")
    _require(ctx, resource_of(plugin, model), action)
    rules = rules_of(model)
    flow = _workflow_of(model)
    if names is None:
        names = (
            list(record.__data__)
            if created
            else [n for n, v in snapshot(record).items() if before.get(n) != v]
        )
    names = [n for n in names if n in model._meta.fields]
    errors: dict[str, list[str]] = {}
    if flow is not None and not created:
        now = snapshot(record)
        for name in names:
            if name in flow.managed_fields() and before.get(name) != now.get(name):
                errors[name] = [_("This field changes only through workflow steps.")]
    if not created and not ctx.can(plugin, "view_personal_data", record):
        for name in names:
            if getattr(model._meta.fields[name], "personal", False):
                errors[name] = [_("You may not change personal data.")]
    if errors:
        raise Refused(errors=errors)
    must = [n for n in required_fields(model) if not (flow and n in flow.managed_fields())]
    for name in names:  # bidi overrides (U+202A-E, U+2066-9) go at input: they disguise text
        value = record.__data__.get(name)
        if isinstance(value, str) and BIDI.search(value):
            setattr(record, name, BIDI.sub("", value))
    # the values given first (a derived value may read a related record by them)...
    given = {n: _stored(record, n) for n in names}
    errors = field_problems(ctx, model, plugin, given, required=[n for n in must if n in given])
    if errors:
        raise Refused(errors=errors)
    rules.derive(ctx, record, created)
    if prepare is not None:
        prepare(record)
    # ...then what derive and prepare set, and what a new record still lacks
    after = {
        n: _stored(record, n)
        for n in (must if created else names)
        if n not in given or _stored(record, n) != given[n]
    }
    errors = field_problems(ctx, model, plugin, after, required=[n for n in must if n in after])
    if errors:
        raise Refused(errors=errors)
    rules.validate(ctx, record, before)
    _require(ctx, plugin, action, record)
    if scoped:
        check_scope(ctx, record, plugin, action, through)
        moved = (
            []
            if created
            else [n for n in ("unit", through) if n and before.get(n) != _stored(record, n)]
        )
        if moved:  # the record must have been in scope where it was, too
            old = model()
            old.__data__ = {**record.__data__, **{n: before.get(n) for n in moved}}
            check_scope(ctx, old, plugin, action, through)


def save(
    ctx: Context,
    record: pw.Model,
    *,
    before: dict | None = None,
    names: Iterable[str] | None = None,
    plugin: str | None = None,
    through: str | None = None,
    scoped: bool = True,
    action: str | None = None,
    custom: dict | None = None,
    prepare: Callable | None = None,
    after: Callable | None = None,
) -> pw.Model:
    """Write ``record`` whose new values are already set on it.

    ``before`` is the stored snapshot of an existing record (``None``: a new record);
    ``names`` the fields the caller set (default: every field of a new record, the changed
    ones of an existing record). ``custom`` holds the district's custom-field values
    (``{"fields": ..., "cleaned": ...}``) saved in the same transaction. ``prepare(record)``
    runs after ``derive`` and before the checks (a surface's own last adjustments);
    ``after(record)`` runs after the write, inside the transaction (an admin form's inline
    rows). ``scoped=False`` leaves the data scope to the caller (core tables scoped by other
    means, such as users and roles). Raises :class:`Refused` and writes nothing, or returns
    the record."""
    model = type(record)
    created = before is None
    plugin = plugin or plugin_of(model)
    action = action or ("create" if created else "update")
    flow = _workflow_of(model)
    with refused_by_database(), db.atomic():
        check(
            ctx,
            record,
            before=before,
            names=names,
            plugin=plugin,
            through=through,
            scoped=scoped,
            action=action,
            prepare=prepare,
        )
        stamp(record, created, ctx.actor_id, ctx.now())
        if created and flow is not None:
            from core import workflow

            try:
                workflow.start(record, ctx.actor, ctx.access, trusted=ctx.system)
            except workflow.WorkflowError as exc:
                raise Refused(str(exc)) from None
        elif created:
            record.save(force_insert=True)
        else:
            record.save()
        changes = diff(before or {}, snapshot(record))
        changes.pop("updated_at", None)
        if custom:
            from forms.services import save_custom_values

            changes.update(save_custom_values(record, custom["fields"], custom["cleaned"]))
        if after is not None:
            after(record)
        name = "created" if created else "updated"
        _emit(ctx, name, plugin, record, changes)
        rules_of(model).after_write(ctx, record, name, changes)
    return record


def create(ctx: Context, model: type, values: dict, **options) -> pw.Model:
    """Create a ``model`` record from ``values`` (field name -> value)."""
    record = model()
    for name, value in values.items():
        setattr(record, name, value)
    return save(ctx, record, names=list(values), **options)


def batchable(model: type) -> bool:
    """Whether new ``model`` records checked together may be written by :func:`create_many`:
    not a workflow's (its start writes the first step), and rules that allow it
    (:attr:`Rules.batch_import`)."""
    return _workflow_of(model) is None and batches_allowed(rules_of(model))


def batches_allowed(rules: Rules) -> bool:
    """:attr:`Rules.batch_import`, or by default whether ``derive`` and ``validate`` are the
    base class's (rules that read nothing but the row)."""
    if rules.batch_import is not None:
        return rules.batch_import
    return type(rules).derive is Rules.derive and type(rules).validate is Rules.validate


MAX_PARAMETERS = 30_000  # bound values in one statement (SQLite allows 32,766)


def create_many(
    ctx: Context,
    records: list[pw.Model],
    *,
    plugin: str | None = None,
    customs: list[dict | None] | None = None,
    batch: int = 1000,
) -> list[pw.Model]:
    """Write new records of one model, each of which :func:`check` passed in this context
    (an import checks every row first), in batches: one ``INSERT`` per ``batch`` records
    (``RETURNING`` their ids on PostgreSQL and SQLite ≥ 3.35; one by one without it).

    Per record, inside the caller's transaction and in the order given: the audit stamp, the
    custom-field values (``customs[i]`` as :func:`save`'s ``custom``), the ``created`` event
    and ``Rules.after_write`` — the same as :func:`save`, after the whole batch is written.
    The events are emitted one per record (not a batch event) so that every subscriber of
    ``created`` sees each record as it would from a single create, and one that fails rolls
    the write back; the core's audit rows of those events are collected and written with one
    ``insert_many`` per 1,000 (:func:`core.events.batched_audit`), the same rows a single
    create writes. Only for models :func:`batchable` allows."""
    from core.events import batched_audit

    if not records:
        return records
    model = type(records[0])
    plugin = plugin or plugin_of(model)
    if not batchable(model):
        raise ValueError(f"{model.__name__} records are written one by one")
    customs = customs or [None] * len(records)
    rules = rules_of(model)
    with refused_by_database(), db.atomic(), batched_audit():
        for record in records:
            stamp(record, True, ctx.actor_id, ctx.now())
        width = max(len(records[0].__data__), 1)
        size = max(1, min(batch, MAX_PARAMETERS // width))
        for start in range(0, len(records), size):
            _insert_many(model, records[start : start + size])
        for record, custom in zip(records, customs, strict=True):
            changes = diff({}, snapshot(record))
            changes.pop("updated_at", None)
            if custom:
                from forms.services import save_custom_values

                changes.update(save_custom_values(record, custom["fields"], custom["cleaned"]))
            _emit(ctx, "created", plugin, record, changes)
            rules.after_write(ctx, record, "created", changes)
    return records


def _insert_many(model, records: list[pw.Model]) -> None:
    """INSERT ``records`` and set their ids: one statement per set of columns given."""
    pk = model._meta.primary_key
    returning = isinstance(db.obj, pw.PostgresqlDatabase) or (
        isinstance(db.obj, pw.SqliteDatabase) and pw.__sqlite_version__ >= (3, 35, 0)
    )
    if not returning or not isinstance(pk, pw.AutoField):
        for record in records:
            record.save(force_insert=True)
        return
    groups: dict[tuple, list[pw.Model]] = {}
    for record in records:  # the same columns as each record's own INSERT would name
        names = tuple(n for n in record.__data__ if not (n == pk.name and record._pk is None))
        groups.setdefault(names, []).append(record)
    for names, group in groups.items():
        rows = [{n: r.__data__[n] for n in names} for r in group]
        ids = model.insert_many(rows).returning(pk).tuples().execute()
        for record, (new_id,) in zip(group, ids, strict=True):
            record._pk = new_id
            record._dirty.clear()


def update(ctx: Context, record: pw.Model, values: dict, **options) -> pw.Model:
    """Change ``record`` by ``values`` (field name -> value)."""
    before, stored = snapshot(record), dict(record.__data__)
    for name, value in values.items():
        setattr(record, name, value)
    try:
        return save(ctx, record, before=before, **options)
    except Refused:
        record.__data__ = stored  # the caller's object shows what is stored
        raise


def delete(
    ctx: Context,
    record: pw.Model,
    *,
    plugin: str | None = None,
    through: str | None = None,
    scoped: bool = True,
) -> None:
    """Delete ``record``; refused while other records refer to it (no cascade)."""
    model = type(record)
    plugin = plugin or plugin_of(model)
    _require(ctx, plugin, "delete", record)
    if scoped:
        check_scope(ctx, record, plugin, "delete", through)
    rules = rules_of(model)
    with refused_by_database(), db.atomic():
        rules.before_delete(ctx, record)
        try:
            refuse_if_dependents(record)
        except DependentsExist as exc:
            raise Conflict(str(exc)) from None
        before = snapshot(record)
        district = district_of(record, ctx.district_id)
        record.delete_instance()
        changes = diff(before, {})
        _emit(ctx, "deleted", plugin, record, changes, district)
        rules.after_write(ctx, record, "deleted", changes)


def transition(ctx: Context, record, code: str, comment: str = "", data=None, attachments=()):
    """Take the workflow step ``code`` on ``record`` (see :mod:`core.workflow`); a trusted
    context (``ctx.system``) is trusted by the engine, whose guards still hold."""
    from core import workflow

    return workflow.transition(
        record,
        code,
        ctx.actor,
        ctx.access,
        comment,
        data or {},
        attachments=attachments,
        trusted=ctx.system,
    )


def start(ctx: Context, record, comment: str = "", data=None, attachments=(), code=None):
    """Insert the new workflow ``record`` in the state of its entry step ``code`` (default:
    the first), inside the caller's transaction (see :func:`core.workflow.start`)."""
    from core import workflow

    return workflow.start(
        record,
        ctx.actor,
        ctx.access,
        comment,
        data,
        attachments,
        code=code,
        trusted=ctx.system,
    )


def _emit(ctx: Context, name, plugin, record, changes, district_id=None) -> None:
    if district_id is None:
        unit = _stored(record, "unit") if "unit" in record._meta.fields else None
        key = ("district", unit)
        if unit is None:
            district_id = district_of(record, ctx.district_id)
        else:
            if key not in ctx.cache:
                ctx.cache[key] = district_of(record, ctx.district_id)
            district_id = ctx.cache[key]
    emit(
        Event(
            name,
            plugin=plugin,
            record=record,
            actor=ctx.actor,
            district_id=district_id,
            changes=changes,
        )
    )
