"""The phone pages and the admin for premises, photos, hand reports and re-inspections: what
a user sees, and that nobody sees another community's photo."""

from __future__ import annotations

import io
import re

from core.commands import Context
from plugins.hazards import services
from plugins.hazards.models import Hazard, Inspection, Photo, Premises
from tests.conftest import csrf_token

from .conftest import FIRE, answers
from .test_evidence import counts, photo, png
from .test_pages import client_of


def upload(data=None, name="现场.png"):
    return (io.BytesIO(data if data is not None else png()), name, "image/png")


def test_portal_inspection_of_a_premises_with_repeat_rows_photos_and_position(app, hz):
    shop = Premises.create(unit=hz.community, name="幸福公寓", kind="compound")
    client = client_of(app, "inspector")
    url = f"/portal/hazards/inspect/{FIRE}"
    page = client.get(url).get_data(as_text=True)
    assert "幸福公寓" in page and "不合格须拍照" in page and "使用我的位置" in page
    assert 'name="photo__hydrant_ok"' in page
    base = {
        "csrf_token": csrf_token(page),
        "premises": str(shop.id),
        "latitude": "39.90871",
        "longitude": "116.39751",
        **answers(hydrant_ok="no"),
        "stairwells-0-stair_name": "1单元",
        "stairwells-0-stair_clear": "yes",
        "stairwells-0-stair_no_ebike": "yes",
        "stairwells-0-stair_extinguisher": "yes",
    }
    # "add one" re-shows the page with a second row and saves nothing
    before = counts()
    more = client.post(url, data={**base, "add_row": "stairwells"}).get_data(as_text=True)
    assert 'name="stairwells-1-stair_name"' in more and counts() == before
    data = {
        **base,
        "stairwells-1-stair_name": "2单元",
        "stairwells-1-stair_clear": "no",
        "stairwells-1-stair_no_ebike": "yes",
        "stairwells-1-stair_extinguisher": "yes",
        "photo__stairwells[1].stair_clear": upload(name="楼道.png"),
        "photo__hydrant_ok": upload(name="消火栓.png"),
    }
    done = client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "发现隐患 2 处" in text and "得分" in text and "39.90871" in text
    inspection = Inspection.get(Inspection.place == "幸福公寓")
    assert inspection.premises_id == shop.id
    assert {h.title for h in inspection.hazards} == {
        "室内消火栓缺少水带、水枪或无水",  # the failure's wording, not the passing one
        "2单元：楼梯间、楼道堆放杂物",
    }
    assert sorted(p.name for p in inspection.photos) == ["楼道.png", "消火栓.png"]


