"""Credit lists: automatic triggers, removal timers, restart of the clock, the move to the
serious-dishonesty list, objections and the full history; evaluation and activities."""

from __future__ import annotations

import datetime as dt

import pytest

from core import commands, workdays
from core.commands import Context, Refused
from core.services import ServiceError
from core.workflow import WorkflowError
from plugins.socialorgs import rules, services
from plugins.socialorgs.models import CreditEvent, CreditListing, Organisation, Sanction

from .test_registry import file_one, register_one


def days_ago(n):
    return workdays.today() - dt.timedelta(days=n)


def kinds(org):
    return [(e.listing.list_kind, e.kind) for e in services.history(org)]


def test_a_warning_lists_and_a_recurring_trigger_restarts_the_clock(svc):
    org = file_one(svc)
    services.record_sanction(
        Context.of(svc.registrar), org, "warning", days_ago(100), 0, "警字1号", ""
    )
    listing = CreditListing.get(CreditListing.organisation == org.id)
    assert listing.list_kind == "abnormal"
    assert listing.removable_on == rules.add_months(days_ago(100), 6)
    services.record_sanction(
        Context.of(svc.registrar), org, "letter_unsigned", days_ago(50), 0, "", ""
    )
    services.record_sanction(
        Context.of(svc.registrar), org, "letter_unsigned", days_ago(20), 0, "", ""
    )
    listing = CreditListing.get_by_id(listing.id)
    assert listing.clock_from == days_ago(20)  # unreachable: the clock starts again
    assert listing.removable_on == rules.add_months(days_ago(20), 6)
    assert kinds(org) == [("abnormal", "listed"), ("abnormal", "retriggered")]
    # the daily run applies nothing twice
    assert services.apply_credit_rules(Context.trusted(), org) == 0


def test_two_small_penalties_within_3_years_move_to_the_dishonesty_list(svc):
    org = file_one(svc)
    services.record_sanction(Context.of(svc.registrar), org, "warning", days_ago(300), 0, "", "")
    services.record_sanction(
        Context.of(svc.registrar), org, "fine", days_ago(10), "2000", "罚字2号", ""
    )
    states = {
        x.list_kind: x.state
        for x in CreditListing.select().where(CreditListing.organisation == org.id)
    }
    assert states == {"abnormal": "moved", "dishonest": "listed"}
    dishonest = services.active_listing(org, "dishonest")
    assert dishonest.removable_on == rules.add_months(days_ago(10), 24)
    with pytest.raises(ServiceError) as err:
        services.remove_listing(
            Context.trusted(actor=svc.approver), dishonest, "已整改", early=True
        )
    assert "最早于" in str(err.value)
    assert services.active_listing(org, "dishonest") is not None


def test_a_large_fine_lists_as_seriously_dishonest(svc):
    org = file_one(svc)
    services.record_sanction(Context.of(svc.registrar), org, "fine", days_ago(1), "50000", "", "")
    assert services.active_listing(org, "dishonest") is not None


def test_bad_sanctions_are_refused(svc):
    org = file_one(svc)
    before = Sanction.select().count()
    for call, message in (
        (
            lambda: services.record_sanction(
                Context.trusted(), org, "fine", days_ago(1), 0, "", ""
            ),
            "罚款须填写金额。",
        ),
        (
            lambda: services.record_sanction(
                Context.trusted(),
                org,
                "warning",
                workdays.today() + dt.timedelta(days=1),
                0,
                "",
                "",
            ),
            "日期不能晚于今天。",
        ),
        (
            lambda: services.record_sanction(
                Context.trusted(), org, "bogus", workdays.today(), 0, "", ""
            ),
            "请选择记录类型。",
        ),
    ):
        with pytest.raises(ServiceError) as err:
            call()
        assert str(err.value) == message
    assert Sanction.select().count() == before
    assert not CreditListing.select().where(CreditListing.organisation == org.id).exists()


def test_missed_annual_report_lists_and_the_timer_removes(svc):
    org = file_one(svc)
    start = dt.date(workdays.today().year - 2, 3, 1)
    Organisation.update(filed_on=start).where(Organisation.id == org.id).execute()
    org = Organisation.get_by_id(org.id)
    district = svc.unit().district_id
    from core.models import TerritoryUnit

    report = services.run_daily(TerritoryUnit.get_by_id(district), workdays.today())
    assert report["listed"] >= 1
    listing = services.active_listing(org, "abnormal")
    assert listing.reason == "Annual report not filed or not accepted on time"
    # still outstanding after 6 months: stays listed
    later = rules.add_months(listing.removable_on, 1)
    services.run_daily(TerritoryUnit.get_by_id(district), later)
    assert CreditListing.get_by_id(listing.id).state != "removed"


def test_removal_after_six_months_and_early_removal_when_fixed(svc):
    org = file_one(svc)
    services.record_sanction(Context.of(svc.registrar), org, "warning", days_ago(200), 0, "", "")
    listing = services.active_listing(org, "abnormal")
    from core.models import TerritoryUnit

    result = services.run_daily(TerritoryUnit.get_by_id(svc.unit().district_id), workdays.today())
    assert result["removed"] >= 1
    assert CreditListing.get_by_id(listing.id).state == "removed"
    assert kinds(org)[-1] == ("abnormal", "removed")
    other = file_one(svc, "幸福社区第二协会")
    services.record_sanction(
        Context.trusted(), other, "rectification_overdue", days_ago(5), 0, "", ""
    )
    fixed = services.active_listing(other, "abnormal")
    with pytest.raises(ServiceError, match="请填写移出原因。"):
        services.remove_listing(Context.trusted(actor=svc.approver), fixed, " ", early=True)
    services.remove_listing(Context.trusted(actor=svc.approver), fixed, "已完成整改", early=True)
    assert CreditListing.get_by_id(fixed.id).state == "removed"


