"""The portal page (``/portal/mealaid/``) for staff, grid workers and volunteers on a phone:
today's orders still to deliver in the user's scope, a button to record a delivery, and a
form to take an order."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField

from core.choices import options
from core.commands import Context
from core.i18n import Label
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.portal import portal_login_required
from core.services import ServiceError

from . import MANIFEST, services
from .models import MEALS, MealOrder

bp = Blueprint(
    "mealaid_portal",
    __name__,
    url_prefix="/portal/mealaid",
    template_folder="templates",
)
bp.portal_label = Label(MANIFEST.label_zh, MANIFEST.label_en)


class OrderForm(FlaskForm):
    unit = SelectField(_l("Community"), choices=[], validate_choice=False)
    diner = StringField(_l("Diner"))
    meal_date = DateField(_l("Date"))
    meal = SelectField(_l("Meal"), choices=options(MEALS), validate_choice=False)
    address = StringField(_l("Delivery address"))


@bp.route("/", methods=["GET", "POST"])
@portal_login_required
def index():
    access = g.get("access")
    units = services.units_for(access, g.get("district_id"))
    form = OrderForm()
    form.unit.choices = options([(str(u.id), u.name) for u in units])
    if form.validate_on_submit():
        unit = next((u for u in units if str(u.id) == form.unit.data), None)
        try:
            order = services.order(
                Context.current("portal"),
                unit,
                form.diner.data,
                form.meal_date.data,
                form.meal.data,
                form.address.data,
            )
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Order taken for %(diner)s.", diner=order.diner), "success")
            return redirect(url_for(".index"))
    elif request.method == "POST":
        flash(_("Enter a valid date."), "error")
    orders = services.open_orders(access, g.get("district_id"))
    return render_template(
        "mealaid/portal_index.html",
        form=form,
        orders=orders,
        may_order=bool(units),
        meals=dict(MEALS),
    )


@bp.route("/<int:order_id>/deliver", methods=["POST"])
@portal_login_required
def deliver(order_id):
    from core.access import record_scope

    access = g.get("access")
    order = (
        MealOrder.select()
        .where(
            (MealOrder.id == order_id)
            & record_scope(access, MealOrder, services.PLUGIN, "update", g.get("district_id"))
        )
        .first()
    )
    if order is None:
        flash(_("No such order here."), "error")
        return redirect(url_for(".index"))
    try:
        services.deliver(
            Context.current("portal"), order, (request.form.get("id_number") or "").strip()
        )
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Delivery recorded for %(diner)s.", diner=order.diner), "success")
    return redirect(url_for(".index"))
