"""The registry in the admin. Views only collect input and call :mod:`.services`; every
refusal is flashed in the user's language and nothing is written."""

from __future__ import annotations

import json

from flask import flash, g
from flask_admin.actions import action
from wtforms import SelectField, TextAreaField, validators
from wtfpeewee.fields import ModelSelectMultipleField

from core.admin import ModelView, choice_formatter
from core.choices import options
from core.commands import Context
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.services import ServiceError
from core.workflow_admin import (
    OverdueFilter,
    WorkflowViewMixin,
    overdue_formatter,
    state_filter,
    state_formatter,
)

from . import forms as extra_forms
from . import rules, services
from .flows import (
    APPLICATION_FLOW,
    CHANGE_FLOW,
    EVALUATION_FLOW,
    OBJECTION_FLOW,
    ORG_FLOW,
    PLUGIN,
    REPORT_FLOW,
)
from .models import (
    APPLICATION_KINDS,
    CHANGE_FIELDS,
    LEGAL_FORMS,
    LIST_KINDS,
    LISTING_STATES,
    ORG_TYPES,
    PARTY_STATUSES,
    SANCTION_KINDS,
    Activity,
    AnnualReport,
    Application,
    ChangeRequest,
    CharterVersion,
    CreditListing,
    Evaluation,
    Incubation,
    Objection,
    Organisation,
    PurchaseProject,
    Sanction,
    reason_label,
)


def translated(view, context, model, name):
    """A reason column: system reasons translated, staff's free text as typed (escaped)."""
    return reason_label(getattr(model, name))


def priority(view, context, model, name):
    org = model if isinstance(model, Organisation) else model.organisation
    from core.workdays import today

    return (
        _("Priority (3A+)") if rules.is_priority(org.grade, org.grade_valid_until, today()) else ""
    )


class Base(ModelView):
    plugin_id = PLUGIN
    column_default_sort = ("id", True)


class ServiceCreate:
    """Create through a service: ``create_record(form)`` returns the record or raises."""

    def create_model(self, form):
        try:
            record = self.create_record(form)
        except ServiceError as exc:
            flash(str(exc), "error")
            return False
        self.after_model_change(form, record, True)
        return record


class Flow(WorkflowViewMixin, ServiceCreate, Base):
    allow_delete = False
    allow_edit = False
    move = None  # the service function taking a step

    def perform_transition(self, record, code, comment, data):
        return type(self).move(Context.current(), record, code, comment, data)


# -- organisations -------------------------------------------------------------------------


