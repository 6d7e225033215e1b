"""Admin views of the property service (物业服务): companies, contracts with their notice dates
highlighted, service models, complaints with their handling, disputes referred to mediation
and joint meetings whose decisions are published. The records' rules are :mod:`.commands`
(run by every write path); the steps are :mod:`.services`."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from markupsafe import Markup, escape

from core.admin import choice_formatter
from core.commands import Context
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext

from ..fund.rules import yuan
from ..shared.admin import LABELS, OwnersView, render_form
from . import services
from .forms import HandleForm
from .models import (
    COMPLAINT_STATES,
    SERVICE_MODELS,
    Complaint,
    CompoundService,
    Dispute,
    JointMeeting,
    PropertyCompany,
    ServiceContract,
)


class PropertyCompanyView(OwnersView):
    """物业服务企业 Property companies."""

    column_list = ("name", "uscc", "qualification", "contact", "phone", "unit")
    column_searchable_list = ("name", "uscc")
    column_filters = ("unit",)
    column_labels = {
        **LABELS,
        "name": _l("Company name"),
        "uscc": _l("Unified social credit code"),
        "qualification": _l("Qualification"),
        "contact": _l("Contact person"),
        "phone": _l("Phone"),
    }
    form_columns = ("unit", "name", "uscc", "qualification", "contact", "phone")


def _notice(name):
    def fmt(view, context, model, _name):
        if model.ends_on is None:
            return ""
        found = services.contract_notices(model)[name]
        text = found["due"].isoformat()
        if found["past"]:
            return Markup(f'<span class="badge badge-danger">{escape(text)}</span>')
        if found["alert"]:
            return Markup(f'<span class="badge badge-warning">{escape(text)}</span>')
        return text

    return fmt


def _fee(view, context, model, name):
    return yuan(model.fee_fen_per_m2 or 0)


class ServiceContractView(OwnersView):
    """物业服务合同 Contracts with their renewal (90 days) and dismissal (60 days) notice dates,
    highlighted when near or past."""

    column_list = (
        "unit",
        "company",
        "starts_on",
        "ends_on",
        "fee_fen_per_m2",
        "renewal_notice",
        "dismissal_notice",
        "terminated_on",
    )
    column_filters = ("unit", "ends_on")
    column_labels = {
        **LABELS,
        "company": _l("Property company"),
        "starts_on": _l("Starts on"),
        "ends_on": _l("Ends on"),
        "fee_fen_per_m2": _l("Fee (yuan per m² per month)"),
        "renewal_notice": _l("Non-renewal notice due"),
        "dismissal_notice": _l("Dismissal notice due"),
        "terminated_on": _l("Terminated on"),
        "note": _l("Note"),
    }
    column_formatters = {
        "renewal_notice": _notice("renewal"),
        "dismissal_notice": _notice("dismissal"),
        "fee_fen_per_m2": _fee,
    }
    form_columns = (
        "unit",
        "company",
        "starts_on",
        "ends_on",
        "fee_fen_per_m2",
        "terminated_on",
        "note",
    )
    form_args = {"fee_fen_per_m2": {"label": _l("Fee (fen per m² per month)")}}


class CompoundServiceView(OwnersView):
    """物业服务模式 The service model of each compound (one of four)."""

    column_list = ("unit", "model", "since", "note")
    column_filters = ("model", "unit")
    column_labels = {
        **LABELS,
        "model": _l("Service model"),
        "since": _l("Since"),
        "note": _l("Note"),
    }
    column_formatters = {"model": choice_formatter(SERVICE_MODELS)}
    form_columns = ("unit", "model", "since", "note")
    form_choices = {"model": SERVICE_MODELS}


def _overdue(view, context, model, name):
    if services.is_overdue(model):
        return Markup(f'<span class="badge badge-danger">{escape(_("Overdue"))}</span>')
    return ""


class ComplaintView(OwnersView):
    """物业投诉 Complaints: deadline, handling, the resident's rating; overdue ones flagged."""

    allow_create = allow_edit = allow_delete = False
    column_list = ("title", "status", "filed_on", "due_on", "overdue", "rating", "unit")
    column_details_list = (
        "title",
        "body",
        "complainant",
        "status",
        "filed_on",
        "due_on",
        "overdue",
        "handling",
        "handled_on",
        "rating",
        "rating_comment",
        "unit",
    )
    column_filters = ("status", "due_on", "unit")
    column_searchable_list = ("title",)
    column_labels = {
        **LABELS,
        "title": _l("Subject"),
        "body": _l("Description"),
        "complainant": _l("Complainant"),
        "status": _l("Status"),
        "filed_on": _l("Complaint date"),
        "due_on": _l("Handle by"),
        "overdue": _l("Overdue"),
        "handling": _l("Handling"),
        "handled_on": _l("Handled on"),
        "rating": _l("Rating (1-5)"),
        "rating_comment": _l("Resident's comment"),
    }
    column_formatters = {"status": choice_formatter(COMPLAINT_STATES), "overdue": _overdue}
    column_formatters_detail = column_formatters
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-check", ".handle_view", title=_l("Record the handling")),
    ]

    @expose("/handle/", methods=["GET", "POST"])
    def handle_view(self):
        back = url_for(".index_view")
        complaint = self.scoped_record(Complaint)
        if complaint is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
        form = HandleForm()
        if form.validate_on_submit():
            try:
                services.handle_complaint(Context.current(), complaint, form.handling.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return render_form(self, _("Record the handling"), form, back, str(complaint))


def _case_link(view, context, model, name):
    if not model.case_id:
        return ""
    from core.cases.models import Case
    from core.cases.services import details_url

    case = Case.get_or_none(Case.id == model.case_id)
    if case is None:
        return ""
    return Markup(f'<a href="{escape(details_url(case))}">{escape(case.title)}</a>')


class DisputeView(OwnersView):
    """物业纠纷 Disputes, referred to mediation as core cases."""

    column_list = ("title", "parties", "case_id", "unit")
    column_filters = ("unit",)
    column_searchable_list = ("title",)
    column_labels = {
        **LABELS,
        "title": _l("Subject"),
        "parties": _l("Parties"),
        "description": _l("Description"),
        "case_id": _l("Mediation case"),
    }
    column_formatters = {"case_id": _case_link}
    column_formatters_detail = column_formatters
    form_columns = ("unit", "title", "parties", "description")

    @action("mediate", _l("Refer to mediation"), _l("Refer the selected disputes to mediation?"))
    def action_mediate(self, ids):
        done = 0
        for dispute in self.scoped_query(Dispute.select(), "update").where(Dispute.id.in_(ids)):
            try:
                services.refer_to_mediation(Context.current(), dispute)
                done += 1
            except ServiceError as exc:
                flash(f"{dispute.title}: {exc}", "error")
        if done:
            flash(_("Done."), "success")


class JointMeetingView(OwnersView):
    """联席会议 Joint meetings (residents' committee, owners' committee, property company)."""

    column_list = ("held_on", "topic", "attendees", "publication_id", "unit")
    column_filters = ("held_on", "unit")
    column_searchable_list = ("topic",)
    column_labels = {
        **LABELS,
        "held_on": _l("Held on"),
        "topic": _l("Topic"),
        "attendees": _l("Attendees"),
        "minutes": lazy_pgettext("meeting", "Minutes"),
        "decisions": _l("Decisions"),
        "publication_id": _l("Public notice"),
    }
    form_columns = ("unit", "held_on", "topic", "attendees", "minutes", "decisions")

    @action(
        "publish",
        _l("Publish the decisions"),
        _l("Publish the decisions of the selected meetings as public notices?"),
    )
    def action_publish(self, ids):
        done = 0
        query = self.scoped_query(JointMeeting.select(), "update").where(JointMeeting.id.in_(ids))
        for meeting in query:
            try:
                services.publish_decisions(Context.current(), meeting)
                done += 1
            except ServiceError as exc:
                flash(f"{meeting.topic}: {exc}", "error")
        if done:
            flash(_("Done."), "success")


def admin_views(category) -> list:
    views = [
        (PropertyCompanyView, PropertyCompany, _l("Property companies")),
        (ServiceContractView, ServiceContract, _l("Service contracts")),
        (CompoundServiceView, CompoundService, _l("Service models")),
        (ComplaintView, Complaint, _l("Complaints")),
        (DisputeView, Dispute, _l("Disputes")),
        (JointMeetingView, JointMeeting, _l("Joint meetings")),
    ]
    return [cls(model, name=name, category=category) for cls, model, name in views]
