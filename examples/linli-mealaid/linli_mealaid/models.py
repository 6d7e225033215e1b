"""Models of meal assistance. Table names start with the plugin id."""

from __future__ import annotations

import peewee as pw

from core.fields import IdCardField
from core.i18n import lazy_gettext as _l
from core.models import DistrictOwnedModel

MEALS = [("lunch", _l("Lunch")), ("dinner", _l("Dinner"))]


class MealOrder(DistrictOwnedModel):
    """助餐订单: one meal for one older resident, delivered by a volunteer."""

    diner = pw.CharField(max_length=50, verbose_name=_l("Diner"))
    meal_date = pw.DateField(verbose_name=_l("Date"))
    meal = pw.CharField(max_length=8, choices=MEALS, default="lunch", verbose_name=_l("Meal"))
    address = pw.CharField(max_length=200, default="", verbose_name=_l("Delivery address"))
    state = pw.CharField(max_length=16, default="ordered", index=True, verbose_name=_l("State"))
    version = pw.IntegerField(default=0, verbose_name=_l("Version"))
    deliverer_id_number = IdCardField(null=True, verbose_name=_l("Deliverer's ID number"))
    delivered_at = pw.DateTimeField(null=True, verbose_name=_l("Delivered at"))

    class Meta:
        table_name = "mealaid_meal_order"

    def __str__(self) -> str:
        return f"{self.diner} {self.meal_date}"


MODELS = [MealOrder]
