"""``linli owners ...``: verify the ballot log, import the register."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from .assembly.models import BallotLog
from .assembly.reports import verify
from .register.importer import import_register


@click.group(
    "owners",
    cls=AppGroup,
    help="Owners' assembly (业主大会): verify the ballot log, import the register.",
)
def owners():
    pass


@owners.command("verify")
def verify_command():
    """Recompute the hash chain of the ballot log; exit with status 1 on any tampering."""
    from core.db import db

    with db.connection_context():
        problems = verify()
        count = BallotLog.select().count()
    for problem in problems:
        click.echo(f"PROBLEM {problem}", err=True)
    if problems:
        click.echo(f"ballot log NOT intact: {len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"ballot log intact: {count} ballot(s) checked")


@owners.command("import-register")
@click.argument("compound_code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row, write nothing.")
@click.option("--user", "username", default=None, help="Record the import as this user.")
def import_register_command(compound_code, path, dry_run, username):
    """Import buildings, units, owners and co-owners of a compound (小区) from an XLSX or CSV
    file (业主名册导入): every bad row is listed and nothing is written unless all rows are
    right. Exits with status 1 when a row is bad."""
    from core.api.resources import ApiError
    from core.api.spreadsheets import read_upload
    from core.commands import Context
    from core.db import db
    from core.errors import ServiceError
    from core.models import TerritoryUnit, User

    with db.connection_context():
        compound = TerritoryUnit.get_or_none(TerritoryUnit.code == compound_code)
        actor = User.get_or_none(User.username == username) if username else None
        if compound is None or (username and actor is None):
            click.echo(f"unknown compound {compound_code} or user {username}", err=True)
            sys.exit(2)
        try:
            with open(path, "rb") as stream:
                table = read_upload(path, stream)
                ctx = Context.trusted(compound.district_id, source="cli", actor=actor)
                report = import_register(ctx, compound, table, dry_run=dry_run)
        except ApiError as exc:
            click.echo(str(exc.message), err=True)
            sys.exit(1)
        except ServiceError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
    for problem in report.problems:
        click.echo(f"line {problem.row} [{problem.column}]: {problem.message}", err=True)
    if report.problems:
        click.echo(f"nothing imported: {len(report.problems)} problem(s)", err=True)
        sys.exit(1)
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {report.units} unit(s), {report.buildings} new building(s), "
        f"{report.owners} new owner(s) into {compound.name}"
    )
