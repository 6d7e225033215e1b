"""A volunteer's copy and deletion request (个人信息保护法 art. 45, 47): the copy holds their
registration, records and ledger; erasure pseudonymises the registration while the hours,
the ledger and its verification stay as they were."""

from __future__ import annotations

from core.commands import Context
from core.privacy import erase_person, personal_data
from plugins.timebank import services
from plugins.timebank.models import Movement, ServiceRecord, Volunteer

from .conftest import IDS


def test_an_erased_volunteer_keeps_their_hours_and_the_ledger_verifies(app, tb):
    vol = tb.volunteer(0, login="vol0")
    other = tb.volunteer(1, login="vol1")
    tb.approved(vol, minutes=90, length=120)
    tb.approved(other, minutes=30, length=60)
    copy = {s.key: s for s in personal_data(vol.user)}
    assert copy["timebank.volunteer"].rows[0][:3] == ["志愿者0", IDS[0], "13800130000"]
    assert [row[2] for row in copy["timebank.records"].rows] == [90]
    amounts = sorted(row[3] for row in copy["timebank.movements"].rows)
    assert amounts == sorted(services.balances(vol).values())
    assert IDS[1] not in str([s.rows for s in copy.values()])
    before = services.balances(vol), Movement.select().count(), ServiceRecord.select().count()

    erase_person(Context.of(tb.approver), vol.user, "本人申请退出并删除信息")

    erased = Volunteer.get_by_id(vol.id)
    pseudonym = f"已删除用户#{vol.user_id}"
    assert (erased.name, erased.id_number, erased.mobile) == (pseudonym, "", "")
    assert erased.status == "left"
    assert Volunteer.get_by_id(other.id).id_number == IDS[1]
    after = services.balances(erased), Movement.select().count(), ServiceRecord.select().count()
    assert after == before
    assert services.verify() == []
