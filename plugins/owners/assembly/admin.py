"""Admin views of the owners' assembly (业主大会): meetings with their steps, matters (editable
only while the meeting is a draft), the ballot log (read-only; choices hidden until voting has
closed), provisional-meeting requests, proxies, paper ballots keyed in twice and the dry-run
calculator. Every page and choice list is limited to the user's territory scope; the work is
done by the services."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from markupsafe import Markup, escape

from core.admin import View, choice_formatter
from core.choices import options
from core.commands import Context
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import pgettext
from core.models import TerritoryUnit
from core.workflow_admin import WorkflowViewMixin

from ..register.admin import owner_choices
from ..register.models import Owner, Premises
from ..register.rules import area_text
from ..shared.admin import (
    LABELS,
    PAGE,
    STATE_LABELS,
    OwnersView,
    compounds_by_name,
    date_text,
    form_page,
    in_scope,
    scoped,
)
from ..shared.services import PLUGIN, found, setting
from . import reports, rules, services
from .flows import MEETING_FLOW
from .forms import AcceptForm, CalculatorForm, ConfirmForm, PaperForm, ProxyForm, SignForm
from .models import (
    BALLOT_CHANNELS,
    CHOICES,
    ITEMS,
    KINDS,
    MEETING_STATES,
    PROXY_STATES,
    REQUEST_STATES,
    RESULTS,
    BallotLog,
    Matter,
    Meeting,
    PaperEntry,
    ProvisionalRequest,
    Proxy,
)


def meeting_choices(states, action="update"):
    return [
        (m.id, m.title)
        for m in scoped(Meeting, action).where(Meeting.status.in_(states)).order_by(Meeting.id)
    ]


def meeting_in_scope(pk) -> Meeting:
    """The meeting ``pk`` the user may change (refused as unknown otherwise)."""
    return found(in_scope(Meeting, pk, "update"))


def publish_due_column(view, context, model, name):
    state = reports.publication_state(model)
    text = date_text(model.publish_due)
    return f"{text} ({STATE_LABELS[state]})" if state else text


class MeetingView(WorkflowViewMixin, OwnersView):
    """业主大会会议 Meetings: draft → noticed → voting open → closed → tallied → published →
    filed. The form writes a draft (the rules: :class:`.commands.MeetingRules`); the actions
    are the steps of :mod:`.services` on the meeting's workflow (:mod:`.flows`), listed in the
    order of the flow, and the details page shows the workflow's history (流转记录) and the
    step the user may take now as a button, posted to the same services
    (:meth:`perform_transition`)."""

    workflow = MEETING_FLOW
    column_details_list = (
        "title",
        "status",
        "opens_on",
        "closes_on",
        "noticed_on",
        "tallied_on",
        "publish_due",
        "published_on",
        "filed_on",
        "filed_with",
        "unit",
    )

    column_list = ("title", "status", "opens_on", "closes_on", "noticed_on", "publish_due", "unit")
    column_filters = ("status", "unit")
    column_searchable_list = ("title",)
    column_labels = {
        **LABELS,
        "title": _l("Title"),
        "status": _l("Status"),
        "opens_on": _l("Voting opens on"),
        "closes_on": _l("Voting closes on"),
        "noticed_on": _l("Noticed on"),
        "tallied_on": _l("Tallied on"),
        "publish_due": _l("Publish by"),
        "published_on": _l("Published on"),
        "filed_on": _l("Decisions filed on"),
        "filed_with": _l("Filed with"),
    }
    column_formatters = {
        "status": choice_formatter(MEETING_STATES),
        "publish_due": publish_due_column,
    }
    column_formatters_detail = column_formatters
    form_columns = ("unit", "title", "opens_on", "closes_on")

    def perform_transition(self, record, code, comment, data):
        """A step posted to the details page goes through its service, as the list actions."""
        step = services.STEPS.get(code)
        if step is None:
            raise ServiceError(_("Unknown step: %(code)s.", code=code))
        return step(Context.current(), record)

    def _step(self, ids, step):
        done = 0
        ctx = Context.current()
        for meeting in self.scoped_query(Meeting.select(), "update").where(Meeting.id.in_(ids)):
            try:
                step(ctx, meeting)
                done += 1
            except ServiceError as exc:
                flash(f"{meeting.title}: {exc}", "error")
        if done:
            flash(_("Done."), "success")

    # -- printed documents (core.printing): the notice, and the resolution with its tally --

    def print_links(self, model):
        links = [(_("Meeting notice"), url_for(".print_notice_view", id=model.id))]
        if model.tallied_on:
            links.append((_("Meeting resolution"), url_for(".print_resolution_view", id=model.id)))
        return links

    def _print_meeting(self, template, title):
        from core import printing

        meeting = self.get_one(request.args.get("id", ""))  # the details page's scope
        if meeting is None:
            abort(404)
        matters = list(Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id))
        title = f"{meeting.title} {title}"
        return printing.respond(
            template,
            title=title,
            filename=title,
            meeting=meeting,
            matters=matters,
            items=dict(ITEMS),
            kinds=dict(KINDS),
            results=dict(RESULTS),
            tally_table=tally_table,
        )

    @expose("/print/notice/")
    def print_notice_view(self):
        """业主大会会议公告: the meeting, its voting period and the matters put to the vote."""
        return self._print_meeting("owners/print_meeting_notice.html", _("Meeting notice"))

    @expose("/print/resolution/")
    def print_resolution_view(self):
        """业主大会决议: each matter's result with its tally table (the details page's)."""
        return self._print_meeting("owners/print_resolution.html", _("Meeting resolution"))

    @action("notice", _l("Give notice"), _l("Give notice of the selected meetings?"))
    def action_notice(self, ids):
        self._step(ids, services.notice)

    @action("open", _l("Open voting"), _l("Open voting on the selected meetings?"))
    def action_open(self, ids):
        self._step(ids, services.open_voting)

    @action("close", _l("Close voting"), _l("Close voting on the selected meetings?"))
    def action_close(self, ids):
        self._step(ids, services.close_voting)

    @action("tally", _l("Tally"), _l("Tally the selected meetings?"))
    def action_tally(self, ids):
        self._step(ids, services.tally_meeting)

    @action(
        "publish", _l("Publish the results"), _l("Publish the results of the selected meetings?")
    )
    def action_publish(self, ids):
        self._step(ids, services.publish)

    @action(
        "file",
        _l("File the decisions"),
        _l("File the decisions of the selected meetings with the community and the street?"),
    )
    def action_file(self, ids):
        self._step(ids, services.file_decisions)


class MatterView(OwnersView):
    """表决事项 Matters: the Civil Code item sets the threshold; frozen once noticed (the
    rules: :class:`.commands.MatterRules`)."""

    column_list = ("title", "meeting", "item", "kind", "result", "unit")
    column_filters = ("kind", "result", "unit")
    column_labels = {
        **LABELS,
        "title": _l("Title"),
        "meeting": _l("Meeting"),
        "item": _l("Civil Code item"),
        "kind": _l("Kind"),
        "description": _l("Description"),
        "result": _l("Result"),
        "tally": _l("Tally"),
    }
    column_formatters = {
        "item": choice_formatter(ITEMS),
        "kind": choice_formatter(KINDS),
        "result": choice_formatter(RESULTS),
    }
    form_columns = ("meeting", "title", "item", "description")  # the unit is the meeting's
    form_choices = {"item": ITEMS}
    column_formatters_detail = {**column_formatters, "tally": lambda v, c, m, n: tally_table(m)}


def tally_table(matter):
    """The tally of a matter as a table: the two thresholds of 《民法典》第二百七十八条 by area
    and by heads, with the counts, the share, the required fraction and 通过/未通过."""
    rows = reports.tally_rows(matter.tally)
    if not rows:
        return _("Not tallied yet")
    others = reports.tally_others(matter.tally)
    head = (
        _("Threshold"),
        _("Measure"),
        _("Count"),
        _("Of"),
        _("Share"),
        pgettext("tally", "Required"),
        _("Outcome"),
    )
    parts = ['<table class="table table-sm table-bordered mb-1 tally"><thead><tr>']
    parts += [f"<th>{escape(h)}</th>" for h in head]
    parts.append("</tr></thead><tbody>")
    for row in rows:
        met = _("Met") if row["met"] else _("Not met")
        css = "text-success" if row["met"] else "text-danger"
        cells = [row[k] for k in ("group", "measure", "count", "base", "share", "required")]
        parts.append(
            "<tr>"
            + "".join(f"<td>{escape(c)}</td>" for c in cells)
            + f'<td class="{css}"><strong>{escape(met)}</strong></td></tr>'
        )
    parts.append("</tbody></table>")
    disagree, abstain = others.get("disagree") or {}, others.get("abstain") or {}
    result = dict(RESULTS).get(others.get("result"), "")
    parts.append(
        '<div class="small text-muted">'
        + escape(
            _(
                "Result: %(result)s. Disagree: %(d_area)s m², %(d_heads)s owners; abstain:"
                " %(a_area)s m², %(a_heads)s owners; owners whose units voted differently"
                " (taking part, agreeing with neither): %(split)s.",
                result=result,
                d_area=disagree.get("area", "0"),
                d_heads=disagree.get("heads", 0),
                a_area=abstain.get("area", "0"),
                a_heads=abstain.get("heads", 0),
                split=others.get("split_heads", 0),
            )
        )
        + "</div>"
    )
    return Markup("".join(parts))


def _hidden_choice(view, context, model, name):
    meeting = Meeting.get_by_id(Matter.get_by_id(model.matter_id).meeting_id)
    if meeting.status not in rules.RESULTS_VISIBLE:
        return _("Hidden until voting closes")
    return str(dict(CHOICES).get(model.choice, model.choice))


def _channel(view, context, model, name):
    return str(dict(BALLOT_CHANNELS).get(model.channel or "portal", model.channel))


class BallotLogView(OwnersView):
    """表决票记录 The ballot log: append-only, hash-chained; choices hidden until close."""

    allow_create = allow_edit = allow_delete = allow_export = False
    column_list = ("matter", "premises", "owner", "choice", "channel", "receipt", "at", "unit")
    column_details_list = (*column_list, "proxy_id", "prev_hash", "hash")
    column_filters = ("unit",)
    column_labels = {
        **LABELS,
        "matter": _l("Matter"),
        "premises": _l("Unit"),
        "owner": _l("Owner"),
        "choice": _l("Choice"),
        "receipt": _l("Receipt code"),
        "at": _l("Time"),
        "channel": _l("Channel"),
        "proxy_id": _l("Proxy"),
        "prev_hash": _l("Previous hash"),
        "hash": _l("Hash"),
    }
    column_formatters = {"choice": _hidden_choice, "channel": _channel}
    column_formatters_detail = {
        **column_formatters,
        "proxy_id": lambda v, c, m, n: _proxy_name(m),
    }


def _proxy_name(row) -> str:
    """The proxy (受托人) who cast the ballot, or a dash when the owner voted."""
    proxy = Proxy.get_or_none(Proxy.id == row.proxy_id) if row.proxy_id else None
    if proxy is None:
        return _("None (cast by the owner)")
    return proxy.proxy_name or str(proxy.id)


def support_column(view, context, model, name):
    s = reports.request_support(model)
    return _(
        "%(heads)s of %(total_heads)s owners, %(area)s of %(total_area)s m²",
        heads=s["heads"],
        total_heads=s["total_heads"],
        area=area_text(s["area"]),
        total_area=area_text(s["total_area"]),
    )


class ProvisionalRequestView(OwnersView):
    """临时会议提议 Owners' requests for a provisional meeting, signed one by one."""

    allow_edit = allow_delete = False
    column_list = ("title", "status", "support", "accepted_on", "meeting", "unit")
    column_labels = {
        **LABELS,
        "title": _l("Title"),
        "reason": _l("Reason"),
        "status": _l("Status"),
        "support": _l("Requesting owners"),
        "accepted_on": _l("Accepted on"),
        "meeting": _l("Meeting"),
    }
    column_formatters = {"status": choice_formatter(REQUEST_STATES), "support": support_column}
    column_details_list = ("title", "reason", "status", "support", "accepted_on", "meeting")
    column_formatters_detail = column_formatters
    form_columns = ("unit", "title", "reason")
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-pencil-square-o", ".sign_view", title=_l("Add a signature")),
        EndpointLinkRowAction("fa fa-check", ".accept_view", title=_l("Accept")),
    ]

    @expose("/sign/", methods=["GET", "POST"])
    def sign_view(self):
        def make(record):
            form = SignForm()
            form.owner.choices = options(owner_choices(record.unit_id))
            return form

        return form_page(
            self,
            _("Add a signature"),
            make,
            lambda r, form: services.add_requester(
                Context.current(), r, Owner.get_by_id(form.owner.data), form.signed_on.data
            ),
            ProvisionalRequest,
            lambda r: f"{r.title} · {support_column(self, None, r, '')}",
        )

    @expose("/accept/", methods=["GET", "POST"])
    def accept_view(self):
        return form_page(
            self,
            _("Accept the request"),
            lambda _r: AcceptForm(),
            lambda r, form: services.accept_provisional(
                Context.current(), r, form.opens_on.data, form.closes_on.data
            ),
            ProvisionalRequest,
            lambda r: f"{r.title} · {support_column(self, None, r, '')}",
        )


