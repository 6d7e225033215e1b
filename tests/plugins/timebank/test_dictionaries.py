"""The time bank's team kinds and service types are dictionaries (字典): a district's own
item is offered in its admin and portal forms and refused in another district's."""

from __future__ import annotations

from core.commands import Context, Refused, save
from core.models import TerritoryUnit
from forms import services
from forms.models import Dictionary
from plugins.timebank.forms import LogForm
from plugins.timebank.models import Team
from tests.conftest import csrf_token

from .conftest import COMMUNITY

DISTRICT = "990101"


def add(code, item, label):
    district = TerritoryUnit.get(TerritoryUnit.code == DISTRICT)
    return services.add_item(
        Context.trusted(), Dictionary.get(Dictionary.code == code), district, item, label
    )


def test_a_district_team_kind_in_the_admin(tb, client_for):
    add("timebank.team_kind", "elder_club", "其他类别")
    client = client_for("staff")
    page = client.get("/admin/timebank/team/new/").get_data(as_text=True)
    assert 'value="elder_club"' in page and "其他类别" in page
    response = client.post(
        "/admin/timebank/team/new/",
        data={
            "csrf_token": csrf_token(page),
            "unit": tb.community.id,
            "name": "银龄俱乐部",
            "kind": "elder_club",
            "active": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert Team.get(Team.name == "银龄俱乐部").kind == "elder_club"
    listing = client.get("/admin/timebank/team/").get_data(as_text=True)
    assert "其他类别" in listing


def test_another_district_refuses_the_item(tb, app):
    add("timebank.team_kind", "elder_club", "其他类别")
    other = TerritoryUnit.create(code="880101", name="另一区", level="district", path="8801010000")
    community = TerritoryUnit.get(TerritoryUnit.code == COMMUNITY)
    team = Team(unit=community.id, name="别区的队", kind="elder_club")
    before = Team.select().count()
    try:
        save(Context.trusted(district_id=other.id), team, scoped=False)
    except Refused as exc:
        assert exc.errors == {"kind": ["不是有效的选择。"]}
    else:
        raise AssertionError("saved")
    assert Team.select().count() == before


def test_the_portal_log_form_offers_the_district_service_types(tb, app):
    add("timebank.service_type", "haircut", "义务理发")
    district = TerritoryUnit.get(TerritoryUnit.code == DISTRICT)
    with app.test_request_context("/"):
        from flask import g

        g.district_id = district.id
        shown = str(LogForm(meta={"csrf": False}).service_type)  # the select as rendered
        assert '<option value="haircut">义务理发</option>' in shown
        assert 'value="daily_care"' in shown
        g.district_id = None
        assert 'value="haircut"' not in str(LogForm(meta={"csrf": False}).service_type)
