"""What users see: the admin registry, workflow steps, bad input in forms, the public search
without login, the dashboard and the open-data export."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from core.commands import Context
from plugins.socialorgs.models import Application, Organisation
from tests.conftest import csrf_token

from .conftest import XINGFU


def text(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def unit_id(app, code):
    from core.models import TerritoryUnit

    with app.app_context():
        return TerritoryUnit.get(TerritoryUnit.code == code).id


def create_form(client, app, **values):
    page = client.get("/admin/socialorgs/organisation/new/")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "unit": str(unit_id(app, XINGFU)),
        "name": "幸福社区合唱团",
        "org_type": "social_group",
        "category": "culture_sports",
        "party_status": "none",
        "legal_rep": "冯欢",
        "members_individual": "30",
        "members_unit": "0",
        "funds": "500",
        "kind": "filing",
        "x_staff_count": "2",
    }
    data.update(values)
    return client.post("/admin/socialorgs/organisation/new/", data=data, follow_redirects=True)


def test_registry_lists_the_demo_in_chinese(people, client_for):
    client = client_for("approver")
    page = text(client.get("/admin/socialorgs/organisation/"))
    for word in (
        "社会组织名录",
        "幸福社区夕阳红舞蹈队",
        "已备案",
        "已登记",
        "社会团体",
        "文体活动类",
    ):
        assert word in page, word
    assert "长青社区助残服务社" not in page  # another street


def test_create_through_the_admin_with_low_code_extras(people, client_for):
    app = people
    client = client_for("applicant")
    page = text(create_form(client, app))
    assert "幸福社区合唱团" in page
    with app.app_context():
        org = Organisation.get(Organisation.name == "幸福社区合唱团")
        assert org.state == "pending" and '"staff_count": 2' in org.extras
        assert Application.get(Application.organisation == org.id).state == "submitted"


def test_bad_input_in_the_form_is_refused_in_chinese(people, client_for):
    app = people
    client = client_for("applicant")
    with app.app_context():
        before = Organisation.select().count()
    page = text(create_form(client, app, name="幸福社区夕阳红舞蹈队"))
    assert "已有名为“幸福社区夕阳红舞蹈队”的社会组织。" in page
    page = text(create_form(client, app, x_staff_count="很多"))  # a low-code field
    assert "不是整数" in page
    with app.app_context():
        assert Organisation.select().count() == before


def test_approval_by_the_applicant_is_refused_on_the_page(people, client_for):
    app = people
    client = client_for("approver")  # street staff may apply too, but not approve their own
    create_form(client, app, name="幸福社区自荐协会")
    with app.app_context():
        application = Application.get(
            Application.organisation == Organisation.get(Organisation.name == "幸福社区自荐协会").id
        )
    url = f"/admin/socialorgs/application/details/?id={application.id}"
    details = client.get(url)
    token = csrf_token(details.get_data(as_text=True))
    post = {"csrf_token": token, "id": str(application.id), "url": url}
    client.post(
        "/admin/socialorgs/application/transition/",
        data={**post, "transition": "accept_filing"},
    )
    page = text(
        client.post(
            "/admin/socialorgs/application/transition/",
            data={**post, "transition": "approve"},
            follow_redirects=True,
        )
    )
    assert "申请人不能审批自己提交的申请。" in page
    with app.app_context():
        assert Application.get_by_id(application.id).state == "under_review"


def test_public_search_without_login(people):
    client = people.test_client()
    assert client.get("/public/socialorgs/").status_code == 404  # which district?
    page = text(client.get("/public/socialorgs/?district=990101&q=幸福社区"))
    assert "社会组织公开查询" in page and "幸福社区夕阳红舞蹈队" in page
    assert "幸福社区儿童阅读会" not in page  # still applying: not public
    with people.app_context():
        org = Organisation.get(Organisation.credit_code.is_null(False))
        code = org.credit_code
    page = text(client.get(f"/public/socialorgs/?q={code.lower()}"))
    assert org.name in page and code in page
    assert "活动异常名录" in text(client.get("/public/socialorgs/?q=幸福社区邻里互助会"))
    page = text(client.get("/public/socialorgs/?q=不存在的组织"))
    assert "没有与“不存在的组织”相符的社会组织。" in page
    assert "身份证" not in page


def test_public_search_asks_a_fixed_number_of_queries_whatever_the_hits(people, caplog):
    """The credit lists of a page of results are read in one query, not one per result."""
    import logging

    from core.models import TerritoryUnit
    from plugins.socialorgs.models import CreditListing

    client = people.test_client()
    with people.app_context():
        unit = TerritoryUnit.get(TerritoryUnit.code == XINGFU)
        for n in range(12):
            org = Organisation.create(
                unit=unit, name=f"查询计数互助会{n:02d}", state="filed", legal_form="filed"
            )
            if n % 3 == 0:
                CreditListing.create(
                    unit=unit, organisation=org, list_kind="abnormal", state="listed",
                    reason="测试", listed_on="2026-01-05", clock_from="2026-01-05",
                    removable_on="2026-07-05",
                )  # fmt: skip

    def reads(q):
        caplog.set_level(logging.DEBUG, logger="peewee")
        caplog.clear()
        page = text(client.get(f"/public/socialorgs/?district=990101&q={q}"))
        listing = [r for r in caplog.records if "socialorgs_listing" in r.getMessage()]
        return page, len(listing)

    one, few = reads("查询计数互助会00")
    many, more = reads("查询计数互助会")
    assert "查询计数互助会00" in one and many.count("查询计数互助会") >= 12
    assert many.count("活动异常名录") >= 4  # the four listed ones say so
    assert few == more == 1
    _none, nothing = reads("没有这个组织")
    assert nothing == 0


@pytest.mark.awkward_days
def test_dashboard_shows_targets_rate_and_deadlines(people, admin):
    page = text(admin.get("/admin/"))
    for word in (
        "社会组织数量达标的社区",
        "登记备案率",
        "即将到期事项",
        "12个月未开展活动",
        "社会团体",
    ):
        assert word in page, word


def test_open_data_export_csv_and_xlsx(people, admin):
    from core import workdays

    day = workdays.today().isoformat()
    page = text(admin.get("/admin/socialorgs/export/"))
    assert "开放数据导出" in page and day in page
    response = admin.get("/admin/socialorgs/export/csv")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert f"organisation_{day}.csv" in names and f"credit_list_history_{day}.csv" in names
    main = archive.read(f"organisation_{day}.csv").decode("utf-8-sig")
    assert main.startswith("date_of_extract,organisation_number,identifier,name")
    assert "幸福社区夕阳红舞蹈队" in main and day in main
    assert "幸福社区儿童阅读会" not in main
    book = zipfile.ZipFile(io.BytesIO(admin.get("/admin/socialorgs/export/xlsx").data))
    assert "xl/worksheets/sheet6.xml" in book.namelist()
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "幸福社区夕阳红舞蹈队" in sheet and "date_of_extract" in sheet


def test_purchased_services_priority_and_three_party_score(people, admin):
    import datetime as dt

    from core import workdays
    from plugins.socialorgs.models import PurchaseProject

    app = people
    with app.app_context():
        org = Organisation.get(Organisation.name == "幸福社区邻里互助会")
        Organisation.update(grade="3A", grade_valid_until=dt.date(2099, 1, 1)).where(
            Organisation.id == org.id
        ).execute()
        before = PurchaseProject.select().count()
    page = admin.get("/admin/socialorgs/purchase/new/")
    year = workdays.today().year
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "title": "社区助餐服务",
        "unit": str(unit_id(app, XINGFU)),
        "purchaser": "东湖街道办事处",
        "organisation": str(org.id),
        "budget": "0",
        "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
        "purchaser_score": "90",
        "users_score": "80",
        "third_party_score": "70",
    }
    bad = text(admin.post("/admin/socialorgs/purchase/new/", data=data, follow_redirects=True))
    assert "预算金额必须大于零。" in bad
    late = {**data, "budget": "1000", "ends_on": f"{year - 1}-01-01"}
    bad = text(admin.post("/admin/socialorgs/purchase/new/", data=late, follow_redirects=True))
    assert "结束日期不能早于开始日期。" in bad
    with app.app_context():
        assert PurchaseProject.select().count() == before
    good = {**data, "budget": "80000"}
    admin.post("/admin/socialorgs/purchase/new/", data=good, follow_redirects=True)
    listing = text(admin.get("/admin/socialorgs/purchase/?search=社区助餐服务"))
    assert "社区助餐服务" in listing and "优先（3A以上）" in listing and "81.0" in listing


def test_incubation_and_activity_in_the_admin(people, admin):
    import datetime as dt

    from core import workdays
    from plugins.socialorgs.models import Incubation

    app = people
    with app.app_context():
        org = Organisation.get(Organisation.name == "幸福社区平安协会")
    page = admin.get("/admin/socialorgs/incubation/new/")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "organisation": str(org.id),
        "programme": "2026年公益创投",
        "base": "东湖街道社会组织孵化基地",
        "subsidy": "5000",
        "starts_on": "2026-03-01",
        "ends_on": "2025-03-01",
    }
    bad = text(admin.post("/admin/socialorgs/incubation/new/", data=data, follow_redirects=True))
    assert "结束日期不能早于开始日期。" in bad
    data["ends_on"] = "2026-12-31"
    admin.post("/admin/socialorgs/incubation/new/", data=data, follow_redirects=True)
    with app.app_context():
        assert Incubation.get(Incubation.organisation == org.id).unit_id == org.unit_id
    page = admin.get("/admin/socialorgs/activity/new/")
    held = workdays.today() - dt.timedelta(days=1)
    admin.post(
        "/admin/socialorgs/activity/new/",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "organisation": str(org.id),
            "held_on": held.isoformat(),
            "title": "平安巡逻",
            "participants": "12",
        },
        follow_redirects=True,
    )
    with app.app_context():
        assert Organisation.get_by_id(org.id).last_activity_on == held


def test_details_pages_show_history_identifier_and_steps(people, client_for):
    from plugins.socialorgs.models import CreditListing

    app = people
    client = client_for("approver")
    with app.app_context():
        org = Organisation.get(Organisation.name == "幸福社区邻里互助会")
        listing = CreditListing.get(CreditListing.organisation == org.id)
        pending = Application.get(
            Application.organisation
            == Organisation.get(Organisation.name == "幸福社区儿童阅读会").id
        )
    page = text(client.get(f"/admin/socialorgs/organisation/details/?id={org.id}"))
    for word in (
        "组织标识",
        f"CN-USCI-{org.credit_code}",
        "幸福社区",
        "章程版本",
        "v1",
        "信用名单记录",
        "活动异常名录 · 列入",
    ):
        assert word in page, word
    assert "进入清算" in page and "撤销登记/备案" in page  # steps the street may take
    page = text(client.get(f"/admin/socialorgs/listing/details/?id={listing.id}"))
    assert "受到警告或5万元以下罚款" in page and "列入" in page
    page = text(client.get(f"/admin/socialorgs/application/details/?id={pending.id}"))
    assert "待受理" in page and "受理" in page and "退回补正" in page


@pytest.mark.awkward_days
def test_portal_tasks_and_overdue_items(people, client_for):
    import datetime as dt

    from core import workdays
    from core.models import TerritoryUnit
    from plugins.socialorgs import reports

    app = people
    page = text(client_for("approver").get("/portal/"))
    assert "待审批申请：幸福社区儿童阅读会" in page
    with app.app_context():
        late = workdays.today() - dt.timedelta(days=3)
        Application.update(due=late).where(Application.state == "submitted").execute()
        district = TerritoryUnit.get(TerritoryUnit.code == "990101")
        with app.test_request_context("/"):
            items = reports.overdue_items(district)
    assert any("申请办理逾期：幸福社区儿童阅读会" == str(i.title) for i in items)


def test_the_application_extras_are_a_low_code_definition_districts_can_change(people, admin):
    import json

    from forms.models import FormDefinition
    from forms.services import save_definition
    from plugins.socialorgs.forms import EXTRAS_KEY, shipped_definition

    app = people
    with app.app_context():
        assert FormDefinition.get(FormDefinition.key == EXTRAS_KEY).plugin == "socialorgs"
        data = shipped_definition()
        data["sections"][0]["fields"].append(
            {"key": "hall", "type": "text", "label_zh": "活动场地面积", "required": True}
        )
        from core.models import TerritoryUnit

        save_definition(
            Context.trusted(),
            json.loads(json.dumps(data)),
            TerritoryUnit.get(TerritoryUnit.code == "990101"),
        )
    page = admin.get("/admin/socialorgs/organisation/new/")
    assert "活动场地面积" in text(page)
    result = text(create_form(admin, app, name="幸福社区园艺社"))
    assert "必填" in result
    with app.app_context():
        assert not Organisation.select().where(Organisation.name == "幸福社区园艺社").exists()


def test_free_text_reasons_are_shown_escaped_and_system_reasons_translated(people, client_for):
    """An objection and a removal reason are staff's free text: shown as typed and escaped on
    the listing, the organisation and the credit-list column (never run as script); the
    reason the system wrote is shown in Chinese."""
    from core.models import User
    from plugins.socialorgs import services
    from plugins.socialorgs.models import CreditListing

    app = people
    payload = "<script>xss-objection-7f3a</script>"
    removal = '"><img src=x onerror=alert(1)>removal-7f3a'
    with app.app_context():
        org = Organisation.get(Organisation.name == "幸福社区邻里互助会")
        listing = CreditListing.get(CreditListing.organisation == org.id)
        applicant = User.get(User.username == "applicant")
        approver = User.get(User.username == "approver")
        services.object_to(Context.of(applicant), listing, payload)
        services.remove_listing(Context.trusted(actor=approver), listing, removal, early=True)
        CreditListing.update(reason=payload).where(CreditListing.id == listing.id).execute()
    client = client_for("approver")
    pages = {
        "listing": f"/admin/socialorgs/listing/details/?id={listing.id}",
        "organisation": f"/admin/socialorgs/organisation/details/?id={org.id}",
        "list column": "/admin/socialorgs/listing/",
    }
    for name, url in pages.items():
        html = client.get(url).get_data(as_text=True)
        assert "&lt;script&gt;xss-objection-7f3a&lt;/script&gt;" in html, name
        assert "<script>xss-objection-7f3a" not in html, name
        assert "<img src=x" not in html, name
    html = client.get(pages["listing"]).get_data(as_text=True)
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;removal-7f3a" in html
    assert "受到警告或5万元以下罚款" in text(client.get(pages["listing"]))


def test_only_the_declared_system_reasons_are_translated():
    from plugins.socialorgs import rules
    from plugins.socialorgs.models import reason_label

    assert rules.is_system_reason("Objection upheld")
    assert not rules.is_system_reason("Objection")  # a msgid of the catalogue, typed by staff
    assert reason_label("Objection") == "Objection"
    assert type(reason_label("<b>x</b>")) is str and reason_label("<b>x</b>") == "<b>x</b>"


def test_the_registration_record_prints_within_the_details_scope(people, client_for):
    from core.testing.printed import pdf_text

    with people.app_context():
        org = Organisation.get(Organisation.name == "幸福社区夕阳红舞蹈队")
    client = client_for("approver")
    details = client.get(f"/admin/socialorgs/organisation/details/?id={org.id}")
    assert "打印 · 登记备案记录" in details.get_data(as_text=True)
    url = f"/admin/socialorgs/organisation/print/record/?id={org.id}"
    page = client.get(url).get_data(as_text=True)
    assert (
        "幸福社区夕阳红舞蹈队 登记备案记录" in page
        and "<th>名称</th><td>幸福社区夕阳红舞蹈队</td>" in page
    )
    assert 'id="org-charters"' in page  # what the details page adds, printed too
    words = pdf_text(client.get(url + "&format=pdf"), squeeze=True)
    assert "幸福社区夕阳红舞蹈队登记备案记录" in words
    other = client_for("other_applicant")  # 长青社区: another street
    assert other.get(url).status_code == 404
    assert other.get(url + "&format=pdf").status_code == 404
