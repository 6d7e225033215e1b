"""The volunteers list's search through the trigram index (core/search.py): by name, three
characters through the index, two by LIKE, a community's staff never sees another's."""

from __future__ import annotations

import re

from core.models import TerritoryUnit, utcnow
from plugins.timebank.models import Volunteer
from tests.conftest import login

from .conftest import IDS, OTHER


def names(client, word):
    html = client.get("/admin/timebank/volunteer/", query_string={"search": word}).get_data(
        as_text=True
    )
    return set(re.findall(r">\s*(欧阳[^<]*?)\s*<", html))


def test_volunteers_found_by_name_in_scope(app, tb):
    for n, name in enumerate(("欧阳娜娜", "欧阳Lin", "欧阳_二")):
        vol = tb.volunteer(n)
        Volunteer.update(name=name).where(Volunteer.id == vol.id).execute()
    Volunteer.create(
        unit=TerritoryUnit.get(TerritoryUnit.code == OTHER),
        name="欧阳娜娜别处",
        id_number=IDS[4],
        mobile="13800139999",
        consent_at=utcnow(),
    )
    staff = app.test_client()
    assert login(staff, "staff", "Passw0rd-long").status_code == 302
    assert names(staff, "欧阳娜") == {"欧阳娜娜"}  # not 幸福社区's 欧阳娜娜别处
    assert names(staff, "欧阳") == {"欧阳娜娜", "欧阳Lin", "欧阳_二"}
    assert names(staff, "阳lin") == {"欧阳Lin"}
    assert names(staff, "阳_") == {"欧阳_二"}
    assert names(staff, "_") == {"欧阳_二"}
    assert names(staff, "娜娜别处") == set()
    assert names(staff, "欧阳 娜") == {"欧阳娜娜"}
