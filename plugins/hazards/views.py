"""Portal pages for inspectors on a phone (``/portal/hazards``): choose a checklist, name
the place and its community, answer every item (pass / fail / not applicable) and submit;
each failed item becomes a hazard."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField

from core.i18n import Label, is_english
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.portal import portal_login_required
from core.services import ServiceError

from . import services
from .flows import HAZARD_FLOW, PLUGIN
from .models import Hazard, Inspection

portal = Blueprint(
    "hazards_portal", __name__, url_prefix="/portal/hazards", template_folder="templates"
)
portal.portal_label = Label("隐患排查", "Hazard inspections")


def blueprints() -> list[Blueprint]:
    return [portal]


class PlaceForm(FlaskForm):
    unit = SelectField(_l("Community or grid"), choices=[], validate_choice=False)
    place = StringField(_l("Place inspected"))


def _units(access):
    if access is None or g.get("district_id") is None:
        return []
    return list(
        TerritoryUnit.select()
        .where(
            (TerritoryUnit.district_id == g.district_id)
            & access.unit_condition(PLUGIN, "create")
            & TerritoryUnit.level.in_(("community", "grid"))
        )
        .order_by(TerritoryUnit.path)
    )


def _checklists():
    found = []
    for key in services.checklist_keys():
        version = services.checklist_version(key, g.get("district_id"))
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
    if access is not None and access.can(PLUGIN, "read"):
        mine = list(
            Inspection.select()
            .where(Inspection.created_by == current_user.id)
            .order_by(Inspection.id.desc())
            .limit(10)
        )
        hazards = list(
            Hazard.select()
            .join(Inspection)
            .where(Inspection.created_by == current_user.id)
            .order_by(Hazard.id.desc())
            .limit(20)
        )
    return render_template(
        "hazards/portal_index.html",
        checklists=_checklists(),
        inspections=mine,
        hazards=hazards,
        state_label=HAZARD_FLOW.state_label,
        may_inspect=access is not None and access.can(PLUGIN, "create"),
    )


@portal.route("/inspect/<key>", methods=["GET", "POST"])
@portal_login_required
def inspect(key):
    from forms.engine import wtform_class
    from forms.services import context, version_form

    access = g.get("access")
    if access is None or not access.can(PLUGIN, "create"):
        flash(_("You are not allowed to record inspections."), "error")
        return redirect(url_for(".index"))
    version = services.checklist_version(key, g.get("district_id"))
    if version is None or key not in services.checklist_keys():
        flash(_("Unknown checklist: %(key)s.", key=key), "error")
        return redirect(url_for(".index"))
    form_def = version_form(version)
    english = is_english()
    form = PlaceForm()
    units = _units(access)
    form.unit.choices = [(str(u.id), u.name) for u in units]
    items_form = wtform_class(form_def, context(g.get("district_id"), access, PLUGIN), base=Form)(
        request.form if request.method == "POST" else None
    )
    task_id = request.args.get("task")  # the inspection task this inspection fulfils
    if task_id and request.method == "GET":
        from .planning import open_task_defaults

        form.unit.data, form.place.data = open_task_defaults(task_id, access)
    if request.method == "POST" and form.validate_on_submit() & items_form.validate():
        unit = next((u for u in units if str(u.id) == form.unit.data), None)
        try:
            if unit is None:
                raise ServiceError(_("Choose the community or grid of the place."))
            inspection = services.inspect(
                unit,
                key,
                form.place.data,
                items_form.definition_data(),
                current_user._get_current_object(),
                access,
                task=task_id,
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "Inspection recorded: %(count)s hazards found.",
                    count=inspection.failed_count,
                ),
                "success",
            )
            return redirect(url_for(".index"))
    return render_template(
        "hazards/portal_inspect.html",
        form=form,
        items_form=items_form,
        form_def=form_def,
        english=english,
        title=form_def.title_en if english and form_def.title_en else form_def.title_zh,
    )
