"""The low-code layer (:mod:`forms`) as a core feature: its models and admin pages (字典管理,
表单定义, 自定义字段, 表单填报).

Web layer: it lives in the core beside the other admin pages, so that ``forms/`` itself never
imports the admin.
"""

from __future__ import annotations

import json

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField, validators

from core.admin import ModelView, OnePermission
from core.choices import options
from core.commands import Context
from core.i18n import get_locale
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.services import ServiceError
from forms import builder, services
from forms.definition import FIELD_TYPES, to_data
from forms.models import MODELS, CustomField, Dictionary, DictionaryItem, FormDefinition, Submission

__all__ = ["MODELS", "admin_views"]


def _district_or_platform(model):
    """Rows of the platform (no district) and of the district being worked in."""
    condition = model.district.is_null()
    if g.get("district_id") is not None:
        condition |= model.district == g.district_id
    return condition


class ConfigureMixin(OnePermission):
    """Low-code configuration needs ``core:configure`` (district administrators)."""

    permission = "configure"


class DictionaryView(ConfigureMixin, ModelView):
    """字典 Dictionaries: named choice lists."""

    scoped = False
    allow_delete = False
    column_list = ("code", "name_zh", "name_en", "builtin")
    form_columns = ("code", "name_zh", "name_en")
    column_labels = {
        "code": _l("Code"),
        "name_zh": _l("Chinese name"),
        "name_en": _l("English name"),
        "builtin": _l("Built-in"),
    }

    def scoped_query(self, query, action="read"):
        return query


class ItemForm(FlaskForm):
    dictionary = SelectField(_l("Dictionary"), coerce=int)
    code = StringField(_l("Code"), validators=[validators.InputRequired()])
    label_zh = StringField(_l("Chinese name"), validators=[validators.InputRequired()])
    label_en = StringField(_l("English name"))


class DictionaryItemView(ConfigureMixin, ModelView):
    """字典项 Dictionary values: platform defaults and the district's own; retired, never
    deleted."""

    scoped = False
    allow_delete = allow_edit = False
    column_list = ("dictionary", "code", "label_zh", "label_en", "district", "retired")
    column_filters = ("dictionary", "retired")
    column_labels = {
        "dictionary": _l("Dictionary"),
        "code": _l("Code"),
        "label_zh": _l("Chinese name"),
        "label_en": _l("English name"),
        "district": _l("District"),
        "retired": _l("Retired"),
    }

    def scoped_query(self, query, action="read"):
        return query.where(_district_or_platform(DictionaryItem))

    def create_form(self, obj=None):
        form = ItemForm()
        form.dictionary.choices = options([(d.id, str(d)) for d in Dictionary.select()])
        return form

    def create_model(self, form):
        dictionary = Dictionary.get_or_none(Dictionary.id == form.dictionary.data)
        try:
            if dictionary is None:
                raise ServiceError(_("Choose a dictionary."))
            return services.add_item(
                Context.current(),
                dictionary,
                g.get("district"),
                form.code.data,
                form.label_zh.data,
                form.label_en.data,
            )
        except ServiceError as exc:
            flash(str(exc), "error")
            return False

    @action("retire", _l("Retire"), _l("Retire the selected values? Old records keep them."))
    def action_retire(self, ids):
        items = self.scoped_query(DictionaryItem.select()).where(DictionaryItem.id << ids)
        for item in items:
            if item.district_id is None and not g.access.is_platform_admin:
                flash(_("Only a platform administrator may retire a platform value."), "error")
                continue
            services.retire_item(Context.current(), item)
        flash(_("Saved."), "success")

    def is_action_allowed(self, name):
        return self.allowed("configure") if name == "retire" else super().is_action_allowed(name)


class DefinitionForm(FlaskForm):
    fmt = SelectField(_l("Format"), choices=options([("json", "JSON"), ("yaml", "YAML")]))
    text = TextAreaField(
        _l("Definition"),
        validators=[validators.InputRequired()],
        render_kw={"rows": 24, "class": "form-control text-monospace"},
    )


