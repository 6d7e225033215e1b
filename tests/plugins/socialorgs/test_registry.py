"""Filing, registration, changes and annual reports through the services: what works, and
every rejected input with its Chinese message and nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest

from core import workdays
from core.commands import Context
from core.models import AuditLog
from core.services import ServiceError
from core.workflow import WorkflowError, history
from plugins.socialorgs import services
from plugins.socialorgs.demo import credit_code
from plugins.socialorgs.models import AnnualReport, Application, ChangeRequest, Organisation

CODE = credit_code("990101", "social_group", 901)
CODE2 = credit_code("990101", "social_group", 902)


def new_org(svc, name="幸福社区棋牌协会", **values):
    values.setdefault("legal_rep", f"{name}负责人")
    values.setdefault("members_individual", 60)
    return Organisation(unit=svc.unit(), name=name, supervisor="东湖街道", **values)


def counts():
    return (
        Organisation.select().count(),
        Application.select().count(),
        AuditLog.select().count(),
    )


def file_one(svc, name="幸福社区棋牌协会", **values):
    app = services.apply_new(
        Context(svc.applicant, svc.a_access), new_org(svc, name, **values), "filing"
    )
    services.move_application(Context(svc.approver, svc.b_access), app, "accept_filing")
    services.move_application(Context(svc.approver, svc.b_access), app, "approve", "同意备案")
    return Organisation.get_by_id(app.organisation_id)


def register_one(svc, name="幸福社区邻里基金会", code=CODE, **values):
    org = new_org(svc, name, **values)
    app = services.apply_new(Context(svc.applicant, svc.a_access), org, "registration")
    services.move_application(Context(svc.approver, svc.b_access), app, "accept_registration")
    services.move_application(
        Context(svc.approver, svc.b_access), app, "approve", "准予登记", {"credit_code": code}
    )
    return Organisation.get_by_id(org.id)


def test_filing_gives_a_filing_number_and_keeps_the_history(svc):
    org = file_one(svc)
    assert org.state == "filed" and org.legal_form == "filed"
    assert org.filing_number.startswith(f"备990101-{workdays.today().year}-")
    assert org.credit_code is None and org.filed_on == workdays.today()
    steps = [row.transition for row in history(org)]
    assert steps == ["apply", "file"]
    app = Application.get(Application.organisation == org.id)
    assert [r.transition for r in history(app)] == ["submit", "accept_filing", "approve"]


def test_registration_has_a_60_day_clock_and_sets_the_code(svc):
    org = new_org(svc, "幸福社区调解协会")
    app = services.apply_new(Context(svc.applicant, svc.a_access), org, "registration")
    services.move_application(Context(svc.approver, svc.b_access), app, "accept_registration")
    assert app.due == workdays.deadline(workdays.today(), 60, working=False)
    services.move_application(
        Context(svc.approver, svc.b_access), app, "approve", "", {"credit_code": CODE.lower()}
    )
    org = Organisation.get_by_id(org.id)
    assert org.state == "registered" and org.credit_code == CODE


def test_a_filed_organisation_registers_under_the_same_identity(svc):
    org = file_one(svc)
    app = services.apply_registration(Context(svc.applicant, svc.a_access), org, "章程、验资报告")
    services.move_application(Context(svc.approver, svc.b_access), app, "accept_registration")
    services.move_application(
        Context(svc.approver, svc.b_access), app, "approve", "", {"credit_code": CODE}
    )
    again = Organisation.get_by_id(org.id)
    assert again.state == "registered" and again.filing_number == org.filing_number
    assert [r.transition for r in history(again)] == ["apply", "file", "register"]


def test_return_for_correction_and_resubmit(svc):
    app = services.apply_new(Context(svc.applicant, svc.a_access), new_org(svc), "filing")
    with pytest.raises(WorkflowError, match="需要填写意见|意见"):
        services.move_application(Context(svc.approver, svc.b_access), app, "return", "")
    services.move_application(Context(svc.approver, svc.b_access), app, "return", "缺少章程")
    services.move_application(
        Context(svc.applicant, svc.a_access), app, "resubmit", "", {"materials": "补交章程"}
    )
    assert app.state == "submitted"


def test_rejection_needs_a_reason_and_ends_the_organisation(svc):
    app = services.apply_new(Context(svc.applicant, svc.a_access), new_org(svc), "filing")
    services.move_application(
        Context(svc.approver, svc.b_access), app, "reject", "", {"decision": "不属于社区社会组织"}
    )
    assert Organisation.get_by_id(app.organisation_id).state == "refused"


# -- bad input: a clear Chinese message and nothing changed ---------------------------------------


def refused(call, message):
    before = counts()
    with pytest.raises(ServiceError) as err:
        call()
    assert message in str(err.value), str(err.value)
    assert counts() == before
    return err


def test_duplicate_name_is_refused(svc):
    file_one(svc)
    refused(
        lambda: services.apply_new(Context(svc.applicant, svc.a_access), new_org(svc), "filing"),
        "已有名为“幸福社区棋牌协会”的社会组织。",
    )


@pytest.mark.parametrize(
    "code,message",
    [
        (CODE[:-1], "统一社会信用代码"),
        (CODE[:3] + "I" + CODE[4:], "统一社会信用代码"),
        (CODE[:3] + "O" + CODE[4:], "统一社会信用代码"),
        (CODE[:-1] + ("0" if CODE[-1] != "0" else "1"), "统一社会信用代码"),
    ],
)
def test_bad_credit_codes_are_refused_at_approval(svc, code, message):
    app = services.apply_new(Context(svc.applicant, svc.a_access), new_org(svc), "registration")
    services.move_application(Context(svc.approver, svc.b_access), app, "accept_registration")
    before = counts()
    with pytest.raises(WorkflowError) as err:
        services.move_application(
            Context(svc.approver, svc.b_access), app, "approve", "", {"credit_code": code}
        )
    assert message in str(err.value)
    assert counts() == before
    assert Application.get_by_id(app.id).state == "under_review"
    assert Organisation.get_by_id(app.organisation_id).credit_code is None


def test_credit_code_messages_say_what_is_wrong(svc):
    problems = {
        CODE[:-1]: "统一社会信用代码",
        CODE[:3] + "Z" + CODE[4:]: "I、O、S、V、Z",
    }
    for code, words in problems.items():
        probe = new_org(svc, credit_code=code)
        with pytest.raises(ServiceError) as err:
            services.check_organisation(probe)
        assert words in str(err.value) or "统一社会信用代码" in str(err.value)


def test_duplicate_code_is_refused(svc):
    register_one(svc)
    app = services.apply_new(
        Context(svc.applicant, svc.a_access), new_org(svc, "幸福社区第二协会"), "registration"
    )
    services.move_application(Context(svc.approver, svc.b_access), app, "accept_registration")
    with pytest.raises(WorkflowError) as err:
        services.move_application(
            Context(svc.approver, svc.b_access), app, "approve", "", {"credit_code": CODE}
        )
    assert f"统一社会信用代码 {CODE} 已被“幸福社区邻里基金会”使用。" == str(err.value)
    assert Organisation.get_by_id(app.organisation_id).state == "pending"


def test_one_person_represents_one_social_group(svc):
    register_one(svc, legal_rep="钱多多", legal_rep_id="11010519491231002X")
    second = new_org(svc, "幸福社区第二协会", legal_rep="钱多多", legal_rep_id="11010519491231002X")
    refused(
        lambda: services.apply_new(Context(svc.applicant, svc.a_access), second, "registration"),
        "钱多多 已担任社会团体“幸福社区邻里基金会”的法定代表人；"
        "一人只能担任一个社会团体的法定代表人。",
    )
    # a filed group (no legal personality) may share its leader
    file_one(svc, "幸福社区第三协会", legal_rep="钱多多", legal_rep_id="11010519491231002X")


def test_the_applicant_cannot_approve(svc):
    app = services.apply_new(Context(svc.applicant, svc.a_access), new_org(svc), "filing")
    services.move_application(Context(svc.approver, svc.b_access), app, "accept_filing")
    # the applicant holds approve rights too (a district administrator applying)
    from tests.conftest import make_user

    boss = make_user("boss", "district_admin", "990101")
    mine = services.apply_new(Context.of(boss), new_org(svc, "幸福社区自办协会"), "filing")
    services.move_application(Context(svc.approver, svc.b_access), mine, "accept_filing")
    before = counts()
    with pytest.raises(WorkflowError) as err:
        services.move_application(Context.of(boss), mine, "approve")
    assert str(err.value) == "申请人不能审批自己提交的申请。"
    assert counts() == before and Application.get_by_id(mine.id).state == "under_review"
    with pytest.raises(WorkflowError, match="不允许|无权"):
        services.move_application(Context(svc.applicant, svc.a_access), app, "approve")


@pytest.mark.awkward_days
def test_annual_report_for_a_future_year_is_refused(svc):
    org = file_one(svc)
    year = workdays.today().year
    for bad in (year, year + 1):
        before = AnnualReport.select().count()
        with pytest.raises(ServiceError) as err:
            services.submit_report(Context(svc.applicant, svc.a_access), org, bad, {})
        assert str(err.value) == "只能报送已结束年度的年度报告。"
        assert AnnualReport.select().count() == before
    report = services.submit_report(
        Context(svc.applicant, svc.a_access), org, year - 1, {"income": "1000"}
    )
    assert report.due in services.report_dates(org, year - 1)
    with pytest.raises(ServiceError, match="年度报告已经报送"):
        services.submit_report(Context(svc.applicant, svc.a_access), org, year - 1, {})
    services.move_report(Context(svc.approver, svc.b_access), report, "first_review")
    services.move_report(Context(svc.approver, svc.b_access), report, "accept")
    assert report.state == "accepted"


def test_change_registration_keeps_the_old_value_and_former_names(svc):
    org = file_one(svc)
    today = workdays.today()
    change = services.request_change(
        Context(svc.applicant, svc.a_access),
        org,
        "name",
        "幸福社区象棋协会",
        today - dt.timedelta(days=3),
    )
    assert change.old_value == "幸福社区棋牌协会"
    services.move_change(Context(svc.approver, svc.b_access), change, "approve")
    org = Organisation.get_by_id(org.id)
    assert org.name == "幸福社区象棋协会" and org.former_names == "幸福社区棋牌协会"
    late = today - dt.timedelta(days=45)
    before = ChangeRequest.select().count()
    with pytest.raises(ServiceError) as err:
        services.request_change(
            Context(svc.applicant, svc.a_access), org, "address", "新地址", late
        )
    assert "变更登记应在业务主管单位同意之日起 30 日内申请" in str(err.value)
    assert ChangeRequest.select().count() == before
    with pytest.raises(ServiceError, match="已有名为"):
        services.request_change(
            Context(svc.applicant, svc.a_access), org, "name", "幸福社区夕阳红舞蹈队", today
        )


def test_registered_items_change_only_through_a_change(svc):
    org = file_one(svc)
    with pytest.raises(ServiceError, match="登记事项只能通过变更登记修改。"):
        services.update_organisation(Context.of(svc.applicant), org, {"name": "别的名字"})
    services.update_organisation(Context.of(svc.applicant), org, {"contact_name": "新联系人"})
    assert Organisation.get_by_id(org.id).contact_name == "新联系人"


def test_deregistration_through_liquidation_and_revocation(svc):
    org = file_one(svc)
    services.move_organisation(
        Context(svc.approver, svc.b_access), org, "liquidate", "会员大会决定解散"
    )
    services.move_organisation(Context(svc.approver, svc.b_access), org, "finish_liquidation")
    assert org.due == workdays.deadline(workdays.today(), 15, working=False)
    services.move_organisation(Context(svc.approver, svc.b_access), org, "deregister")
    assert Organisation.get_by_id(org.id).state == "deregistered"
    other = file_one(svc, "幸福社区第二协会")
    services.move_organisation(Context(svc.approver, svc.b_access), other, "revoke", "弄虚作假")
    listing = other.listings.get()
    assert listing.list_kind == "dishonest" and listing.state == "listed"


def test_withdrawing_a_first_application_ends_the_new_organisation(svc):
    app = services.apply_new(Context(svc.applicant, svc.a_access), new_org(svc), "filing")
    services.move_application(
        Context(svc.applicant, svc.a_access), app, "withdraw", "材料不全，先撤回"
    )
    org = Organisation.get_by_id(app.organisation_id)
    assert org.state == "withdrawn"
    assert [r.transition for r in history(org)] == ["apply", "withdraw"]
