"""A volunteer on a phone (360 × 740): balances, sign-up for a shift, logging a service and
showing the confirmation QR code; no page scrolls sideways and every target is ≥ 44 px."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.db import db
from tests.e2e.test_portal_mobile import PHONE, assert_fits_a_phone

COMMUNITY = "990101001001"  # 幸福社区, where the demo's shift is


@pytest.fixture
def volunteer(live_server):
    from core import services as core_services
    from core import territory
    from core.commands import Context
    from core.models import User, utcnow
    from plugins.timebank import services
    from plugins.timebank.models import Volunteer

    with live_server.app.app_context():
        db.connect(reuse_if_open=True)
        try:
            user = core_services.create_user(
                Context.trusted(),
                "xiaoli",
                "Passw0rd-long",
                "resident",
                territory.by_code(COMMUNITY),
                "own",
                "小李",
            )
            admin = User.get(User.username == "admin")
            vol = Volunteer(
                unit=territory.by_code(COMMUNITY),
                name="小李",
                id_number="320102199511200033",
                mobile="13912345678",
                consent_at=utcnow(),
                user=user,
            )
            services.register(Context.of(admin), vol)
            services._grant_volunteer_role(vol)
        finally:
            db.close()
    return "xiaoli"


@pytest.mark.e2e
def test_volunteer_on_a_phone(live_server, volunteer, page, tmp_path):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/auth/login?next=/portal/timebank/")
    page.fill("input[name=username]", volunteer)
    page.fill("input[name=password]", "Passw0rd-long")
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/portal/timebank/$"))
    expect(page.locator("#hours")).to_have_text("0:00")
    expect(page.locator("#open-shifts")).to_contain_text("周末敬老院陪伴")
    assert_fits_a_phone(page)
    page.screenshot(path=str(tmp_path / "timebank.png"), full_page=True)

    page.click("#open-shifts button:has-text('报名')")
    expect(page.locator(".alert-success")).to_contain_text("报名成功。")
    expect(page.locator("#my-shifts")).to_contain_text("周末敬老院陪伴")
    assert_fits_a_phone(page)

    page.click("#actions >> text=登记服务")
    start = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(hours=3)
    page.fill("input[name=started_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=ended_at]", (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=minutes]", "45")
    page.fill("textarea[name=content]", "陪王奶奶散步")
    assert_fits_a_phone(page)
    page.click("#portal-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已保存，请向服务对象出示确认码。")
    expect(page.locator("#qr svg")).to_be_visible()
    expect(page.locator("#status")).to_have_text("待服务对象确认")
    assert_fits_a_phone(page)
    page.screenshot(path=str(tmp_path / "timebank-qr.png"), full_page=True)
