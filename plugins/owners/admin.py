"""Admin views of the owners' assembly: the register (owners, units, ownerships), meetings
with their steps, matters (editable only while the meeting is a draft) and the ballot log
(read-only; choices hidden until voting has closed)."""

from __future__ import annotations

from flask import flash, g
from flask_admin.actions import action
from flask_login import current_user

from core.admin import ModelView
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.services import ServiceError

from . import rules, services
from .models import (
    AREA_SOURCES,
    CHOICES,
    ITEMS,
    KINDS,
    MEETING_STATES,
    PLUGIN,
    RESULTS,
    BallotLog,
    Matter,
    Meeting,
    Owner,
    Ownership,
    Premises,
)

LABELS = {
    "unit": _l("Territory unit"),
    "name": _l("Name"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


def choice(choices):
    labels = dict(choices)

    def fmt(view, context, model, name):
        value = getattr(model, name)
        return str(labels.get(value, value or ""))

    return fmt


def _actor():
    return current_user._get_current_object()


class OwnersView(ModelView):
    plugin_id = PLUGIN
    column_default_sort = ("id", True)


class OwnerView(OwnersView):
    """业主 Owners (and the developer) of a compound."""

    column_list = ("name", "is_developer", "user", "unit")
    column_searchable_list = ("name",)
    column_filters = ("is_developer", "unit")
    column_labels = {**LABELS, "is_developer": _l("Developer"), "user": _l("Login")}
    form_columns = ("unit", "name", "is_developer", "user")

    def on_model_change(self, form, model, is_created):
        services.check_in_compound(model)


class PremisesView(OwnersView):
    """专有部分 Exclusive units in buildings, with the area that counts and its source."""

    column_list = ("number", "area", "area_source", "unit")
    column_searchable_list = ("number",)
    column_filters = ("area_source", "unit")
    column_labels = {
        **LABELS,
        "number": _l("Unit number"),
        "area": _l("Exclusive area (m²)"),
        "area_source": _l("Area source"),
    }
    column_formatters = {"area_source": choice(AREA_SOURCES)}
    form_columns = ("unit", "number", "area", "area_source")
    form_choices = {"area_source": AREA_SOURCES}

    def on_model_change(self, form, model, is_created):
        services.check_premises(model)


class OwnershipView(OwnersView):
    """Who holds which unit; several owners of one unit are co-owners."""

    column_list = ("premises", "owner", "unit")
    column_filters = ("unit",)
    column_labels = {**LABELS, "premises": _l("Unit"), "owner": _l("Owner")}
    form_columns = ("unit", "premises", "owner")

    def on_model_change(self, form, model, is_created):
        services.check_ownership(model)


def _publish_due(view, context, model, name):
    from .admin_more import publish_due_column  # branch ow-ballots: overdue visible

    return publish_due_column(view, context, model, name)


class MeetingView(OwnersView):
    """业主大会会议 Meetings: draft → noticed → voting open → closed → tallied → published."""

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
    }
    column_formatters = {"status": choice(MEETING_STATES), "publish_due": _publish_due}
    form_columns = ("unit", "title", "opens_on", "closes_on")

    def on_model_change(self, form, model, is_created):
        if not is_created and model.status != "draft":
            raise ServiceError(_("The meeting can only be changed while it is a draft."))
        services.check_in_compound(model)
        if model.closes_on and model.opens_on and model.closes_on < model.opens_on:
            raise ServiceError(_("Voting must close on or after the day it opens."))

    def _step(self, ids, step):
        done = 0
        for meeting in self.scoped_query(Meeting.select(), "update").where(Meeting.id.in_(ids)):
            try:
                step(meeting, _actor(), access=g.access)
                done += 1
            except ServiceError as exc:
                flash(f"{meeting.title}: {exc}", "error")
        if done:
            flash(_("Done."), "success")

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
    """表决事项 Matters: the Civil Code item sets the threshold; frozen once noticed."""

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
        "item": choice(ITEMS),
        "kind": choice(KINDS),
        "result": choice(RESULTS),
    }
    form_columns = ("unit", "meeting", "title", "item", "description")
    form_choices = {"item": ITEMS}

    def on_model_change(self, form, model, is_created):
        meeting = Meeting.get_or_none(Meeting.id == model.meeting_id)
        if meeting is None or meeting.status != "draft":
            raise ServiceError(_("The agenda is frozen once the meeting has been noticed."))
        model.unit = meeting.unit_id
        model.kind = rules.kind_of(model.item)

    def on_model_delete(self, model):
        services.check_matter_change(Meeting.get_by_id(model.meeting_id))


def _hidden_choice(view, context, model, name):
    meeting = Meeting.get_by_id(Matter.get_by_id(model.matter_id).meeting_id)
    if meeting.status not in rules.RESULTS_VISIBLE:
        return _("Hidden until voting closes")
    return str(dict(CHOICES).get(model.choice, model.choice))


def _channel(view, context, model, name):
    from .models import BALLOT_CHANNELS  # ow-ballots

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
        "channel": _l("Channel"),  # ow-ballots
        "proxy_id": _l("Proxy"),
        "prev_hash": _l("Previous hash"),
        "hash": _l("Hash"),
    }
    column_formatters = {"choice": _hidden_choice, "channel": _channel}
    column_formatters_detail = column_formatters


def admin_views(admin) -> list:
    category = _l("Owners' assembly")
    views = [
        (OwnerView, Owner, _l("Owners")),
        (PremisesView, Premises, _l("Units")),
        (OwnershipView, Ownership, _l("Ownerships")),
        (MeetingView, Meeting, _l("Meetings")),
        (MatterView, Matter, _l("Matters")),
        (BallotLogView, BallotLog, _l("Ballots")),
    ]
    made = [cls(model, name=name, category=category) for cls, model, name in views]
    from .admin_more import more_views  # branch ow-ballots
    from .fund_admin import fund_admin_views  # ow-fund: fund, property service, import

    return made + more_views() + fund_admin_views(category)
