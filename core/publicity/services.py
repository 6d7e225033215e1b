"""Public notice operations (公示服务): publish, revise a draft, withdraw, close, object, answer.

Every operation validates first, writes inside one transaction and emits an event (the audit
row is written by the event's subscriber in the same transaction). A refused operation
raises :class:`core.services.ServiceError` with a message for the user and changes nothing.
Notifications (to the publisher about a new objection, to the objector about an answer) are
sent after the transaction.
"""

from __future__ import annotations

import datetime as dt
import re

import peewee as pw

from core import workdays
from core.commands import Context, Refused, Rules
from core.db import db
from core.events import Event, diff, emit, snapshot
from core.i18n import gettext as _
from core.i18n import ngettext
from core.models import TerritoryUnit, User, utcnow
from core.publicity.models import STATE_LABELS, Objection, ObjectionAnswer, Publication
from core.records import audit_values, stamp
from core.services import ServiceError

PHONE = re.compile(r"^[0-9+\-() ]{3,32}$")
MAX_TEXT = 2000
MAX_DAYS = 365


def _setting(district_id: int | None, key: str):
    from core.registry import kernel_state

    return kernel_state().settings.get(district_id, "core", key)


def default_period_for(district_id: int | None) -> tuple[int, bool]:
    """The district's publicity period: (days, counted in working days)."""
    return (
        int(_setting(district_id, "publicity_days")),
        bool(_setting(district_id, "publicity_working_days")),
    )


def default_period(unit: TerritoryUnit) -> tuple[int, bool]:
    return default_period_for(unit.district_id)


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def shanghai_date(moment: dt.datetime) -> dt.date:
    """The date in China of a naive UTC timestamp."""
    return (moment + dt.timedelta(hours=8)).date()


def real_name(user) -> str:
    """The user's full name if the account has one (not just the username), else ""."""
    name = (getattr(user, "display_name", "") or "").strip()
    return name if name and name != getattr(user, "username", None) else ""


# -- validation ----------------------------------------------------------------------------


def _check_text(title: str, contact: str, contact_phone: str) -> tuple[str, str, str]:
    title, contact = (title or "").strip(), (contact or "").strip()
    contact_phone = (contact_phone or "").strip()
    if not title or len(title) > 200:
        raise ServiceError(_("A public notice needs a title of at most 200 characters."))
    if len(contact) > 100:
        raise ServiceError(_("The contact for objections may have at most 100 characters."))
    if contact_phone and not PHONE.match(contact_phone):
        raise ServiceError(
            _("The telephone number may contain only digits, spaces and the characters + - ( ).")
        )
    return title, contact, contact_phone


def period(
    unit: TerritoryUnit,
    starts_on: dt.date | None = None,
    days: int | None = None,
    working: bool | None = None,
    ends_on: dt.date | None = None,
) -> tuple[dt.date, dt.date, int, bool]:
    """Check and complete a publicity period: (starts_on, ends_on, days, working).

    ``starts_on`` defaults to today (in China) and may not be in the past. Either give
    ``days`` (default: the district's setting) or an explicit ``ends_on``; the period is
    counted from the day after the start (Civil Code art. 201), so it is at least one day.
    """
    today = workdays.today()
    starts_on = starts_on or today
    if isinstance(starts_on, dt.datetime) or not isinstance(starts_on, dt.date):
        raise ServiceError(_("The start date is not a valid date."))
    if starts_on < today:
        raise ServiceError(
            _(
                "A public notice cannot start in the past (%(date)s); today is %(today)s.",
                date=starts_on.isoformat(),
                today=today.isoformat(),
            )
        )
    default_days, default_working = default_period(unit)
    working = default_working if working is None else bool(working)
    if ends_on is not None:
        if ends_on < starts_on:
            raise ServiceError(
                _(
                    "The notice would end on %(end)s, before it starts on %(start)s.",
                    end=ends_on.isoformat(),
                    start=starts_on.isoformat(),
                )
            )
        if working:
            days = workdays.working_days_between(starts_on, ends_on)
        else:
            days = (ends_on - starts_on).days
    else:
        days = default_days if days is None else days
    if isinstance(days, bool) or not isinstance(days, int):
        raise ServiceError(_("The publicity period must be a whole number of days."))
    if days < 1:
        raise ServiceError(
            _("The publicity period must be at least one day after the day the notice starts.")
        )
    if days > MAX_DAYS:
        raise ServiceError(_("The publicity period may be at most %(days)s days.", days=MAX_DAYS))
    if ends_on is None:
        ends_on = workdays.deadline(starts_on, days, working)
    return starts_on, ends_on, days, working