class FormDefinitionView(ConfigureMixin, ModelView):
    """表单定义 Form definitions: written as JSON or YAML, versioned, previewed."""

    scoped = False
    allow_delete = False
    column_list = ("key", "title_zh", "current_version", "district", "plugin")
    column_labels = {
        "key": _l("Key"),
        "title_zh": _l("Chinese name"),
        "current_version": _l("Version"),
        "district": _l("District"),
        "plugin": _l("Module"),
    }
    edit_template = "forms/definition_edit.html"
    create_template = "forms/definition_edit.html"
    details_template = "forms/definition_details.html"

    def scoped_query(self, query, action="read"):
        return query.where(_district_or_platform(FormDefinition))

    def create_form(self, obj=None):
        return DefinitionForm()

    def edit_form(self, obj=None):
        form = DefinitionForm()
        if request.method == "GET" and obj is not None:
            version = services.current_version(obj)
            form.text.data = services.dump_text(services.version_form(version), "json")
        return form

    def _save(self, form):
        try:
            data = services.load_text(form.text.data, form.fmt.data)
            return services.save_definition(Context.current(), data, g.get("district"))
        except ServiceError as exc:
            flash(str(exc), "error")
            return None

    def create_model(self, form):
        version = self._save(form)
        return version.definition if version else False

    def update_model(self, form, model):
        version = self._save(form)
        if version is None:
            return False
        if version.definition_id != model.id:
            flash(_("The key changed: a new definition was created."), "info")
        return True

    @expose("/preview/")
    def preview(self):
        definition = self.get_one(request.args.get("id", ""))
        if definition is None:
            abort(404)
        form_def = services.version_form(services.current_version(definition))
        from forms.wtform import wtform_class

        context = services.context(g.get("district_id"), g.get("access"))
        form = wtform_class(form_def, context, locale=str(get_locale()))(formdata=None)
        return self.render(
            "forms/preview.html", definition=definition, form=form, form_def=form_def
        )

    # -- builder (表单设计器): field by field, no JSON needed ------------------------------------

    def _builder_district(self, definition):
        """Where a builder change is saved: the definition's own district, or for a platform
        definition changed by a district administrator, a copy in their district."""
        access = g.get("access")
        if definition.district_id is None and not (access and access.is_platform_admin):
            return g.get("district")
        return definition.district

    def _builder_save(self, data, district):
        builder.check(data, services.dictionary_codes)
        return services.save_definition(Context.current(), data, district)

    @expose("/builder/", methods=("GET", "POST"))
    def builder(self):
        definition = self.get_one(request.args.get("id", ""))
        if definition is None:
            abort(404)
        data = to_data(services.version_form(services.current_version(definition)))
        posted = None
        if request.method == "POST":
            try:
                changed, key = builder.apply(data, request.form)
                before = definition.current_version
                version = self._builder_save(changed, self._builder_district(definition))
                if version.definition_id != definition.id:
                    flash(_("A copy of the definition was created for your district."), "info")
                if version.version != before or version.definition_id != definition.id:
                    flash(_("Saved as version %(version)s.", version=version.version), "success")
                else:
                    flash(_("Nothing changed."), "info")
                return redirect(url_for(".builder", id=version.definition_id))
            except ServiceError as exc:
                flash(str(exc), "error")
                posted = request.form
        editing = None
        edit_key = request.args.get("edit") or (posted or {}).get("target")
        op = (posted or {}).get("op")
        if op in (None, "update_field") and edit_key:
            try:
                editing = builder.get_field(data, edit_key)
            except ServiceError:
                editing = None
        edit_section = request.args.get("edit_section")
        if op == "update_section":
            edit_section = posted.get("target")
        return self.render(
            "forms/builder.html",
            definition=definition,
            data=data,
            posted=posted,
            op=op,
            editing=editing,
            edit_section=next((s for s in data["sections"] if s["key"] == edit_section), None),
            type_labels=builder.TYPE_LABELS,
            form_values=builder.form_values,
            section_values=builder.section_values,
        )

    @expose("/builder/new/", methods=("GET", "POST"))
    def builder_new(self):
        posted = None
        if request.method == "POST":
            try:
                data = builder.new_definition(request.form)
                existing = FormDefinition.get_or_none(
                    (FormDefinition.key == data["key"]) & _district_or_platform(FormDefinition)
                )
                if existing is not None:
                    raise ServiceError(
                        _("A definition with the key %(key)s exists already.", key=data["key"])
                    )
                version = self._builder_save(data, g.get("district"))
                flash(_("Saved as version %(version)s.", version=version.version), "success")
                return redirect(url_for(".builder", id=version.definition_id))
            except ServiceError as exc:
                flash(str(exc), "error")
                posted = request.form
        return self.render(
            "forms/builder.html",
            definition=None,
            data=None,
            posted=posted,
            op="new",
            editing=None,
            edit_section=None,
            type_labels=builder.TYPE_LABELS,
            form_values=builder.form_values,
            section_values=builder.section_values,
        )

    @expose("/export/")
    def export_definition(self):
        definition = self.get_one(request.args.get("id", ""))
        if definition is None:
            abort(404)
        fmt = "yaml" if request.args.get("fmt") == "yaml" else "json"
        text = services.dump_text(services.version_form(services.current_version(definition)), fmt)
        return Response(
            text,
            mimetype="application/x-yaml" if fmt == "yaml" else "application/json",
            headers={"Content-Disposition": f"attachment; filename={definition.key}.{fmt}"},
        )


class CustomFieldForm(FlaskForm):
    table = SelectField(_l("Table"))
    key = StringField(_l("Key"), validators=[validators.InputRequired()])
    type = SelectField(_l("Type"), choices=options((k, k) for k in FIELD_TYPES))
    label_zh = StringField(_l("Chinese name"), validators=[validators.InputRequired()])
    label_en = StringField(_l("English name"))
    required = BooleanField(_l("Required"))
    dictionary = StringField(_l("Dictionary"))
    options = TextAreaField(_l("More options (JSON)"), render_kw={"rows": 3})


