"""Safety hazards (安全隐患排查治理): inspections (检查记录) and the hazards they find (隐患).

An :class:`Inspection` is one check of one place against one checklist (a low-code form
definition); the answers are stored as a forms ``Submission``. Each failed item becomes a
:class:`Hazard`, whose closed loop 登记 → 评估 → 整改 → 验收 → 销号 runs on the core workflow
engine (see flows.py). "Overdue" is never stored: it is derived from ``deadline``.
"""

from __future__ import annotations

import peewee as pw

from core.fields import DictionaryField
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import AppendOnlyError, DistrictOwnedModel, User
from forms.models import Submission

GRADES = [("general", _l("General hazard (一般隐患)")), ("major", _l("Major hazard (重大隐患)"))]


class Inspection(DistrictOwnedModel):
    """检查记录: who checked which place, against which checklist, when, and what failed."""

    place = pw.CharField(max_length=100, default="", verbose_name=_l("Place"))
    checklist = pw.CharField(max_length=64, verbose_name=_l("Checklist"))
    checklist_title = pw.CharField(max_length=100, default="", verbose_name=_l("Checklist name"))
    submission = pw.ForeignKeyField(
        Submission,
        null=True,
        backref="+",
        on_delete="RESTRICT",
        verbose_name=lazy_pgettext("inspection", "Answers"),
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
    grade = pw.CharField(
        max_length=16, choices=GRADES, null=True, verbose_name=lazy_pgettext("hazard", "Grade")
    )
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


# -- hz-inspect (migration 0002): premises, evidence photos, re-checks, hand reports ---------
# Additive: new models, and new columns on Inspection and Hazard added below with
# ``add_field`` so that the model classes above stay as they were.

PREMISES_KINDS = [
    ("shop", _l("Shop (商铺)")),
    ("crowded", _l("Crowded place (人员密集场所)")),
    ("five_small", _l("Five-small venue (五小场所)")),
    ("boiler_room", _l("Boiler room (锅炉房)")),
    ("elevator", _l("Elevator (电梯)")),
    ("gas", _l("Gas facility (燃气设施)")),
    ("fireworks", _l("Fireworks outlet (烟花爆竹零售点)")),
    ("compound", _l("Residential compound (居民小区)")),
    ("infrastructure", _l("Infrastructure (道路、供气、供电设施)")),
    ("other", _l("Other (其他)")),
]

SOURCES = [
    ("self_check", _l("Self-check (自查)")),
    ("inspection", _l("Inspection (检查)")),
    ("building_head", _l("Building head's report (楼栋长报告·八必报)")),
    ("patrol", _l("Volunteer patrol (志愿者巡查)")),
    ("resident", _l("Resident's report (居民报告)")),
]
PATROL_SOURCES = ("building_head", "patrol")  # reported on a patrol: credited in the time bank

PHOTO_STAGES = [
    ("before", _l("Before rectification (整改前)")),
    ("after", _l("After rectification (整改后)")),
]


class Premises(DistrictOwnedModel):
    """场所: a registered place that is inspected (shop, crowded place, 五小场所, boiler room,
    fireworks outlet...); ``unit`` is the community or grid it belongs to."""

    name = pw.CharField(max_length=100, verbose_name=_l("Name"))
    kind = DictionaryField(
        "hazards.premises_kind",
        PREMISES_KINDS,
        max_length=24,
        default="shop",
        verbose_name=_l("Kind"),
    )
    address = pw.CharField(max_length=200, default="", verbose_name=_l("Address"))
    responsible = pw.CharField(max_length=64, default="", verbose_name=_l("Responsible person"))
    phone = pw.CharField(max_length=32, default="", verbose_name=_l("Phone"))
    active = pw.BooleanField(default=True, verbose_name=_l("Active"))

    class Meta:
        table_name = "hazards_premises"
        verbose_name = _l("Premises")

    def __str__(self) -> str:
        return self.name


class Evidence(DistrictOwnedModel):
    """A district-owned row that is evidence (证据): inserted, never changed or deleted."""

    def save(self, force_insert=False, only=None):
        if self._pk is not None and not force_insert:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed")
        return super().save(force_insert=force_insert, only=only)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted")


class Photo(Evidence):
    """照片: evidence of a finding (before) or of its rectification (after), kept in the upload
    store and served only through the scoped view. Never changed or deleted (证据)."""

    inspection = pw.ForeignKeyField(
        Inspection, null=True, backref="photos", on_delete="RESTRICT", verbose_name=_l("Inspection")
    )
    hazard = pw.ForeignKeyField(
        Hazard, null=True, backref="photos", on_delete="RESTRICT", verbose_name=_l("Hazard")
    )
    item = pw.CharField(max_length=120, default="", verbose_name=_l("Checklist item"))
    stage = pw.CharField(
        max_length=8, choices=PHOTO_STAGES, default="before", verbose_name=_l("Stage")
    )
    path = pw.CharField(max_length=200, verbose_name=_l("File"))
    name = pw.CharField(max_length=200, default="", verbose_name=_l("File name"))
    size = pw.IntegerField(default=0, verbose_name=_l("Size"))
    content_type = pw.CharField(max_length=32, default="", verbose_name=_l("Type"))

    class Meta:
        table_name = "hazards_photo"
        verbose_name = _l("Photos")

    def __str__(self) -> str:
        return self.name or self.path


class Recheck(Evidence):
    """复查结果: the answer a re-inspection gave for an open hazard's item (evidence)."""

    hazard = pw.ForeignKeyField(
        Hazard, backref="rechecks", on_delete="RESTRICT", verbose_name=_l("Hazard")
    )
    inspection = pw.ForeignKeyField(
        Inspection, backref="rechecks", on_delete="RESTRICT", verbose_name=_l("Re-inspection")
    )
    passed = pw.BooleanField(verbose_name=lazy_pgettext("inspection", "Passed"))
    checked_on = pw.DateField(verbose_name=_l("Checked on"))

    class Meta:
        table_name = "hazards_recheck"
        verbose_name = _l("Re-checks")


def _decimal(label):
    return pw.DecimalField(max_digits=10, decimal_places=7, null=True, verbose_name=label)


for _name, _field in (
    (
        "premises",
        pw.ForeignKeyField(
            Premises,
            null=True,
            backref="inspections",
            on_delete="RESTRICT",
            verbose_name=_l("Premises"),
        ),
    ),
    (
        "reinspection_of",
        pw.ForeignKeyField(
            Inspection,
            null=True,
            backref="reinspections",
            on_delete="RESTRICT",
            verbose_name=_l("Re-inspection of"),
        ),
    ),
    ("checklist_version", pw.IntegerField(default=0, verbose_name=_l("Checklist version"))),
    (
        "score",
        pw.DecimalField(max_digits=5, decimal_places=1, null=True, verbose_name=_l("Score (%)")),
    ),
    ("latitude", _decimal(_l("Latitude"))),
    ("longitude", _decimal(_l("Longitude"))),
):
    Inspection._meta.add_field(_name, _field)

for _name, _field in (
    (
        "premises",
        pw.ForeignKeyField(
            Premises,
            null=True,
            backref="hazards",
            on_delete="RESTRICT",
            verbose_name=_l("Premises"),
        ),
    ),
    (
        "source",
        pw.CharField(
            max_length=16, choices=SOURCES, default="inspection", verbose_name=_l("Source")
        ),
    ),
    (
        "category",
        pw.CharField(max_length=64, default="", verbose_name=lazy_pgettext("hazard", "Category")),
    ),
    ("description", pw.TextField(default="", verbose_name=_l("Description"))),
    ("instance", pw.CharField(max_length=100, default="", verbose_name=_l("Instance"))),
):
    Hazard._meta.add_field(_name, _field)

# == hz-manage: campaigns, schedules, tasks, hazard-lifecycle fields, statistics ==========
# (branch hz-manage, issue 8 points 2, 4, 5; kept in this section to ease merges)

FREQUENCIES = [
    ("daily", _l("Daily")),
    ("weekly", _l("Weekly")),
    ("monthly", _l("Monthly")),
    ("quarterly", _l("Quarterly")),
    ("yearly", _l("Yearly")),
    ("every_n_days", _l("Every N days")),
]
SUPERVISION_LEVELS = [("street", _l("Street (街道挂牌)")), ("district", _l("District (区级挂牌)"))]
TASK_STATES = [("open", _l("To do")), ("done", _l("Done")), ("cancelled", _l("Cancelled"))]
PERIODS = [("quarter", _l("Quarterly (季度)")), ("year", _l("Annual (年度)"))]
REPORT_STATES = [("draft", _l("Draft")), ("submitted", _l("Submitted"))]


class Campaign(DistrictOwnedModel):
    """排查整治专项行动 (e.g. 年度重大事故隐患排查整治): stages 自查自改 → 督导检查 → 验收 with
    their dates, over the subtree of ``unit`` (its scope), with the checklists to use."""

    title = pw.CharField(max_length=200, verbose_name=_l("Campaign"))
    year = pw.IntegerField(verbose_name=_l("Year"))
    checklists = pw.CharField(max_length=500, default="", verbose_name=_l("Checklists"))
    self_check_from = pw.DateField(verbose_name=_l("Self-check from (自查自改)"))
    self_check_until = pw.DateField(verbose_name=_l("Self-check until"))
    supervision_until = pw.DateField(verbose_name=_l("Supervision until (督导检查)"))
    acceptance_until = pw.DateField(verbose_name=_l("Acceptance until (验收)"))
    launched_on = pw.DateField(null=True, verbose_name=_l("Launched on"))
    note = pw.TextField(default="", verbose_name=_l("Note"))

    class Meta:
        table_name = "hazards_campaign"
        verbose_name = _l("Campaigns")

    def __str__(self) -> str:
        return self.title

    def checklist_list(self) -> list[str]:
        return [k.strip() for k in self.checklists.replace("，", ",").split(",") if k.strip()]


class Schedule(DistrictOwnedModel):
    """检查计划: a recurring inspection of one place (daily patrol, monthly fire check,
    elevator inspection due date) generating an inspection task for each due date."""

    title = pw.CharField(max_length=200, verbose_name=_l("Schedule"))
    place = pw.CharField(max_length=100, verbose_name=_l("Place"))
    checklist = pw.CharField(max_length=64, verbose_name=_l("Checklist"))
    frequency = pw.CharField(max_length=16, choices=FREQUENCIES, verbose_name=_l("Frequency"))
    every_days = pw.IntegerField(null=True, verbose_name=_l("Every N days"))
    next_due = pw.DateField(index=True, verbose_name=_l("Next due date"))
    lead_days = pw.IntegerField(default=0, verbose_name=_l("Task created days before due"))
    assignee = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Assigned to")
    )
    active = pw.BooleanField(default=True, verbose_name=_l("Active"))

    class Meta:
        table_name = "hazards_schedule"
        verbose_name = _l("Inspection schedules")

    def __str__(self) -> str:
        return f"{self.title} · {self.place}"


