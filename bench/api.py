"""Data in and out (数据接口): import, export and API list throughput at scale.

1. Import of N notices (default 100,000) from CSV through ``core.api.spreadsheets`` (map,
   validate every row, then write all rows with their audit rows in one transaction), against
   raw peewee ``insert_many`` of the same parsed rows in one transaction.
2. Export to CSV and XLSX of 10,000 and of 1,000,000 notices (``--export-rows``) through the
   API's export functions, each in a child process that reports its peak resident memory,
   against raw peewee tuples written with ``csv.writer`` (no scope, no masking, no schema).
   The question is that memory does not grow with the number of rows.
3. API list throughput: ``GET /api/v1/noticeboard/notice?per_page=50&page=K`` with a token,
   under gunicorn (``--workers``, 127.0.0.1) driven by client threads for ``--seconds``,
   against a bare WSGI function reading the same page with raw peewee + ``json.dumps`` under
   the same gunicorn settings.

Run: ``python -m bench api [--import-rows N] [--export-rows N] [--workers N] [--seconds S]``.
Prints ratios; asserts nothing. Raw figures go to ``bench/results/api.json``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench._common import SECRET
from core.commands import Context

ROOT = Path(__file__).resolve().parent.parent


def _row(name, ours, base, unit=""):
    ratio = ours / base if base else float("nan")
    print(f"{name:<56} {ours:>12.2f} {base:>12.2f} {ratio:>7.2f}x {unit}")


def make_app(tmp: Path):
    from bench._common import demo_app

    return demo_app(tmp, API_RATE_LIMIT=10**9)


def building_units():
    from core.models import TerritoryUnit

    return [u.id for u in TerritoryUnit.select().where(TerritoryUnit.level == "building")]


def fill(rows: int) -> None:
    """``rows`` notices spread over the demo's buildings, with a contact phone each."""
    from core.db import db
    from tests.sample_plugins.noticeboard.models import Notice

    units = building_units()
    with db.atomic():
        for start in range(0, rows, 5000):
            Notice.insert_many(
                [
                    {
                        "unit": units[i % len(units)],
                        "title": f"通知{i}",
                        "body": "楼道灯已修好" if i % 7 else "=1+1",
                        "contact_phone": "13800138000",
                    }
                    for i in range(start, min(start + 5000, rows))
                ]
            ).execute()


# -- 1. import -------------------------------------------------------------------------------


def import_benchmark(rows: int) -> dict:
    from core.api.cli import acting_as
    from core.api.resources import resource_for
    from core.api.spreadsheets import Table, run_import
    from core.db import db
    from tests.sample_plugins.noticeboard.models import Notice

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-api-import-"))
    app = make_app(tmp)
    with app.app_context(), db.connection_context():
        units = building_units()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["title", "unit", "body", "contact_phone"])
    for i in range(rows):
        writer.writerow([f"导入{i}", units[i % len(units)], "正文", "13800138000"])
    raw = text.getvalue()
    print(f"\nimporting {rows:,} rows ({len(raw) / 1e6:.1f} MB of CSV) ...", flush=True)

    def table():
        reader = csv.reader(io.StringIO(raw))
        return Table(next(reader), reader, rows)

    with app.app_context(), acting_as("admin", None):
        resource = resource_for("noticeboard", "notice")
        started = time.perf_counter()
        run_import(resource, table(), dry_run=True)
        dry = time.perf_counter() - started
        started = time.perf_counter()
        report = run_import(resource, table())
        full = time.perf_counter() - started
        assert report["created"] == rows

        reader = csv.reader(io.StringIO(raw))
        next(reader)
        started = time.perf_counter()
        with db.atomic():
            batch = []
            for title, unit, body, phone in reader:
                batch.append(
                    {"title": title, "unit": int(unit), "body": body, "contact_phone": phone}
                )
                if len(batch) == 5000:
                    Notice.insert_many(batch).execute()
                    batch = []
            if batch:
                Notice.insert_many(batch).execute()
        raw_seconds = time.perf_counter() - started
    print(f"{'figure':<56} {'ours':>12} {'baseline':>12} {'ratio':>8}")
    _row("dry run (validate every row) vs raw insert_many, s", dry, raw_seconds)
    _row("import (validate + write + audit) vs raw insert_many, s", full, raw_seconds)
    print(f"  import rate: {rows / full:,.0f} rows/s; raw: {rows / raw_seconds:,.0f} rows/s")
    return {"rows": rows, "dry_s": dry, "import_s": full, "raw_s": raw_seconds}


