"""Admin views of the maintenance fund (维修资金): the account of each compound, proposals with
the vote, the emergency path and disbursements, and the ledger with deposits, interest,
reversals and the statement. Every page is scoped to the user's territory; every write goes
through :mod:`.services`; these views only collect input and show the result."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.model.template import EndpointLinkRowAction
from markupsafe import Markup, escape

from core.admin import choice_formatter
from core.choices import options
from core.commands import Context
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.workdays import today

from ..assembly.models import Meeting
from ..register.services import premises_in
from ..shared.admin import (
    LABELS,
    OwnersView,
    as_int,
    compound_choices,
    render_form,
    scoped_compound,
)
from ..shared.services import compound_chosen
from . import reports, rules, services
from .forms import (
    AmountForm,
    DepositForm,
    InterestForm,
    ProposalForm,
    ReverseForm,
    StatementForm,
    VoteForm,
)
from .models import (
    EMERGENCY_REASONS,
    ENTRY_KINDS,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    FundAccount,
    FundEntry,
    FundProposal,
)


def fen_fmt(view, context, model, name):
    value = getattr(model, name)
    return "" if value is None else rules.yuan(value)


class FundAccountView(OwnersView):
    """维修资金账户 One account per compound (the rules: :class:`.commands.FundAccountRules`)."""

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


def _shares_detail(view, context, model, name):
    rows = "".join(
        f"<tr><td>{escape(s.premises.number)}</td><td>{escape(s.area)}</td>"
        f"<td>{rules.yuan(s.share_fen)}</td></tr>"
        for s in services.shares_of(model)
    )
    return Markup(f'<table class="table table-sm"><tbody>{rows}</tbody></table>')


def _spent(view, context, model, name):
    return rules.yuan(services.spent(model))


class FundProposalView(OwnersView):
    """使用方案 Use and raising proposals: the vote, the emergency path, disbursements."""

    allow_edit = allow_delete = False  # created with its own form (create_view)
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
        "confirmed_by": lazy_pgettext("organisation", "Confirmed by"),
        "confirmed_on": _l("Confirmed on"),
        "publication_id": _l("Public notice"),
        "shares": _l("Cost shares (yuan)"),
    }
    column_formatters = {
        "kind": choice_formatter(PROPOSAL_KINDS),
        "status": choice_formatter(PROPOSAL_STATES),
        "emergency_reason": choice_formatter(EMERGENCY_REASONS),
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
        if not self.allowed("create"):
            abort(403)
        back = url_for(".index_view")
        form = ProposalForm()
        form.compound.choices = options(compound_choices("create"))
        if form.validate_on_submit():
            budget = rules.parse_yuan(form.budget.data)
            budget = -1 if budget is None else budget  # refused by the service
            try:
                compound = compound_chosen(scoped_compound(form.compound.data, "create"))
                units = services.premises_numbered(compound, form.units.data)
                if units is None and form.kind.data == "use":  # none named: every unit
                    units = list(premises_in(compound))
                if form.emergency_reason.data:
                    proposal = services.confirm_emergency(
                        Context.current(),
                        compound,
                        form.title.data,
                        budget,
                        units or [],
                        form.emergency_reason.data,
                        form.confirmed_by.data,
                        scope=form.scope.data,
                    )
                else:
                    proposal = services.create_proposal(
                        Context.current(),
                        compound,
                        form.title.data,
                        budget,
                        units,
                        scope=form.scope.data,
                        kind=form.kind.data,
                    )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(url_for(".details_view", id=proposal.id))
        return render_form(self, _("New maintenance-fund proposal"), form, back)

    @expose("/vote/", methods=["GET", "POST"])
    def vote_view(self):
        back = url_for(".index_view")
        proposal = self.scoped_record(FundProposal)
        if proposal is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
        form = VoteForm()
        form.meeting.choices = options(
            (str(m.id), m.title)
            for m in Meeting.select().where(
                (Meeting.unit == proposal.unit_id) & (Meeting.status == "draft")
            )
        )
        if form.validate_on_submit():
            meeting = Meeting.get_or_none(
                (Meeting.id == as_int(form.meeting.data)) & (Meeting.unit == proposal.unit_id)
            )
            try:
                services.put_to_vote(Context.current(), proposal, meeting)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return render_form(self, _("Put the proposal to the vote"), form, back, str(proposal))

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
                services.disburse(
                    Context.current(),
                    proposal,
                    amount if amount is not None else -1,
                    on=form.booked_on.data,
                    memo=form.memo.data or "",
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return render_form(self, _("Pay out for the proposal"), form, back, str(proposal))


class FundEntryView(OwnersView):
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
    column_formatters = {"kind": choice_formatter(ENTRY_KINDS), "amount_fen": fen_fmt}
    column_formatters_detail = column_formatters
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-undo", ".reverse_view", title=_l("Reverse")),
    ]
    list_template = "owners/admin_fund_entries.html"

    @expose("/deposit/", methods=["GET", "POST"])
    def deposit_view(self):
        back = url_for(".index_view")
        form = DepositForm()
        form.compound.choices = options(compound_choices("update"))
        if form.validate_on_submit():
            amount = rules.parse_yuan(form.amount.data)
            try:
                compound = compound_chosen(scoped_compound(form.compound.data))
                premises = services.unit_numbered(compound, form.number.data)
                services.deposit(
                    Context.current(),
                    premises,
                    amount if amount is not None else -1,
                    on=form.booked_on.data,
                    memo=form.memo.data or "",
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return render_form(self, _("Book a deposit"), form, back)

    @expose("/interest/", methods=["GET", "POST"])
    def interest_view(self):
        back = url_for(".index_view")
        form = InterestForm()
        form.compound.choices = options(compound_choices("update"))
        if form.validate_on_submit():
            amount = rules.parse_yuan(form.amount.data)
            try:
                compound = compound_chosen(scoped_compound(form.compound.data))
                services.post_interest(
                    Context.current(),
                    compound,
                    amount if amount is not None else -1,
                    on=form.booked_on.data,
                    memo=form.memo.data or "",
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        return render_form(self, _("Book interest"), form, back)

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
                services.reverse(Context.current(), entry.batch, form.reason.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Saved."), "success")
                return redirect(back)
        subject = f"{entry.booked_on} {rules.yuan(entry.amount_fen)}"
        return render_form(self, _("Reverse the booking"), form, back, subject)

    @expose("/statement/")
    def statement_view(self):
        form = StatementForm(request.args)
        form.compound.choices = options(compound_choices("read"))
        result = None
        if (
            request.args.get("compound")
            and scoped_compound(request.args.get("compound"), "read") is None
        ):
            abort(404)  # another community's compound
        if request.args and form.validate():
            compound = scoped_compound(form.compound.data, "read")
            try:
                result = reports.statement(compound, form.start.data, form.end.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                if request.args.get("format") in ("print", "pdf"):
                    return self._print_statement(result)
                if request.args.get("format") == "csv":
                    return Response(
                        reports.statement_csv(result),
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

    def _print_statement(self, result):
        """维修资金对账单 as a print view, or as PDF (``format=pdf``)."""
        from core import printing

        title = f"{result.compound.name} {_('Maintenance-fund statement')}"
        return printing.respond(
            "owners/print_statement.html",
            title=title,
            filename=f"{title} {result.start}—{result.end}",
            st=result,
            yuan=rules.yuan,
        )


def admin_views(category) -> list:
    views = [
        (FundAccountView, FundAccount, _l("Fund accounts")),
        (FundProposalView, FundProposal, _l("Fund proposals")),
        (FundEntryView, FundEntry, _l("Fund ledger")),
    ]
    return [cls(model, name=name, category=category) for cls, model, name in views]
