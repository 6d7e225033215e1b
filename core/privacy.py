"""A person's rights over their personal information (个人信息主体权利, 《个人信息保护法》).

* Art. 45, a copy (查阅、复制): :func:`personal_copy` gathers what every module holds about the
  acting person — the runtime hook ``linli_personal_data(user)`` of the core and of every
  active plugin answers with :class:`Section` objects — for the portal page 我的个人信息,
  which hands it out as a workbook or JSON. Only the acting person's own records: the
  command takes no other person. Each copy is audited.
* Art. 47, deletion (删除): :func:`erase_person` carries out a deletion request for a security
  administrator (``core:manage_users`` over the person) or the operator's CLI, with a reason.
  Through the hook ``linli_erase_personal_data(user, pseudonym)`` every module replaces the
  person's name by a pseudonym (``已删除用户#<id>``) and clears their ID number, phone and
  address; the account is disabled, renamed and its sessions ended. Evidence stays (art. 47
  para. 2: a retention the law requires): ledger movements, ballots, workflow history and the
  audit are append-only and keep their rows; they point to the pseudonymised person, so the
  name they show is the pseudonym. The audit row of the erasure holds the reason and how many
  records each module changed, never the erased values.

Services layer: no request objects; the portal and the admin pass a Context.
"""

from __future__ import annotations

import datetime as dt
import decimal
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import peewee as pw

from core import sessions
from core.access import hash_password
from core.db import db
from core.errors import ServiceError
from core.events import Event, emit
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import (
    LoginAttempt,
    PasswordReset,
    RoleAssignment,
    TerritoryUnit,
    User,
    UserSession,
    utcnow,
)

if TYPE_CHECKING:
    from core.commands import Context

PSEUDONYM = "已删除用户#{id}"  # stored data, Chinese like the rest of the records
ERASED_USERNAME = "erased-{id}"
LOGIN_HISTORY_DAYS = 180  # the login log a person gets a copy of (the retention minimum)
REASON_MAX = 200


@dataclass
class Section:
    """One part of a person's copy: a title, translated column headers and the rows (lists of
    plain values in the order of ``headers``)."""

    key: str  # "<plugin>.<what>", stable across languages (the JSON copy names it)
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.headers, row, strict=False)) for row in self.rows]


def pseudonym(user: User) -> str:
    return PSEUDONYM.format(id=user.id)


# -- building sections ---------------------------------------------------------------------


def _local(value: dt.datetime) -> str:
    from flask import has_app_context
    from flask_babel import format_datetime

    if not has_app_context():
        return value.isoformat(sep=" ", timespec="minutes")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value, "yyyy-MM-dd HH:mm")


def plain(value: Any, model_field: pw.Field | None = None) -> Any:
    """A value as a person reads it: choice labels, local times, yes/no, names of records."""
    if value is None:
        return ""
    if model_field is not None:
        from flask import g, has_app_context

        from forms.dictionaries import field_choices, field_label

        district = g.get("district_id") if has_app_context() else None
        if field_choices(model_field, district) is not None:
            return field_label(model_field, value, district)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


def records_section(
    key: str,
    title,
    model: type[pw.Model],
    records: Iterable[pw.Model],
    fields: list[str],
    labels: dict | None = None,
) -> Section:
    """A section of ``records`` of ``model`` with the named ``fields``: the headers are the
    fields' labels (``verbose_name``, translated; ``labels`` overrides some), a foreign key
    shows the related record."""
    headers, model_fields = [], []
    for name in fields:
        model_field = model._meta.fields[name]
        model_fields.append(model_field)
        label = (labels or {}).get(name) or model_field.verbose_name or name
        headers.append(str(label))
    rows = []
    for record in records:
        row = []
        for name, model_field in zip(fields, model_fields, strict=True):
            if isinstance(model_field, pw.ForeignKeyField):
                value = getattr(record, name) if record.__data__.get(name) is not None else None
            else:
                value = getattr(record, name)
            row.append(plain(value, model_field))
        rows.append(row)
    return Section(key, str(title), headers, rows)


# -- the hooks, for every active plugin ----------------------------------------------------


def _every_plugin(hook_name: str):
    """A caller of a runtime hook for the core and every active plugin, whichever districts
    enable them: a person's records stay where they were when a module is switched off."""
    from core.registry import kernel_state

    kernel = kernel_state().kernel
    active = [info.id for info in kernel.ordered(("active",))]
    return kernel.runtime(hook_name, active)


def personal_data(user: User) -> list[Section]:
    """Every module's sections about ``user``, core first."""
    results = _every_plugin("linli_personal_data")(user=user)
    sections = [s for result in reversed(results) for s in (result or [])]
    return sections


def personal_copy(ctx: Context, fmt: str = "xlsx") -> list[Section]:
    """A copy of the acting person's own personal information (个人信息副本, 个保法 art. 45);
    audited. There is no way to ask for someone else's."""
    user = ctx.actor
    if user is None or not getattr(user, "id", None):
        raise ServiceError(_("Log in to get a copy of your personal information."))
    with db.atomic():
        sections = personal_data(user)
        emit(
            Event(
                "personal_data_copied",
                record=user,
                actor=user,
                district_id=ctx.district_id,
                summary=f"#{user.id} {fmt}",
            )
        )
    return sections