# -- notices -------------------------------------------------------------------------------


def _event(name, publication, actor, changes, summary="", **data):
    emit(
        Event(
            name,
            plugin="core",
            record=publication,
            actor=actor,
            district_id=publication.unit.district_id,
            changes=changes,
            summary=summary or publication.title,
            data={
                "plugin": publication.plugin,
                "target_table": publication.target_table,
                "target_id": publication.target_id,
                **data,
            },
        )
    )


def publish(
    ctx: Context,
    title: str,
    unit: TerritoryUnit,
    *,
    body: str = "",
    starts_on: dt.date | None = None,
    days: int | None = None,
    working: bool | None = None,
    ends_on: dt.date | None = None,
    record: pw.Model | None = None,
    plugin: str = "core",
    contact: str = "",
    contact_phone: str = "",
    draft: bool = False,
) -> Publication:
    """Publish a notice (公示) on the board of ``unit``'s community; return it.

    ``record`` is the record being made public (optional: a notice may stand alone); the
    period is ``days`` (working days unless ``working=False``) from the day after
    ``starts_on``, by default the district's setting (5 working days), or ends on ``ends_on``.
    With ``draft=True`` the notice is saved as a draft for :func:`publish_draft`.
    """
    actor = ctx.actor
    if unit is None:
        raise ServiceError(_("A public notice needs the territory unit whose board shows it."))
    title, contact, contact_phone = _check_text(title, contact, contact_phone)
    starts_on, ends_on, days, working = period(unit, starts_on, days, working, ends_on)
    if record is not None and record._pk is None:
        raise ValueError("publish a saved record")
    now = utcnow()
    actor_id = getattr(actor, "id", None)
    with db.atomic():
        publication = Publication.create(
            unit=unit,
            plugin=plugin,
            target_table=record._meta.table_name if record is not None else "",
            target_id=str(record._pk) if record is not None else "",
            title=title,
            body=(body or "").strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            period_days=days,
            working_days=working,
            state="draft",
            contact=contact,
            contact_phone=contact_phone,
            **audit_values(Publication, True, actor_id, now),
        )
        _event("created", publication, actor, diff({}, snapshot(publication)))
        if not draft:
            _set_published(publication, actor)
    return publication


def _set_published(publication: Publication, actor) -> None:
    publication.state = "published"
    publication.published_by = getattr(actor, "id", None)
    publication.published_at = utcnow()
    stamp(publication, False, publication.published_by, publication.published_at)
    publication.save()
    _event(
        "state_changed",
        publication,
        actor,
        {
            "state": ["draft", "published"],
            "starts_on": [None, publication.starts_on.isoformat()],
            "ends_on": [None, publication.ends_on.isoformat()],
        },
        transition="published",
    )


def _require_state(publication: Publication, states: tuple[str, ...], message) -> None:
    """Refuse unless the notice is in one of ``states``; ``message(state label)``."""
    if publication.state not in states:
        raise ServiceError(message(state_label(publication.state)))


def publish_draft(
    ctx: Context, publication: Publication, starts_on: dt.date | None = None
) -> Publication:
    """Publish a draft; the end date is computed again (the calendar may have changed)."""
    actor = ctx.actor
    _require_state(
        publication,
        ("draft",),
        lambda state: _("Only a draft can be published; this notice is %(state)s.", state=state),
    )
    starts_on = starts_on or publication.starts_on
    if starts_on < workdays.today():
        raise ServiceError(
            _(
                "The draft was to start on %(date)s, which has passed; change the start date "
                "first.",
                date=starts_on.isoformat(),
            )
        )
    starts_on, ends_on, days, working = period(
        publication.unit, starts_on, publication.period_days, publication.working_days
    )
    with db.atomic():
        publication.starts_on, publication.ends_on = starts_on, ends_on
        _set_published(publication, actor)
    return publication


