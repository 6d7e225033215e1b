"""Field checks (字段校验) declared once, on a model's :class:`core.commands.Rules`.

A check answers three questions about one field: is this value acceptable (``problem``:
a message or ``None``), what WTForms validator shows the same refusal in an admin or portal
form (``wtforms``), and what the OpenAPI document publishes for it (``openapi``). The
command runs ``problem`` on every path; the admin form and the API schema are derived from
the same object, so a rule cannot hold on one path and not another.

Domain layer: plain Python, no Flask.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass

from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l


class Check:
    """One field rule. Subclasses implement ``problem``."""

    def problem(self, value) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def openapi(self) -> dict:
        return {}

    def wtforms(self):
        """A WTForms validator raising this check's message."""
        from wtforms.validators import ValidationError

        def validate(form, field):
            if field.data is None or field.data == "":
                return
            message = self.problem(field.data)
            if message:
                raise ValidationError(message)

        validate.linli_check = self
        return validate


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | decimal.Decimal):
        return value
    try:
        return decimal.Decimal(str(value))
    except (decimal.InvalidOperation, ValueError):
        return None


@dataclass(frozen=True)
class Range(Check):
    """A number within bounds. ``above`` / ``below`` exclude the bound (大于/小于),
    ``minimum`` / ``maximum`` include it (不少于/不超过), as 《民法典》第一千二百五十九条 counts
    "以上/以下" inclusively."""

    minimum: object = None
    maximum: object = None
    above: object = None
    below: object = None
    message: object = None

    def problem(self, value) -> str | None:
        number = _number(value)
        if value is None or number is None:
            return None
        low_ok = (self.minimum is None or number >= self.minimum) and (
            self.above is None or number > self.above
        )
        high_ok = (self.maximum is None or number <= self.maximum) and (
            self.below is None or number < self.below
        )
        if low_ok and high_ok:
            return None
        return str(self.message) if self.message else self._default()

    def _default(self) -> str:
        if self.above is not None and self.maximum is None and self.below is None:
            return _("Must be more than %(n)s.", n=self.above)
        if self.minimum is not None and self.maximum is not None:
            return _("Must be between %(low)s and %(high)s.", low=self.minimum, high=self.maximum)
        if self.minimum is not None:
            return _("Must be at least %(n)s.", n=self.minimum)
        if self.maximum is not None:
            return _("Must be at most %(n)s.", n=self.maximum)
        return _("The number is out of range.")

    def openapi(self) -> dict:
        """OpenAPI 3.0 bounds (an exclusive bound is ``minimum`` with
        ``exclusiveMinimum: true``)."""
        found: dict = {}
        if self.minimum is not None:
            found["minimum"] = float(self.minimum)
        if self.maximum is not None:
            found["maximum"] = float(self.maximum)
        if self.above is not None and (self.minimum is None or self.above >= self.minimum):
            found.update(minimum=float(self.above), exclusiveMinimum=True)
        if self.below is not None and (self.maximum is None or self.below <= self.maximum):
            found.update(maximum=float(self.below), exclusiveMaximum=True)
        return found


def positive(message=None) -> Range:
    """More than zero (大于零): a budget, an area, an amount."""
    return Range(above=0, message=message or _l("Must be more than zero."))


def not_negative(message=None) -> Range:
    """Zero or more (不得为负): a count, a subsidy."""
    return Range(minimum=0, message=message or _l("Cannot be negative."))


def between(low, high, message=None) -> Range:
    """From ``low`` to ``high``, both included (e.g. a score of 0–100)."""
    return Range(minimum=low, maximum=high, message=message)


@dataclass(frozen=True)
class Length(Check):
    """Text of at least ``minimum`` characters (the model's ``max_length`` gives the upper
    bound on every path already)."""

    minimum: int = 1
    message: object = None

    def problem(self, value) -> str | None:
        if isinstance(value, str) and len(value.strip()) < self.minimum:
            return (
                str(self.message)
                if self.message
                else _("At least %(min)s characters.", min=self.minimum)
            )
        return None

    def openapi(self) -> dict:
        return {"minLength": self.minimum}


def wtforms_validators(checks) -> list:
    return [check.wtforms() for check in checks]
