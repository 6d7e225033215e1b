"""Cases (事项): the community service flow 受理 → 登记分类 → 直接办理 / 代办 或 转办 → 跟踪督办 →
反馈 → 群众评议 → 归档 [seeds 004:97-99], built on the workflow engine (:mod:`core.workflow`).

A core feature module: MODELS, SETTINGS (the time limit of each step, per district),
admin_views, portal_tasks and overdue_items are wired by :mod:`core.builtin`.
"""

from __future__ import annotations

from core.cases.flow import CASE_FLOW
from core.cases.models import Case

MODELS = [Case]
SETTINGS = CASE_FLOW.settings()


def admin_views(admin) -> list:
    from core.cases.admin import admin_views as views

    return views(admin)


def portal_tasks(user, district) -> list:
    """The open cases ``user`` has to act on in ``district``, most urgent first."""
    from core import workflow
    from core.access import Access
    from core.cases import services
    from core.i18n import gettext as _
    from core.portal import Task

    if district is None or user is None or not getattr(user, "id", None):
        return []
    access = Access(user)
    if not access.can("core", "read"):
        return []
    return [
        Task(
            _("%(state)s: %(title)s", state=CASE_FLOW.state_label(case.state), title=case.title),
            services.details_url(case),
            "core",
            case.due,
            _("Overdue") if workflow.is_overdue(case) else "",
        )
        for case in services.my_cases(user, access, district.id)
    ]


def overdue_items(district) -> list:
    """Open cases of ``district`` past the deadline of their current step."""
    from core.cases import services
    from core.i18n import gettext as _
    from core.notifications import OverdueItem

    if district is None:
        return []
    return [
        OverdueItem(
            _(
                "Case overdue (%(state)s): %(title)s",
                state=CASE_FLOW.state_label(case.state),
                title=case.title,
            ),
            services.details_url(case),
            case.due,
            case.unit_id,
            services.responsible_id(case),
            "core",
        )
        for case in services.overdue_cases(district.id)
    ]


def personal_data(user) -> list:
    """The cases ``user`` filed (on the portal: they created the record)."""
    from core.i18n import lazy_gettext as _l
    from core.privacy import records_section

    cases = Case.select().where(Case.created_by == user.id).order_by(Case.created_at)
    fields = ["title", "description", "requester_name", "requester_mobile", "state"]
    fields += ["created_at", "rating", "rating_comment"]
    section = records_section("core.cases", _l("Cases I filed"), Case, cases, fields)
    state = section.headers.index(str(Case.state.verbose_name))
    for row in section.rows:
        row[state] = str(CASE_FLOW.state_label(row[state]))
    return [section]


def erase_personal_data(user, pseudonym) -> dict:
    """Cases the person filed keep their handling (evidence); the requester's name becomes the
    pseudonym and the mobile is cleared."""
    changed = (
        Case.update(requester_name=pseudonym, requester_mobile=None)
        .where(Case.created_by == user.id)
        .execute()
    )
    return {"core_case": changed}
