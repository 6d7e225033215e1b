"""The deletion request (删除请求, 个人信息保护法 第四十七条) on the admin's user list: the action
“Erase personal information” opens a page for one account where the security administrator
gives the reason; :func:`core.privacy.erase_person` does the work. Mixed into
``core.admin_views.UserView``."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action

from core import privacy
from core.commands import Context
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import User


class EraseMixin:
    """For a ModelView of users with ``scoped_query`` and ``can_edit``."""

    @action("erase", _l("Erase personal information (deletion request)"))
    def action_erase(self, ids):
        if not self.can_edit:
            flash(_("You are not allowed to do this."), "error")
            return None
        users = list(self.scoped_query(User.select(), "update").where(User.id << ids))
        if len(ids) != 1 or len(users) != 1:
            flash(_("Choose exactly one account to erase."), "error")
            return None
        return redirect(self.get_url(".erase_view", id=users[0].id))

    @expose("/erase/", methods=("GET", "POST"))
    def erase_view(self):
        back = self.get_url(".index_view")
        user = None
        if self.can_edit and (request.values.get("id") or "").isdigit():
            user = (
                self.scoped_query(User.select(), "update")
                .where(User.id == int(request.values["id"]))
                .first()
            )
        if user is None:
            flash(_("Record does not exist."), "error")
            return redirect(back)
        reason = request.form.get("reason", "")
        if request.method == "POST":
            try:
                privacy.erase_person(Context.current(), user, reason)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                flash(
                    _(
                        "The personal information of the account was erased; it is now %(name)s.",
                        name=privacy.pseudonym(user),
                    ),
                    "success",
                )
                return redirect(back)
        return self.render("admin/linli_erase.html", person=str(user), reason=reason, id=user.id)

    def is_action_allowed(self, name):
        if name == "erase":
            return self.can_edit
        return super().is_action_allowed(name)
