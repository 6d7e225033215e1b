"""The community service flow (社区公共服务流程) as a workflow [seeds 004:97-99]:

受理 → 登记分类 → 直接办理 / 代办 或 转办 → 跟踪督办 → 反馈办理结果 → 接受群众评议 → 归档

and the rules that go with it: the first receiver (首问负责人) is responsible until the case is
transferred, then the new handler is [004:63-73]; supervision (督办) is done by street staff or
above and does not change the handler; simple matters are answered on the spot (当场办结)
[002:438]. The rules here are plain functions of the case, the actor and their access.

Time limits: no seed gives a number of days for these steps ("限时办理" [003:71], "代办事项及
办结时限" are publicised per item [004:83-85]), so every limit is a per-district setting whose
default is a starting value for the district administrator to set.
"""

from __future__ import annotations

import peewee as pw

from core import workdays
from core.cases.models import RATINGS, Case
from core.i18n import gettext as _
from core.models import RoleAssignment, RolePermission, TerritoryUnit, User
from core.territory import ancestor_ids, subtree_condition
from core.workflow import Deadline, State, Transition, Workflow

PLUGIN = "core"


# -- who is responsible (首问负责) -------------------------------------------------------------


def may_update_unit(access, unit_id: int | None) -> bool:
    """``access`` holds core:update over territory unit ``unit_id``."""
    if access is None or unit_id is None:
        return False
    return (
        TerritoryUnit.select()
        .where((TerritoryUnit.id == unit_id) & access.unit_condition(PLUGIN, "update"))
        .exists()
    )


def is_responsible(case: Case, actor) -> bool | None:
    """Whether ``actor`` is responsible for ``case``; None when a whole unit is (a case
    transferred to a unit without naming a person)."""
    actor_id = getattr(actor, "id", None)
    if case.handling_mode == "transfer":
        if case.handler_id is not None:
            return actor_id == case.handler_id
        return None
    return actor_id in (case.receiver_id, case.handler_id)


def responsible_id(case: Case) -> int | None:
    """The person answerable for the case now: the receiver, or after a transfer the new
    handler (None when it was transferred to a unit)."""
    return case.handler_id if case.handling_mode == "transfer" else case.receiver_id


def is_supervisor(case: Case, access) -> bool:
    """Street staff or above (督办): core:approve through an assignment at a street or
    district that contains the case, or scope "all"."""
    if access is None:
        return False
    unit = TerritoryUnit.get_or_none(TerritoryUnit.id == case.unit_id)
    for a in access.assignments_for(PLUGIN, "approve"):
        if a.scope == "all":
            return True
        if (
            a.scope == "subtree"
            and a.unit.level in ("district", "street")
            and unit is not None
            and unit.path.startswith(a.unit.path)
        ):
            return True
    return False


def responsible_or_supervisor(case: Case, actor, access) -> str | None:
    responsible = is_responsible(case, actor)
    if responsible is None:
        responsible = may_update_unit(access, case.handler_unit_id)
    if responsible or is_supervisor(case, access):
        return None
    if case.handling_mode == "transfer" and case.handler_id is None:
        return _(
            "Only staff of %(unit)s, to which the case was transferred, or a supervisor may "
            "do this.",
            unit=case.handler_unit.name if case.handler_unit_id else "?",
        )
    name = case.handler if case.handling_mode == "transfer" else case.receiver
    return _(
        "Only the person responsible for this case (%(name)s) or a supervisor may do this.",
        name=str(name),
    )


def supervisor_only(case: Case, actor, access) -> str | None:
    if is_supervisor(case, access):
        return None
    return _("Only street staff or above may supervise a case.")


def rating_period_over(case: Case, actor, access) -> str | None:
    if case.due is not None and not workdays.is_overdue(case.due):
        return _(
            "The resident may still rate the result until %(date)s; archive it unrated after that.",
            date=case.due.isoformat(),
        )
    return None


# -- who may handle (承办人) -------------------------------------------------------------------


