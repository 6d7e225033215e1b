"""Portal pages for inspectors on a phone (``/portal/hazards``): choose a checklist, pick a
registered premises or name the place and its community, answer every item (pass / fail /
not applicable) with photos and the phone's position, and submit; each failed item becomes
a hazard. Also: hazards reported by hand, re-inspections of failed items, a hazard's page
(photos before and after, rectification with photos) and the scoped photo view."""

from __future__ import annotations

import peewee as pw
from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField, TextAreaField

from core.choices import options
from core.commands import Context
from core.i18n import Label, is_english, lazy_pgettext
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.portal import portal_login_required
from core.services import ServiceError

from . import forms as checklists
from . import rules, services
from .flows import HAZARD_FLOW, PLUGIN
from .models import SOURCES, Hazard, Inspection, Photo, Premises, Recheck

portal = Blueprint(
    "hazards_portal",
    __name__,
    url_prefix="/portal/hazards",
    template_folder="templates",
    static_folder="static",
)
portal.portal_label = Label("隐患排查", "Hazard inspections")
portal.portal_resource = "hazards.portal"  # the inspector's pages: hazards.portal:read


def blueprints() -> list[Blueprint]:
    return [portal]


class PlaceForm(FlaskForm):
    premises = SelectField(_l("Registered premises"), choices=[], validate_choice=False)
    unit = SelectField(_l("Community or grid"), choices=[], validate_choice=False)
    place = StringField(_l("Place inspected"))
    latitude = StringField(_l("Latitude"))
    longitude = StringField(_l("Longitude"))


def _units(access, resource=services.INSPECTION):
    """Communities and grids where ``access`` may create ``resource`` (an inspection, or a
    hazard for a report)."""
    if access is None or g.get("district_id") is None:
        return []
    return list(
        TerritoryUnit.select()
        .where(
            (TerritoryUnit.district_id == g.district_id)
            & access.unit_condition(resource, "create")
            & TerritoryUnit.level.in_(("community", "grid"))
        )
        .order_by(TerritoryUnit.path)
    )


def _checklists():
    found = []
    for key in checklists.checklist_keys():
        version = checklists.checklist_version(key, g.get("district_id"))
        from forms.services import version_form

        form_def = version_form(version)
        title = form_def.title_en if is_english() and form_def.title_en else form_def.title_zh
        found.append((key, title))
    return found


@portal.route("/")
@portal_login_required
def index():
    access = g.get("access")
    mine = []
    hazards = []
    if access is not None and access.can(services.INSPECTION, "read"):
        mine = list(
            Inspection.select()
            .where(Inspection.created_by == current_user.id)
            .order_by(Inspection.id.desc())
            .limit(10)
        )
        mine_ids = Inspection.select(Inspection.id).where(Inspection.created_by == current_user.id)
        hazards = list(
            Hazard.select()
            .where(Hazard.inspection.in_(mine_ids) | (Hazard.created_by == current_user.id))
            .order_by(Hazard.id.desc())
            .limit(20)
        )
    return render_template(
        "hazards/portal_index.html",
        checklists=_checklists(),
        inspections=mine,
        hazards=hazards,
        state_label=HAZARD_FLOW.state_label,
        may_inspect=access is not None and access.can(services.INSPECTION, "create"),
    )


