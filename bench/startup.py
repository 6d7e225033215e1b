"""Start-up benchmark: Linli with its plugins against a bare Flask-Admin app, same models.

    python -m bench startup [--runs 15] [--phase-runs 3] [--no-uncached] [--profile]

What is compared (see docs/performance.md, "Start-up"):

* **Linli**: ``core.app.create_app`` with the core plus every plugin of the ``linli.plugins``
  entry points (none are installed yet: the four built-in plugins do not exist) plus, standing
  in for them, the two sample plugins ``tests.sample_plugins.noticeboard`` and
  ``noticeboard_extra``. Entry-point discovery is on, as in production.
* **Baseline**: a bare ``Flask`` app with ``flask_babel.Babel`` and ``flask_admin.Admin``, and a
  stock ``flask_admin.contrib.peewee.ModelView`` for every one of the same models
  (``core.models.CORE_MODELS`` + ``Notice`` + ``Attachment``), bound through ``core.db.db`` to
  the same SQLite file with the same pragmas.

Both start against one SQLite database in a temporary instance, migrated once before any
measurement, and both run from a copy of the code taken at the start, so that edits made
meanwhile cannot mix two versions of it into one set of figures.

Every cold figure is a fresh interpreter (imports included), timed by this process from spawn
until the child says the application is built; runs alternate Linli/baseline and
baseline/Linli so that drift on the machine hits both sides alike. Figures are printed as
ratios against the baseline measured in the same run; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = "bench._startup_child"
TARGET = 1.5
SIDES = ("linli", "baseline")
PLUGIN_LOAD = (
    "core + linli.plugins entry points (none installed yet) + sample plugins "
    "noticeboard, noticeboard_extra (stand-ins for the built-in plugins)"
)


# -- running children ----------------------------------------------------------------------


class ChildFailed(RuntimeError):
    """A benchmark child process exited with an error."""


def child_env(code: Path, bytecode_cache: Path | None) -> dict:
    """Environment of a child. With ``bytecode_cache`` every module's .pyc is read from (and
    written to) that private tree, as in a deployment where the code is byte-compiled; without
    it the project's own source is compiled on every start (PYTHONDONTWRITEBYTECODE=1, as in
    this development environment) while installed packages use their shipped .pyc."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.pop("PYTHONPYCACHEPREFIX", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["PYTHONPATH"] = str(code)  # children run in, and import from, the code snapshot
    if bytecode_cache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(bytecode_cache)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_child(args: list[str], env: dict, python_flags: tuple[str, ...] = ()) -> tuple:
    """Run one child; return (ms from spawn to READY, RESULT payload, stderr)."""
    cmd = [sys.executable, *python_flags, "-m", CHILD, *args]
    start = time.perf_counter()
    # Unbuffered binary pipes: readline() on the raw pipe reads byte by byte, so nothing after
    # the READY line is swallowed by a buffer that communicate() would not see.
    proc = subprocess.Popen(
        cmd,
        cwd=env["PYTHONPATH"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    elapsed = None
    first = b""
    if not python_flags:  # stderr stays small, so reading stdout first cannot block the child
        first = proc.stdout.readline()
        elapsed = (time.perf_counter() - start) * 1000
    out, err = proc.communicate()
    out, err = (first + out).decode(), err.decode(errors="replace")
    if proc.returncode != 0:
        raise ChildFailed(f"{' '.join(args)} exited {proc.returncode}: {err.strip()[-2000:]}")
    if not python_flags and first.strip() != b"READY":
        raise ChildFailed(f"{' '.join(args)}: no READY line: {out}{err}".strip())
    payload = None
    for text in out.splitlines():
        if text.startswith("RESULT "):
            payload = json.loads(text[len("RESULT ") :])
    if payload is None:
        raise ChildFailed(f"{' '.join(args)}: no RESULT line: {out}{err}".strip())
    return elapsed, payload, err


def interleaved(n: int, make_args, env: dict, label: str) -> dict[str, list]:
    """n cold runs per side, alternating the order of the pair (AB, BA, AB...)."""
    results = {side: [] for side in SIDES}
    for i in range(n):
        for side in SIDES if i % 2 == 0 else tuple(reversed(SIDES)):
            elapsed, payload, _ = run_child(make_args(side), env)
            results[side].append({"total_ms": elapsed, **payload})
        print(f"\r  {label}: {i + 1}/{n}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return results


# -- statistics ----------------------------------------------------------------------------


def median(values):
    return statistics.median(values)


def p90(values):
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def fmt_ms(value) -> str:
    return "-" if value is None else f"{value:8.1f}"


def fmt_ratio(a, b) -> str:
    if a is None or b is None or b == 0:
        return "    -"
    return f"{a / b:5.2f}x"


# -- import-time breakdown -----------------------------------------------------------------

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_self_times(stderr: str) -> dict[str, float]:
    """Self import time (ms) per top-level package, from ``python -X importtime``."""
    totals: dict[str, float] = {}
    for line in stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            top = match.group(4).split(".")[0]
            totals[top] = totals.get(top, 0.0) + int(match.group(1)) / 1000
    return totals


def project_module_times(stderr: str) -> dict[str, float]:
    """Self import time (ms) of each project module (core.*, tests.*)."""
    found = {}
    for line in stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match and match.group(4).split(".")[0] in ("core", "tests"):
            found[match.group(4)] = int(match.group(1)) / 1000
    return found


# -- the benchmark -------------------------------------------------------------------------


def machine() -> dict:
    def version(name):
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as v

        try:
            return v(name)
        except PackageNotFoundError:
            return "-"

    def git(*args):
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    dirty = git("status", "--porcelain", "--", "core", "tests", "migrations")
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": affinity,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": {
            n: version(n) for n in ("Flask", "Flask-Admin", "peewee", "flask-babel", "pluggy")
        },
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes_in_core_or_tests": bool(dirty),
    }


SNAPSHOT = ("core", "migrations", "plugins", "forms", "tests/__init__.py", "tests/sample_plugins")
CHILD_FILES = ("bench/__init__.py", "bench/_startup_child.py")


def code_fingerprint(root: Path = ROOT) -> str:
    """A hash of the code under test, to notice when it changes during a run."""
    import hashlib

    digest = hashlib.sha256()
    for name in SNAPSHOT:
        top = root / name
        for path in sorted(top.rglob("*.py")) if top.is_dir() else [top]:
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot(target: Path) -> Path:
    """Copy the code under test, so that edits made while the benchmark runs cannot mix two
    versions of it into one set of figures. Every child runs from this copy."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SNAPSHOT + CHILD_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        prog="python -m bench startup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=15, help="cold runs per side (default 15)")
    parser.add_argument("--warm-runs", type=int, default=15, help="in-process rebuilds")
    parser.add_argument("--phase-runs", type=int, default=3, help="instrumented runs per side")
    parser.add_argument(
        "--no-uncached", action="store_true", help="skip the runs without a bytecode cache"
    )
    parser.add_argument(
        "--no-gc-off", action="store_true", help="skip the runs with the collector switched off"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also print cProfile of one Linli build"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "startup.json")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-startup-"))
    try:
        report = run(args, tmp, info)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report["benchmark_seconds"] = round(time.perf_counter() - began, 1)
    if code_fingerprint() != info["code_fingerprint"]:
        report["code_changed_during_run"] = True
        print(
            f"\nnote: the code changed while the benchmark ran; the figures are those of the"
            f" snapshot taken at the start (code {info['code_fingerprint']})."
        )
    print(f"\n(benchmark took {report['benchmark_seconds']} s)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    shown = args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json
    print(f"raw figures: {shown}")
    return report


def run(args, tmp: Path, info: dict) -> dict:
    code = snapshot(tmp / "code")
    info["code_fingerprint"] = code_fingerprint(code)
    instance = tmp / "instance"
    instance.mkdir()
    cached = child_env(code, tmp / "pycache")
    uncached = child_env(code, None)
    n = args.runs

    print(f"preparing: migrating {instance / 'linli.sqlite3'} once", file=sys.stderr)
    _, migrated, _ = run_child(["migrate", "linli", str(instance)], cached)
    for side in SIDES:  # untimed: fills the bytecode cache and the OS file cache
        _, payload, _ = run_child(["cold", side, str(instance)], cached)
        run_child(["cold", side, str(instance)], uncached)
        if not Path(payload["core_from"]).is_relative_to(code):
            raise ChildFailed(f"{side} imported core from {payload['core_from']}, not {code}")

    floor = [run_child(["noop", "-", "-"], cached)[0] for _ in range(n)]
    cold = interleaved(n, lambda side: ["cold", side, str(instance)], cached, "cold")
    cold_nc = None
    if not args.no_uncached:
        cold_nc = interleaved(
            n, lambda side: ["cold", side, str(instance)], uncached, "cold, no bytecode cache"
        )
    cold_gc_off = None
    if not args.no_gc_off:
        cold_gc_off = interleaved(
            n, lambda side: ["cold", side, str(instance), "--gc-off"], cached, "cold, GC off"
        )
    warm = {
        side: run_child(["warm", side, str(instance), str(args.warm_runs)], cached)[1]
        for side in SIDES
    }
    phases = interleaved(
        args.phase_runs, lambda side: ["phases", side, str(instance)], cached, "phases"
    )
    imports = {side: [] for side in SIDES}
    for i in range(args.phase_runs):
        for side in SIDES if i % 2 == 0 else tuple(reversed(SIDES)):
            _, _, err = run_child(["cold", side, str(instance)], cached, ("-X", "importtime"))
            imports[side].append(err)
    profile = None
    if args.profile:
        profile = run_child(["profile", "linli", str(instance)], cached)[2]

    report = {
        "machine": info,
        "scale": {
            "plugin_load": PLUGIN_LOAD,
            "runs_per_side": n,
            "warm_runs": args.warm_runs,
            "migrations_applied_once": migrated.get("applied"),
            "linli": {
                k: cold["linli"][0].get(k)
                for k in ("plugins", "url_rules", "admin_views", "admin_model_views", "blueprints")
            },
            "baseline": {
                k: cold["baseline"][0].get(k)
                for k in ("models", "url_rules", "admin_views", "admin_model_views", "blueprints")
            },
        },
        "floor_ms": floor,
        "cold": cold,
        "cold_no_bytecode_cache": cold_nc,
        "cold_gc_off": cold_gc_off,
        "warm": warm,
        "phases": phases,
    }
    print_report(report, imports, profile)
    return report


# -- printing ------------------------------------------------------------------------------


def print_report(report: dict, imports: dict, profile: str | None) -> None:
    m, scale = report["machine"], report["scale"]
    cold, cold_nc, warm = report["cold"], report["cold_no_bytecode_cache"], report["warm"]
    cold_gc_off = report["cold_gc_off"]
    print()
    print("Start-up: Linli vs bare Flask-Admin (same models, same migrated SQLite database)")
    print(f"  Linli:    {scale['plugin_load']}")
    lin, base = scale["linli"], scale["baseline"]
    print(
        f"            {lin['admin_model_views']} model views + "
        f"{lin['admin_views'] - lin['admin_model_views']} other admin views, "
        f"{lin['blueprints']} blueprints, {lin['url_rules']} URL rules"
    )
    print(
        f"  baseline: Flask + Flask-Babel + Flask-Admin, stock peewee ModelView for "
        f"{len(base['models'])} models ({', '.join(base['models'])})"
    )
    print(
        f"            {base['admin_model_views']} model views + index, "
        f"{base['blueprints']} blueprints, {base['url_rules']} URL rules"
    )
    print(
        f"  machine:  {m['cpus']} cores ({m['cpus_usable']} usable), {m['implementation']} "
        f"{m['python']}, {m['platform']}"
    )
    print(
        "  versions: "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        + f"; commit {m['commit']}, code {m['code_fingerprint']}"
        + (
            " + uncommitted changes in core/tests"
            if m["uncommitted_changes_in_core_or_tests"]
            else ""
        )
    )
    print(
        f"  runs:     {scale['runs_per_side']} fresh processes per side, interleaved; "
        f"median and p90 in ms"
    )
    print()

    def col(runs, key):
        return [r[key] for r in runs]

    rows = []

    def add(label, a, b):
        rows.append((label, a, b))

    add(
        "cold start, median (spawn -> app built)",
        median(col(cold["linli"], "total_ms")),
        median(col(cold["baseline"], "total_ms")),
    )
    add(
        "cold start, p90",
        p90(col(cold["linli"], "total_ms")),
        p90(col(cold["baseline"], "total_ms")),
    )
    add(
        "  of which imports before the build, median",
        median(col(cold["linli"], "imports_ms")),
        median(col(cold["baseline"], "imports_ms")),
    )
    add(
        "  of which first build (create_app), median",
        median(col(cold["linli"], "build_ms")),
        median(col(cold["baseline"], "build_ms")),
    )
    add(
        "  of which GC pauses, median",
        median(col(cold["linli"], "gc_ms")),
        median(col(cold["baseline"], "gc_ms")),
    )
    if cold_nc:
        add(
            "cold, no bytecode cache, median",
            median(col(cold_nc["linli"], "total_ms")),
            median(col(cold_nc["baseline"], "total_ms")),
        )
        add(
            "cold, no bytecode cache, p90",
            p90(col(cold_nc["linli"], "total_ms")),
            p90(col(cold_nc["baseline"], "total_ms")),
        )
    if cold_gc_off:
        add(
            "cold, collector off during start-up, median",
            median(col(cold_gc_off["linli"], "total_ms")),
            median(col(cold_gc_off["baseline"], "total_ms")),
        )
    skipped = {s: warm[s].get("skipped") for s in SIDES}
    wl, wb = (warm[s].get("times_ms") for s in SIDES)
    add(
        "warm rebuild in one process, median",
        median(wl) if wl else None,
        median(wb) if wb else None,
    )
    add("warm rebuild in one process, p90", p90(wl) if wl else None, p90(wb) if wb else None)
    floor = median(report["floor_ms"])

    width = max(len(r[0]) for r in rows) + 2
    print(f"{'figure':<{width}}{'Linli ms':>10}{'baseline ms':>13}{'ratio':>8}")
    print("-" * (width + 31))
    for label, a, b in rows:
        print(f"{label:<{width}}{fmt_ms(a):>10}{fmt_ms(b):>13}{fmt_ratio(a, b):>8}")
    print("-" * (width + 31))
    print(
        f"(floor: interpreter start + benchmark runner alone, median {floor:.1f} ms, "
        f"included in both cold figures)"
    )
    for side in SIDES:
        if skipped[side]:
            print(f"warm figure skipped for {side}: {skipped[side]}")
            print(f"  at {warm[side]['where']}")
    ratio = median(col(cold["linli"], "total_ms")) / median(col(cold["baseline"], "total_ms"))
    verdict = "PASS" if ratio < TARGET else "FAIL"
    print(f"\ntarget < {TARGET}x (cold start, median, bytecode cached): {verdict} ({ratio:.2f}x)")
    if cold_nc:
        r2 = median(col(cold_nc["linli"], "total_ms")) / median(
            col(cold_nc["baseline"], "total_ms")
        )
        print(f"  without bytecode cache: {'PASS' if r2 < TARGET else 'FAIL'} ({r2:.2f}x)")
    report["ratio_cold_median"] = ratio
    report["verdict"] = verdict

    print_phases(report["phases"], floor)
    print_imports(imports)
    if profile:
        print("\ncProfile of one Linli build (create_app), top 40 by cumulative time:")
        print(profile)


def print_phases(phases: dict, floor: float) -> None:
    n = len(phases["linli"])
    print(
        f"\nWhere the time goes: wall clock per step, median of {n} instrumented cold runs "
        f"(exclusive: nested steps are subtracted; 'lazy imports: X' = modules of package X"
        f" first imported during the build)"
    )
    labels = []
    for side in SIDES:
        for run in phases[side]:
            for label in run["phases_ms"]:
                if label not in labels:
                    labels.append(label)

    def med(side, label):
        return median([r["phases_ms"].get(label, 0.0) for r in phases[side]])

    rows = [("interpreter start + runner (floor)", floor, floor)]
    rows.append(
        (
            "module imports before the build (without GC)",
            median([r["imports_ms"] - r["imports_gc_ms"] for r in phases["linli"]]),
            median([r["imports_ms"] - r["imports_gc_ms"] for r in phases["baseline"]]),
        )
    )
    rows.append(
        (
            "garbage-collector pauses during those imports",
            median([r["imports_gc_ms"] for r in phases["linli"]]),
            median([r["imports_gc_ms"] for r in phases["baseline"]]),
        )
    )
    build_rows = sorted(
        ((f"build: {lb}", med("linli", lb), med("baseline", lb)) for lb in labels),
        key=lambda r: -r[1],
    )
    small = [r for r in build_rows if max(r[1], r[2]) < 0.3]
    rows += [r for r in build_rows if max(r[1], r[2]) >= 0.3]
    rows.append(
        (
            f"build: {len(small)} other steps under 0.3 ms each",
            sum(r[1] for r in small),
            sum(r[2] for r in small),
        )
    )
    total_l = sum(r[1] for r in rows)
    total_b = sum(r[2] for r in rows)
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'step':<{width}}{'Linli ms':>10}{'share':>7}{'baseline ms':>13}{'diff ms':>9}")
    print("-" * (width + 39))
    for label, a, b in rows:
        print(f"{label:<{width}}{a:>10.1f}{a / total_l:>7.0%}{b:>13.1f}{a - b:>+9.1f}")
    print("-" * (width + 39))
    print(f"{'sum':<{width}}{total_l:>10.1f}{'':>7}{total_b:>13.1f}{total_l - total_b:>+9.1f}")


def print_imports(imports: dict) -> None:
    runs = len(imports["linli"])
    per_side = {side: [import_self_times(e) for e in imports[side]] for side in SIDES}
    packages = set()
    for side in SIDES:
        for totals in per_side[side]:
            packages |= set(totals)

    def med(side, pkg):
        return median([t.get(pkg, 0.0) for t in per_side[side]])

    totals = {s: median([sum(t.values()) for t in per_side[s]]) for s in SIDES}
    rows = sorted(
        ((p, med("linli", p), med("baseline", p)) for p in packages), key=lambda r: -(r[1] - r[2])
    )
    print(
        f"\nImports: self time per top-level package (python -X importtime, whole process "
        f"including lazy imports in the build; median of {runs} runs; importtime adds overhead)"
    )
    print(f"{'package':<24}{'Linli ms':>10}{'baseline ms':>13}{'diff ms':>9}")
    print("-" * 56)
    for pkg, a, b in rows[:14]:
        print(f"{pkg:<24}{a:>10.1f}{b:>13.1f}{a - b:>+9.1f}")
    rest_a = sum(r[1] for r in rows[14:])
    rest_b = sum(r[2] for r in rows[14:])
    print(f"{'(all other packages)':<24}{rest_a:>10.1f}{rest_b:>13.1f}{rest_a - rest_b:>+9.1f}")
    print("-" * 56)
    print(
        f"{'all imports':<24}{totals['linli']:>10.1f}{totals['baseline']:>13.1f}"
        f"{totals['linli'] - totals['baseline']:>+9.1f}"
    )

    modules = [project_module_times(e) for e in imports["linli"]]
    names = sorted({k for mods in modules for k in mods})
    ranked = sorted(
        ((k, median([m.get(k, 0.0) for m in modules])) for k in names), key=lambda r: -r[1]
    )
    print(
        "\nLinli's own modules, self import time (ms): "
        + ", ".join(f"{k} {v:.1f}" for k, v in ranked[:12])
    )


if __name__ == "__main__":
    main(sys.argv[1:])
