"""Hazard governance in the admin: inspections (read-only evidence) and hazards with their
workflow steps. Views only collect input and call :mod:`.services`; every refusal is flashed
in the user's language and nothing is written."""

from __future__ import annotations

import json

from flask import flash, g, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import MultipleFileField
from wtforms.validators import DataRequired

from core.admin import ModelView
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.services import ServiceError
from core.workflow import WorkflowViewMixin, state_filter, state_formatter

from . import rules, services
from .flows import HAZARD_FLOW, PLUGIN
from .models import GRADES, PHOTO_STAGES, PREMISES_KINDS, SOURCES, Hazard, Inspection, Premises


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
    """The answers with the labels of the checklist version they were filled against, so an
    old inspection reads as it was filled even after the checklist changed."""
    from forms.engine import answers as answered
    from forms.services import version_form

    if model.submission_id is None:
        return ""
    data = json.loads(model.submission.data or "{}")
    form_def = version_form(model.submission.version)
    labels = {"yes": _("Yes"), "no": _("No"), "na": _("Not applicable")}
    lines = []
    for answer in answered(form_def, data):
        prefix = ""
        if answer.row is not None:
            prefix = f"{rules.instance_name(answer.section, answer.values, answer.row)}："
        lines.append(
            Markup("<li>%s%s: <strong>%s</strong></li>")
            % (prefix, answer.field.label_zh, labels.get(answer.value, answer.value))
        )
    return Markup('<ul class="answers mb-0">%s</ul>') % Markup("").join(lines)


PHOTO_STAGE_LABELS = PHOTO_STAGES


def photos(view, context, model, name):
    """Thumbnails served by the scoped photo view (never a public path)."""
    rows = services.hazard_photos(model) if isinstance(model, Hazard) else list(model.photos)
    stages = dict(PHOTO_STAGE_LABELS)
    return Markup("").join(
        Markup('<a href="%s" class="mr-1" title="%s"><img src="%s" alt="%s" width="80"></a>')
        % (
            url_for("hazards_portal.photo", id=p.id),
            stages.get(p.stage, p.stage),
            url_for("hazards_portal.photo", id=p.id),
            p.name,
        )
        for p in rows
    )


def rechecks(view, context, model, name):
    return "; ".join(
        f"{r.checked_on} {_('Passes now') if r.passed else _('Still fails')}"
        for r in model.rechecks
    )


def position(view, context, model, name):
    if model.latitude is None:
        return ""
    return f"{model.latitude}, {model.longitude}"


class Base(ModelView):
    plugin_id = PLUGIN
    column_default_sort = ("id", True)
    can_create = False
    can_edit = False
    can_delete = False


class InspectionView(Base):
    """检查记录: made on the portal; evidence, never changed here."""

    can_view_details = True
    column_list = (
        "inspected_on",
        "place",
        "checklist_title",
        "score",
        "failed_count",
        "unit",
        "created_by",
    )
    column_details_list = (
        *column_list,
        "premises",
        "checklist_version",
        "reinspection_of",
        "position",
        "answers",
        "photos",
        "note",
    )
    column_export_list = (*column_list, "premises", "checklist_version", "latitude", "longitude")
    column_searchable_list = ("place", "checklist_title")
    column_filters = ("inspected_on", "checklist", "unit")
    column_formatters = {"answers": answers, "photos": photos, "position": position}
    column_labels = {"answers": _l("Answers"), "photos": _l("Photos"), "position": _l("Position")}


class HazardView(WorkflowViewMixin, Base):
    """隐患台账: every hazard, its grade, deadline and the steps of its closed loop. A hazard
    reported by hand (自查、楼栋长报告、居民报告、巡查) is created here through the service."""

    workflow = HAZARD_FLOW
    can_create = True
    form_columns = ("source", "unit", "premises", "place", "category", "title", "description")
    form_choices = {"source": SOURCES}
    form_extra_fields = {"photos": MultipleFileField(_l("Photos"))}
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
        "premises",
        "title",
        "source",
        "category",
        "description",
        "basis",
        "inspection",
        "item",
        "instance",
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
        "photos",
        "rechecks",
    )
    column_export_list = tuple(c for c in column_details_list if c not in ("photos", "rechecks"))
    column_searchable_list = ("place", "title", "responsible")
    column_filters = (
        state_filter(HAZARD_FLOW, Hazard.state),
        "grade",
        "proposed_grade",
        "deadline",
        "unit",
    )
    column_labels = {"overdue": _l("Overdue"), "photos": _l("Photos"), "rechecks": _l("Re-checks")}
    column_formatters = {
        "photos": photos,
        "rechecks": rechecks,
        "source": choice(SOURCES),
        "proposed_grade": choice(GRADES),
        "grade": choice(GRADES),
        "state": state_formatter(HAZARD_FLOW),
        "overdue": overdue,
    }

    def perform_transition(self, record, code, comment, data):
        return services.move(
            record, code, current_user._get_current_object(), g.access, comment, data
        )

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.premises.query = Premises.select().where(
            Premises.active
            & g.access.scope_condition(Premises, PLUGIN, "create", g.get("district_id"))
        )
        return form

    def create_model(self, form):
        district_id = g.get("district_id")
        limit_kb = services.photo_limits(district_id)[0]
        uploads = [
            services.Upload.from_storage(f, limit_kb) for f in request.files.getlist("photos")
        ]
        try:
            hazard = services.report_hazard(
                current_user._get_current_object(),
                g.access,
                source=form.source.data,
                title=form.title.data,
                unit=form.unit.data,
                premises=form.premises.data,
                place=form.place.data,
                category=form.category.data,
                description=form.description.data,
                photos=[u for u in uploads if u is not None],
            )
        except ServiceError as exc:
            flash(str(exc), "error")
            return False
        return hazard


class PremisesView(Base):
    """场所: the registered places inspected in each community (managed here, scoped by
    territory). A premises in use is retired (active off), never deleted."""

    can_create = True
    can_edit = True
    can_view_details = True
    column_list = ("name", "kind", "address", "responsible", "phone", "unit", "active")
    column_searchable_list = ("name", "address", "responsible")
    column_filters = ("kind", "unit", "active")
    form_columns = ("unit", "name", "kind", "address", "responsible", "phone", "active")
    form_choices = {"kind": PREMISES_KINDS}
    column_formatters = {"kind": choice(PREMISES_KINDS)}
    form_args = {
        "name": {"validators": [DataRequired()]},
    }


def admin_views(admin) -> list:
    cat = admin.category
    return [
        HazardView(Hazard, name=_l("Hazards (隐患)"), category=cat),
        InspectionView(Inspection, name=_l("Inspections (检查记录)"), category=cat),
        PremisesView(Premises, name=_l("Premises (场所)"), category=cat),
    ]
