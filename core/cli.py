"""The ``linli`` command (命令行): a Flask CLI group.

Every refused command prints one line saying why, exits non-zero and changes nothing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, NoAppException, ScriptInfo, run_command, with_appcontext

from core.commands import Context
from core.config import ConfigError, write_initial
from core.kernel import CORE_ID, PluginError
from core.migrations import MigrationFailed


def _make_app():
    from core.app import create_app

    try:
        return create_app()
    except (ConfigError, PluginError, MigrationFailed) as exc:
        message = str(exc)
    except Exception as exc:  # e.g. the database cannot be reached
        message = f"cannot start: {exc}"
    if _listing_commands:
        # listing commands for --help: say what is wrong, still show the built-in commands
        raise NoAppException(message)
    click.echo(f"linli: {message}", err=True)
    sys.exit(2)


def _state():
    return current_app.extensions["linli"]


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


_listing_commands = False


class LinliGroup(FlaskGroup):
    """``linli --help`` lists the commands even when the configuration is broken."""

    def list_commands(self, ctx):
        global _listing_commands
        _listing_commands = True
        try:
            return super().list_commands(ctx)
        finally:
            _listing_commands = False


@click.group(
    cls=LinliGroup,
    create_app=_make_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
)
def main():
    """Linli (邻里) community governance platform."""


@main.command("init", with_appcontext=False)
def init_command():
    """Create instance/linli.toml with a new secret key (keeps an existing one)."""
    instance = Path(
        os.environ.get("LINLI_INSTANCE_PATH") or Path(__file__).resolve().parent.parent / "instance"
    )
    path = write_initial(instance)
    if path:
        click.echo(f"wrote {path}")
    else:
        click.echo(f"kept {instance / 'linli.toml'}")


@main.command("run", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def run(ctx, host, port):
    """Serve the application (development server)."""
    info = ctx.ensure_object(ScriptInfo)
    app = info.load_app()
    state = app.extensions["linli"]
    if state.core_pending:
        raise click.ClickException("the database is not migrated: run `linli db upgrade` first")
    ctx.invoke(run_command, host=host, port=port, reload=False, debugger=False)


# -- db ------------------------------------------------------------------------------------


@main.group("db")
def db_group():
    """Schema migrations per component (core first, then plugins)."""


def _check_component(plugin):
    if plugin is not None and plugin not in _state().migrations.components():
        kernel = _state().kernel
        if plugin in kernel.plugins and kernel.plugins[plugin].state == "blocked":
            raise click.ClickException(f"plugin {plugin!r} is blocked in configuration")
        raise click.ClickException(f"unknown plugin {plugin!r}")


@db_group.command("status")
@click.option("--plugin", default=None, help="Only this component")
@with_appcontext
def db_status(plugin):
    """Show applied and pending migrations."""
    from core.db import db

    _check_component(plugin)
    with db.connection_context():
        for status in _state().migrations.status(plugin):
            click.echo(
                f"{status.component}: at {status.version}, "
                f"{len(status.applied)} applied, {len(status.pending)} pending"
            )
            for name in status.pending:
                click.echo(f"  pending {name}")
            for name in status.missing_files:
                click.echo(f"  applied but file missing: {name}")


@db_group.command("upgrade")
@click.option("--plugin", default=None, help="Only this component")
@with_appcontext
def db_upgrade(plugin):
    """Apply pending migrations."""
    from core.db import db

    _check_component(plugin)
    state = _state()
    if plugin and plugin != CORE_ID:
        for req in [CORE_ID] + state.kernel.requirements(plugin):
            if req in state.migrations.components():
                with db.connection_context():
                    if state.migrations.status(req)[0].pending:
                        raise click.ClickException(
                            f"{plugin} requires {req}, which has pending migrations; "
                            f"upgrade {req} first"
                        )
    try:
        with db.connection_context():
            done = state.migrations.upgrade(plugin)
    except MigrationFailed as exc:
        raise _fail(exc) from exc
    if not done:
        click.echo("nothing to apply")
    for component, names in done.items():
        for name in names:
            click.echo(f"{component}: applied {name}")


@db_group.command("downgrade")
@click.option("--plugin", default=None, help="Component to revert (default: the last one)")
@click.option("--steps", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@with_appcontext
def db_downgrade(plugin, steps, yes):
    """Revert the latest migration(s) of one component (this can drop tables and data)."""
    from core.db import db

    _check_component(plugin)
    state = _state()
    with db.connection_context():
        applied = {s.component: s.applied for s in state.migrations.status()}
        if plugin is None:
            candidates = [c for c in reversed(state.migrations.components()) if applied[c]]
            if not candidates:
                raise click.ClickException("nothing to revert")
            plugin = candidates[0]
        dependents = (
            state.kernel.dependents(plugin)
            if plugin != CORE_ID
            else [c for c in state.migrations.components() if c != CORE_ID]
        )
        blocking = [d for d in dependents if applied.get(d)]
        if blocking:
            raise click.ClickException(
                f"cannot revert {plugin}: {', '.join(blocking)} still have applied migrations "
                f"and depend on it; revert them first"
            )
        if not yes and not click.confirm(
            f"Reverting {plugin} can drop tables and the data in them. Continue?"
        ):
            raise click.ClickException("cancelled; nothing was changed")
        try:
            reverted = state.migrations.downgrade(plugin, steps)
        except MigrationFailed as exc:
            raise _fail(exc) from exc
    if not reverted:
        raise click.ClickException(f"{plugin}: nothing to revert")
    for name in reverted:
        click.echo(f"{plugin}: reverted {name}")


@db_group.command("makemigration")
@click.option("--plugin", required=True, help="Component whose models changed")
@click.argument("name")
@with_appcontext
def db_makemigration(plugin, name):
    """Write the next migration of a component from the difference models vs. database."""
    from core.db import db
    from core.migrations import render, write_next

    _check_component(plugin)
    state = _state()
    folder = dict(state.migrations.folders)[plugin]
    with db.connection_context():
        pending = state.migrations.status(plugin)[0].pending
        if pending:
            raise click.ClickException(f"{plugin} has pending migrations; upgrade first")
        body = render(db.obj, state.models.get(plugin, []), name)
    if body is None:
        click.echo(f"{plugin}: models and database agree; nothing to write")
        return
    click.echo(f"wrote {write_next(folder, name, body)}")


# -- plugins -------------------------------------------------------------------------------


@main.group("plugins")
def plugins_group():
    """Installed plugins and where they are enabled."""


@plugins_group.command("new", with_appcontext=False)
@click.argument("plugin_id")
@click.option(
    "--dir",
    "parent",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create the package folder linli-<id>",
)
@click.option("--label-zh", default="", help="Chinese name, e.g. 停车许可")
@click.option("--label-en", default="", help="English name, e.g. Parking permits")
def plugins_new(plugin_id, parent, label_zh, label_en):
    """Create an installable plugin package: model, migration, admin view, schema, portal
    page, translations and tests (see docs/writing-plugins.md)."""
    from core.scaffold import ScaffoldError, create

    try:
        target = create(plugin_id, parent, label_zh, label_en)
    except ScaffoldError as exc:
        raise _fail(exc) from exc
    click.echo(f"created {target}")
    click.echo(
        f"next: pip install -e {target} && linli db upgrade && "
        f"linli plugins enable {plugin_id} --district <code>"
    )


@plugins_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
@with_appcontext
def plugins_list(as_json):
    """List plugins: id, version, state, requirements and the districts enabling them."""
    from core.db import db
    from core.models import PluginDistrict, TerritoryUnit

    state = _state()
    rows = []
    with db.connection_context():
        enabled = {}
        query = (
            PluginDistrict.select(PluginDistrict.plugin, TerritoryUnit.code)
            .join(TerritoryUnit)
            .where(PluginDistrict.enabled)
            .order_by(TerritoryUnit.code)
            .tuples()
        )
        for plugin, code in query:
            enabled.setdefault(plugin, []).append(code)
    for info in state.kernel.plugins.values():
        if info.id == CORE_ID:
            continue
        rows.append(
            {
                "id": info.id,
                "label_zh": info.manifest.label_zh,
                "label_en": info.manifest.label_en,
                "version": info.manifest.version,
                "state": info.state,
                "requires": list(info.manifest.requires),
                "districts": enabled.get(info.id, []),
                "source": info.source,
                "contributes": _contributions(state, info),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no plugins installed")
    for row in rows:
        click.echo(
            f"{row['id']:<12} {row['version']:<8} {row['state']:<8} "
            f"requires: {', '.join(row['requires']) or '-':<20} "
            f"enabled in: {', '.join(row['districts']) or '-'}"
        )


def _contributions(state, info) -> dict:
    """What a plugin added to this instance, by kind."""
    found = {
        "tables": [m._meta.table_name for m in state.models.get(info.id, [])],
        "admin_views": [
            v.endpoint for views in info.contributions.get("linli_admin_views", []) for v in views
        ],
        "blueprints": list(info.contributions.get("linli_blueprints", [])),
        "settings": sorted(key for (pid, key) in state.settings.settings if pid == info.id),
        "actions": [a for a in state.actions.get(info.id, [])],
        "migrations": [c for c in state.migrations.components() if c == info.id],
    }
    return {kind: items for kind, items in found.items() if items}


@main.group("units")
def units_group():
    """The territory tree (辖区): districts, streets, communities, grids, compounds, buildings."""


@units_group.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--level", required=True, help="district, street, community, grid, compound, ...")
@click.option("--parent", "parent_code", default=None, help="Code of the parent unit")
@with_appcontext
def units_create(code, name, level, parent_code):
    """Create a territory unit (a new district needs no parent)."""
    from core import territory
    from core.db import db
    from core.events import Event, emit

    with db.connection_context():
        try:
            parent = territory.by_code(parent_code) if parent_code else None
            with db.atomic():
                unit = territory.create_unit(code, name, level, parent)
                emit(
                    Event(
                        "created",
                        record=unit,
                        district_id=unit.district_id,
                        changes={"code": [None, code], "name": [None, name]},
                    )
                )
        except territory.TerritoryError as exc:
            raise _fail(exc) from exc
    click.echo(f"created {level} {unit.name} ({unit.code})")


def _switch(plugin_id, district_code, enable):
    from core import services, territory
    from core.db import db

    with db.connection_context():
        try:
            district = territory.district_by_code(district_code)
            if enable:
                switched = services.enable_plugin(
                    Context.trusted(source="cli"), plugin_id, district
                )
                click.echo(
                    f"enabled in {district.code}: {', '.join(switched)}"
                    if switched
                    else f"{plugin_id} was already enabled in {district.code}"
                )
            else:
                changed = services.disable_plugin(
                    Context.trusted(source="cli"), plugin_id, district
                )
                click.echo(
                    f"disabled {plugin_id} in {district.code} (its data is kept)"
                    if changed
                    else f"{plugin_id} was not enabled in {district.code}"
                )
        except (services.ServiceError, territory.TerritoryError) as exc:
            raise _fail(exc) from exc


@plugins_group.command("enable")
@click.argument("plugin_id")
@click.option("--district", "district_code", required=True, help="District code")
@with_appcontext
def plugins_enable(plugin_id, district_code):
    """Enable a plugin (and what it requires) in a district."""
    _switch(plugin_id, district_code, True)


@plugins_group.command("disable")
@click.argument("plugin_id")
@click.option("--district", "district_code", required=True, help="District code")
@with_appcontext
def plugins_disable(plugin_id, district_code):
    """Disable a plugin in a district; refused while an enabled plugin requires it."""
    _switch(plugin_id, district_code, False)


# -- users ---------------------------------------------------------------------------------


@main.group("users")
def users_group():
    """User accounts."""


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", "role_code", required=True, help="Role code, e.g. community_staff")
@click.option("--unit", "unit_code", required=True, help="Territory unit code")
@click.option(
    "--scope",
    type=click.Choice(["all", "subtree", "unit", "own"]),
    default="subtree",
    show_default=True,
)
@click.option("--name", "display_name", default="")
@with_appcontext
def users_create(username, password, role_code, unit_code, scope, display_name):
    """Create a user holding one role at one territory unit with a data scope."""
    from core import services, territory
    from core.db import db

    with db.connection_context():
        try:
            services.ensure_builtin_roles()
            unit = territory.by_code(unit_code)
            user = services.create_user(
                Context.trusted(source="cli"),
                username,
                password,
                role_code,
                unit,
                scope,
                display_name,
            )
        except (services.ServiceError, territory.TerritoryError) as exc:
            raise _fail(exc) from exc
    click.echo(f"created user {user.username} ({role_code} at {unit.code}, scope {scope})")


@users_group.command("reset-password")
@click.argument("username")
@with_appcontext
def users_reset_password(username):
    """Issue a one-time reset code for USERNAME (valid RESET_CODE_MINUTES, shown once); the
    person sets a new password with it at /auth/reset, and all their sessions end."""
    from core import services
    from core.db import db
    from core.models import User

    with db.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise _fail(services.ServiceError(f"unknown user: {username}"))
        try:
            code, expires = services.issue_reset_code(Context.trusted(source="cli"), user)
        except services.ServiceError as exc:
            raise _fail(exc) from exc
    click.echo(f"reset code for {user.username}: {code} (valid until {expires:%Y-%m-%d %H:%M} UTC)")


@users_group.command("reset-totp")
@click.argument("username")
@with_appcontext
def users_reset_totp(username):
    """Remove USERNAME's TOTP second factor (a lost phone): they log in with the password and
    may enrol again at /auth/totp (must, with TOTP_REQUIRED_FOR_ADMINS, if an administrator)."""
    from core import services, totp
    from core.db import db
    from core.models import User

    with db.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise _fail(services.ServiceError(f"unknown user: {username}"))
        try:
            totp.reset_totp(Context.trusted(source="cli"), user)
        except services.ServiceError as exc:
            raise _fail(exc) from exc
    click.echo(f"second factor of {user.username} reset")


@users_group.command("erase")
@click.argument("username")
@click.option("--reason", required=True, help="Why (the person's deletion request)")
@with_appcontext
def users_erase(username, reason):
    """Carry out a deletion request (个人信息保护法 art. 47) for USERNAME: every module
    pseudonymises the person's personal information, the account is disabled and renamed;
    ledger, ballots, history and the audit keep their rows. Audited with the reason."""
    from core import privacy, services
    from core.db import db
    from core.models import User

    with db.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise _fail(services.ServiceError(f"unknown user: {username}"))
        try:
            counts = privacy.erase_person(Context.trusted(source="cli"), user, reason)
        except services.ServiceError as exc:
            raise _fail(exc) from exc
    changed = ", ".join(f"{table} {n}" for table, n in sorted(counts.items()) if n)
    click.echo(f"erased {username}: now {user.display_name} ({user.username}); {changed}")


# -- demo, backup, restore -----------------------------------------------------------------


@main.group("audit")
def audit_group():
    """Audit and login logs (审计日志、登录日志)."""


@audit_group.command("prune")
@click.option("--before", "before", required=True, help="Date YYYY-MM-DD (China)")
@with_appcontext
def audit_prune(before):
    """Delete audit and login log rows from before DATE; refused for anything younger than
    AUDIT_RETENTION_DAYS (at least 180 days)."""
    import datetime as dt

    from core import services
    from core.db import db

    try:
        day = dt.date.fromisoformat(before)
    except ValueError:
        raise click.ClickException(f"--before: not a date YYYY-MM-DD: {before}") from None
    with db.connection_context():
        try:
            audit, logins = services.prune_logs(Context.trusted(source="cli"), day)
        except services.ServiceError as exc:
            raise _fail(exc) from exc
    click.echo(f"pruned {audit} audit rows and {logins} login rows from before {day}")


@main.command("demo")
@with_appcontext
def demo_command():
    """Load the demo territory, an administrator and every active plugin's demo data."""
    from core import demo, services
    from core.db import db

    with db.connection_context():
        try:
            report = demo.load() + demo.samples()
        except services.ServiceError as exc:
            raise _fail(exc) from exc
    for line in report:
        click.echo(line)


@main.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Archive to write (default: instance/backups/linli-<time>.tar.gz)",
)
@with_appcontext
def backup_command(output):
    """Write a consistent snapshot of the database and uploads to one archive."""
    from core import backup

    try:
        path = backup.create(output)
    except backup.BackupError as exc:
        raise _fail(exc) from exc
    click.echo(f"wrote {path}")


@main.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
@with_appcontext
def restore_command(archive, yes):
    """Replace the database and uploads with the contents of a backup archive."""
    from core import backup

    if not yes and not click.confirm("This replaces all current data. Continue?"):
        raise click.ClickException("cancelled; nothing was changed")
    try:
        backup.restore(archive)
    except backup.BackupError as exc:
        raise _fail(exc) from exc
    click.echo(f"restored {archive}")
