"""Workflow engine (流程引擎), one for the core and every plugin.

A workflow is declared in code as data: its states, the transitions between them (who may
take each one, guards, required fields, whether a comment is required) and the time limit
(时限) of the state a transition enters, read from a per-district setting with a default.

A model that runs a workflow has a state CharField (``state``, or the column the workflow
names with ``state_field``), a ``version`` IntegerField and a ``unit`` (it is district-owned);
a ``due`` DateField is optional and, when present, holds the deadline of the current state so
that lists can filter on it (without it the deadline is kept in the history row). "Overdue" is
never stored: it is computed from the deadline and today's date in China (:mod:`core.workdays`).

:func:`transition` moves a record in one transaction::

    check the transition exists from the current state
    check the permission (role x plugin x action) and that the record is in the actor's scope
      (or, for a step taken with a code such as a QR confirmation link, the code)
    check the guards, the validators, the required fields and the comment
    UPDATE ... SET state=?, version=version+1 WHERE id=? AND state=? AND version=?
    append a WorkflowHistory row (append-only)
    run the step's side effects (``after``: a ledger posting, a notice) in the same transaction
    emit Event("state_changed")

so that of two people moving the same record at once, the second is told it already moved
and nothing of theirs is written; a side effect that fails undoes the whole step. A refusal
raises :class:`WorkflowError`, whose message says why in the user's language.

A workflow may have several entry steps (``start=[...]``: a draft, a record submitted at
once, one reported by another module); :func:`start` takes the first unless told which.

Example (a plugin)::

    FLOW = Workflow(
        "hazards",
        start=Transition("report", "上报", "Report", (), "found"),
        states=[State("found", "待整改", "Found"), State("fixed", "已整改", "Fixed", True)],
        transitions=[
            Transition("fix", "整改完成", "Fixed", ("found",), "fixed",
                       permission=("hazards", "update"), fields=("measures",),
                       required=("measures",), comment_required=True),
        ],
    )
    FLOW.bind(Hazard)                       # Hazard has state, version, unit (and due)
    SETTINGS = FLOW.settings()              # the deadline settings, per district
    transition(hazard, "fix", user, access, comment="已更换灭火器", data={"measures": "..."})
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import peewee as pw

from core import workdays
from core.access import resource_of
from core.db import db
from core.events import Event, emit, jsonable
from core.i18n import Label
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import AppendOnlyModel, TerritoryUnit, User, utcnow
from core.records import audit_values
from core.services import ServiceError
from core.settings import Setting


class WorkflowError(ServiceError):
    """A refused transition; ``str(error)`` says why and nothing was changed. ``status`` is
    what the API answers: 403 when the actor may not take the step, 400 when the data given
    with it is wrong, 409 when the record's state does not allow it (or it moved)."""

    def __init__(self, message: str = "", status: int | None = None):
        super().__init__(message)
        self.status = status or (403 if isinstance(message, Denied) else 409)


class Denied(str):
    """A refusal because of who acts (permission, scope, a step's ``allow``)."""


# -- declaration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    code: str
    label_zh: str
    label_en: str
    terminal: bool = False

    @property
    def label(self) -> Label:
        return Label(self.label_zh, self.label_en)


@dataclass(frozen=True)
class Deadline:
    """The time limit of the state a transition enters: ``default`` days (working days unless
    ``working`` is False), overridable per district through the setting ``key``.

    Counted from the day of the step, or, with ``counted_from``, from the day (in China) of
    that date or datetime field of the record (a confirmation due some days after the
    service itself)."""

    key: str
    default: int
    label_zh: str
    label_en: str
    doc: str = ""
    working: bool = True
    maximum: int = 365
    counted_from: str = ""

    def setting(self) -> Setting:
        unit = "working days" if self.working else "calendar days"
        return Setting(
            self.key,
            int,
            self.default,
            self.label_zh + ("（工作日）" if self.working else "（自然日）"),
            f"{self.label_en} ({unit})",
            self.doc,
            minimum=0,
            maximum=self.maximum,
        )


Guard = Callable[..., "str | None"]  # guard(record, actor, access) -> refusal or None
Validator = Callable[..., "str | None"]  # validator(record, values, actor, access)
Effect = Callable[..., "dict | None"]  # effect(record, values, actor) -> more values
SideEffect = Callable[..., None]  # after(record, step: Step), inside the step's transaction


