"""Fixtures of the owners' assembly tests: an app with the plugin, the demo district and a
small compound in 长青社区 (the plugin's demo data lives in 幸福社区)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import plugins.owners as owners
from core import territory
from core.access import Access
from core.commands import Context
from core.db import db
from core.models import TerritoryUnit
from plugins.owners.assembly import services
from plugins.owners.assembly.models import Meeting
from plugins.owners.committees.services import tell_residents_committee
from plugins.owners.register.models import Owner, Ownership, Premises
from tests.conftest import make_user
from tests.plugins.timebank.conftest import FreshClient

COMMUNITY = "990101002001"  # 长青社区
DAY = dt.date(2026, 12, 1)  # the day notice is given in these tests
ROOMS = ("101室", "102室", "201室", "202室")


@pytest.fixture
def app(make_app):
    app = make_app(plugins=[owners])
    app.test_client_class = FreshClient
    return app


@pytest.fixture
def world(app, demo):
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        yield World()
        if not db.is_closed():
            db.close()


class World:
    """A compound with one building and four units (101室, 102室, 201室, 202室) of 100, 100,
    50 and 50 m² — numbers that no date, id or sum on a page can contain:
    owner 0 holds units 0 and 1 (one head), owners 1 and 2 co-own unit 2 (one head), the
    developer holds unit 3 (unsold). Total: 300 m², 3 heads."""

    def __init__(self):
        self.staff = make_user("cstaff", "community_staff", COMMUNITY)
        self.access = Access(self.staff)
        community = territory.by_code(COMMUNITY)
        self.compound = territory.create_unit("T-XQ", "测试小区", "compound", community)
        self.building = territory.create_unit("T-XQ-1", "1号楼", "building", self.compound)
        self.users = [make_user(f"owner{n}", "resident", COMMUNITY) for n in range(3)]
        self.owners = [
            Owner.create(unit=self.compound, name=f"业主{n}", user=u)
            for n, u in enumerate(self.users)
        ]
        self.developer = Owner.create(unit=self.compound, name="开发商", is_developer=True)
        self.units = [
            Premises.create(unit=self.building, number=number, area=Decimal(a))
            for number, a in zip(ROOMS, ("100", "100", "50", "50"), strict=True)
        ]
        for unit, holder in (
            (0, self.owners[0]),
            (1, self.owners[0]),
            (2, self.owners[1]),
            (2, self.owners[2]),
            (3, self.developer),
        ):
            Ownership.create(unit=self.building, premises=self.units[unit], owner=holder)

    def meeting(self, status="draft", items=("4", "6"), told=True) -> Meeting:
        """A meeting voting from DAY+15 to DAY+20, moved to ``status``; the residents'
        committee is told of it on DAY (unless ``told`` is false)."""
        meeting = Meeting.create(
            unit=self.compound,
            title="测试业主大会",
            opens_on=DAY + dt.timedelta(days=15),
            closes_on=DAY + dt.timedelta(days=20),
        )
        for item in items:
            services.add_matter(trusted(self.staff), meeting, f"事项{item}", item)
        if told:
            tell_residents_committee(trusted(self.staff), meeting, "长青社区居委会", DAY)
        steps = [
            ("noticed", lambda m: services.notice(trusted(self.staff), m, on=DAY)),
            ("voting_open", lambda m: services.open_voting(trusted(self.staff), m, on=m.opens_on)),
            (
                "voting_closed",
                lambda m: services.close_voting(
                    trusted(self.staff), m, on=m.closes_on + dt.timedelta(1)
                ),
            ),
            (
                "tallied",
                lambda m: services.tally_meeting(trusted(self.staff), m, on=DAY + dt.timedelta(22)),
            ),
            (
                "published",
                lambda m: services.publish(trusted(self.staff), m, on=DAY + dt.timedelta(23)),
            ),
        ]
        for _name, step in steps:
            if meeting.status == status:
                break
            meeting = step(meeting)
        assert meeting.status == status
        return meeting

    def vote_day(self, meeting):
        return meeting.opens_on + dt.timedelta(days=1)


def reload(record):
    return type(record).get_by_id(record.id)


def trusted(user) -> Context:
    """The context of a trusted caller acting as ``user`` (the demo's, the CLI's, a job's): no
    permission checked, every rule still holds."""
    return Context.trusted(actor=user, source="system")


__all__ = ["COMMUNITY", "DAY", "TerritoryUnit", "reload", "trusted"]


def own_ballots():
    """The ballots cast in the tests: the demo's (its meetings in 幸福社区) left out."""
    from plugins.owners.assembly.models import BallotLog

    demo = TerritoryUnit.select(TerritoryUnit.id).where(
        TerritoryUnit.code.startswith("990101001001")
    )
    return BallotLog.select().where(BallotLog.unit.not_in(demo))
