"""Time bank benchmarks (时间银行性能), on SQLite, at 100,000 volunteers and 2,000,000 ledger
movements by default.

1. Balance read: ``services.balances()`` (the cached balances, one indexed read) when the
   ledger holds 10 movements and again when it holds 2,000,000, against raw SQL reading the
   same cached balances, and against recomputing the balance from the movements.
2. Posting throughput: ``services.post()`` (one transaction: a header, a guarded balance
   update per account, the movements, the audit event) against raw SQL doing the same writes
   in one transaction per transfer.
3. The approval queue page (``/admin/timebank/queue/``, count and first page with the
   volunteers' names) against raw SQL for the same count and page.

Run: ``python -m bench timebank [--volunteers N] [--movements N] [--postings N]``.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path


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
    import plugins.timebank as timebank
    from core.app import create_app
    from core.db import db

    kwargs = dict(
        overrides={
            "SECRET_KEY": "bench-secret-key-0123456789",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        },
        instance_path=tmp,
        plugins=[timebank],
        use_entry_points=False,
        environ={},
    )
    app = create_app(**kwargs)
    with db.connection_context():
        app.extensions["linli"].migrations.upgrade()
    app = create_app(**kwargs)
    app.config["TESTING"] = True
    return app


def generate(volunteers: int, movements: int, community_id: int) -> None:
    """Volunteers with their two accounts, and ``movements`` ledger lines (pairs from the
    issuing account to a volunteer's hours account), balances set to the sums."""
    from core.db import db
    from core.models import utcnow
    from plugins.timebank import services
    from plugins.timebank.models import Account, Movement, Transfer, Volunteer

    now = utcnow()
    start = time.perf_counter()
    first = (Volunteer.select(Volunteer.id).order_by(Volunteer.id.desc()).scalar() or 0) + 1
    with db.atomic():
        for base in range(0, volunteers, 5000):
            Volunteer.insert_many(
                [
                    (
                        community_id,
                        f"志愿者{i}",
                        f"11010519800101{i % 10000:04d}",
                        "13800138000",
                        "active",
                        now,
                        now,
                        now,
                    )
                    for i in range(base, min(base + 5000, volunteers))
                ],
                fields=[
                    Volunteer.unit,
                    Volunteer.name,
                    Volunteer.id_number,
                    Volunteer.mobile,
                    Volunteer.status,
                    Volunteer.consent_at,
                    Volunteer.created_at,
                    Volunteer.updated_at,
                ],
            ).execute()
        ids = [v for (v,) in Volunteer.select(Volunteer.id).where(Volunteer.id >= first).tuples()]
        for base in range(0, len(ids), 5000):
            rows = []
            for vid in ids[base : base + 5000]:
                rows += [
                    (community_id, vid, "hours", "person", 0, now, now),
                    (community_id, vid, "credits", "person", 0, now, now),
                ]
            Account.insert_many(
                rows,
                fields=[
                    Account.unit,
                    Account.volunteer,
                    Account.kind,
                    Account.role,
                    Account.balance,
                    Account.created_at,
                    Account.updated_at,
                ],
            ).execute()
    issue = services.system_account(community_id, "issue", "hours")
    hours = [
        a
        for (a,) in Account.select(Account.id)
        .where((Account.kind == "hours") & (Account.role == "person"))
        .tuples()
    ]
    transfers = movements // 2
    with db.atomic():
        first_transfer = (
            Transfer.select(Transfer.id).order_by(Transfer.id.desc()).scalar() or 0
        ) + 1
        for base in range(0, transfers, 10000):
            count = min(10000, transfers - base)
            Transfer.insert_many(
                [(community_id, "service", "bench", now)] * count,
                fields=[Transfer.unit, Transfer.kind, Transfer.memo, Transfer.created_at],
            ).execute()
            lines = []
            for k in range(count):
                tid = first_transfer + base + k
                n = base + k
                # a tenth of the ledger goes to one volunteer: the "heavy" account
                account = hours[0] if n % 10 == 0 else hours[n % len(hours)]
                lines.append((tid, issue.id, -60, now))
                lines.append((tid, account, 60, now))
            Movement.insert_many(
                lines,
                fields=[Movement.transfer, Movement.account, Movement.amount, Movement.created_at],
            ).execute()
        db.execute_sql(
            "UPDATE timebank_account SET balance = (SELECT COALESCE(SUM(amount), 0) "
            "FROM timebank_movement WHERE account_id = timebank_account.id)"
        )
    print(
        f"  generated {len(ids):,} volunteers, {2 * len(ids):,} accounts, "
        f"{Movement.select().count():,} movements in {time.perf_counter() - start:.1f} s",
        flush=True,
    )


def balance_figures(vol, repeat):
    from core.db import db
    from plugins.timebank import services

    ids = [a.id for a in vol.accounts]

    def raw_cached():
        db.execute_sql(
            "SELECT kind, balance FROM timebank_account WHERE volunteer_id = ?", (vol.id,)
        ).fetchall()

    def raw_recompute():
        db.execute_sql(
            "SELECT account_id, SUM(amount) FROM timebank_movement WHERE account_id IN (?, ?) "
            "GROUP BY account_id",
            tuple(ids),
        ).fetchall()

    return (
        _time(lambda: services.balances(vol), repeat),
        _time(raw_cached, repeat),
        _time(raw_recompute, repeat),
    )


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench timebank")
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--movements", type=int, default=2_000_000)
    parser.add_argument("--postings", type=int, default=2000)
    parser.add_argument("--queue", type=int, default=5000, help="records awaiting approval")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)

    from core import demo
    from core.access import Access, hash_password
    from core.db import db
    from core.models import TerritoryUnit, User, utcnow
    from plugins.timebank import services
    from plugins.timebank.models import Account, Movement, ServiceRecord, Volunteer

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-timebank-"))
    app = make_app(tmp)
    with app.test_request_context(), db.connection_context():
        demo.load()  # also the plugin's demo: 3 volunteers, 2 approved records
        admin = User.get(User.username == "admin")
        User.update(
            password_hash=hash_password("Admin-pass-123"), must_change_password=False
        ).where(User.id == admin.id).execute()
        community = TerritoryUnit.get(TerritoryUnit.code == "990101002001")
        small = Volunteer.get(Volunteer.name == "李秀英")
        # 1. balance read with a tiny ledger
        tiny = Movement.select().count()
        ours_small, raw_small, recompute_small = balance_figures(small, args.repeat)

        print(
            f"\ngenerating at scale: {args.volunteers:,} volunteers, "
            f"{args.movements:,} movements ...",
            flush=True,
        )
        generate(args.volunteers, args.movements, community.id)
        big = Movement.select().count()
        busiest = (
            Account.select()
            .where(Account.role == "person")
            .order_by(Account.balance.desc())
            .first()
        )
        heavy = Volunteer.get_by_id(busiest.volunteer_id)
        ours_big, raw_big, recompute_big = balance_figures(heavy, args.repeat)
        ours_small_again, _r, _c = balance_figures(small, args.repeat)
        per_account = Movement.select().where(Movement.account == busiest.id).count()

        print(f"\n1. balance read (ms, median of {args.repeat})")
        print(f"{'figure':<62} {'ours':>10} {'baseline':>10} {'ratio':>8}")
        _row(f"ledger of {big:,} movements vs of {tiny} movements", ours_big, ours_small)
        _row("same volunteer, before vs after the ledger grew", ours_small_again, ours_small)
        _row("services.balances vs raw SQL (cached balance), big ledger", ours_big, raw_big)
        _row(
            f"raw recompute from movements ({per_account:,} lines) vs cached, big ledger",
            recompute_big,
            raw_big,
        )

        # 2. posting throughput
        actor = admin
        donors = list(Volunteer.select().where(Volunteer.unit == community.id).limit(args.postings))
        pool = services.system_account(community.id, "pool", "hours")
        accounts = {
            a.volunteer_id: a
            for a in Account.select().where(
                (Account.kind == "hours") & Account.volunteer.in_([d.id for d in donors])
            )
        }
        started = time.perf_counter()
        for d in donors:
            services.post(community.id, "donate", [(accounts[d.id], -1), (pool, 1)], actor)
        ours_rate = len(donors) / (time.perf_counter() - started)
        started = time.perf_counter()
        now = utcnow()
        for d in donors:
            with db.atomic():
                cursor = db.execute_sql(
                    "INSERT INTO timebank_transfer (unit_id, kind, memo, created_by_id, created_at)"
                    " VALUES (?, 'donate', '', ?, ?)",
                    (community.id, actor.id, now),
                )
                tid = cursor.lastrowid
                db.execute_sql(
                    "UPDATE timebank_account SET balance = balance - 1 "
                    "WHERE id = ? AND balance >= 1",
                    (accounts[d.id].id,),
                )
                db.execute_sql(
                    "UPDATE timebank_account SET balance = balance + 1 WHERE id = ?", (pool.id,)
                )
                db.execute_sql(
                    "INSERT INTO timebank_movement (transfer_id, account_id, amount, "
                    "created_at) VALUES (?, ?, -1, ?), (?, ?, 1, ?)",
                    (tid, accounts[d.id].id, now, tid, pool.id, now),
                )
        raw_rate = len(donors) / (time.perf_counter() - started)
        print(
            f"\n2. posting throughput on SQLite ({len(donors):,} transfers, one transaction each)"
        )
        print(f"{'figure':<62} {'ours':>10} {'raw SQL':>10} {'ratio':>8}")
        _row("transfers per second (services.post vs raw SQL)", ours_rate, raw_rate, "per s")
        problems = services.verify()
        print(f"   ledger verify after the run: {'consistent' if not problems else problems[:3]}")

        # 3. the approval queue page
        queue_vols = list(
            Volunteer.select().where(Volunteer.unit == community.id).limit(args.queue)
        )
        base = utcnow() - dt.timedelta(days=3)
        ServiceRecord.insert_many(
            [
                (
                    community.id,
                    v.id,
                    base - dt.timedelta(minutes=i),
                    base - dt.timedelta(minutes=i - 30),
                    30,
                    "排队审核",
                    "pending_review",
                    0,
                    base,
                    base,
                )
                for i, v in enumerate(queue_vols)
            ],
            fields=[
                ServiceRecord.unit,
                ServiceRecord.volunteer,
                ServiceRecord.started_at,
                ServiceRecord.ended_at,
                ServiceRecord.minutes,
                ServiceRecord.content,
                ServiceRecord.status,
                ServiceRecord.version,
                ServiceRecord.created_at,
                ServiceRecord.updated_at,
            ],
        ).execute()
        access = Access(admin)
        assert services.approval_queue(access, community.district_id).count() >= len(queue_vols)

    client = app.test_client()
    import re

    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/auth/login", data={"username": "admin", "password": "Admin-pass-123", "csrf_token": token}
    )
    assert client.get("/admin/timebank/queue/").status_code == 200

    def raw_queue():
        db.execute_sql(
            "SELECT COUNT(*) FROM timebank_record WHERE status IN ('pending_review', "
            "'pending_second')"
        ).fetchall()
        db.execute_sql(
            "SELECT r.*, v.name FROM timebank_record r JOIN timebank_volunteer v "
            "ON v.id = r.volunteer_id WHERE r.status IN ('pending_review', 'pending_second') "
            "ORDER BY r.started_at LIMIT 20"
        ).fetchall()

    repeat = max(5, args.repeat // 20)
    page_ms = _time(lambda: client.get("/admin/timebank/queue/"), repeat)
    with db.connection_context():
        raw_ms = _time(raw_queue, repeat)
    plain = plain_admin_client()
    assert plain.get("/admin/servicerecord/").status_code == 200
    plain_ms = _time(lambda: plain.get("/admin/servicerecord/"), repeat)
    print(f"\n3. approval queue page, {len(queue_vols):,} records waiting (ms, median of {repeat})")
    print(f"{'figure':<62} {'ours':>10} {'raw SQL':>10} {'ratio':>8}")
    _row("admin queue page vs plain Flask-Admin on the same model", page_ms, plain_ms)
    _row("admin queue page (HTML) vs raw SQL count + first page", page_ms, raw_ms)


def plain_admin_client():
    """A bare Flask-Admin (peewee backend) list of the same records: no login, no scope,
    no plugins; the same filter, columns and page size."""
    from flask import Flask
    from flask_admin import Admin
    from flask_admin.contrib.peewee import ModelView

    from plugins.timebank.models import ServiceRecord

    class Queue(ModelView):
        column_list = (
            "id",
            "volunteer",
            "started_at",
            "minutes",
            "content",
            "service_type",
            "source",
            "confirmed_name",
            "status",
            "unit",
        )
        column_default_sort = ("started_at", False)
        page_size = 20

        def get_query(self):
            return ServiceRecord.select().where(
                ServiceRecord.status.in_(["pending_review", "pending_second"])
            )

        def get_count_query(self):
            return self.get_query()

    from flask_babel import Babel

    from core.db import db

    app = Flask("plain")
    app.config["SECRET_KEY"] = "plain"
    Babel(app)  # the models' labels are lazy translations

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    Admin(app).add_view(Queue(ServiceRecord))
    return app.test_client()
