"""Notifications (消息通知): an in-app inbox per user; other channels are plugins.

* :func:`notify` writes one row of the user's inbox (站内信, the record) and then hands it to
  every channel contributed through ``linli_notification_channels`` (SMS, WeChat...). A
  channel that fails is logged; the inbox row stays.
* The inbox is the admin page ``/admin/core/notification/`` (:mod:`core.inbox`): each user
  sees only their own notifications, opens them (which marks them read) and marks them read.
* ``linli notify`` (run daily by cron) reminds and escalates overdue work and sends a daily
  digest of unread notifications; see :func:`run_daily`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import click
import peewee as pw
from flask.cli import with_appcontext

from core.db import db
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import ngettext
from core.models import BaseModel, RoleAssignment, RolePermission, TerritoryUnit, User, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Channel:
    """A delivery channel contributed through ``linli_notification_channels``."""

    code: str
    label_zh: str
    label_en: str
    send: Any  # callable(user, notification) -> None


@dataclass(frozen=True)
class OverdueItem:
    """Work past its deadline, reported through ``linli_overdue_items``."""

    title: str
    url: str
    due: dt.date
    unit_id: int
    responsible_id: int | None = None
    plugin: str = "core"


@dataclass
class OverduePage:
    """Some of the overdue items in view (:func:`overdue_page`): ``total`` of them in all,
    ``items`` the earliest due."""

    total: int
    items: list[OverdueItem]


def overdue_page(district, units_for, responsible_id=None, limit: int = 10) -> OverduePage:
    """The overdue items in view for the enabled plugins, earliest due first, at most
    ``limit``, and how many there are.

    Plugins that implement ``linli_overdue_page`` count and cut in SQL; for the others (few
    items: meetings, committees, applications) their ``linli_overdue_items`` are kept when the
    item's unit is among ``units_for(item.plugin)`` (one query per plugin)."""
    from flask import g

    from core.registry import kernel_state

    kernel = kernel_state().kernel
    enabled = set(g.get("enabled_plugins", set()))
    total, items = 0, []
    pages = kernel.runtime("linli_overdue_page", enabled)(
        district=district, units_for=units_for, responsible_id=responsible_id, limit=limit
    )
    for page in pages:
        if page is not None:
            total += page.total
            items += page.items
    paged = kernel.implementers("linli_overdue_page")
    rest = [
        item
        for result in kernel.runtime("linli_overdue_items", enabled - paged)(district=district)
        for item in (result or [])
        if item.plugin not in paged
        and (responsible_id is None or item.responsible_id == responsible_id)
    ]
    for plugin in {item.plugin for item in rest}:
        mine = [item for item in rest if item.plugin == plugin]
        allowed = {
            row.id
            for row in TerritoryUnit.select(TerritoryUnit.id).where(
                TerritoryUnit.id.in_(units_for(plugin))
                & TerritoryUnit.id.in_({item.unit_id for item in mine})
            )
        }
        visible = [item for item in mine if item.unit_id in allowed]
        total += len(visible)
        items += visible
    items.sort(key=lambda item: (item.due, str(item.title)))
    return OverduePage(total, items[:limit])


KINDS = {
    "assignment": _l("Assignment"),
    "deadline_soon": _l("Deadline soon"),
    "overdue": _l("Overdue"),
    "escalation": _l("Escalated"),
    "state_changed": _l("State changed"),
    "objection": _l("Objection"),
    "digest": _l("Daily digest"),
    "message": _l("Message"),
}


class Notification(BaseModel):
    """One message in a user's inbox (站内信)."""

    user = pw.ForeignKeyField(User, backref="+", on_delete="CASCADE", verbose_name=_l("User"))
    kind = pw.CharField(max_length=32, index=True, verbose_name=_l("Kind"))
    title = pw.CharField(max_length=200, verbose_name=_l("Title"))
    body = pw.TextField(default="", verbose_name=_l("Text"))
    link = pw.CharField(max_length=500, default="", verbose_name=_l("Link"))
    created_at = pw.DateTimeField(default=utcnow, index=True, verbose_name=_l("Time"))
    read_at = pw.DateTimeField(null=True, verbose_name=_l("Read at"))
    district_id = pw.IntegerField(null=True, index=True)
    # what makes a notification unique for its user (a reminder of one item on one day...);
    # empty keys (NULL) never collide
    dedup_key = pw.CharField(max_length=100, null=True)

    class Meta:
        table_name = "core_notification"
        verbose_name = _l("Notifications")
        indexes = ((("user", "read_at"), False), (("user", "dedup_key"), True))

    def __str__(self) -> str:
        return self.title


MODELS = [Notification]


# -- sending -------------------------------------------------------------------------------


