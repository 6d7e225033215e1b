"""The double-entry time ledger (时间账本): integer minutes, every transfer sums to zero,
balances are caches of the movements, corrections are reversals, and nothing can buy or
cash out credits."""

from __future__ import annotations

import datetime as dt
import os
import threading

import peewee as pw
import pytest
from click.testing import CliRunner

from core.cli import main
from core.commands import Context
from core.db import db
from core.models import AppendOnlyError, utcnow
from core.services import ServiceError
from plugins.timebank import services
from plugins.timebank.models import Account, Movement, Transfer

from .conftest import user


def ledger():
    return (
        Transfer.select().count(),
        Movement.select().count(),
        [(a.id, a.balance) for a in Account.select().order_by(Account.id)],
    )


def refused(call, message):
    before = ledger()
    with pytest.raises(ServiceError) as caught:
        call()
    assert message in str(caught.value)
    assert ledger() == before


def settings(app, district_id, **values):
    for key, value in values.items():
        app.extensions["linli"].settings.set(district_id, "timebank", key, value)


def test_every_transfer_sums_to_zero_per_ledger(tb):
    vol = tb.volunteer(0)
    record = tb.approved(vol, minutes=45, length=60)
    transfer = Transfer.get(Transfer.record == record.id)
    lines = list(
        Movement.select(Movement, Account).join(Account).where(Movement.transfer == transfer.id)
    )
    assert len(lines) == 4
    for kind in ("hours", "credits"):
        assert sum(m.amount for m in lines if m.account.kind == kind) == 0
    issue = services.system_account(vol.unit_id, "issue", "hours")
    assert Account.get_by_id(issue.id).balance == -45
    refused(
        lambda: services.post(
            vol.unit_id, "spend", [(services.person_account(vol, "credits"), -10), (issue, 10)]
        ),
        "一笔转账的分录合计必须为零。",
    )
    refused(lambda: services.post(vol.unit_id, "spend", [(issue, 0)]), "至少需要两条分录")


def test_spending_needs_the_age_and_the_balance(app, tb):
    old = tb.volunteer(0)  # born 1948
    young = tb.volunteer(2)  # born 1995
    tb.approved(old)
    tb.approved(young, hours_ago=8)
    refused(
        lambda: services.spend(Context.of(tb.approver), young, 30, "助餐"),
        "年满本区政策规定的年龄方可兑换时间币。",
    )
    refused(
        lambda: services.spend(Context.of(tb.approver), old, 61, "助浴"),
        "余额不足：需要 1:01（时:分）。",
    )
    refused(lambda: services.spend(Context.of(tb.approver), old, 0, "助浴"), "分钟数必须大于零。")
    refused(lambda: services.spend(Context.of(tb.approver), old, -5, "助浴"), "分钟数必须大于零。")
    refused(
        lambda: services.spend(Context.of(tb.approver), old, "abc", "助浴"), "请以整数填写分钟数。"
    )
    refused(lambda: services.spend(Context.of(tb.approver), old, 30, " "), "请说明兑换的服务项目。")
    services.spend(Context.of(tb.approver), old, 40, "助浴服务")
    assert services.balances(old) == {"hours": 60, "credits": 20}  # hours are never spent
    settings(app, tb.community.district_id, min_redeem_age=18)
    services.spend(Context.of(tb.approver), young, 30, "助餐")


def test_gifts_follow_the_policy_and_donations_fill_the_pool(app, tb):
    giver, child = tb.volunteer(0), tb.volunteer(2)
    tb.approved(giver, minutes=120, length=120)
    refused(
        lambda: services.gift(Context.of(tb.approver), giver, child, 30, "other"),
        "只能转赠给配偶或直系亲属",
    )
    refused(lambda: services.gift(Context.of(tb.approver), giver, child, 500, "child"), "余额不足")
    refused(
        lambda: services.gift(Context.of(tb.approver), giver, giver, 10, "child"),
        "请选择其他人作为接收人。",
    )
    services.gift(Context.of(tb.approver), giver, child, 30, "child")
    assert services.balances(child)["credits"] == 30
    settings(app, tb.community.district_id, transfer_policy="none")
    refused(
        lambda: services.gift(Context.of(tb.approver), giver, child, 10, "child"),
        "本区政策不允许转赠时间币。",
    )
    services.donate(Context.of(tb.approver), giver, 50)
    pool = services.system_account(giver.unit_id, "pool", "credits")
    assert Account.get_by_id(pool.id).balance == 50
    refused(
        lambda: services.grant(Context.of(tb.approver), child, 60, "困难老人"),
        "余额不足",
    )
    services.grant(Context.of(tb.approver), child, 50, "困难老人")
    assert Account.get_by_id(pool.id).balance == 0
    assert services.balances(giver)["credits"] == 40
    assert services.verify() == []


def test_credits_above_the_storage_cap_go_to_the_community_pool(app, tb):
    settings(app, tb.community.district_id, storage_cap_hours=1)
    vol = tb.volunteer(0)
    tb.approved(vol, minutes=90, length=120)
    assert services.balances(vol) == {"hours": 90, "credits": 60}
    pool = services.system_account(vol.unit_id, "pool", "credits")
    assert Account.get_by_id(pool.id).balance == 30


