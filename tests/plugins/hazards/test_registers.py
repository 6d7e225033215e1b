"""Registers (登记表) as printable pages and XLSX, the quarterly/annual statistics that lock
when submitted (corrections are new versions), and the dashboard figures, all within the
user's territory scope."""

from __future__ import annotations

import datetime as dt
import io
import json

import peewee as pw
import pytest
from openpyxl import load_workbook

from core import workdays
from core.commands import Context
from core.db import db
from core.models import TerritoryUnit
from core.services import ServiceError
from plugins.hazards import services
from plugins.hazards.models import Hazard, StatisticsReport
from plugins.hazards.statistics import services as statistics
from tests.conftest import csrf_token, login

from .conftest import COMMUNITY, FIRE, answers


def quarter() -> int:
    return (workdays.today().month - 1) // 3 + 1


def client_of(app, username):
    client = app.test_client()
    assert login(client, username, "Passw0rd-long").status_code == 302
    return client


def found(hz, place="8号楼", unit=None, user=None, **failed):
    user = user or hz.inspector
    inspection = services.inspect(
        Context(user, hz.access(user)), unit or hz.community, FIRE, place, answers(**failed)
    )
    return list(inspection.hazards)


def closed_major(hz, place="8号楼"):
    (hazard,) = found(hz, place, major_exits_clear="no")
    staff, boss = hz.access(hz.staff), hz.access(hz.approver)
    services.move(Context(hz.staff, staff), hazard, "register")
    services.move(Context(hz.staff, staff), hazard, "assess", data={"grade": "major"})
    services.move(
        Context(hz.staff, staff),
        hazard,
        "rectify",
        data={
            "responsible": "物业公司 王强",
            "measures": "=清理疏散通道杂物",  # a formula-looking text, escaped in the XLSX
            "funds": "物业维修资金",
            "funds_amount": "1200.50",
            "deadline": str(workdays.today() + dt.timedelta(days=10)),
            "contingency": "专人值守",
        },
    )
    services.move(
        Context(hz.staff, staff), hazard, "submit_acceptance", data={"rectification": "已清理"}
    )
    services.move(
        Context(hz.approver, boss), hazard, "accept", data={"acceptance_opinion": "复核合格"}
    )
    return Hazard.get_by_id(hazard.id)


# -- registers ----------------------------------------------------------------------------


def test_major_register_page_and_xlsx(app, hz):
    hazard = closed_major(hz)
    found(hz, "9号楼", hydrant_ok="no")  # a general hazard: not in the major register
    client = client_of(app, "staff")
    page = client.get("/admin/hazards/registers/?kind=major").get_data(as_text=True)
    assert "重大事故隐患登记表" in page
    for text in (
        "隐患编号",
        "责任单位/责任人",
        "整改期限",
        "验收人",
        "验收日期",
        "8号楼",
        "复核合格",
    ):
        assert text in page, text
    assert statistics.number(hazard) in page
    assert "9号楼" not in page
    response = client.get("/admin/hazards/registers/xlsx?kind=major")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "重大事故隐患登记表"
    assert rows[1][:3] == ["序号", "隐患编号", "社区"]
    body = [r for r in rows[2:] if r[1] == statistics.number(hazard)]
    assert len(body) == 1
    assert "'=清理疏散通道杂物" in body[0]  # escaped: never a formula
    assert "1200.50" in body[0] and "复核合格" in body[0]


def test_treatment_register_lists_every_hazard_with_overdue(app, hz):
    (late,) = found(hz, "10号楼", hydrant_ok="no")
    staff = hz.access(hz.staff)
    services.move(Context(hz.staff, staff), late, "register")
    services.move(Context(hz.staff, staff), late, "assess", data={"grade": "general"})
    services.move(
        Context(hz.staff, staff), late, "rectify", data={"responsible": "王", "measures": "修"}
    )
    Hazard.update(deadline=workdays.today() - dt.timedelta(days=1)).where(
        Hazard.id == late.id
    ).execute()
    client = client_of(app, "staff")
    page = client.get("/admin/hazards/registers/?kind=all").get_data(as_text=True)
    assert "隐患排查治理登记表" in page and "10号楼" in page and "整改中" in page
    xlsx = load_workbook(io.BytesIO(client.get("/admin/hazards/registers/xlsx").data)).active
    row = next(r for r in xlsx.iter_rows(values_only=True) if "10号楼" in r)
    assert "是" in row  # overdue


