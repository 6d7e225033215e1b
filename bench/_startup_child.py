"""Child process of the start-up benchmark (``bench/startup.py`` runs it; do not run it by hand).

    python -m bench._startup_child MODE SIDE INSTANCE_DIR [RUNS] [--gc-off]

MODE is ``cold`` (import, build once, report), ``warm`` (import, then build RUNS + 1 times in
this process and report all but the first), ``phases`` (like ``cold`` but with wall-clock
timers wrapped around the steps of the build), ``profile`` (cProfile of one build, on
stderr), ``noop`` (nothing: the floor of both sides) or ``migrate`` (apply every migration
once; SIDE is then ``linli``). SIDE is ``linli`` or ``baseline``. ``--gc-off`` disables the
garbage collector before the first import.

Only ``sys``, ``time`` and ``gc`` are imported before the clock starts, so that each side pays
for exactly the imports it needs. The child writes ``READY`` on stdout as soon as the
application is built (the parent stops its clock when it reads that line), then
``RESULT {json}`` with its own measurements. Garbage-collector pauses are clocked with
``gc.callbacks`` from the start.
"""

import gc
import sys
import time

T0 = time.perf_counter()
GC = {"ms": 0.0, "collections": [0, 0, 0], "_start": 0.0}


def _gc_clock(phase, info):
    if phase == "start":
        GC["_start"] = time.perf_counter()
    else:
        GC["ms"] += (time.perf_counter() - GC["_start"]) * 1000
        GC["collections"][info["generation"]] += 1


gc.callbacks.append(_gc_clock)
if "--gc-off" in sys.argv:  # what switching the collector off during start-up would give
    sys.argv.remove("--gc-off")
    gc.disable()

SECRET = "bench-secret-key-0123456789"


# -- Linli: the application with its plugins ---------------------------------------------------


def import_linli():
    from core.app import create_app
    from tests.sample_plugins import noticeboard, noticeboard_extra

    return create_app, [noticeboard, noticeboard_extra]


def build_linli(imported, instance):
    create_app, plugins = imported
    return create_app(
        overrides={"DATABASE_URL": db_url(instance), "SECRET_KEY": SECRET},
        instance_path=instance,
        plugins=plugins,
        use_entry_points=True,  # as in production: discover ``linli.plugins`` entry points
        environ={},  # ignore LINLI_* variables of the shell that runs the benchmark
    )


def check_linli(app):
    state = app.extensions["linli"]
    inactive = [i.id for i in state.kernel.plugins.values() if i.state != "active"]
    if inactive:
        raise SystemExit(f"plugins not active (database not migrated?): {inactive}")
    return {"plugins": sorted(state.kernel.plugins)}


# -- baseline: bare Flask + Flask-Admin with the same models -----------------------------------