class OrganisationView(Flow):
    """社会组织名录: one row per organisation, filed or registered, for its whole life."""

    workflow = ORG_FLOW
    move = staticmethod(services.move_organisation)
    allow_edit = True
    details_template = "socialorgs/organisation_details.html"
    print_record_title = _l("Registration record")
    print_record_template = "socialorgs/print_organisation.html"
    column_list = (
        "name",
        "legal_form",
        "org_type",
        "category",
        "credit_code",
        "filing_number",
        "unit",
        "grade",
        "priority",
        "state",
        "last_activity_on",
    )
    column_details_list = (
        "name",
        "former_names",
        "legal_form",
        "org_type",
        "category",
        "credit_code",
        "filing_number",
        "supervisor",
        "legal_rep",
        "legal_rep_id",
        "members_individual",
        "members_unit",
        "funds",
        "address",
        "premises",
        "purpose",
        "scope",
        "party_status",
        "charter_version",
        "founded_on",
        "contact_name",
        "contact_phone",
        "unit",
        "filed_on",
        "registered_on",
        "ended_on",
        "grade",
        "grade_valid_until",
        "last_activity_on",
        "extras",
        "state",
    )
    column_export_list = column_list
    column_searchable_list = ("name", "credit_code", "filing_number", "legal_rep")
    column_filters = (
        state_filter(ORG_FLOW, Organisation.state),
        "legal_form",
        "org_type",
        "category",
        "party_status",
        "grade",
        "unit",
        "last_activity_on",
    )
    column_labels = {
        "unit": _l("Filing or guiding unit"),
        "priority": _l("Purchase priority"),
        "state": _l("Status"),
    }
    column_formatters = {
        "legal_form": choice_formatter(LEGAL_FORMS),
        "org_type": choice_formatter(ORG_TYPES),
        "party_status": choice_formatter(PARTY_STATUSES),
        "state": state_formatter(ORG_FLOW),
        "priority": priority,
        "extras": lambda v, c, m, n: extra_forms.extras_text(m),
    }
    column_formatters_export = column_formatters
    form_columns = ("unit", *services.REGISTRY_FIELDS)
    form_extra_fields = {
        "kind": SelectField(
            _l("Apply for"),
            choices=options(APPLICATION_KINDS),
            validators=[validators.InputRequired()],
        ),
        "materials": TextAreaField(_l("Materials submitted")),
        "areas": ModelSelectMultipleField(_l("Area of operation (活动地域)"), model=TerritoryUnit),
    }

    def _restrict_areas(self, form):
        if "areas" in form._fields:
            access = g.get("access")
            query = TerritoryUnit.select().where(access.unit_condition(PLUGIN, "read"))
            if g.get("district_id") is not None:
                query = query.where(TerritoryUnit.district_id == g.district_id)
            form.areas.query = query.where(
                TerritoryUnit.level.in_(("street", "community", "grid"))
            ).order_by(TerritoryUnit.path)
        return form

    def create_form(self, obj=None):
        form = extra_forms.extended_create_form(self, obj)
        return self._restrict_units(self._restrict_areas(form), "create")

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in ("kind", "materials", "areas", "unit"):
            if name in form._fields:
                delattr(form, name)
        if obj is not None and obj.state != "pending":
            for name in services.REGISTERED_ITEMS:  # 变更登记 only
                if name in form._fields:
                    delattr(form, name)
        return form

    def validate_form(self, form):
        ok = super().validate_form(form)
        return extra_forms.validate_extras(form) and ok

    def create_record(self, form):
        org = Organisation()
        for name in ("unit", *services.REGISTRY_FIELDS):
            if name in form._fields:
                setattr(org, name, form[name].data)
        org.extras = json.dumps(getattr(form, "_extras_cleaned", {}), ensure_ascii=False)
        services.apply_new(
            Context.current(), org, form.kind.data, form.materials.data or "", form.areas.data
        )
        return org

    def update_model(self, form, model):
        values = {
            name: form[name].data for name in services.REGISTRY_FIELDS if name in form._fields
        }
        try:
            services.update_organisation(Context.current(), model, values)
        except ServiceError as exc:
            flash(str(exc), "error")
            return False
        return True

    def print_record_context(self, model):
        return {"extra": self.details_extra(model)}

    def details_extra(self, org):
        return {
            "areas": [a.area for a in org.areas],
            "charters": list(org.charters.order_by(CharterVersion.number)),
            "credit": services.history(org),
            "identifier": rules.org_identifier(org.credit_code, org.filing_number),
        }


class ApplicationView(Flow):
    """备案 / 登记申请: acceptance, review, correction, decision (60 days for registration)."""

    workflow = APPLICATION_FLOW
    move = staticmethod(services.move_application)
    column_list = ("id", "organisation", "kind", "unit", "state", "due", "overdue", "created_at")
    column_details_list = (
        "organisation",
        "kind",
        "materials",
        "credit_code",
        "decision",
        "decided_on",
        "unit",
        "state",
        "due",
        "created_by",
        "created_at",
    )
    column_filters = (
        state_filter(APPLICATION_FLOW, Application.state),
        OverdueFilter(Application.due),
        "kind",
        "unit",
        "due",
    )
    column_labels = {"overdue": _l("Overdue")}
    column_formatters = {
        "kind": choice_formatter(APPLICATION_KINDS),
        "state": state_formatter(APPLICATION_FLOW),
        "overdue": overdue_formatter,
    }
    form_columns = ("organisation", "materials")

    def create_record(self, form):
        """A filed organisation applies to register (new ones apply from the registry)."""
        return services.apply_registration(
            Context.current(), form.organisation.data, form.materials.data or ""
        )


class ChangeView(Flow):
    """变更登记: one item, old and new value, within 30 days of the supervisor's agreement."""

    workflow = CHANGE_FLOW
    move = staticmethod(services.move_change)
    column_list = ("organisation", "field", "old_value", "new_value", "agreed_on", "state")
    column_filters = (state_filter(CHANGE_FLOW, ChangeRequest.state), "field", "agreed_on")
    column_formatters = {
        "field": choice_formatter(CHANGE_FIELDS),
        "state": state_formatter(CHANGE_FLOW),
    }
    form_columns = ("organisation", "field", "new_value", "agreed_on")

    def create_record(self, form):
        return services.request_change(
            Context.current(),
            form.organisation.data,
            form.field.data,
            form.new_value.data,
            form.agreed_on.data,
        )


