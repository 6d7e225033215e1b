"""The time bank in the admin (管理后台): volunteers, teams, activities, shifts, sign-ups,
requests, service records with the approval queue, the ledger (read-only), certificates.

Every write goes through :mod:`plugins.timebank.services`; these views only collect input
and show the result.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from markupsafe import Markup
from wtforms import BooleanField

from core.admin import ModelView, choice_formatter
from core.commands import Context
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import ngettext
from core.services import ServiceError
from core.workflow_admin import WorkflowViewMixin, state_filter, state_formatter

from . import rules, services
from .flows import RECORD_FLOW
from .forms import IssueForm, LedgerForm, ReasonForm, StaffLogForm
from .models import (
    ACCOUNT_KINDS,
    ACCOUNT_ROLES,
    ACTIVITY_STATES,
    CONFIRM_METHODS,
    RECORD_SOURCES,
    REQUEST_STATES,
    SIGNUP_STATES,
    TRANSFER_KINDS,
    VOLUNTEER_STATUSES,
    Account,
    Activity,
    Certificate,
    Movement,
    ServiceRecord,
    ServiceRequest,
    Shift,
    SignUp,
    Team,
    Transfer,
    Volunteer,
)

PLUGIN = "timebank"


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def minutes_fmt(view, context, model, name):
    return rules.format_minutes(getattr(model, name) or 0)


LABELS = {
    "id": _l("No."),
    "unit": _l("Territory unit"),
    "name": _l("Name"),
    "created_at": _l("Created at"),
}


def visible(model, pk, action="read"):
    """The ``model`` row ``pk`` if it lies in the current user's scope for ``action``."""
    access = g.get("access")
    if access is None or not pk:
        return None
    condition = access.scope_condition(model, PLUGIN, action, g.get("district_id"))
    return model.select().where((model.id == pk) & condition).first()