def test_another_communitys_register_is_refused(app, hz):
    found(hz, "8号楼", hydrant_ok="no")
    found(hz, "幸福1号楼", unit=hz.other, user=hz.outsider, hydrant_ok="no")
    client = client_of(app, "staff")
    page = client.get("/admin/hazards/registers/").get_data(as_text=True)
    assert "8号楼" in page and "幸福1号楼" not in page
    for url in (
        f"/admin/hazards/registers/?unit={hz.other.id}",
        f"/admin/hazards/registers/xlsx?unit={hz.other.id}",
    ):
        refused = client.get(url)
        assert refused.status_code == 403
        assert "该记录不在您的数据范围内" in refused.get_data(as_text=True)
    ours = client.get(f"/admin/hazards/registers/?unit={hz.community.id}").get_data(as_text=True)
    assert "8号楼" in ours


# -- statistics ---------------------------------------------------------------------------


def draft(hz, unit=None, user=None):
    report = StatisticsReport(
        unit=unit or hz.community,
        period="quarter",
        year=workdays.today().year,
        quarter=quarter(),
        created_by=user or hz.staff,
    )
    statistics.prepare(report)
    report.save()
    return report


def test_quarterly_figures(hz):
    closed_major(hz)
    found(hz, "9号楼", hydrant_ok="no", extinguishers_ok="no")
    figures = json.loads(draft(hz).figures)
    total = figures["total"]
    assert total["major"] == {"found": 1, "rectified": 1, "rectified_of_found": 1, "overdue": 0}
    assert total["ungraded"]["found"] == 2 and total["found"] == 3
    assert total["rectified"] == 1 and total["rate"] == 33.3
    assert total["funds"] == "1200.50"
    assert [r["community"] for r in figures["rows"]] == ["长青社区"]


def test_submitted_report_is_locked_and_corrected_by_a_new_version(app, hz):
    closed_major(hz)
    report = draft(hz)
    statistics.submit(Context(hz.staff, hz.access(hz.staff)), report)
    locked = StatisticsReport.get_by_id(report.id)
    assert (locked.state, locked.submitted_on, locked.submitted_by_id) == (
        "submitted",
        workdays.today(),
        hz.staff.id,
    )
    before = (locked.figures, locked.note, StatisticsReport.select().count())
    # in the admin: the edit is refused with a message, nothing changed
    client = client_of(app, "staff")
    url = f"/admin/hazards/statistics/edit/?id={report.id}"
    page = client.get(url).get_data(as_text=True)
    done = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "unit": str(hz.community.id),
            "period": "quarter",
            "year": str(workdays.today().year),
            "quarter": str(quarter()),
            "note": "改一下",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已报送的统计报表已锁定，不能修改" in done
    assert (locked.figures, locked.note, StatisticsReport.select().count()) == before
    with pytest.raises(ServiceError, match="该统计报表已报送"):
        statistics.submit(Context(hz.staff, hz.access(hz.staff)), locked)
    # in the database: neither a change nor a deletion
    for statement in (
        StatisticsReport.update(note="x").where(StatisticsReport.id == report.id),
        StatisticsReport.delete().where(StatisticsReport.id == report.id),
    ):
        with pytest.raises(pw.DatabaseError), db.atomic():
            statement.execute()
    assert StatisticsReport.get_by_id(report.id).note == ""
    # a correction: a new draft, version 2, referring to the submitted one
    fixed = statistics.correct(Context(hz.staff, hz.access(hz.staff)), locked)
    assert (fixed.number, fixed.corrects_id, fixed.state) == (2, report.id, "draft")
    with pytest.raises(ServiceError, match="该报表已有更正版本"):
        statistics.correct(Context(hz.staff, hz.access(hz.staff)), locked)
    assert StatisticsReport.get_by_id(report.id).state == "submitted"


def test_another_communitys_report_is_not_shown(app, hz):
    draft(hz)
    theirs = draft(hz, unit=hz.other, user=hz.outsider)
    client = client_of(app, "staff")
    listing = client.get("/admin/hazards/statistics/").get_data(as_text=True)
    assert "长青社区" in listing and "幸福社区" not in listing
    details = client.get(f"/admin/hazards/statistics/details/?id={theirs.id}")
    assert details.status_code in (302, 404)
    with pytest.raises(ServiceError, match="该记录不在您的数据范围内"):
        statistics.submit(Context(hz.staff, hz.access(hz.staff)), theirs)
    assert StatisticsReport.get_by_id(theirs.id).state == "draft"


@pytest.mark.awkward_days
def test_statistics_due_dates_follow_the_settings(hz):
    report = draft(hz)
    report.period, report.quarter, report.year = "quarter", 1, 2026
    assert statistics.due_date(report) == dt.date(2026, 4, 15)
    report.period, report.quarter = "year", None
    assert statistics.due_date(report) == dt.date(2027, 1, 31)


# -- dashboard ----------------------------------------------------------------------------