def candidates(case: Case) -> pw.ModelSelect:
    """Active users who may update ``case`` (core:update over its unit, scope subtree from
    an ancestor or unit at the unit itself): the people it can be given to."""
    unit = TerritoryUnit.get_by_id(case.unit_id)
    roles = RolePermission.select(RolePermission.role).where(
        RolePermission.plugin.in_([PLUGIN, "*"]) & RolePermission.action.in_(["update", "*"])
    )
    holders = RoleAssignment.select(RoleAssignment.user).where(
        RoleAssignment.role.in_(roles)
        & (
            ((RoleAssignment.scope == "subtree") & RoleAssignment.unit.in_(ancestor_ids(unit)))
            | ((RoleAssignment.scope == "unit") & (RoleAssignment.unit == unit.id))
        )
    )
    return User.select().where(User.is_active & User.id.in_(holders)).order_by(User.username)


def transfer_units(case: Case) -> pw.ModelSelect:
    """Units a case can be transferred to: its own and those above it up to the district
    (the street office, the district) and one level below (a community's grids); never a
    neighbouring community."""
    unit = TerritoryUnit.get_by_id(case.unit_id)
    below = subtree_condition(unit) & (TerritoryUnit.depth == unit.depth + 1)
    return (
        TerritoryUnit.select()
        .where(
            (TerritoryUnit.id.in_(ancestor_ids(unit)) | below)
            & (TerritoryUnit.district_id == unit.district_id)
        )
        .order_by(TerritoryUnit.path)
    )


def _check_handler(case: Case, user) -> str | None:
    if user is not None and not candidates(case).where(User.id == user.id).exists():
        return _("%(name)s may not handle cases of this community.", name=str(user))
    return None


def handler_allowed(case: Case, values: dict, actor, access) -> str | None:
    return _check_handler(case, values.get("handler"))


def default_handler(case: Case, values: dict, actor) -> dict:
    """Handled directly or by proxy: the person named, else the one who takes the step."""
    return {} if values.get("handler") else {"handler": actor, "handler_unit": None}


def transfer_target(case: Case, values: dict, actor, access) -> str | None:
    user, unit = values.get("handler"), values.get("handler_unit")
    if user is None and unit is None:
        return _("Choose the person or the unit the case is transferred to.")
    if user is not None and user.id == case.handler_id and case.handling_mode == "transfer":
        return _("The case is already with %(name)s.", name=str(user))
    if user is not None and user.id == getattr(actor, "id", None):
        return _("You cannot transfer a case to yourself.")
    if unit is not None and not transfer_units(case).where(TerritoryUnit.id == unit.id).exists():
        return _(
            "A case can be transferred only to a unit above or below its own, not to %(unit)s.",
            unit=unit.name,
        )
    return _check_handler(case, user)


def transfer_effect(case: Case, values: dict, actor) -> dict:
    # naming only a unit leaves no person in charge: the unit's staff are
    return {"handler": values.get("handler"), "handler_unit": values.get("handler_unit")}


def rating_in_range(case: Case, values: dict, actor, access) -> str | None:
    if values.get("rating") not in RATINGS:
        return _("The rating must be a whole number from 1 to 5.")
    return None


# -- the flow ----------------------------------------------------------------------------------


def _days(key, default, zh, en, doc):
    return Deadline(key, default, zh, en, doc + " 默认值由区管理员按本地承诺时限调整。")


REGISTER = _days(
    "case_register_days",
    1,
    "事项受理后登记分类时限",
    "Time to register and classify a received case",
    "首问负责人受理后，在此期限内登记分类（首问负责制：及时分类交办）。",
)
DISPATCH = _days(
    "case_dispatch_days",
    1,
    "登记后交办时限",
    "Time to start handling or transfer a registered case",
    "登记分类后，在此期限内确定直接办理、代办或转办。",
)
HANDLING = _days(
    "case_handling_days",
    5,
    "直接办理时限",
    "Time to handle a case directly",
    "直接办理的事项，在此期限内办结并反馈（限时办理）。",
)
PROXY = _days(
    "case_proxy_days",
    10,
    "代办时限",
    "Time to complete a proxy case",
    "需到政府部门办理的事项由社区代办，代办事项及办结时限应当公示。",
)
TRANSFER = _days(
    "case_transfer_days",
    5,
    "转办办理时限",
    "Time for the new handler of a transferred case",
    "转办后，承接的人员或单位在此期限内办结并反馈。",
)
SUPERVISION = _days(
    "case_supervision_days",
    2,
    "督办限期",
    "Time limit set by supervision",
    "街道及以上督办后，承办人在此期限内办结并反馈。",
)
RATING = _days(
    "case_rating_days",
    5,
    "群众评议时限",
    "Time for the resident to rate the result",
    "反馈办理结果后，在此期限内接受群众评议；期满未评议的可注明原因后归档。",
)
ARCHIVE = _days(
    "case_archive_days",
    2,
    "评议后归档时限",
    "Time to archive a rated case",
    "群众评议后，在此期限内归档。",
)

