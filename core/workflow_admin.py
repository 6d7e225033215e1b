"""The workflow engine in the admin (流程管理界面): list filters and formatters for a workflow's
state and deadline, and :class:`WorkflowViewMixin`, the details page with the history timeline
and one form per step the user may take, posted to the engine (:mod:`core.workflow`).

Web layer: the engine itself knows nothing of Flask-Admin or of the current request; this
module reads the logged-in user and ``g.access`` and passes them to the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw
from flask import g
from flask_admin import expose
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterEqual

from core import workdays
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.workflow import (
    Transition,
    Workflow,
    available_transitions,
    current_deadline,
    field_label,
    history,
    is_overdue,
    overdue_condition,
    transition,
    workflow_of,
)
from forms.dictionaries import field_choices

__all__ = [
    "Input",
    "OverdueFilter",
    "WorkflowViewMixin",
    "overdue_formatter",
    "state_filter",
    "state_formatter",
]


@dataclass
class Input:
    """One field of a transition's form on the details page."""

    name: str
    label: str
    kind: str  # select | text | textarea | number
    required: bool = False
    choices: list = field(default_factory=list)
    value: str = ""


def state_filter(flow: Workflow, column):
    """A list filter on the state, offering the states' labels."""
    return FilterEqual(column, _l("State"), options=flow.state_choices)


class OverdueFilter(BasePeeweeFilter):
    """A list filter "overdue: yes / no" for workflow models with a ``due`` field."""

    def __init__(self, column, name=None):
        super().__init__(column, name or _l("Overdue"), options=(("1", _l("Yes")), ("0", _l("No"))))

    def apply(self, query, value):
        model = self.column.model
        if value == "1":
            return query.where(overdue_condition(model))
        flow = workflow_of(model)
        return query.where(
            model.due.is_null()
            | (model.due >= workdays.today())
            | flow.state_column(model).not_in(flow.open_states())
        )

    def operation(self):
        return _l("equals")


class WorkflowViewMixin:
    """For a Flask-Admin model view of a workflow model (put it before the base ModelView):
    a details page with the history timeline and a form per available step, posted to
    ``/transition/``, which calls the engine. Set ``workflow``; override
    ``transition_choices`` to offer choices for foreign keys.

    ``offer_steps = False``: the steps are taken elsewhere (the view's list actions or pages
    of its own, which call the plugin's services); the details page shows the state and the
    history only, and a step posted to ``/transition/`` still goes to
    :meth:`perform_transition`, which such a view points at its services."""

    workflow: Workflow
    details_template = "workflow/details.html"
    can_view_details = True
    offer_steps = True

    def get_actions_list(self):
        """The list's actions that are steps of the workflow come in the order of the flow
        (Flask-Admin would list them by method name); the other actions follow."""
        actions, confirmations = super().get_actions_list()
        order = {code: n for n, code in enumerate(self.workflow.transitions)}
        actions.sort(key=lambda item: order.get(item[0], len(order)))
        return actions, confirmations

    def transition_choices(self, record, name: str) -> list[tuple[str, str]]:
        """Choices offered for foreign-key field ``name``: the related records the user may
        see (territory units: those in the user's scope)."""
        from flask import g

        f = record._meta.fields[name]
        access = g.get("access")
        if access is None:
            return []
        rel = f.rel_model
        if rel is TerritoryUnit:
            query = TerritoryUnit.select().where(
                access.unit_condition(self.workflow.plugin, "read")
            )
            if g.get("district_id") is not None:
                query = query.where(TerritoryUnit.district_id == g.district_id)
            return [(str(u.id), f"{u.name} ({u.code})") for u in query.order_by(TerritoryUnit.path)]
        if "unit" in rel._meta.fields:
            query = rel.select().where(
                access.scope_condition(rel, self.workflow.plugin, "read", g.get("district_id"))
            )
            return [(str(r._pk), str(r)) for r in query.limit(200)]
        return []

    def transition_inputs(self, record, t: Transition) -> list[Input]:
        model = type(record)
        inputs = []
        for name in t.fields:
            f = model._meta.fields[name]
            current = record.__data__.get(name)
            value = "" if current is None else str(current)
            if isinstance(f, pw.ForeignKeyField):
                kind, choices = "select", [("", "—"), *self.transition_choices(record, name)]
            elif (listed := field_choices(f, g.get("district_id"), keep=current)) is not None:
                kind, choices = "select", [("", "—")] + [(str(c), str(lb)) for c, lb in listed]
            elif isinstance(f, pw.IntegerField):
                kind, choices = "number", []
            elif isinstance(f, pw.TextField):
                kind, choices = "textarea", []
            else:
                kind, choices = "text", []
            inputs.append(
                Input(name, field_label(model, name), kind, name in t.required, choices, value)
            )
        return inputs

    def workflow_panel(self, record) -> dict:
        """What the details page shows: deadline, overdue, timeline and the steps offered."""
        from flask import g
        from flask_babel import format_datetime
        from flask_login import current_user

        flow = self.workflow
        actor = current_user._get_current_object()
        due = current_deadline(record)
        steps = (
            [
                {"transition": t, "inputs": self.transition_inputs(record, t)}
                for t in available_transitions(record, actor, g.get("access"))
            ]
            if self.offer_steps
            else []
        )
        timeline = [
            {
                "row": row,
                "at": format_datetime(row.at, "yyyy-MM-dd HH:mm"),
                "step": flow.transition_label(row.transition),
                "from": flow.state_label(row.from_state) if row.from_state else "",
                "to": flow.state_label(row.to_state),
            }
            for row in history(record)
        ]
        return {
            "code": flow.state_of(record),
            "state": flow.state_label(flow.state_of(record)),
            "terminal": flow.is_terminal(flow.state_of(record)),
            "due": due,
            "overdue": is_overdue(record),
            "days_left": workdays.days_left(due) if due else None,
            "timeline": timeline,
            "steps": steps,
            "offers_steps": self.offer_steps,
        }

    def perform_transition(self, record, code: str, comment: str, data: dict):
        """Call the engine (a subclass may call its module's service instead)."""
        from flask import g
        from flask_login import current_user

        return transition(record, code, current_user._get_current_object(), g.access, comment, data)

    @expose("/transition/", methods=("POST",))
    def transition_view(self):
        from flask import flash, redirect, request

        return_url = request.form.get("url") or self.get_url(".index_view")
        record = self.get_one(request.form.get("id", ""))
        if record is None:
            flash(_("Record does not exist."), "error")
            return redirect(self.get_url(".index_view"))
        details = self.get_url(".details_view", id=record._pk, url=return_url)
        code = request.form.get("transition", "")
        t = self.workflow.transitions.get(code)
        if t is None:
            flash(_("Unknown step: %(code)s.", code=code), "error")
            return redirect(details)
        data = {name: request.form.get(name, "") for name in t.fields if name in request.form}
        try:
            self.perform_transition(record, code, request.form.get("comment", ""), data)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "Done: %(step)s. The record is now “%(state)s”.",
                    step=str(t.label),
                    state=self.workflow.state_label(self.workflow.state_of(record)),
                ),
                "success",
            )
        return redirect(details)


def state_formatter(flow: Workflow):
    def fmt(view, context, model, name):
        return flow.state_label(flow.state_of(model))

    return fmt


def overdue_formatter(view, context, model, name):
    from markupsafe import Markup, escape

    if is_overdue(model):
        return Markup('<span class="badge badge-danger overdue">%s</span>') % escape(_("Overdue"))
    return ""
