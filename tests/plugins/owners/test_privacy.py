"""An owner's deletion request (个人信息保护法 art. 47): the owner record is pseudonymised, the
ballots stay, the hash chain still verifies and the tally is the same."""

from __future__ import annotations

from core.privacy import erase_person, personal_data
from plugins.owners.assembly import reports, services
from plugins.owners.assembly.models import BallotLog
from plugins.owners.register.models import Owner

from .conftest import reload, trusted


def test_an_erased_owner_keeps_their_ballots_and_the_chain_verifies(world):
    meeting = world.meeting("voting_open")
    matter = meeting.matters[0]
    day = world.vote_day(meeting)
    services.cast(trusted(world.users[0]), world.owners[0], matter, "agree", on=day)
    services.cast(trusted(world.users[1]), world.owners[1], matter, "disagree", on=day)
    Owner.update(id_number="320102194803120024").where(Owner.id == world.owners[0].id).execute()
    copy = {s.key: s for s in personal_data(world.users[0])}
    assert copy["owners.owners"].rows[0][:2] == ["业主0", "320102194803120024"]
    assert len(copy["owners.ballots"].rows) == 2  # two units, one ballot each
    assert "业主1" not in str([s.rows for s in copy.values()])
    before = BallotLog.select().count(), reports.latest_ballots(matter)

    erase_person(trusted(world.staff), world.users[0], "本人申请注销")

    owner = reload(world.owners[0])
    assert (owner.name, owner.id_number) == (f"已删除用户#{world.users[0].id}", None)
    assert reload(world.owners[1]).name == "业主1"
    assert (BallotLog.select().count(), reports.latest_ballots(matter)) == before
    assert reports.verify() == []
