"""The inbox (消息) in the admin: each user reads their own notifications there, opens them
(which marks them read) and marks them read; the menu label shows the unread count.

Web layer, a core feature module wired by :mod:`core.builtin`; the notifications themselves
(writing, delivering, the daily reminders) are :mod:`core.notifications`.
"""

from __future__ import annotations

import peewee as pw
from flask import flash, g, has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup, escape

from core.admin import ModelView
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import ngettext
from core.notifications import KINDS, Notification, mark_read, safe_link, unread_count


class InboxLabel:
    """The menu label of the inbox, with the current user's unread count: 消息 (3)."""

    def __str__(self) -> str:
        name = _("Inbox")
        if has_request_context() and current_user and current_user.is_authenticated:
            count = unread_count(current_user)
            if count:
                return f"{name} ({count})"
        return name

    def __html__(self) -> str:
        return str(escape(str(self)))


def admin_views(admin):
    def title_link(view, context, model, name):
        url = url_for(".open_view", id=model.id)
        text = escape(model.title)
        if model.read_at is None:
            text = Markup("<strong>") + text + Markup("</strong>")
        return Markup(f'<a href="{escape(url)}">') + text + Markup("</a>")

    class NotificationView(ModelView):
        """消息 Inbox: each user sees only their own notifications."""

        scoped = False  # per user, not per territory unit: see scoped_query
        allow_create = allow_edit = allow_delete = allow_export = False
        list_template = "notifications/list.html"
        column_list = ("created_at", "kind", "title", "read_at")
        column_details_list = ("created_at", "kind", "title", "body", "link", "read_at")
        column_default_sort = ("created_at", True)
        column_filters = ("kind", "read_at", "created_at")
        column_searchable_list = ("title", "body")
        column_labels = {
            "created_at": _l("Time"),
            "kind": _l("Kind"),
            "title": _l("Title"),
            "body": _l("Text"),
            "link": _l("Link"),
            "read_at": _l("Read at"),
        }
        column_formatters = {
            "kind": lambda v, c, m, p: str(KINDS.get(m.kind, m.kind)),
            "title": title_link,
        }
        column_formatters_detail = {"kind": lambda v, c, m, p: str(KINDS.get(m.kind, m.kind))}

        def allowed(self, action):
            # everyone who logs in has an inbox; nobody creates, edits or exports in it
            return (
                action == "read"
                and current_user.is_authenticated
                and current_user.is_active
                and bool(g.get("access"))
            )

        def scoped_query(self, query, action="read"):
            if not current_user.is_authenticated:
                return query.where(pw.SQL("1 = 0"))
            return query.where(Notification.user == current_user.id)

        @expose("/open/")
        def open_view(self):
            notification = self.get_one(request.args.get("id", ""))
            if notification is None:
                flash(_("This notification does not exist."), "error")
                return redirect(url_for(".index_view"))
            mark_read(current_user, [notification.id])
            target = safe_link(notification.link)
            return redirect(target or url_for(".details_view", id=notification.id))

        @expose("/read-all/", methods=["POST"])
        def read_all_view(self):
            count = mark_read(current_user)
            flash(
                ngettext(
                    "%(num)d notification marked as read.",
                    "%(num)d notifications marked as read.",
                    count,
                ),
                "success",
            )
            return redirect(url_for(".index_view"))

        @action("mark_read", _l("Mark as read"))
        def action_mark_read(self, ids):
            count = mark_read(current_user, ids)
            flash(
                ngettext(
                    "%(num)d notification marked as read.",
                    "%(num)d notifications marked as read.",
                    count,
                ),
                "success",
            )

        def is_action_allowed(self, name):
            return name == "mark_read"

        def render(self, template, **kwargs):
            kwargs.setdefault("unread_total", unread_count(current_user))
            return super().render(template, **kwargs)

    return [
        NotificationView(
            Notification,
            name=InboxLabel(),
            category=None,
            plugin_id="core",
            endpoint="core_notification",
            url="/admin/core/notification",
        )
    ]