@portal.route("/inspect/<key>", methods=["GET", "POST"])
@portal_login_required
def inspect(key):
    from forms.services import context, version_form
    from forms.wtform import wtform_class

    access = g.get("access")
    if access is None or not access.can(services.INSPECTION, "create"):
        flash(_("You are not allowed to record inspections."), "error")
        return redirect(url_for(".index"))
    version = checklists.checklist_version(key, g.get("district_id"))
    if version is None or key not in checklists.checklist_keys():
        flash(_("Unknown checklist: %(key)s.", key=key), "error")
        return redirect(url_for(".index"))
    form_def = version_form(version)
    english = is_english()
    form = PlaceForm()
    units = _units(access)
    form.unit.choices = options([("", "—")] + [(str(u.id), u.name) for u in units])
    form.premises.choices = options([("", "—")] + [(str(p.id), str(p)) for p in _premises(access)])
    if request.method == "GET" and request.args.get("premises"):
        form.premises.data = request.args["premises"]
    items_form = wtform_class(form_def, context(g.get("district_id"), access, PLUGIN), base=Form)(
        request.form if request.method == "POST" else None
    )
    task_id = request.args.get("task")  # the inspection task this inspection fulfils
    if task_id and request.method == "GET":
        from .planning.services import open_task_defaults

        form.unit.data, form.place.data = open_task_defaults(task_id, access)
    adding = request.form.get("add_row")
    if request.method == "POST" and adding in items_form._fields:
        items_form[adding].append_entry()  # one more floor, stairwell...: nothing is saved
    elif request.method == "POST" and form.validate_on_submit():
        try:
            chosen = _premises_by_id(form.premises.data)
            inspection = services.inspect(
                Context.current("portal"),
                None if chosen else _unit(units, form.unit.data),
                key,
                form.place.data,
                items_form.definition_data(),
                premises=chosen,
                photos=_photos(g.get("district_id")),
                position=(form.latitude.data, form.longitude.data),
                task=task_id,
            )
        except ServiceError as exc:
            items_form.validate()  # show the engine's messages beside the items
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "Inspection recorded: %(count)s hazards found.",
                    count=inspection.failed_count,
                ),
                "success",
            )
            return redirect(url_for(".inspection", id=inspection.id))
    return render_template(
        "hazards/portal_inspect.html",
        form=form,
        items_form=items_form,
        form_def=form_def,
        english=english,
        flags=rules.answer_flags,
        version_number=version.version,
        title=form_def.title_en if english and form_def.title_en else form_def.title_zh,
    )


def _premises(access, resource=services.INSPECTION):
    """Active premises where the user may create ``resource`` (for the picker)."""
    if access is None or g.get("district_id") is None:
        return []
    where = access.scope_condition(Premises, PLUGIN, "create", g.district_id, resource)
    return list(Premises.select().where(Premises.active & where).order_by(Premises.name))


def _premises_by_id(value):
    """A premises of the current district by id (scope is the service's to check)."""
    if not str(value or "").isdigit() or g.get("district_id") is None:
        return None
    return (
        Premises.select()
        .join(TerritoryUnit)
        .where((Premises.id == int(value)) & (TerritoryUnit.district_id == g.district_id))
        .first()
    )


def _unit(units, value):
    return next((u for u in units if str(u.id) == str(value)), None)


def _photos(district_id) -> dict:
    """Uploaded photos by answer path (inputs named ``photo__<path>``; ``photo__`` alone is
    for the whole inspection or report)."""
    limit_kb = services.photo_limits(district_id)[0]
    found = {}
    for name in request.files:
        if not name.startswith("photo__"):
            continue
        uploads = [services.Upload.from_storage(f, limit_kb) for f in request.files.getlist(name)]
        uploads = [u for u in uploads if u is not None]
        if uploads:
            found[name[len("photo__") :]] = uploads
    return found


def _scoped(model, action="read"):
    """Rows of ``model`` in the user's data scope in the current district (none without)."""
    access = g.get("access")
    if access is None or g.get("district_id") is None:
        return model.select().where(pw.SQL("1 = 0"))
    return model.select().where(access.scope_condition(model, PLUGIN, action, g.district_id))


@portal.route("/inspection/<int:id>")
@portal_login_required
def inspection(id):
    """An inspection as it was filled: the answers shown with the checklist version it was
    filled against, its score, position and photos; a re-inspection link for failed items."""
    import json

    from forms.services import version_form

    found = _scoped(Inspection).where(Inspection.id == id).first()
    if found is None:
        abort(404)
    form_def = version_form(found.submission.version) if found.submission_id else None
    return render_template(
        "hazards/portal_inspection.html",
        inspection=found,
        form_def=form_def,
        answers=json.loads(found.submission.data) if found.submission_id else {},
        english=is_english(),
        photos=list(found.photos.order_by(Photo.id)),
        carried=services.carried_items(found),
        rechecks=list(found.rechecks),
        state_label=HAZARD_FLOW.state_label,
    )


