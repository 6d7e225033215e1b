"""Admin pages of public notices (公示) and objections (异议).

Notices are scoped by their unit; objections through their notice. Creating a notice saves a
draft; the bulk action "Publish" puts drafts on the board, "Close" ends notices whose period
is over. Withdrawing asks for a reason and answering an objection for the answer, each on a
page of its own. Changing state or answering needs ``core:update`` in the notice's unit.
"""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import TextAreaField, validators

from core.admin import ModelView
from core.commands import Context
from core.db import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import ngettext
from core.publicity import services
from core.publicity.models import STATE_LABELS, Objection, ObjectionAnswer, Publication
from core.services import ServiceError


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for withdrawal"),
        validators=[
            validators.InputRequired(_l("Give the reason for withdrawing the notice.")),
            validators.Length(max=services.MAX_TEXT),
        ],
    )


class AnswerForm(FlaskForm):
    body = TextAreaField(
        _l("Answer"),
        validators=[
            validators.InputRequired(_l("Write the answer to the objection.")),
            validators.Length(max=services.MAX_TEXT),
        ],
    )


def _objection_count(view, context, model, name):
    total = model.objections.count()
    if not total:
        return "0"
    waiting = services.unanswered(model).count()
    url = url_for("core_objection.index_view", flt1_0=model.id)
    text = _("%(total)s (%(waiting)s unanswered)", total=total, waiting=waiting)
    return Markup(f'<a href="{escape(url)}">{escape(text)}</a>')


def _public_link(view, context, model, name):
    if not model.is_active():
        return ""
    url = url_for("publicity.notice", publication_id=model.id)
    return Markup(f'<a href="{escape(url)}" target="_blank">{escape(url)}</a>')


class PublicationView(ModelView):
    """公示 Public notices: drafts, notices on the board, withdrawn and closed ones."""

    column_list = ("title", "unit", "state", "starts_on", "ends_on", "objections")
    column_details_list = (
        "title",
        "unit",
        "body",
        "state",
        "starts_on",
        "ends_on",
        "period_days",
        "working_days",
        "contact",
        "contact_phone",
        "plugin",
        "target_table",
        "target_id",
        "published_by",
        "published_at",
        "withdrawn_reason",
        "closed_at",
        "closing_note",
        "objections",
        "public_page",
    )
    column_default_sort = ("id", True)
    column_filters = ("state", "unit", "starts_on", "ends_on", "plugin", "target_table")
    column_searchable_list = ("title",)
    column_labels = {
        "title": _l("Title"),
        "unit": _l("Territory unit"),
        "body": _l("Text"),
        "state": _l("State"),
        "starts_on": _l("Starts on"),
        "ends_on": _l("Ends on"),
        "period_days": _l("Period (days)"),
        "working_days": _l("Counted in working days"),
        "contact": _l("Objections to"),
        "contact_phone": _l("Telephone"),
        "plugin": _l("Module"),
        "target_table": _l("Table"),
        "target_id": _l("Record"),
        "published_by": _l("Published by"),
        "published_at": _l("Published at"),
        "withdrawn_reason": _l("Reason for withdrawal"),
        "closed_at": _l("Closed at"),
        "closing_note": _l("Result"),
        "objections": _l("Objections"),
        "public_page": _l("Public page"),
    }
    column_descriptions = {
        "period_days": _l(
            "Counted from the day after the start (Civil Code art. 201); a last day that is a "
            "rest day moves to the next working day."
        ),
        "contact": _l("Who receives objections, e.g. the community party branch."),
    }
    column_formatters = {
        "state": lambda v, c, m, p: str(STATE_LABELS.get(m.state, m.state)),
        "objections": _objection_count,
    }
    column_formatters_detail = {
        **column_formatters,
        "public_page": _public_link,
    }
    form_columns = (
        "title",
        "body",
        "unit",
        "starts_on",
        "period_days",
        "working_days",
        "contact",
        "contact_phone",
    )
    form_args = {
        "title": {"validators": [validators.InputRequired(), validators.Length(max=200)]},
        "starts_on": {"validators": [validators.InputRequired()]},
        "period_days": {
            "validators": [
                validators.InputRequired(),
                validators.NumberRange(
                    min=1,
                    max=services.MAX_DAYS,
                    message=_l("The publicity period must be 1 to 365 days."),
                ),
            ]
        },
    }
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-ban", ".withdraw_view", title=_l("Withdraw")),
    ]

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET":
            from core import workdays

            form.starts_on.data = workdays.today()
            district = g.get("district_id")
            if district is not None:
                days, working = services.default_period_for(district)
                form.period_days.data = days
                form.working_days.data = working
        return form

    def _service(self, call):
        try:
            with db.atomic():
                return call()
        except (ServiceError, PermissionError) as exc:
            flash(str(exc), "error")
            return False

    def create_model(self, form):
        unit = form.unit.data

        def call():
            self.check_write(Publication(unit=unit), "create")
            publication = services.publish(
                Context.current(),
                form.title.data,
                unit,
                body=form.body.data or "",
                starts_on=form.starts_on.data,
                days=form.period_days.data,
                working=bool(form.working_days.data),
                contact=form.contact.data or "",
                contact_phone=form.contact_phone.data or "",
                draft=True,
            )
            flash(_("Draft saved. Check it, then publish it with the action “Publish”."), "info")
            return publication

        return self._service(call)

    def update_model(self, form, model):
        def call():
            self.check_write(model, "update")
            services.update_draft(
                Context.current(),
                model,
                title=form.title.data,
                body=form.body.data or "",
                starts_on=form.starts_on.data,
                days=form.period_days.data,
                working=bool(form.working_days.data),
                contact=form.contact.data or "",
                contact_phone=form.contact_phone.data or "",
            )
            return True

        return self._service(call)

    def _each(self, ids, call, done_message):
        if not self.allowed("update"):
            flash(_("You are not allowed to do this."), "error")
            return
        records = self.scoped_query(Publication.select(), "update").where(Publication.id << ids)
        done = 0
        for publication in records:
            try:
                with db.atomic():
                    call(publication)
                done += 1
            except ServiceError as exc:
                flash(f"{publication.title}: {exc}", "error")
        if done:
            flash(done_message(done), "success")

    @action("publish", _l("Publish"), _l("Publish the selected drafts on the notice board?"))
    def action_publish(self, ids):
        self._each(
            ids,
            lambda p: services.publish_draft(Context.current(), p),
            lambda n: ngettext("%(num)d notice published.", "%(num)d notices published.", n),
        )

    @action("close", _l("Close"), _l("Close the selected notices whose period is over?"))
    def action_close(self, ids):
        self._each(
            ids,
            lambda p: services.close(Context.current(), p),
            lambda n: ngettext("%(num)d notice closed.", "%(num)d notices closed.", n),
        )

    def is_action_allowed(self, name):
        if name in ("publish", "close"):
            return self.allowed("update")
        return super().is_action_allowed(name)

    @expose("/withdraw/", methods=["GET", "POST"])
    def withdraw_view(self):
        back = url_for(".index_view")
        publication = (
            self.scoped_query(Publication.select(), "update")
            .where(Publication.id == _int(request.args.get("id")))
            .first()
        )
        if publication is None or not self.allowed("update"):
            flash(_("This notice does not exist or you may not change it."), "error")
            return redirect(back)
        form = WithdrawForm()
        if form.validate_on_submit():
            done = self._service(
                lambda: services.withdraw(Context.current(), publication, form.reason.data)
            )
            if done:
                flash(_("The notice was withdrawn."), "success")
                return redirect(back)
        return self.render(
            "publicity/admin_withdraw.html", publication=publication, form=form, back=back
        )


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _answered(view, context, model, name):
    answers = list(model.answers.order_by(ObjectionAnswer.id))
    url = url_for(".answer_view", id=model.id)
    if not answers:
        return Markup(f'<a class="text-danger" href="{escape(url)}">{escape(_("Answer"))}</a>')
    return _("Answered (%(num)s)", num=len(answers))


