"""The order's workflow on the core engine (core.workflow): 待送餐 → 已送达, or 已取消 with a
reason. Delivering names the volunteer by ID number (身份证号)."""

from __future__ import annotations

from core.i18n import gettext as _
from core.models import utcnow
from core.workflow import Deadline, State, Transition, Workflow
from forms.validators import id_card_problem, normalize_id_card

from .models import MealOrder

PLUGIN = "mealaid"


def _stamp_delivery(record, values, actor):
    return {"delivered_at": utcnow()}


def valid_deliverer(record, values, actor, access):
    """The deliverer's ID number (身份证号) is a valid GB 11643 number."""
    value = values.get("deliverer_id_number")
    if not value:
        return None  # "required" says what is missing
    problem = id_card_problem(normalize_id_card(value))
    return _(problem) if problem else None


FLOW = Workflow(
    PLUGIN,
    name="mealaid_meal_order",
    start=Transition(
        "order",
        "下单",
        "Order",
        (),
        "ordered",
        permission=(PLUGIN, "create"),
        deadline=Deadline("deliver_days", 1, "送餐时限", "Days to deliver", working=False),
    ),
    states=[
        State("ordered", "待送餐", "To deliver"),
        State("delivered", "已送达", "Delivered", terminal=True),
        State("cancelled", "已取消", "Cancelled", terminal=True),
    ],
    transitions=[
        Transition(
            "deliver",
            "送达",
            "Delivered",
            ("ordered",),
            "delivered",
            fields=("deliverer_id_number",),
            required=("deliverer_id_number",),
            validators=(valid_deliverer,),
            effect=_stamp_delivery,
        ),
        Transition(
            "cancel",
            "取消",
            "Cancel",
            ("ordered",),
            "cancelled",
            comment_required=True,
            style="secondary",
        ),
    ],
)
FLOW.bind(MealOrder)
