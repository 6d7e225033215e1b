"""The time bank in the admin: volunteers, the approval queue, certificates, the ledger
pages, the dashboard and the policy settings."""

from __future__ import annotations

import re

from core import workdays
from core.commands import Context
from plugins.timebank import services
from plugins.timebank.models import Account, ServiceRecord, Volunteer
from tests.conftest import csrf_token, make_user

from .conftest import IDS, OTHER
from .test_portal import client_of, post


def test_staff_register_a_volunteer_only_with_consent(app, tb):
    client = client_of(app, "staff")
    data = {
        "unit": str(tb.community.id),
        "name": "孙大伟",
        "id_number": IDS[4],
        "mobile": "13700137000",
        "source": "party_member",
    }
    page = post(client, "/admin/timebank/volunteer/new/", data).get_data(as_text=True)
    assert "须经志愿者同意记录和使用其个人信息用于志愿服务。" in page
    assert not Volunteer.select().where(Volunteer.name == "孙大伟").exists()
    page = post(
        client, "/admin/timebank/volunteer/new/", {**data, "id_number": "320102198802280058"}
    )
    page = page.get_data(as_text=True)
    assert (
        "身份证号码" in page and not Volunteer.select().where(Volunteer.name == "孙大伟").exists()
    )
    post(client, "/admin/timebank/volunteer/new/", {**data, "consent": "y"})
    vol = Volunteer.get(Volunteer.name == "孙大伟")
    assert vol.status == "active"
    assert {a.kind for a in Account.select().where(Account.volunteer == vol.id)} == {
        "hours",
        "credits",
    }
    page = post(client, "/admin/timebank/volunteer/new/", {**data, "consent": "y"}).get_data(
        as_text=True
    )
    assert "本区已有该身份证号码的志愿者注册。" in page
    listing = client.get("/admin/timebank/volunteer/").get_data(as_text=True)
    assert "孙大伟" in listing and IDS[4] in listing  # community staff may view personal data


