"""Fixtures of the hazards tests: an app with the plugin, the demo district and people.

The demo loads the plugin's own demo inspection in the district's first community; these
tests work in 长青社区 (西山街道) so that the two do not mix."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

import plugins.hazards as hazards
from core.access import Access
from core.db import db
from core.models import TerritoryUnit
from plugins.hazards import forms as checklists
from tests.conftest import make_user

COMMUNITY = "990101002001"  # 长青社区
STREET = "990101002"  # 西山街道
DISTRICT = "990101"
OTHER = "990101001001"  # 幸福社区
FIRE = "hazards_fire_residential"


class FreshClient(FlaskClient):
    """Requests run in an application context of their own, even while the test holds one."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.connect(reuse_if_open=True)
        return response


@pytest.fixture
def app(make_app):
    app = make_app(plugins=[hazards])
    app.test_client_class = FreshClient
    return app


@pytest.fixture
def hz(app, demo):
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        yield World()
        if not db.is_closed():
            db.close()


class World:
    """An inspector and community staff of 长青社区, a street approver, the district's safety
    office (a district administrator)."""

    def __init__(self):
        self.inspector = make_user("inspector", "inspector", COMMUNITY)
        self.staff = make_user("staff", "community_staff", COMMUNITY)
        self.approver = make_user("approver", "street_staff", STREET)
        self.office = make_user("office", "district_admin", DISTRICT)
        self.outsider = make_user("outsider", "inspector", OTHER)
        self.community = TerritoryUnit.get(TerritoryUnit.code == COMMUNITY)
        self.other = TerritoryUnit.get(TerritoryUnit.code == OTHER)

    @staticmethod
    def access(user):
        return Access(user)


def answers(name: str = "fire_residential", **failed) -> dict:
    """Every item of a checklist (the residential fire one by default) passed, except
    those given."""
    data = checklists.all_passed(
        f"hazards_{name}" if name != "crowded" else "hazards_crowded_places"
    )
    if name == "fire_residential":
        data["fire_door_closed"] = "na"
    data.update(failed)
    return data