class AnnualReportView(Flow):
    """年度报告: to the supervisor by 31 March, to the registrar by 31 May."""

    workflow = REPORT_FLOW
    move = staticmethod(services.move_report)
    column_list = ("organisation", "year", "submitted_on", "state", "due", "overdue")
    column_filters = (
        state_filter(REPORT_FLOW, AnnualReport.state),
        OverdueFilter(AnnualReport.due),
        "year",
        "unit",
    )
    column_labels = {"overdue": _l("Overdue")}
    column_formatters = {"state": state_formatter(REPORT_FLOW), "overdue": overdue_formatter}
    form_columns = ("organisation", "year", "income", "expenditure", "activities", "summary")
    form_args = {"year": {"validators": [validators.Optional()]}}

    def create_record(self, form):
        values = {n: form[n].data for n in ("income", "expenditure", "activities", "summary")}
        return services.submit_report(
            Context.current(), form.organisation.data, form.year.data, values
        )


class SanctionView(ServiceCreate, Base):
    """行政检查与处罚: warnings, fines, unsigned letters; they trigger the credit lists."""

    allow_edit = False
    allow_delete = False
    column_list = ("organisation", "kind", "on_date", "amount", "document", "created_at")
    column_filters = ("kind", "on_date", "unit")
    column_formatters = {"kind": choice_formatter(SANCTION_KINDS)}
    form_columns = ("organisation", "kind", "on_date", "amount", "document", "note")

    create_action = "sanction"  # 行政处罚 is recorded by those who may sanction

    def create_record(self, form):
        return services.record_sanction(
            Context.current(),
            form.organisation.data,
            form.kind.data,
            form.on_date.data,
            form.amount.data,
            form.document.data,
            form.note.data,
        )


class ListingView(Base):
    """活动异常名录 / 严重违法失信名单: who is listed, why, and since when."""

    allow_create = False
    allow_edit = False
    allow_delete = False
    details_template = "socialorgs/listing_details.html"
    column_list = (
        "organisation",
        "list_kind",
        "reason",
        "listed_on",
        "clock_from",
        "removable_on",
        "state",
        "removed_on",
    )
    column_filters = ("list_kind", "state", "listed_on", "removable_on", "unit")
    column_formatters = {
        "list_kind": choice_formatter(LIST_KINDS),
        "state": choice_formatter(LISTING_STATES),
        "reason": translated,
    }
    column_formatters_export = column_formatters

    @action(
        "remove_fixed",
        _l("Remove: cause fixed (abnormal list only)"),
        _l("Remove the selected organisations from the abnormal-activity list?"),
    )
    def action_remove_fixed(self, ids):
        query = self.scoped_query(CreditListing.select(), "approve").where(CreditListing.id << ids)
        for listing in query:
            try:
                services.remove_listing(
                    Context.current(), listing, rules.REASON_CAUSE_FIXED, early=True
                )
                flash(_("%(name)s was removed from the list.", name=listing.organisation.name))
            except ServiceError as exc:
                flash(str(exc), "error")

    def is_action_allowed(self, name):
        if name == "remove_fixed":
            return self.allowed("approve")
        return super().is_action_allowed(name)

    def events(self, listing):
        return list(listing.events.order_by(listing.events.model.id))


class ObjectionView(Flow):
    """异议: an organisation objects to its listing; upheld means it leaves the list."""

    workflow = OBJECTION_FLOW
    move = staticmethod(services.move_objection)
    column_list = ("listing", "content", "state", "due", "overdue", "created_at")
    column_filters = (state_filter(OBJECTION_FLOW, Objection.state), OverdueFilter(Objection.due))
    column_labels = {"overdue": _l("Overdue")}
    column_formatters = {"state": state_formatter(OBJECTION_FLOW), "overdue": overdue_formatter}
    form_columns = ("listing", "content")

    def create_record(self, form):
        return services.object_to(Context.current(), form.listing.data, form.content.data)


