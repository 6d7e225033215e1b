"""Fixtures of the socialorgs tests: an app with the plugin, the demo territory (with the
plugin's demo registry), a community applicant and a street approver."""

from __future__ import annotations

import pytest

import plugins.socialorgs as socialorgs
from core.access import Access
from core.db import db
from core.models import TerritoryUnit, User
from tests.conftest import make_user

XINGFU, HEPING, CHANGQING = "990101001001", "990101001002", "990101002001"
DONGHU = "990101001"


@pytest.fixture
def app(make_app):
    return make_app(plugins=[socialorgs])


@pytest.fixture
def people(app, demo):
    with app.app_context():
        make_user("applicant", "community_staff", XINGFU)
        make_user("approver", "street_staff", DONGHU)
        make_user("other_applicant", "community_staff", CHANGQING)
    return app


@pytest.fixture
def svc(people):
    """An application context with a connection, for calling the services directly."""
    with people.app_context():
        db.connect(reuse_if_open=True)
        yield Actors()
        if not db.is_closed():
            db.close()


class Actors:
    """The applicant (幸福社区 staff) and the approver (东湖街道 staff), with their access; the
    registrar (the district's civil affairs bureau, who records penalties) when asked."""

    def __init__(self):
        self.applicant = User.get(User.username == "applicant")
        self.approver = User.get(User.username == "approver")
        self.a_access = Access(self.applicant)
        self.b_access = Access(self.approver)

    @property
    def registrar(self):
        found = User.get_or_none(User.username == "registrar")
        return found or make_user("registrar", "district_admin", "990101")

    @staticmethod
    def unit(code=XINGFU):
        return TerritoryUnit.get(TerritoryUnit.code == code)