# -- 2. export -------------------------------------------------------------------------------


def _export_child(tmp: str, fmt: str, limit: int, kind: str, queue) -> None:
    """In a fresh process: export ``limit`` rows; report seconds and peak RSS (MiB)."""
    from core.api.cli import acting_as
    from core.api.resources import resource_for
    from core.api.spreadsheets import csv_chunks, export_headers, export_rows, write_xlsx

    app = make_app_existing(Path(tmp))
    sampler = RssSampler()
    before = sampler.start()
    started = time.perf_counter()
    with app.app_context(), acting_as("admin", None):
        from tests.sample_plugins.noticeboard.models import Notice

        res = resource_for("noticeboard", "notice")
        if kind == "ours":
            last = Notice.select(Notice.id).order_by(Notice.id).offset(limit - 1).limit(1).scalar()
            query = res.filtered({}, "export").where(Notice.id <= last)
            headers = export_headers(res)
            rows = export_rows(res, query)
            if fmt == "csv":
                size = sum(len(chunk) for chunk in csv_chunks(headers, rows))
            else:
                path = Path(tmp) / "out.xlsx"
                write_xlsx(headers, rows, str(path))
                size = path.stat().st_size
        else:  # raw peewee tuples + csv.writer into a sink
            sink = io.StringIO()
            writer = csv.writer(sink)
            size = 0
            query = Notice.select().order_by(Notice.id).limit(limit).tuples()
            for row in query.iterator():
                writer.writerow(row)
                if sink.tell() > 1 << 16:
                    size += sink.tell()
                    sink.seek(0)
                    sink.truncate()
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    queue.put({"seconds": seconds, "peak_mib": peak, "start_mib": before, "bytes": size})


class RssSampler:
    """The process's resident memory (/proc/self/statm), sampled every 50 ms: the highest
    value seen while the export ran (ru_maxrss would keep a start-up peak)."""

    def __init__(self):
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def now() -> float:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * resource.getpagesize() / (1024 * 1024)

    def _run(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.now())

    def start(self) -> float:
        self.peak = self.now()
        self._thread.start()
        return self.peak

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.peak, self.now())


def make_app_existing(tmp: Path):
    from bench._common import app_kwargs
    from core.app import create_app

    return create_app(**app_kwargs(tmp))