def _answer_list(view, context, model, name):
    answers = list(model.answers.order_by(ObjectionAnswer.id))
    if not answers:
        return _("Not answered yet")
    return Markup("<br>").join(
        Markup("{} {}: {}").format(a.created_at.strftime("%Y-%m-%d"), a.answered_by_name, a.body)
        for a in answers
    )


class ObjectionView(ModelView):
    """异议 Objections to public notices, with their answers; evidence, never changed."""

    scope_through = "publication"
    allow_create = allow_edit = allow_delete = False
    column_list = ("publication", "name", "phone", "content", "created_at", "answered")
    column_details_list = ("publication", "name", "phone", "content", "created_at", "answers")
    column_default_sort = ("created_at", True)
    column_filters = ("publication", "created_at")
    column_searchable_list = ("content", "name")
    column_labels = {
        "publication": _l("Public notice"),
        "name": _l("Full name"),
        "phone": _l("Mobile phone"),
        "content": _l("Objection"),
        "created_at": _l("Raised at"),
        "answered": _l("Answer"),
        "answers": _l("Answers"),
    }
    column_formatters = {"answered": _answered}
    column_formatters_detail = {"answers": _answer_list}
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-reply", ".answer_view", title=_l("Answer")),
    ]

    @expose("/answer/", methods=["GET", "POST"])
    def answer_view(self):
        back = url_for(".index_view")
        objection = (
            self.scoped_query(Objection.select(), "update")
            .where(Objection.id == _int(request.args.get("id")))
            .first()
        )
        if objection is None or not self.allowed("update"):
            flash(_("This objection does not exist or you may not answer it."), "error")
            return redirect(back)
        form = AnswerForm()
        if form.validate_on_submit():
            try:
                services.answer(Context.current(), objection, form.body.data)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(
                    _("The answer was saved and sent to %(name)s.", name=objection.name), "success"
                )
                return redirect(back)
        answers = list(objection.answers.order_by(ObjectionAnswer.id))
        return self.render(
            "publicity/admin_answer.html",
            objection=objection,
            answers=answers,
            form=form,
            back=back,
        )


def admin_views(admin) -> list:
    category = _l("Public notices")
    return [
        PublicationView(
            Publication, name=_l("Public notices"), category=category, plugin_id="core"
        ),
        ObjectionView(Objection, name=_l("Objections"), category=category, plugin_id="core"),
    ]
