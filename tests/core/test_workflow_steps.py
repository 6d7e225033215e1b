"""What the workflow engine offers beyond states and permissions (流程引擎的扩展), on a toy
"claim" flow whose state lives in a column named ``status``: several entry steps, steps
whose guards alone say who may (no role permission), a step taken with a code (a QR link),
side effects inside the step's transaction, a refusal message per step, the comment kept in
a field, a deadline counted from a field of the record, and trusted callers."""

from __future__ import annotations

import datetime as dt
import secrets

import peewee as pw
import pytest

from core import workdays, workflow
from core.access import Access
from core.db import db
from core.models import BaseModel, DistrictOwnedModel, TerritoryUnit, User
from core.workflow import Deadline, State, Transition, Workflow, WorkflowError
from tests.conftest import make_user

XINGFU = "990101001001"


class Claim(DistrictOwnedModel):
    title = pw.CharField(default="")
    claimant = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    happened_on = pw.DateField(null=True)
    code = pw.CharField(max_length=64, default="")
    reason = pw.CharField(max_length=10, default="")
    status = pw.CharField(default="draft")
    version = pw.IntegerField(default=0)

    class Meta:
        table_name = "test_claim"


class Payout(BaseModel):
    """What the toy "pay" side effect writes (a ledger posting, in a real plugin)."""

    claim_id = pw.IntegerField()
    amount = pw.IntegerField()

    class Meta:
        table_name = "test_claim_payout"


def own_claim(record, actor, access):
    if record.claimant_id != getattr(actor, "id", None):
        return "只有申请人本人可以提交。"
    return None


def not_the_claimant(record, actor, access):
    if record.claimant_id == getattr(actor, "id", None):
        return "不能确认自己的申请。"
    return None


def pay(record, step):
    Payout.create(claim_id=record.id, amount=100)
    if record.title == "超额":
        raise WorkflowError("超出额度，未支付。")


FLOW = Workflow(
    "core",
    name="test_claim",
    state_field="status",
    start=[
        Transition("draft", "草稿", "Draft", (), "draft", permission=None, guards=(own_claim,)),
        Transition(
            "file",
            "提交",
            "File",
            (),
            "filed",
            permission=None,
            guards=(own_claim,),
            deadline=Deadline(
                "test_claim_witness_days", 3, "见证时限", "Witness", counted_from="happened_on"
            ),
        ),
    ],
    states=[
        State("draft", "草稿", "Draft"),
        State("filed", "待见证", "Filed"),
        State("witnessed", "待审核", "Witnessed"),
        State("paid", "已支付", "Paid", True),
        State("refused", "已驳回", "Refused", True),
    ],
    transitions=[
        Transition(
            "submit", "提交", "Submit", ("draft",), "filed", permission=None, guards=(own_claim,)
        ),
        Transition(
            "witness",
            "见证",
            "Witness",
            ("filed",),
            "witnessed",
            permission=None,
            token_field="code",
            guards=(not_the_claimant,),
            wrong_state=lambda r: "已见证过。" if r.status == "witnessed" else "不在待见证状态。",
        ),
        Transition(
            "pay",
            "支付",
            "Pay",
            ("witnessed",),
            "paid",
            after=(pay,),
            wrong_state="该申请不在待审核状态。",
        ),
        Transition(
            "refuse",
            "驳回",
            "Refuse",
            ("filed", "witnessed"),
            "refused",
            comment_required=True,
            comment_message="请填写原因。",
            comment_field="reason",
        ),
    ],
)
FLOW.bind(Claim)


@pytest.fixture
def claims(ctx, demo):
    make_user("zhang", "community_staff", XINGFU)
    make_user("resident", "resident", XINGFU)  # no core permission
    make_user("neighbour", "resident", XINGFU)
    db.create_tables([Claim, Payout])
    yield
    db.drop_tables([Payout, Claim])


def user(name):
    return User.get(User.username == name)


def new_claim(by="resident", step="file", title="修车棚", happened_on=None):
    claim = Claim(
        unit=TerritoryUnit.get(TerritoryUnit.code == XINGFU),
        title=title,
        claimant=user(by),
        happened_on=happened_on,
        code=secrets.token_urlsafe(16),
    )
    return workflow.start(claim, user(by), Access(user(by)), code=step)


def fresh(claim):
    return Claim.get_by_id(claim.id)


def snapshot(claim):
    return (
        fresh(claim).__data__,
        len(workflow.history(claim)),
        Payout.select().count(),
    )


def refused(claim, code, name, message, comment="", data=None, **options):
    before = snapshot(claim)
    with pytest.raises(WorkflowError) as err:
        workflow.transition(claim, code, user(name), Access(user(name)), comment, data, **options)
    assert str(err.value) == message
    assert snapshot(claim) == before


def test_the_state_lives_in_the_column_the_workflow_names(claims):
    claim = new_claim()
    assert (fresh(claim).status, fresh(claim).version) == ("filed", 0)
    assert FLOW.state_column() is Claim.status
    assert FLOW.managed_fields() == ("status", "version", "due")
    row = workflow.history(claim)[0]
    assert (row.from_state, row.to_state, row.transition) == ("", "filed", "file")


def test_an_entry_step_is_chosen_and_an_unknown_one_refused(claims):
    draft = new_claim(step="draft")
    assert fresh(draft).status == "draft"
    with pytest.raises(WorkflowError, match="nonsense"):
        new_claim(step="nonsense")
    assert Claim.select().count() == 1


