"""The portal page of the property service (``/portal/property``): a resident who owns a unit
files a complaint about the property service of their compound, follows its deadline and
handling, and rates the handling (1-5) once it has been handled."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from core.commands import Context
from core.errors import ServiceError
from core.i18n import Label
from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.portal import portal_login_required

from ..register.models import Owner
from ..shared.views import TEMPLATES
from . import services
from .models import COMPLAINT_STATES, Complaint

service_portal = Blueprint(
    "owners_service_portal", __name__, url_prefix="/portal/property", template_folder=TEMPLATES
)
service_portal.portal_label = Label("物业服务", "Property service")
service_portal.portal_resource = "owners.portal_property"  # complaints: its read


def _compounds() -> list[TerritoryUnit]:
    """The compounds where the logged-in user is a registered owner (in this district)."""
    query = (
        TerritoryUnit.select()
        .join(Owner, on=(Owner.unit == TerritoryUnit.id))
        .where(Owner.user == current_user.id)
        .distinct()
    )
    if g.get("district_id") is not None:
        query = query.where(TerritoryUnit.district_id == g.district_id)
    return list(query)


@service_portal.route("/", methods=["GET", "POST"])
@portal_login_required
def index():
    compounds = _compounds()
    if request.method == "POST":
        chosen = next((c for c in compounds if str(c.id) == request.form.get("compound")), None)
        try:
            services.file_complaint(
                Context.current("portal"),
                chosen,
                request.form.get("title", ""),
                request.form.get("body", ""),
            )
        except ServiceError as exc:
            flash(str(exc), "error")
            return render_template(
                "owners/portal_property.html",
                compounds=compounds,
                complaints=_mine(),
                states=dict(COMPLAINT_STATES),
                form=request.form,
                overdue=services.is_overdue,
            )
        flash(_("Your complaint has been filed."), "success")
        return redirect(url_for(".index"))
    return render_template(
        "owners/portal_property.html",
        compounds=compounds,
        complaints=_mine(),
        states=dict(COMPLAINT_STATES),
        form={},
        overdue=services.is_overdue,
    )


def _mine() -> list[Complaint]:
    return list(
        Complaint.select()
        .where(Complaint.complainant == current_user.id)
        .order_by(Complaint.id.desc())
    )


@service_portal.route("/complaint/<int:complaint_id>/rate", methods=["POST"])
@portal_login_required
def rate(complaint_id):
    complaint = Complaint.get_or_none(
        (Complaint.id == complaint_id) & (Complaint.complainant == current_user.id)
    )
    if complaint is None:
        abort(404)
    try:
        services.rate_complaint(
            Context.current("portal"),
            complaint,
            request.form.get("rating"),
            request.form.get("comment", ""),
        )
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Thank you for your rating."), "success")
    return redirect(url_for(".index"))