@dataclass(frozen=True)
class Transition:
    """A step from any of ``sources`` to ``target``.

    ``permission`` is (plugin, action); ``None`` as plugin means the workflow's plugin.
    ``permission=None`` means no role permission and no data scope: ``allow`` or the
    ``guards`` say who may (the volunteer of their own record), or the code in
    ``token_field``: the step is taken by whoever gives, in the data under that name, the
    code stored in that field of the record (a QR confirmation link), and it is never offered
    without it. ``allow`` (a callable like a guard) stands in for the permission: a trusted
    caller skips it, as it skips the permission, the scope and the code; guards always hold.
    ``fields`` may be set from the ``data`` given to :func:`transition`; ``sets`` are fixed
    values written with the step; ``required`` must be non-empty after the step.
    ``guards`` decide whether the step is offered at all (they see no data);
    ``validators`` check the submitted values. Both return a refusal message or None.
    ``effect`` computes more values to write with the step; ``after`` are side effects run
    after the move, its history row and before its event, in the same transaction (a
    ledger posting): one that raises undoes the step.
    ``wrong_state`` is the refusal when the record is not in one of ``sources`` (a message,
    or a callable of the record giving one; default: a message naming step and state);
    ``comment_message`` the refusal of a missing required comment; with ``comment_field``
    the comment is also written to that field of the record (a rejection reason).
    ``todo=False``: the step is not listed as waiting work in 待办 (:mod:`core.todo`).
    """

    code: str
    label_zh: str
    label_en: str
    sources: tuple[str, ...]
    target: str
    permission: tuple[str | None, str] | None = (None, "update")
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    comment_required: bool = False
    deadline: Deadline | None = None
    guards: tuple[Guard, ...] = ()
    validators: tuple[Validator, ...] = ()
    sets: dict = field(default_factory=dict)
    effect: Effect | None = None
    style: str = "primary"  # the button's colour in the admin: primary, secondary, warning...
    after: tuple[SideEffect, ...] = ()
    allow: Guard | None = None
    token_field: str = ""
    wrong_state: object = None  # str, lazy string or callable(record) -> str
    comment_message: object = None
    comment_field: str = ""
    todo: bool = True  # counted as work waiting in 待办 (core.todo); False: a correction or an
    # option of a supervisor or applicant (冲销, 督办, 撤回) that leaves nobody waiting

    @property
    def label(self) -> Label:
        return Label(self.label_zh, self.label_en)


@dataclass
class Step:
    """What a side effect (``Transition.after``) is told about the step just taken."""

    flow: Workflow
    transition: Transition
    actor: object
    access: object
    comment: str
    before_state: str
    changes: dict


_registry: dict[type, Workflow] = {}