def test_a_step_without_permission_is_decided_by_its_guards(claims):
    draft = new_claim(step="draft")
    # zhang is staff with every core permission, yet only the claimant may submit
    refused(draft, "submit", "zhang", "只有申请人本人可以提交。")
    workflow.transition(draft, "submit", user("resident"), Access(user("resident")))
    assert fresh(draft).status == "filed"
    # nobody files a claim in someone else's name
    claim = Claim(unit=draft.unit_id, claimant=user("resident"), title="冒名申请")
    with pytest.raises(WorkflowError, match="只有申请人本人可以提交。"):
        workflow.start(claim, user("neighbour"), Access(user("neighbour")), code="file")
    assert Claim.select().count() == 1


def test_a_step_taken_with_a_code_needs_the_right_code(claims):
    claim = new_claim()
    message = "“见证”所需的确认码缺失或无效。"
    refused(claim, "witness", "neighbour", message)
    refused(claim, "witness", "neighbour", message, data={"code": "wrong"})
    refused(claim, "witness", "resident", "不能确认自己的申请。", data={"code": claim.code})
    # never offered without the code: not to staff, not to the neighbour
    for name in ("zhang", "neighbour"):
        assert "witness" not in [
            t.code for t in workflow.available_transitions(claim, user(name), Access(user(name)))
        ]
    workflow.transition(
        claim, "witness", user("neighbour"), Access(user("neighbour")), data={"code": claim.code}
    )
    assert fresh(claim).status == "witnessed"
    assert fresh(claim).code == claim.code  # the code is checked, never written
    refused(fresh(claim), "witness", "neighbour", "已见证过。", data={"code": claim.code})


def test_a_side_effect_runs_in_the_steps_transaction(claims):
    claim = new_claim()
    refused(claim, "pay", "zhang", "该申请不在待审核状态。")
    workflow.transition(claim, "witness", user("neighbour"), None, data={"code": claim.code})
    workflow.transition(fresh(claim), "pay", user("zhang"), Access(user("zhang")))
    assert fresh(claim).status == "paid"
    assert [(p.claim_id, p.amount) for p in Payout.select()] == [(claim.id, 100)]

    over = new_claim(title="超额")
    workflow.transition(over, "witness", user("neighbour"), None, data={"code": over.code})
    # the effect wrote its row, then refused: the step, its history and the row are undone
    refused(fresh(over), "pay", "zhang", "超出额度，未支付。")
    assert fresh(over).status == "witnessed"


def test_two_people_taking_the_same_step_at_once(claims):
    claim = new_claim()
    workflow.transition(claim, "witness", user("neighbour"), None, data={"code": claim.code})
    first, second = fresh(claim), fresh(claim)
    workflow.transition(first, "pay", user("zhang"), Access(user("zhang")))
    make_user("wang", "community_staff", XINGFU)
    refused(
        second,
        "pay",
        "wang",
        "该记录已被他人处理（当前状态为“已支付”），您的操作未生效；请刷新页面核对后再操作。",
    )
    assert Payout.select().count() == 1


def test_the_comment_is_required_with_its_own_message_and_kept_in_a_field(claims):
    claim = new_claim()
    refused(claim, "refuse", "zhang", "请填写原因。")
    workflow.transition(
        claim, "refuse", user("zhang"), Access(user("zhang")), "材料不全，请补充照片"
    )
    now = fresh(claim)
    assert (now.status, now.reason) == ("refused", "材料不全，请补充照片"[:10])
    assert workflow.history(claim)[-1].comment == "材料不全，请补充照片"


def test_a_deadline_counted_from_a_field_of_the_record(claims, monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: dt.date(2026, 12, 28))
    claim = new_claim(happened_on=dt.date(2026, 12, 20))  # a Sunday: three days after it
    assert workflow.current_deadline(claim) == dt.date(2026, 12, 23)
    assert workflow.is_overdue(claim, on=dt.date(2026, 12, 28))


def test_a_trusted_caller_skips_permission_but_not_the_rules(claims):
    claim = new_claim()
    # a job acting for nobody in particular: no access at all, still the comment rule
    refused(claim, "refuse", "resident", "请填写原因。", trusted=True)
    with pytest.raises(WorkflowError, match="您无权"):
        workflow.transition(claim, "refuse", user("resident"), Access(user("resident")), "x")
    workflow.transition(claim, "refuse", None, None, "系统清理", trusted=True)
    assert fresh(claim).status == "refused"


def test_a_step_that_anyone_could_take_is_refused_at_declaration():
    with pytest.raises(ValueError, match="anyone could take it"):
        Workflow(
            "demo",
            start=Transition("open", "开始", "Open", (), "new"),
            states=[State("new", "新", "New"), State("done", "完成", "Done", True)],
            transitions=[Transition("close", "完成", "Close", ("new",), "done", permission=None)],
        )


def test_a_trusted_command_context_starts_a_record_for_nobody_in_particular(claims):
    """core.commands creates a workflow record through the engine's entry step; a trusted
    context (a job, the demo, the operator's CLI) is trusted there too, while the entry
    step's guards still hold."""
    from core import commands

    unit = TerritoryUnit.get(TerritoryUnit.code == XINGFU)
    job = commands.Context.trusted(unit.district_id, source="job")
    claim = commands.create(job, Claim, {"unit": unit.id, "title": "夜间巡查报修"})
    assert (fresh(claim).status, fresh(claim).title) == ("draft", "夜间巡查报修")
    assert [r.transition for r in workflow.history(claim)] == ["draft"]
    # the guard of the entry step is not skipped: a claim in someone else's name is refused
    with pytest.raises(commands.Refused, match="只有申请人本人可以提交。"):
        commands.create(job, Claim, {"unit": unit.id, "title": "冒名", "claimant": user("zhang")})
    assert Claim.select().where(Claim.title == "冒名").count() == 0