def channels() -> list[tuple[str, Channel]]:
    """(plugin id, channel) of every active plugin, collected once per application."""
    from flask import current_app

    from core.registry import kernel_state

    cached = current_app.extensions.get("linli_notification_channels")
    if cached is None:
        cached = [
            (pid, channel)
            for pid, found in kernel_state().kernel.collect(
                "linli_notification_channels", states=("active",)
            )
            for channel in found or []
        ]
        current_app.extensions["linli_notification_channels"] = cached
    return cached


def _district_of(user: User) -> int | None:
    assignment = (
        RoleAssignment.select(RoleAssignment, TerritoryUnit)
        .join(TerritoryUnit)
        .where(RoleAssignment.user == user.id)
        .order_by(RoleAssignment.id)
        .first()
    )
    return assignment.unit.district_id if assignment else None


def deliver(notification: Notification) -> list[str]:
    """Hand ``notification`` to the channels of the core and of the plugins enabled in its
    district (personal data leaves only through channels the district enabled); return the
    codes of the channels that failed. A failure is logged, never raised."""
    from core.registry import kernel_state

    found = channels()
    if not found:
        return []
    district_id = notification.district_id or _district_of(notification.user)
    enabled = kernel_state().enabled_plugins(district_id) if district_id else set()
    failed = []
    for pid, channel in found:
        if pid != "core" and pid not in enabled:
            continue
        try:
            channel.send(notification.user, notification)
        except Exception:
            log.exception(
                "notification %s to %s: channel %s failed; the inbox copy stays",
                notification.id,
                notification.user.username,
                channel.code,
            )
            failed.append(channel.code)
    return failed


def notify(
    user: User,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    district_id: int | None = None,
    key: str | None = None,
) -> Notification | None:
    """Put a notification in ``user``'s inbox and deliver it through every channel.

    ``kind`` is one of :data:`KINDS` (or a plugin's own word); ``link`` a path inside the
    platform. With ``key``, a notification with the same key for the same user is sent only
    once (returns None the second time).

    Call it after the transaction of the change it reports: channels deliver at once.
    """
    if user is None:
        return None
    title = str(title or "").strip()[:200] or str(KINDS.get(kind, kind))
    if key is not None:
        key = key[:100]
        exists = Notification.select().where(
            (Notification.user == user.id) & (Notification.dedup_key == key)
        )
        if exists.exists():
            return None
    with db.atomic():
        notification = Notification.create(
            user=user.id,
            kind=kind[:32],
            title=title,
            body=str(body or ""),
            link=str(link or "")[:500],
            district_id=district_id,
            dedup_key=key,
        )
    notification.user = user
    deliver(notification)
    return notification


# -- reading -------------------------------------------------------------------------------


def unread(user) -> pw.ModelSelect:
    return Notification.select().where(
        (Notification.user == user.id) & Notification.read_at.is_null()
    )


def unread_count(user) -> int:
    """How many notifications ``user`` has not read (0 for nobody)."""
    if user is None or not getattr(user, "id", None):
        return 0
    return unread(user).count()


def mark_read(user, ids=None) -> int:
    """Mark ``user``'s notifications (those of ``ids``, or all) read; return how many."""
    query = Notification.update(read_at=utcnow()).where(
        (Notification.user == user.id) & Notification.read_at.is_null()
    )
    if ids is not None:
        query = query.where(Notification.id.in_([int(i) for i in ids if str(i).isdigit()]))
    with db.atomic():
        return query.execute()


def safe_link(link: str) -> str | None:
    """A link inside the platform (a path), or None."""
    parsed = urlparse(link or "")
    if link and link.startswith("/") and not link.startswith("//") and not parsed.netloc:
        return link
    return None


# -- linli notify (daily) ------------------------------------------------------------------


def supervisors(unit: TerritoryUnit, plugin: str) -> list[User]:
    """Who supervises work of ``unit`` (督办): active users holding, at the PARENT unit (a
    community's street, a grid's community), a role that grants ``read`` on ``plugin``."""
    if unit.parent_id is None:
        return []
    roles = RolePermission.select(RolePermission.role).where(
        RolePermission.plugin.in_([plugin, "*"]) & RolePermission.action.in_(["read", "*"])
    )
    holders = RoleAssignment.select(RoleAssignment.user).where(
        (RoleAssignment.unit == unit.parent_id) & RoleAssignment.role.in_(roles)
    )
    return list(User.select().where(User.id.in_(holders) & User.is_active).order_by(User.id))


def _key(kind: str, day: dt.date, *parts) -> str:
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:20]
    return f"{kind}:{day.isoformat()}:{digest}"


@dataclass
class DailyReport:
    day: dt.date
    districts: int = 0
    items: int = 0
    reminders: int = 0
    escalations: int = 0
    digests: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"linli notify {self.day.isoformat()}: {self.districts} districts, "
            f"{self.items} overdue items; sent {self.reminders} reminders, "
            f"{self.escalations} escalations, {self.digests} digests"
        )


