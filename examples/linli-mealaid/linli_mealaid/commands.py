"""The rules of a meal order (助餐订单), run by :mod:`core.commands` on every write path: the
portal's order page, the admin's create form, the API and the import alike."""

from __future__ import annotations

from core.commands import Rules, refuse

from .models import MealOrder


class MealOrderRules(Rules):
    """An order names the diner (at most 50 characters) and is for today or later."""

    model = MealOrder
    messages = {
        "diner": "Enter the diner's name, at most 50 characters.",
        "meal": "Choose lunch or dinner.",
    }

    def validate(self, ctx, record, before):
        if record.meal_date is not None and record.meal_date < ctx.today():
            raise refuse("The meal date must be today or later.", field="meal_date")


RULES = [MealOrderRules]
