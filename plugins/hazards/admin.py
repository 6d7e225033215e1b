"""Hazard governance in the admin: inspections (read-only evidence) and hazards with their
workflow steps. Views only collect input and call :mod:`.services`; every refusal is flashed
in the user's language and nothing is written."""

from __future__ import annotations

import json
import os
import tempfile

from flask import Response, flash, g, render_template, request, send_file, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import MultipleFileField, SelectField

from core import workdays
from core.access import resource_of
from core.admin import ModelView, View, choice_formatter
from core.choices import options
from core.commands import Context
from core.i18n import Label, lazy_pgettext
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.services import ServiceError
from core.territory import subtree_condition
from core.workflow_admin import WorkflowViewMixin, state_filter, state_formatter

from . import forms as checklists
from . import rules, services
from .flows import HAZARD_FLOW, PLUGIN
from .models import (
    FREQUENCIES,
    GRADES,
    PERIODS,
    PHOTO_STAGES,
    REPORT_STATES,
    SOURCES,
    SUPERVISION_LEVELS,
    TASK_STATES,
    Campaign,
    Hazard,
    Inspection,
    InspectionTask,
    Premises,
    Schedule,
    StatisticsReport,
)
from .planning import services as planning
from .statistics import services as statistics


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
    allow_create = False
    allow_edit = False
    allow_delete = False


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
    column_labels = {
        "answers": lazy_pgettext("inspection", "Answers"),
        "photos": _l("Photos"),
        "position": _l("Position"),
    }


