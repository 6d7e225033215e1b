"""Per-district settings edited in the admin: validated, audited, other districts untouched."""

from core import territory
from core.models import AuditLog
from tests.conftest import csrf_token


def save(client, plugin, key, value):
    token = csrf_token(client.get("/admin/core/settings/").get_data(as_text=True))
    return client.post(
        "/admin/core/settings/",
        data={"plugin": plugin, "key": key, "value": value, "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)


def test_settings_page_lists_declared_settings_with_defaults(admin):
    page = admin.get("/admin/core/settings/").get_data(as_text=True)
    assert "公告上限" in page
    assert "grid_households_max" in page


def test_bad_value_is_refused_and_changes_nothing(app, admin):
    page = save(admin, "noticeboard", "max_notices", "0")
    assert "公告上限：不能小于 1。" in page
    page = save(admin, "noticeboard", "no_such_key", "1")
    assert "未知的参数。" in page
    with app.app_context():
        district = territory.district_by_code("990101")
        assert app.extensions["linli"].settings.get(district.id, "noticeboard", "max_notices") == 50


def test_good_value_is_saved_for_this_district_only(app, admin):
    save(admin, "noticeboard", "max_notices", "75")
    with app.app_context():
        district = territory.district_by_code("990101")
        other = territory.create_unit("990102", "邻区", "district")
        settings = app.extensions["linli"].settings
        assert settings.get(district.id, "noticeboard", "max_notices") == 75
        assert settings.get(other.id, "noticeboard", "max_notices") == 50
    row = AuditLog.get(AuditLog.action == "setting_changed")
    assert row.plugin == "noticeboard" and "75" in row.changes