HANDLERS = ("handling", "transferred", "supervised")

CASE_FLOW = Workflow(
    PLUGIN,
    name="case",
    start=Transition(
        "receive",
        "受理",
        "Receive",
        (),
        "received",
        permission=(PLUGIN, "create"),
        deadline=REGISTER,
    ),
    states=[
        State("received", "已受理", "Received"),
        State("registered", "已登记分类", "Registered"),
        State("handling", "办理中", "Being handled"),
        State("transferred", "已转办", "Transferred"),
        State("supervised", "督办中", "Under supervision"),
        State("feedback", "已反馈", "Result fed back"),
        State("rated", "已评议", "Rated"),
        State("archived", "已归档", "Archived", terminal=True),
    ],
    transitions=[
        Transition(
            "register",
            "登记分类",
            "Register and classify",
            ("received",),
            "registered",
            fields=("category",),
            required=("category",),
            guards=(responsible_or_supervisor,),
            deadline=DISPATCH,
        ),
        Transition(
            "answer",
            "当场办结",
            "Settle on the spot",
            ("received", "registered"),
            "feedback",
            fields=("category", "result"),
            required=("category", "result"),
            sets={"handling_mode": "direct"},
            effect=default_handler,
            guards=(responsible_or_supervisor,),
            deadline=RATING,
            style="success",
        ),
        Transition(
            "handle",
            "直接办理",
            "Handle directly",
            ("registered",),
            "handling",
            fields=("handler",),
            sets={"handling_mode": "direct"},
            effect=default_handler,
            guards=(responsible_or_supervisor,),
            validators=(handler_allowed,),
            deadline=HANDLING,
        ),
        Transition(
            "proxy",
            "代办",
            "Handle by proxy",
            ("registered",),
            "handling",
            fields=("handler",),
            sets={"handling_mode": "proxy"},
            effect=default_handler,
            guards=(responsible_or_supervisor,),
            validators=(handler_allowed,),
            deadline=PROXY,
        ),
        Transition(
            "transfer",
            "转办",
            "Transfer",
            ("registered", *HANDLERS),
            "transferred",
            fields=("handler", "handler_unit"),
            sets={"handling_mode": "transfer"},
            effect=transfer_effect,
            comment_required=True,
            guards=(responsible_or_supervisor,),
            validators=(transfer_target,),
            deadline=TRANSFER,
            style="warning",
        ),
        Transition(
            "supervise",
            "督办",
            "Supervise",
            HANDLERS,
            "supervised",
            permission=(PLUGIN, "approve"),
            comment_required=True,
            guards=(supervisor_only,),
            deadline=SUPERVISION,
            style="danger",
            todo=False,
        ),
        Transition(
            "feedback",
            "反馈办理结果",
            "Feed back the result",
            HANDLERS,
            "feedback",
            fields=("result",),
            required=("result",),
            guards=(responsible_or_supervisor,),
            deadline=RATING,
            style="success",
        ),
        Transition(
            "rate",
            "群众评议",
            "Record the resident's rating",
            ("feedback",),
            "rated",
            fields=("rating", "rating_comment"),
            required=("rating",),
            validators=(rating_in_range,),
            deadline=ARCHIVE,
        ),
        Transition(
            "archive",
            "归档",
            "Archive",
            ("rated",),
            "archived",
            style="secondary",
        ),
        Transition(
            "archive_unrated",
            "未评议归档",
            "Archive without a rating",
            ("feedback",),
            "archived",
            comment_required=True,
            guards=(rating_period_over,),
            style="secondary",
        ),
    ],
)
CASE_FLOW.bind(Case)