class TimebankView(ModelView):
    plugin_id = PLUGIN
    column_default_sort = ("id", True)

    def scoped_record(self, model, action="update"):
        return (
            self.scoped_query(model.select(), action)
            .where(model.id == _int(request.values.get("id")))
            .first()
        )

    def reason_page(self, title, record, done, verb="update"):
        """A page asking for a reason, then calling ``done(record, reason)``."""
        back = request.values.get("url") or url_for(".index_view")
        if record is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
        form = ReasonForm()
        if form.validate_on_submit():
            try:
                done(record, form.reason.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return self.render(
            "admin/linli_form.html", title=title, subject=str(record), form=form, back=back
        )


class TeamView(TimebankView):
    """志愿服务队伍与服务站 Teams and service stations."""

    column_list = ("name", "kind", "unit", "leader_name", "leader_mobile", "active")
    column_filters = ("kind", "unit", "active")
    column_searchable_list = ("name", "leader_name")
    column_labels = {
        **LABELS,
        "kind": _l("Kind"),
        "leader_name": _l("Leader"),
        "leader_mobile": _l("Leader's mobile"),
        "address": _l("Address"),
        "description": _l("Description"),
        "active": _l("Active"),
    }
    form_columns = (
        "unit",
        "name",
        "kind",
        "leader_name",
        "leader_mobile",
        "address",
        "description",
        "active",
    )


def _balance(kind):
    def fmt(view, context, model, name):
        account = Account.get_or_none((Account.volunteer == model.id) & (Account.kind == kind))
        return rules.format_minutes(account.balance if account else 0)

    return fmt


def _extras(view, context, model, name):
    """The answers to the registration extras, labelled as the form version showed them."""
    import json

    from forms.services import version_form

    if model.extras_id is None:
        return ""
    submission = model.extras
    form = version_form(submission.version)
    answers = json.loads(submission.data or "{}")
    lines = []
    for _section, f in form.fields():
        value = answers.get(f.key)
        if value in (None, "", []):
            continue
        if f.choices:
            labels = {c.code: c.label_zh for c in f.choices}
            values = value if isinstance(value, list) else [value]
            value = "、".join(labels.get(v, str(v)) for v in values)
        lines.append(Markup("{}：{}").format(f.label_zh, value))
    return Markup("<br>").join(lines)


def _stars(view, context, model, name):
    return "★" * services.stars(model) or "—"


class VolunteerView(TimebankView):
    """志愿者 Volunteers: real-name register, review of self-registrations, status."""

    allow_delete = False  # service records and the ledger refer to them; they leave instead
    column_list = (
        "id",
        "name",
        "id_number",
        "mobile",
        "unit",
        "team",
        "source",
        "status",
        "created_at",
    )
    column_details_list = (
        "id",
        "name",
        "id_number",
        "mobile",
        "unit",
        "team",
        "source",
        "skills",
        "availability",
        "national_number",
        "consent_at",
        "status",
        "status_note",
        "extras",
        "hours",
        "credits",
        "stars",
        "created_at",
    )
    column_export_list = column_list
    column_filters = ("status", "unit", "team", "source", "created_at")
    column_searchable_list = ("name", "national_number")
    trigram_search = True  # the index of migrations/timebank/0005_search_index.py
    column_labels = {
        **LABELS,
        "id_number": _l("ID card number"),
        "mobile": _l("Mobile phone"),
        "team": _l("Team"),
        "source": _l("Source"),
        "skills": _l("Skills"),
        "availability": _l("Availability"),
        "national_number": _l("National volunteer number"),
        "consent_at": _l("Consent to data use given at"),
        "status": _l("Status"),
        "status_note": _l("Status note"),
        "hours": _l("Service hours"),
        "credits": _l("Time credits"),
        "stars": _l("Star level"),
        "extras": _l("More details"),
        "created_at": _l("Registered at"),
    }
    column_formatters = {
        "status": choice_formatter(VOLUNTEER_STATUSES),
    }
    column_formatters_detail = {
        **column_formatters,
        "hours": _balance("hours"),
        "credits": _balance("credits"),
        "stars": _stars,
        "extras": _extras,
    }
    column_formatters_export = column_formatters
    form_columns = (
        "unit",
        "name",
        "id_number",
        "mobile",
        "source",
        "team",
        "skills",
        "availability",
        "national_number",
    )
    form_extra_fields = {
        "consent": BooleanField(
            _l(
                "The volunteer agrees that their personal data is recorded and used for "
                "volunteer service"
            )
        )
    }
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-pause", ".status_view", title=_l("Change status")),
    ]

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in ("unit", "consent"):
            if name in form._fields:
                delattr(form, name)
        return form

    def create_model(self, form):
        vol = Volunteer()
        consent = form.consent.data
        delattr(form, "consent")
        form.populate_obj(vol)
        vol.consent_at = True if consent else None
        try:
            return services.register(Context.current(), vol)
        except ServiceError as exc:
            flash(str(exc), "error")
            return False

    def update_model(self, form, model):
        values = {name: form[name].data for name in form._fields if name != "csrf_token"}
        try:
            services.update_volunteer(Context.current(), model, values)
        except ServiceError as exc:
            flash(str(exc), "error")
            return False
        return True

    @action("approve", _l("Accept the registrations"), _l("Accept the selected registrations?"))
    def action_approve(self, ids):
        self._bulk_status(ids, "approve")

    @action("resume", _l("Resume"), _l("Resume the selected volunteers?"))
    def action_resume(self, ids):
        self._bulk_status(ids, "resume")

    def _bulk_status(self, ids, move):
        done = 0
        for vol in self.scoped_query(Volunteer.select(), "update").where(Volunteer.id.in_(ids)):
            try:
                services.set_status(Context.current(), vol, move)
                done += 1
            except ServiceError as exc:
                flash(f"{vol.name}: {exc}", "error")
        if done:
            flash(
                ngettext("%(num)d volunteer changed.", "%(num)d volunteers changed.", done),
                "success",
            )

    @expose("/status/", methods=["GET", "POST"])
    def status_view(self):
        vol = self.scoped_record(Volunteer)
        move = request.values.get("move", "")
        if vol is not None and move not in services.STATUS_MOVES:
            return self.render(
                "timebank/admin_status.html",
                volunteer=vol,
                moves=[
                    m for m, (sources, _t) in services.STATUS_MOVES.items() if vol.status in sources
                ],
                back=url_for(".index_view"),
            )
        return self.reason_page(
            _("Change status"),
            vol,
            lambda record, reason: services.set_status(Context.current(), record, move, reason),
        )