class InspectionTask(DistrictOwnedModel):
    """检查任务: an inspection due by ``due`` (from a schedule or a campaign), assigned to an
    inspector or grid worker; done when an inspection fulfils it."""

    title = pw.CharField(max_length=200, verbose_name=_l("Task"))
    place = pw.CharField(max_length=100, default="", verbose_name=_l("Place"))
    checklist = pw.CharField(max_length=64, verbose_name=_l("Checklist"))
    due = pw.DateField(index=True, verbose_name=_l("Due"))
    schedule = pw.ForeignKeyField(
        Schedule, null=True, backref="tasks", on_delete="RESTRICT", verbose_name=_l("Schedule")
    )
    campaign = pw.ForeignKeyField(
        Campaign, null=True, backref="tasks", on_delete="RESTRICT", verbose_name=_l("Campaign")
    )
    assignee = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Assigned to")
    )
    state = pw.CharField(
        max_length=16, choices=TASK_STATES, default="open", index=True, verbose_name=_l("State")
    )
    inspection = pw.ForeignKeyField(
        Inspection, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Inspection")
    )
    done_on = pw.DateField(null=True, verbose_name=_l("Done on"))

    class Meta:
        table_name = "hazards_task"
        verbose_name = _l("Inspection tasks")
        indexes = (
            (("schedule", "due"), True),
            (("campaign", "unit", "checklist"), True),
        )

    def __str__(self) -> str:
        return f"{self.due} · {self.title}"