class Workflow:
    """States and transitions of one kind of record, owned by ``plugin``.

    ``start`` is the entry step, or several (the first is the default of :func:`start`);
    ``state_field`` the model's column that holds the state (``state`` by default)."""

    def __init__(
        self,
        plugin: str,
        start: Transition | Iterable[Transition],
        states: Iterable[State],
        transitions: Iterable[Transition],
        name: str = "",
        state_field: str = "state",
    ):
        self.plugin = plugin
        self.name = name or plugin
        entries = [start] if isinstance(start, Transition) else list(start)
        self.starts = {t.code: t for t in entries}
        self.start = entries[0] if entries else None
        self.states = {s.code: s for s in states}
        self.transitions = {t.code: t for t in transitions}
        self.state_field = state_field
        self.model: type[pw.Model] | None = None
        self._check(entries)

    def _check(self, entries: list[Transition]) -> None:
        problems = []
        if not entries:
            problems.append("no start transition")
        if len(self.starts) != len(entries):
            problems.append("start transition codes used twice")
        for start in entries:
            if start.sources:
                problems.append(f"start transition {start.code!r} must have no sources")
            if start.target not in self.states:
                problems.append(f"start transition enters unknown state {start.target!r}")
            if start.code in self.transitions:
                problems.append(f"transition code {start.code!r} used twice")
        for t in self.transitions.values():
            for code in (*t.sources, t.target):
                if code not in self.states:
                    problems.append(f"transition {t.code!r} names unknown state {code!r}")
            for code in t.sources:
                if code in self.states and self.states[code].terminal:
                    problems.append(f"transition {t.code!r} leaves terminal state {code!r}")
        for t in [*entries, *self.transitions.values()]:
            if t.permission is None and not (t.allow or t.guards or t.token_field):
                problems.append(
                    f"transition {t.code!r} has no permission, no allow, no guard and no token: "
                    "anyone could take it"
                )
        keys: dict[str, Deadline] = {}
        for t in [*entries, *self.transitions.values()]:
            if t.deadline is None:
                continue
            known = keys.setdefault(t.deadline.key, t.deadline)
            if known != t.deadline:
                problems.append(f"deadline setting {t.deadline.key!r} declared differently")
        if problems:
            raise ValueError(f"workflow {self.name!r}: " + "; ".join(problems))

    def bind(self, model: type[pw.Model]) -> type[pw.Model]:
        """Attach the workflow to ``model`` (usable as a class decorator)."""
        fields = model._meta.fields
        needed = (self.state_field, "version", "unit")
        missing = [name for name in needed if name not in fields]
        if missing:
            raise ValueError(f"{model.__name__} runs a workflow but has no {', '.join(missing)}")
        for t in [*self.starts.values(), *self.transitions.values()]:
            for name in (t.token_field, t.comment_field, getattr(t.deadline, "counted_from", "")):
                if name and name not in fields:
                    raise ValueError(f"transition {t.code!r} names unknown field {name!r}")
        self.model = model
        _registry[model] = self
        return model

    # -- the state column --

    def state_of(self, record) -> str:
        """The current state of ``record``."""
        return getattr(record, self.state_field)

    def state_column(self, model=None) -> pw.Field:
        """The model's state column (for queries: ``flow.state_column().in_(...)``)."""
        return (model or self.model)._meta.fields[self.state_field]

    def managed_fields(self) -> tuple[str, ...]:
        """Fields written only by workflow steps: the state, the version and the deadline."""
        return (self.state_field, "version", "due")

    # -- declared data, for settings, forms and filters --

    def all_transitions(self) -> list[Transition]:
        return [*self.starts.values(), *self.transitions.values()]

    def settings(self) -> list[Setting]:
        """The per-district deadline settings; add them to the plugin's settings."""
        seen: dict[str, Setting] = {}
        for t in self.all_transitions():
            if t.deadline is not None and t.deadline.key not in seen:
                seen[t.deadline.key] = t.deadline.setting()
        return list(seen.values())

    def state_label(self, code: str) -> str:
        state = self.states.get(code)
        return str(state.label) if state else code

    def transition_label(self, code: str) -> str:
        t = self.starts.get(code) or self.transitions.get(code)
        return str(t.label) if t else code

    def state_choices(self) -> list[tuple[str, Label]]:
        return [(s.code, s.label) for s in self.states.values()]

    def open_states(self) -> list[str]:
        return [s.code for s in self.states.values() if not s.terminal]

    def is_terminal(self, code: str) -> bool:
        state = self.states.get(code)
        return bool(state and state.terminal)

    def permission_of(self, t: Transition) -> tuple[str, str] | None:
        if t.permission is None:
            return None
        plugin, action = t.permission
        return (plugin or self.plugin, action)

    # -- deadlines --

    def deadline_days(self, deadline: Deadline, district_id: int | None) -> int:
        if district_id is None:
            return deadline.default
        try:
            from core.registry import kernel_state

            return int(kernel_state().settings.get(district_id, self.plugin, deadline.key))
        except (KeyError, RuntimeError):  # not declared (yet) or no application: the default
            return deadline.default

    def deadline_for(self, t: Transition, record, on: dt.date | None = None) -> dt.date | None:
        """The last day of the state ``t`` enters, counted from ``on`` (today in China), or
        from the record's ``counted_from`` field when the deadline names one."""
        if t.deadline is None:
            return None
        days = self.deadline_days(t.deadline, district_of(record))
        if t.deadline.counted_from and on is None:
            on = _day_in_china(getattr(record, t.deadline.counted_from, None))
        return workdays.deadline(on or workdays.today(), days, t.deadline.working)


