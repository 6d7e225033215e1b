"""Admin pages added on branch ow-ballots: the residents' committee notices and opinions,
provisional-meeting requests, proxies, paper ballots keyed in twice, the dry-run calculator,
preparatory groups, committees and their members. Every page and choice list is limited to
the user's territory scope; the work is done by the services."""

from __future__ import annotations

import datetime as dt

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_login import current_user

from core.admin import View
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit, User
from core.services import ServiceError

from . import ballots, committees, meetings
from .admin import LABELS, OwnersView, choice
from .forms import (
    AcceptForm,
    CalculatorForm,
    ConfirmForm,
    ElectForm,
    FileForm,
    GroupForm,
    InterimForm,
    OpinionForm,
    PaperForm,
    ProxyForm,
    ReplaceForm,
    SignForm,
    TellForm,
)
from .models import (
    CHOICES,
    COMMITTEE_KINDS,
    MEMBER_SOURCES,
    PLUGIN,
    PROXY_STATES,
    REQUEST_STATES,
    ROLES,
    Committee,
    CommitteeMember,
    Matter,
    Meeting,
    Owner,
    PaperEntry,
    Premises,
    PreparatoryGroup,
    PreparatoryMember,
    ProvisionalRequest,
    Proxy,
    ResidentsCommitteeNotice,
)

PAGE = "owners/admin_page.html"


def _actor():
    return current_user._get_current_object()


def scoped(model, action="read"):
    """Rows of ``model`` in the current user's scope for ``action``."""
    access = g.get("access")
    if access is None:
        return model.select().where(model.id == 0)
    return model.select().where(access.scope_condition(model, PLUGIN, action, g.get("district_id")))


def in_scope(model, pk, action="read"):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return scoped(model, action).where(model.id == pk).first()


def compounds(action="update"):
    access = g.get("access")
    if access is None:
        return []
    return list(
        TerritoryUnit.select()
        .where(
            (TerritoryUnit.level == "compound")
            & access.unit_condition(PLUGIN, action)
            & (TerritoryUnit.district_id == g.get("district_id"))
        )
        .order_by(TerritoryUnit.name)
    )


def meeting_choices(states, action="update"):
    return [
        (m.id, m.title)
        for m in scoped(Meeting, action).where(Meeting.status.in_(states)).order_by(Meeting.id)
    ]


def owner_choices(unit_id):
    return [
        (o.id, o.name)
        for o in Owner.select().where(Owner.unit == unit_id).order_by(Owner.name, Owner.id)
    ]


def _date_text(value):
    return value.isoformat() if isinstance(value, dt.date) else ""


def form_page(view, title, make_form, done, model=None, subject=None, **extra):
    """The common admin page: the record ``?id=`` of ``model`` in scope (when given), a form
    from ``make_form(record)``, and ``done(record, form)`` on a valid post; a refusal is shown
    beside the form and changes nothing."""
    back = url_for(".index_view")
    record = None
    if model is not None:
        record = in_scope(model, request.values.get("id"), "update")
        if record is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
    form = make_form(record)
    if form.validate_on_submit():
        try:
            done(record, form)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(back)
    subject = subject(record) if callable(subject) else subject
    return view.render(PAGE, title=title, subject=subject, form=form, back=back, **extra)


def _meeting_in_scope(pk) -> Meeting:
    meeting = in_scope(Meeting, pk, "update")
    if meeting is None:
        raise ServiceError(_("This record does not exist or you may not change it."))
    return meeting


def _compound_in_scope(pk) -> TerritoryUnit:
    compound = next((c for c in compounds() if c.id == pk), None)
    if compound is None:
        raise ServiceError(_("Please choose a compound."))
    return compound


STATE_LABELS = {
    "due": _l("Due"),
    "overdue": _l("Overdue"),
    "late": _l("Done late"),
    "on_time": _l("Done in time"),
    "in_office": _l("In office"),
    "ending_soon": _l("Term ending soon"),
    "expired": _l("Term expired"),
    "ended": _l("Ended"),
}


