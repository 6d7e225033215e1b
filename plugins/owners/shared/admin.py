"""The admin base of every subject (业主大会插件后台公共部分): the base view, the column labels,
the compounds and records in the user's territory scope, and the two page shapes of the custom
admin pages (a form on the shared ``admin/linli_form.html``, a form with extra inputs, links
and tables on ``admin_page.html``). Coded values are shown with the core's
:func:`core.admin.choice_formatter`. The work is always the services'."""

from __future__ import annotations

import datetime as dt

import peewee as pw
from flask import flash, g, redirect, request, url_for

from core.admin import ModelView
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import TerritoryUnit

from .services import PLUGIN, compound_chosen

PAGE = "owners/admin_page.html"


LABELS = {
    "unit": _l("Territory unit"),
    "name": _l("Name"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


def as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class OwnersView(ModelView):
    plugin_id = PLUGIN
    column_default_sort = ("id", True)

    def scoped_record(self, model, action="update"):
        """The record ``?id=`` of ``model`` in the user's scope for ``action``, or None."""
        return (
            self.scoped_query(model.select(), action)
            .where(model.id == as_int(request.values.get("id")))
            .first()
        )


def compounds(action: str = "read") -> pw.ModelSelect:
    """The compounds in the current user's scope for ``action``."""
    access = g.get("access")
    condition = access.unit_condition(PLUGIN, action) if access else pw.SQL("1 = 0")
    query = TerritoryUnit.select().where(condition & (TerritoryUnit.level == "compound"))
    if g.get("district_id") is not None:
        query = query.where(TerritoryUnit.district_id == g.district_id)
    return query.order_by(TerritoryUnit.path)


def compound_choices(action: str = "update") -> list[tuple[str, str]]:
    return [(str(c.id), c.name) for c in compounds(action)]


def scoped_compound(value, action: str = "update") -> TerritoryUnit | None:
    return compounds(action).where(TerritoryUnit.id == as_int(value)).first()


def compounds_by_name(action="update") -> list[TerritoryUnit]:
    """The compounds in the user's scope for ``action`` in the current district, by name."""
    return list(
        compounds(action)
        .where(TerritoryUnit.district_id == g.get("district_id"))
        .order_by(TerritoryUnit.name)
    )


def compound_in_scope(pk) -> TerritoryUnit:
    """The compound ``pk`` in the user's scope (refused as not chosen otherwise)."""
    return compound_chosen(next((c for c in compounds_by_name() if c.id == pk), None))


def scoped(model, action="read"):
    """Rows of ``model`` in the current user's scope for ``action``."""
    access = g.get("access")
    if access is None:
        return model.select().where(model.id == 0)
    return model.select().where(access.scope_condition(model, PLUGIN, action, g.get("district_id")))


def in_scope(model, pk, action="read"):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return scoped(model, action).where(model.id == pk).first()


def date_text(value):
    return value.isoformat() if isinstance(value, dt.date) else ""


STATE_LABELS = {
    "due": lazy_pgettext("deadline state", "Due"),
    "overdue": _l("Overdue"),
    "late": _l("Done late"),
    "on_time": _l("Done in time"),
    "in_office": _l("In office"),
    "ending_soon": _l("Term ending soon"),
    "expired": _l("Term expired"),
    "ended": _l("Ended"),
}


def render_form(view, title, form, back, subject=""):
    return view.render("admin/linli_form.html", title=title, subject=subject, form=form, back=back)


def form_page(view, title, make_form, done, model=None, subject=None, **extra):
    """The common admin page: the record ``?id=`` of ``model`` in scope (when given), a form
    from ``make_form(record)``, and ``done(record, form)`` on a valid post; a refusal is shown
    beside the form and changes nothing."""
    back = url_for(".index_view")
    record = None
    if model is not None:
        record = in_scope(model, request.values.get("id"), "update")
        if record is None:
            flash(_("This record does not exist or you may not change it."), "error")
            return redirect(back)
    form = make_form(record)
    if form.validate_on_submit():
        try:
            done(record, form)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(back)
    subject = subject(record) if callable(subject) else subject
    return view.render(PAGE, title=title, subject=subject, form=form, back=back, **extra)