def collect_overdue_items(district: TerritoryUnit) -> list[OverdueItem]:
    """What the core and the plugins enabled in ``district`` report as overdue."""
    from core.registry import kernel_state

    state = kernel_state()
    caller = state.kernel.runtime("linli_overdue_items", state.enabled_plugins(district.id))
    items = []
    for result in reversed(caller(district=district)):  # core first
        items.extend(result or [])
    return items


def run_daily() -> DailyReport:
    """Remind and escalate overdue work, then send each user one digest of unread messages.

    For every district and every :class:`OverdueItem` of ``linli_overdue_items``:

    * the responsible user (if any) gets an ``overdue`` reminder;
    * the supervisors of the item's unit (:func:`supervisors`: users whose role assignment
      is at the parent unit and grants ``read`` on the item's plugin) get an ``escalation``.

    Then every active user with unread notifications gets one ``digest``. Each of these is
    sent at most once per user, item and day (China's date), so a second run on the same day
    sends nothing new.
    """
    from core import territory, workdays

    day = workdays.today()
    report = DailyReport(day)
    for district in territory.districts():
        report.districts += 1
        try:
            items = collect_overdue_items(district)
        except Exception as exc:  # one broken plugin must not stop the others' reminders
            log.exception("linli notify: overdue items of %s failed", district.code)
            report.problems.append(f"{district.code}: {exc}")
            continue
        for item in items:
            report.items += 1
            _remind_and_escalate(item, district, day, report)
    _send_digests(day, report)
    return report


def _remind_and_escalate(item: OverdueItem, district, day: dt.date, report: DailyReport):
    unit = TerritoryUnit.get_or_none(TerritoryUnit.id == item.unit_id)
    if unit is None:
        return
    due = item.due.isoformat()
    responsible = (
        User.get_or_none((User.id == item.responsible_id) & User.is_active)
        if item.responsible_id
        else None
    )
    if responsible is not None:
        sent = notify(
            responsible,
            "overdue",
            _("Overdue: %(title)s", title=item.title),
            _("The deadline was %(due)s.", due=due),
            link=item.url,
            district_id=district.id,
            key=_key("overdue", day, item.plugin, item.url, item.unit_id),
        )
        report.reminders += sent is not None
    who = str(responsible) if responsible else _("nobody")
    for user in supervisors(unit, item.plugin):
        sent = notify(
            user,
            "escalation",
            _("Overdue in %(unit)s: %(title)s", unit=unit.name, title=item.title),
            _(
                "The deadline was %(due)s. Responsible: %(who)s. Please follow it up.",
                due=due,
                who=who,
            ),
            link=item.url,
            district_id=district.id,
            key=_key("escalation", day, item.plugin, item.url, item.unit_id),
        )
        report.escalations += sent is not None


def _send_digests(day: dt.date, report: DailyReport) -> None:
    waiting = (
        Notification.select(Notification.user, pw.fn.COUNT(Notification.id).alias("n"))
        .join(User)
        .where(Notification.read_at.is_null() & (Notification.kind != "digest") & User.is_active)
        .group_by(Notification.user)
    )
    for row in waiting:
        user = User.get_by_id(row.user_id)
        titles = (
            unread(user)
            .where(Notification.kind != "digest")
            .order_by(Notification.created_at.desc())
            .limit(10)
        )
        sent = notify(
            user,
            "digest",
            ngettext(
                "You have %(num)d unread notification.",
                "You have %(num)d unread notifications.",
                row.n,
            ),
            "\n".join(f"· {n.title}" for n in titles),
            link="/admin/core/notification/",
            key=_key("digest", day),
        )
        report.digests += sent is not None


@click.command("notify")
@with_appcontext
def notify_command():
    """Daily: remind and escalate overdue work, send digests of unread notifications."""
    with db.connection_context():
        report = run_daily()
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(report.line())


def commands() -> list:
    return [notify_command]


# -- a person's copy and erasure (个人信息保护法) -------------------------------------------


def personal_data(user) -> list:
    """The person's inbox."""
    from core.privacy import records_section

    rows = (
        Notification.select()
        .where(Notification.user == user.id)
        .order_by(Notification.created_at.desc())
    )
    section = records_section(
        "core.notifications",
        _l("Notifications"),
        Notification,
        rows,
        ["created_at", "kind", "title", "body", "read_at"],
    )
    kind = section.headers.index(str(Notification.kind.verbose_name))
    for row in section.rows:
        row[kind] = str(KINDS.get(row[kind], row[kind]))
    return [section]


def erase_personal_data(user, pseudonym) -> dict:
    """The person's inbox is emptied."""
    return {
        "core_notification": pw.ModelDelete(Notification)
        .where(Notification.user == user.id)
        .execute()
    }