def _day_in_china(value) -> dt.date | None:
    """The day in China of a stored date or (naive UTC) datetime."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(workdays.SHANGHAI).date()
    return value if isinstance(value, dt.date) else None


def registered() -> list[Workflow]:
    """Every bound workflow (for the to-do list, :mod:`core.todo`)."""
    return list(_registry.values())


def workflow_of(record_or_model) -> Workflow:
    model = record_or_model if isinstance(record_or_model, type) else type(record_or_model)
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"{model.__name__} runs no workflow (Workflow.bind)") from None


def district_of(record) -> int | None:
    unit_id = getattr(record, "unit_id", None)
    if unit_id is None:
        return None
    return (
        TerritoryUnit.select(TerritoryUnit.district_id).where(TerritoryUnit.id == unit_id).scalar()
    )


# -- history (流转记录) ---------------------------------------------------------------------


class WorkflowHistory(AppendOnlyModel):
    """One row per step of any workflow: evidence, never changed or deleted."""

    table = pw.CharField(max_length=64, verbose_name=_l("Table"))
    record_id = pw.CharField(max_length=64, verbose_name=_l("Record"))
    unit_id = pw.IntegerField(null=True, index=True)
    from_state = pw.CharField(max_length=32, default="", verbose_name=_l("From"))
    to_state = pw.CharField(max_length=32, verbose_name=_l("To"))
    transition = pw.CharField(max_length=32, verbose_name=_l("Step"))
    actor = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("User")
    )
    actor_name = pw.CharField(max_length=64, default="", verbose_name=_l("User"))
    at = pw.DateTimeField(default=utcnow, verbose_name=_l("Time"))
    comment = pw.TextField(default="", verbose_name=_l("Comment"))
    attachments = pw.TextField(default="[]", verbose_name=_l("Attachments"))
    changes = pw.TextField(default="{}", verbose_name=_l("Changes"))
    due = pw.DateField(null=True, verbose_name=_l("Deadline"))

    class Meta:
        table_name = "core_workflow_history"
        indexes = ((("table", "record_id"), False),)

    @property
    def attachment_list(self) -> list:
        return json.loads(self.attachments or "[]")

    @property
    def change_dict(self) -> dict:
        return json.loads(self.changes or "{}")


MODELS = [WorkflowHistory]


def history(record) -> list[WorkflowHistory]:
    """The steps ``record`` went through, oldest first."""
    return list(
        WorkflowHistory.select()
        .where(
            (WorkflowHistory.table == record._meta.table_name)
            & (WorkflowHistory.record_id == str(record._pk))
        )
        .order_by(WorkflowHistory.at, WorkflowHistory.id)
    )


def current_deadlines(model, pks) -> dict:
    """Primary key -> the deadline of the current state, for many records of ``model`` in
    one query (the to-do list): its ``due`` field, else the last history row's."""
    pks = list(pks)
    if not pks or "due" in model._meta.fields:
        return {}
    due: dict = {}
    rows = (
        WorkflowHistory.select(WorkflowHistory.record_id, WorkflowHistory.due)
        .where(
            (WorkflowHistory.table == model._meta.table_name)
            & WorkflowHistory.record_id.in_([str(pk) for pk in pks])
        )
        .order_by(WorkflowHistory.at, WorkflowHistory.id)
        .tuples()
    )
    for record_id, day in rows:
        due[record_id] = day  # the last one wins
    return {pk: due.get(str(pk)) for pk in pks}


def current_deadline(record) -> dt.date | None:
    """The deadline of ``record``'s current state (None when it has none)."""
    if "due" in record._meta.fields:
        return record.due
    rows = history(record)
    return rows[-1].due if rows else None


def is_overdue(record, on: dt.date | None = None) -> bool:
    """Past the deadline of its current state and not finished; computed, never stored."""
    flow = workflow_of(record)
    if flow.is_terminal(flow.state_of(record)):
        return False
    return workdays.is_overdue(current_deadline(record), on)


def overdue_condition(model, on: dt.date | None = None):
    """A peewee condition for the records of ``model`` (with a ``due`` field) past their
    deadline today, for list filters and reports."""
    flow = workflow_of(model)
    return (model.due < (on or workdays.today())) & flow.state_column(model).in_(flow.open_states())


