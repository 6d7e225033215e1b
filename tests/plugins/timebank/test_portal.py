"""The volunteer's portal on a phone, and the public certificate pages."""

from __future__ import annotations

import datetime as dt
import re

from core import workdays
from core.commands import Context
from core.models import utcnow
from core.testing import DISTRICT
from plugins.timebank import services
from plugins.timebank.models import Certificate, ServiceRecord, Shift, SignUp, Volunteer
from tests.conftest import csrf_token, login, make_user

from .conftest import COMMUNITY, IDS, user


def client_of(app, username):
    client = app.test_client()
    assert login(client, username, "Passw0rd-long").status_code == 302
    return client


def post(client, url, data):
    token = csrf_token(client.get(url, follow_redirects=True).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def page_post(client, page_url, action_url, data=None):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(
        action_url, data={**(data or {}), "csrf_token": token}, follow_redirects=True
    )


def registration(community_id, **overrides):
    data = {
        "name": "陈小红",
        "id_number": IDS[3],
        "mobile": "13900139000",
        "community": str(community_id),
        "source": "retiree",
        "skills": "唱歌",
        "consent": "y",
        # the registration extras: the plugin's default low-code form definition
        "interests": ["elderly", "culture"],
        "emergency_contact": "陈大明",
        "emergency_mobile": "13900139001",
        "health_ok": "yes",
        "weekly_hours": "4",
    }
    data.update(overrides)
    return data


def test_self_registration_is_reviewed_then_the_portal_opens(app, tb):
    make_user("resident1", "resident", COMMUNITY, "own")
    client = client_of(app, "resident1")
    welcome = client.get("/portal/timebank/").get_data(as_text=True)
    assert "注册志愿者" in welcome

    page = post(client, "/portal/timebank/register", registration(tb.community.id, consent=""))
    assert "注册前须同意个人信息的使用。" in page.get_data(as_text=True)
    page = post(client, "/portal/timebank/register", registration(tb.community.id, id_number="123"))
    assert "身份证号码" in page.get_data(as_text=True)
    page = post(client, "/portal/timebank/register", registration(tb.community.id, mobile="12345"))
    page = post(
        client, "/portal/timebank/register", registration(tb.community.id, emergency_mobile="123")
    )
    assert "紧急联系人手机" in page.get_data(as_text=True)
    page = post(
        client, "/portal/timebank/register", registration(tb.community.id, weekly_hours="99")
    )
    assert "每周可服务小时数" in page.get_data(as_text=True)
    assert Volunteer.select().where(Volunteer.name == "陈小红").count() == 0

    page = post(client, "/portal/timebank/register", registration(tb.community.id))
    assert "感谢注册，社区将尽快审核。" in page.get_data(as_text=True)
    vol = Volunteer.get(Volunteer.name == "陈小红")
    assert (vol.status, vol.user_id, vol.consent_at is not None) == (
        "pending",
        user("resident1").id,
        True,
    )
    assert "您的注册正在等待社区审核。" in client.get("/portal/timebank/").get_data(as_text=True)

    staff = client_of(app, "approver")
    details = staff.get(f"/admin/timebank/volunteer/details/?id={vol.id}").get_data(as_text=True)
    assert "紧急联系人：陈大明" in details and "服务意向：助老助残、文体活动" in details
    services.set_status(Context.of(tb.approver), vol, "approve")
    home = client.get("/portal/timebank/").get_data(as_text=True)
    assert "登记服务" in home and 'id="balances"' in home


def test_sign_up_waiting_list_check_in_and_out(app, tb):
    a = tb.volunteer(0, login="vola")
    b = tb.volunteer(1, login="volb")
    from plugins.timebank.models import Activity

    activity = Activity.create(unit=tb.community, title="社区义诊", service_type="other")
    start = utcnow() + dt.timedelta(hours=2)
    shift = Shift.create(
        unit=tb.community,
        activity=activity,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=1,
    )
    ca, cb = client_of(app, "vola"), client_of(app, "volb")
    url = f"/portal/timebank/shift/{shift.id}/signup"
    assert "报名成功。" in page_post(ca, "/portal/timebank/", url).get_data(as_text=True)
    assert "该班次已满，您已进入候补名单。" in page_post(cb, "/portal/timebank/", url).get_data(
        as_text=True
    )
    again = page_post(ca, "/portal/timebank/", url).get_data(as_text=True)
    assert "您已报名该班次。" in again

    first = SignUp.get(SignUp.volunteer == a.id)
    page_post(ca, "/portal/timebank/", f"/portal/timebank/signup/{first.id}/cancel")
    assert SignUp.get(SignUp.volunteer == b.id).state == "signed"  # moved up from the list

    second = SignUp.get(SignUp.volunteer == b.id)
    # someone else's sign-up is not found
    assert (
        page_post(
            ca, "/portal/timebank/", f"/portal/timebank/signup/{second.id}/checkin"
        ).status_code
        == 404
    )
    # check out before check in is refused
    page = page_post(cb, "/portal/timebank/", f"/portal/timebank/signup/{second.id}/checkout")
    assert "请先签到再签退。" in page.get_data(as_text=True)
    page_post(cb, "/portal/timebank/", f"/portal/timebank/signup/{second.id}/checkin")
    signup = SignUp.get_by_id(second.id)
    signup.checked_in_at = utcnow() - dt.timedelta(minutes=95)  # served 95 minutes
    signup.save()
    page = page_post(cb, "/portal/timebank/", f"/portal/timebank/signup/{second.id}/checkout")
    assert "签退成功" in page.get_data(as_text=True)
    record = ServiceRecord.get(ServiceRecord.signup == second.id)
    assert (record.status, record.minutes, record.source) == (
        "pending_confirmation",
        95,
        "checkout",
    )


def test_log_show_qr_and_confirm_by_the_person_served(app, tb):
    tb.volunteer(0, login="vol0")
    make_user("grandma", "resident", COMMUNITY, "own")
    client = client_of(app, "vol0")
    start = (utcnow() + dt.timedelta(hours=8) - dt.timedelta(hours=3)).replace(
        second=0, microsecond=0
    )
    form = {
        "started_at": start.strftime("%Y-%m-%dT%H:%M"),  # local time typed on the phone
        "ended_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "50",
        "content": "帮赵奶奶买菜",
        "service_type": "daily_care",
        "target_group": "elderly",
        "served_name": "赵奶奶",
    }
    bad = post(client, "/portal/timebank/log", {**form, "ended_at": form["started_at"]})
    assert "服务结束时间必须晚于开始时间。" in bad.get_data(as_text=True)
    bad = post(client, "/portal/timebank/log", {**form, "minutes": "0"})
    assert "服务时长必须大于零分钟。" in bad.get_data(as_text=True)
    assert ServiceRecord.select().where(ServiceRecord.content == "帮赵奶奶买菜").count() == 0

    page = post(client, "/portal/timebank/log", form).get_data(as_text=True)
    assert "已保存，请向服务对象出示确认码。" in page
    assert "<svg" in page  # the QR code
    record = ServiceRecord.get(ServiceRecord.content == "帮赵奶奶买菜")
    assert record.minutes == 50 and record.status == "pending_confirmation"
    confirm_url = f"/timebank/confirm/{record.confirm_token}?district={DISTRICT}"
    assert confirm_url in page.replace("&amp;", "&")  # the QR code's link, public
    old_link = client.get(f"/portal/timebank/confirm/{record.confirm_token}")
    assert old_link.status_code == 308 and old_link.headers["Location"].endswith(confirm_url)

    own = post(client, confirm_url, {"name": "我", "method": "served"}).get_data(as_text=True)
    assert "不能确认自己的服务。" in own
    grandma = client_of(app, "grandma")
    shown = grandma.get(confirm_url).get_data(as_text=True)
    assert "帮赵奶奶买菜" in shown and "志愿者0" in shown
    done = post(grandma, confirm_url, {"name": "赵奶奶", "method": "served"}).get_data(as_text=True)
    assert "谢谢，服务已确认。" in done
    assert ServiceRecord.get_by_id(record.id).status == "pending_review"
    again = post(grandma, confirm_url, {"name": "赵奶奶", "method": "served"}).get_data(
        as_text=True
    )
    assert "该服务已确认过。" in again
    assert "确认码无效" in grandma.get("/timebank/confirm/forged").get_data(as_text=True)


def test_the_person_served_confirms_without_an_account_until_the_link_expires(app, tb):
    import time_machine

    vol = tb.volunteer(0, login="vol0")
    ended = dt.datetime(2026, 12, 24, 10, 0)  # the limit (7 days) ends on New Year's Eve
    form = {
        "started_at": "2026-12-24T09:00",
        "ended_at": "2026-12-24T10:00",
        "minutes": "60",
        "content": "陪钱爷爷理发",
        "service_type": "daily_care",
        "target_group": "elderly",
        "served_name": "钱爷爷",
    }
    with time_machine.travel(dt.datetime(2026, 12, 24, 8, 0, tzinfo=dt.UTC), tick=False):
        post(client_of(app, "vol0"), "/portal/timebank/log", form)
    record = ServiceRecord.get(ServiceRecord.content == "陪钱爷爷理发")
    assert record.volunteer_id == vol.id and record.ended_at.date() == ended.date()
    url = f"/timebank/confirm/{record.confirm_token}?district={DISTRICT}"
    with time_machine.travel(dt.datetime(2027, 1, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        stranger = app.test_client()  # no account, on New Year's Day: too late
        page = stranger.get(url).get_data(as_text=True)
        assert "陪钱爷爷理发" in page and "帮赵奶奶买菜" not in page
        late = post(stranger, url, {"name": "钱爷爷", "method": "served"}).get_data(as_text=True)
        assert "该确认码已于 2026-12-31 过期，请联系社区工作人员确认服务。" in late
    assert ServiceRecord.get_by_id(record.id).status == "pending_confirmation"
    with time_machine.travel(dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC), tick=False):
        stranger = app.test_client()  # 23:30 on New Year's Eve in Beijing: still in time
        done = post(stranger, url, {"name": "钱爷爷", "method": "served"}).get_data(as_text=True)
        assert "谢谢，服务已确认。" in done
        again = post(stranger, url, {"name": "钱爷爷", "method": "served"}).get_data(as_text=True)
        assert "该服务已确认过。" in again
    stored = ServiceRecord.get_by_id(record.id)
    assert stored.status == "pending_review" and stored.confirmed_name == "钱爷爷"
    assert stored.confirmed_by_id is None


def test_balances_history_gift_and_donate_on_the_portal(app, tb):
    vol = tb.volunteer(0, login="vol0")
    tb.volunteer(2)
    tb.approved(vol, minutes=120, length=120)
    client = client_of(app, "vol0")
    home = client.get("/portal/timebank/").get_data(as_text=True)
    assert re.search(r'id="hours">2:00<', home) and re.search(r'id="credits">2:00<', home)
    page = post(
        client,
        "/portal/timebank/gift",
        {"receiver_id_number": IDS[2], "relationship": "other", "minutes": "30"},
    )
    assert "时间币只能转赠给配偶或直系亲属。" in page.get_data(as_text=True)
    page = post(
        client,
        "/portal/timebank/gift",
        {"receiver_id_number": IDS[2], "relationship": "child", "minutes": "500"},
    )
    assert "余额不足" in page.get_data(as_text=True)
    page = post(
        client,
        "/portal/timebank/gift",
        {"receiver_id_number": IDS[2], "relationship": "child", "minutes": "30"},
    )
    assert "时间币已转赠。" in page.get_data(as_text=True)
    page = post(client, "/portal/timebank/donate", {"minutes": "-3"})
    assert "分钟数必须大于零。" in page.get_data(as_text=True)
    page = post(client, "/portal/timebank/donate", {"minutes": "30"}).get_data(as_text=True)
    assert "感谢您向社区公益池捐赠。" in page
    assert "转赠亲属" in page and "捐赠公益池" in page and "服务记账" in page
    assert services.balances(vol) == {"hours": 120, "credits": 60}


def test_certificate_public_verification_masks_identity(app, tb):
    vol = tb.volunteer(0, login="vol0")
    tb.approved(vol, minutes=120, length=120)
    today = workdays.today()
    cert = services.issue_certificate(
        Context.of(tb.approver),
        vol,
        today - dt.timedelta(days=30),
        today,
        "长青社区居民委员会",
        "王主任",
        "0571-1234567",
    )
    assert re.fullmatch(r"ZM990101-\d{4}-000001", cert.number)
    assert cert.minutes == 120
    anonymous = app.test_client()
    page = anonymous.get(f"/timebank/verify?district=990101&number={cert.number}").get_data(
        as_text=True
    )
    assert "该证明有效。" in page
    assert "志*" in page and IDS[0] not in page and "2.0" in page
    assert anonymous.get(f"/timebank/certificate/{cert.number}?district=990101").status_code == 404
    missing = anonymous.get("/timebank/verify?district=990101&number=ZM990101-2026-999999")
    assert "没有该编号的证明。" in missing.get_data(as_text=True)

    holder = client_of(app, "vol0")
    full = holder.get(f"/timebank/certificate/{cert.number}").get_data(as_text=True)
    for text in ("志愿服务记录证明", cert.number, IDS[0], "长青社区居民委员会", "王主任", "2.0"):
        assert text in full
    pdf = holder.get(f"/timebank/certificate/{cert.number}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    services.revoke_certificate(Context.of(tb.approver), cert, "记录有误")
    page = anonymous.get(f"/timebank/verify?district=990101&number={cert.number}").get_data(
        as_text=True
    )
    assert "该证明已撤销：记录有误" in page
    assert Certificate.get_by_id(cert.id).revoked_at is not None


def test_certificate_refusals(tb):
    import pytest

    from core.services import ServiceError

    vol = tb.volunteer(0)
    today = workdays.today()
    cases = [
        ((today, today - dt.timedelta(days=1), "单位"), "期间结束日期不能早于开始日期。"),
        ((today, today + dt.timedelta(days=1), "单位"), "证明不能包含尚未到来的日期。"),
        ((today - dt.timedelta(days=9), today, " "), "请填写出具单位名称。"),
        ((today - dt.timedelta(days=9), today, "单位"), "该志愿者在此期间没有审核通过的服务。"),
    ]
    for (start, end, issuer), message in cases:
        with pytest.raises(ServiceError) as caught:
            services.issue_certificate(Context.of(tb.approver), vol, start, end, issuer)
        assert message in str(caught.value)
    assert Certificate.select().count() == 0


def test_a_district_replaces_the_registration_extras_without_code(app, tb):
    """The district's own definition (表单管理, same key) replaces the shipped default."""
    from core.models import TerritoryUnit
    from forms import services as forms_services

    district = TerritoryUnit.get_by_id(tb.community.district_id)
    forms_services.save_definition(
        Context.trusted(),
        {
            "key": "timebank_volunteer_extras",
            "title_zh": "示范区志愿者补充信息",
            "sections": [
                {
                    "key": "main",
                    "label_zh": "补充",
                    "fields": [
                        {
                            "key": "blood_donor",
                            "type": "yes_no_na",
                            "label_zh": "是否无偿献血者",
                            "required": True,
                        },
                    ],
                }
            ],
        },
        district,
        plugin="timebank",
    )
    make_user("resident2", "resident", COMMUNITY, "own")
    client = client_of(app, "resident2")
    page = client.get("/portal/timebank/register").get_data(as_text=True)
    assert "是否无偿献血者" in page and "紧急联系人" not in page
    data = registration(tb.community.id)
    page = post(client, "/portal/timebank/register", data).get_data(as_text=True)
    assert (
        "是否无偿献血者" in page
        and not Volunteer.select().where(Volunteer.name == "陈小红").exists()
    )
    post(client, "/portal/timebank/register", {**data, "blood_donor": "yes"})
    assert Volunteer.get(Volunteer.name == "陈小红").status == "pending"


def test_a_logged_out_volunteer_following_a_portal_link_logs_in_and_comes_back(app, tb):
    tb.volunteer(0, login="vol0")
    anonymous = app.test_client()
    response = anonymous.get("/portal/timebank/history")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login?next=/portal/timebank/history")
    target = response.headers["Location"]
    token = csrf_token(anonymous.get(target).get_data(as_text=True))
    back = anonymous.post(
        target, data={"username": "vol0", "password": "Passw0rd-long", "csrf_token": token}
    )
    assert back.headers["Location"] == "/portal/timebank/history"
    assert anonymous.get("/portal/timebank/history").status_code == 200
