"""The people served, in headless Chromium: a resident who is an owner logs in, lands on the
portal and finds the receipt of the ballot they cast, but not the owner register, nor any
other owner's name; a volunteer logs in, lands on the portal, sees their service hours, and
no way into the staff admin.

Screenshots are written to the test's tmp_path (``--basetemp DIR`` to keep them).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.commands import Context
from core.db import db
from core.testing import USER_PASSWORD

OWNERS_REGISTER = "/admin/owners/owner/"


def log_in(page, base, username):
    page.goto(f"{base}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", USER_PASSWORD)
    page.click("form button[type=submit]")


def status_of(page, url) -> int:
    return page.goto(url).status


class Setup:
    """Data made in the live server's database before the browser comes (a request context
    of its own, closed afterwards)."""

    def __init__(self, app):
        self.app = app

    def __enter__(self):
        self.context = self.app.test_request_context()
        self.context.__enter__()
        db.connect(reuse_if_open=True)
        return self

    def __exit__(self, *exc):
        if not db.is_closed():
            db.close()
        self.context.__exit__(*exc)


def owner_who_voted(app):
    """The owners' fixtures' compound in 长青社区 (owner0 holds 101室 and 102室; 业主1 and
    业主2 co-own 201室), a meeting whose voting is open today, and owner0's ballot."""
    from core.workdays import today
    from plugins.owners.assembly import services
    from plugins.owners.assembly.models import BallotLog, Meeting
    from plugins.owners.committees.services import tell_residents_committee
    from tests.plugins.owners.conftest import World

    with Setup(app):
        world = World()
        trusted = Context.trusted(actor=world.staff, source="system")
        now = today()
        meeting = Meeting.create(
            unit=world.compound,
            title="年度业主大会",
            opens_on=now - dt.timedelta(1),
            closes_on=now + dt.timedelta(5),
        )
        matter = services.add_matter(trusted, meeting, "续聘物业服务企业", "4")
        tell_residents_committee(trusted, meeting, "长青社区居委会", now - dt.timedelta(16))
        meeting = services.notice(trusted, meeting, on=now - dt.timedelta(16))
        meeting = services.open_voting(trusted, meeting, on=now)
        owner = world.owners[0]
        before = BallotLog.select().count()  # the demo's own meetings have ballots too
        ballots = services.cast(
            Context.trusted(actor=world.users[0], source="portal"), owner, matter, "agree"
        )
        receipts = [b.receipt for b in ballots]
        assert len(receipts) == 2 and BallotLog.select().count() == before + 2
        others = [o.name for o in world.owners[1:]] + [world.developer.name]
        return meeting, receipts, others


@pytest.mark.e2e
def test_a_resident_sees_their_ballot_receipt_and_not_the_owner_register(
    live_server, page, tmp_path
):
    base = live_server.url
    meeting, receipts, others = owner_who_voted(live_server.app)

    log_in(page, base, "owner0")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.screenshot(path=str(tmp_path / "resident-portal.png"), full_page=True)
    expect(page.get_by_role("link", name="业主大会")).to_be_visible()
    assert page.locator("a[href^='/admin']").count() == 0

    page.get_by_role("link", name="业主大会").click()
    expect(page).to_have_url(re.compile(r"/portal/owners/$"))
    page.get_by_role("link", name=re.compile("年度业主大会")).click()
    expect(page).to_have_url(re.compile(rf"/portal/owners/meeting/{meeting.id}$"))
    matter = page.locator(".portal-card", has_text="续聘物业服务企业")
    for receipt in receipts:  # one ballot per unit held (101室, 102室)
        expect(matter).to_contain_text(f"您的表决：同意，回执码 {receipt}")
    page.screenshot(path=str(tmp_path / "resident-receipt.png"), full_page=True)
    for path in ("/portal/", "/portal/owners/", f"/portal/owners/meeting/{meeting.id}"):
        page.goto(f"{base}{path}")
        text = page.locator("body").inner_text()
        assert not [name for name in others if name in text], path

    # the owner register and the staff admin answer 403 for a resident
    for path in (OWNERS_REGISTER, "/admin/", "/admin/owners/ownership/"):
        assert status_of(page, f"{base}{path}") == 403, path
        text = page.locator("body").inner_text()
        assert not [name for name in others if name in text], path


def volunteer_with_hours(app):
    """A volunteer of 长青社区 with a portal login and 1 h 30 min of approved service."""
    from plugins.timebank.models import ServiceRecord
    from tests.plugins.timebank.conftest import World

    with Setup(app):
        world = World()
        vol = world.volunteer(0, login="helper")
        record = world.approved(vol, minutes=90, length=90)
        assert ServiceRecord.get_by_id(record.id).status == "approved"
        return vol


@pytest.mark.e2e
def test_a_volunteer_sees_their_hours_and_no_admin(live_server, page, tmp_path):
    base = live_server.url
    volunteer_with_hours(live_server.app)

    log_in(page, base, "helper")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    assert page.locator("a[href^='/admin']").count() == 0
    expect(page.locator("body")).not_to_contain_text("工作台")
    page.get_by_role("link", name="志愿服务").click()
    expect(page).to_have_url(re.compile(r"/portal/timebank/$"))
    expect(page.locator("#hours")).to_have_text("1:30")
    assert page.locator("a[href^='/admin']").count() == 0
    page.screenshot(path=str(tmp_path / "volunteer-portal.png"), full_page=True)

    assert status_of(page, f"{base}/admin/") == 403
    assert status_of(page, f"{base}/admin/timebank/record/") == 403
    expect(page.locator("body")).not_to_contain_text("1:30")