class ActivityView(TimebankView):
    """志愿服务活动 Activities and projects."""

    column_list = ("title", "service_type", "target_group", "team", "unit", "location", "state")
    column_filters = ("service_type", "target_group", "state", "unit", "team")
    column_searchable_list = ("title",)
    column_labels = {
        **LABELS,
        "title": _l("Title"),
        "description": _l("Description"),
        "service_type": _l("Service type"),
        "target_group": _l("Served group"),
        "team": _l("Organising team"),
        "organiser": _l("Organiser"),
        "location": _l("Location"),
        "state": _l("State"),
    }
    column_formatters = {"state": choice_formatter(ACTIVITY_STATES)}
    form_columns = (
        "unit",
        "title",
        "description",
        "service_type",
        "target_group",
        "team",
        "location",
        "state",
    )
    form_choices = {"state": ACTIVITY_STATES}


class ShiftView(TimebankView):
    """班次 Shifts: when, and how many places."""

    column_list = ("activity", "starts_at", "ends_at", "capacity", "taken", "unit")
    column_filters = ("activity", "starts_at", "unit")
    column_labels = {
        **LABELS,
        "activity": _l("Activity"),
        "starts_at": _l("Starts at"),
        "ends_at": _l("Ends at"),
        "capacity": _l("Places"),
        "taken": _l("Taken"),
    }
    column_formatters = {"taken": lambda v, c, m, n: services._taken(m.id)}
    form_columns = ("unit", "activity", "starts_at", "ends_at", "capacity")


class SignUpView(TimebankView):
    """报名 Sign-ups, the waiting list, and check-in/out by staff on someone's behalf."""

    allow_edit = allow_delete = False
    column_list = (
        "shift",
        "volunteer",
        "state",
        "signed_at",
        "checked_in_at",
        "checked_out_at",
        "unit",
    )
    column_filters = ("state", "shift", "volunteer", "unit")
    column_labels = {
        **LABELS,
        "shift": _l("Shift"),
        "volunteer": _l("Volunteer"),
        "state": _l("State"),
        "signed_at": _l("Signed up at"),
        "checked_in_at": _l("Checked in at"),
        "checked_out_at": _l("Checked out at"),
    }
    column_formatters = {"state": choice_formatter(SIGNUP_STATES)}
    form_columns = ("shift", "volunteer")

    def create_model(self, form):
        try:
            shift, vol = form.shift.data, form.volunteer.data
            if shift is None or vol is None:
                raise ServiceError(_("Please choose the shift and the volunteer."))
            for record, model in ((shift, Shift), (vol, Volunteer)):
                if visible(model, record.id, "create") is None:
                    raise ServiceError(_("This record is outside your data scope."))
            return services.sign_up(Context.current(), shift, vol)
        except ServiceError as exc:
            flash(str(exc), "error")
            return False

    def _each(self, ids, operation):
        done = 0
        for signup in self.scoped_query(SignUp.select(), "update").where(SignUp.id.in_(ids)):
            try:
                operation(signup)
                done += 1
            except ServiceError as exc:
                flash(f"{signup.volunteer.name}: {exc}", "error")
        if done:
            flash(
                ngettext("%(num)d sign-up changed.", "%(num)d sign-ups changed.", done), "success"
            )

    @action("check_in", _l("Check in"), _l("Check in the selected volunteers?"))
    def action_check_in(self, ids):
        self._each(ids, lambda s: services.check_in(Context.current(), s))

    @action("check_out", _l("Check out"), _l("Check out the selected volunteers?"))
    def action_check_out(self, ids):
        self._each(ids, lambda s: services.check_out(Context.current(), s))

    @action("cancel", _l("Cancel the sign-up"), _l("Cancel the selected sign-ups?"))
    def action_cancel(self, ids):
        self._each(ids, lambda s: services.cancel_signup(Context.current(), s))