def _extend_hazard() -> None:
    """Lifecycle fields of hz-manage on :class:`Hazard`: 延期申请, 挂牌督办, the rectifier and the
    acceptance (验收人/日期/意见), and the funds as an amount for the statistics. Added here,
    not in the class body, so that parallel branches adding fields to Hazard do not clash."""
    extra = {
        "funds_amount": pw.DecimalField(
            max_digits=14, decimal_places=2, null=True, verbose_name=_l("Funds (yuan)")
        ),
        "extension_reason": pw.TextField(default="", verbose_name=_l("Reason for extension")),
        "requested_deadline": pw.DateField(null=True, verbose_name=_l("Requested new deadline")),
        "extensions": pw.IntegerField(default=0, verbose_name=_l("Extensions granted")),
        "supervision_level": pw.CharField(
            max_length=16,
            choices=SUPERVISION_LEVELS,
            null=True,
            verbose_name=_l("Supervision level (挂牌督办)"),
        ),
        "supervising_unit": pw.CharField(
            max_length=100, default="", verbose_name=_l("Supervising unit")
        ),
        "supervision_deadline": pw.DateField(null=True, verbose_name=_l("Supervision deadline")),
        "supervised_on": pw.DateField(null=True, verbose_name=_l("Supervised since")),
        "supervision_lifted_on": pw.DateField(null=True, verbose_name=_l("Supervision lifted on")),
        "rectified_by": pw.ForeignKeyField(
            User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Rectified by")
        ),
        "accepted_by": pw.ForeignKeyField(
            User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Accepted by")
        ),
        "accepted_on": pw.DateField(
            null=True, verbose_name=lazy_pgettext("rectification", "Accepted on")
        ),
        "acceptance_opinion": pw.TextField(default="", verbose_name=_l("Acceptance opinion")),
    }
    for name, field in extra.items():
        Hazard._meta.add_field(name, field)
    # the overdue dashboard: open hazards by unit, grade and deadline from the index alone
    Hazard._meta.indexes.append((("unit", "state", "grade", "deadline"), False))


