"""The rules of the inspection plan's records (记录规则), run by :mod:`core.commands` on every
write path — admin, API, spreadsheet import, portal, CLI — so that none of them can skip one.

Inspections, hazards and re-checks are made by the operations of ``services.py`` and move
through the workflow of ``flows.py``; campaigns, schedules, tasks and statistics are kept as
records, and these are their rules.
"""

from __future__ import annotations

from core.commands import Rules, refuse

from .models import Campaign, InspectionTask, Schedule, StatisticsReport
from .planning import services as planning
from .statistics import services as statistics


class CampaignRules(Rules):
    """专项排查整治行动: a title, stage dates in order (自查 → 督查 → 验收), known checklists."""

    model = Campaign

    def validate(self, ctx, record, before):
        planning.check_campaign(record)


class ScheduleRules(Rules):
    """检查计划: a place, a known checklist, a valid frequency, an eligible inspector."""

    model = Schedule

    def validate(self, ctx, record, before):
        planning.check_schedule(record)


class TaskRules(Rules):
    """检查任务: only an open task may be reassigned, and only to someone who may record
    inspections in its unit."""

    model = InspectionTask

    def validate(self, ctx, record, before):
        if before is not None and before.get("state") != "open":
            raise refuse("This task is no longer open.")
        planning.check_assignee(record.assignee, record.unit)


class StatisticsRules(Rules):
    """隐患排查治理统计: a draft's figures are recomputed on every save; a submitted report is
    locked (a correction is a new version)."""

    model = StatisticsReport

    def derive(self, ctx, record, created):
        if record.__data__.get("unit") is not None:
            statistics.prepare(record)


RULES = [CampaignRules, ScheduleRules, TaskRules, StatisticsRules]