# -- checks ---------------------------------------------------------------------------------


def _in_scope(flow: Workflow, record, access, plugin: str, action: str) -> bool:
    model = type(record)
    if record._pk is None:  # a new record: its unit must be one the actor may use
        return (
            TerritoryUnit.select()
            .where(
                (TerritoryUnit.id == record.unit_id)
                & access.unit_condition(resource_of(plugin, model), action)
            )
            .exists()
        )
    return (
        model.select()
        .where(
            (model._meta.primary_key == record._pk) & access.scope_condition(model, plugin, action)
        )
        .exists()
    )


def _hooks_allow(actor, plugin: str, action: str, record) -> bool:
    from flask import has_app_context

    if not has_app_context():
        return True
    from core.registry import kernel_state

    return kernel_state().hook_allows(actor, plugin, action, record)


def _message(message, record) -> str:
    return str(message(record) if callable(message) else message)


def refusal(
    flow: Workflow,
    t: Transition,
    record,
    actor,
    access,
    data: dict | None = None,
    trusted: bool = False,
    scoped: bool = False,
) -> str | None:
    """Why ``actor`` may not take ``t`` on ``record`` now (state, permission, scope, the code
    of a step taken with one, guards); None when they may. ``trusted``: the caller vouches
    for the actor (a job, a step the service itself decided on), so the permission, the
    scope, ``allow`` and the code are not checked; the guards are. ``scoped``: the record was
    selected within the actor's data scope for this step's permission (the to-do list's
    query), so the scope is not asked again, record by record. The submitted values are
    checked later, by :func:`transition`."""
    entry = t.code in flow.starts and flow.starts[t.code] is t
    current = None if entry else flow.state_of(record)
    if not entry and current not in t.sources:
        if t.wrong_state is not None:
            return _message(t.wrong_state, record)
        return _(
            "“%(step)s” is not possible while the record is “%(state)s”.",
            step=str(t.label),
            state=flow.state_label(current),
        )
    permission = flow.permission_of(t)
    if trusted:
        pass
    elif permission is None:
        anonymous = actor is None or not getattr(actor, "id", None)
        if anonymous and not t.token_field:  # a step taken with a code: the code suffices
            return Denied(_("You are not allowed to “%(step)s”.", step=str(t.label)))
        if t.allow is not None:
            message = t.allow(record, actor, access)
            if message:
                return Denied(str(message))
    else:
        plugin, action = permission
        # a grant of the record's resource (timebank.record:approve) or of the plugin will do
        target = resource_of(plugin, type(record))
        if access is None or actor is None or not access.can(target, action):
            return Denied(_("You are not allowed to “%(step)s”.", step=str(t.label)))
        if not scoped and not _in_scope(flow, record, access, plugin, action):
            return Denied(_("This record is outside your data scope."))
        if not _hooks_allow(actor, plugin, action, record):
            return Denied(_("You are not allowed to “%(step)s”.", step=str(t.label)))
    if t.token_field and not trusted:
        given = str((data or {}).get(t.token_field) or "")
        stored = str(getattr(record, t.token_field) or "")
        if not given or not stored or not hmac.compare_digest(given, stored):
            return _("The code for “%(step)s” is missing or not valid.", step=str(t.label))
    for guard in t.guards:
        message = guard(record, actor, access)
        if message:
            return str(message)
    return None


def available_transitions(record, actor, access) -> list[Transition]:
    """The steps ``actor`` may take on ``record`` now, in declaration order (for UIs)."""
    flow = workflow_of(record)
    state = flow.state_of(record)
    return [
        t
        for t in flow.transitions.values()
        if state in t.sources and refusal(flow, t, record, actor, access) is None
    ]