def import_baseline():
    import importlib.util

    import flask_admin.contrib.peewee
    from flask import Flask
    from flask_admin import Admin
    from flask_babel import Babel
    from playhouse.db_url import connect

    from core.db import SQLITE_PRAGMAS, db
    from core.models import CORE_MODELS

    # The plugin's models module, loaded by path: importing it as
    # ``tests.sample_plugins.noticeboard.models`` would run the plugin package's __init__
    # (pluggy hooks, click command, blueprint), which a bare Flask-Admin app would not have.
    path = "tests/sample_plugins/noticeboard/models.py"
    spec = importlib.util.spec_from_file_location("bench_noticeboard_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    models = [*CORE_MODELS, module.Notice, module.Attachment]
    return {
        "Flask": Flask,
        "Admin": Admin,
        "Babel": Babel,
        "ModelView": flask_admin.contrib.peewee.ModelView,
        "connect": connect,
        "pragmas": SQLITE_PRAGMAS,
        "db": db,
        "models": models,
    }


def open_baseline_database(imported, instance):
    database = imported["connect"](db_url(instance), pragmas=imported["pragmas"])
    imported["db"].initialize(database)
    return database


def build_baseline(imported, instance):
    app = imported["Flask"]("baseline")
    app.config.update(SECRET_KEY=SECRET, BABEL_DEFAULT_LOCALE="zh_Hans_CN")
    open_baseline_database(imported, instance)
    imported["Babel"](app)
    admin = imported["Admin"](app, name="baseline")
    for model in imported["models"]:
        admin.add_view(imported["ModelView"](model))
    return app


def check_baseline(app):
    return {"models": [v.model.__name__ for v in app.extensions["admin"][0]._views[1:]]}


# -- shared ------------------------------------------------------------------------------------


def db_url(instance):
    return f"sqlite:///{instance}/linli.sqlite3"


SIDES = {
    "linli": (import_linli, build_linli, check_linli),
    "baseline": (import_baseline, build_baseline, check_baseline),
}


def describe(app):
    admin = app.extensions["admin"][0]
    return {
        "url_rules": len(list(app.url_map.iter_rules())),
        "admin_views": len(admin._views),
        "admin_model_views": sum(1 for v in admin._views if hasattr(v, "model")),
        "blueprints": len(app.blueprints),
        "core_from": sys.modules["core.db"].__file__,
    }


def ready():
    """Tell the parent, before anything else is done, that the application is built."""
    sys.stdout.write("READY\n")
    sys.stdout.flush()


def result(payload):
    import json

    sys.stdout.write("RESULT " + json.dumps(payload) + "\n")
    sys.stdout.flush()


def cold(side, instance):
    do_import, build, check = SIDES[side]
    imported = do_import()
    t1 = time.perf_counter()
    app = build(imported, instance)
    t2 = time.perf_counter()
    ready()
    result(
        {
            "imports_ms": (t1 - T0) * 1000,
            "build_ms": (t2 - t1) * 1000,
            "gc_ms": GC["ms"],
            "gc_collections": GC["collections"],
            **check(app),
            **describe(app),
        }
    )


def warm(side, instance, runs):
    import traceback

    do_import, build, _check = SIDES[side]
    imported = do_import()
    build(imported, instance)  # the first build also runs the lazy imports: not "warm"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            build(imported, instance)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [f for f in frames if "/core/" in f.filename or "/tests/" in f.filename]
            where = ours[-1] if ours else frames[-1]
            ready()
            result(
                {
                    "skipped": f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
                    "where": f"{where.filename}:{where.lineno} ({where.line})",
                    "completed_builds": len(times) + 1,
                }
            )
            return
        times.append((time.perf_counter() - start) * 1000)
    ready()
    result({"times_ms": times})


# -- phase timers ------------------------------------------------------------------------------


class Phases:
    """Exclusive wall-clock time per label: a wrapped call nested in another wrapped call is
    subtracted from its parent, so the labels add up to the whole build. Garbage-collector
    pauses are taken out of every label and reported as one label of their own, since they
    fall wherever an allocation happens to cross the collector's threshold."""

    GC_LABEL = "garbage-collector pauses"

    def __init__(self):
        import functools

        self.totals = {}
        self.stack = []
        self._wraps = functools.wraps

    def add(self, label, ms):
        self.totals[label] = self.totals.get(label, 0.0) + ms

    def wrap(self, label, fn):
        """``label`` is a string, or a function of the call's arguments returning one."""

        @self._wraps(fn)
        def wrapper(*args, **kwargs):
            name = label(*args, **kwargs) if callable(label) else label
            start, gc_start = time.perf_counter(), GC["ms"]
            self.stack.append([0.0, 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = (time.perf_counter() - start) * 1000
                gc_ms = GC["ms"] - gc_start
                nested, nested_gc = self.stack.pop()
                self.add(name, (elapsed - nested) - (gc_ms - nested_gc))
                self.add(self.GC_LABEL, gc_ms - nested_gc)
                if self.stack:
                    self.stack[-1][0] += elapsed
                    self.stack[-1][1] += gc_ms

        return wrapper

    def patch(self, owner, name, label):
        setattr(owner, name, self.wrap(label, getattr(owner, name)))


def _lazy(name, *_args):
    top = name.split(".")[0]
    return f"lazy imports: {top}" + ("" if top in ("core", "tests") else " (dependency)")


def instrument(side, phases):
    """Wrap the steps of the build. Everything is patched in this child process only."""
    import importlib._bootstrap

    import flask
    import flask_admin.base
    import flask_admin.model.base
    import flask_babel

    patch = phases.patch
    # CPython's import statement calls importlib._bootstrap._find_and_load for every module
    # not yet in sys.modules (as -X importtime sees them): one label per top-level package.
    patch(importlib._bootstrap, "_find_and_load", _lazy)
    patch(flask.Flask, "__init__", "Flask() and app.config")
    patch(flask_babel.Babel, "init_app", "Flask-Babel init_app")
    patch(flask_admin.base.Admin, "__init__", "Admin() and index view")
    patch(flask_admin.base.Admin, "add_view", "Admin.add_view (menu)")
    patch(flask_admin.base.BaseView, "__init__", "view objects: base")
    patch(
        flask_admin.model.base.BaseModelView,
        "__init__",
        "view objects: model views (form/list scaffolding)",
    )
    patch(flask.Flask, "register_blueprint", "register blueprints (URL rules)")
    if side == "baseline":
        module = sys.modules[__name__]
        patch(module, "open_baseline_database", "open database (peewee, proxy)")
        return
    import flask_login
    import flask_wtf.csrf

    import core.app
    import core.config
    import core.kernel
    import core.migrations
    import core.security

    patch(core.config, "load", "linli: config load (linli.toml, LINLI_*)")
    patch(core.app, "open_database", "open database (peewee, proxy)")
    patch(core.kernel, "discover", "linli: entry-point discovery (importlib.metadata)")
    patch(core.kernel.Kernel, "__init__", "linli: kernel (pluggy register, validate)")
    patch(core.kernel.Kernel, "collect", "linli: registration hooks (Kernel.collect)")
    patch(core.migrations.Migrations, "pending", "linli: migration status check (DB)")
    patch(flask_wtf.csrf.CSRFProtect, "init_app", "linli: CSRF + login manager init")
    patch(flask_login.LoginManager, "init_app", "linli: CSRF + login manager init")
    patch(core.security, "init_app", "linli: security headers, error pages")


def phase_run(side, instance):
    do_import, build, check = SIDES[side]
    imported = do_import()
    t1 = time.perf_counter()
    imports_gc_ms = GC["ms"]
    phases = Phases()
    instrument(side, phases)
    t2 = time.perf_counter()
    app = phases.wrap("other (rest of the build function)", build)(imported, instance)
    t3 = time.perf_counter()
    ready()
    check(app)
    result(
        {
            "imports_ms": (t1 - T0) * 1000,
            "imports_gc_ms": imports_gc_ms,
            "build_ms": (t3 - t2) * 1000,
            "phases_ms": phases.totals,
        }
    )


def profile_run(side, instance):
    import cProfile
    import io
    import pstats

    do_import, build, _check = SIDES[side]
    imported = do_import()
    profiler = cProfile.Profile()
    profiler.enable()
    build(imported, instance)
    profiler.disable()
    ready()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    sys.stderr.write(out.getvalue())
    result({})


def migrate(instance):
    from core.db import db

    create_app, plugins = import_linli()
    app = build_linli((create_app, plugins), instance)
    with db.connection_context():
        done = app.extensions["linli"].migrations.upgrade()
    ready()
    result({"applied": done})


def main(argv):
    mode, side, instance = argv[:3]
    runs = int(argv[3]) if len(argv) > 3 else 15
    if mode == "noop":  # interpreter start and this module only: the floor of both sides
        ready()
        result({})
    elif mode == "migrate":
        migrate(instance)
    elif mode == "cold":
        cold(side, instance)
    elif mode == "warm":
        warm(side, instance, runs)
    elif mode == "phases":
        phase_run(side, instance)
    elif mode == "profile":
        profile_run(side, instance)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
