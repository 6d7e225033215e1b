"""Fixtures of the time bank's tests: an app with the plugin, the demo district, people.

The demo loads the plugin's own demo data in 幸福社区; these tests work in 长青社区
(西山街道) so that the two do not mix.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient

import plugins.timebank as timebank
from core.access import Access
from core.commands import Context
from core.db import db
from core.models import TerritoryUnit, User, utcnow
from plugins.timebank import services
from plugins.timebank.models import ServiceRecord, Volunteer
from tests.conftest import make_user

COMMUNITY = "990101002001"  # 长青社区
STREET = "990101002"  # 西山街道
OTHER = "990101001001"  # 幸福社区

# valid GB 11643 numbers (not the demo's): born 1948, 1952, 1995, 1960, 1988
IDS = [
    "320102194803120024",
    "320102195206010016",
    "320102199511200033",
    "32010219600909004X",
    "320102198802280059",
]


class FreshClient(FlaskClient):
    """A test client whose requests run in an application context of their own, even while
    the test holds one (``tb``): requests must not share ``g`` (the logged-in user, the CSRF
    token) with the test or with each other. The request's teardown closes the database
    connection; the test's is reopened afterwards."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.connect(reuse_if_open=True)
        return response


@pytest.fixture
def app(make_app):
    app = make_app(plugins=[timebank])
    app.test_client_class = FreshClient
    return app


@pytest.fixture
def tb(app, demo):
    """An application context with the demo loaded, and a small world to act in."""
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        yield World()
        if not db.is_closed():
            db.close()


class World:
    """People of 长青社区: an approver (street staff), community staff, volunteers."""

    def __init__(self):
        self.approver = make_user("approver", "street_staff", STREET, "subtree")
        self.second = make_user("second", "street_staff", STREET, "subtree")
        self.staff = make_user("staff", "community_staff", COMMUNITY, "subtree")
        self.community = TerritoryUnit.get(TerritoryUnit.code == COMMUNITY)

    def access(self, user):
        return Access(user)

    def volunteer(self, n=0, login=None, status="active") -> Volunteer:
        """Volunteer ``n`` (IDS[n]) registered by staff; ``login`` links a portal user."""
        user = None
        if login:
            user = make_user(login, "resident", COMMUNITY, "own")
        vol = Volunteer(
            unit=self.community,
            name=f"志愿者{n}",
            id_number=IDS[n],
            mobile=f"1380013{n:04d}",
            consent_at=utcnow(),
            user=user,
        )
        services.register(Context.of(self.approver), vol)
        if login:
            services._grant_volunteer_role(vol)
        return vol

    def record(self, vol, hours_ago=5, minutes=60, length=60, actor=None, **extra) -> ServiceRecord:
        start = utcnow().replace(second=0, microsecond=0) - dt.timedelta(hours=hours_ago)
        record = ServiceRecord(
            volunteer=vol,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=length),
            minutes=minutes,
            content="陪老人聊天",
            service_type="companionship",
            **extra,
        )
        actor = actor or self.staff
        return services.log_record(Context.of(actor), record)

    def confirmed(self, vol, **kw) -> ServiceRecord:
        record = self.record(vol, **kw)
        services.confirm_record(Context.of(self.staff), record.confirm_token, "赵奶奶", "served")
        return ServiceRecord.get_by_id(record.id)

    def approved(self, vol, **kw) -> ServiceRecord:
        record = self.confirmed(vol, **kw)
        return services.approve(Context.of(self.approver), record)


def user(name):
    return User.get(User.username == name)