def field_label(model, name: str) -> str:
    f = model._meta.fields[name]
    return str(f.verbose_name or name)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def coerce(model, name: str, raw):
    """The value of field ``name`` from form input ``raw``; WorkflowError when it is invalid."""
    f = model._meta.fields[name]
    label = field_label(model, name)
    if _empty(raw):
        if f.null or isinstance(f, pw.ForeignKeyField):
            return None
        return "" if isinstance(f, (pw.CharField, pw.TextField)) else None
    if isinstance(f, pw.ForeignKeyField):
        if isinstance(raw, pw.Model):
            return raw
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            pk = None
        target = f.rel_model.get_or_none(f.rel_model._meta.primary_key == pk) if pk else None
        if target is None:
            raise WorkflowError(_("%(field)s: no such record.", field=label))
        return target
    if isinstance(f, (pw.IntegerField, pw.BigIntegerField, pw.SmallIntegerField)):
        try:
            return int(str(raw).strip())
        except ValueError:
            raise WorkflowError(_("%(field)s: please enter a whole number.", field=label)) from None
    if isinstance(f, pw.DateField):
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise WorkflowError(
                _("%(field)s: please enter a date as YYYY-MM-DD.", field=label)
            ) from None
    value = str(raw).strip()
    from flask import g, has_app_context

    from forms.dictionaries import field_choices

    listed = field_choices(f, g.get("district_id") if has_app_context() else None)
    if listed is not None and value not in {str(code) for code, _label in listed}:
        raise WorkflowError(
            _("%(field)s: “%(value)s” is not one of the choices.", field=label, value=value)
        )
    if isinstance(f, pw.CharField) and f.max_length and len(value) > f.max_length:
        raise WorkflowError(
            _("%(field)s: at most %(max)s characters.", field=label, max=f.max_length)
        )
    return value


def _values(flow: Workflow, t: Transition, record, actor, access, data, comment="") -> dict:
    model = type(record)
    values = {name: coerce(model, name, data[name]) for name in t.fields if name in data}
    if t.comment_field and comment:
        values[t.comment_field] = coerce(model, t.comment_field, comment)
    values.update(t.sets)
    if t.effect is not None:
        values.update(t.effect(record, values, actor) or {})
    for name in t.required:
        value = values[name] if name in values else getattr(record, name)
        if _empty(value):
            raise WorkflowError(_("Please fill in “%(field)s”.", field=field_label(model, name)))
    for validator in t.validators:
        message = validator(record, values, actor, access)
        if message:
            raise WorkflowError(str(message))
    return values


def _stored(value):
    return value._pk if isinstance(value, pw.Model) else value


def _changes(record, values: dict) -> dict:
    changes = {}
    for name, new in values.items():
        old = record.__data__.get(name)
        if jsonable(old) != jsonable(_stored(new)):
            changes[name] = [jsonable(old), jsonable(_stored(new))]
    return changes


def _history_row(flow, t, record, actor, before_state, comment, attachments, changes, due):
    return WorkflowHistory.create(
        table=record._meta.table_name,
        record_id=str(record._pk),
        unit_id=getattr(record, "unit_id", None),
        from_state=before_state or "",
        to_state=t.target,
        transition=t.code,
        actor=actor if getattr(actor, "id", None) else None,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:64],
        at=utcnow(),
        comment=comment,
        attachments=json.dumps(list(attachments or []), ensure_ascii=False),
        changes=json.dumps(changes, ensure_ascii=False, default=str),
        due=due,
    )


def _check_comment(t: Transition, comment: str) -> str:
    comment = (comment or "").strip()
    if t.comment_required and not comment:
        if t.comment_message is not None:
            raise WorkflowError(str(t.comment_message))
        raise WorkflowError(_("A comment is required for “%(step)s”.", step=str(t.label)))
    return comment


def _trim(model, name: str, value):
    """A comment copied to a CharField is cut to the field's length."""
    f = model._meta.fields[name]
    if isinstance(value, str) and isinstance(f, pw.CharField) and f.max_length:
        return value[: f.max_length]
    return value


# -- operations -----------------------------------------------------------------------------


