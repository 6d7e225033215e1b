"""Nobody sees or changes another community's records: one test walks every admin view.

For every model view registered in the admin (the core's and every plugin's, with no extra
code per view), a record is made in community A and one in community B; a staff member of
each community then tries to list, count, open, edit, delete, bulk-delete, export and
look up (ajax) the other's record. Each (view, action) pair is counted and printed.
"""

from __future__ import annotations

import pytest

from core.models import AuditLog, LoginAttempt, Role, RoleAssignment, User
from core.testing import COMMUNITY_A as A
from core.testing import COMMUNITY_B as B
from core.testing.isolation import (
    api_tokens,
    make_record,
    make_view_records,
    model_views,
    staff,
    unit,
    walk_admin_views,
    walk_api,
    walk_portal_pages,
)
from tests.conftest import builtin_plugins
from tests.sample_plugins import noticeboard, noticeboard_extra

# 幸福社区 (东湖街道), 长青社区 (西山街道)
# Shared configuration, not resident data: platform-wide (roles, calendar, dictionaries) or
# district-wide (values districts add, form definitions, custom fields), the same for both
# communities of the district.
GLOBAL_VIEWS = {
    "core_role",
    "core_calendar_day",
    "core_dictionary",
    "core_dictionary_item",
    "core_form_definition",
    "core_custom_field",
}


def core_records(endpoint, community, tag):
    """Records of the core's own views that belong to ``community``."""
    staff = User.get(User.username == f"staff_{community}")
    if endpoint == "core_territory_unit":
        return unit(community)
    if endpoint == "core_user":
        return staff
    if endpoint == "core_role_assignment":
        return RoleAssignment.get(RoleAssignment.user == staff)
    if endpoint == "core_audit_log":
        return AuditLog.create(
            action="created", table="x", record_id=tag, unit_id=unit(community).id, summary=tag
        )
    if endpoint == "core_login_attempt":
        return LoginAttempt.create(username=staff.username, user=staff, ip="10.0.0.1", success=True)
    if endpoint == "core_user_session":  # the sessions of people the staff manage
        import hashlib

        from core.models import UserSession

        return UserSession.create(user=staff, key_hash=hashlib.sha256(tag.encode()).hexdigest())
    if endpoint in ("core_publication", "core_objection"):  # district-owned, or through one
        from core.publicity import Objection, Publication

        model = Publication if endpoint == "core_publication" else Objection
        return make_record(model, community, tag)
    if endpoint == "core_notification":  # per user: the inbox of this community's staff
        from core.notifications import Notification

        return Notification.create(
            user=staff, kind="digest", title=tag, district_id=unit(community).district_id
        )
    return None


@pytest.fixture
def app(make_app):
    """The sample plugins and every built-in plugin: all their views are walked."""
    return make_app(plugins=[noticeboard, noticeboard_extra, *builtin_plugins()])


@pytest.fixture
def two_communities(app, demo):
    staff(app)
    return app


def test_no_view_leaks_another_communitys_records(two_communities, client_for, capsys):
    app = two_communities
    views = [v for v in model_views(app) if v.endpoint not in GLOBAL_VIEWS]
    skipped = sorted(v.endpoint for v in model_views(app) if v.endpoint in GLOBAL_VIEWS)
    records = make_view_records(views, core_records)
    clients = {community: client_for(f"staff_{community}") for community in (A, B)}
    checked = walk_admin_views(app, views, records, clients)
    # portal pages of plugins: nothing of the other community
    checked += walk_portal_pages(app, clients, records)

    with capsys.disabled():
        views = len({v for v, _ in checked})
        print(
            f"\nisolation: checked {len(checked)} (view, action) pairs over {views} views "
            f"for two communities; shared views not checked: {', '.join(skipped)}"
        )
    assert views >= 7
    assert Role.select().count() >= 10


def test_no_api_endpoint_leaks_another_communitys_records(two_communities, capsys):
    """Every API resource (the core's and every plugin's schemas): staff of one community
    cannot list, read, change, delete, move, export or import into the other's records."""
    from core.api.resources import resources

    app = two_communities
    with app.app_context():
        found = dict(resources())
    checked = walk_api(app, found, api_tokens(app))
    with capsys.disabled():
        print(
            f"\nAPI isolation: checked {len(checked)} (endpoint, action) pairs over "
            f"{len(found)} resources for two communities"
        )
    assert len(found) >= 2