def test_objection_upheld_removes_and_is_in_the_history(svc):
    org = file_one(svc)
    services.record_sanction(Context.of(svc.registrar), org, "warning", days_ago(3), 0, "", "")
    listing = services.active_listing(org, "abnormal")
    with pytest.raises(ServiceError, match="请填写异议内容。"):
        services.object_to(Context(svc.applicant, svc.a_access), listing, "  ")
    objection = services.object_to(
        Context(svc.applicant, svc.a_access), listing, "警告已被复议撤销"
    )
    with pytest.raises(WorkflowError):
        services.move_objection(Context(svc.approver, svc.b_access), objection, "uphold", "", {})
    services.move_objection(
        Context(svc.approver, svc.b_access), objection, "uphold", "", {"answer": "经核实，异议成立"}
    )
    assert CreditListing.get_by_id(listing.id).state == "removed"
    events = [e.kind for e in CreditEvent.select().where(CreditEvent.listing == listing.id)]
    assert events == ["listed", "objection", "objection_uphold", "removed"]


def test_history_is_append_only(svc):
    from core.models import AppendOnlyError

    org = file_one(svc)
    services.record_sanction(Context.of(svc.registrar), org, "warning", days_ago(3), 0, "", "")
    event = CreditEvent.select().first()
    with pytest.raises(AppendOnlyError):
        event.delete_instance()
    with pytest.raises(AppendOnlyError):
        Sanction.update(note="x").execute()


def test_evaluation_eligibility_scoring_publicity_review(svc):
    org = register_one(svc)
    with pytest.raises(ServiceError) as err:
        services.apply_evaluation(Context(svc.applicant, svc.a_access), org)
    assert str(err.value) == "登记满两个年度的社会组织方可参加评估。"
    Organisation.update(registered_on=dt.date(workdays.today().year - 3, 1, 5)).where(
        Organisation.id == org.id
    ).execute()
    org = Organisation.get_by_id(org.id)
    with pytest.raises(ServiceError, match="上一年度的年度报告尚未审核通过。"):
        services.apply_evaluation(Context(svc.applicant, svc.a_access), org)
    report = services.submit_report(
        Context(svc.applicant, svc.a_access), org, workdays.today().year - 1, {}
    )
    services.move_report(Context(svc.approver, svc.b_access), report, "first_review")
    services.move_report(Context(svc.approver, svc.b_access), report, "accept")
    ev = services.apply_evaluation(Context(svc.applicant, svc.a_access), org)
    with pytest.raises(WorkflowError, match="0到1000"):
        services.move_evaluation(
            Context(svc.approver, svc.b_access), ev, "score", "", {"score": "1200"}
        )
    services.move_evaluation(Context(svc.approver, svc.b_access), ev, "score", "", {"score": "780"})
    assert ev.grade == "3A"
    services.move_evaluation(Context(svc.approver, svc.b_access), ev, "publicise")
    with pytest.raises(WorkflowError, match="公示期至"):
        services.move_evaluation(Context(svc.approver, svc.b_access), ev, "confirm")
    services.move_evaluation(Context(svc.applicant, svc.a_access), ev, "request_review", "材料漏评")
    with pytest.raises(WorkflowError, match="半数以上"):
        services.move_evaluation(
            Context(svc.approver, svc.b_access),
            ev,
            "decide_review",
            "",
            {"score": "810", "review_members": "9", "review_votes": "4"},
        )
    services.move_evaluation(
        Context(svc.approver, svc.b_access),
        ev,
        "decide_review",
        "",
        {"score": "810", "review_members": "9", "review_votes": "5"},
    )
    org = Organisation.get_by_id(org.id)
    assert org.grade == "4A" and org.grade_valid_until == rules.add_months(workdays.today(), 60)
    assert rules.is_priority(org.grade, org.grade_valid_until, workdays.today())
    from core.publicity.models import Publication

    assert Publication.select().where(Publication.plugin == "socialorgs").count() == 1


def test_activity_log_and_inactivity_alert(svc):
    from plugins.socialorgs.models import Activity

    org = file_one(svc)
    Organisation.update(filed_on=days_ago(500)).where(Organisation.id == org.id).execute()
    district = svc.unit().district_id
    query = Organisation.select().where(
        (Organisation.id == org.id) & services.inactive_condition(district)
    )
    assert [o.id for o in query.clone()] == [org.id]
    ctx = Context.of(svc.applicant, district)
    commands.create(ctx, Activity, {"organisation": org, "held_on": days_ago(10), "title": "义诊"})
    assert list(query.clone()) == []
    assert Organisation.get_by_id(org.id).last_activity_on == days_ago(10)
    with pytest.raises(Refused, match="活动尚未举行") as refused:
        commands.create(
            ctx,
            Activity,
            {"organisation": org, "held_on": workdays.today() + dt.timedelta(2), "title": "x"},
        )
    assert refused.value.field == "held_on"
    assert Activity.select().where(Activity.title == "x").count() == 0


def test_only_the_registration_authority_records_a_penalty(svc):
    """Street staff (no ``sanction`` grant) are refused in the command itself, whatever the
    surface; nothing is written."""
    from core.errors import Forbidden

    org = file_one(svc)
    before = Sanction.select().count()
    with pytest.raises(Forbidden) as refused:
        services.record_sanction(Context.of(svc.approver), org, "warning", days_ago(3), 0, "", "")
    assert str(refused.value) == "您无权执行此操作。"
    assert Sanction.select().count() == before
    assert not CreditListing.select().where(CreditListing.organisation == org.id).exists()