def publish_due_column(view, context, model, name):
    state = meetings.publication_state(model)
    text = _date_text(model.publish_due)
    return f"{text} ({STATE_LABELS[state]})" if state else text


class RCNoticeView(OwnersView):
    """告知居委会 The residents' committee told of a meeting, and its opinion."""

    allow_edit = allow_delete = False
    column_list = ("meeting", "committee_name", "notified_on", "opinion_on", "opinion", "unit")
    column_labels = {
        **LABELS,
        "meeting": _l("Meeting"),
        "committee_name": _l("Residents' committee"),
        "notified_on": _l("Notified on"),
        "opinion_on": _l("Opinion given on"),
        "opinion": _l("Opinion"),
    }
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-comment", ".opinion_view", title=_l("Record the opinion"))
    ]

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        def make(_record):
            form = TellForm()
            form.meeting.choices = meeting_choices(("draft", "noticed"))
            return form

        def done(_record, form):
            meetings.tell_residents_committee(
                _meeting_in_scope(form.meeting.data),
                form.committee_name.data,
                form.notified_on.data,
                _actor(),
                g.access,
            )

        return form_page(self, _("Tell the residents' committee"), make, done)

    @expose("/opinion/", methods=["GET", "POST"])
    def opinion_view(self):
        return form_page(
            self,
            _("Record the opinion"),
            lambda _r: OpinionForm(),
            lambda r, form: meetings.record_opinion(
                r, form.opinion.data, form.opinion_on.data, _actor(), g.access
            ),
            ResidentsCommitteeNotice,
            lambda r: f"{r.committee_name} · {r.notified_on}",
        )


