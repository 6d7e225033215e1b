"""Meal assistance, a plugin outside Linli's tree: discovered through its entry point,
enabled per district, ordered and delivered on the portal, and credited in the time bank
through events (neither plugin imports the other)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.commands import Context
from core.testing import COMMUNITY_A, COMMUNITY_B, DISTRICT, csrf_token

VOLUNTEER_ID = "320102199511200033"  # a valid GB 11643 number


def tomorrow():
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


def test_discovered_from_its_own_package_outside_the_core(ctx):
    import core
    import linli_mealaid
    from core.kernel import Kernel

    info = Kernel().get("mealaid")  # the real entry points of this environment
    assert info.source == "linli-mealaid:linli_mealaid"
    here = Path(linli_mealaid.__file__).resolve()
    assert Path(core.__file__).resolve().parent.parent / "plugins" not in here.parents
    state = ctx.extensions["linli"]
    assert state.kernel.get("mealaid").state == "active"  # migrated by its own migrations
    assert state.migrations.status("mealaid")[0].applied == ["0001_initial"]


def order_on_portal(client, diner="王奶奶", date=None, **extra):
    page = client.get("/portal/mealaid/")
    unit = page.text.split('<option value="')[1].split('"')[0]
    data = {"unit": unit, "diner": diner, "meal_date": date or tomorrow(), "meal": "lunch"}
    data.update(extra, csrf_token=csrf_token(page.text))
    return client.post("/portal/mealaid/", data=data, follow_redirects=True)


def in_a(model):
    """The records of community A (the demo takes its orders in another community)."""
    from core.territory import by_code

    return model.select().where(model.unit == by_code(COMMUNITY_A).id)


@pytest.fixture
def staff(portal_client):
    return portal_client("community_staff", COMMUNITY_A)


def test_enabled_per_district_at_once(app, staff):
    from core import services, territory

    assert staff.get("/portal/mealaid/").status_code == 200  # the demo enables it
    with app.app_context():
        services.disable_plugin(Context.trusted(), "mealaid", territory.district_by_code(DISTRICT))
    assert staff.get("/portal/mealaid/").status_code == 404
    with app.app_context():
        assert services.enable_plugin(
            Context.trusted(), "mealaid", territory.district_by_code(DISTRICT)
        ) == ["mealaid"]
    assert staff.get("/portal/mealaid/").status_code == 200


def test_an_order_is_taken_and_seen_only_in_its_community(app, staff, portal_client):
    from linli_mealaid.models import MealOrder

    page = order_on_portal(staff, "王奶奶", address="3号楼201")
    assert "已为王奶奶登记订餐。" in page.text
    assert "王奶奶" in page.text and "3号楼201" in page.text
    other = portal_client("community_staff", COMMUNITY_B)
    assert "王奶奶" not in other.get("/portal/mealaid/").text
    with app.app_context():
        order = in_a(MealOrder).get()
        assert (order.state, order.meal) == ("ordered", "lunch")


@pytest.mark.parametrize(
    "diner, date, message",
    [
        ("", None, "请填写就餐老人姓名，不超过 50 个字符。"),
        ("王" * 51, None, "请填写就餐老人姓名，不超过 50 个字符。"),
        ("王奶奶", "2020-01-01", "用餐日期不能早于今天。"),
        ("王奶奶", "明天", "请填写有效的日期。"),
    ],
)
def test_bad_orders_are_refused_and_nothing_is_written(app, staff, diner, date, message):
    from linli_mealaid.models import MealOrder

    page = order_on_portal(staff, diner, date)
    assert message in page.text
    with app.app_context():
        assert in_a(MealOrder).count() == 0


def deliver(client, order_id, id_number):
    page = client.get("/portal/mealaid/")
    return client.post(
        f"/portal/mealaid/{order_id}/deliver",
        data={"id_number": id_number, "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )


def register_volunteer(app):
    """A volunteer of 幸福社区 in the time bank (set up through its own service)."""
    from plugins.timebank import services
    from plugins.timebank.models import Volunteer

    from core.commands import Context
    from core.models import User, utcnow
    from core.territory import by_code

    with app.test_request_context():
        admin = User.get(User.username == "admin")
        volunteer = Volunteer(
            unit=by_code(COMMUNITY_A),
            name="李志愿",
            id_number=VOLUNTEER_ID,
            mobile="13800130001",
            consent_at=utcnow(),
        )
        services.register(Context.of(admin), volunteer)
        return volunteer.id


def test_a_delivery_moves_the_order_and_credits_the_volunteer(app, staff):
    from plugins.timebank.models import ServiceRecord

    from linli_mealaid.models import MealOrder

    volunteer_id = register_volunteer(app)
    order_on_portal(staff, "王奶奶")
    with app.app_context():
        order_id = in_a(MealOrder).get().id
    page = deliver(staff, order_id, VOLUNTEER_ID)
    assert "已记录为王奶奶送达。" in page.text
    assert "暂无待送餐。" in page.text
    with app.app_context():
        from core.workflow import history

        order = MealOrder.get_by_id(order_id)
        assert order.state == "delivered" and order.delivered_at is not None
        assert [h.transition for h in history(order)] == ["order", "deliver"]
        record = ServiceRecord.get(ServiceRecord.source_ref == f"mealaid:meal-{order_id}")
        assert (record.volunteer_id, record.minutes, record.status) == (
            volunteer_id,
            30,
            "pending_review",
        )
        assert record.content == "助餐送餐：王奶奶"


def test_without_the_time_bank_a_delivery_earns_nothing_and_still_counts(app, staff):
    from plugins.timebank.models import ServiceRecord

    from core import services, territory
    from linli_mealaid.models import MealOrder

    register_volunteer(app)
    with app.app_context():
        services.disable_plugin(Context.trusted(), "timebank", territory.district_by_code(DISTRICT))
    order_on_portal(staff, "赵爷爷")
    with app.app_context():
        order_id = in_a(MealOrder).get().id
    assert "已记录为赵爷爷送达。" in deliver(staff, order_id, VOLUNTEER_ID).text
    with app.app_context():
        assert MealOrder.get_by_id(order_id).state == "delivered"
        assert ServiceRecord.select().where(ServiceRecord.source == "event").count() == 0


def test_a_delivery_without_id_number_is_refused_and_changes_nothing(app, staff):
    from linli_mealaid.models import MealOrder

    order_on_portal(staff, "王奶奶")
    with app.app_context():
        order_id = in_a(MealOrder).get().id
    page = deliver(staff, order_id, "")
    assert "送餐志愿者身份证号" in page.text and "已记录" not in page.text
    page = deliver(staff, order_id, "123")
    assert "身份证号码应为 18 位" in page.text and "已记录" not in page.text
    with app.app_context():
        assert MealOrder.get_by_id(order_id).state == "ordered"


def test_another_communitys_order_cannot_be_delivered(app, staff, portal_client):
    from linli_mealaid.models import MealOrder

    order_on_portal(staff, "王奶奶")
    with app.app_context():
        order_id = in_a(MealOrder).get().id
    other = portal_client("community_staff", COMMUNITY_B)
    assert "这里没有该订单。" in deliver(other, order_id, VOLUNTEER_ID).text
    with app.app_context():
        assert MealOrder.get_by_id(order_id).state == "ordered"


def test_the_dashboard_shows_meals_to_deliver(app, admin, staff):
    order_on_portal(staff, "王奶奶")
    page = admin.get("/admin/").text
    assert "待送餐" in page and "本月已送餐" in page


def test_district_setting_changes_the_credit(app, staff):
    from plugins.timebank.models import ServiceRecord

    from core.territory import district_by_code
    from linli_mealaid.models import MealOrder

    register_volunteer(app)
    with app.app_context():
        settings = app.extensions["linli"].settings
        settings.set(district_by_code(DISTRICT).id, "mealaid", "credit_minutes", 45)
        with pytest.raises(ValueError):
            settings.set(district_by_code(DISTRICT).id, "mealaid", "credit_minutes", 500)
    order_on_portal(staff, "王奶奶")
    with app.app_context():
        order_id = in_a(MealOrder).get().id
    deliver(staff, order_id, VOLUNTEER_ID)
    with app.app_context():
        assert ServiceRecord.get(ServiceRecord.source == "event").minutes == 45
