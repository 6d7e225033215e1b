"""Personal data: ID numbers validated; ID and phone masked for roles without the permission."""

import csv
import io

import pytest

from core.models import TerritoryUnit
from tests.conftest import csrf_token, make_user
from tests.sample_plugins.noticeboard.models import Notice

ID = "11010519491231002X"
PHONE = "13800138000"


@pytest.fixture
def notice(app, demo):
    unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001G01")
    with app.app_context():
        make_user("staff", "community_staff", "990101001001")
        make_user("gridder", "grid_worker", "990101001001G01")
    return Notice.create(unit=unit, title="联系人通知", contact_phone=PHONE, contact_id=ID)


def test_staff_with_permission_see_full_values(client_for, notice):
    client = client_for("staff")
    page = client.get("/admin/noticeboard/notice/").get_data(as_text=True)
    assert ID in page and PHONE in page


def test_grid_worker_sees_masked_values_everywhere(client_for, notice):
    client = client_for("gridder")
    listing = client.get("/admin/noticeboard/notice/").get_data(as_text=True)
    assert "联系人通知" in listing
    assert ID not in listing and PHONE not in listing
    assert "110105********002X" in listing and "138****8000" in listing
    details = client.get(f"/admin/noticeboard/notice/details/?id={notice.id}").get_data(
        as_text=True
    )
    assert ID not in details and "110105********002X" in details
    edit = client.get(f"/admin/noticeboard/notice/edit/?id={notice.id}").get_data(as_text=True)
    assert ID not in edit and PHONE not in edit and 'name="contact_id"' not in edit


def test_masked_values_survive_an_edit(client_for, notice):
    client = client_for("gridder")
    url = f"/admin/noticeboard/notice/edit/?id={notice.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    client.post(
        url, data={"title": "改了标题", "body": "", "unit": notice.unit_id, "csrf_token": token}
    )
    saved = Notice.get_by_id(notice.id)
    assert saved.title == "改了标题"
    assert saved.contact_id == ID and saved.contact_phone == PHONE


def test_export_is_masked_too(app, demo, notice):
    with app.app_context():
        make_user("exporter", "grid_worker", "990101001001G01")
        from core.models import Role, RolePermission

        role = Role.get(Role.code == "grid_worker")
        RolePermission.create(role=role, plugin="*", action="export")
    from tests.conftest import login

    client = app.test_client()
    login(client, "exporter", "Passw0rd-long")
    text = client.get("/admin/noticeboard/notice/export/csv/").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert ID not in text and PHONE not in text
    assert any("110105********002X" in row for row in rows)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("contact_id", "110105194912310021", "身份证号码校验位错误，请核对。"),
        ("contact_id", "12345", "身份证号码应为 18 位。"),
        ("contact_phone", "12800138000", "手机号码应为 11 位数字，以 13 至 19 开头。"),
    ],
)
def test_bad_personal_data_is_refused_with_a_chinese_message(
    client_for, notice, field, value, message
):
    client = client_for("staff")
    url = "/admin/noticeboard/notice/new/"
    token = csrf_token(client.get(url).get_data(as_text=True))
    page = client.post(
        url, data={"title": "坏数据", "unit": notice.unit_id, field: value, "csrf_token": token}
    ).get_data(as_text=True)
    assert message in page
    assert Notice.get_or_none(Notice.title == "坏数据") is None
