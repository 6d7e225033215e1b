"""事项 Cases in the admin: a list with state, deadline and overdue flag, a details page with
the history and the steps the user may take. The view only calls the case services."""

from __future__ import annotations

from flask import flash

from core.admin import ModelView, choice_formatter
from core.cases import services
from core.cases.flow import CASE_FLOW
from core.cases.models import CATEGORIES, HANDLING_MODES, SOURCES, Case
from core.commands import Context
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.services import ServiceError
from core.workflow_admin import (
    OverdueFilter,
    WorkflowViewMixin,
    overdue_formatter,
    state_filter,
    state_formatter,
)


def _overdue_text(view, context, model, name):
    from core.workflow import is_overdue

    return _("Overdue") if is_overdue(model) else ""


class CaseView(WorkflowViewMixin, ModelView):
    """事项 Cases: the community service flow from receiving (受理) to archiving (归档)."""

    workflow = CASE_FLOW
    plugin_id = "core"
    allow_delete = False  # a case is evidence of service: it is archived, never deleted
    column_list = (
        "id",
        "title",
        "category",
        "source",
        "unit",
        "receiver",
        "handler",
        "state",
        "due",
        "overdue",
        "created_at",
    )
    column_details_list = (
        "id",
        "title",
        "description",
        "category",
        "source",
        "requester_name",
        "requester_mobile",
        "unit",
        "receiver",
        "handling_mode",
        "handler",
        "handler_unit",
        "result",
        "rating",
        "rating_comment",
        "state",
        "due",
        "created_at",
    )
    column_export_list = column_list
    column_default_sort = ("id", True)
    column_searchable_list = ("title", "requester_name")
    column_filters = (
        state_filter(CASE_FLOW, Case.state),
        OverdueFilter(Case.due),
        "category",
        "source",
        "unit",
        "receiver",
        "handler",
        "due",
        "created_at",
    )
    column_labels = {
        "id": _l("No."),
        "title": _l("Subject"),
        "description": _l("Description"),
        "category": _l("Category"),
        "source": _l("Source"),
        "requester_name": _l("Requester"),
        "requester_mobile": _l("Requester's mobile"),
        "unit": _l("Territory unit"),
        "receiver": _l("Receiver (first contact)"),
        "handler": _l("Handler"),
        "handler_unit": _l("Handling unit"),
        "handling_mode": _l("Handling mode"),
        "result": _l("Handling result"),
        "rating": _l("Rating (1-5)"),
        "rating_comment": _l("Resident's comment"),
        "state": _l("State"),
        "due": _l("Deadline"),
        "overdue": _l("Overdue"),
        "created_at": _l("Received at"),
    }
    column_formatters = {
        "category": choice_formatter(CATEGORIES),
        "source": choice_formatter(SOURCES),
        "handling_mode": choice_formatter(HANDLING_MODES),
        "state": state_formatter(CASE_FLOW),
        "overdue": overdue_formatter,
    }
    column_formatters_export = {
        "category": choice_formatter(CATEGORIES),
        "source": choice_formatter(SOURCES),
        "state": state_formatter(CASE_FLOW),
        "overdue": _overdue_text,
    }
    form_columns = ("unit", "title", "description", "source", "requester_name", "requester_mobile")

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if "unit" in form._fields:
            delattr(form, "unit")  # a case stays where it was received; transfer instead
        return form

    def create_model(self, form):
        case = Case()
        form.populate_obj(case)
        try:
            return services.receive(Context.current(), case)
        except ServiceError as exc:
            flash(str(exc), "error")
            return False

    def update_model(self, form, model):
        values = {name: form[name].data for name in services.EDITABLE if name in form}
        try:
            services.edit(Context.current(), model, values)
        except ServiceError as exc:
            flash(str(exc), "error")
            return False
        return True

    def perform_transition(self, record, code, comment, data):
        return services.move(Context.current(), record, code, comment, data)

    def transition_choices(self, record, name):
        if name == "handler":
            return [
                (str(u.id), u.username if str(u) == u.username else f"{u} ({u.username})")
                for u in services.candidates(record)
            ]
        if name == "handler_unit":
            return [(str(u.id), f"{u.name} ({u.code})") for u in services.transfer_units(record)]
        return super().transition_choices(record, name)


def admin_views(admin) -> list:
    return [CaseView(Case, name=_l("Cases"), category=None, plugin_id="core")]