class CustomFieldView(ConfigureMixin, ModelView):
    """自定义字段 Custom fields this district adds to built-in models."""

    scoped = False
    allow_delete = allow_edit = False
    column_list = ("table", "key", "spec", "retired")
    column_labels = {
        "table": _l("Table"),
        "key": _l("Key"),
        "spec": _l("Definition"),
        "retired": _l("Retired"),
    }

    def scoped_query(self, query, action="read"):
        return query.where(CustomField.district == (g.get("district_id") or 0))

    def _tables(self):
        from core.registry import kernel_state

        state = kernel_state()
        enabled = g.get("enabled_plugins", set()) | {"core"}
        return {
            m._meta.table_name: (pid, m)
            for pid, models in state.models.items()
            if pid in enabled
            for m in models
            if "unit" in m._meta.fields
        }

    def create_form(self, obj=None):
        form = CustomFieldForm()
        form.table.choices = options(
            [(t, f"{pid}: {t}") for t, (pid, _m) in sorted(self._tables().items())]
        )
        return form

    def create_model(self, form):
        try:
            plugin, model = self._tables().get(form.table.data, (None, None))
            if model is None:
                raise ServiceError(_("Choose a table."))
            spec = {
                "key": (form.key.data or "").strip(),
                "type": form.type.data,
                "label_zh": form.label_zh.data,
                "label_en": form.label_en.data or "",
                "required": bool(form.required.data),
            }
            if (form.dictionary.data or "").strip():
                spec["dictionary"] = form.dictionary.data.strip()
            if (form.options.data or "").strip():
                try:
                    extra = json.loads(form.options.data)
                except json.JSONDecodeError as exc:
                    raise ServiceError(
                        _("More options: not valid JSON (%(error)s).", error=exc.msg)
                    ) from exc
                if not isinstance(extra, dict):
                    raise ServiceError(_("More options: expected an object."))
                spec.update(extra)
            return services.add_custom_field(Context.current(), g.district, plugin, model, spec)
        except ServiceError as exc:
            flash(str(exc), "error")
            return False

    @action("retire", _l("Retire"), _l("Retire the selected fields? Their values are kept."))
    def action_retire(self, ids):
        for row in self.scoped_query(CustomField.select()).where(CustomField.id << ids):
            CustomField.update(retired=True).where(CustomField.id == row.id).execute()
        flash(_("Saved."), "success")

    def is_action_allowed(self, name):
        return self.allowed("configure") if name == "retire" else super().is_action_allowed(name)


class SubmissionView(ModelView):
    """表单填报 Submissions, each shown with the version of the form it was filled against."""

    allow_create = allow_edit = False
    column_list = ("version", "unit", "created_by", "created_at")
    column_labels = {
        "version": _l("Form"),
        "unit": _l("Territory unit"),
        "created_by": _l("Created by"),
        "created_at": _l("Created at"),
    }
    column_formatters = {
        "version": lambda v, c, m, p: f"{m.version.definition.title_zh} v{m.version.version}",
    }
    details_template = "forms/submission_details.html"

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            model = kwargs["model"]
            kwargs["form_def"] = services.version_form(model.version)
            kwargs["answers"] = json.loads(model.data)
        return super().render(template, **kwargs)


def admin_views(admin):
    category = _l("Low-code")
    return [
        DictionaryView(
            Dictionary,
            name=_l("Dictionaries"),
            category=category,
            plugin_id="core",
            endpoint="core_dictionary",
            url="/admin/core/dictionary",
        ),
        DictionaryItemView(
            DictionaryItem, name=_l("Dictionary values"), category=category, plugin_id="core"
        ),
        FormDefinitionView(
            FormDefinition, name=_l("Form definitions"), category=category, plugin_id="core"
        ),
        CustomFieldView(CustomField, name=_l("Custom fields"), category=category, plugin_id="core"),
        SubmissionView(
            Submission,
            name=_l("Submissions"),
            category=category,
            plugin_id="core",
            endpoint="core_form_submission",
            url="/admin/core/submission",
        ),
    ]


def personal_data(user) -> list:
    """The forms the person filled in (表单填报), with their answers."""
    from core.privacy import Section, plain

    rows = (
        Submission.select().where(Submission.created_by == user.id).order_by(Submission.created_at)
    )
    zh = str(get_locale() or "").startswith("zh")
    lines = []
    for row in rows:
        definition = row.version.definition
        title = definition.title_zh if zh or not definition.title_en else definition.title_en
        lines.append([title, plain(row.created_at), row.data])
    headers = [_("Form"), _("Created at"), _("Answers")]
    return [Section("core.submissions", _("Forms I filled in"), headers, lines)]
