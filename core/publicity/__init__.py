"""Public notices (公示 / 居务公开) for every module: a notice board per community, a
working-day publicity period, objections by real name and their answers.

Seed 003 [003:85]: the list of council members and building heads is made public for 5
working days; objections go by real name to the community party branch, whose telephone is
published. Any module can do the same for its own records::

    from core import publicity

    notice = publicity.publish(
        ctx,                     # core.commands.Context: who publishes, from where
        "志愿者服务证明公示：张三 120 小时",
        community,               # the territory unit whose board shows it
        record=certificate,      # optional: the record made public
        plugin="timebank",
        days=7, working=False,   # default: the district's setting (5 working days)
        contact="幸福社区党支部", contact_phone="0931-1234567",
    )

* states: draft → published → closed (after the period, every objection answered), or
  withdrawn (with a reason) from draft or published; each change emits a ``state_changed``
  event whose ``data`` names ``transition``, ``plugin``, ``target_table`` and ``target_id``,
  so the publishing module can react (e.g. appoint the building heads once closed);
* :func:`object_to` takes an objection from a logged-in user with a full name while the notice
  is on the board; :func:`answer` adds an answer (objections and answers are append-only);
* the board is ``/public/<community code>/`` and needs no login.
"""

from __future__ import annotations

import datetime as dt

from core.publicity.models import MODELS, STATES, Objection, ObjectionAnswer, Publication
from core.publicity.services import (
    active,
    answer,
    check_open_for_objections,
    close,
    default_period,
    object_to,
    period,
    publications_for,
    publish,
    publish_draft,
    unanswered,
    update_draft,
    withdraw,
)
from core.settings import Setting

__all__ = [
    "MODELS",
    "SETTINGS",
    "STATES",
    "Objection",
    "ObjectionAnswer",
    "Publication",
    "active",
    "answer",
    "check_open_for_objections",
    "close",
    "default_period",
    "object_to",
    "period",
    "publications_for",
    "publish",
    "publish_draft",
    "unanswered",
    "update_draft",
    "withdraw",
]

SETTINGS = [
    Setting(
        "publicity_days",
        int,
        5,
        "公示期天数",
        "Publicity period (days)",
        "Seed 003 [003:85]: 5 working days for the council member list and the building heads. "
        "Used when a module does not give its own period.",
        minimum=1,
        maximum=90,
    ),
    Setting(
        "publicity_working_days",
        bool,
        True,
        "公示期按工作日计算",
        "Publicity period counted in working days",
        "Seed 003 [003:85] counts working days (工作日). No: calendar days (a last day that is a "
        "rest day still moves to the next working day, Civil Code art. 203).",
    ),
    Setting(
        "objection_answer_days",
        int,
        5,
        "异议答复期限（工作日）",
        "Working days to answer an objection",
        "No seed gives a number (seed 003 [003:71] asks that every item gets a response); "
        "after this many working days an unanswered objection is overdue and `linli notify` "
        "escalates it to the street.",
        minimum=1,
        maximum=60,
    ),
]


def admin_views(admin):
    from core.publicity.admin import admin_views as views

    return views(admin)


def blueprints():
    from core.publicity.views import bp

    return [bp]


def overdue_items(district) -> list:
    """Objections left unanswered past the district's ``objection_answer_days``."""
    from core import territory, workdays
    from core.i18n import gettext as _
    from core.notifications import OverdueItem
    from core.publicity.services import shanghai_date

    days = None
    today = workdays.today()
    items = []
    query = (
        Objection.select(Objection, Publication)
        .join(Publication)
        .where(
            Objection.id.not_in(ObjectionAnswer.select(ObjectionAnswer.objection))
            & Publication.unit.in_(territory.subtree_ids(district))
        )
        .order_by(Objection.id)
    )
    due_by_day: dict[dt.date, dt.date] = {}
    for objection in query:
        if days is None:
            from core.registry import kernel_state

            days = int(kernel_state().settings.get(district.id, "core", "objection_answer_days"))
        raised = shanghai_date(objection.created_at)
        if raised not in due_by_day:
            due_by_day[raised] = workdays.deadline(raised, days, working=True)
        due = due_by_day[raised]
        if not workdays.is_overdue(due, today):
            continue
        publication = objection.publication
        items.append(
            OverdueItem(
                _("Objection to “%(title)s” not answered", title=publication.title),
                f"/admin/core/objection/answer/?id={objection.id}",
                due,
                publication.unit_id,
                publication.published_by_id or publication.created_by_id,
                "core",
            )
        )
    return items


def todo_items(user, access, district) -> list:
    """Objections not answered yet to notices the user may update (answer), in the district."""
    from core.publicity.services import answer_due, unanswered
    from core.todo import TodoItem

    if district is None or access is None or not access.can("core", "update"):
        return []
    from core.i18n import gettext as _

    query = (
        unanswered()
        .join(Publication)
        .where(access.scope_condition(Publication, "core", "update", district.id))
        .order_by(Objection.id)
    )
    return [
        TodoItem(
            _("Answer the objection to “%(title)s”", title=objection.publication.title),
            f"/admin/core/objection/answer/?id={objection.id}",
            answer_due(objection),
            "core",
            kind=str(_("Objections")),
        )
        for objection in query.limit(200)
    ]


def personal_data(user) -> list:
    """The objections the person raised to public notices (evidence: kept on erasure)."""
    from core.i18n import lazy_gettext as _l
    from core.privacy import records_section
    from core.publicity.models import Objection

    rows = Objection.select().where(Objection.user == user.id).order_by(Objection.created_at)
    fields = ["publication", "name", "phone", "content", "created_at"]
    return [records_section("core.objections", _l("Objections"), Objection, rows, fields)]
