"""A plugin's own commands ask the permission on the resource they write (按资源授权): a
role holding only ``owners.proxy:update`` (and the reads it needs) records a proxy and is
refused a meeting's step (``owners.meeting:update``) in Chinese, with nothing changed."""

from __future__ import annotations

import pytest

from core import services as core_services
from core.commands import Context
from core.errors import ServiceError
from core.models import Role
from plugins.owners.assembly import services
from plugins.owners.assembly.models import Proxy
from tests.conftest import make_user

from .conftest import COMMUNITY, reload

PDF = b"%PDF-1.4 signed authorisation"


def clerk():
    role = Role.create(code="proxy_clerk", name_zh="委托登记员", name_en="Proxy clerk")
    core_services.set_role_permissions(
        Context.trusted(),
        role,
        {("owners.proxy", "update"), ("owners.meeting", "read"), ("owners.owner", "read")},
    )
    return Context.of(make_user("clerk", "proxy_clerk", COMMUNITY, "subtree"))


def test_a_proxy_grant_records_a_proxy_and_no_meeting_step(world):
    ctx = clerk()
    meeting = world.meeting("noticed")
    proxy = services.authorise(
        ctx, meeting, world.owners[0], "王五", (PDF, "a.pdf", "application/pdf")
    )
    assert (proxy.status, proxy.proxy_name) == ("active", "王五")
    before = Proxy.select().count()
    with pytest.raises(ServiceError) as refused:
        services.open_voting(ctx, meeting, world.vote_day(meeting))
    assert "您无权执行此操作。" in str(refused.value)
    assert reload(meeting).status == "noticed" and Proxy.select().count() == before


def test_the_plugin_wide_grant_of_the_committee_still_covers_both(world):
    """业委会成员 holds ``owners:update``: the proxy and the meeting's step."""
    ctx = Context.of(make_user("member", "committee_member", COMMUNITY, "subtree"))
    meeting = world.meeting("noticed")
    services.authorise(ctx, meeting, world.owners[0], "王五", (PDF, "a.pdf", "application/pdf"))
    services.open_voting(ctx, meeting, world.vote_day(meeting))
    assert reload(meeting).status == "voting_open"
