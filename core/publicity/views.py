"""The public notice board (公示栏): readable without logging in, built for a phone.

* ``/public/<community code>/``: the notices on the community's board today: those of the
  community and of the units in it (grids, compounds, buildings), and those its street and
  district publish for everyone below them.
* ``/public/notice/<id>``: one notice, with the objection form for a logged-in user (a login
  link for everyone else).
* ``/public/my-objections/``: the objections the logged-in user raised, with the answers.

An unknown community or a notice that is not on a board today answers 404.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, validators

from core import territory, workdays
from core.commands import Context
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.publicity import services
from core.publicity.models import Objection, ObjectionAnswer, Publication
from core.services import ServiceError
from forms.validators import Mobile

bp = Blueprint("publicity", __name__, url_prefix="/public")


class ObjectionForm(FlaskForm):
    phone = StringField(
        _l("Mobile phone (optional)"),
        validators=[validators.Optional(), Mobile()],
    )
    content = TextAreaField(
        _l("Your objection"),
        validators=[
            validators.InputRequired(_l("Write what your objection is.")),
            validators.Length(
                max=services.MAX_TEXT, message=_l("An objection may have at most 2000 characters.")
            ),
        ],
    )


def _missing(message: str):
    return render_template("publicity/missing.html", message=message), 404


def board_query(community: TerritoryUnit, on=None):
    """Notices on ``community``'s board on day ``on``: its subtree and its ancestors."""
    units = territory.subtree_ids(community)
    above = territory.ancestor_ids(community)
    return (
        services.active(on)
        .select(Publication, TerritoryUnit)
        .join(TerritoryUnit)
        .where(Publication.unit.in_(units) | Publication.unit.in_(above))
        .order_by(Publication.starts_on.desc(), Publication.id.desc())
    )


def _community_of(unit: TerritoryUnit) -> TerritoryUnit | None:
    for candidate in reversed(territory.ancestors(unit)):
        if candidate.level == "community":
            return candidate
    return None


@bp.route("/<code>/")
def board(code):
    community = TerritoryUnit.get_or_none(
        (TerritoryUnit.code == code) & (TerritoryUnit.level == "community")
    )
    if community is None:
        return _missing(_("There is no community with the code %(code)s.", code=code))
    notices = list(board_query(community))
    return render_template(
        "publicity/board.html",
        community=community,
        notices=notices,
        today=workdays.today(),
    )


@bp.route("/notice/<int:publication_id>", methods=["GET", "POST"])
def notice(publication_id):
    publication = Publication.get_or_none(Publication.id == publication_id)
    if publication is None:
        return _missing(_("This public notice does not exist."))
    user = current_user._get_current_object() if current_user.is_authenticated else None
    here = url_for(".notice", publication_id=publication.id)
    if request.method == "POST":
        if user is None:
            flash(_("Log in to raise an objection: objections are taken by real name."), "error")
            return redirect(url_for("auth.login", next=here))
        try:
            services.check_open_for_objections(publication)
        except ServiceError as exc:
            return _ended(publication, str(exc))
        form = ObjectionForm()
        if form.validate_on_submit():
            try:
                services.object_to(
                    Context.current("portal"), publication, form.content.data, form.phone.data or ""
                )
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(
                    _(
                        "Your objection was recorded. The community will answer it; you find "
                        "the answer under “My objections”."
                    ),
                    "success",
                )
                return redirect(here)
    else:
        form = ObjectionForm()
    if not publication.is_active():
        return _missing(_("This public notice is not on the board (any more)."))
    mine = []
    if user is not None:
        mine = list(
            Objection.select()
            .where((Objection.publication == publication.id) & (Objection.user == user.id))
            .order_by(Objection.id)
        )
    return render_template(
        "publicity/notice.html",
        publication=publication,
        community=_community_of(publication.unit),
        form=form,
        user=user,
        real_name=services.real_name(user) if user else "",
        mine=mine,
        answers=_answers(mine),
        local_date=services.shanghai_date,
        login_url=url_for("auth.login", next=here),
    )


def _ended(publication: Publication, message: str):
    return (
        render_template(
            "publicity/ended.html",
            publication=publication,
            community=_community_of(publication.unit),
            message=message,
        ),
        409,
    )


def _answers(objections) -> dict[int, list]:
    found: dict[int, list] = {}
    ids = [o.id for o in objections]
    if ids:
        rows = ObjectionAnswer.select().where(ObjectionAnswer.objection.in_(ids))
        for answer in rows.order_by(ObjectionAnswer.id):
            found.setdefault(answer.objection_id, []).append(answer)
    return found


@bp.route("/my-objections/")
@login_required
def my_objections():
    mine = list(
        Objection.select(Objection, Publication)
        .join(Publication)
        .where(Objection.user == current_user.id)
        .order_by(Objection.id.desc())
    )
    return render_template(
        "publicity/my_objections.html",
        mine=mine,
        answers=_answers(mine),
        local_date=services.shanghai_date,
    )