def _file_name(view, context, model, name):
    import json

    try:
        return json.loads(model.authorisation).get("name", "")
    except ValueError:
        return ""


class ProxyView(OwnersView):
    """委托投票 Proxies with their uploaded authorisation; revocable until the proxy votes."""

    allow_edit = allow_delete = False
    column_list = ("meeting", "owner", "proxy_name", "proxy_user", "authorisation", "status")
    column_labels = {
        **LABELS,
        "meeting": _l("Meeting"),
        "owner": _l("Principal"),
        "proxy_name": _l("Proxy"),
        "proxy_user": _l("Proxy's login"),
        "authorisation": _l("Authorisation"),
        "status": _l("Status"),
        "revoked_on": _l("Revoked on"),
    }
    column_formatters = {"status": choice_formatter(PROXY_STATES), "authorisation": _file_name}
    column_formatters_detail = column_formatters
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-check-square-o", ".vote_view", title=_l("Enter the ballot"))
    ]

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        def make(_record):
            form = ProxyForm()
            form.meeting.choices = options(meeting_choices(("draft", "noticed", "voting_open")))
            owners = Owner.select().where(
                Owner.unit.in_([m.unit_id for m in scoped(Meeting, "update")] or [0])
            )
            form.owner.choices = options([(o.id, o.name) for o in owners.order_by(Owner.name)])
            return form

        def done(_record, form):
            meeting = meeting_in_scope(form.meeting.data)
            owner = found(Owner.get_or_none(Owner.id == form.owner.data))
            user = services.proxy_login(form.proxy_login.data)
            upload = request.files.get("authorisation")
            file = None
            if upload is not None and upload.filename:
                limit = int(setting(meeting, "proxy_max_kb")) * 1024 + 1
                file = (upload.read(limit), upload.filename, upload.mimetype)
            services.authorise(Context.current(), meeting, owner, form.proxy_name.data, file, user)

        return form_page(self, _("Record a proxy"), make, done)

    @action("revoke", _l("Revoke"), _l("Revoke the selected proxies?"))
    def action_revoke(self, ids):
        done = 0
        ctx = Context.current()
        for proxy in self.scoped_query(Proxy.select(), "update").where(Proxy.id.in_(ids)):
            try:
                services.revoke(ctx, proxy)
                done += 1
            except ServiceError as exc:
                flash(f"{proxy.proxy_name}: {exc}", "error")
        if done:
            flash(_("Done."), "success")

    @expose("/vote/", methods=["GET", "POST"])
    def vote_view(self):
        """Staff enter the ballot a proxy gives at the counter."""
        back = url_for(".index_view")
        proxy = in_scope(Proxy, request.values.get("id"), "update")
        if proxy is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
        meeting = Meeting.get_by_id(proxy.meeting_id)
        matters = list(Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id))
        form = ConfirmForm()
        if form.validate_on_submit():
            owner = Owner.get_by_id(proxy.owner_id)
            cast = 0
            ctx = Context.current()
            for matter in matters:
                wanted = request.form.get(f"matter-{matter.id}")
                if not wanted:
                    continue
                try:
                    cast += len(services.cast(ctx, owner, matter, wanted, proxy=proxy))
                except ServiceError as exc:
                    flash(f"{matter.title}: {exc}", "error")
            if cast:
                flash(_("The ballots have been recorded."), "success")
                return redirect(back)
        extra = [(f"matter-{m.id}", m.title, CHOICES, "") for m in matters]
        return self.render(
            PAGE,
            title=_("Enter the proxy's ballot"),
            subject=f"{meeting.title} · {proxy.proxy_name}",
            form=form,
            extra=extra,
            back=back,
        )


