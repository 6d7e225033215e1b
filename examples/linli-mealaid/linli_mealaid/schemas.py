"""The REST API: ``/api/v1/mealaid/meal_order`` (list, retrieve, export; orders are taken
on the portal or in the admin, and move through the workflow's steps:
``POST /api/v1/mealaid/meal_order/<id>/transitions/deliver``)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .models import MealOrder


class MealOrderSchema(Schema):
    linli_operations = ("read", "transition")

    id = fields.Integer(dump_only=True)
    unit = fields.Integer(dump_only=True, attribute="unit_id")
    diner = fields.String(dump_only=True)
    meal_date = fields.Date(dump_only=True)
    meal = fields.String(dump_only=True)
    address = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    deliverer_id_number = fields.String(allow_none=True)
    delivered_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


SCHEMAS = {MealOrder: MealOrderSchema}
