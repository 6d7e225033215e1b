"""An inspector on a phone (360 × 740): the checklist page with its photo inputs, a failed
item with a photo, the inspection's page; no page scrolls sideways, targets are ≥ 44 px."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from core.commands import Context
from core.db import db
from tests.e2e.test_portal_mobile import PHONE, assert_fits_a_phone

COMMUNITY = "990101001001"  # 幸福社区


@pytest.fixture
def inspector(live_server):
    from core import services, territory

    with live_server.app.app_context():
        db.connect(reuse_if_open=True)
        try:
            services.create_user(
                Context.trusted(),
                "xiaozhang",
                "Passw0rd-long",
                "inspector",
                territory.by_code(COMMUNITY),
                "subtree",
                "小张",
            )
        finally:
            db.close()
    return "xiaozhang"


@pytest.mark.e2e
def test_inspection_on_a_phone(live_server, inspector, page, tmp_path):
    from PIL import Image

    picture = tmp_path / "extinguisher.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    picture.write_bytes(buffer.getvalue())

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/auth/login?next=/portal/hazards/")
    page.fill("input[name=username]", inspector)
    page.fill("input[name=password]", "Passw0rd-long")
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/portal/hazards/$"))
    assert_fits_a_phone(page)
    page.click("text=住宅消防安全检查")
    expect(page.locator("#inspection-form")).to_be_visible()
    assert_fits_a_phone(page)
    page.select_option("select[name=unit]", label="幸福社区")
    page.fill("input[name=place]", "9号楼")
    for select in page.locator("#items [data-section=items] select").all():
        select.select_option("yes")
    page.select_option("select[name=extinguishers_ok]", "no")
    page.set_input_files("input[name=photo__extinguishers_ok]", str(picture))
    page.fill("#latitude", "39.9")
    page.fill("#longitude", "116.4")
    page.click("#submit-inspection")
    expect(page.locator(".alert-success")).to_contain_text("发现隐患 1 处")
    expect(page.locator("#score")).to_contain_text("%")
    expect(page.locator(".photos img")).to_have_count(1)
    assert_fits_a_phone(page)
    page.screenshot(path=str(tmp_path / "inspection.png"), full_page=True)
