"""Residents, owners, volunteers and organisation contacts never enter the staff admin: their
login lands on the portal, every admin page answers 403 and the API refuses them, while a
staff role still works there."""

import pytest

from core.models import Role
from core.testing import COMMUNITY_A, USER_PASSWORD
from tests.conftest import login, make_user

ADMIN_PAGES = [
    "/admin/",
    "/admin/core/case/",
    "/admin/core/notification/",
    "/admin/owners/owner/",
    "/admin/timebank/team/new/",
    "/admin/socialorgs/organisation/",
]


@pytest.fixture
def app(make_app):
    from core.testing import builtin_plugins

    return make_app(plugins=builtin_plugins())


@pytest.mark.parametrize("role", ["resident", "volunteer", "org_contact"])
def test_people_served_land_on_the_portal_and_never_in_the_admin(app, demo, role):
    with app.app_context():
        make_user(f"p_{role}", role, COMMUNITY_A, scope="unit")
    assert not Role.get(Role.code == role).staff
    client = app.test_client()
    response = login(client, f"p_{role}", USER_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    api = client.get("/api/v1/")
    assert api.status_code == 403
    assert api.get_json()["message"] == "接口仅供工作人员账号使用，请使用门户。"
    # a link into the admin does not take them there either
    again = app.test_client()
    from core.testing import csrf_token

    token = csrf_token(again.get("/auth/login?next=/admin/owners/owner/").get_data(as_text=True))
    landed = again.post(
        "/auth/login?next=/admin/owners/owner/",
        data={"username": f"p_{role}", "password": USER_PASSWORD, "csrf_token": token},
    )
    assert landed.headers["Location"] == "/portal/"


def test_staff_land_in_the_admin_as_before(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
        make_user("member", "committee_member", COMMUNITY_A)
    for name in ("clerk", "member"):
        client = app.test_client()
        assert login(client, name, USER_PASSWORD).headers["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
    assert Role.get(Role.code == "committee_member").staff


def test_a_portal_page_is_granted_by_its_resource_on_the_role_form(app, demo, client_for):
    """A custom portal role holding only ``timebank.portal:read`` reaches the volunteer's
    pages and the home page's link to them, and no other plugin's portal page (403, no link);
    the role form offers the portal resources."""
    from core import services
    from core.admin_views import _permission_choices
    from core.commands import Context

    with app.test_request_context():
        offered = {choice.value for choice in _permission_choices()}
        assert {"timebank.portal:read", "hazards.portal:read", "owners.portal:read"} <= offered
        role = Role.create(code="helper", name_zh="助老员", name_en="Helper", staff=False)
        services.set_role_permissions(Context.trusted(), role, {("timebank.portal", "read")})
        make_user("helper", "helper", COMMUNITY_A, scope="own")
    client = client_for("helper")
    home = client.get("/portal/").get_data(as_text=True)
    assert 'href="/portal/timebank/"' in home and 'href="/portal/hazards/"' not in home
    assert client.get("/portal/timebank/history").status_code != 403
    assert client.get("/portal/hazards/").status_code == 403
    assert client.get("/portal/owners/").status_code == 403
    refused = client.get("/portal/hazards/report").get_data(as_text=True)
    assert "您无权执行此操作。" in refused