def support_column(view, context, model, name):
    s = meetings.request_support(model)
    return _(
        "%(heads)s of %(total_heads)s owners, %(area)s of %(total_area)s m²",
        heads=s["heads"],
        total_heads=s["total_heads"],
        area=meetings.area_text(s["area"]),
        total_area=meetings.area_text(s["total_area"]),
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
    column_formatters = {"status": choice(REQUEST_STATES), "support": support_column}
    column_details_list = ("title", "reason", "status", "support", "accepted_on", "meeting")
    column_formatters_detail = column_formatters
    form_columns = ("unit", "title", "reason")
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-pencil-square-o", ".sign_view", title=_l("Add a signature")),
        EndpointLinkRowAction("fa fa-check", ".accept_view", title=_l("Accept")),
    ]

    def on_model_change(self, form, model, is_created):
        from .services import check_in_compound

        check_in_compound(model)
        if not (model.title or "").strip():
            raise ServiceError(_("Please fill in the title."))

    @expose("/sign/", methods=["GET", "POST"])
    def sign_view(self):
        def make(record):
            form = SignForm()
            form.owner.choices = owner_choices(record.unit_id)
            return form

        return form_page(
            self,
            _("Add a signature"),
            make,
            lambda r, form: meetings.add_requester(
                r, Owner.get_by_id(form.owner.data), form.signed_on.data, _actor(), g.access
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
            lambda r, form: meetings.accept_provisional(
                r, form.opens_on.data, form.closes_on.data, _actor(), access=g.access
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
    column_formatters = {"status": choice(PROXY_STATES), "authorisation": _file_name}
    column_formatters_detail = column_formatters
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-check-square-o", ".vote_view", title=_l("Enter the ballot"))
    ]

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        def make(_record):
            form = ProxyForm()
            form.meeting.choices = meeting_choices(("draft", "noticed", "voting_open"))
            owners = Owner.select().where(
                Owner.unit.in_([m.unit_id for m in scoped(Meeting, "update")] or [0])
            )
            form.owner.choices = [(o.id, o.name) for o in owners.order_by(Owner.name)]
            return form

        def done(_record, form):
            meeting = _meeting_in_scope(form.meeting.data)
            owner = Owner.get_or_none(Owner.id == form.owner.data)
            if owner is None:
                raise ServiceError(_("This record does not exist or you may not change it."))
            user = None
            login = (form.proxy_login.data or "").strip()
            if login:
                user = User.get_or_none(User.username == login)
                if user is None:
                    raise ServiceError(_("There is no user %(name)s.", name=login))
            upload = request.files.get("authorisation")
            file = None
            if upload is not None and upload.filename:
                limit = int(meetings.setting(meeting, "proxy_max_kb")) * 1024 + 1
                file = (upload.read(limit), upload.filename, upload.mimetype)
            ballots.authorise(meeting, owner, form.proxy_name.data, _actor(), file, user, g.access)

        return form_page(self, _("Record a proxy"), make, done)

    @action("revoke", _l("Revoke"), _l("Revoke the selected proxies?"))
    def action_revoke(self, ids):
        done = 0
        for proxy in self.scoped_query(Proxy.select(), "update").where(Proxy.id.in_(ids)):
            try:
                ballots.revoke(proxy, _actor(), access=g.access)
                done += 1
            except ServiceError as exc:
                flash(f"{proxy.proxy_name}: {exc}", "error")
        if done:
            flash(_("Done."), "success")

    @expose("/vote/", methods=["GET", "POST"])
    def vote_view(self):
        """Staff enter the ballot a proxy gives at the counter."""
        from . import services

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
            for matter in matters:
                wanted = request.form.get(f"matter-{matter.id}")
                if not wanted:
                    continue
                try:
                    cast += len(
                        services.cast(owner, matter, wanted, _actor(), proxy=proxy, access=g.access)
                    )
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
        form.premises.choices = [
            (p.id, p.number)
            for p in Premises.select()
            .where(Premises.unit.in_(territory.subtree_ids(compound)))
            .order_by(Premises.number)
        ]
        form.owner.choices = owner_choices(meeting.unit_id)
        form.proxy.choices = [(0, "")] + [
            (p.id, f"{p.proxy_name} ← {p.owner.name}")
            for p in Proxy.select(Proxy, Owner)
            .join(Owner)
            .where((Proxy.meeting == meeting.id) & (Proxy.status == "active"))
        ]
        return form

    def _entry(self, meeting, form, resolve=False, sheet=None):
        matters = list(Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id))
        if form.validate_on_submit():
            choices = {m.id: request.form.get(f"matter-{m.id}", "") for m in matters}
            premises = Premises.get_or_none(Premises.id == form.premises.data)
            owner = Owner.get_or_none(Owner.id == form.owner.data)
            proxy = Proxy.get_or_none(Proxy.id == form.proxy.data) if form.proxy.data else None
            step = ballots.resolve_paper if resolve else ballots.enter_paper
            try:
                _row, counted = step(
                    meeting,
                    sheet or form.sheet.data,
                    premises,
                    owner,
                    form.signed_on.data,
                    choices,
                    _actor(),
                    proxy,
                    g.access,
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                if counted or resolve:
                    flash(_("The sheet matches; its ballots have been counted."), "success")
                else:
                    state = ballots.sheet_state(ballots.sheet_entries(meeting, form.sheet.data))
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
        for s in ballots.sheets(meeting):
            people = ", ".join(e.entered_by.username for e in s["entries"])
            rows.append((s["sheet"], states[s["state"]], ", ".join(s["differences"]), people))
        mismatches = [
            (url_for(".resolve_view", meeting=meeting.id, sheet=s["sheet"]), s["sheet"])
            for s in ballots.sheets(meeting)
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
                (c for c in compounds("read") if str(c.id) == request.args["compound"]), None
            )
        if compound is not None and request.method == "GET":
            area, heads = meetings.compound_totals(compound)
            form.total_area.data = meetings.area_text(area)
            form.total_heads.data = str(heads)
            notes.append(_("Totals of %(name)s from the register.", name=compound.name))
        table = None
        if form.validate_on_submit():
            try:
                got = meetings.calculate(
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
        links = [(url_for(".index", compound=c.id), c.name) for c in compounds("read")]
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


def parse_lines(text: str) -> list[list[str]]:
    lines = []
    for raw in (text or "").splitlines():
        raw = raw.replace("，", ",").strip()
        if raw:
            lines.append([part.strip() for part in raw.split(",")])
    return lines


def owner_named(compound_id: int, name: str) -> Owner:
    found = list(Owner.select().where((Owner.unit == compound_id) & (Owner.name == name)))
    if len(found) != 1:
        raise ServiceError(
            _("There is no single owner named %(name)s in this compound.", name=name)
        )
    return found[0]


class PreparatoryGroupView(OwnersView):
    """筹备组 Preparatory groups of a compound's first owners' assembly."""

    allow_edit = allow_delete = False
    column_list = ("name", "formed_on", "posted_on", "due_on", "completed_on", "unit")
    column_labels = {
        **LABELS,
        "name": _l("Name"),
        "formed_on": _l("Formed on"),
        "posted_on": _l("List posted on"),
        "due_on": _l("Preparation due"),
        "completed_on": _l("Completed on"),
    }

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        def make(_record):
            form = GroupForm()
            form.compound.choices = [(c.id, c.name) for c in compounds()]
            return form

        def done(_record, form):
            compound = _compound_in_scope(form.compound.data)
            members = []
            for parts in parse_lines(form.members.data):
                source = parts[1] if len(parts) > 1 and parts[1] else "owner"
                owner = owner_named(compound.id, parts[0]) if source == "owner" else None
                members.append({"name": parts[0], "source": source, "owner": owner})
            committees.form_preparatory_group(
                compound,
                form.name.data,
                form.formed_on.data,
                members,
                _actor(),
                form.posted_on.data,
                g.access,
            )

        return form_page(self, _("Form a preparatory group"), make, done)


class PreparatoryMemberView(OwnersView):
    allow_create = allow_edit = allow_delete = False
    column_list = ("group", "name", "source", "owner", "unit")
    column_labels = {
        **LABELS,
        "group": _l("Group"),
        "source": _l("Represents"),
        "owner": _l("Owner"),
    }
    column_formatters = {"source": choice(MEMBER_SOURCES)}


def term_column(view, context, model, name):
    return f"{_date_text(model.term_ends)} ({STATE_LABELS[committees.term_state(model)]})"


def filing_column(view, context, model, name):
    state = committees.filing_state(model)
    text = _date_text(model.filing_due)
    return f"{text} ({STATE_LABELS[state]})" if state else text


class CommitteeView(OwnersView):
    """业主委员会 / 物业管理委员会 Committees with their term and filing (备案)."""

    allow_edit = allow_delete = False
    column_list = ("name", "kind", "seats", "formed_on", "term_ends", "filing_due", "filed_on")
    column_labels = {
        **LABELS,
        "name": _l("Name"),
        "kind": _l("Kind"),
        "meeting": _l("Election meeting"),
        "seats": _l("Seats"),
        "formed_on": _l("Elected or formed on"),
        "term_ends": _l("Term ends on"),
        "filing_due": _l("File by"),
        "filed_on": _l("Filed on"),
        "ended_on": _l("Ended on"),
    }
    column_formatters = {
        "kind": choice(COMMITTEE_KINDS),
        "term_ends": term_column,
        "filing_due": filing_column,
    }
    column_formatters_detail = column_formatters
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-archive", ".file_view", title=_l("Record the filing"))
    ]

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        def make(_record):
            form = ElectForm()
            form.meeting.choices = meeting_choices(("tallied", "published", "filed"))
            return form

        def done(_record, form):
            meeting = _meeting_in_scope(form.meeting.data)
            members = []
            for parts in parse_lines(form.members.data):
                role = parts[1] if len(parts) > 1 and parts[1] else "member"
                members.append(
                    {
                        "name": parts[0],
                        "owner": owner_named(meeting.unit_id, parts[0]),
                        "role": role,
                    }
                )
            committees.elect_committee(
                meeting,
                members,
                form.elected_on.data,
                form.term_years.data,
                _actor(),
                form.name.data or "",
                g.access,
            )

        return form_page(
            self,
            _("Record the elected owners' committee"),
            make,
            done,
            links=[(url_for(".interim_view"), _("Form a property management committee instead"))],
        )

    @expose("/interim/", methods=["GET", "POST"])
    def interim_view(self):
        def make(_record):
            form = InterimForm()
            form.compound.choices = [(c.id, c.name) for c in compounds()]
            return form

        def done(_record, form):
            compound = _compound_in_scope(form.compound.data)
            members = []
            for parts in parse_lines(form.members.data):
                source = parts[1] if len(parts) > 1 and parts[1] else "owner"
                role = parts[2] if len(parts) > 2 and parts[2] else "member"
                owner = owner_named(compound.id, parts[0]) if source == "owner" else None
                members.append({"name": parts[0], "source": source, "role": role, "owner": owner})
            committees.form_interim_committee(
                compound,
                members,
                form.formed_on.data,
                form.term_years.data,
                _actor(),
                form.name.data or "",
                g.access,
            )

        return form_page(self, _("Form a property management committee"), make, done)

    @expose("/file/", methods=["GET", "POST"])
    def file_view(self):
        return form_page(
            self,
            _("Record the filing"),
            lambda _r: FileForm(),
            lambda r, form: committees.file_committee(r, form.filed_on.data, _actor(), g.access),
            Committee,
            lambda r: r.name,
        )


class CommitteeMemberView(OwnersView):
    """Members of committees with their roles; a replacement keeps the history."""

    allow_create = allow_edit = allow_delete = False
    column_list = (
        "committee",
        "name",
        "role",
        "source",
        "started_on",
        "ended_on",
        "end_reason",
        "replaces",
    )
    column_labels = {
        **LABELS,
        "committee": _l("Committee"),
        "role": _l("Role"),
        "source": _l("Represents"),
        "started_on": _l("Started on"),
        "ended_on": _l("Ended on"),
        "end_reason": _l("Reason for leaving"),
        "replaces": _l("Replaces"),
        "owner": _l("Owner"),
    }
    column_formatters = {"role": choice(ROLES), "source": choice(MEMBER_SOURCES)}
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-exchange", ".replace_view", title=_l("Replace the member"))
    ]

    def _roles(self, ids, role):
        for member in self.scoped_query(CommitteeMember.select(), "update").where(
            CommitteeMember.id.in_(ids)
        ):
            try:
                committees.set_role(member, role, _actor(), g.access)
            except ServiceError as exc:
                flash(f"{member.name}: {exc}", "error")
            else:
                flash(_("Done."), "success")

    @action("chair", _l("Make chair"), _l("Make the selected member the chair?"))
    def action_chair(self, ids):
        self._roles(ids[:1], "chair")

    @action("vice_chair", _l("Make vice chair"), _l("Make the selected members vice chairs?"))
    def action_vice_chair(self, ids):
        self._roles(ids, "vice_chair")

    @action("member", _l("Make ordinary member"), _l("Make the selected members ordinary members?"))
    def action_member(self, ids):
        self._roles(ids, "member")

    @expose("/replace/", methods=["GET", "POST"])
    def replace_view(self):
        def make(member):
            form = ReplaceForm()
            form.owner.choices = [(0, "")] + owner_choices(member.unit_id)
            return form

        def done(member, form):
            owner = Owner.get_or_none(Owner.id == form.owner.data) if form.owner.data else None
            committees.replace_member(
                member,
                form.name.data,
                owner,
                form.started_on.data,
                form.reason.data,
                _actor(),
                access=g.access,
            )

        return form_page(
            self, _("Replace the member"), make, done, CommitteeMember, lambda m: m.name
        )


def more_views() -> list:
    category = _l("Owners' assembly")
    views = [
        (RCNoticeView, ResidentsCommitteeNotice, _l("Residents' committee notices")),
        (ProvisionalRequestView, ProvisionalRequest, _l("Provisional meeting requests")),
        (ProxyView, Proxy, _l("Proxies")),
        (PaperEntryView, PaperEntry, _l("Paper ballot entries")),
        (PreparatoryGroupView, PreparatoryGroup, _l("Preparatory groups")),
        (PreparatoryMemberView, PreparatoryMember, _l("Preparatory group members")),
        (CommitteeView, Committee, _l("Committees")),
        (CommitteeMemberView, CommitteeMember, _l("Committee members")),
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