def test_policy_hours_only_and_rounding(app, tb):
    settings(app, tb.community.district_id, rounding_minutes=15)
    vol = tb.volunteer(0)
    tb.approved(vol, minutes=50, length=60)
    assert services.balances(vol) == {"hours": 50, "credits": 45}
    settings(app, tb.community.district_id, post_credits=False)
    tb.approved(vol, hours_ago=10)
    assert services.balances(vol) == {"hours": 110, "credits": 45}


@pytest.mark.awkward_days
def test_expiry_takes_the_oldest_unspent_credits(app, tb):
    vol = tb.volunteer(0)
    tb.approved(vol, minutes=60)
    services.spend(Context.of(tb.approver), vol, 20, "助餐")
    job = Context.trusted(tb.community.district_id, source="job")
    district = tb.community.district_id
    assert services.expire_credits(job, district) == 0  # no expiry by default
    settings(app, tb.community.district_id, expiry_months=1)
    later = (utcnow() + dt.timedelta(days=70)).date()
    # ours and the two demo volunteers of 幸福社区 with approved service
    assert services.expire_credits(job, district, on=later) == 3
    assert services.balances(vol) == {"hours": 60, "credits": 0}
    assert services.expire_credits(job, district, on=later) == 0
    assert services.verify() == []


def test_ledger_rows_are_append_only_in_code_and_in_the_database(tb):
    vol = tb.volunteer(0)
    record = tb.approved(vol)
    transfer = Transfer.get(Transfer.record == record.id)
    with pytest.raises(AppendOnlyError):
        Movement.update(amount=999).execute()
    with pytest.raises(AppendOnlyError):
        transfer.delete_instance()
    for sql in ("UPDATE timebank_movement SET amount = 999", "DELETE FROM timebank_transfer"):
        with pytest.raises(pw.DatabaseError):
            with db.atomic():
                db.execute_sql(sql)
    assert services.verify() == []


def test_there_is_no_way_to_buy_or_cash_out_credits(app):
    """No service, route or transfer kind puts money in or takes it out."""
    from plugins.timebank.models import TRANSFER_KINDS

    kinds = {code for code, _label in TRANSFER_KINDS}
    assert not kinds & {"purchase", "recharge", "buy", "cash_out", "withdraw", "sell"}
    assert not [
        name for name in dir(services) if any(w in name for w in ("buy", "recharge", "cash"))
    ]
    rules = [r.rule for r in app.url_map.iter_rules() if "timebank" in r.rule]
    assert not [r for r in rules if any(w in r for w in ("buy", "recharge", "cash", "pay"))]


def test_verify_command_proves_the_ledger_and_fails_on_tampering(app, tb):
    vol = tb.volunteer(0)
    tb.approved(vol)
    db.close()
    runner = CliRunner()
    env = {"FLASK_APP": ""}
    result = runner.invoke(main, ["timebank", "verify"], obj=_script(app), env=env)
    assert result.exit_code == 0, result.output
    assert "ledger consistent" in result.output
    db.connect(reuse_if_open=True)
    account = services.person_account(vol, "credits")
    Account.update(balance=Account.balance + 5).where(Account.id == account.id).execute()
    db.close()
    result = runner.invoke(main, ["timebank", "verify"], obj=_script(app), env=env)
    assert result.exit_code == 1
    assert f"account {account.id}: cached balance 65 != sum of movements 60" in result.output
    db.connect(reuse_if_open=True)


def _script(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


@pytest.mark.skipif(
    not os.environ.get("LINLI_TEST_DATABASE_URL"), reason="parallel workers need PostgreSQL"
)
def test_parallel_postings_never_break_the_invariant(app, tb):
    """Eight workers, each with its own connection, spend from one account and gift between
    two others at once; no spend overdraws, no update is lost, every transfer sums to zero."""
    rich, other = tb.volunteer(0), tb.volunteer(1)
    for hours_ago in (20, 17, 14, 11):
        tb.approved(rich, hours_ago=hours_ago, minutes=180, length=180)  # 720 credits
    tb.approved(other, minutes=120, length=120)
    approver_id = tb.approver.id
    db.close()
    successes, failures, errors = [], [], []

    def worker(n):
        with app.app_context():
            db.connect(reuse_if_open=True)
            try:
                actor = user("approver")
                assert actor.id == approver_id
                for i in range(15):
                    try:
                        if (n + i) % 3 == 0:
                            services.gift(Context.of(actor), rich, other, 7, "spouse")
                        else:
                            services.spend(Context.of(actor), rich, 11, f"worker {n} #{i}")
                        successes.append((n, i))
                    except ServiceError:
                        failures.append((n, i))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
            finally:
                db.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.connect(reuse_if_open=True)
    assert errors == []
    assert failures, "the account should run dry: some postings must be refused"
    assert services.verify() == []
    balance = services.balances(rich)["credits"]
    assert balance >= 0
    spent = sum(
        -m.amount
        for m in Movement.select()
        .join(Account)
        .where((Account.id == services.person_account(rich, "credits").id) & (Movement.amount < 0))
    )
    assert balance == 720 - spent
