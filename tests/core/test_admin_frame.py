"""The admin frame with every built-in module: the workflow's steps come in the order of the
flow, as the list's actions and as buttons on the record's page."""

from __future__ import annotations

import re

import pytest

from core.testing import builtin_plugins


@pytest.fixture
def app(make_app):
    return make_app(plugins=builtin_plugins())


def test_steps_come_in_the_order_of_the_flow(app, admin):
    with app.app_context():
        from plugins.owners.assembly.models import Meeting

        meeting = Meeting.get(Meeting.status == "draft")
    listing = admin.get("/admin/owners/meeting/").get_data(as_text=True)
    actions = re.findall(r'data-action="(\w+)"', listing)
    steps = [a for a in actions if a in ("notice", "open", "close", "tally", "publish", "file")]
    assert steps == ["notice", "open", "close", "tally", "publish", "file"]

    details = admin.get(f"/admin/owners/meeting/details/?id={meeting.id}").get_data(as_text=True)
    assert 'data-transition="notice"' in details  # the step of a draft, as a button
    assert "发布会议公告" in details
