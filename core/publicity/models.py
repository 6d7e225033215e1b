"""Public notices (公示) and objections (异议): the tables of :mod:`core.publicity`."""

from __future__ import annotations

import peewee as pw

from core import workdays
from core.fields import MobileField
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import AppendOnlyModel, DistrictOwnedModel, User, utcnow

STATES = ("draft", "published", "withdrawn", "closed")

STATE_LABELS = {
    "draft": _l("Draft"),
    "published": lazy_pgettext("publicity", "Published"),
    "withdrawn": _l("Withdrawn"),
    "closed": _l("Closed"),
}


class Publication(DistrictOwnedModel):
    """A public notice (公示) shown on the notice board of its unit's community for a period.

    It may publish a record of any module (``target_table`` + ``target_id``, e.g. the list of
    building heads) or stand alone. ``starts_on`` is the day it is posted; the period is
    counted from the next day (Civil Code art. 201) and ``ends_on`` is its last day.
    """

    plugin = pw.CharField(max_length=32, default="core", verbose_name=_l("Module"))
    target_table = pw.CharField(max_length=64, default="", verbose_name=_l("Table"))
    target_id = pw.CharField(max_length=64, default="", verbose_name=_l("Record"))
    title = pw.CharField(max_length=200, verbose_name=_l("Title"))
    body = pw.TextField(default="", verbose_name=_l("Text"))
    starts_on = pw.DateField(index=True, verbose_name=_l("Starts on"))
    ends_on = pw.DateField(index=True, verbose_name=_l("Ends on"))
    period_days = pw.SmallIntegerField(default=5, verbose_name=_l("Period (days)"))
    working_days = pw.BooleanField(default=True, verbose_name=_l("Counted in working days"))
    state = pw.CharField(max_length=16, default="draft", index=True, verbose_name=_l("State"))
    contact = pw.CharField(max_length=100, default="", verbose_name=_l("Objections to"))
    contact_phone = pw.CharField(max_length=32, default="", verbose_name=_l("Telephone"))
    published_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Published by")
    )
    published_at = pw.DateTimeField(null=True, verbose_name=_l("Published at"))
    withdrawn_reason = pw.TextField(default="", verbose_name=_l("Reason for withdrawal"))
    closed_at = pw.DateTimeField(null=True, verbose_name=_l("Closed at"))
    closing_note = pw.TextField(default="", verbose_name=_l("Result"))

    class Meta:
        table_name = "core_publication"
        verbose_name = _l("Public notices")
        indexes = ((("target_table", "target_id"), False),)

    def __str__(self) -> str:
        return self.title

    def is_active(self, on=None) -> bool:
        """Published and ``on`` (default today in China) within its period."""
        on = on or workdays.today()
        return self.state == "published" and self.starts_on <= on <= self.ends_on


class Objection(AppendOnlyModel):
    """An objection (异议) raised by name by a logged-in person while a notice is active.

    Evidence: never changed or deleted; staff answer with :class:`ObjectionAnswer` rows.
    """

    publication = pw.ForeignKeyField(
        Publication, backref="objections", on_delete="RESTRICT", verbose_name=_l("Public notice")
    )
    user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT", verbose_name=_l("User"))
    name = pw.CharField(max_length=64, verbose_name=_l("Full name"))
    phone = MobileField(null=True, verbose_name=_l("Mobile phone"))
    content = pw.TextField(verbose_name=_l("Objection"))
    created_at = pw.DateTimeField(default=utcnow, index=True, verbose_name=_l("Raised at"))

    class Meta:
        table_name = "core_objection"
        verbose_name = _l("Objections")

    def __str__(self) -> str:
        return f"{self.name}: {self.content[:30]}"


class ObjectionAnswer(AppendOnlyModel):
    """A staff answer to an objection (答复); a further answer adds a row, none is rewritten."""

    objection = pw.ForeignKeyField(
        Objection, backref="answers", on_delete="RESTRICT", verbose_name=_l("Objection")
    )
    answered_by = pw.ForeignKeyField(
        User, backref="+", on_delete="RESTRICT", verbose_name=_l("Answered by")
    )
    answered_by_name = pw.CharField(max_length=64, default="", verbose_name=_l("Answered by"))
    body = pw.TextField(verbose_name=_l("Answer"))
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Answered at"))

    class Meta:
        table_name = "core_objection_answer"
        verbose_name = _l("Answers to objections")


MODELS = [Publication, Objection, ObjectionAnswer]
