"""``linli owners ...``: check the ballot log."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup


@click.group("owners", cls=AppGroup, help="Owners' assembly (业主大会): verify the ballot log.")
def owners():
    pass


@owners.command("verify")
def verify_command():
    """Recompute the hash chain of the ballot log; exit with status 1 on any tampering."""
    from core.db import db

    from .models import BallotLog
    from .services import verify

    with db.connection_context():
        problems = verify()
        count = BallotLog.select().count()
    for problem in problems:
        click.echo(f"PROBLEM {problem}", err=True)
    if problems:
        click.echo(f"ballot log NOT intact: {len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"ballot log intact: {count} ballot(s) checked")