class EvaluationView(Flow):
    """等级评估: score, publicity, review (复核), grade 5A-1A valid 5 years."""

    workflow = EVALUATION_FLOW
    move = staticmethod(services.move_evaluation)
    column_list = ("organisation", "score", "grade", "state", "due", "graded_on", "valid_until")
    column_filters = (state_filter(EVALUATION_FLOW, Evaluation.state), "grade", "valid_until")
    column_formatters = {"state": state_formatter(EVALUATION_FLOW)}
    form_columns = ("organisation",)

    def create_record(self, form):
        return services.apply_evaluation(Context.current(), form.organisation.data)


class CharterView(ServiceCreate, Base):
    """章程版本: each adopted charter is kept."""

    scope_through = "organisation"
    allow_edit = False
    allow_delete = False
    column_list = ("organisation", "number", "adopted_on", "summary", "created_at")
    form_columns = ("organisation", "adopted_on", "summary")

    def create_record(self, form):
        if form.adopted_on.data is None:
            raise ServiceError(_("Please enter the date the charter was adopted."))
        return services.adopt_charter(
            Context.current(), form.organisation.data, form.adopted_on.data, form.summary.data or ""
        )


class ActivityView(Base):
    """活动记录: the inactivity alert (12 months) reads these."""

    column_list = ("organisation", "held_on", "title", "participants", "place")
    column_filters = ("held_on", "unit")
    column_searchable_list = ("title",)
    form_columns = ("organisation", "held_on", "title", "participants", "place")


class IncubationView(Base):
    """孵化培育: programmes, bases and the support each organisation receives."""

    column_list = ("organisation", "programme", "base", "subsidy", "starts_on", "graduated")
    column_filters = ("programme", "graduated", "starts_on", "unit")
    form_columns = (
        "organisation",
        "programme",
        "base",
        "support",
        "subsidy",
        "starts_on",
        "ends_on",
        "graduated",
    )


def total_score(view, context, model, name):
    district = services.district_of(model)
    weights = tuple(
        services.setting(district, key)
        for key in ("weight_purchaser", "weight_users", "weight_third_party")
    )
    score = rules.three_party_score(
        model.purchaser_score, model.users_score, model.third_party_score, weights
    )
    return "" if score is None else score


class PurchaseView(Base):
    """政府购买服务: project, undertaker, budget, period, outputs, three-party evaluation."""

    column_list = (
        "title",
        "purchaser",
        "organisation",
        "priority",
        "budget",
        "starts_on",
        "ends_on",
        "total",
    )
    column_labels = {"priority": _l("Purchase priority"), "total": _l("Three-party score")}
    column_formatters = {"priority": priority, "total": total_score}
    column_filters = ("starts_on", "ends_on", "unit")
    column_searchable_list = ("title", "purchaser")
    form_columns = (
        "title",
        "unit",
        "purchaser",
        "organisation",
        "budget",
        "starts_on",
        "ends_on",
        "outputs",
        "purchaser_score",
        "users_score",
        "third_party_score",
    )


def admin_views(admin) -> list:
    cat = admin.category
    return [
        OrganisationView(Organisation, name=_l("Registry (名录)"), category=cat),
        ApplicationView(Application, name=_l("Applications (备案/登记)"), category=cat),
        ChangeView(ChangeRequest, name=_l("Changes (变更)"), category=cat),
        AnnualReportView(AnnualReport, name=_l("Annual reports (年报)"), category=cat),
        SanctionView(Sanction, name=_l("Inspections and penalties"), category=cat),
        ListingView(CreditListing, name=_l("Credit lists (信用名单)"), category=cat),
        ObjectionView(Objection, name=_l("Objections (异议)"), category=cat),
        EvaluationView(Evaluation, name=_l("Evaluations (评估)"), category=cat),
        CharterView(CharterVersion, name=_l("Charter versions"), category=cat),
        ActivityView(Activity, name=_l("Activity log"), category=cat),
        IncubationView(Incubation, name=_l("Incubation (孵化)"), category=cat),
        PurchaseView(PurchaseProject, name=_l("Purchased services"), category=cat),
        _export_view(cat),
    ]


def _export_view(category):
    from .reports import ExportView

    return ExportView(
        name=_l("Open data export"),
        category=category,
        endpoint="socialorgs_export",
        url="/admin/socialorgs/export",
        plugin_id=PLUGIN,
    )
