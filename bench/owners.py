"""Owners' assembly benchmarks (业主大会性能), on SQLite: one compound of 5,000 units and
5,000 ballots by default.

1. The tally of one matter, as the app computes it when a meeting is tallied
   (``register.services.holdings`` + ``assembly.reports.electorate`` +
   ``assembly.reports.latest_ballots`` + ``assembly.rules.tally``: exact fractions, the
   headcount rule, split heads), against one raw SQL aggregate doing the same work (the
   latest ballot per unit, the headcount key per unit, area and heads per choice) in the same
   run. Both results are compared.
2. The maintenance-fund statement of the compound (``fund.reports.statement``: opening balance,
   deposits, interest, spending, first deposit per unit) against raw SQL for the same sums.

Run: ``python -m bench owners [--units N] [--ballots N] [--repeat N]``.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TALLY_SQL = """
WITH keyed AS MATERIALIZED (
  SELECT p.id, p.area,
    CASE WHEN EXISTS (SELECT 1 FROM owners_ownership s JOIN owners_owner o ON o.id = s.owner_id
                      WHERE s.premises_id = p.id AND o.is_developer) THEN 'developer'
         ELSE COALESCE((SELECT GROUP_CONCAT(owner_id) FROM
                          (SELECT owner_id FROM owners_ownership WHERE premises_id = p.id
                           ORDER BY owner_id)), 'unit-' || p.id) END AS head,
    (SELECT b.choice FROM owners_ballot_log b WHERE b.matter_id = ? AND b.premises_id = p.id
     ORDER BY b.id DESC LIMIT 1) AS choice
  FROM owners_premises p
  WHERE p.unit_id IN (SELECT id FROM core_territory_unit WHERE parent_id = ?)
),
heads AS MATERIALIZED (
  SELECT head, COUNT(DISTINCT choice) AS n, MIN(choice) AS choice FROM keyed
  WHERE choice IS NOT NULL GROUP BY head
)
SELECT t.area, t.heads, t.voted, t.agree, h.heads, h.agree, h.split FROM
  (SELECT SUM(area) AS area, COUNT(DISTINCT head) AS heads,
     SUM(CASE WHEN choice IS NOT NULL THEN area END) AS voted,
     SUM(CASE WHEN choice = 'agree' THEN area END) AS agree FROM keyed) t,
  (SELECT COUNT(*) AS heads, SUM(n = 1 AND choice = 'agree') AS agree, SUM(n > 1) AS split
   FROM heads) h
"""

STATEMENT_SQL = """
SELECT e.premises_id,
  SUM(CASE WHEN e.booked_on < ? THEN e.amount_fen ELSE 0 END),
  SUM(CASE WHEN e.booked_on >= ? AND e.booked_on <= ? AND e.kind = 'deposit'
      THEN e.amount_fen ELSE 0 END),
  SUM(CASE WHEN e.booked_on >= ? AND e.booked_on <= ? AND e.kind = 'interest'
      THEN e.amount_fen ELSE 0 END),
  SUM(CASE WHEN e.booked_on >= ? AND e.booked_on <= ? AND e.kind = 'spending'
      THEN e.amount_fen ELSE 0 END)
