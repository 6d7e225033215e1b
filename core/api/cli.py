"""``linli tokens ...``, ``linli import`` and ``linli export``."""

from __future__ import annotations

import contextlib
import os

import click
from flask import current_app, g
from flask.cli import with_appcontext

from core.commands import Context
from core.db import db


@contextlib.contextmanager
def acting_as(username: str, district_code: str | None):
    """A request context in which ``username`` works in ``district_code`` (or their first
    district), with their permissions and data scope, as for an API request."""
    from core.models import User
    from core.registry import kernel_state
    from core.request_context import load_request_context

    with current_app.test_request_context("/api/v1/"), db.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None or not user.is_active:
            raise click.ClickException(f"unknown or inactive user: {username}")
        g._login_user = user
        load_request_context()
        if district_code:
            district = next((d for d in g.districts if d.code == district_code), None)
            if district is None:
                raise click.ClickException(f"{username} does not work in district {district_code}")
            g.district, g.district_id = district, district.id
            g.enabled_plugins = kernel_state().enabled_plugins(district.id)
        yield user


def _resource(target: str):
    from .resources import ApiError, resource_for, resources

    plugin, _sep, name = target.partition("/")
    if not name:  # a table name: noticeboard_notice
        match = [k for k, r in resources().items() if r.table == target]
        if not match:
            raise click.ClickException(f"no model with a schema is called {target}")
        plugin, name = match[0]
    try:
        return resource_for(plugin, name)
    except ApiError as exc:
        raise click.ClickException(f"{target}: {exc.message}") from None


@click.group("tokens")
def tokens_group():
    """Personal API tokens."""


@tokens_group.command("create")
@click.option("--user", "username", required=True)
@click.option("--write", is_flag=True, help="Read and write (default: read only)")
@click.option("--days", default=90, show_default=True, type=int, help="Days until it expires")
@click.option("--name", default="")
@with_appcontext
def tokens_create(username, write, days, name):
    """Create a token and print it (once: only its hash is kept)."""
    from core.models import User
    from core.services import ServiceError

    from .tokens import create_token

    with db.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise click.ClickException(f"unknown user: {username}")
        try:
            _row, token = create_token(Context.trusted(), user, name, write, days)
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(token)


@tokens_group.command("list")
@click.option("--user", "username", default=None)
@with_appcontext
def tokens_list(username):
    """Tokens (never the tokens themselves): id, user, start, access, expiry, state."""
    from core.models import User

    from .models import ApiToken

    with db.connection_context():
        query = ApiToken.select(ApiToken, User).join(User).order_by(ApiToken.id)
        if username:
            query = query.where(User.username == username)
        for t in query:
            state = "revoked" if t.revoked_at else "active"
            access = "read-write" if t.can_write else "read-only"
            expires = t.expires_at.date().isoformat() if t.expires_at else "never"
            click.echo(f"{t.id}\t{t.user.username}\t{t.prefix}…\t{access}\t{expires}\t{state}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def tokens_revoke(token_id):
    """Revoke the token with this id (see `linli tokens list`)."""
    from .models import ApiToken
    from .tokens import revoke_token

    with db.connection_context():
        row = ApiToken.get_or_none(ApiToken.id == token_id)
        if row is None:
            raise click.ClickException(f"no token {token_id}")
        revoke_token(Context.trusted(), row)
    click.echo(f"revoked token {token_id}")


@click.command("import")
@click.argument("model")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", required=True, help="Import as this user")
@click.option("--district", "district_code", default=None, help="District code")
@click.option("--dry-run", is_flag=True, help="Check every row, write nothing")
@click.option("--map", "maps", multiple=True, help="COLUMN=FIELD (FIELD empty: skip)")
@with_appcontext
def import_command(model, path, username, district_code, dry_run, maps):
    """Import a CSV or XLSX file into MODEL (plugin/name or table name): all rows or none."""
    from . import spreadsheets
    from .resources import ApiError

    mapping = dict(m.split("=", 1) for m in maps if "=" in m)
    with acting_as(username, district_code):
        resource = _resource(model)
        if not resource.can("import"):
            raise click.ClickException(f"{username} may not import into {model}")
        with open(path, "rb") as handle:
            table = spreadsheets.read_upload(path, handle)
        try:
            with click.progressbar(length=table.total or 0, label="rows") as bar:
                report = spreadsheets.run_import(
                    resource, table, mapping, dry_run=dry_run, progress=bar.update
                )
        except ApiError as exc:
            errors = exc.errors
            if isinstance(errors, dict):
                for key, messages in errors.items():
                    click.echo(f"{key}: {'; '.join(map(str, messages))}", err=True)
            else:
                for e in errors:
                    click.echo(f"row {e['row']}, {e['column']}: {e['message']}", err=True)
            raise click.ClickException(exc.message) from None
    verb = "checked" if dry_run else "imported"
    click.echo(f"{verb} {report['rows']} rows, created {report['created']}")


@click.command("export")
@click.argument("model")
@click.option("--user", "username", required=True, help="Export as this user")
@click.option("--district", "district_code", default=None)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option("--filter", "filters", multiple=True, help="FIELD=VALUE, as in the API list")
@with_appcontext
def export_command(model, username, district_code, output, filters):
    """Export MODEL to a CSV or XLSX file (by the output's extension), scoped as the user."""
    from werkzeug.datastructures import MultiDict

    from . import spreadsheets
    from .resources import ApiError

    args = MultiDict(f.split("=", 1) for f in filters if "=" in f)
    with acting_as(username, district_code):
        resource = _resource(model)
        if not resource.can("export"):
            raise click.ClickException(f"{username} may not export {model}")
        try:
            query = resource.filtered(args, "export")
        except ApiError as exc:
            raise click.ClickException(f"{exc.message} {exc.errors}") from None
        headers = spreadsheets.export_headers(resource)
        rows = spreadsheets.export_rows(resource, query)
        if output.lower().endswith(".xlsx"):
            spreadsheets.write_xlsx(headers, rows, output)
        else:
            with open(output, "wb") as handle:
                for chunk in spreadsheets.csv_chunks(headers, rows):
                    handle.write(chunk)
    click.echo(f"wrote {os.path.abspath(output)}")


def commands() -> list:
    return [tokens_group, import_command, export_command]
