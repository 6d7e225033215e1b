"""The inspector's portal on a phone, the admin's hazard steps and the dashboard widget."""

from __future__ import annotations

from core.commands import Context
from core.workflow import history
from plugins.hazards import services
from plugins.hazards.models import Hazard, Inspection
from tests.conftest import csrf_token, login

from .conftest import FIRE, answers


def client_of(app, username):
    client = app.test_client()
    assert login(client, username, "Passw0rd-long").status_code == 302
    return client


def test_portal_inspection_on_a_phone_creates_hazards(app, hz):
    client = client_of(app, "inspector")
    home = client.get("/portal/hazards/").get_data(as_text=True)
    assert "住宅消防安全检查" in home and "燃气使用安全检查" in home
    url = f"/portal/hazards/inspect/{FIRE}"
    page = client.get(url).get_data(as_text=True)
    assert "疏散通道" in page and "《消防法》第二十八条" in page  # items with their legal basis
    assert f'value="{hz.community.id}"' in page and f'value="{hz.other.id}"' not in page
    data = {
        "csrf_token": csrf_token(page),
        "unit": str(hz.community.id),
        "place": "9号楼",
        **answers(major_fire_lane="no", hydrant_ok="no"),
    }
    done = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "发现隐患 2 处" in done
    inspection = Inspection.get(Inspection.place == "9号楼")
    assert inspection.created_by_id == hz.inspector.id
    assert {h.item for h in inspection.hazards} == {"major_fire_lane", "hydrant_ok"}
    assert "9号楼" in client.get("/portal/hazards/").get_data(as_text=True)


def test_portal_refuses_an_incomplete_checklist_and_writes_nothing(app, hz):
    client = client_of(app, "inspector")
    url = f"/portal/hazards/inspect/{FIRE}"
    page = client.get(url).get_data(as_text=True)
    before = (Inspection.select().count(), Hazard.select().count())
    data = {"csrf_token": csrf_token(page), "unit": str(hz.community.id), "place": "10号楼"}
    response = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "检查项目" in response  # the form again, with its errors
    assert (Inspection.select().count(), Hazard.select().count()) == before
    data = {**data, **answers(), "place": ""}
    response = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "请填写检查场所" in response
    assert (Inspection.select().count(), Hazard.select().count()) == before


def test_portal_unknown_checklist(app, hz):
    client = client_of(app, "inspector")
    response = client.get("/portal/hazards/inspect/nope", follow_redirects=True)
    assert "检查表不存在" in response.get_data(as_text=True)


def _inspected(hz, item):
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "11号楼",
        answers(**{item: "no"}),
    )
    return inspection.hazards.get()


def _step(client, hazard, code, **data):
    details = f"/admin/hazards/hazard/details/?id={hazard.id}"
    page = client.get(details).get_data(as_text=True)
    token = csrf_token(page)
    form = {"csrf_token": token, "id": str(hazard.id), "transition": code, **data}
    return client.post(
        "/admin/hazards/hazard/transition/", data=form, follow_redirects=True
    ).get_data(as_text=True)


def test_admin_steps_and_five_assurances_refusal(app, hz):
    hazard = _inspected(hz, "major_exits_clear")
    client = client_of(app, "staff")
    _step(client, hazard, "register")
    _step(client, hazard, "assess", grade="major")
    assert Hazard.get_by_id(hazard.id).state == "assessed"
    page = _step(client, hazard, "rectify", responsible="王强", measures="清理")
    assert "五落实" in page
    row = Hazard.get_by_id(hazard.id)
    assert row.state == "assessed" and row.responsible == ""
    assert len(history(row)) == 3
    listing = client.get("/admin/hazards/hazard/").get_data(as_text=True)
    assert "11号楼" in listing


def test_dashboard_widget_counts(app, hz):
    from flask import g

    from core.access import Access
    from core.models import TerritoryUnit
    from plugins.hazards.reports import dashboard_widgets

    hazard = _inspected(hz, "major_exits_clear")
    staff = hz.access(hz.staff)
    services.move(Context(hz.staff, staff), hazard, "register")
    services.move(Context(hz.staff, staff), hazard, "assess", data={"grade": "major"})
    district = TerritoryUnit.get_by_id(hz.community.district_id)
    g.access = Access(hz.staff)
    g.district = district
    g.district_id = district.id
    widgets = {w.title: w.value for w in dashboard_widgets(district, hz.staff)}
    assert widgets["未销号隐患"] >= 1
    assert widgets["未销号重大隐患"] == 1
    assert widgets["逾期未整改隐患"] == 0
