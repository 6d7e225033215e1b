"""Cross-module: a hazard found on a patrol (楼栋长 under 八必报, or a volunteer) emits
``hazard_reported`` and ``volunteer_work``; with the time bank enabled, a registered
volunteer's patrol becomes a service record waiting for review, once per reference."""

from __future__ import annotations

import pytest

import plugins.hazards as hazards
import plugins.timebank as timebank
from core.access import Access
from core.commands import Context
from core.models import AuditLog, User, utcnow
from plugins.hazards import services
from plugins.hazards.models import Hazard
from plugins.timebank import services as timebank_services
from plugins.timebank.models import ServiceRecord, Volunteer

from .conftest import FreshClient


@pytest.fixture
def app(make_app):
    app = make_app(plugins=[hazards, timebank])
    app.test_client_class = FreshClient
    return app


@pytest.fixture
def volunteer(hz):
    admin = User.get(User.username == "admin")
    vol = Volunteer(
        unit=hz.community,
        name="小李",
        id_number="320102199511200033",
        mobile="13912345678",
        consent_at=utcnow(),
        user=hz.inspector,
    )
    timebank_services.register(Context.of(admin), vol)
    return vol


def report(hz, user, source="patrol", title="消防通道被占用"):
    return services.report_hazard(
        Context(user, Access(user)),
        source=source,
        title=title,
        unit=hz.community,
        place="长青小区北门",
    )


def records(ref=None):
    query = ServiceRecord.select().where(ServiceRecord.source_ref.startswith("hazards:"))
    if ref is not None:
        query = query.where(ServiceRecord.source_ref == ref)
    return list(query)


def test_a_volunteers_patrol_is_credited_for_review_once(hz, volunteer):
    hazard = report(hz, hz.inspector)
    [record] = records(f"hazards:hazard-{hazard.id}")
    assert record.volunteer_id == volunteer.id and record.status == "pending_review"
    assert record.minutes == 30  # the district's patrol_minutes default
    assert "消防通道被占用" in record.content
    services.credit_patrol(hazard, hz.inspector)  # the same reference again
    assert len(records(f"hazards:hazard-{hazard.id}")) == 1
    audit = AuditLog.select().where(
        (AuditLog.action == "hazard_reported") & (AuditLog.record_id == str(hazard.id))
    )
    assert audit.count() == 1


def test_a_building_heads_report_counts_as_a_patrol(hz, volunteer):
    hazard = report(hz, hz.inspector, source="building_head", title="楼道灯不亮")
    assert len(records(f"hazards:hazard-{hazard.id}")) == 1


def test_a_residents_report_or_a_non_volunteer_gets_no_record(hz, volunteer):
    resident = report(hz, hz.inspector, source="resident", title="井盖缺失")
    staff = report(hz, hz.staff, title="路灯不亮")
    assert records() == []
    assert {resident.state, staff.state} == {"reported"}
    assert AuditLog.select().where(AuditLog.action == "hazard_reported").count() >= 2


def test_a_refused_time_bank_record_leaves_the_report_standing(hz, volunteer):
    first = report(hz, hz.inspector, title="消防通道被占用")
    second = report(hz, hz.inspector, title="楼道堆物")  # same 30 minutes: overlaps the first
    assert len(records()) == 1 and records()[0].source_ref == f"hazards:hazard-{first.id}"
    assert Hazard.get_by_id(second.id).state == "reported"
