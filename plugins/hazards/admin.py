"""Hazard governance in the admin: inspections (read-only evidence) and hazards with their
workflow steps. Views only collect input and call :mod:`.services`; every refusal is flashed
in the user's language and nothing is written."""

from __future__ import annotations

import json

from flask import g
from flask_login import current_user
from markupsafe import Markup, escape

from core.admin import ModelView
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.workflow import WorkflowViewMixin, state_filter, state_formatter

from . import services
from .flows import HAZARD_FLOW, PLUGIN
from .models import GRADES, Hazard, Inspection


def choice(choices):
    labels = dict(choices)

    def fmt(view, context, model, name):
        value = getattr(model, name)
        return str(labels.get(value, value or ""))

    return fmt


def overdue(view, context, model, name):
    if services.is_overdue(model):
        return Markup('<span class="badge badge-danger overdue">%s</span>') % escape(_("Overdue"))
    return ""


def answers(view, context, model, name):
    if model.submission_id is None:
        return ""
    data = json.loads(model.submission.data or "{}")
    labels = {"yes": _("Yes"), "no": _("No"), "na": _("Not applicable")}
    return "; ".join(f"{key}: {labels.get(value, value)}" for key, value in data.items())


class Base(ModelView):
    plugin_id = PLUGIN
    column_default_sort = ("id", True)
    can_create = False
    can_edit = False
    can_delete = False


class InspectionView(Base):
    """检查记录: made on the portal; evidence, never changed here."""

    can_view_details = True
    column_list = ("inspected_on", "place", "checklist_title", "failed_count", "unit", "created_by")
    column_details_list = (*column_list, "answers", "note")
    column_export_list = column_list
    column_searchable_list = ("place", "checklist_title")
    column_filters = ("inspected_on", "checklist", "unit")
    column_formatters = {"answers": answers}
    column_labels = {"answers": _l("Answers")}


class HazardView(WorkflowViewMixin, Base):
    """隐患台账: every hazard, its grade, deadline and the steps of its closed loop."""

    workflow = HAZARD_FLOW
    column_list = (
        "place",
        "title",
        "proposed_grade",
        "grade",
        "deadline",
        "overdue",
        "state",
        "unit",
    )
    column_details_list = (
        "place",
        "title",
        "basis",
        "inspection",
        "item",
        "proposed_grade",
        "grade",
        "responsible",
        "measures",
        "funds",
        "deadline",
        "contingency",
        "rectification",
        "closed_on",
        "state",
        "unit",
    )
    column_export_list = column_details_list
    column_searchable_list = ("place", "title", "responsible")
    column_filters = (
        state_filter(HAZARD_FLOW, Hazard.state),
        "grade",
        "proposed_grade",
        "deadline",
        "unit",
    )
    column_labels = {"overdue": _l("Overdue")}
    column_formatters = {
        "proposed_grade": choice(GRADES),
        "grade": choice(GRADES),
        "state": state_formatter(HAZARD_FLOW),
        "overdue": overdue,
    }

    def perform_transition(self, record, code, comment, data):
        return services.move(
            record, code, current_user._get_current_object(), g.access, comment, data
        )


def admin_views(admin) -> list:
    cat = admin.category
    return [
        HazardView(Hazard, name=_l("Hazards (隐患)"), category=cat),
        InspectionView(Inspection, name=_l("Inspections (检查记录)"), category=cat),
    ]