_extend_hazard()


class StatisticsReport(DistrictOwnedModel):
    """隐患排查治理统计 (季度/年度) of ``unit`` (a community, street or district): a draft whose
    figures are recomputed, then submitted; a submitted report is a locked snapshot (the
    database refuses changes) and a correction is a new version referring to it."""

    period = pw.CharField(
        max_length=8, choices=PERIODS, verbose_name=lazy_pgettext("statistics", "Period")
    )
    year = pw.IntegerField(verbose_name=_l("Year"))
    quarter = pw.IntegerField(null=True, verbose_name=_l("Quarter"))
    state = pw.CharField(
        max_length=16, choices=REPORT_STATES, default="draft", verbose_name=_l("State")
    )
    number = pw.IntegerField(default=1, verbose_name=_l("Version"))
    corrects = pw.ForeignKeyField(
        "self", null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Corrects")
    )
    figures = pw.TextField(default="{}", verbose_name=_l("Figures"))
    note = pw.TextField(default="", verbose_name=_l("Note"))
    submitted_on = pw.DateField(null=True, verbose_name=_l("Submitted on"))
    submitted_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Submitted by")
    )

    class Meta:
        table_name = "hazards_statistics"
        verbose_name = _l("Hazard statistics")

    def __str__(self) -> str:
        span = f"{self.year}Q{self.quarter}" if self.period == "quarter" else str(self.year)
        return f"{span} v{self.number}"


MODELS = [
    Inspection,
    Hazard,
    Premises,
    Photo,
    Recheck,
    Campaign,
    Schedule,
    InspectionTask,
    StatisticsReport,
]