def _suggestions(view, context, model, name):
    if model.state != "open":
        return ""
    return ", ".join(f"{v.name} (#{v.id})" for v in services.suggest_volunteers(model, 5))


class ServiceRequestView(TimebankView):
    """居民服务需求 Residents' requests, matched to volunteers."""

    column_list = (
        "requester_name",
        "target_group",
        "service_type",
        "wanted_on",
        "volunteer",
        "state",
        "unit",
    )
    column_details_list = (
        "requester_name",
        "requester_mobile",
        "target_group",
        "service_type",
        "description",
        "wanted_on",
        "volunteer",
        "state",
        "suggestions",
        "unit",
    )
    column_filters = ("state", "target_group", "service_type", "unit", "wanted_on")
    column_searchable_list = ("requester_name", "description")
    column_labels = {
        **LABELS,
        "requester_name": _l("Requester"),
        "requester_mobile": _l("Requester's mobile"),
        "target_group": _l("Served group"),
        "service_type": _l("Service type"),
        "description": _l("What is needed"),
        "wanted_on": _l("Wanted on"),
        "volunteer": _l("Matched volunteer"),
        "state": _l("State"),
        "suggestions": _l("Suggested volunteers"),
    }
    column_formatters = {
        "state": choice_formatter(REQUEST_STATES),
    }
    column_formatters_detail = {**column_formatters, "suggestions": _suggestions}
    form_columns = (
        "unit",
        "requester_name",
        "requester_mobile",
        "target_group",
        "service_type",
        "description",
        "wanted_on",
    )

    @expose("/match/", methods=["POST"])
    def match_view(self):
        req = self.scoped_record(ServiceRequest)
        vol = visible(Volunteer, _int(request.form.get("volunteer")), "read")
        try:
            if req is None or vol is None:
                raise ServiceError(
                    _("Please choose the request and a volunteer of your communities.")
                )
            services.match_request(Context.current(), req, vol)
            flash(_("Matched with %(name)s.", name=vol.name), "success")
        except ServiceError as exc:
            flash(str(exc), "error")
        return redirect(url_for(".details_view", id=req.id) if req else url_for(".index_view"))