def erase_person(ctx: Context, user: User, reason: str) -> dict[str, int]:
    """Carry out a deletion request (删除请求, 个保法 art. 47) for ``user``: every module
    pseudonymises or clears the person's personal information, the account is disabled and
    renamed, every session ends; append-only evidence keeps its rows. Needs
    ``core:manage_users`` over the person (a trusted context: the operator's CLI) and a
    reason. Returns how many records each table changed; the audit keeps that and the reason.
    A refusal changes nothing."""
    reason = " ".join((reason or "").split())
    if not ctx.system:
        members = sessions.manageable_users(ctx.access, ctx.district_id)
        if members is None or not (
            User.select().where((User.id == user.id) & User.id.in_(members)).exists()
        ):
            raise ServiceError(_("You are not allowed to do this."))
    if not reason:
        raise ServiceError(_("Give the reason for the deletion (the person's request)."))
    if len(reason) > REASON_MAX:
        raise ServiceError(_("At most %(max)s characters.", max=REASON_MAX))
    if ctx.actor_id is not None and ctx.actor_id == user.id:
        raise ServiceError(_("You cannot erase your own account."))
    if user.username == ERASED_USERNAME.format(id=user.id):
        raise ServiceError(_("The personal information of this account was already erased."))
    name = pseudonym(user)
    with db.atomic():
        results = _every_plugin("linli_erase_personal_data")(user=user, pseudonym=name)
        counts: dict[str, int] = {}
        for result in results:
            for table, count in (result or {}).items():
                counts[table] = counts.get(table, 0) + int(count)
        emit(
            Event(
                "personal_data_erased",
                record=user,
                actor=ctx.actor,
                district_id=ctx.district_id,
                changes={"reason": ["", reason], "records": ["", counts]},
                summary=f"{name}: {reason}"[:255],
            )
        )
    user.username, user.display_name = ERASED_USERNAME.format(id=user.id), name
    user.is_active = False
    return counts


# -- the core's own part: the account ------------------------------------------------------


def account_sections(user: User) -> list[Section]:
    """The account itself, its roles, its logins of the last 180 days and its sessions."""
    me = User.get_by_id(user.id)
    account = Section(
        "core.account",
        _("Account"),
        [
            str(User.username.verbose_name),
            str(User.display_name.verbose_name),
            str(User.is_active.verbose_name),
            _("Created at"),
            _("Password changed at"),
            _("Last login"),
        ],
        [
            [
                me.username,
                me.display_name,
                plain(me.is_active),
                plain(me.created_at),
                plain(me.password_changed_at),
                plain(me.last_login_at),
            ]
        ],
    )
    assignments = (
        RoleAssignment.select(RoleAssignment, TerritoryUnit)
        .join(TerritoryUnit)
        .where(RoleAssignment.user == user.id)
        .order_by(TerritoryUnit.path)
    )
    scopes = {
        "all": _l("All"),
        "subtree": _l("This unit and below"),
        "unit": _l("This unit only"),
        "own": _l("Own records only"),
    }
    roles = Section(
        "core.roles",
        _("Roles"),
        [_("Role"), _("Territory unit"), _("Data scope")],
        [[str(a.role), a.unit.name, str(scopes.get(a.scope, a.scope))] for a in assignments],
    )
    since = utcnow() - dt.timedelta(days=LOGIN_HISTORY_DAYS)
    logins = records_section(
        "core.logins",
        _l("Logins of the last 180 days"),
        LoginAttempt,
        LoginAttempt.select()
        .where((LoginAttempt.user == user.id) & (LoginAttempt.at >= since))
        .order_by(LoginAttempt.at.desc()),
        ["at", "ip", "success", "reason"],
    )
    reasons = sessions.REASONS
    sessions_section = records_section(
        "core.sessions",
        _l("Login sessions"),
        UserSession,
        UserSession.select()
        .where(UserSession.user == user.id)
        .order_by(UserSession.created_at.desc()),
        ["created_at", "last_seen_at", "ip", "user_agent", "ended_at", "end_reason"],
    )
    ends = sessions_section.headers.index(str(UserSession.end_reason.verbose_name))
    for row in sessions_section.rows:
        row[ends] = str(reasons.get(row[ends], row[ends]))
    return [account, roles, logins, sessions_section]


def erase_account(user: User, pseudonym: str) -> dict[str, int]:
    """The account: renamed, disabled, an unusable password, every session ended, reset codes
    gone. The login log (append-only) keeps its rows."""
    User.update(
        username=ERASED_USERNAME.format(id=user.id),
        display_name=pseudonym,
        is_active=False,
        must_change_password=False,
        password_hash=hash_password(secrets.token_urlsafe(32)),
    ).where(User.id == user.id).execute()
    ended = sessions.end_all(user.id, "erased")
    resets = pw.ModelDelete(PasswordReset).where(PasswordReset.user == user.id).execute()
    return {"core_user": 1, "core_user_session": ended, "core_password_reset": resets}
