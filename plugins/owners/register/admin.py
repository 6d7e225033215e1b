"""Admin views of the register (业主名册): owners, units and ownerships (their rules are
:mod:`.commands`, run by every write path), and the register import page (业主名册导入)."""

from __future__ import annotations

from flask import Response, abort, flash, request
from flask_admin import expose

from core.admin import View, choice_formatter
from core.choices import options
from core.commands import Context
from core.errors import ServiceError
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l

from ..shared.admin import LABELS, OwnersView, compound_choices, scoped_compound
from ..shared.services import PLUGIN, compound_chosen
from . import importer
from .forms import ImportForm
from .models import AREA_SOURCES, Owner, Ownership, Premises


class OwnerView(OwnersView):
    """业主 Owners (and the developer) of a compound."""

    column_list = ("name", "is_developer", "user", "unit")
    column_searchable_list = ("name",)
    column_filters = ("is_developer", "unit")
    column_labels = {**LABELS, "is_developer": _l("Developer"), "user": _l("Login")}
    form_columns = ("unit", "name", "is_developer", "user")


class PremisesView(OwnersView):
    """专有部分 Exclusive units in buildings, with the area that counts and its source."""

    column_list = ("number", "area", "area_source", "unit")
    column_searchable_list = ("number",)
    column_filters = ("area_source", "unit")
    column_labels = {
        **LABELS,
        "number": _l("Unit number"),
        "area": _l("Exclusive area (m²)"),
        "area_source": _l("Area source"),
    }
    column_formatters = {"area_source": choice_formatter(AREA_SOURCES)}
    form_columns = ("unit", "number", "area", "area_source")
    form_choices = {"area_source": AREA_SOURCES}


class OwnershipView(OwnersView):
    """Who holds which unit; several owners of one unit are co-owners."""

    column_list = ("premises", "owner", "unit")
    column_filters = ("unit",)
    column_labels = {**LABELS, "premises": _l("Unit"), "owner": _l("Owner")}
    form_columns = ("premises", "owner")  # the unit is the unit's building


class RegisterImportView(View):
    """业主名册导入 Import buildings, units, owners and co-owners of a compound."""

    plugin_id = PLUGIN
    permission = "import"

    @expose("/", methods=["GET", "POST"])
    def index(self):
        from core.api.resources import ApiError
        from core.api.spreadsheets import read_upload

        form = ImportForm()
        form.compound.choices = options(compound_choices("import"))
        report = None
        if form.validate_on_submit():
            upload = request.files["file"]  # the form requires it
            try:
                compound = compound_chosen(scoped_compound(form.compound.data, "import"))
                table = read_upload(upload.filename, upload.stream)
                report = importer.import_register(
                    Context.current(), compound, table, dry_run=form.dry_run.data
                )
            except ApiError as exc:
                flash(str(exc.message), "error")
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                if report.written:
                    flash(
                        _(
                            "Imported %(units)s units; %(owners)s new owners.",
                            units=report.units,
                            owners=report.owners,
                        ),
                        "success",
                    )
                elif report.ok:
                    flash(
                        _(
                            "No problems found: %(units)s units can be imported.",
                            units=report.units,
                        ),
                        "success",
                    )
                else:
                    flash(
                        _(
                            "Nothing was imported: %(count)s problems.",
                            count=len(report.problems),
                        ),
                        "error",
                    )
        return self.render("owners/admin_import.html", form=form, report=report)

    @expose("/template.<fmt>")
    def template(self, fmt):
        if fmt == "xlsx":
            return Response(
                importer.template_xlsx(),
                mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition": "attachment; filename=owners-register.xlsx"},
            )
        if fmt == "csv":
            return Response(
                importer.template_csv(),
                mimetype="text/csv; charset=utf-8",
                headers={"Content-Disposition": "attachment; filename=owners-register.csv"},
            )
        abort(404)


def owner_choices(unit_id):
    return [
        (o.id, o.name)
        for o in Owner.select().where(Owner.unit == unit_id).order_by(Owner.name, Owner.id)
    ]


def admin_views(category) -> list:
    views = [
        (OwnerView, Owner, _l("Owners")),
        (PremisesView, Premises, _l("Units")),
        (OwnershipView, Ownership, _l("Ownerships")),
    ]
    made = [cls(model, name=name, category=category) for cls, model, name in views]
    made.append(
        RegisterImportView(
            name=_l("Register import"),
            category=category,
            endpoint="owners_import",
            url="/admin/owners/import",
        )
    )
    return made
