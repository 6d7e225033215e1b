"""The steps of an owners' meeting (业主大会会议流程) on the core workflow engine
(:mod:`core.workflow`): 草稿 → 已公告 → 表决中 → 表决结束 → 已计票 → 已公布 → 已备案.

Every step is a :class:`~core.workflow.Transition` that holds its own rules, so that they
hold whoever takes it (the services of :mod:`.services`, the admin's list actions through
them, the API's workflow steps): the notice period (公告提前天数) and the residents' committee
told (《物业管理条例》第十四条), the voting window, the tally of every matter and the
publication of the results (公告) as side effects inside the step's transaction, the
filing of the decisions (备案) with the community and the street above the compound. The
engine writes the move with a compare-and-set on the status and the version, one
``core_workflow_history`` row per step (who, when, from, to, comment) and the event.

The day of a step is today in China; the services (the demo, a back-dated entry of a step
taken on paper) may name another with :func:`on_day`, which only code can do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from contextvars import ContextVar

from core import workdays
from core.commands import Context
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit
from core.workflow import State, Transition, Workflow

from ..committees.services import check_residents_committee_told
from ..register.services import compound_of, holdings
from ..shared.services import PLUGIN, setting
from . import rules
from .models import Matter, Meeting
from .reports import electorate, latest_ballots, results_text

UPDATE = (PLUGIN, "update")
CREATE = (PLUGIN, "create")

# -- the day of a step ----------------------------------------------------------------------

_DAY: ContextVar[dt.date | None] = ContextVar("owners_meeting_step_day", default=None)


@contextlib.contextmanager
def on_day(day: dt.date | None):
    """Take the steps inside the block as on ``day`` (None: today in China)."""
    token = _DAY.set(day)
    try:
        yield
    finally:
        _DAY.reset(token)


def step_day() -> dt.date:
    """The day of the step being taken: the one named by :func:`on_day`, else today."""
    return _DAY.get() or workdays.today()


# -- rules of the steps ---------------------------------------------------------------------


def has_matters(meeting, values, actor, access):
    if not Matter.select().where(Matter.meeting == meeting.id).exists():
        return _("Add at least one matter to the agenda first.")
    return None


def dates_in_order(meeting, values, actor, access):
    if meeting.closes_on < meeting.opens_on:
        return _("Voting must close on or after the day it opens.")
    return None


def notice_period(meeting, values, actor, access):
    """The notice goes out at least ``notice_days`` days before voting opens."""
    days = int(setting(meeting, "notice_days"))
    if rules.notice_problem(step_day(), meeting.opens_on, days):
        return _("The notice must be given at least %(days)s days before voting opens.", days=days)
    return None


def residents_committee_told(meeting, values, actor, access):
    try:
        check_residents_committee_told(meeting, step_day())
    except ServiceError as exc:
        return str(exc)
    return None


def in_voting_window(meeting, values, actor, access):
    if not rules.in_window(step_day(), meeting.opens_on, meeting.closes_on):
        return _(
            "Voting can only be opened between %(start)s and %(end)s.",
            start=meeting.opens_on.isoformat(),
            end=meeting.closes_on.isoformat(),
        )
    return None


def voting_over(meeting, values, actor, access):
    if step_day() <= meeting.closes_on:
        return _("Voting stays open until the end of %(end)s.", end=meeting.closes_on.isoformat())
    return None


def filed_after_publication(meeting, values, actor, access):
    if meeting.published_on and step_day() < meeting.published_on:
        return _("The decisions cannot be filed before they were published.")
    return None


def filing_offices(meeting) -> list[str]:
    """The community and the street above the compound, nearest first (备案 with both)."""
    offices = []
    unit = compound_of(meeting).parent
    while unit is not None:
        if unit.level in ("community", "street"):
            offices.append(unit.name)
        unit = unit.parent
    return offices


def has_filing_offices(meeting, values, actor, access):
    if not filing_offices(meeting):
        return _("The compound has no community or street above it to file with.")
    return None


# -- what the steps write -------------------------------------------------------------------


def _noticed(meeting, values, actor):
    return {"noticed_on": step_day()}


def _tallied(meeting, values, actor):
    day = step_day()
    days = int(setting(meeting, "publish_days"))
    return {"tallied_on": day, "publish_due": day + dt.timedelta(days=days)}


def _published(meeting, values, actor):
    return {"published_on": step_day()}


def _filed(meeting, values, actor):
    return {"filed_on": step_day(), "filed_with": "、".join(filing_offices(meeting))[:200]}


def count_matters(meeting, step) -> None:
    """计票: every matter of the meeting counted, area and heads separately, in the step's
    transaction (a failure undoes the step)."""
    units = holdings(compound_of(meeting))
    for matter in Matter.select().where(Matter.meeting == meeting.id):
        result = rules.tally(matter.kind, electorate(matter, units), latest_ballots(matter))
        Matter.update(
            result=result.result, tally=json.dumps(result.as_dict(), ensure_ascii=False)
        ).where(Matter.id == matter.id).execute()


def publish_results(meeting, actor):
    """Put the results on the community's board through core publicity; the body links the
    anonymised ballot list from which anyone can recompute the tally."""
    from core import publicity

    compound = compound_of(meeting)
    district = TerritoryUnit.get_by_id(compound.district_id)
    body = (
        results_text(meeting)
        + f"\n表决票明细（匿名）：/public/owners/ballots/{meeting.id}?district={district.code}"
    )
    today = workdays.today()
    return publicity.publish(
        Context.trusted(actor=actor),
        f"业主大会表决结果公告：{meeting.title}",
        compound,
        body=body,
        starts_on=max(meeting.published_on or today, today),
        record=meeting,
        plugin="owners",
    )


def _announce_results(meeting, step) -> None:
    publish_results(meeting, step.actor)


# -- the flow -------------------------------------------------------------------------------

WRONG_STATE = _l("This step is not possible in the meeting's current status.")


def _step(code, zh, en, source, target, **options) -> Transition:
    return Transition(
        code, zh, en, (source,), target, permission=UPDATE, wrong_state=WRONG_STATE, **options
    )


MEETING_FLOW = Workflow(
    PLUGIN,
    name="owners_meeting",
    state_field="status",
    start=Transition("draft", "拟定会议", "Draft the meeting", (), "draft", permission=CREATE),
    states=[
        State("draft", "草稿", "Draft"),
        State("noticed", "已公告", "Noticed"),
        State("voting_open", "表决中", "Voting open"),
        State("voting_closed", "表决结束", "Voting closed"),
        State("tallied", "已计票", "Tallied"),
        State("published", "已公布", "Published"),
        State("filed", "已备案", "Filed", True),
    ],
    transitions=[
        _step(
            "notice",
            "发布会议公告",
            "Give notice",
            "draft",
            "noticed",
            validators=(has_matters, dates_in_order, notice_period, residents_committee_told),
            effect=_noticed,
        ),
        _step(
            "open",
            "开始表决",
            "Open voting",
            "noticed",
            "voting_open",
            validators=(in_voting_window,),
        ),
        _step(
            "close",
            "结束表决",
            "Close voting",
            "voting_open",
            "voting_closed",
            validators=(voting_over,),
        ),
        _step(
            "tally",
            "计票",
            "Tally",
            "voting_closed",
            "tallied",
            effect=_tallied,
            after=(count_matters,),
        ),
        _step(
            "publish",
            "公布表决结果",
            "Publish the results",
            "tallied",
            "published",
            effect=_published,
            after=(_announce_results,),
            style="success",
        ),
        _step(
            "file",
            "决定备案",
            "File the decisions",
            "published",
            "filed",
            validators=(filed_after_publication, has_filing_offices),
            effect=_filed,
        ),
    ],
)
MEETING_FLOW.bind(Meeting)

FLOWS = [MEETING_FLOW]
