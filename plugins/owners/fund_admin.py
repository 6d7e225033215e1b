"""Admin pages of the register import, the maintenance fund and the property service (branch
ow-fund). Every page is scoped to the user's territory; every write goes through
:mod:`plugins.owners.fund`, :mod:`plugins.owners.property` or
:mod:`plugins.owners.register_import`; these views only collect input and show the result.
"""

from __future__ import annotations

import peewee as pw
from flask import Response, abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from core.admin import ModelView, View
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.services import ServiceError
from core.workdays import today

from . import fund, register_import, rules
from . import property as prop
from .models import (
    COMPLAINT_STATES,
    EMERGENCY_REASONS,
    ENTRY_KINDS,
    PLUGIN,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    SERVICE_MODELS,
    Complaint,
    CompoundService,
    Dispute,
    FundAccount,
    FundEntry,
    FundProposal,
    JointMeeting,
    Meeting,
    Premises,
    PropertyCompany,
    ServiceContract,
)

REQUIRED = _l("This field is required.")
LABELS = {
    "unit": _l("Territory unit"),
    "name": _l("Company name"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


def _actor():
    return current_user._get_current_object()


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def choice(choices):
    labels = dict(choices)

    def fmt(view, context, model, name):
        value = getattr(model, name)
        return str(labels.get(value, value or ""))

    return fmt


def fen_fmt(view, context, model, name):
    value = getattr(model, name)
    return "" if value is None else rules.yuan(value)


def compounds(action: str = "read") -> pw.ModelSelect:
    """The compounds in the current user's scope for ``action``."""
    access = g.get("access")
    condition = access.unit_condition(PLUGIN, action) if access else pw.SQL("1 = 0")
    query = TerritoryUnit.select().where(condition & (TerritoryUnit.level == "compound"))
    if g.get("district_id") is not None:
        query = query.where(TerritoryUnit.district_id == g.district_id)
    return query.order_by(TerritoryUnit.path)


def compound_choices(action: str = "update") -> list[tuple[str, str]]:
    return [(str(c.id), c.name) for c in compounds(action)]


def scoped_compound(value, action: str = "update") -> TerritoryUnit | None:
    return compounds(action).where(TerritoryUnit.id == _int(value)).first()


def _page(view, title, form, back, subject=""):
    return view.render("owners/admin_form.html", title=title, subject=subject, form=form, back=back)


class Base(ModelView):
    plugin_id = PLUGIN
    column_default_sort = ("id", True)

    def scoped_record(self, model, action="update"):
        return (
            self.scoped_query(model.select(), action)
            .where(model.id == _int(request.values.get("id")))
            .first()
        )


# -- register import ---------------------------------------------------------------------------


class ImportForm(FlaskForm):
    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    file = FileField(_l("File (XLSX or CSV)"), [InputRequired(REQUIRED)])
    dry_run = BooleanField(_l("Dry run: check only, write nothing"), default=True)


class RegisterImportView(View):
    """业主名册导入 Import buildings, units, owners and co-owners of a compound."""

    plugin_id = PLUGIN
    permission = "import"

    @expose("/", methods=["GET", "POST"])
    def index(self):
        from core.api.resources import ApiError
        from core.api.spreadsheets import read_upload

        form = ImportForm()
        form.compound.choices = compound_choices("import")
        report = None
        if form.validate_on_submit():
            compound = scoped_compound(form.compound.data, "import")
            upload = request.files.get("file")
            try:
                if compound is None or upload is None:
                    raise ServiceError(_("Please choose a compound."))
                table = read_upload(upload.filename, upload.stream)
                report = register_import.import_register(
                    compound, table, _actor(), dry_run=form.dry_run.data, access=g.access
                )
            except ApiError as exc:
                flash(str(exc.message), "error")
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                if report.written:
                    flash(
                        _(
                            "Imported %(units)s units; %(owners)s new owners.",
                            units=report.units,
                            owners=report.owners,
                        ),
                        "success",
                    )
                elif report.ok:
                    flash(
                        _(
                            "No problems found: %(units)s units can be imported.",
                            units=report.units,
                        ),
                        "success",
                    )
                else:
                    flash(
                        _(
                            "Nothing was imported: %(count)s problems.",
                            count=len(report.problems),
                        ),
                        "error",
                    )
        return self.render("owners/admin_import.html", form=form, report=report)

    @expose("/template.<fmt>")
    def template(self, fmt):
        if fmt == "xlsx":
            return Response(
                register_import.template_xlsx(),
                mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition": "attachment; filename=owners-register.xlsx"},
            )
        if fmt == "csv":
            return Response(
                register_import.template_csv(),
                mimetype="text/csv; charset=utf-8",
                headers={"Content-Disposition": "attachment; filename=owners-register.csv"},
            )
        abort(404)


# -- maintenance fund ----------------------------------------------------------------------------


class FundAccountView(Base):
    """维修资金账户 One account per compound."""

    column_list = ("unit", "bank", "account_no", "custodian", "opened_on")
    column_labels = {
        **LABELS,
        "bank": _l("Bank"),
        "account_no": _l("Account number"),
        "custodian": _l("Custodian"),
        "opened_on": _l("Opened on"),
    }
    form_columns = ("unit", "bank", "account_no", "custodian", "opened_on")
    allow_delete = False

    def on_model_change(self, form, model, is_created):
        fund.check_account(model)


class ProposalForm(FlaskForm):
    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    title = StringField(_l("Title"), [InputRequired(REQUIRED), Length(max=200)])
    scope = TextAreaField(_l("Works"), [Optional(), Length(max=2000)])
    kind = SelectField(_l("Kind"), choices=PROPOSAL_KINDS, default="use")
    budget = StringField(_l("Budget (yuan)"), [InputRequired(REQUIRED)])
    units = TextAreaField(
        _l("Units bearing the cost (unit numbers, one per line; empty: every unit)"),
        [Optional()],
    )
    emergency_reason = SelectField(
        _l("Emergency (use without a prior vote)"),
        choices=[("", "—"), *EMERGENCY_REASONS],
        default="",
    )
    confirmed_by = StringField(
        _l("Emergency confirmed by (residents' committee or street office)"),
        [Optional(), Length(max=100)],
    )


class AmountForm(FlaskForm):
    amount = StringField(_l("Amount (yuan)"), [InputRequired(REQUIRED)])
    booked_on = DateField(_l("Date"), [Optional()])
    memo = StringField(_l("Memo"), [Optional(), Length(max=200)])


class VoteForm(FlaskForm):
    meeting = SelectField(_l("Meeting (draft)"), [InputRequired(REQUIRED)])


def _premises_from_numbers(compound: TerritoryUnit, text: str) -> list[Premises] | None:
    numbers = [n.strip() for n in (text or "").replace(",", "\n").splitlines() if n.strip()]
    if not numbers:
        return None
    inside = {p.number: p for p in fund.premises_in(compound)}
    found = []
    for number in numbers:
        if number not in inside:
            raise ServiceError(
                _(
                    "Unit %(number)s is not in this compound; the cost can only be split among "
                    "the compound's own units.",
                    number=number,
                )
            )
        found.append(inside[number])
    return found


def _shares_detail(view, context, model, name):
    rows = "".join(
        f"<tr><td>{escape(s.premises.number)}</td><td>{escape(s.area)}</td>"
        f"<td>{rules.yuan(s.share_fen)}</td></tr>"
        for s in fund.shares_of(model)
    )
    return Markup(f'<table class="table table-sm"><tbody>{rows}</tbody></table>')


def _spent(view, context, model, name):
    return rules.yuan(fund.spent(model))


class FundProposalView(Base):
    """使用方案 Use and raising proposals: the vote, the emergency path, disbursements."""

    allow_create = allow_edit = allow_delete = False
    column_list = ("title", "kind", "budget_fen", "spent", "status", "emergency_reason", "unit")
    column_details_list = (
        "title",
        "kind",
        "scope",
        "budget_fen",
        "spent",
        "status",
        "matter",
        "emergency_reason",
        "confirmed_by",
        "confirmed_on",
        "publication_id",
        "shares",
        "unit",
    )
    column_filters = ("status", "kind", "unit")
    column_searchable_list = ("title",)
    column_labels = {
        **LABELS,
        "title": _l("Title"),
        "kind": _l("Kind"),
        "scope": _l("Works"),
        "budget_fen": _l("Budget (yuan)"),
        "spent": _l("Paid out (yuan)"),
        "status": _l("Status"),
        "matter": _l("Matter"),
        "emergency_reason": _l("Emergency"),
        "confirmed_by": _l("Confirmed by"),
        "confirmed_on": _l("Confirmed on"),
        "publication_id": _l("Public notice"),
        "shares": _l("Cost shares (yuan)"),
    }
    column_formatters = {
        "kind": choice(PROPOSAL_KINDS),
        "status": choice(PROPOSAL_STATES),
        "emergency_reason": choice(EMERGENCY_REASONS),
        "budget_fen": fen_fmt,
        "spent": _spent,
    }
    column_formatters_detail = {**column_formatters, "shares": _shares_detail}
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-gavel", ".vote_view", title=_l("Put to the vote")),
        EndpointLinkRowAction("fa fa-money", ".disburse_view", title=_l("Pay out")),
    ]
    list_template = "owners/admin_proposals.html"

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        back = url_for(".index_view")
        form = ProposalForm()
        form.compound.choices = compound_choices("create")
        if form.validate_on_submit():
            compound = scoped_compound(form.compound.data, "create")
            budget = rules.parse_yuan(form.budget.data)
            try:
                if compound is None:
                    raise ServiceError(_("Please choose a compound."))
                if budget is None or budget <= 0:
                    raise ServiceError(
                        _("The amount must be more than zero yuan, with at most two decimals.")
                    )
                units = _premises_from_numbers(compound, form.units.data)
                if units is None and form.kind.data == "use":
                    units = list(fund.premises_in(compound))
                if form.emergency_reason.data:
                    proposal = fund.confirm_emergency(
                        compound,
                        form.title.data,
                        budget,
                        units or [],
                        form.emergency_reason.data,
                        form.confirmed_by.data,
                        _actor(),
                        scope=form.scope.data,
                        access=g.access,
                    )
                else:
                    proposal = fund.create_proposal(
                        compound,
                        form.title.data,
                        budget,
                        units,
                        _actor(),
                        scope=form.scope.data,
                        kind=form.kind.data,
                        access=g.access,
                    )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(url_for(".details_view", id=proposal.id))
        return _page(self, _("New maintenance-fund proposal"), form, back)

    @expose("/vote/", methods=["GET", "POST"])
    def vote_view(self):
        back = url_for(".index_view")
        proposal = self.scoped_record(FundProposal)
        if proposal is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
        form = VoteForm()
        form.meeting.choices = [
            (str(m.id), m.title)
            for m in Meeting.select().where(
                (Meeting.unit == proposal.unit_id) & (Meeting.status == "draft")
            )
        ]
        if form.validate_on_submit():
            meeting = Meeting.get_or_none(
                (Meeting.id == _int(form.meeting.data)) & (Meeting.unit == proposal.unit_id)
            )
            try:
                if meeting is None:
                    raise ServiceError(
                        _("The meeting must be a meeting of the proposal's compound.")
                    )
                fund.put_to_vote(proposal, meeting, _actor(), access=g.access)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return _page(self, _("Put the proposal to the vote"), form, back, str(proposal))

    @expose("/disburse/", methods=["GET", "POST"])
    def disburse_view(self):
        back = url_for(".index_view")
        proposal = self.scoped_record(FundProposal)
        if proposal is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
        form = AmountForm()
        if form.validate_on_submit():
            amount = rules.parse_yuan(form.amount.data)
            try:
                fund.disburse(
                    proposal,
                    amount if amount is not None else -1,
                    _actor(),
                    on=form.booked_on.data,
                    memo=form.memo.data or "",
                    access=g.access,
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return _page(self, _("Pay out for the proposal"), form, back, str(proposal))


class DepositForm(FlaskForm):
    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    number = StringField(_l("Unit number"), [InputRequired(REQUIRED), Length(max=32)])
    amount = StringField(_l("Amount (yuan)"), [InputRequired(REQUIRED)])
    booked_on = DateField(_l("Date"), [Optional()])
    memo = StringField(_l("Memo"), [Optional(), Length(max=200)])


class InterestForm(FlaskForm):
    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    amount = StringField(_l("Amount (yuan)"), [InputRequired(REQUIRED)])
    booked_on = DateField(_l("Date"), [Optional()])
    memo = StringField(_l("Memo"), [Optional(), Length(max=200)])


class ReverseForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), [InputRequired(REQUIRED), Length(max=150)])