def test_portal_refuses_a_missing_required_photo_and_an_outside_premises(app, hz):
    elsewhere = Premises.create(unit=hz.other, name="幸福面馆", kind="five_small")
    client = client_of(app, "inspector")
    url = f"/portal/hazards/inspect/{FIRE}"
    page = client.get(url).get_data(as_text=True)
    assert "幸福面馆" not in page  # not offered
    before = counts()
    data = {
        "csrf_token": csrf_token(page),
        "unit": str(hz.community.id),
        "place": "5号楼",
        **answers(),
        "stairwells-0-stair_name": "1单元",
        "stairwells-0-stair_clear": "no",
        "stairwells-0-stair_no_ebike": "yes",
        "stairwells-0-stair_extinguisher": "yes",
    }
    text = client.post(url, data=data).get_data(as_text=True)
    assert "以下项目须拍照：1单元：楼梯间、楼道未堆放杂物" in text
    assert counts() == before
    data = {**data, "stairwells-0-stair_clear": "yes", "premises": str(elsewhere.id)}
    text = client.post(url, data=data).get_data(as_text=True)
    assert "该场所不在您的数据范围内" in text
    assert counts() == before
    data = {**data, "premises": "", "latitude": "95", "longitude": "116"}
    text = client.post(url, data=data).get_data(as_text=True)
    assert "位置超出范围" in text
    data = {**data, "latitude": "", "longitude": "", "photo__": upload(b"GIF89a....")}
    text = client.post(url, data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "不是允许格式" in text
    assert counts() == before


def test_photos_are_served_only_in_scope(app, hz):
    hazard = services.report_hazard(
        Context(hz.inspector, hz.access(hz.inspector)),
        source="resident",
        title="井盖缺失",
        unit=hz.community,
        place="幸福路口",
        photos=[photo()],
    )
    row = hazard.photos.get()
    mine = client_of(app, "inspector").get(f"/portal/hazards/photo/{row.id}")
    assert mine.status_code == 200 and mine.mimetype == "image/png"
    assert mine.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no-store" in mine.headers["Cache-Control"]
    other = client_of(app, "outsider")
    assert other.get(f"/portal/hazards/photo/{row.id}").status_code == 404
    assert other.get(f"/portal/hazards/hazard/{hazard.id}").status_code == 404
    assert row.path not in client_of(app, "inspector").get(
        f"/portal/hazards/hazard/{hazard.id}"
    ).get_data(as_text=True)  # no file path on the page, only the scoped view
    anonymous = app.test_client().get(f"/portal/hazards/photo/{row.id}")
    assert anonymous.status_code in (302, 404) and b"PNG" not in anonymous.data


def test_portal_report_then_rectified_with_after_photos(app, hz):
    client = client_of(app, "inspector")
    page = client.get("/portal/hazards/report").get_data(as_text=True)
    assert "楼栋长报告（八必报）" in page and "居民报告" in page
    data = {
        "csrf_token": csrf_token(page),
        "source": "building_head",
        "unit": str(hz.community.id),
        "place": "7号楼",
        "category": "消防",
        "title": "楼道堆放纸箱",
        "description": "三楼",
        "photo__": upload(name="纸箱.png"),
    }
    text = client.post(
        "/portal/hazards/report",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "隐患已上报：楼道堆放纸箱" in text and "整改前照片" in text
    hazard = Hazard.get(Hazard.title == "楼道堆放纸箱")
    staff = hz.access(hz.staff)
    services.move(Context(hz.staff, staff), hazard, "register")
    services.move(Context(hz.staff, staff), hazard, "assess", data={"grade": "general"})
    services.move(
        Context(hz.staff, staff), hazard, "rectify", data={"responsible": "王", "measures": "清"}
    )
    page = client.get(f"/portal/hazards/hazard/{hazard.id}").get_data(as_text=True)
    assert "整改完成，申请验收" in page
    bad = {"csrf_token": csrf_token(page), "rectification": "已清理", "photo__": upload(b"xx")}
    text = client.post(
        f"/portal/hazards/hazard/{hazard.id}", data=bad, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "不是允许格式" in text
    assert Hazard.get_by_id(hazard.id).state == "rectifying"
    assert Photo.select().where(Photo.stage == "after").count() == 0
    good = {**bad, "photo__": upload(name="清理后.png")}
    client.post(
        f"/portal/hazards/hazard/{hazard.id}", data=good, content_type="multipart/form-data"
    )
    assert Hazard.get_by_id(hazard.id).state == "awaiting_acceptance"
    after = [p for p in services.hazard_photos(hazard) if p.stage == "after"]
    assert [p.name for p in after] == ["清理后.png"]


def test_portal_reinspection(app, hz):
    original = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "5号楼",
        answers(hydrant_ok="no", extinguishers_ok="no"),
    )
    client = client_of(app, "inspector")
    shown = client.get(f"/portal/hazards/inspection/{original.id}").get_data(as_text=True)
    assert "复查不合格项" in shown and "检查表第 " in shown
    page = client.get(f"/portal/hazards/inspection/{original.id}/reinspect").get_data(as_text=True)
    carried = re.findall(r'name="hazard_(\d+)"', page)
    assert len(carried) == 2 and "灭火器过期或配置不足" in page and "疏散通道" not in page
    first, second = carried
    before = counts()
    text = client.post(
        f"/portal/hazards/inspection/{original.id}/reinspect",
        data={"csrf_token": csrf_token(page), f"hazard_{first}": "yes"},
    ).get_data(as_text=True)
    assert "请逐项填写复查结果" in text and counts() == before
    text = client.post(
        f"/portal/hazards/inspection/{original.id}/reinspect",
        data={"csrf_token": csrf_token(page), f"hazard_{first}": "yes", f"hazard_{second}": "no"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "复查已记录：仍有 1 项不合格" in text and "已合格" in text
    hazard = Hazard.get_by_id(int(first))
    assert "已合格" in client.get(f"/portal/hazards/hazard/{hazard.id}").get_data(as_text=True)
    clean = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)), hz.community, FIRE, "6号楼", answers()
    )
    text = client.get(
        f"/portal/hazards/inspection/{clean.id}/reinspect", follow_redirects=True
    ).get_data(as_text=True)
    assert "该检查没有需要复查的不合格项" in text
    outsider = client_of(app, "outsider")
    assert outsider.get(f"/portal/hazards/inspection/{original.id}").status_code == 404
    assert outsider.get(f"/portal/hazards/inspection/{original.id}/reinspect").status_code == 404


def test_admin_premises_are_scoped_and_hazards_reported_by_hand(app, hz):
    mine = Premises.create(unit=hz.community, name="长青超市", kind="shop")
    Premises.create(unit=hz.other, name="幸福超市甲", kind="shop")
    client = client_of(app, "staff")
    listing = client.get("/admin/hazards/premises/").get_data(as_text=True)
    assert "长青超市" in listing and "幸福超市甲" not in listing
    page = client.get("/admin/hazards/premises/new/").get_data(as_text=True)
    client.post(
        "/admin/hazards/premises/new/",
        data={
            "csrf_token": csrf_token(page),
            "unit": str(hz.community.id),
            "name": "长青烟花零售点",
            "kind": "fireworks",
            "active": "y",
        },
    )
    assert Premises.get(Premises.name == "长青烟花零售点").unit_id == hz.community.id
    page = client.get("/admin/hazards/hazard/new/").get_data(as_text=True)
    assert "长青超市" in page and "幸福超市甲" not in page
    before = counts()
    client.post(
        "/admin/hazards/hazard/new/",
        data={
            "csrf_token": csrf_token(page),
            "source": "self_check",
            "unit": str(hz.community.id),
            "premises": str(mine.id),
            "title": "灭火器过期",
            "photos": upload(b"not an image"),
        },
        content_type="multipart/form-data",
    )
    assert counts() == before
    client.post(
        "/admin/hazards/hazard/new/",
        data={
            "csrf_token": csrf_token(page),
            "source": "self_check",
            "unit": str(hz.community.id),
            "premises": str(mine.id),
            "title": "灭火器过期",
            "photos": upload(),
        },
        content_type="multipart/form-data",
    )
    hazard = Hazard.get(Hazard.title == "灭火器过期")
    assert hazard.source == "self_check" and hazard.place == "长青超市"
    details = client.get(f"/admin/hazards/hazard/details/?id={hazard.id}").get_data(as_text=True)
    assert "/portal/hazards/photo/" in details and "自查" in details


def test_admin_inspection_details_show_score_answers_and_photos(app, hz):
    data = answers(hydrant_ok="no")
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "5号楼",
        data,
        photos={"hydrant_ok": [photo("消火栓.png")]},
        position=("30.5", "114.3"),
    )
    client = client_of(app, "staff")
    page = client.get(f"/admin/hazards/inspection/details/?id={inspection.id}")
    text = page.get_data(as_text=True)
    assert "室内消火栓箱内水带、水枪齐全，有水: <strong>否</strong>" in text
    assert f"{inspection.score}" in text and "30.5" in text
    assert f"/portal/hazards/photo/{inspection.photos.get().id}" in text
    outsider = client_of(app, "outsider")
    other = outsider.get(f"/admin/hazards/inspection/details/?id={inspection.id}")
    assert "5号楼" not in other.get_data(as_text=True)
