"""Admin views of the committees (业主委员会): the residents' committee told of a meeting and its
opinion, preparatory groups, elected owners' committees and interim property management
committees with their term and filing, and their members with roles and replacements. Every
page and choice list is limited to the user's territory scope; the work is done by the
services."""

from __future__ import annotations

from flask import flash, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction

from core.admin import choice_formatter
from core.choices import options
from core.commands import Context
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext

from ..assembly.admin import meeting_choices, meeting_in_scope
from ..register.admin import owner_choices
from ..register.models import Owner
from ..shared.admin import (
    LABELS,
    STATE_LABELS,
    OwnersView,
    compound_in_scope,
    compounds_by_name,
    date_text,
    form_page,
)
from . import reports, services
from .forms import (
    ElectForm,
    FileForm,
    GroupForm,
    InterimForm,
    OpinionForm,
    ReplaceForm,
    TellForm,
)
from .models import (
    COMMITTEE_KINDS,
    MEMBER_SOURCES,
    ROLES,
    Committee,
    CommitteeMember,
    PreparatoryGroup,
    PreparatoryMember,
    ResidentsCommitteeNotice,
)


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
            form.meeting.choices = options(meeting_choices(("draft", "noticed")))
            return form

        def done(_record, form):
            services.tell_residents_committee(
                Context.current(),
                meeting_in_scope(form.meeting.data),
                form.committee_name.data,
                form.notified_on.data,
            )

        return form_page(self, _("Tell the residents' committee"), make, done)

    @expose("/opinion/", methods=["GET", "POST"])
    def opinion_view(self):
        return form_page(
            self,
            _("Record the opinion"),
            lambda _r: OpinionForm(),
            lambda r, form: services.record_opinion(
                Context.current(), r, form.opinion.data, form.opinion_on.data
            ),
            ResidentsCommitteeNotice,
            lambda r: f"{r.committee_name} · {r.notified_on}",
        )


def parse_lines(text: str) -> list[list[str]]:
    lines = []
    for raw in (text or "").splitlines():
        raw = raw.replace("，", ",").strip()
        if raw:
            lines.append([part.strip() for part in raw.split(",")])
    return lines


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
            form.compound.choices = options([(c.id, c.name) for c in compounds_by_name()])
            return form

        def done(_record, form):
            compound = compound_in_scope(form.compound.data)
            members = []
            for parts in parse_lines(form.members.data):
                source = parts[1] if len(parts) > 1 and parts[1] else "owner"
                owner = services.owner_named(compound.id, parts[0]) if source == "owner" else None
                members.append({"name": parts[0], "source": source, "owner": owner})
            services.form_preparatory_group(
                Context.current(),
                compound,
                form.name.data,
                form.formed_on.data,
                members,
                form.posted_on.data,
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
    column_formatters = {"source": choice_formatter(MEMBER_SOURCES)}


def term_column(view, context, model, name):
    return f"{date_text(model.term_ends)} ({STATE_LABELS[reports.term_state(model)]})"


def filing_column(view, context, model, name):
    state = reports.filing_state(model)
    text = date_text(model.filing_due)
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
        "kind": choice_formatter(COMMITTEE_KINDS),
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
            form.meeting.choices = options(meeting_choices(("tallied", "published", "filed")))
            return form

        def done(_record, form):
            meeting = meeting_in_scope(form.meeting.data)
            members = []
            for parts in parse_lines(form.members.data):
                role = parts[1] if len(parts) > 1 and parts[1] else "member"
                members.append(
                    {
                        "name": parts[0],
                        "owner": services.owner_named(meeting.unit_id, parts[0]),
                        "role": role,
                    }
                )
            services.elect_committee(
                Context.current(),
                meeting,
                members,
                form.elected_on.data,
                form.term_years.data,
                form.name.data or "",
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
            form.compound.choices = options([(c.id, c.name) for c in compounds_by_name()])
            return form

        def done(_record, form):
            compound = compound_in_scope(form.compound.data)
            members = []
            for parts in parse_lines(form.members.data):
                source = parts[1] if len(parts) > 1 and parts[1] else "owner"
                role = parts[2] if len(parts) > 2 and parts[2] else "member"
                owner = services.owner_named(compound.id, parts[0]) if source == "owner" else None
                members.append({"name": parts[0], "source": source, "role": role, "owner": owner})
            services.form_interim_committee(
                Context.current(),
                compound,
                members,
                form.formed_on.data,
                form.term_years.data,
                form.name.data or "",
            )

        return form_page(self, _("Form a property management committee"), make, done)

    @expose("/file/", methods=["GET", "POST"])
    def file_view(self):
        return form_page(
            self,
            _("Record the filing"),
            lambda _r: FileForm(),
            lambda r, form: services.file_committee(Context.current(), r, form.filed_on.data),
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
        "role": lazy_pgettext("committee", "Role"),
        "source": _l("Represents"),
        "started_on": _l("Started on"),
        "ended_on": _l("Ended on"),
        "end_reason": _l("Reason for leaving"),
        "replaces": _l("Replaces"),
        "owner": _l("Owner"),
    }
    column_formatters = {
        "role": choice_formatter(ROLES),
        "source": choice_formatter(MEMBER_SOURCES),
    }
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-exchange", ".replace_view", title=_l("Replace the member"))
    ]

    def _roles(self, ids, role):
        for member in self.scoped_query(CommitteeMember.select(), "update").where(
            CommitteeMember.id.in_(ids)
        ):
            try:
                services.set_role(Context.current(), member, role)
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
            form.owner.choices = options([(0, "")] + owner_choices(member.unit_id))
            return form

        def done(member, form):
            owner = Owner.get_or_none(Owner.id == form.owner.data) if form.owner.data else None
            services.replace_member(
                Context.current(),
                member,
                form.name.data,
                owner,
                form.started_on.data,
                form.reason.data,
            )

        return form_page(
            self, _("Replace the member"), make, done, CommitteeMember, lambda m: m.name
        )


def admin_views(category) -> list:
    views = [
        (RCNoticeView, ResidentsCommitteeNotice, _l("Residents' committee notices")),
        (PreparatoryGroupView, PreparatoryGroup, _l("Preparatory groups")),
        (PreparatoryMemberView, PreparatoryMember, _l("Preparatory group members")),
        (CommitteeView, Committee, _l("Committees")),
        (CommitteeMemberView, CommitteeMember, _l("Committee members")),
    ]
    return [cls(model, name=name, category=category) for cls, model, name in views]