class StatementForm(FlaskForm):
    class Meta:
        csrf = False

    compound = SelectField(_l("Compound"), [InputRequired(REQUIRED)])
    start = DateField(_l("From"), [InputRequired(REQUIRED)])
    end = DateField(_l("To"), [InputRequired(REQUIRED)])


class FundEntryView(Base):
    """分户账 The fund ledger, read-only: deposits, interest, payments, reversals."""

    allow_create = allow_edit = allow_delete = False
    column_list = (
        "booked_on",
        "premises",
        "kind",
        "amount_fen",
        "proposal",
        "reverses",
        "memo",
        "unit",
    )
    column_filters = ("kind", "booked_on", "unit")
    column_labels = {
        **LABELS,
        "booked_on": _l("Date"),
        "premises": _l("Unit"),
        "kind": _l("Kind"),
        "amount_fen": _l("Amount (yuan)"),
        "proposal": _l("Proposal"),
        "reverses": _l("Reverses"),
        "memo": _l("Memo"),
        "batch": _l("Batch"),
        "actor": _l("Booked by"),
        "at": _l("Time"),
    }
    column_details_list = (*column_list, "batch", "actor", "at")
    column_formatters = {"kind": choice(ENTRY_KINDS), "amount_fen": fen_fmt}
    column_formatters_detail = column_formatters
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-undo", ".reverse_view", title=_l("Reverse")),
    ]
    list_template = "owners/admin_fund_entries.html"

    @expose("/deposit/", methods=["GET", "POST"])
    def deposit_view(self):
        back = url_for(".index_view")
        form = DepositForm()
        form.compound.choices = compound_choices("update")
        if form.validate_on_submit():
            compound = scoped_compound(form.compound.data)
            amount = rules.parse_yuan(form.amount.data)
            try:
                if compound is None:
                    raise ServiceError(_("Please choose a compound."))
                premises = (
                    fund.premises_in(compound)
                    .where(Premises.number == form.number.data.strip())
                    .first()
                )
                if premises is None:
                    raise ServiceError(
                        _("There is no unit %(number)s in this compound.", number=form.number.data)
                    )
                fund.deposit(
                    premises,
                    amount if amount is not None else -1,
                    _actor(),
                    on=form.booked_on.data,
                    memo=form.memo.data or "",
                    access=g.access,
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return _page(self, _("Book a deposit"), form, back)

    @expose("/interest/", methods=["GET", "POST"])
    def interest_view(self):
        back = url_for(".index_view")
        form = InterestForm()
        form.compound.choices = compound_choices("update")
        if form.validate_on_submit():
            compound = scoped_compound(form.compound.data)
            amount = rules.parse_yuan(form.amount.data)
            try:
                if compound is None:
                    raise ServiceError(_("Please choose a compound."))
                fund.post_interest(
                    compound,
                    amount if amount is not None else -1,
                    _actor(),
                    on=form.booked_on.data,
                    memo=form.memo.data or "",
                    access=g.access,
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return _page(self, _("Book interest"), form, back)

    @expose("/reverse/", methods=["GET", "POST"])
    def reverse_view(self):
        back = url_for(".index_view")
        entry = self.scoped_record(FundEntry)
        if entry is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
        form = ReverseForm()
        if form.validate_on_submit():
            try:
                fund.reverse(entry.batch, _actor(), form.reason.data, access=g.access)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        subject = f"{entry.booked_on} {rules.yuan(entry.amount_fen)}"
        return _page(self, _("Reverse the booking"), form, back, subject)

    @expose("/statement/")
    def statement_view(self):
        form = StatementForm(request.args)
        form.compound.choices = compound_choices("read")
        result = None
        if (
            request.args.get("compound")
            and scoped_compound(request.args.get("compound"), "read") is None
        ):
            abort(404)  # another community's compound
        if request.args and form.validate():
            compound = scoped_compound(form.compound.data, "read")
            try:
                result = fund.statement(compound, form.start.data, form.end.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                if request.args.get("format") == "csv":
                    return Response(
                        fund.statement_csv(result),
                        mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=fund-statement.csv"},
                    )
        return self.render(
            "owners/admin_statement.html",
            form=form,
            st=result,
            yuan=rules.yuan,
            today=today(),
        )


# -- property service -----------------------------------------------------------------------------


class PropertyCompanyView(Base):
    """物业服务企业 Property companies."""

    column_list = ("name", "uscc", "qualification", "contact", "phone", "unit")
    column_searchable_list = ("name", "uscc")
    column_filters = ("unit",)
    column_labels = {
        **LABELS,
        "uscc": _l("Unified social credit code"),
        "qualification": _l("Qualification"),
        "contact": _l("Contact person"),
        "phone": _l("Phone"),
    }
    form_columns = ("unit", "name", "uscc", "qualification", "contact", "phone")

    def on_model_change(self, form, model, is_created):
        prop.check_company(model)


def _notice(name):
    def fmt(view, context, model, _name):
        if model.ends_on is None:
            return ""
        found = prop.contract_notices(model)[name]
        text = found["due"].isoformat()
        if found["past"]:
            return Markup(f'<span class="badge badge-danger">{escape(text)}</span>')
        if found["alert"]:
            return Markup(f'<span class="badge badge-warning">{escape(text)}</span>')
        return text

    return fmt


def _fee(view, context, model, name):
    return rules.yuan(model.fee_fen_per_m2 or 0)


class ServiceContractView(Base):
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

    def on_model_change(self, form, model, is_created):
        prop.check_contract(model)


class CompoundServiceView(Base):
    """物业服务模式 The service model of each compound (one of four)."""

    column_list = ("unit", "model", "since", "note")
    column_filters = ("model", "unit")
    column_labels = {
        **LABELS,
        "model": _l("Service model"),
        "since": _l("Since"),
        "note": _l("Note"),
    }
    column_formatters = {"model": choice(SERVICE_MODELS)}
    form_columns = ("unit", "model", "since", "note")
    form_choices = {"model": SERVICE_MODELS}

    def on_model_change(self, form, model, is_created):
        prop.check_service_model(model)


def _overdue(view, context, model, name):
    if prop.is_overdue(model):
        return Markup(f'<span class="badge badge-danger">{escape(_("Overdue"))}</span>')
    return ""


class HandleForm(FlaskForm):
    handling = TextAreaField(_l("Handling"), [InputRequired(REQUIRED), Length(max=2000)])


class ComplaintView(Base):
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
    column_formatters = {"status": choice(COMPLAINT_STATES), "overdue": _overdue}
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
                prop.handle_complaint(complaint, form.handling.data, _actor(), access=g.access)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return _page(self, _("Record the handling"), form, back, str(complaint))


def _case_link(view, context, model, name):
    if not model.case_id:
        return ""
    from core.cases.models import Case
    from core.cases.services import details_url

    case = Case.get_or_none(Case.id == model.case_id)
    if case is None:
        return ""
    return Markup(f'<a href="{escape(details_url(case))}">{escape(case.title)}</a>')


class DisputeView(Base):
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

    def on_model_change(self, form, model, is_created):
        fund.compound_of_unit(model.unit_id)
        if not (model.title or "").strip():
            raise ServiceError(_("Please fill in the subject."))

    @action("mediate", _l("Refer to mediation"), _l("Refer the selected disputes to mediation?"))
    def action_mediate(self, ids):
        done = 0
        for dispute in self.scoped_query(Dispute.select(), "update").where(Dispute.id.in_(ids)):
            try:
                prop.refer_to_mediation(dispute, _actor(), g.access)
                done += 1
            except ServiceError as exc:
                flash(f"{dispute.title}: {exc}", "error")
        if done:
            flash(_("Done."), "success")


class JointMeetingView(Base):
    """联席会议 Joint meetings (residents' committee, owners' committee, property company)."""

    column_list = ("held_on", "topic", "attendees", "publication_id", "unit")
    column_filters = ("held_on", "unit")
    column_searchable_list = ("topic",)
    column_labels = {
        **LABELS,
        "held_on": _l("Held on"),
        "topic": _l("Topic"),
        "attendees": _l("Attendees"),
        "minutes": _l("Minutes"),
        "decisions": _l("Decisions"),
        "publication_id": _l("Public notice"),
    }
    form_columns = ("unit", "held_on", "topic", "attendees", "minutes", "decisions")

    def on_model_change(self, form, model, is_created):
        if not is_created:
            stored = JointMeeting.get_by_id(model.id)
            if stored.publication_id:
                raise ServiceError(
                    _("The decisions have been published; the meeting can no longer be changed.")
                )
        prop.check_joint_meeting(model)

    def on_model_delete(self, model):
        if model.publication_id:
            raise ServiceError(
                _("The decisions have been published; the meeting can no longer be changed.")
            )

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
                prop.publish_decisions(meeting, _actor(), access=g.access)
                done += 1
            except ServiceError as exc:
                flash(f"{meeting.topic}: {exc}", "error")
        if done:
            flash(_("Done."), "success")


def fund_admin_views(category) -> list:
    """The views of this section, added to the plugin's admin menu."""
    service = _l("Property service")
    views = [
        (FundAccountView, FundAccount, _l("Fund accounts"), category),
        (FundProposalView, FundProposal, _l("Fund proposals"), category),
        (FundEntryView, FundEntry, _l("Fund ledger"), category),
        (PropertyCompanyView, PropertyCompany, _l("Property companies"), service),
        (ServiceContractView, ServiceContract, _l("Service contracts"), service),
        (CompoundServiceView, CompoundService, _l("Service models"), service),
        (ComplaintView, Complaint, _l("Complaints"), service),
        (DisputeView, Dispute, _l("Disputes"), service),
        (JointMeetingView, JointMeeting, _l("Joint meetings"), service),
    ]
    made = [cls(model, name=name, category=cat) for cls, model, name, cat in views]
    made.append(
        RegisterImportView(
            name=_l("Register import"),
            category=category,
            endpoint="owners_import",
            url="/admin/owners/import",
        )
    )
    return made
