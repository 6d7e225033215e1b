"""Admin views: the core's ModelView applies permissions, data scope, audit and CSRF; the
workflow mixin adds the steps (送达, 取消) and the history on the details page."""

from __future__ import annotations

from core.admin import ModelView
from core.i18n import lazy_gettext as _l
from core.workflow_admin import WorkflowViewMixin, state_filter, state_formatter

from .flows import FLOW, PLUGIN
from .models import MEALS, MealOrder


def meal_label(view, context, model, name):
    return str(dict(MEALS).get(model.meal, model.meal))


class MealOrderView(WorkflowViewMixin, ModelView):
    """助餐订单: staff take orders here or on the portal; deliveries are workflow steps."""

    plugin_id = PLUGIN
    workflow = FLOW
    allow_edit = False  # an order changes only through its steps
    column_list = ("meal_date", "meal", "diner", "address", "state", "unit", "delivered_at")
    column_searchable_list = ("diner", "address")
    column_filters = (state_filter(FLOW, MealOrder.state), "meal_date", "unit")
    column_formatters = {"state": state_formatter(FLOW), "meal": meal_label}
    form_columns = ("diner", "meal_date", "meal", "address", "unit")


def admin_views(admin) -> list:
    return [MealOrderView(MealOrder, name=_l("Meal orders"), category=admin.category)]
