"""Saved list filters (常用筛选): a person names the query string of an admin list (its
filters, search and sort) and finds it again as a link above that list.

A saved filter is only a URL: opening it runs the list as ever, so the data scope of the one
who opens it applies, and nobody sees another person's saved filters. Services layer: the
admin surface builds the :class:`~core.commands.Context` and passes the list's endpoint.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from core.commands import CONTROL, Context, refused_by_database
from core.db import db
from core.errors import Conflict, Forbidden, Refused
from core.i18n import gettext as _
from core.models import UserSavedFilter

MAX_NAME = 40
MAX_QUERY = 2000
MAX_PER_LIST = 50
IGNORED = {"page", "csrf_token"}  # where one was in the list is not part of the filter


def clean_query(query: str) -> str:
    """The query string without the page number, the same whichever order it came in."""
    pairs = [(k, v) for k, v in parse_qsl((query or "").lstrip("?"), True) if k not in IGNORED]
    return urlencode(pairs)


def filters_of(ctx: Context, endpoint: str) -> list[UserSavedFilter]:
    """The actor's saved filters of the list ``endpoint``, by name."""
    if ctx.actor_id is None:
        return []
    return list(
        UserSavedFilter.select()
        .where((UserSavedFilter.user == ctx.actor_id) & (UserSavedFilter.endpoint == endpoint))
        .order_by(UserSavedFilter.name)
    )


def save_filter(ctx: Context, endpoint: str, name: str, query: str) -> UserSavedFilter:
    """Save ``query`` (a list's query string) as the actor's filter ``name`` of ``endpoint``.
    Refused, and nothing saved, for an empty or too long name, a name the actor already gave
    a filter of this list, an empty or too long filter."""
    if ctx.actor_id is None:
        raise Forbidden(_("You are not allowed to do this."))
    name = (name or "").strip()
    if not name:
        raise Refused(_("Please give the filter a name."), field="name")
    if len(name) > MAX_NAME:
        raise Refused(
            _("The name of a saved filter is at most %(max)s characters.", max=MAX_NAME),
            field="name",
        )
    if CONTROL.search(name):
        raise Refused(
            _("Text may not contain control characters (only line breaks and tabs)."),
            field="name",
        )
    endpoint = (endpoint or "").strip()
    if not endpoint or len(endpoint) > 96:
        raise Refused(_("No such list."))
    query = clean_query(query)
    if not query:
        raise Refused(_("There is nothing to save: filter, search or sort the list first."))
    if len(query) > MAX_QUERY:
        raise Refused(_("This filter is too long to save."))
    mine = UserSavedFilter.select().where(
        (UserSavedFilter.user == ctx.actor_id) & (UserSavedFilter.endpoint == endpoint)
    )
    if mine.where(UserSavedFilter.name == name).exists():
        raise Conflict(
            _("You already have a saved filter named %(name)s on this list.", name=name),
            field="name",
        )
    if mine.count() >= MAX_PER_LIST:
        raise Refused(_("At most %(max)s saved filters per list.", max=MAX_PER_LIST))
    with refused_by_database(), db.atomic():
        return UserSavedFilter.create(
            user=ctx.actor_id, endpoint=endpoint, name=name, query=query, created_at=ctx.now()
        )


def delete_filter(ctx: Context, filter_id) -> None:
    """Delete one of the actor's saved filters; another person's is as unknown as none."""
    try:
        key = int(filter_id)
    except (TypeError, ValueError):
        key = 0
    row = UserSavedFilter.get_or_none(
        (UserSavedFilter.id == key) & (UserSavedFilter.user == (ctx.actor_id or 0))
    )
    if row is None:
        raise Refused(_("No such saved filter."))
    with db.atomic():
        row.delete_instance()