def start(
    record,
    actor,
    access,
    comment: str = "",
    data: dict | None = None,
    attachments=(),
    code: str | None = None,
    trusted: bool = False,
):
    """Insert a new ``record`` in the state entered by the entry step ``code`` (default: the
    first), with its deadline and the first history row. Call it inside the caller's
    transaction, before emitting "created". ``trusted`` as for :func:`transition`."""
    flow = workflow_of(record)
    t = flow.starts.get(code) if code else flow.start
    if t is None:
        raise WorkflowError(_("Unknown step: %(code)s.", code=code))
    if record._pk is not None:
        raise WorkflowError(_("This record has already been started."))
    message = refusal(flow, t, record, actor, access, data, trusted)
    if message:
        raise WorkflowError(message)
    comment = _check_comment(t, comment)
    values = _values(flow, t, record, actor, access, data or {}, comment)
    due = flow.deadline_for(t, record)
    with db.atomic():
        for name, value in values.items():
            setattr(record, name, _trim(type(record), name, value))
        setattr(record, flow.state_field, t.target)
        record.version = 0
        if "due" in record._meta.fields:
            record.due = due
        stamp: dict = {}
        stamp.update(audit_values(type(record), True, getattr(actor, "id", None)))
        for name, value in stamp.items():
            if record.__data__.get(name) is None:
                setattr(record, name, value)
        record.save(force_insert=True)
        _history_row(flow, t, record, actor, "", comment, attachments, {}, due)
        step = Step(flow, t, actor, access, comment, "", {})
        for effect in t.after:
            effect(record, step)
    return record


def transition(
    record,
    code: str,
    actor,
    access,
    comment: str = "",
    data: dict | None = None,
    attachments: Iterable[str] = (),
    trusted: bool = False,
):
    """Take step ``code`` on ``record`` for ``actor``; return the record, moved.

    Raises :class:`WorkflowError` (nothing changed) when the step does not exist from the
    record's state, the actor lacks the permission or the record is outside their scope, a
    guard or validator refuses, a required field or the comment is missing, someone else
    moved the record since it was read (compare-and-set on the state and the version), or a
    side effect refuses. ``trusted``: the caller vouches for the actor (a job; a step the
    service took for someone it already checked), so permission and scope are skipped;
    every other rule holds.
    """
    flow = workflow_of(record)
    t = flow.transitions.get(code)
    if t is None:
        raise WorkflowError(_("Unknown step: %(code)s.", code=code))
    message = refusal(flow, t, record, actor, access, data, trusted)
    if message:
        raise WorkflowError(message)
    try:
        comment = _check_comment(t, comment)
        values = _values(flow, t, record, actor, access, data or {}, comment)
    except WorkflowError as exc:  # the data given with the step is wrong
        raise WorkflowError(str(exc), status=400) from None
    model = type(record)
    values = {name: _trim(model, name, value) for name, value in values.items()}
    pk = model._meta.primary_key
    state_column = flow.state_column(model)
    before_state, before_version = flow.state_of(record), record.version
    due = flow.deadline_for(t, record)
    row = {model._meta.fields[name]: _stored(value) for name, value in values.items()}
    row[state_column] = t.target
    row[model.version] = model.version + 1
    if "due" in model._meta.fields:
        row[model.due] = due
        values_due = {"due": due}
    else:
        values_due = {}
    stamp: dict = {}
    stamp.update(audit_values(model, False, getattr(actor, "id", None)))
    row.update({model._meta.fields[name]: value for name, value in stamp.items()})
    changes = {
        flow.state_field: [before_state, t.target],
        **_changes(record, {**values, **values_due}),
    }
    with db.atomic():
        moved = (
            pw.ModelUpdate(model, row)
            .where(
                (pk == record._pk)
                & (state_column == before_state)
                & (model.version == before_version)
            )
            .execute()
        )
        if moved != 1:
            now = model.select(state_column).where(pk == record._pk).scalar()
            raise WorkflowError(
                _(
                    "Someone else has already moved this record (it is now “%(state)s”). "
                    "Nothing was changed; reload the page and check before trying again.",
                    state=flow.state_label(now),
                )
            )
        for name, value in {**values, **values_due, **stamp}.items():
            setattr(record, name, value)
        setattr(record, flow.state_field, t.target)
        record.version = before_version + 1
        _history_row(flow, t, record, actor, before_state, comment, attachments, changes, due)
        step = Step(flow, t, actor, access, comment, before_state, changes)
        for effect in t.after:
            effect(record, step)
        emit(
            Event(
                "state_changed",
                plugin=flow.plugin,
                record=record,
                actor=actor,
                district_id=district_of(record),
                changes=changes,
                summary=f"{t.label_zh}: {str(record)}"[:255],
                data={"transition": t.code, "comment": comment, "due": jsonable(due)},
            )
        )
    return record