FROM owners_fund_entry e WHERE e.unit_id = ? GROUP BY e.premises_id
"""


def _time(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _row(name, ours, base, unit="ms"):
    print(f"{name:<62} {ours:>10.3f} {base:>10.3f} {ours / base:>7.2f}x  ({unit})")


def make_app(tmp: Path):
    import plugins.owners as owners
    from core.app import create_app
    from core.db import db

    kwargs = dict(
        overrides={
            "SECRET_KEY": "bench-secret-key-0123456789",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        },
        instance_path=tmp,
        plugins=[owners],
        use_entry_points=False,
        environ={},
    )
    app = create_app(**kwargs)
    with db.connection_context():
        app.extensions["linli"].migrations.upgrade()
    app = create_app(**kwargs)
    app.config["TESTING"] = True
    return app


def generate(units: int, ballots: int, actor):
    """A compound with ``units`` units in buildings of 100, their owners (every 10th unit
    co-owned by two, every 20th owner holding two units, 2 % unsold with the developer), a
    meeting with one matter, and ``ballots`` ballots (the units voting, the rest changed
    votes), hash-chained like real ones."""
    import secrets

    from core import territory
    from core.db import db
    from core.models import TerritoryUnit, utcnow
    from plugins.owners.assembly import rules
    from plugins.owners.assembly.models import BallotLog, Matter, Meeting
    from plugins.owners.register.models import Owner, Ownership, Premises

    started = time.perf_counter()
    community = TerritoryUnit.get(TerritoryUnit.code == "990101002001")
    compound = territory.create_unit("BENCH-XQ", "基准小区", "compound", community)
    buildings = [
        territory.create_unit(f"BENCH-XQ-{b}", f"{b}号楼", "building", compound)
        for b in range(1, units // 100 + 2)
    ]
    now = utcnow()
    with db.atomic():
        Premises.insert_many(
            [
                (
                    buildings[i // 100].id,
                    f"{i // 100 + 1}-{i % 100 + 1:03d}",
                    Decimal(60 + (i * 37) % 90) + Decimal("0.25"),
                    ("register", "survey", "contract")[i % 3],
                    now,
                    now,
                )
                for i in range(units)
            ],
            fields=[
                Premises.unit,
                Premises.number,
                Premises.area,
                Premises.area_source,
                Premises.created_at,
                Premises.updated_at,
            ],
        ).execute()
        premises = list(
            Premises.select()
            .where(Premises.unit.in_([b.id for b in buildings]))
            .order_by(Premises.id)
        )
        Owner.insert_many(
            [(compound.id, f"业主{i}", False, now, now) for i in range(units)]
            + [(compound.id, "基准置业", True, now, now)],
            fields=[Owner.unit, Owner.name, Owner.is_developer, Owner.created_at, Owner.updated_at],
        ).execute()
        owners = [o.id for o in Owner.select(Owner.id).where(Owner.unit == compound.id)]
        developer = owners[-1]
        links = []
        for i, p in enumerate(premises):
            if i % 50 == 49:  # 2 % unsold
                holders = [developer]
            elif i % 20 == 19:  # the owner of the previous unit holds this one too
                holders = [owners[i - 1]]
            elif i % 10 == 9:  # co-owned
                holders = [owners[i], owners[(i + 1) % (units - 1)]]
            else:
                holders = [owners[i]]
            links += [(p.unit_id, p.id, o, now, now) for o in holders]
        for base in range(0, len(links), 5000):
            Ownership.insert_many(
                links[base : base + 5000],
                fields=[
                    Ownership.unit,
                    Ownership.premises,
                    Ownership.owner,
                    Ownership.created_at,
                    Ownership.updated_at,
                ],
            ).execute()
        meeting = Meeting.create(
            unit=compound,
            title="基准会议",
            status="voting_closed",
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 1, 15),
        )
        matter = Matter.create(
            unit=compound, meeting=meeting, title="续聘物业", item="4", kind="ordinary"
        )
        owner_of = {}
        for _unit, pid, oid, _a, _b in links:
            owner_of.setdefault(pid, oid)
        voting = premises[: min(units, int(units * 0.8))]
        rows = []
        prev = BallotLog.select(BallotLog.hash).order_by(BallotLog.id.desc()).scalar()
        choices = ("agree", "agree", "agree", "disagree", "abstain")
        for n in range(ballots):
            p = voting[n % len(voting)]
            choice = choices[(n * 7 + (n // len(voting))) % 5]
            receipt = secrets.token_hex(6).upper()
            at = now.replace(microsecond=0)
            digest = rules.row_hash(prev, matter.id, p.id, owner_of[p.id], choice, receipt, at)
            rows.append(
                (compound.id, matter.id, p.id, owner_of[p.id], choice, receipt, at, prev, digest)
            )
            prev = digest
        for base in range(0, len(rows), 2000):
            BallotLog.insert_many(
                rows[base : base + 2000],
                fields=[
                    BallotLog.unit,
                    BallotLog.matter,
                    BallotLog.premises,
                    BallotLog.owner,
                    BallotLog.choice,
                    BallotLog.receipt,
                    BallotLog.at,
                    BallotLog.prev_hash,
                    BallotLog.hash,
                ],
            ).execute()
    print(
        f"  generated {len(premises):,} units, {len(owners):,} owners, {len(links):,} "
        f"ownerships, {BallotLog.select().count():,} ballots in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return compound, matter, premises


def fund_data(compound, premises, actor):
    """Open the account, deposit for every unit (one row each), interest, and one spending."""
    from core.commands import Context
    from core.db import db
    from core.models import utcnow
    from plugins.owners.fund import services as fund
    from plugins.owners.fund.models import FundAccount, FundEntry

    ctx = Context.trusted(actor=actor, source="system")
    FundAccount.create(unit=compound)
    now = utcnow()
    day = dt.date(2026, 1, 10)
    with db.atomic():
        FundEntry.insert_many(
            [
                (compound.id, p.id, "deposit", 500000 + (i % 7) * 100, day, f"b{i}", now)
                for i, p in enumerate(premises)
            ],
            fields=[
                FundEntry.unit,
                FundEntry.premises,
                FundEntry.kind,
                FundEntry.amount_fen,
                FundEntry.booked_on,
                FundEntry.batch,
                FundEntry.at,
            ],
        ).execute()
    fund.post_interest(ctx, compound, 12_345_67, on=dt.date(2026, 3, 21))
    proposal = fund.confirm_emergency(
        ctx, compound, "电梯抢修", 2_000_000, premises[:400], "lift", "基准社区居委会"
    )
    fund.disburse(ctx, proposal, 2_000_000, on=dt.date(2026, 4, 1))
    return FundEntry.select().where(FundEntry.unit == compound.id).count()


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench owners")
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--ballots", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    from core import demo
    from core.db import db
    from core.models import User
    from plugins.owners.assembly import reports, rules
    from plugins.owners.fund import reports as fund_reports
    from plugins.owners.register import services

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-owners-"))
    app = make_app(tmp)
    with app.test_request_context(), db.connection_context():
        demo.load()
        actor = User.get(User.username == "admin")
        print(f"\ngenerating: {args.units:,} units, {args.ballots:,} ballots ...", flush=True)
        compound, matter, premises = generate(args.units, args.ballots, actor)

        def ours():
            units = services.holdings(compound)
            return rules.tally(
                matter.kind, reports.electorate(matter, units), reports.latest_ballots(matter)
            )

        def raw():
            return db.execute_sql(TALLY_SQL, (matter.id, compound.id)).fetchone()

        result, base = ours(), raw()
        same = (
            abs(float(result.total_area) - base[0]) < 0.01
            and result.total_heads == base[1]
            and abs(float(result.participating.area) - base[2]) < 0.01
            and abs(float(result.agree.area) - base[3]) < 0.01
            and result.participating.heads == base[4]
            and result.agree.heads == base[5]
            and result.split_heads == base[6]
        )
        t_ours, t_raw = _time(ours, args.repeat), _time(raw, args.repeat)
        print(f"\n1. tally of one matter (ms, median of {args.repeat})")
        print(
            f"   {result.total_heads:,} heads, {result.participating.heads:,} participating, "
            f"{result.split_heads} split; result {result.result}; "
            f"raw SQL gives the same counts: {'yes' if same else 'NO'}"
        )
        print(f"{'figure':<62} {'ours':>10} {'raw SQL':>10} {'ratio':>8}")
        _row("tally (holdings + latest ballots + rules.tally) vs one SQL", t_ours, t_raw)
        t_hold = _time(lambda: services.holdings(compound), args.repeat)
        t_latest = _time(lambda: reports.latest_ballots(matter), args.repeat)
        units = services.holdings(compound)
        latest = reports.latest_ballots(matter)
        t_rules = _time(lambda: rules.tally(matter.kind, units, latest), args.repeat)
        print(
            f"   of which: holdings {t_hold:.1f} ms, latest ballots {t_latest:.1f} ms, "
            f"rules.tally {t_rules:.1f} ms"
        )

        entries = fund_data(compound, premises, actor)
        start, end = dt.date(2026, 2, 1), dt.date(2026, 6, 30)

        def statement_ours():
            return fund_reports.statement(compound, start, end)

        def statement_raw():
            return db.execute_sql(
                STATEMENT_SQL, (start, start, end, start, end, start, end, compound.id)
            ).fetchall()

        st, rows = statement_ours(), statement_raw()
        by_unit = {r[0]: r for r in rows}
        same = all(
            (r.opening, r.deposit, r.interest, r.spending) == tuple(by_unit[r.premises_id][1:])
            for r in st.rows
        )
        t_st, t_st_raw = _time(statement_ours, args.repeat), _time(statement_raw, args.repeat)
        print(f"\n2. fund statement of {len(st.rows):,} units, {entries:,} ledger rows (ms)")
        print(f"   raw SQL gives the same sums: {'yes' if same else 'NO'}")
        print(f"{'figure':<62} {'ours':>10} {'raw SQL':>10} {'ratio':>8}")
        _row("fund.reports.statement vs one SQL aggregate", t_st, t_st_raw)
        problems = reports.verify()
        print(f"\n   ballot log verify: {'intact' if not problems else problems[:3]}")