def update_draft(
    ctx: Context,
    publication: Publication,
    *,
    title: str,
    body: str = "",
    starts_on: dt.date | None = None,
    days: int | None = None,
    working: bool | None = None,
    contact: str = "",
    contact_phone: str = "",
) -> Publication:
    """Change a draft. A published notice is never rewritten: withdraw it and publish anew."""
    actor = ctx.actor
    _require_state(
        publication,
        ("draft",),
        lambda state: _(
            "Only a draft can be changed; this notice is %(state)s. Withdraw it and publish a "
            "corrected notice instead.",
            state=state,
        ),
    )
    title, contact, contact_phone = _check_text(title, contact, contact_phone)
    starts_on, ends_on, days, working = period(publication.unit, starts_on, days, working)
    with db.atomic():
        before = snapshot(publication)
        publication.title, publication.body = title, (body or "").strip()
        publication.contact, publication.contact_phone = contact, contact_phone
        publication.starts_on, publication.ends_on = starts_on, ends_on
        publication.period_days, publication.working_days = days, working
        stamp(publication, False, getattr(actor, "id", None))
        publication.save()
        changes = diff(before, snapshot(publication))
        changes.pop("updated_at", None)
        _event("updated", publication, actor, changes)
    return publication


def withdraw(ctx: Context, publication: Publication, reason: str) -> Publication:
    """Withdraw a draft or a published notice (撤回), with the reason; it leaves the board."""
    actor = ctx.actor
    _require_state(
        publication,
        ("draft", "published"),
        lambda state: _("This notice is already %(state)s; it cannot be withdrawn.", state=state),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for withdrawing the notice."))
    if len(reason) > MAX_TEXT:
        raise ServiceError(_("The reason may have at most %(num)s characters.", num=MAX_TEXT))
    with db.atomic():
        before = publication.state
        publication.state = "withdrawn"
        publication.withdrawn_reason = reason
        stamp(publication, False, getattr(actor, "id", None))
        publication.save()
        _event(
            "state_changed",
            publication,
            actor,
            {"state": [before, "withdrawn"], "withdrawn_reason": [None, reason]},
            transition="withdrawn",
        )
    return publication


def close(ctx: Context, publication: Publication, note: str = "") -> Publication:
    """Close a notice whose period has ended (公示结束), once every objection is answered."""
    actor = ctx.actor
    _require_state(
        publication,
        ("published",),
        lambda state: _(
            "Only a published notice can be closed; this one is %(state)s.", state=state
        ),
    )
    if workdays.today() <= publication.ends_on:
        raise ServiceError(
            _(
                "The publicity period runs until %(date)s; close the notice after that day, or "
                "withdraw it.",
                date=publication.ends_on.isoformat(),
            )
        )
    waiting = unanswered(publication).count()
    if waiting:
        raise ServiceError(
            ngettext(
                "%(num)d objection has no answer yet; answer it before closing the notice.",
                "%(num)d objections have no answer yet; answer them before closing the notice.",
                waiting,
            )
        )
    note = (note or "").strip()
    with db.atomic():
        publication.state = "closed"
        publication.closed_at = utcnow()
        publication.closing_note = note
        stamp(publication, False, getattr(actor, "id", None), publication.closed_at)
        publication.save()
        _event(
            "state_changed",
            publication,
            actor,
            {"state": ["published", "closed"], "closing_note": [None, note]},
            transition="closed",
        )
    return publication


# -- objections (异议) -----------------------------------------------------------------------


def unanswered(publication: Publication | None = None) -> pw.ModelSelect:
    """Objections without any answer (of one notice, or all)."""
    answered = ObjectionAnswer.select(ObjectionAnswer.objection)
    query = Objection.select().where(Objection.id.not_in(answered))
    if publication is not None:
        query = query.where(Objection.publication == publication.id)
    return query


def check_open_for_objections(publication: Publication, on: dt.date | None = None) -> None:
    """Refuse, with the reason, when objections to ``publication`` are not taken (now)."""
    on = on or workdays.today()
    if publication.state == "withdrawn":
        raise ServiceError(_("This notice was withdrawn; objections to it are no longer taken."))
    if publication.state == "closed" or (
        publication.state == "published" and on > publication.ends_on
    ):
        raise ServiceError(
            _(
                "The publicity period ended on %(date)s; objections are no longer taken.",
                date=publication.ends_on.isoformat(),
            )
        )
    if publication.state != "published" or on < publication.starts_on:
        raise ServiceError(_("This notice is not public yet."))


def object_to(ctx: Context, publication: Publication, content: str, phone: str = "") -> Objection:
    """Raise an objection (提出异议) by real name while the notice is active: the objector is
    the one who acts."""
    user = ctx.actor
    from forms.validators import mobile_problem

    if user is None or not getattr(user, "id", None):
        raise ServiceError(_("Log in to raise an objection: objections are taken by real name."))
    check_open_for_objections(publication)
    name = real_name(user)
    if not name:
        raise ServiceError(
            _(
                "Objections are taken by real name, and your account has no full name. Ask "
                "your community office to record it."
            )
        )
    content, phone = (content or "").strip(), (phone or "").strip()
    if not content:
        raise ServiceError(_("Write what your objection is."))
    if len(content) > MAX_TEXT:
        raise ServiceError(_("An objection may have at most %(num)s characters.", num=MAX_TEXT))
    if phone and mobile_problem(phone):
        raise ServiceError(_(mobile_problem(phone)))
    with db.atomic():
        objection = Objection.create(
            publication=publication,
            user=user.id,
            name=name,
            phone=phone or None,
            content=content,
        )
        emit(
            Event(
                "created",
                plugin="core",
                record=objection,
                actor=user,
                district_id=publication.unit.district_id,
                changes={
                    "publication": [None, publication.id],
                    "name": [None, name],
                    "content": [None, content],
                },
                summary=_("Objection to “%(title)s”", title=publication.title)[:255],
                data={"publication_id": publication.id},
            )
        )
    _tell_publisher(publication, objection)
    return objection


def answer(ctx: Context, objection: Objection, body: str) -> ObjectionAnswer:
    """Answer an objection (答复异议); a further answer is a new row, none is rewritten."""
    actor = ctx.actor
    body = (body or "").strip()
    if actor is None or not getattr(actor, "id", None):
        raise ServiceError(_("Log in to answer an objection."))
    if not body:
        raise ServiceError(_("Write the answer to the objection."))
    if len(body) > MAX_TEXT:
        raise ServiceError(_("An answer may have at most %(num)s characters.", num=MAX_TEXT))
    publication = objection.publication
    with db.atomic():
        reply = ObjectionAnswer.create(
            objection=objection,
            answered_by=actor.id,
            answered_by_name=str(actor)[:64],
            body=body,
        )
        emit(
            Event(
                "created",
                plugin="core",
                record=reply,
                actor=actor,
                district_id=publication.unit.district_id,
                changes={"objection": [None, objection.id], "body": [None, body]},
                summary=_("Answer to an objection to “%(title)s”", title=publication.title)[:255],
                data={"publication_id": publication.id, "objection_id": objection.id},
            )
        )
    _tell_objector(objection, reply)
    return reply


def _tell_publisher(publication: Publication, objection: Objection) -> None:
    from core.notifications import notify

    user_id = publication.published_by_id or publication.created_by_id
    user = User.get_or_none(User.id == user_id) if user_id else None
    if user is None:
        return
    notify(
        user,
        "objection",
        _("Objection to “%(title)s”", title=publication.title),
        _("%(name)s: %(content)s", name=objection.name, content=objection.content),
        link=f"/admin/core/objection/details/?id={objection.id}",
        district_id=publication.unit.district_id,
    )


def _tell_objector(objection: Objection, reply: ObjectionAnswer) -> None:
    from core.notifications import notify

    publication = objection.publication
    notify(
        objection.user,
        "objection",
        _("Your objection to “%(title)s” was answered", title=publication.title),
        reply.body,
        link="/public/my-objections/",
        district_id=publication.unit.district_id,
    )


# -- queries -------------------------------------------------------------------------------


def publications_for(record: pw.Model) -> pw.ModelSelect:
    """Every notice that published ``record``, newest first."""
    return (
        Publication.select()
        .where(
            (Publication.target_table == record._meta.table_name)
            & (Publication.target_id == str(record._pk))
        )
        .order_by(Publication.id.desc())
    )


def active(on: dt.date | None = None) -> pw.ModelSelect:
    """Notices on the boards today (published, today within their period)."""
    on = on or workdays.today()
    return Publication.select().where(
        (Publication.state == "published")
        & (Publication.starts_on <= on)
        & (Publication.ends_on >= on)
    )


def answer_due(objection: Objection) -> dt.date:
    """The last day to answer an objection: the district's working days after it was raised."""
    publication = objection.publication
    days = int(_setting(publication.unit.district_id, "objection_answer_days"))
    return workdays.deadline(shanghai_date(objection.created_at), days, working=True)


class PublicationRules(Rules):
    """公示: only a draft may be deleted; a published notice is withdrawn instead (撤回), and
    stays on record."""

    model = Publication

    def before_delete(self, ctx, record):
        if record.state != "draft":
            raise Refused(_("Only a draft can be deleted; withdraw a published notice instead."))