class PaperEntryView(OwnersView):
    """书面表决票录入 Paper ballots keyed in twice by two people; mismatches go to a third."""

    allow_edit = allow_delete = False
    allow_export = False
    column_list = ("meeting", "sheet", "round", "premises", "owner", "entered_by", "at")
    column_labels = {
        **LABELS,
        "meeting": _l("Meeting"),
        "sheet": _l("Sheet number"),
        "round": _l("Entry"),
        "premises": _l("Unit"),
        "owner": _l("Owner"),
        "entered_by": _l("Entered by"),
        "at": _l("Time"),
    }

    def _meeting(self):
        return in_scope(Meeting, request.values.get("meeting"), "update")

    def _paper_form(self, meeting):
        from core import territory

        form = PaperForm()
        compound = TerritoryUnit.get_by_id(meeting.unit_id)
        form.premises.choices = options(
            (p.id, p.number)
            for p in Premises.select()
            .where(Premises.unit.in_(territory.subtree_ids(compound)))
            .order_by(Premises.number)
        )
        form.owner.choices = options(owner_choices(meeting.unit_id))
        form.proxy.choices = options(
            [(0, "")]
            + [
                (p.id, f"{p.proxy_name} ← {p.owner.name}")
                for p in Proxy.select(Proxy, Owner)
                .join(Owner)
                .where((Proxy.meeting == meeting.id) & (Proxy.status == "active"))
            ]
        )
        return form

    def _entry(self, meeting, form, resolve=False, sheet=None):
        matters = list(Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id))
        if form.validate_on_submit():
            choices = {m.id: request.form.get(f"matter-{m.id}", "") for m in matters}
            premises = Premises.get_or_none(Premises.id == form.premises.data)
            owner = Owner.get_or_none(Owner.id == form.owner.data)
            proxy = Proxy.get_or_none(Proxy.id == form.proxy.data) if form.proxy.data else None
            step = services.resolve_paper if resolve else services.enter_paper
            try:
                _row, counted = step(
                    Context.current(),
                    meeting,
                    sheet or form.sheet.data,
                    premises,
                    owner,
                    form.signed_on.data,
                    choices,
                    proxy,
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                if counted or resolve:
                    flash(_("The sheet matches; its ballots have been counted."), "success")
                else:
                    state = reports.sheet_state(reports.sheet_entries(meeting, form.sheet.data))
                    if state == "mismatch":
                        flash(
                            _("The two entries differ; a third person checks the paper."),
                            "error",
                        )
                    else:
                        flash(_("Saved. A second person enters the same sheet."), "success")
                return redirect(url_for(".sheets_view", meeting=meeting.id))
        return [
            (f"matter-{m.id}", m.title, CHOICES, request.form.get(f"matter-{m.id}", ""))
            for m in matters
        ]

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        meeting = self._meeting()
        if meeting is None or meeting.status != "voting_open":
            links = [
                (url_for(".create_view", meeting=mid), title)
                for mid, title in meeting_choices(("voting_open",))
            ]
            return self.render(PAGE, title=_("Enter a paper ballot"), links=links)
        form = self._paper_form(meeting)
        extra = self._entry(meeting, form)
        if not isinstance(extra, list):
            return extra
        return self.render(
            PAGE,
            title=_("Enter a paper ballot"),
            subject=meeting.title,
            form=form,
            extra=extra,
            back=url_for(".sheets_view", meeting=meeting.id),
        )

    @expose("/sheets/")
    def sheets_view(self):
        meeting = self._meeting() or in_scope(Meeting, request.values.get("meeting"), "read")
        if meeting is None:
            links = [
                (url_for(".sheets_view", meeting=mid), title)
                for mid, title in meeting_choices(
                    ("voting_open", "voting_closed", "tallied", "published", "filed"), "read"
                )
            ]
            return self.render(PAGE, title=_("Paper ballot sheets"), links=links)
        states = {
            "first": _("Waiting for the second entry"),
            "counted": _("Counted"),
            "mismatch": _("Entries differ: a third person checks the paper"),
            "resolved": _("Resolved from the paper"),
        }
        rows = []
        for s in reports.sheets(meeting):
            people = ", ".join(e.entered_by.username for e in s["entries"])
            rows.append((s["sheet"], states[s["state"]], ", ".join(s["differences"]), people))
        mismatches = [
            (url_for(".resolve_view", meeting=meeting.id, sheet=s["sheet"]), s["sheet"])
            for s in reports.sheets(meeting)
            if s["state"] == "mismatch"
        ]
        return self.render(
            PAGE,
            title=_("Paper ballot sheets"),
            subject=meeting.title,
            table={
                "headers": [_("Sheet number"), _("Status"), _("Differences"), _("Entered by")],
                "rows": rows,
            },
            links=mismatches,
        )

    @expose("/resolve/", methods=["GET", "POST"])
    def resolve_view(self):
        meeting = self._meeting()
        sheet = request.values.get("sheet", "")
        if meeting is None or not sheet:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(url_for(".index_view"))
        form = self._paper_form(meeting)
        if request.method == "GET":
            form.sheet.data = sheet
        extra = self._entry(meeting, form, resolve=True, sheet=sheet)
        if not isinstance(extra, list):
            return extra
        return self.render(
            PAGE,
            title=_("Resolve a paper ballot from the paper"),
            subject=f"{meeting.title} · {sheet}",
            form=form,
            extra=extra,
            back=url_for(".sheets_view", meeting=meeting.id),
        )


class CalculatorView(View):
    """试算 The dry-run calculator: planned participation and approval, per area and heads."""

    plugin_id = PLUGIN

    @expose("/", methods=["GET", "POST"])
    def index(self):
        form = CalculatorForm()
        notes = []
        compound = None
        if request.args.get("compound"):
            compound = next(
                (c for c in compounds_by_name("read") if str(c.id) == request.args["compound"]),
                None,
            )
        if compound is not None and request.method == "GET":
            area, heads = reports.compound_totals(compound)
            form.total_area.data = area_text(area)
            form.total_heads.data = str(heads)
            notes.append(_("Totals of %(name)s from the register.", name=compound.name))
        table = None
        if form.validate_on_submit():
            try:
                got = services.calculate(
                    form.kind.data,
                    form.total_area.data,
                    form.total_heads.data,
                    form.participating_area.data,
                    form.participating_heads.data,
                    form.agree_area.data,
                    form.agree_heads.data,
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                table = self._table(form, got)
        links = [(url_for(".index", compound=c.id), c.name) for c in compounds_by_name("read")]
        return self.render(
            PAGE,
            title=_("Dry-run calculator"),
            notes=notes
            + [_('"At least" (以上) includes the boundary; "more than half" (过半数) does not.')],
            links=links,
            form=form,
            table=table,
            submit=_("Calculate"),
        )

    def _table(self, form, got):
        special = form.kind.data == "special"
        yes, no = _("Pass"), _("Fail")
        approval = _("at least 3/4") if special else _("more than 1/2")
        rows = [
            (
                _("Participation by area"),
                f"{form.participating_area.data} / {form.total_area.data}",
                _("at least 2/3"),
                yes if got["quorate_area"] else no,
            ),
            (
                _("Participation by heads"),
                f"{form.participating_heads.data} / {form.total_heads.data}",
                _("at least 2/3"),
                yes if got["quorate_heads"] else no,
            ),
            (
                _("Approval by area"),
                f"{form.agree_area.data} / {form.participating_area.data}",
                approval,
                yes if got["approved_area"] else no,
            ),
            (
                _("Approval by heads"),
                f"{form.agree_heads.data} / {form.participating_heads.data}",
                approval,
                yes if got["approved_heads"] else no,
            ),
            (_("Result"), "", "", str(dict(RESULT_LABELS)[got["result"]])),
        ]
        return {"headers": [_("Threshold"), _("Planned"), _("Needed"), _("Verdict")], "rows": rows}


RESULT_LABELS = [
    ("passed", _l("Passed")),
    ("rejected", _l("Rejected")),
    ("not_quorate", _l("Not quorate")),
]


def admin_views(category) -> list:
    views = [
        (MeetingView, Meeting, _l("Meetings")),
        (MatterView, Matter, _l("Matters")),
        (BallotLogView, BallotLog, _l("Ballots")),
        (ProvisionalRequestView, ProvisionalRequest, _l("Provisional meeting requests")),
        (ProxyView, Proxy, _l("Proxies")),
        (PaperEntryView, PaperEntry, _l("Paper ballot entries")),
    ]
    out = [cls(model, name=name, category=category) for cls, model, name in views]
    out.append(
        CalculatorView(
            name=_l("Dry-run calculator"),
            category=category,
            endpoint="owners_calculator",
            url="/admin/owners/calculator",
        )
    )
    return out