def test_dashboard_figures_in_scope(app, hz):
    closed_major(hz)
    (late,) = found(hz, "10号楼", hydrant_ok="no")
    staff = hz.access(hz.staff)
    services.move(Context(hz.staff, staff), late, "register")
    services.move(Context(hz.staff, staff), late, "assess", data={"grade": "general"})
    services.move(
        Context(hz.staff, staff), late, "rectify", data={"responsible": "王", "measures": "修"}
    )
    Hazard.update(deadline=workdays.today() - dt.timedelta(days=1)).where(
        Hazard.id == late.id
    ).execute()
    for _i in range(2):
        found(hz, "10号楼", extinguishers_ok="no")
    found(hz, "幸福1号楼", unit=hz.other, user=hz.outsider, hydrant_ok="no")
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.code == COMMUNITY)
    rows = statistics.overdue_by_community(units)
    general = next(r for r in rows if r["grade"] == "general")
    assert (general["name"], general["open"], general["overdue"]) == ("长青社区", 1, 1)
    repeated = statistics.repeated_places(units, 3, workdays.today() - dt.timedelta(days=30))
    assert repeated == [{"unit": "长青社区", "place": "10号楼", "count": 3}]
    closure = statistics.closure(units)
    assert (closure["closed"], closure["total"], closure["mean_days"]) == (1, 4, 0.0)
    page = client_of(app, "staff").get("/admin/").get_data(as_text=True)
    for text in ("各社区未销号及逾期隐患", "隐患销号率", "隐患平均销号天数", "隐患反复出现的场所"):
        assert text in page, text
    assert "10号楼" in page and "幸福1号楼" not in page


def test_statistics_through_the_admin_draft_submit_and_list(app, hz):
    closed_major(hz)
    client = client_of(app, "staff")
    page = client.get("/admin/hazards/statistics/new/").get_data(as_text=True)
    created = client.post(
        "/admin/hazards/statistics/new/",
        data={
            "csrf_token": csrf_token(page),
            "unit": str(hz.community.id),
            "period": "quarter",
            "year": str(workdays.today().year),
            "quarter": "9",
            "note": "",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "请填写季度（1至4）" in created
    assert StatisticsReport.select().count() == 0
    client.post(
        "/admin/hazards/statistics/new/",
        data={
            "csrf_token": csrf_token(page),
            "unit": str(hz.community.id),
            "period": "quarter",
            "year": str(workdays.today().year),
            "quarter": str(quarter()),
            "note": "季度报表",
        },
    )
    report = StatisticsReport.get()
    assert json.loads(report.figures)["total"]["major"]["found"] == 1
    listing = client.get("/admin/hazards/statistics/").get_data(as_text=True)
    done = client.post(
        "/admin/hazards/statistics/action/",
        data={"csrf_token": csrf_token(listing), "action": "submit", "rowid": str(report.id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已报送" in done
    assert StatisticsReport.get_by_id(report.id).state == "submitted"
    details = client.get(f"/admin/hazards/statistics/details/?id={report.id}")
    html = details.get_data(as_text=True)
    assert "长青社区" in html and "整改率（百分比）" in html and "1200.50" in html


# -- printed registers (core.printing) ----------------------------------------------------


def test_the_major_register_prints_and_its_pdf_has_the_chinese_text(app, hz):
    from core.testing.printed import pdf_text

    hazard = closed_major(hz)
    found(hz, "9号楼", hydrant_ok="no")
    client = client_of(app, "staff")
    assert 'id="register-pdf"' in client.get("/admin/hazards/registers/?kind=major").get_data(
        as_text=True
    )
    page = client.get("/admin/hazards/registers/print?kind=major").get_data(as_text=True)
    assert "重大事故隐患登记表" in page and statistics.number(hazard) in page
    assert "复核合格" in page and "9号楼" not in page and ">打印</button>" in page
    response = client.get("/admin/hazards/registers/print?kind=major&format=pdf")
    assert "filename*=UTF-8''%E9%87%8D%E5%A4%A7" in response.headers["Content-Disposition"]
    assert "第 1 页 共 1 页" in pdf_text(response)
    text = pdf_text(response, squeeze=True)  # a narrow column wraps its words
    assert "重大事故隐患登记表" in text and "复核合格" in text and "8号楼" in text


def test_the_treatment_register_prints_only_the_users_scope(app, hz):
    found(hz, "8号楼", hydrant_ok="no")
    found(hz, "幸福1号楼", unit=hz.other, user=hz.outsider, hydrant_ok="no")
    client = client_of(app, "staff")
    page = client.get("/admin/hazards/registers/print?kind=all").get_data(as_text=True)
    assert "隐患排查治理登记表" in page and "8号楼" in page and "幸福1号楼" not in page
    for url in (
        f"/admin/hazards/registers/print?unit={hz.other.id}",
        f"/admin/hazards/registers/print?unit={hz.other.id}&format=pdf",
    ):
        assert client.get(url).status_code == 403