def _measure(tmp, fmt, limit, kind):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_export_child, args=(str(tmp), fmt, limit, kind, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def export_benchmark(rows: int, small: int = 10_000) -> dict:
    from core.db import db

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-api-export-"))
    app = make_app(tmp)
    print(f"\ngenerating {rows:,} notices for the export ...", flush=True)
    started = time.perf_counter()
    with app.app_context(), db.connection_context():
        fill(rows)
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    results = {}
    for fmt in ("csv", "xlsx"):
        for limit in (small, rows):
            results[(fmt, limit)] = _measure(tmp, fmt, limit, "ours")
            r = results[(fmt, limit)]
            print(
                f"  {fmt} {limit:>9,} rows: {r['seconds']:7.1f} s, peak RSS {r['peak_mib']:.0f} "
                f"MiB (at the start {r['start_mib']:.0f} MiB)",
                flush=True,
            )
    for limit in (small, rows):
        results[("raw", limit)] = _measure(tmp, "csv", limit, "raw")
    print(f"\nexport (peak RSS in MiB; seconds){'':<21} {'1M-ish':>12} {'10k':>12} {'ratio':>8}")
    for fmt in ("csv", "xlsx"):
        _row(
            f"{fmt}: peak memory, {rows:,} rows vs {small:,}",
            results[(fmt, rows)]["peak_mib"],
            results[(fmt, small)]["peak_mib"],
        )
    _row(
        f"raw csv: peak memory, {rows:,} rows vs {small:,}",
        results[("raw", rows)]["peak_mib"],
        results[("raw", small)]["peak_mib"],
    )
    print(f"{'':<56} {'ours':>12} {'raw':>12}")
    for fmt in ("csv", "xlsx"):
        _row(
            f"{fmt}: {rows:,} rows vs raw peewee + csv.writer, s",
            results[(fmt, rows)]["seconds"],
            results[("raw", rows)]["seconds"],
        )
    return {f"{k[0]}_{k[1]}": v for k, v in results.items()}


# -- 3. API throughput under gunicorn --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target: str, tmp: Path, workers: int, kind: str):
    port = _free_port()
    env = {
        **os.environ,
        "LINLI_INSTANCE_PATH": str(tmp),
        "LINLI_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "LINLI_SECRET_KEY": SECRET,
        "LINLI_API_RATE_LIMIT": str(10**9),
        "LINLI_BENCH_APP": kind,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        env=env,
        cwd=str(ROOT),
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    return process, port


def _load(url: str, headers: dict, seconds: float, threads: int, pages: int) -> dict:
    done = []
    errors = []
    stop = time.time() + seconds

    def worker(n):
        count = 0
        page = n
        while time.time() < stop:
            page = page % pages + 1
            request = urllib.request.Request(f"{url}&page={page}", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
                    count += 1
            except Exception as exc:  # noqa: BLE001 (counted, reported)
                errors.append(repr(exc))
        done.append(count)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"requests": sum(done), "per_second": sum(done) / seconds, "errors": len(errors)}


def throughput_benchmark(rows: int, workers: int, seconds: float, threads: int) -> dict:
    from core.api.tokens import create_token
    from core.db import db
    from core.models import User

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-api-list-"))
    app = make_app(tmp)
    with app.app_context(), db.connection_context():
        fill(rows)
        db.execute_sql("ANALYZE")  # as after any bulk load (docs/operations.md)
        _row_, token = create_token(
            Context.trusted(), User.get(User.username == "admin"), "bench", False, 1
        )
    per_page = 50
    pages = min(rows // per_page, 200)
    results = {}
    for kind, target, path, headers in (
        (
            "linli",
            "bench._api_app:app",
            "/api/v1/noticeboard/notice",
            {"Authorization": f"Bearer {token}"},
        ),
        ("baseline", "bench._api_app:baseline", "/", {}),
    ):
        process, port = _serve(target, tmp, workers, kind)
        try:
            url = f"http://127.0.0.1:{port}{path}?per_page={per_page}"
            probe = urllib.request.Request(f"{url}&page=1", headers=headers)
            with urllib.request.urlopen(probe, timeout=30) as response:
                items = json.loads(response.read())["items"]
                assert len(items) == per_page, items
            _load(url, headers, 2, threads, pages)  # warm-up
            results[kind] = _load(url, headers, seconds, threads, pages)
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(
        f"\nAPI list, {per_page} rows a page of {rows:,}, gunicorn -w {workers}, "
        f"{threads} client threads, {seconds:.0f} s each (requests/s)"
    )
    print(f"{'figure':<56} {'linli':>12} {'raw':>12} {'ratio':>8}")
    _row(
        "GET list page: /api/v1 vs raw peewee + json.dumps",
        results["linli"]["per_second"],
        results["baseline"]["per_second"],
    )
    print(f"  errors: linli {results['linli']['errors']}, raw {results['baseline']['errors']}")
    return results


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench api")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--export-rows", type=int, default=1_000_000)
    parser.add_argument("--list-rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--only", choices=["import", "export", "list"], default=None)
    args = parser.parse_args(argv)
    results = {}
    if args.only in (None, "import"):
        results["import"] = import_benchmark(args.import_rows)
    if args.only in (None, "export"):
        results["export"] = export_benchmark(args.export_rows)
    if args.only in (None, "list"):
        results["list"] = throughput_benchmark(
            args.list_rows, args.workers, args.seconds, args.threads
        )
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "api.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\nraw figures: {out / 'api.json'}")
