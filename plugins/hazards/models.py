"""Safety hazards (安全隐患排查治理): inspections (检查记录) and the hazards they find (隐患).

An :class:`Inspection` is one check of one place against one checklist (a low-code form
definition); the answers are stored as a forms ``Submission``. Each failed item becomes a
:class:`Hazard`, whose closed loop 登记 → 评估 → 整改 → 验收 → 销号 runs on the core workflow
engine (see flows.py). "Overdue" is never stored: it is derived from ``deadline``.
"""

from __future__ import annotations

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.models import DistrictOwnedModel
from forms.models import Submission

GRADES = [("general", _l("General hazard (一般隐患)")), ("major", _l("Major hazard (重大隐患)"))]


class Inspection(DistrictOwnedModel):
    """检查记录: who checked which place, against which checklist, when, and what failed."""

    place = pw.CharField(max_length=100, default="", verbose_name=_l("Place"))
    checklist = pw.CharField(max_length=64, verbose_name=_l("Checklist"))
    checklist_title = pw.CharField(max_length=100, default="", verbose_name=_l("Checklist name"))
    submission = pw.ForeignKeyField(
        Submission, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Answers")
    )
    inspected_on = pw.DateField(verbose_name=_l("Inspected on"))
    failed_count = pw.IntegerField(default=0, verbose_name=_l("Failed items"))
    note = pw.TextField(default="", verbose_name=_l("Note"))

    class Meta:
        table_name = "hazards_inspection"
        verbose_name = _l("Inspections")

    def __str__(self) -> str:
        return f"{self.inspected_on} · {self.place or self.checklist_title}"


class Hazard(DistrictOwnedModel):
    """隐患: one failed item (or one reported by hand), from report to closure (销号)."""

    inspection = pw.ForeignKeyField(
        Inspection,
        null=True,
        backref="hazards",
        on_delete="RESTRICT",
        verbose_name=_l("Inspection"),
    )
    item = pw.CharField(max_length=64, default="", verbose_name=_l("Checklist item"))
    title = pw.CharField(max_length=255, verbose_name=_l("Hazard"))
    basis = pw.TextField(default="", verbose_name=_l("Legal basis"))
    place = pw.CharField(max_length=100, default="", verbose_name=_l("Place"))
    proposed_grade = pw.CharField(
        max_length=16, choices=GRADES, default="general", verbose_name=_l("Proposed grade")
    )
    grade = pw.CharField(max_length=16, choices=GRADES, null=True, verbose_name=_l("Grade"))
    responsible = pw.CharField(max_length=64, default="", verbose_name=_l("Responsible person"))
    measures = pw.TextField(default="", verbose_name=_l("Rectification measures"))
    funds = pw.CharField(max_length=200, default="", verbose_name=_l("Funds"))
    deadline = pw.DateField(null=True, index=True, verbose_name=_l("Rectification deadline"))
    contingency = pw.TextField(default="", verbose_name=_l("Contingency plan"))
    rectification = pw.TextField(default="", verbose_name=_l("Rectification done"))
    closed_on = pw.DateField(null=True, verbose_name=_l("Closed on"))
    state = pw.CharField(max_length=24, default="reported", index=True, verbose_name=_l("State"))
    version = pw.IntegerField(default=0)

    class Meta:
        table_name = "hazards_hazard"
        verbose_name = _l("Hazards")

    def __str__(self) -> str:
        return f"{self.place} · {self.title}"[:120]


MODELS = [Inspection, Hazard]
