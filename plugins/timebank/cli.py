"""``linli timebank ...``: ledger checks and periodic jobs."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup


@click.group(
    "timebank", cls=AppGroup, help="Time bank (时间银行): verify the ledger, expire credits."
)
def timebank():
    pass


@timebank.command("verify")
def verify_command():
    """Prove that every cached balance equals the sum of its movements and that every
    transfer sums to zero; exit with status 1 otherwise."""
    from core.db import db

    from .models import Account, Transfer
    from .services import verify

    with db.connection_context():
        problems = verify()
        accounts, transfers = Account.select().count(), Transfer.select().count()
    for problem in problems:
        click.echo(f"PROBLEM {problem}", err=True)
    if problems:
        click.echo(f"ledger NOT consistent: {len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"ledger consistent: {accounts} accounts, {transfers} transfers checked")


@timebank.command("expire")
@click.option("--district", "code", required=True, help="District code (区划代码)")
def expire_command(code):
    """Expire time credits older than the district's expiry_months (first in, first out)."""
    from core import territory
    from core.commands import Context
    from core.db import db

    from .services import expire_credits

    with db.connection_context():
        district = territory.TerritoryUnit.get_or_none(territory.TerritoryUnit.code == code)
        if district is None or district.level != "district":
            raise click.ClickException(f"no district with code {code}")
        touched = expire_credits(Context.trusted(district.id, source="cli"), district.id)
    click.echo(f"expired credits on {touched} account(s)")