def test_approval_queue_and_bulk_approval(app, tb):
    vol0, vol1 = tb.volunteer(0), tb.volunteer(1)
    a, b = tb.confirmed(vol0), tb.confirmed(vol1)
    waiting = tb.record(vol1, hours_ago=10)  # not confirmed yet: not in the queue
    client = client_of(app, "approver")
    queue = client.get("/admin/timebank/queue/").get_data(as_text=True)
    assert f"id={a.id}" in queue and f"id={b.id}" in queue and f"id={waiting.id}" not in queue
    page = client.post(
        "/admin/timebank/queue/action/",
        data={
            "action": "approve",
            "rowid": [str(a.id), str(b.id)],
            "csrf_token": csrf_token(queue),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已审核通过 2 条服务记录。" in page
    assert {r.status for r in ServiceRecord.select().where(ServiceRecord.id.in_([a.id, b.id]))} == {
        "approved"
    }
    assert services.verify() == []
    staff = client_of(app, "staff")  # community staff may not approve
    queue = staff.get("/admin/timebank/record/").get_data(as_text=True)
    c = tb.confirmed(vol0, hours_ago=20)
    staff.post(
        "/admin/timebank/record/action/",
        data={"action": "approve", "rowid": [str(c.id)], "csrf_token": csrf_token(queue)},
        follow_redirects=True,
    )
    assert ServiceRecord.get_by_id(c.id).status == "pending_review"


def test_reject_with_a_reason_from_the_admin(app, tb):
    record = tb.confirmed(tb.volunteer(0))
    client = client_of(app, "approver")
    url = f"/admin/timebank/record/reject/?id={record.id}"
    page = post(client, url, {"reason": ""}).get_data(as_text=True)
    assert "请填写原因。" in page
    assert ServiceRecord.get_by_id(record.id).status == "pending_review"
    post(client, url, {"reason": "时长与签到不符"})
    assert ServiceRecord.get_by_id(record.id).reject_reason == "时长与签到不符"


def test_staff_log_a_service_confirmed_as_organiser(app, tb):
    vol = tb.volunteer(0)
    client = client_of(app, "staff")
    form = {
        "volunteer": str(vol.id),
        "started_at": "2026-11-20T09:00",
        "ended_at": "2026-11-20T11:00",
        "minutes": "120",
        "content": "社区环境整治",
        "service_type": "environment",
        "target_group": "community",
        "organiser_confirmed": "y",
    }
    page = post(client, "/admin/timebank/record/new/", {**form, "minutes": "200"}).get_data(
        as_text=True
    )
    assert "服务时长不能超过开始到结束的时段。" in page
    page = post(client, "/admin/timebank/record/new/", form).get_data(as_text=True)
    assert "服务记录已保存。" in page
    record = ServiceRecord.get(ServiceRecord.content == "社区环境整治")
    assert (record.status, record.confirm_method) == ("pending_review", "organiser")


def test_certificate_issue_and_revoke_in_the_admin(app, tb):
    vol = tb.volunteer(0)
    tb.approved(vol)
    client = client_of(app, "approver")
    today = workdays.today()
    form = {
        "volunteer": str(vol.id),
        "period_start": (today.replace(day=1)).isoformat(),
        "period_end": today.isoformat(),
        "issuer_name": "西山街道志愿服务站",
    }
    page = post(client, "/admin/timebank/certificate/new/", form).get_data(as_text=True)
    number = re.search(r"ZM990101-\d{4}-\d{6}", page).group(0)
    assert f"已出具证明 {number}。" in page
    details = client.get("/admin/timebank/certificate/").get_data(as_text=True)
    assert number in details


def test_ledger_operation_page_redeems_and_refuses_overdraft(app, tb):
    vol = tb.volunteer(0)
    tb.approved(vol)
    client = client_of(app, "approver")
    url = "/admin/timebank/account/operate/"
    page = post(
        client,
        url,
        {"operation": "spend", "volunteer": str(vol.id), "minutes": "90", "memo": "助浴"},
    ).get_data(as_text=True)
    assert "余额不足" in page
    page = post(
        client,
        url,
        {"operation": "spend", "volunteer": str(vol.id), "minutes": "30", "memo": "助浴"},
    ).get_data(as_text=True)
    assert "已记账。" in page
    assert services.balances(vol)["credits"] == 30
    accounts = client.get("/admin/timebank/account/").get_data(as_text=True)
    assert "0:30" in accounts and "记账操作" in accounts


def test_dashboard_shows_the_registration_rate_and_the_queue(app, tb):
    tb.confirmed(tb.volunteer(0))
    client = client_of(app, "approver")
    page = client.get("/admin/").get_data(as_text=True)
    assert "注册志愿者占常住人口比例" in page
    assert "待审核的服务记录" in page
    assert "每月审核通过的服务时长" in page


def test_policy_settings_are_validated(app, tb, admin):
    from tests.core.test_settings_admin import save

    page = save(admin, "timebank", "transfer_policy", "friends")
    assert "必须是 none, relatives, anyone 之一。" in page
    page = save(admin, "timebank", "star_levels", "300,100")
    assert "请填写递增的小时数" in page
    page = save(admin, "timebank", "storage_cap_hours", "-1")
    assert "不能小于 0" in page
    district = tb.community.district_id
    assert services.policy(district).transfer_policy == "relatives"
    save(admin, "timebank", "transfer_policy", "anyone")
    assert services.policy(district).transfer_policy == "anyone"


def test_other_communitys_staff_cannot_act_on_our_records(app, tb):
    from tests.conftest import make_user

    from .conftest import OTHER

    make_user("outsider", "street_staff", OTHER[:9], "subtree")  # 东湖街道: not ours
    vol = tb.volunteer(0)
    record = tb.confirmed(vol)
    client = client_of(app, "outsider")
    page = post(client, f"/admin/timebank/record/reject/?id={record.id}", {"reason": "越权"})
    assert "该记录不存在，或您无权修改。" in page.get_data(as_text=True)
    page = post(
        client,
        "/admin/timebank/certificate/new/",
        {
            "volunteer": str(vol.id),
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "issuer_name": "东湖街道",
        },
    )
    assert "您的辖区内没有该编号的志愿者。" in page.get_data(as_text=True)
    page = post(
        client,
        "/admin/timebank/account/operate/",
        {
            "operation": "grant",
            "volunteer": str(vol.id),
            "minutes": "10",
            "memo": "越权",
        },
    )
    assert "您的辖区内没有该编号的志愿者。" in page.get_data(as_text=True)
    assert ServiceRecord.get_by_id(record.id).status == "pending_review"
    assert services.balances(vol) == {"hours": 0, "credits": 0}


def test_service_record_ledger_exports_as_csv_with_local_times(app, tb):
    tb.approved(tb.volunteer(0))
    client = client_of(app, "approver")
    csv = client.get("/admin/timebank/record/export/csv/").get_data(as_text=True)
    assert "陪老人聊天" in csv and "1:00" in csv and "已通过" in csv
    transfers = client.get("/admin/timebank/transfer/export/csv/").get_data(as_text=True)
    assert "服务记账" in transfers


def test_the_certificate_prints_with_its_records_and_stays_in_scope(app, tb):
    from core.testing.printed import pdf_text
    from plugins.timebank.models import Certificate

    vol = tb.volunteer(0)
    tb.approved(vol)
    today = workdays.today()
    cert = services.issue_certificate(
        Context.of(tb.approver), vol, today.replace(day=1), today, "长青社区居民委员会", "王主任"
    )
    client = client_of(app, "approver")
    details = client.get(f"/admin/timebank/certificate/details/?id={cert.id}")
    assert "打印 · 志愿服务记录证明" in details.get_data(as_text=True)
    url = f"/admin/timebank/certificate/print/certificate/?id={cert.id}"
    page = client.get(url).get_data(as_text=True)
    for text in ("志愿服务记录证明", cert.number, "长青社区居民委员会", "计入的服务记录", "打印人"):
        assert text in page, text
    pdf = client.get(url + "&format=pdf")
    assert "filename*=UTF-8''%E5%BF%97%E6%84%BF" in pdf.headers["Content-Disposition"]
    words = pdf_text(pdf, squeeze=True)
    assert "志愿服务记录证明" in words and "长青社区居民委员会" in words and cert.number in words
    # staff of another community see neither the print view nor the PDF
    make_user("staff_other", "community_staff", OTHER)
    other = client_of(app, "staff_other")
    assert other.get(url).status_code == 404
    assert other.get(url + "&format=pdf").status_code == 404
    assert Certificate.get_by_id(cert.id).number == cert.number