class ServiceRecordView(WorkflowViewMixin, TimebankView):
    """志愿服务记录 Service records: confirmation, approval (in bulk), rejection, reversal.

    The details page shows the record's workflow (core.workflow): its state and deadline, the
    steps the user may take and the history; every step, the bulk approval and the reason
    pages call the same workflow steps as the portal and the API."""

    workflow = RECORD_FLOW

    allow_edit = allow_delete = False  # evidence: rejected or reversed, never edited
    create_template = "timebank/admin_log.html"
    column_list = (
        "id",
        "volunteer",
        "started_at",
        "minutes",
        "content",
        "service_type",
        "source",
        "confirmed_name",
        "status",
        "unit",
    )
    column_details_list = (
        "id",
        "volunteer",
        "activity",
        "started_at",
        "ended_at",
        "minutes",
        "content",
        "service_type",
        "target_group",
        "served_name",
        "source",
        "confirm_method",
        "confirmed_name",
        "confirmed_at",
        "reviewed_by",
        "second_reviewer",
        "decided_at",
        "reject_reason",
        "status",
        "unit",
    )
    column_export_list = column_list
    column_filters = (
        state_filter(RECORD_FLOW, ServiceRecord.status),
        "unit",
        "volunteer",
        "service_type",
        "source",
        "started_at",
    )
    column_searchable_list = ("content", "served_name")
    column_default_sort = ("started_at", True)
    column_labels = {
        **LABELS,
        "volunteer": _l("Volunteer"),
        "activity": _l("Activity"),
        "started_at": _l("Started at"),
        "ended_at": _l("Ended at"),
        "minutes": _l("Hours:minutes"),
        "content": _l("Service content"),
        "service_type": _l("Service type"),
        "target_group": _l("Served group"),
        "served_name": _l("Person served"),
        "source": _l("Logged how"),
        "confirm_method": _l("Confirmed how"),
        "confirmed_name": _l("Confirmed by"),
        "confirmed_at": _l("Confirmed at"),
        "reviewed_by": _l("Approved by"),
        "second_reviewer": _l("Second approval by"),
        "decided_at": _l("Decided at"),
        "reject_reason": _l("Reason"),
        "status": _l("Status"),
    }
    column_formatters = {
        "minutes": minutes_fmt,
        "source": choice_formatter(RECORD_SOURCES),
        "confirm_method": choice_formatter(CONFIRM_METHODS),
        "status": state_formatter(RECORD_FLOW),
    }
    column_formatters_export = column_formatters
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-times", ".reject_view", title=_l("Reject")),
        EndpointLinkRowAction("fa fa-undo", ".reverse_view", title=_l("Reverse")),
    ]

    def perform_transition(self, record, code, comment, data):
        return services.move(Context.current(), record, code, comment, data)

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        back = url_for(".index_view")
        if not self.can_create:
            flash(_("You are not allowed to do this."), "error")
            return redirect(back)
        form = StaffLogForm()
        if form.validate_on_submit():
            vol = visible(Volunteer, form.volunteer.data, "create")
            try:
                if vol is None:
                    raise ServiceError(
                        _("There is no volunteer with this number in your communities.")
                    )
                record = ServiceRecord(
                    volunteer=vol,
                    unit=vol.unit_id,
                    started_at=services.to_utc(form.started_at.data),
                    ended_at=services.to_utc(form.ended_at.data),
                    minutes=form.minutes.data,
                    content=form.content.data,
                    service_type=form.service_type.data,
                    target_group=form.target_group.data,
                    served_name=form.served_name.data or "",
                    source="organiser",
                )
                services.log_staff_record(Context.current(), record, form.organiser_confirmed.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("The service record was saved."), "success")
                return redirect(back)
        return self.render(
            "admin/linli_form.html", title=_("Log a service"), subject="", form=form, back=back
        )

    @action("approve", _l("Approve"), _l("Approve the selected service records?"))
    def action_approve(self, ids):
        visible = [
            r.id
            for r in self.scoped_query(ServiceRecord.select(ServiceRecord.id), "approve").where(
                ServiceRecord.id.in_(ids)
            )
        ]
        done, refusals = services.approve_many(Context.current(), visible)
        if done:
            flash(
                ngettext(
                    "%(num)d service record approved.", "%(num)d service records approved.", done
                ),
                "success",
            )
        for message in refusals:
            flash(message, "error")

    @expose("/reject/", methods=["GET", "POST"])
    def reject_view(self):
        return self.reason_page(
            _("Reject the service record"),
            self.scoped_record(ServiceRecord, "approve"),
            lambda r, reason: services.reject(Context.current(), r, reason),
        )

    @expose("/reverse/", methods=["GET", "POST"])
    def reverse_view(self):
        return self.reason_page(
            _("Reverse the service record"),
            self.scoped_record(ServiceRecord, "approve"),
            lambda r, reason: services.reverse_record(Context.current(), r, reason),
        )


class ApprovalQueueView(ServiceRecordView):
    """待审核 The approval queue: records confirmed and waiting for (second) approval."""

    allow_create = False
    column_default_sort = ("started_at", False)
    isolation_sample = {"status": "pending_review"}  # what tests/core/test_isolation.py makes

    def scoped_query(self, query, action="read"):
        return (
            super()
            .scoped_query(query, action)
            .where(ServiceRecord.status.in_(["pending_review", "pending_second"]))
        )