@portal.route("/inspection/<int:id>/reinspect", methods=["GET", "POST"])
@portal_login_required
def reinspect(id):
    """复查: only the failed items of the original that are still open."""
    original = _scoped(Inspection).where(Inspection.id == id).first()
    if original is None:
        abort(404)
    items = services.carried_items(original)
    form = PlaceForm()
    if request.method == "POST" and form.validate_on_submit():
        results = {str(h.id): request.form.get(f"hazard_{h.id}", "") for h in items}
        photos = {
            key[len("hazard-") :]: value
            for key, value in _photos(g.get("district_id")).items()
            if key.startswith("hazard-")
        }
        try:
            done = services.reinspect(
                Context.current("portal"),
                original,
                results,
                photos=photos,
                position=(form.latitude.data, form.longitude.data),
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _("Re-inspection recorded: %(count)s items still fail.", count=done.failed_count),
                "success",
            )
            return redirect(url_for(".inspection", id=done.id))
    elif request.method == "GET" and not items:
        flash(_("This inspection has no failed items to re-inspect."), "error")
        return redirect(url_for(".inspection", id=original.id))
    return render_template(
        "hazards/portal_reinspect.html", original=original, items=items, form=form
    )


class ReportForm(FlaskForm):
    source = SelectField(_l("Source"), choices=[], validate_choice=False)
    premises = SelectField(_l("Registered premises"), choices=[], validate_choice=False)
    unit = SelectField(_l("Community or grid"), choices=[], validate_choice=False)
    place = StringField(_l("Place"))
    category = StringField(lazy_pgettext("hazard", "Category"))
    title = StringField(_l("Hazard"))
    description = TextAreaField(_l("Description"))


@portal.route("/report", methods=["GET", "POST"])
@portal_login_required
def report():
    """上报隐患: a hazard seen on a patrol or reported by a resident, without a checklist."""
    access = g.get("access")
    if access is None or not access.can(services.HAZARD, "create"):
        flash(_("You are not allowed to report hazards."), "error")
        return redirect(url_for(".index"))
    form = ReportForm()
    units = _units(access, services.HAZARD)
    form.source.choices = options([(code, str(label)) for code, label in SOURCES])
    form.unit.choices = options([("", "—")] + [(str(u.id), u.name) for u in units])
    premises = _premises(access, services.HAZARD)
    form.premises.choices = options([("", "—")] + [(str(p.id), str(p)) for p in premises])
    if request.method == "POST" and form.validate_on_submit():
        try:
            chosen = _premises_by_id(form.premises.data)
            hazard = services.report_hazard(
                Context.current("portal"),
                source=form.source.data,
                title=form.title.data,
                unit=None if chosen else _unit(units, form.unit.data),
                premises=chosen,
                place=form.place.data,
                category=form.category.data,
                description=form.description.data,
                photos=_photos(g.get("district_id")).get("", []),
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Hazard reported: %(title)s", title=hazard.title), "success")
            return redirect(url_for(".hazard", id=hazard.id))
    return render_template("hazards/portal_report.html", form=form)


class RectifiedForm(FlaskForm):
    rectification = TextAreaField(_l("Rectification done"))


@portal.route("/hazard/<int:id>", methods=["GET", "POST"])
@portal_login_required(also=(services.HAZARD,))  # the rectifier (物业) too
def hazard(id):
    """A hazard on the phone: what, where, photos before and after, re-checks; the
    rectifier reports it rectified with photos (整改完成申请验收)."""
    access = g.get("access")
    found = _scoped(Hazard).where(Hazard.id == id).first()
    if found is None:
        abort(404)
    form = RectifiedForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.move(
                Context.current("portal"),
                found,
                "submit_acceptance",
                data={"rectification": form.rectification.data},
                photos=_photos(g.get("district_id")).get("", []),
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Sent for acceptance."), "success")
            return redirect(url_for(".hazard", id=found.id))
    return render_template(
        "hazards/portal_hazard.html",
        hazard=found,
        form=form,
        photos=services.hazard_photos(found),
        rechecks=list(found.rechecks.order_by(Recheck.id)),
        state_label=HAZARD_FLOW.state_label,
        may_rectify=found.state == "rectifying"
        and access is not None
        and access.can(services.HAZARD, "update"),
    )


@portal.route("/photo/<int:id>")
@portal_login_required(also=(services.HAZARD,))  # the rectifier (物业) too
def photo(id):
    """A photo, only for users whose data scope covers it (never a public static path)."""
    found = _scoped(Photo).where(Photo.id == id).first()
    if found is None:
        abort(404)
    path = services.photo_file(found)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
