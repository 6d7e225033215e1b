"""Admin pages of the register import, the fund and the property service, and the portal's
complaint page: what a user sees, and that another community's records stay out of reach."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from core.access import Access
from core.api.spreadsheets import read_upload
from core.commands import Context
from core.services import ServiceError
from core.workdays import today
from plugins.owners.fund import reports as fund_reports
from plugins.owners.fund import services as fund
from plugins.owners.fund.models import FundAccount, FundEntry, FundProposal
from plugins.owners.property import services as prop
from plugins.owners.property.models import Complaint, PropertyCompany, ServiceContract
from plugins.owners.register import importer as ri
from plugins.owners.register.models import Owner, Premises
from plugins.owners.register.services import premises_in
from tests.conftest import csrf_token, login, make_user

from .conftest import trusted
from .test_import import GOOD, HEADERS

OTHER = "990101001001"  # 幸福社区: another community of the same district


def client_of(app, username, password="Passw0rd-long"):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    return client


def xlsx_bytes(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def funded(world):
    FundAccount.create(unit=world.compound, bank="建设银行")
    for unit in world.units:
        fund.deposit(trusted(world.staff), unit, 100000, on=today() - dt.timedelta(10))


def test_the_register_import_page_lists_bad_rows_and_imports_good_files(app, world):
    make_user("dadmin", "district_admin", "990101")
    client = client_of(app, "dadmin")
    page = client.get("/admin/owners/import/").get_data(as_text=True)
    assert "下载导入模板" in page and "测试小区" in page
    template = client.get("/admin/owners/import/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    bad = [GOOD[0], ["3号楼", "3-102", "-1", "估算", "张三", "", "", ""]]
    before = Premises.select().count()
    response = client.post(
        "/admin/owners/import/",
        data={
            "compound": str(world.compound.id),
            "file": (io.BytesIO(xlsx_bytes(bad)), "register.xlsx"),
            "csrf_token": csrf_token(page),
        },
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert "未导入任何数据" in text and "专有部分面积必须大于零" in text
    assert "未知的面积来源“估算”" in text and "缺少业主证件号码" in text
    assert Premises.select().count() == before
    response = client.post(
        "/admin/owners/import/",
        data={
            "compound": str(world.compound.id),
            "file": (io.BytesIO(xlsx_bytes(GOOD)), "register.xlsx"),
            "csrf_token": csrf_token(page),
        },
        content_type="multipart/form-data",
    )
    assert "已导入 5 个单元" in response.get_data(as_text=True)
    assert Premises.select().count() == before + 5


def test_community_staff_may_not_import_the_register(app, world):
    client = client_of(app, "cstaff")
    assert client.get("/admin/owners/import/").status_code == 403
    table = read_upload("r.xlsx", io.BytesIO(xlsx_bytes(GOOD)))
    with pytest.raises(ServiceError) as exc:
        ri.import_register(Context(world.staff, Access(world.staff)), world.compound, table)
    assert "您无权执行此操作" in str(exc.value)
    assert not Owner.select().where(Owner.id_number.is_null(False)).exists()


def test_proposal_pages_create_and_refuse_with_chinese_messages(app, world):
    funded(world)
    client = client_of(app, "cstaff")
    page = client.get("/admin/owners/fund_proposal/new/").get_data(as_text=True)
    assert "新建维修资金方案" in page
    response = client.post(
        "/admin/owners/fund_proposal/new/",
        data={
            "compound": str(world.compound.id),
            "title": "屋面防水",
            "kind": "use",
            "budget": "300.00",
            "units": "101室\n201室",
            "emergency_reason": "",
            "csrf_token": csrf_token(page),
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "屋面防水" in text and "200.00" in text and "100.00" in text
    proposal = FundProposal.get(FundProposal.title == "屋面防水")
    url = f"/admin/owners/fund_proposal/disburse/?id={proposal.id}"
    page = client.get(url).get_data(as_text=True)
    before = FundEntry.select().count()
    text = client.post(
        url, data={"amount": "100", "csrf_token": csrf_token(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "只能用于业主表决通过的方案" in text and FundEntry.select().count() == before
    bad = client.post(
        "/admin/owners/fund_proposal/new/",
        data={
            "compound": str(world.compound.id),
            "title": "外墙",
            "kind": "use",
            "budget": "100",
            "units": "9-99",
            "csrf_token": csrf_token(page),
        },
    ).get_data(as_text=True)
    assert "单元 9-99 不属于本小区" in bad
    assert FundProposal.select().where(FundProposal.unit == world.compound.id).count() == 1


def test_an_emergency_from_the_admin_page_is_published(app, world):
    funded(world)
    client = client_of(app, "cstaff")
    page = client.get("/admin/owners/fund_proposal/new/").get_data(as_text=True)
    client.post(
        "/admin/owners/fund_proposal/new/",
        data={
            "compound": str(world.compound.id),
            "title": "电梯抢修",
            "kind": "use",
            "budget": "500",
            "units": "101室",
            "emergency_reason": "lift",
            "confirmed_by": "长青社区居委会",
            "csrf_token": csrf_token(page),
        },
    )
    proposal = FundProposal.get(FundProposal.title == "电梯抢修")
    assert proposal.status == "emergency" and proposal.publication_id
    url = f"/admin/owners/fund_proposal/disburse/?id={proposal.id}"
    page = client.get(url).get_data(as_text=True)
    text = client.post(
        url, data={"amount": "600", "csrf_token": csrf_token(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "金额超出预算余额（500.00 元）" in text
    client.post(url, data={"amount": "500", "csrf_token": csrf_token(page)})
    assert fund.spent(proposal) == 50000


def test_the_statement_page_prints_and_exports(app, world):
    funded(world)
    client = client_of(app, "cstaff")
    start, end = today() - dt.timedelta(30), today()
    query = f"compound={world.compound.id}&start={start}&end={end}"
    page = client.get(f"/admin/owners/fund_entry/statement/?{query}").get_data(as_text=True)
    assert "维修资金对账单" in page and "101室" in page and "4000.00" in page
    csv = client.get(f"/admin/owners/fund_entry/statement/?{query}&format=csv")
    assert csv.status_code == 200 and "期末余额(元)" in csv.get_data(as_text=True)
    # another community's staff cannot read this compound's statement
    make_user("ostaff", "community_staff", OTHER)
    other = client_of(app, "ostaff")
    assert other.get(f"/admin/owners/fund_entry/statement/?{query}").status_code == 404


def test_another_communitys_staff_cannot_touch_the_fund(app, world):
    funded(world)
    p = fund.confirm_emergency(
        trusted(world.staff), world.compound, "水泵", 1000, [world.units[0]], "water", "居委会"
    )
    own = client_of(app, "cstaff").get("/admin/owners/fund_entry/").get_data(as_text=True)
    assert "101室" in own  # the compound's own staff see the unit's entries
    make_user("ostaff", "community_staff", OTHER)
    other = client_of(app, "ostaff")
    before = FundEntry.select().count()
    page = other.get(f"/admin/owners/fund_proposal/disburse/?id={p.id}", follow_redirects=True)
    assert "该记录不存在，或您无权修改" in page.get_data(as_text=True)
    assert other.get(f"/admin/owners/fund_proposal/details/?id={p.id}").status_code in (302, 404)
    listing = other.get("/admin/owners/fund_entry/").get_data(as_text=True)
    assert "101室" not in listing
    deposit = other.get("/admin/owners/fund_entry/deposit/").get_data(as_text=True)
    assert "测试小区" not in deposit
    assert FundEntry.select().count() == before


def test_contract_pages_show_notice_dates_and_refuse_a_reversed_term(app, world):
    company = PropertyCompany.create(
        unit=world.compound.parent, name="安居物业", uscc="91350100M000100Y43"
    )
    ends = today() + dt.timedelta(days=100)
    ServiceContract.create(
        unit=world.compound, company=company, starts_on=ends - dt.timedelta(700), ends_on=ends
    )
    client = client_of(app, "cstaff")
    page = client.get("/admin/owners/service_contract/").get_data(as_text=True)
    due = (ends - dt.timedelta(90)).isoformat()
    assert "badge-warning" in page and due in page
    form = client.get("/admin/owners/service_contract/new/").get_data(as_text=True)
    response = client.post(
        "/admin/owners/service_contract/new/",
        data={
            "unit": str(world.compound.id),
            "company": str(company.id),
            "starts_on": "2027-01-01",
            "ends_on": "2026-01-01",
            "fee_fen_per_m2": "180",
            "csrf_token": csrf_token(form),
        },
        follow_redirects=True,
    )
    assert "合同终止日期必须晚于开始日期" in response.get_data(as_text=True)
    assert ServiceContract.select().where(ServiceContract.unit == world.compound.id).count() == 1


def test_a_resident_files_and_rates_a_complaint_on_the_portal(app, world):
    client = client_of(app, "owner0")
    page = client.get("/portal/property/").get_data(as_text=True)
    assert "测试小区" in page
    text = client.post(
        "/portal/property/",
        data={
            "compound": str(world.compound.id),
            "title": "楼道灯不亮",
            "body": "3楼",
            "csrf_token": csrf_token(page),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "您的投诉已提交" in text and "楼道灯不亮" in text
    complaint = Complaint.get(Complaint.title == "楼道灯不亮")
    rate_url = f"/portal/property/complaint/{complaint.id}/rate"
    text = client.post(
        rate_url, data={"rating": "5", "csrf_token": csrf_token(text)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "投诉处理后才能评价" in text
    prop.handle_complaint(trusted(world.staff), complaint, "已更换灯泡")
    page = client.get("/portal/property/").get_data(as_text=True)
    assert "已更换灯泡" in page
    text = client.post(
        rate_url, data={"rating": "9", "csrf_token": csrf_token(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "评议分数须为 1 至 5 的整数" in text
    assert Complaint.get_by_id(complaint.id).rating is None
    # another owner cannot rate it
    stranger = client_of(app, "owner1")
    token = csrf_token(stranger.get("/portal/property/").get_data(as_text=True))
    assert stranger.post(rate_url, data={"rating": "1", "csrf_token": token}).status_code == 404
    client.post(rate_url, data={"rating": "4", "csrf_token": csrf_token(page)})
    assert Complaint.get_by_id(complaint.id).rating == 4


def test_staff_handle_complaints_and_see_overdue_ones(app, world):
    old = prop.file_complaint(
        trusted(world.users[0]), world.compound, "垃圾未清运", "", on=today() - dt.timedelta(20)
    )
    client = client_of(app, "cstaff")
    listing = client.get("/admin/owners/complaint/").get_data(as_text=True)
    assert "垃圾未清运" in listing and "已超期" in listing
    url = f"/admin/owners/complaint/handle/?id={old.id}"
    page = client.get(url).get_data(as_text=True)
    client.post(url, data={"handling": "已清运", "csrf_token": csrf_token(page)})
    assert Complaint.get_by_id(old.id).status == "handled"
    make_user("ostaff", "community_staff", OTHER)
    other = client_of(app, "ostaff")
    assert "垃圾未清运" not in other.get("/admin/owners/complaint/").get_data(as_text=True)
    text = other.get(url, follow_redirects=True).get_data(as_text=True)
    assert "该记录不存在，或您无权修改" in text


def test_the_demo_has_a_fund_a_vote_an_emergency_and_the_property_service(app, world):
    from core.models import TerritoryUnit
    from core.publicity.models import Publication
    from plugins.owners.assembly.models import Matter
    from plugins.owners.property.models import JointMeeting

    compound = TerritoryUnit.get(TerritoryUnit.name == "幸福家园小区")
    st = fund_reports.statement(compound, today() - dt.timedelta(400), today())
    deposits = sum(int(p.area * 100 * 100) for p in premises_in(compound))
    assert st.total("deposit") == deposits and st.total("interest") == 123456
    assert st.total("spending") == -1_250_000
    assert st.total("closing") == deposits + 123456 - 1_250_000
    roof = FundProposal.get(FundProposal.title == "1号楼屋面防水翻修")
    assert roof.status == "voting" and Matter.get_by_id(roof.matter_id).item == "5"
    lift = FundProposal.get(FundProposal.title == "2号楼电梯困人故障抢修")
    assert lift.status == "emergency" and fund.spent(lift) == 1_250_000
    joint = JointMeeting.get(JointMeeting.unit == compound.id)
    assert Publication.get_by_id(joint.publication_id).title == "联席会议决定：地下车库排水改造"
    assert Complaint.select().where(Complaint.unit == compound.id).count() == 2


def test_the_statement_prints_and_its_pdf_has_the_chinese_text(app, world):
    from core.testing.printed import pdf_text

    funded(world)
    client = client_of(app, "cstaff")
    start, end = today() - dt.timedelta(30), today()
    query = f"compound={world.compound.id}&start={start}&end={end}"
    page = client.get(f"/admin/owners/fund_entry/statement/?{query}").get_data(as_text=True)
    assert 'id="statement-print"' in page and 'id="statement-pdf"' in page
    printed = client.get(f"/admin/owners/fund_entry/statement/?{query}&format=print")
    text = printed.get_data(as_text=True)
    assert "维修资金对账单" in text and "101室" in text and "4000.00" in text
    assert ">打印</button>" in text and "format=pdf" in text
    pdf = client.get(f"/admin/owners/fund_entry/statement/?{query}&format=pdf")
    assert "filename*=UTF-8''" in pdf.headers["Content-Disposition"]
    words = pdf_text(pdf, squeeze=True)
    assert "维修资金对账单" in words and "101室" in words and "4000.00" in words
    make_user("ostaff2", "community_staff", OTHER)
    other = client_of(app, "ostaff2")
    for fmt in ("print", "pdf"):
        url = f"/admin/owners/fund_entry/statement/?{query}&format={fmt}"
        assert other.get(url).status_code == 404