class HazardView(WorkflowViewMixin, Base):
    """隐患台账: every hazard, its grade, deadline and the steps of its closed loop. A hazard
    reported by hand (自查、楼栋长报告、居民报告、巡查) is created here through the service."""

    workflow = HAZARD_FLOW
    allow_create = True
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
    trigram_search = True  # the index of migrations/hazards/0005_search_index.py
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
        "source": choice_formatter(SOURCES),
        "proposed_grade": choice_formatter(GRADES),
        "grade": choice_formatter(GRADES),
        "state": state_formatter(HAZARD_FLOW),
        "overdue": overdue,
    }

    def perform_transition(self, record, code, comment, data):
        return services.move(Context.current(), record, code, comment, data)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.premises.query = Premises.select().where(
            Premises.active
            & g.access.scope_condition(
                Premises, PLUGIN, "create", g.get("district_id"), resource_of(PLUGIN, Hazard)
            )
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
                Context.current(),
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

    allow_create = True
    allow_edit = True
    can_view_details = True
    column_list = ("name", "kind", "address", "responsible", "phone", "unit", "active")
    column_searchable_list = ("name", "address", "responsible")
    column_filters = ("kind", "unit", "active")
    form_columns = ("unit", "name", "kind", "address", "responsible", "phone", "active")


def admin_views(admin) -> list:
    cat = admin.category
    return [
        HazardView(Hazard, name=_l("Hazards (隐患)"), category=cat),
        InspectionView(Inspection, name=_l("Inspections (检查记录)"), category=cat),
        PremisesView(Premises, name=_l("Premises (场所)"), category=cat),
        *management_views(cat),
    ]


# == hz-manage: campaigns, schedules, tasks, supervision list, registers, statistics =======

HazardView.column_details_list = (
    *HazardView.column_details_list,
    "funds_amount",
    "extensions",
    "extension_reason",
    "requested_deadline",
    "supervision_level",
    "supervising_unit",
    "supervision_deadline",
    "supervised_on",
    "supervision_lifted_on",
    "rectified_by",
    "accepted_by",
    "accepted_on",
    "acceptance_opinion",
)
HazardView.column_export_list = HazardView.column_details_list
HazardView.column_filters = (*HazardView.column_filters, "supervision_level")
HazardView.column_formatters = {
    **HazardView.column_formatters,
    "supervision_level": choice_formatter(SUPERVISION_LEVELS),
}


class SupervisedView(HazardView):
    """挂牌督办: hazards under supervision by the street or the district (and those lifted)."""

    isolation_sample = {"supervision_level": "street"}  # what this list shows (scope test)

    column_list = (
        "place",
        "title",
        "grade",
        "supervision_level",
        "supervising_unit",
        "supervision_deadline",
        "supervised_on",
        "supervision_lifted_on",
        "deadline",
        "overdue",
        "state",
        "unit",
    )

    def scoped_query(self, query, action="read"):
        return super().scoped_query(query, action).where(Hazard.supervision_level.is_null(False))


class CampaignView(Base):
    """排查整治专项行动: stages 自查自改 → 督导检查 → 验收 with their dates, scope and checklists;
    launching gives each community in scope its self-check tasks."""

    allow_create = True
    allow_edit = True
    column_list = (
        "title",
        "year",
        "unit",
        "stage",
        "self_check_from",
        "self_check_until",
        "supervision_until",
        "acceptance_until",
        "launched_on",
    )
    column_details_list = (*column_list, "checklists", "note")
    form_columns = (
        "unit",
        "title",
        "year",
        "checklists",
        "self_check_from",
        "self_check_until",
        "supervision_until",
        "acceptance_until",
        "note",
    )
    column_labels = {"stage": _l("Stage"), "unit": _l("Scope")}
    column_descriptions = {
        "checklists": _l("Checklist keys, separated by commas (e.g. hazards_fire_residential)")
    }

    def _stage(view, context, model, name):
        zh, en = planning.STAGES[planning.stage(model)]
        return str(Label(zh, en))

    column_formatters = {"stage": _stage}

    @action("launch", _l("Launch: create the self-check tasks"))
    def action_launch(self, ids):
        for campaign in self.get_query().where(Campaign.id.in_(ids)):
            try:
                n = planning.launch(Context.current(), campaign)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(
                    _("%(campaign)s: %(n)s self-check tasks created.", campaign=str(campaign), n=n),
                    "success",
                )


class ScheduleView(Base):
    """检查计划: recurring inspections of a place (daily patrol, monthly fire check, yearly
    elevator inspection), each due date giving a task (``linli hazards-daily``)."""

    allow_create = True
    allow_edit = True
    column_list = (
        "title",
        "place",
        "checklist",
        "frequency",
        "next_due",
        "assignee",
        "active",
        "unit",
    )
    form_columns = (
        "unit",
        "title",
        "place",
        "checklist",
        "frequency",
        "every_days",
        "next_due",
        "lead_days",
        "assignee",
        "active",
    )
    form_overrides = {"checklist": SelectField}
    form_args = {"checklist": {"choices": []}}
    column_formatters = {"frequency": choice_formatter(FREQUENCIES)}

    def _offer(self, form):
        form.checklist.choices = options([(k, k) for k in checklists.checklist_keys()])
        form.assignee.query = planning.candidates(g.get("district_id"))
        return form

    def create_form(self, obj=None):
        return self._offer(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._offer(super().edit_form(obj))


class TaskView(Base):
    """检查任务: from schedules and campaigns; only the assignee can be changed here, the task
    is done by an inspection on the portal."""

    allow_edit = True
    column_list = (
        "due",
        "title",
        "place",
        "checklist",
        "unit",
        "assignee",
        "state",
        "overdue",
        "done_on",
    )
    column_details_list = (*column_list, "schedule", "campaign", "inspection")
    form_columns = ("assignee",)
    column_filters = ("state", "due", "assignee", "unit", "campaign")
    column_labels = {"overdue": _l("Overdue")}

    def _late(view, context, model, name):
        if model.state == "open" and model.due < workdays.today():
            return Markup('<span class="badge badge-danger overdue">%s</span>') % escape(
                _("Overdue")
            )
        return ""

    column_formatters = {"state": choice_formatter(TASK_STATES), "overdue": _late}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.assignee.query = planning.candidates(g.get("district_id"))
        return form


def _figures(view, context, model, name):
    figures = json.loads(model.figures or "{}")
    if "total" not in figures:  # a draft whose figures were never computed
        return _("Not computed yet")
    return Markup(render_template("hazards/statistics_table.html", figures=figures))


class StatisticsView(Base):
    """隐患排查治理统计 (季度/年度): a draft is recomputed on every save; once submitted it is
    locked (the database refuses changes) and a correction is a new version."""

    allow_create = True
    allow_edit = True
    column_list = ("unit", "period", "year", "quarter", "number", "state", "submitted_on", "due")
    column_details_list = (
        *column_list,
        "corrects",
        "submitted_by",
        "note",
        "figures",
    )
    form_columns = ("unit", "period", "year", "quarter", "note")
    form_overrides = {"period": SelectField}
    form_args = {"period": {"choices": options((c, str(lb)) for c, lb in PERIODS)}}
    column_labels = {"due": _l("Due")}
    column_formatters = {
        "period": choice_formatter(PERIODS),
        "state": choice_formatter(REPORT_STATES),
        "figures": _figures,
        "due": lambda v, c, m, n: (statistics.due_date(m) or "") and str(statistics.due_date(m)),
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.period.choices = options([(c, str(lb)) for c, lb in PERIODS])
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.period.choices = options([(c, str(lb)) for c, lb in PERIODS])
        return form

    @action("submit", _l("Submit (报送): lock the figures"))
    def action_submit(self, ids):
        for report in self.get_query().where(StatisticsReport.id.in_(ids)):
            try:
                statistics.submit(Context.current(), report)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Submitted: %(report)s.", report=str(report)), "success")

    @action("correct", _l("Correct: new version of a submitted report"))
    def action_correct(self, ids):
        for report in self.get_query().where(StatisticsReport.id.in_(ids)):
            try:
                draft = statistics.correct(Context.current(), report)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Correction drafted: %(report)s.", report=str(draft)), "success")


class RegisterView(View):
    """登记表: 重大事故隐患登记表 and 隐患排查治理登记表, as a printable page and as XLSX,
    with the hazards the user may see (optionally one community or street, and one year)."""

    plugin_id = PLUGIN
    permission = "read"

    def is_accessible(self):
        if not current_user.is_authenticated or current_user.must_change_password:
            return False
        return self.plugin_enabled() and self.allowed("read")

    def _params(self):
        """(kind, title, units, unit, year) from the request; None when the unit asked for is
        outside the user's scope."""
        kind = "major" if request.args.get("kind") == "major" else "all"
        title = (
            _("Major hazard register")
            if kind == "major"
            else _("Hazard investigation and treatment register")
        )
        year = request.args.get("year", "")
        year = int(year) if year.isdigit() else None
        units = TerritoryUnit.select(TerritoryUnit.id).where(
            (TerritoryUnit.district_id == g.get("district_id"))
            & g.access.unit_condition(PLUGIN, "read")
        )
        unit = None
        wanted = request.args.get("unit", "")
        if wanted:
            unit = (
                TerritoryUnit.select()
                .where(TerritoryUnit.id == (int(wanted) if wanted.isdigit() else 0))
                .where(TerritoryUnit.id.in_(units))
                .first()
            )
            if unit is None:
                return None
            units = units.where(subtree_condition(unit))
        return kind, title, units, unit, year

    @expose("/")
    def index(self):
        params = self._params()
        if params is None:
            return Response(_("This record is outside your data scope."), status=403)
        kind, title, units, unit, year = params
        choices = (
            list(
                TerritoryUnit.select()
                .where(
                    TerritoryUnit.id.in_(units) & TerritoryUnit.level.in_(("street", "community"))
                )
                .order_by(TerritoryUnit.path)
            )
            if unit is None
            else []
        )
        return self.render(
            "hazards/register.html",
            kind=kind,
            title=title,
            unit=unit,
            year=year,
            columns=statistics.register_columns(kind),
            rows=statistics.register_rows(units, kind, year),
            choices=choices,
            today=workdays.today(),
        )

    @expose("/print")
    def print_view(self):
        """The register as a print view (A4 landscape), or as PDF with ``?format=pdf``."""
        from core import printing

        params = self._params()
        if params is None:
            return Response(_("This record is outside your data scope."), status=403)
        kind, title, units, unit, year = params
        return printing.respond(
            "hazards/print_register.html",
            title=title,
            filename=f"{title}_{workdays.today().isoformat()}",
            landscape=True,
            unit=unit,
            year=year,
            columns=statistics.register_columns(kind),
            rows=statistics.register_rows(units, kind, year),
        )

    @expose("/xlsx")
    def xlsx(self):
        params = self._params()
        if params is None:
            return Response(_("This record is outside your data scope."), status=403)
        kind, title, units, unit, year = params
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            heading = " ".join(str(p) for p in (title, unit.name if unit else "", year or "") if p)
            statistics.register_xlsx(
                heading,
                statistics.register_columns(kind),
                statistics.register_rows(units, kind, year),
                path,
            )
            stream = open(path, "rb")  # noqa: SIM115 (closed by the response)
        finally:
            os.unlink(path)
        return send_file(
            stream,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=f"hazards_register_{kind}_{workdays.today().isoformat()}.xlsx",
        )


def management_views(cat) -> list:
    return [
        SupervisedView(
            Hazard,
            name=_l("Supervised hazards (挂牌督办)"),
            category=cat,
            endpoint="hazards_supervised",
            url="/admin/hazards/supervised",
        ),
        CampaignView(Campaign, name=_l("Campaigns (专项行动)"), category=cat),
        ScheduleView(Schedule, name=_l("Inspection schedules (检查计划)"), category=cat),
        TaskView(InspectionTask, name=_l("Inspection tasks (检查任务)"), category=cat),
        StatisticsView(StatisticsReport, name=_l("Statistics (季度/年度统计)"), category=cat),
        RegisterView(
            name=_l("Registers (登记表)"),
            category=cat,
            endpoint="hazards_registers",
            url="/admin/hazards/registers",
        ),
    ]
