"""Application factory (应用工厂).

``create_app`` loads the configuration, opens the database, loads the plugins, works out
which are active (not blocked, migrations applied), and registers at start-up everything the
active plugins contribute: admin views, blueprints, commands and translations. What a district
sees is then decided per request from the ``core_plugin_district`` switches.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from flask import Flask, abort, g, redirect, request, url_for
from flask.json.provider import DefaultJSONProvider
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user

from core import config as config_module
from core import territory
from core.db import db, open_database
from core.extensions import csrf, login_manager
from core.i18n import Label, babel, select_locale
from core.i18n import lazy_gettext as _l
from core.kernel import CORE_ID, Kernel, PluginError
from core.migrations import Migrations
from core.registry import KernelState, kernel_state  # noqa: F401  (kernel_state: re-exported)
from core.request_context import district_from_request as _district_from_request  # noqa: F401
from core.request_context import load_request_context as _load_request_context
from core.settings import Registry

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"

__all__ = ["create_app", "csrf", "kernel_state", "login_manager"]


def create_app(
    overrides: dict | None = None,
    instance_path: str | os.PathLike | None = None,
    plugins: Iterable[ModuleType] = (),
    use_entry_points: bool = True,
    environ=None,
) -> Flask:
    """Build the application. Raises ``ConfigError`` or ``PluginError`` with one clear line."""
    collecting = gc.isenabled()
    gc.disable()  # one full collection during start-up costs ~15 ms and frees nothing
    try:
        app = _build(overrides, instance_path, plugins, use_entry_points, environ)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()  # start-up objects live as long as the process (and are shared after fork)
    return app


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but a body nested too deeply for Python's parser (RecursionError) is a
    bad request like any other malformed JSON (400), never a server error."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _build(overrides, instance_path, plugins, use_entry_points, environ) -> Flask:
    instance = Path(
        instance_path or os.environ.get("LINLI_INSTANCE_PATH") or DEFAULT_INSTANCE
    ).resolve()
    cfg = config_module.load(instance, overrides, environ)
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask("core", instance_path=str(instance), root_path=str(ROOT / "core"))
    app.json = BoundedJSONProvider(app)
    app.config.update(
        LINLI=cfg,
        SECRET_KEY=cfg["SECRET_KEY"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cfg["SECURE_COOKIES"],
        REMEMBER_COOKIE_SECURE=cfg["SECURE_COOKIES"],
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=cfg["SESSION_MINUTES"]),
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        BABEL_DEFAULT_TIMEZONE=cfg["TIMEZONE"],
        FLASK_ADMIN_FLUID_LAYOUT=True,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
    )

    if cfg["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = cfg["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    database = open_database(cfg["DATABASE_URL"])
    kernel = Kernel(cfg["BLOCKED_PLUGINS"], extra=plugins, use_entry_points=use_entry_points)

    folders = [(pid, Path(path)) for pid, path in kernel.collect("linli_migrations")]
    migrations = Migrations(database, folders)
    settings = Registry()
    state = KernelState(kernel, migrations, settings)
    app.extensions["linli"] = state

    with database.connection_context():
        pending = migrations.pending()
    for info in kernel.ordered(("pending",)):
        if info.id not in pending:
            info.state = "active"
    state.core_pending = pending.get(CORE_ID, [])

    for _pid, levels in kernel.collect("linli_territory_levels"):
        territory.register_levels(levels)
    for pid, declared in kernel.collect("linli_settings"):
        for setting in declared:
            settings.add(pid, setting)
    for pid, models in kernel.collect("linli_models"):
        state.models[pid] = list(models)
    from core.commands import register_rules

    for pid, classes in kernel.collect("linli_rules", states=("active",)):
        for cls in classes:
            if cls.model not in state.models.get(pid, ()):
                raise PluginError(
                    f"plugin {pid!r}: {cls.__name__} gives rules for "
                    f"{getattr(cls.model, '__name__', cls.model)!r}, not one of its own models"
                )
        register_rules(classes)
    from core.access import STANDARD_ACTIONS

    state.actions = {info.id: list(STANDARD_ACTIONS) for info in kernel.ordered(("active",))}
    state.actions["core"] += ["configure", "manage_users", "manage_roles", "audit"]
    from core.access import resource_of

    for pid, models in state.models.items():
        state.resources[pid] = sorted({resource_of(pid, m) for m in models} - {pid})
    for pid, declared in kernel.collect("linli_permissions"):
        state.actions.setdefault(pid, list(STANDARD_ACTIONS)).extend(a.code for a in declared)

    translation_dirs = [str(ROOT / "core" / "translations")]
    for _pid, path in kernel.collect("linli_translations"):
        translation_dirs.append(str(path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs)
    babel.init_app(app, locale_selector=select_locale)

    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to access this page.")
    login_manager.localize_callback = str

    from core import auth, security

    app.register_blueprint(auth.bp)
    security.init_app(app)

    admin = Admin(
        app,
        name="邻里 Linli",
        translations_path=str(ROOT / "core" / "translations"),  # admin.po: Flask-Admin's gaps
        theme=Bootstrap4Theme(base_template="admin/linli_master.html", fluid=True),
        index_view=_dashboard(),
        csp_nonce_generator=security.csp_nonce,
    )
    from core.admin import AdminContext

    for info in kernel.ordered(("active",)):
        impl = _impl(kernel, "linli_admin_views", info.id)
        if impl is None:
            continue
        category = Label(info.manifest.label_zh, info.manifest.label_en)
        views = impl(admin=AdminContext(info.id, category)) or []
        info.contributions.setdefault("linli_admin_views", []).append(views)
        for view in views:
            if getattr(view, "plugin_id", None) != info.id:
                raise PluginError(
                    f"plugin {info.id!r}: admin view {type(view).__name__} must be created "
                    f"with plugin_id={info.id!r}"
                )
            if hasattr(view, "page_size") and view.page_size is None:
                view.page_size = cfg["PAGE_SIZE"]  # LINLI_PAGE_SIZE unless the view sets one
            if hasattr(view, "count_cap") and view.count_cap is None:
                view.count_cap = cfg["LIST_COUNT_CAP"]
            admin.add_view(view)

    for info in kernel.ordered(("active",)):
        impl = _impl(kernel, "linli_blueprints", info.id)
        for bp in (impl() if impl else None) or []:
            app.register_blueprint(bp)
            state.blueprint_plugins[bp.name] = info.id
            declared = getattr(bp, "portal_resource", None)  # a portal page (core.portal)
            if declared and declared not in state.resources.setdefault(info.id, []):
                state.resources[info.id] = sorted([*state.resources[info.id], declared])
            info.contributions.setdefault("linli_blueprints", []).append(bp.name)

    for _pid, commands in kernel.collect("linli_commands"):
        for command in commands:
            app.cli.add_command(command)

    @app.before_request
    def _before():
        db.connect(reuse_if_open=True)
        if request.path.startswith("/api/"):
            from core.api.auth import bearer_login

            refused = bearer_login()
            if refused is not None:
                return refused
        _load_request_context()
        enrol_first = auth.second_factor_gate()
        if enrol_first is not None:
            return enrol_first
        for name in request.blueprints:
            owner = state.blueprint_plugins.get(name)
            if owner is not None and owner != CORE_ID and owner not in g.enabled_plugins:
                if request.path.startswith("/portal/") and not current_user.is_authenticated:
                    # whose district it is shows only once logged in: log in, then come back
                    target = request.full_path.rstrip("?")
                    return redirect(url_for("auth.login", next=target))
                abort(404)  # a module disabled in this district has no pages here

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()

    @app.context_processor
    def _inject():
        return {
            "linli_district": g.get("district"),
            "linli_districts": g.get("districts", []),
            "linli_locale": str(select_locale()),
        }

    return app


def _impl(kernel: Kernel, hook_name: str, plugin_id: str):
    for impl in getattr(kernel.pm.hook, hook_name).get_hookimpls():
        if impl.plugin_name == plugin_id:
            return impl.function
    return None


def _dashboard():
    from core.admin import DashboardView

    return DashboardView(name=_l("Dashboard"), url="/admin")