class AccountView(TimebankView):
    """账户 Accounts of the ledger (read-only: they change only through transfers)."""

    allow_create = allow_edit = allow_delete = False
    column_list = ("id", "volunteer", "kind", "role", "balance", "unit")
    column_filters = ("kind", "role", "unit", "volunteer")
    column_labels = {
        **LABELS,
        "volunteer": _l("Holder"),
        "kind": _l("Ledger"),
        "role": _l("Account type"),
        "balance": _l("Balance (hours:minutes)"),
    }
    column_formatters = {
        "kind": choice_formatter(ACCOUNT_KINDS),
        "role": choice_formatter(ACCOUNT_ROLES),
        "balance": minutes_fmt,
    }
    list_template = "timebank/admin_accounts.html"

    @expose("/operate/", methods=["GET", "POST"])
    def operate_view(self):
        back = url_for(".index_view")
        if not self.allowed("approve"):
            flash(_("You are not allowed to do this."), "error")
            return redirect(back)
        form = LedgerForm()
        if form.validate_on_submit():
            vol = visible(Volunteer, form.volunteer.data, "approve")
            try:
                if vol is None:
                    raise ServiceError(
                        _("There is no volunteer with this number in your communities.")
                    )
                if form.operation.data == "spend":
                    services.spend(Context.current(), vol, form.minutes.data, form.memo.data)
                else:
                    services.grant(Context.current(), vol, form.minutes.data, form.memo.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Posted to the ledger."), "success")
                return redirect(back)
        return self.render(
            "admin/linli_form.html",
            title=_("Ledger operation"),
            subject="",
            form=form,
            back=back,
        )


def _lines(view, context, model, name):
    rows = Movement.select(Movement, Account).join(Account).where(Movement.transfer == model.id)
    kinds = dict(ACCOUNT_KINDS)
    return Markup("<br>").join(
        Markup("#{} {} {}: {}").format(
            m.account.id,
            str(kinds.get(m.account.kind, m.account.kind)),
            m.account.volunteer.name if m.account.volunteer_id else m.account.role,
            rules.format_minutes(m.amount),
        )
        for m in rows
    )


class TransferView(TimebankView):
    """转账 Ledger transfers (append-only; a correction is a reversal)."""

    allow_create = allow_edit = allow_delete = False
    column_list = ("id", "kind", "record", "memo", "reverses", "created_by", "created_at", "unit")
    column_details_list = (*column_list, "lines")
    column_filters = ("kind", "unit", "created_at")
    column_labels = {
        **LABELS,
        "kind": _l("Kind"),
        "record": _l("Service record"),
        "memo": _l("Memo"),
        "reverses": _l("Reverses"),
        "created_by": _l("Created by"),
        "lines": _l("Movements"),
    }
    column_formatters = {"kind": choice_formatter(TRANSFER_KINDS)}
    column_formatters_detail = {**column_formatters, "lines": _lines}


class MovementView(TimebankView):
    """分录 Ledger movements, one line each (append-only)."""

    allow_create = allow_edit = allow_delete = False
    scope_through = "account"
    column_list = ("id", "transfer", "account", "amount", "created_at")
    column_filters = ("account", "transfer", "created_at")
    column_labels = {
        **LABELS,
        "transfer": _l("Transfer"),
        "account": _l("Account"),
        "amount": _l("Hours:minutes"),
    }
    column_formatters = {"amount": minutes_fmt}


class CertificateView(TimebankView):
    """志愿服务记录证明 Certificates: issued from approved records, printable, revocable."""

    allow_edit = allow_delete = False
    create_action = "approve"  # issuing a certificate is an approval
    column_list = (
        "number",
        "volunteer",
        "period_start",
        "period_end",
        "minutes",
        "issued_on",
        "revoked_at",
        "unit",
    )
    column_details_list = (
        *column_list,
        "content",
        "issuer_name",
        "issuer_head",
        "handler_name",
        "issuer_contact",
        "revoked_reason",
        "print",
    )
    column_filters = ("issued_on", "unit", "volunteer")
    column_searchable_list = ("number",)
    column_labels = {
        **LABELS,
        "number": _l("Certificate number"),
        "volunteer": _l("Volunteer"),
        "period_start": _l("Period from"),
        "period_end": _l("Period to"),
        "minutes": _l("Hours:minutes"),
        "issued_on": _l("Issued on"),
        "revoked_at": _l("Revoked at"),
        "content": _l("Service content"),
        "issuer_name": _l("Issuing organisation"),
        "issuer_head": _l("Head of the organisation"),
        "handler_name": _l("Handled by"),
        "issuer_contact": _l("Contact"),
        "revoked_reason": _l("Reason for revocation"),
        "print": _l("Print"),
    }
    column_formatters = {"minutes": minutes_fmt}
    column_formatters_detail = {
        **column_formatters,
        "print": lambda v, c, m, n: Markup('<a href="{}">HTML</a> · <a href="{}">PDF</a>').format(
            url_for("timebank_public.certificate", number=m.number),
            url_for("timebank_public.certificate_pdf", number=m.number),
        ),
    }
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-ban", ".revoke_view", title=_l("Revoke")),
    ]

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        back = url_for(".index_view")
        if not self.allowed("approve"):
            flash(_("You are not allowed to do this."), "error")
            return redirect(back)
        form = IssueForm(volunteer=request.args.get("volunteer", type=int))
        if form.validate_on_submit():
            vol = visible(Volunteer, form.volunteer.data, "approve")
            try:
                if vol is None:
                    raise ServiceError(
                        _("There is no volunteer with this number in your communities.")
                    )
                cert = services.issue_certificate(
                    Context.current(),
                    vol,
                    form.period_start.data,
                    form.period_end.data,
                    form.issuer_name.data,
                    form.issuer_head.data,
                    form.issuer_contact.data,
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Certificate %(number)s issued.", number=cert.number), "success")
                return redirect(url_for(".details_view", id=cert.id))
        return self.render(
            "admin/linli_form.html",
            title=_("Issue a certificate"),
            subject="",
            form=form,
            back=back,
        )

    def print_links(self, model):
        return [
            (
                _("Volunteer service record certificate"),
                url_for(".print_certificate_view", id=model.id),
            )
        ]

    @expose("/print/certificate/")
    def print_certificate_view(self):
        """The certificate as printed (and ``?format=pdf``), for staff whose scope covers it."""
        from . import reports

        cert = self.get_one(request.args.get("id", ""))
        if cert is None:
            abort(404)
        return reports.print_certificate(cert)

    @expose("/revoke/", methods=["GET", "POST"])
    def revoke_view(self):
        return self.reason_page(
            _("Revoke the certificate"),
            self.scoped_record(Certificate, "approve"),
            lambda c, reason: services.revoke_certificate(Context.current(), c, reason),
        )


def admin_views(admin) -> list:
    category = _l("Volunteering")
    views = [
        (VolunteerView, Volunteer, _l("Volunteers")),
        (TeamView, Team, _l("Teams and stations")),
        (ActivityView, Activity, _l("Activities")),
        (ShiftView, Shift, _l("Shifts")),
        (SignUpView, SignUp, _l("Sign-ups")),
        (ServiceRequestView, ServiceRequest, _l("Service requests")),
        (ServiceRecordView, ServiceRecord, _l("Service records")),
        (CertificateView, Certificate, _l("Certificates")),
        (AccountView, Account, _l("Accounts")),
        (TransferView, Transfer, _l("Ledger transfers")),
        (MovementView, Movement, _l("Ledger movements")),
    ]
    built = [cls(model, name=name, category=category) for cls, model, name in views]
    built.insert(
        7,
        ApprovalQueueView(
            ServiceRecord,
            name=_l("Approval queue"),
            category=category,
            endpoint="timebank_queue",
            url="/admin/timebank/queue",
        ),
    )
    return built
