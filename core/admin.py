"""The admin shell (管理后台): one base view that every plugin's model view subclasses.

It fixes, once for everyone, the known problems of Flask-Admin's peewee backend:

* filters on ids and foreign keys (the stock converter has none for ``AutoField`` and
  ``ForeignKeyField``);
* inline child rows that silently fail to save (a new row arrives with an empty hidden id,
  which peewee turns into an UPDATE of nothing);
* recursive delete: the stock view deletes every dependent row; here a record that others
  still refer to is refused with a message listing what depends on it;
* endpoint clashes between plugins with a model of the same name: endpoints and URLs are
  prefixed with the plugin id;
* data scope applied in ``get_query``, ``get_one``, bulk actions and ajax look-ups, not only
  in lists;
* create, update and delete run in one transaction together with their audit row;
* CSV export cells that a spreadsheet would run as a formula are escaped.

Permissions (role x plugin x action) decide which menus, buttons and bulk actions a user sees,
and a plugin's views disappear at the next request in a district where it is disabled.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass

import peewee as pw
from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView as PeeweeModelView
from flask_admin.contrib.peewee import filters as pw_filters
from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader
from flask_admin.contrib.peewee.form import (
    CustomModelConverter,
    InlineModelConverter,
    InlineModelFormList,
)
from flask_admin.model import filters as base_filters
from flask_admin.model import typefmt
from flask_login import current_user
from jinja2 import pass_context
from wtforms import SelectField
from wtforms import validators as wtf_validators
from wtforms.utils import unset_value

from core import commands, readable, tree_widgets
from core.access import record_scope, resource_of
from core.choices import options
from core.db import db
from core.errors import Forbidden, Refused, ServiceError
from core.events import Event, emit
from core.fields import DictionaryField, IdCardField, dictionary_of, personal_fields
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import ngettext
from core.kernel import PluginError
from core.models import TerritoryUnit
from core.records import DependentsExist, dependents, refuse_if_dependents  # noqa: F401
from core.records import district_of as _district_of
from core.records import stamp as _stamp
from core.sheets import FORMULA_PREFIXES, escape_formula  # noqa: F401 (used by plugins)

log = logging.getLogger(__name__)

CUSTOM_PREFIX = "cf_"  # list columns and URL filters of custom fields


# -- filters -------------------------------------------------------------------------------


def choice_formatter(choices):
    """A list/details column formatter showing the label of a coded value (``choices``: pairs
    of code and lazy label), the code itself when it has none."""
    labels = dict(choices)

    def fmt(view, context, model, name):
        value = getattr(model, name)
        return str(labels.get(value, value or ""))

    return fmt


class DictionaryOptions:
    """A list filter's options read from a dictionary when the list is shown (Flask-Admin
    reads options once, when the view is built): the district's items, retired ones too,
    since old records carry them."""

    def __init__(self, field):
        self.field = field

    def __bool__(self):
        return True

    def __iter__(self):
        from forms.dictionaries import field_choices

        district = g.get("district_id") if has_request_context() else None
        return iter(field_choices(self.field, district, retired=True) or ())


class FilterConverter(pw_filters.FilterConverter):
    """Adds filters on primary keys and foreign keys (by id), and on dictionary values (a
    select of the district's items)."""

    @base_filters.convert("AutoField", "BigAutoField", "ForeignKeyField")
    def conv_id(self, column, name):
        found = [f(column, name) for f in self.int_filters]
        if getattr(column, "rel_model", None) is TerritoryUnit:  # 本单位及以下, first
            found.insert(0, tree_widgets.UnitAndBelowFilter(column, name))
        return found

    @base_filters.convert("DictionaryField")
    def conv_dictionary(self, column, name):
        options = DictionaryOptions(column)
        return [
            pw_filters.FilterEqual(column, name, options=options),
            pw_filters.FilterNotEqual(column, name, options=options),
        ]


# -- forms derived from the model and its rules ------------------------------------------


class _Required:
    """Blank refused with the commands' message (wtf-peewee's ``ValueRequired``, whose
    message would be WTForms' own), or the one the model's Rules give the field."""

    field_flags = {"required": True}

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        from wtforms.validators import StopValidation

        if field.data is None or isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(_(self.message) if self.message else _("This field is required."))


class _MaxLength:
    def __init__(self, maximum: int, message=None):
        self.max = maximum
        self.message = message
        self.field_flags = {"maxlength": maximum}

    def __call__(self, form, field):
        from wtforms.validators import ValidationError

        if isinstance(field.data, str) and len(field.data) > self.max:
            if self.message:
                raise ValidationError(_(self.message))
            raise ValidationError(_("At most %(max)s characters.", max=self.max))


class DictionarySelectField(SelectField):
    """The select of a dictionary field (字典): the items in use in the district worked in,
    and the record's own value even when retired. Whether a value may be chosen is the
    commands' check (one message on every surface), not this field's."""

    def __init__(self, label=None, validators=None, model_field=None, **kwargs):
        kwargs.pop("allow_blank", None)
        self.model_field = model_field
        super().__init__(label, validators, choices=[], **kwargs)

    def process(self, formdata, data=unset_value, extra_filters=None):
        from forms.dictionaries import field_choices

        super().process(formdata, data, extra_filters)
        keep = self.object_data if isinstance(self.object_data, str) else None
        listed = field_choices(self.model_field, g.get("district_id"), keep=keep) or []
        self.choices = options(([("", "—")] if self.model_field.null else []) + listed)

    def pre_validate(self, form):
        pass


class ModelConverter(CustomModelConverter):
    """Admin form fields whose refusals are the commands' own: the same "required" and
    length messages as the API and the import, and the field checks the model's
    :class:`core.commands.Rules` declare, shown as validators. A dictionary field is a
    select of its dictionary's items (:class:`DictionarySelectField`)."""

    def __init__(self, view, additional=None):
        super().__init__(view, additional)
        self.converters[DictionaryField] = self.handle_dictionary

    def handle_dictionary(self, model, field, **kwargs):
        from wtfpeewee.orm import FieldInfo

        kwargs.pop("filters", None)
        return FieldInfo(field.name, DictionarySelectField(model_field=field, **kwargs))

    def convert(self, model, field, field_args):
        from wtforms import validators as v
        from wtfpeewee.orm import ValueRequired

        found = super().convert(model, field, field_args)
        unbound = found[1] if isinstance(found, tuple) else None
        if unbound is None or not hasattr(unbound, "kwargs"):
            return found
        rules = commands.rules_of(model)
        message = rules.messages.get(field.name)
        kept = []
        for validator in unbound.kwargs.get("validators") or []:
            if type(validator) is ValueRequired or (
                type(validator) in (v.InputRequired, v.DataRequired) and not validator.message
            ):
                validator = _Required(message)
            elif type(validator) is v.Length and validator.max and validator.max > 0:
                validator = _MaxLength(validator.max, message)
            kept.append(validator)
        checks = rules.checks.get(field.name, ())
        kept.extend(check.wtforms() for check in checks)
        unbound.kwargs["validators"] = kept
        return found

    def handle_datetime(self, model, field, **kwargs):
        """Flask-Admin's own date-time field (a text box with its picker), not the plain
        WTForms one Flask-Admin's converter uses, which WTForms 3.3 deprecates for its
        obsolete ``<input type="datetime">``."""
        from flask_admin.form import DateTimeField, DateTimePickerWidget

        kwargs["widget"] = DateTimePickerWidget()
        return field.name, DateTimeField(**kwargs)


# -- inline rows ---------------------------------------------------------------------------


class SafeInlineModelFormList(InlineModelFormList):
    """Saves inline child rows reliably and never deletes recursively."""

    def save_related(self, obj):
        parent_id = getattr(obj, self._pk)
        fk = getattr(self.model, self.prop)
        existing = {
            str(getattr(v, self._pk)): v for v in self.model.select().where(fk == parent_id)
        }
        for entry in self.entries:
            entry_id = entry.get_pk()
            created = entry_id not in existing
            if not created:
                child = existing[entry_id]
                if self.should_delete(entry):
                    refuse_if_dependents(child)
                    child.delete_instance()
                    continue
            else:
                if self.should_delete(entry):
                    continue
                child = self.model()
            entry.populate_obj(child, None)
            if created:
                setattr(child, self._pk, None)  # an empty hidden id must not become UPDATE ''
            setattr(child, self.prop, parent_id)
            if "unit" in child._meta.fields and child.unit_id is None:
                child.unit = getattr(obj, "unit_id", None)
            stamp(child, created)
            self.inline_view._on_model_change(entry, child, created)
            child.save(force_insert=created)
            for sub in entry.form._fields.values():
                if isinstance(sub, InlineModelFormList):
                    sub.save_related(child)


class SafeInlineModelConverter(InlineModelConverter):
    """Inline forms whose hidden primary key is optional: a new row has no id yet, and the
    stock converter makes it required, so every new row failed validation."""

    inline_field_list_type = SafeInlineModelFormList

    def get_info(self, p):
        info = super().get_info(p)
        pk = info.model._meta.primary_key.name
        args = dict(getattr(info, "form_args", None) or {})
        args[pk] = {**args.get(pk, {}), "validators": [wtf_validators.Optional()]}
        info.form_args = args
        return info


# -- record helpers (core.records), kept here for the views that import them -------------


def stamp(record: pw.Model, created: bool) -> None:
    """Fill created/updated by and at with the current user (see :func:`core.records.stamp`)."""
    user_id = current_user.get_id() if current_user and current_user.is_authenticated else None
    _stamp(record, created, int(user_id) if user_id else None)


def district_of(record: pw.Model) -> int | None:
    return _district_of(record, getattr(g, "district_id", None))


# -- access mixin --------------------------------------------------------------------------


class AccessMixin:
    """Menus and pages shown only to users allowed to see them, in districts that enabled
    the view's plugin."""

    plugin_id = "core"
    permission = "read"

    @property
    def resource(self) -> str:
        """What the view's permissions are asked on: its model's resource (``owners.owner``)
        for a model view, the plugin for other pages."""
        model = getattr(self, "model", None)
        return resource_of(self.plugin_id, model) if model is not None else self.plugin_id

    def _state(self):
        from core.registry import kernel_state

        return kernel_state()

    def plugin_enabled(self) -> bool:
        return self.plugin_id == "core" or self.plugin_id in g.get("enabled_plugins", set())

    def allowed(self, action: str) -> bool:
        if not (current_user.is_authenticated and current_user.is_active):
            return False
        access = g.get("access")
        return (
            bool(access)
            and access.can(self._target(), action)
            and self._state().hook_allows(current_user, self.plugin_id, action, None)
        )

    def _target(self) -> str:
        return self.resource

    def is_accessible(self):
        if not current_user.is_authenticated or current_user.must_change_password:
            return False
        if not is_staff():
            return False
        return self.plugin_enabled() and self.allowed(self.permission)

    def is_visible(self):
        return self.is_accessible()

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
        if not self.plugin_enabled():
            abort(404)
        abort(403)


def is_staff() -> bool:
    """The current user holds a staff role (see :attr:`core.access.Access.is_staff`)."""
    access = g.get("access")
    return bool(access) and access.is_staff


class OnePermission:
    """Mixin for views where every action needs the one permission named by ``permission``
    (for example ``core:manage_users`` or ``core:configure``)."""

    def allowed(self, action: str) -> bool:
        return super().allowed(self.permission)

    def _target(self) -> str:
        return self.plugin_id  # a plugin-wide permission such as core:manage_users


@dataclass
class AdminContext:
    """Passed to ``linli_admin_views``: the plugin's id and its menu category label."""

    plugin_id: str
    category: str


class View(AccessMixin, BaseView):
    """Base for plain (non-model) admin pages of plugins."""

    def __init__(self, name=None, category=None, endpoint=None, url=None, plugin_id=None, **kw):
        if plugin_id:
            self.plugin_id = plugin_id
        super().__init__(name=name, category=category, endpoint=endpoint, url=url, **kw)


def local_datetime(view, value, name=None):
    """Timestamps are stored in UTC and shown in the configured zone (Asia/Shanghai), to the
    minute."""
    from flask_babel import format_datetime

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value, "yyyy-MM-dd HH:mm")


SECRET = re.compile(r"(^|_)(password|hash|secret|token)(_|$)")


def is_secret(name: str) -> bool:
    """A field holding a secret or its hash (``password_hash``, ``token_hash``, ``key_hash``,
    ``secret``, ``token``): never a column, a detail, an export column or a form field."""
    return bool(SECRET.search(str(name)))


# headers of the columns many models have, when the field declares no verbose_name
COMMON_LABELS = {
    "created_at": _l("Created at"),
    "created_by": _l("Created by"),
    "updated_at": _l("Updated at"),
    "updated_by": _l("Updated by"),
}


class CappedCount(int):
    """A row count that stopped at its cap: shown as "10,000+" (the pager still works on
    the number, ``cap + 1``)."""

    cap: int

    def __new__(cls, value: int, cap: int):
        count = super().__new__(cls, value)
        count.cap = cap
        return count

    def __str__(self) -> str:
        return f"{self.cap:,}+" if self > self.cap else str(int(self))


class CappedSelect(pw.ModelSelect):
    """A select whose :meth:`count` stops at ``cap + 1`` rows: a list page shows "10,000+"
    rather than counting a million rows (the count would cost more than the page). The cap
    travels with every clone (``where``, ``join``, ``order_by`` keep the class)."""

    cap: int | None = None

    def count(self, database=None, clear_limit=False):
        if self.cap is None or self._limit is not None:
            return super().count(database, clear_limit)
        return CappedCount(pw.ModelSelect.count(self.limit(self.cap + 1), database), self.cap)


class ModelView(AccessMixin, PeeweeModelView):
    """Base model view for every plugin. Subclasses set ``plugin_id`` and the usual options.

    ``allow_create`` / ``allow_edit`` / ``allow_delete`` switch features off entirely; the
    ``can_*`` flags that Flask-Admin reads are these combined with the user's permissions.
    """

    filter_converter = FilterConverter()
    model_form_converter = ModelConverter
    inline_model_form_converter = SafeInlineModelConverter
    allow_create = True
    allow_edit = True
    allow_delete = True
    allow_export = True
    scoped = True  # apply the data scope through the model's ``unit`` field...
    scope_through = None  # ...or through this foreign key to a district-owned model
    can_view_details = True
    list_template = "admin/linli_list.html"
    column_type_formatters = {**typefmt.BASE_FORMATTERS, dt.datetime: local_datetime}
    column_type_formatters_detail = {
        **typefmt.DETAIL_FORMATTERS,
        dt.datetime: local_datetime,
        bool: lambda view, value, name=None: readable.text(value),  # 是/否, never True/False
    }
    column_type_formatters_export = {**typefmt.EXPORT_FORMATTERS, dt.datetime: local_datetime}
    page_size = None  # LINLI_PAGE_SIZE, set when the view is registered
    count_cap = None  # LINLI_LIST_COUNT_CAP, set when the view is registered

    def __init__(self, model, name=None, category=None, endpoint=None, url=None, **kwargs):
        plugin_id = kwargs.pop("plugin_id", None) or self.plugin_id
        self.plugin_id = plugin_id
        table = model._meta.table_name
        name = name or str(getattr(model._meta, "verbose_name", None) or model.__name__)
        short = table.removeprefix(plugin_id + "_")
        endpoint = endpoint or f"{plugin_id}_{short}"
        url = url or f"/admin/{plugin_id}/{short}"
        self.personal = personal_fields(model)
        self._add_personal_validators()
        secrets = [f for f in model._meta.fields if is_secret(f)]
        self.form_excluded_columns = [*(self.form_excluded_columns or ()), *secrets]
        self.model = model
        self._check_scoping()
        super().__init__(model, name=name, category=category, endpoint=endpoint, url=url, **kwargs)

    def get_column_name(self, field):
        """A column's header (list, details, export): ``column_labels``, else the model
        field's ``verbose_name`` (translated), else Flask-Admin's English prettified name."""
        if self.column_labels and field in self.column_labels:
            return self.column_labels[field]
        model_field = self.model._meta.fields.get(field) if isinstance(field, str) else None
        if model_field is not None and model_field.verbose_name:
            return model_field.verbose_name
        if model_field is not None and model_field is self.model._meta.primary_key:
            return _l("ID")
        if field in COMMON_LABELS:
            return COMMON_LABELS[field]
        return super().get_column_name(field)

    def get_column_names(self, only_columns, excluded_columns):
        """Flask-Admin's columns of the list, the details page and the export, without any
        secret (a password hash, a token's or session key's hash): none is ever shown."""
        names = super().get_column_names(only_columns, excluded_columns)
        return [(c, label) for c, label in names if not is_secret(getattr(c, "name", c))]

    # -- personal data (个人信息): validated, masked for users without the permission --

    def _add_personal_validators(self):
        from forms.validators import IdCard, Mobile

        args = {key: dict(value) for key, value in (self.form_args or {}).items()}
        for name, field in self.personal.items():
            validator = IdCard() if isinstance(field, IdCardField) else Mobile()
            spec = args.setdefault(name, {})
            spec["validators"] = [*spec.get("validators", []), validator]
            if field.null:
                spec["validators"].insert(0, wtf_validators.Optional())
        self.form_args = args

    def can_view_personal(self) -> bool:
        return self.allowed("view_personal_data")

    def _masked(self, model, name, value):
        field = self.personal.get(name)
        if field is None or self.can_view_personal():
            return value
        return field.mask(getattr(model, name, None))

    def dictionary_label(self, model, name, formatters):
        """The label of a dictionary field's value (the district's own if it overrides, a
        retired item's too), unless the view formats the column itself; else None."""
        if formatters and name in formatters:
            return None
        field = self.model._meta.fields.get(name)
        if not dictionary_of(field):
            return None
        from forms.dictionaries import field_label

        return field_label(field, getattr(model, name), g.get("district_id"))

    @pass_context
    def get_list_value(self, context, model, name):
        if name.startswith(CUSTOM_PREFIX):
            return self.custom_value(model, name)
        shown = self.dictionary_label(model, name, self.column_formatters)
        if shown is not None:
            return shown
        return self._masked(model, name, super().get_list_value(context, model, name))

    @pass_context
    def get_detail_value(self, context, model, name):
        if name.startswith(CUSTOM_PREFIX):
            return self.custom_value(model, name)
        shown = self.dictionary_label(
            model, name, self.column_formatters_detail or self.column_formatters
        )
        if shown is not None:
            return shown
        return self._masked(model, name, super().get_detail_value(context, model, name))

    # -- custom fields (自定义字段) of the district being worked in --

    def search_placeholder(self):
        """The search box names what it searches (the stock peewee backend prints None)."""
        from core.i18n import gettext

        labels = [
            str(self.column_labels.get(f.name, getattr(f, "verbose_name", None) or f.name))
            for f in getattr(self, "_search_fields", None) or []
        ]
        if not labels:
            return gettext("Search")
        return gettext("Search: %(fields)s", fields=gettext(", ").join(labels))

    # the search box served by a trigram index its plugin's migration made (core/search.py)
    trigram_search = False

    def custom_fields(self):
        """[(CustomField row, FieldDef)] of this model in the current district."""
        if "unit" not in self.model._meta.fields or not has_request_context():
            return []
        cache = g.setdefault("_custom_fields", {})
        table = self.model._meta.table_name
        if table not in cache:
            from forms.services import custom_fields

            cache[table] = custom_fields(g.get("district_id"), table)
        return cache[table]

    def _custom_columns(self, base):
        from core.i18n import is_english

        english = is_english()
        extra = [
            (CUSTOM_PREFIX + row.key, (f.label_en or f.label_zh) if english else f.label_zh)
            for row, f in self.custom_fields()
        ]
        return list(base or []) + extra

    @property
    def _list_columns(self):
        return self._custom_columns(self.__dict__.get("_base_list_columns"))

    @_list_columns.setter
    def _list_columns(self, value):
        self.__dict__["_base_list_columns"] = value

    @property
    def _details_columns(self):
        return self._custom_columns(self.__dict__.get("_base_details_columns"))

    @_details_columns.setter
    def _details_columns(self, value):
        self.__dict__["_base_details_columns"] = value

    @property
    def _export_columns(self):
        return self._custom_columns(self.__dict__.get("_base_export_columns"))

    @_export_columns.setter
    def _export_columns(self, value):
        self.__dict__["_base_export_columns"] = value

    def custom_value(self, model, name):
        values = g.setdefault("_custom_values", {})
        fields = {CUSTOM_PREFIX + row.key: row for row, _f in self.custom_fields()}
        row = fields.get(name)
        if row is None:
            return None
        if (row.id, model._pk) not in values:  # a details page or an export row
            from forms.services import values_for

            values.update(values_for(self.custom_fields(), [model._pk]))
        return values.get((row.id, model._pk))

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        custom = self.custom_fields()
        if search and (custom or self.trigram_search):
            g._custom_search = search  # applied in get_query with the built-in search fields
            search = None
        export = g.get("_export_page") if execute else None  # (offset, size) of an export
        if export is not None:
            count, query = super().get_list(
                None, sort_column, sort_desc, search, filters, execute=False, page_size=0
            )
            pk = self.model._meta.primary_key
            offset, size = export
            rows = list(query.order_by_extend(pk.asc()).offset(offset).limit(size))
        else:
            count, rows = super().get_list(
                page, sort_column, sort_desc, search, filters, execute=execute, page_size=page_size
            )
        if custom and execute:
            from forms.services import values_for

            g.setdefault("_custom_values", {}).update(values_for(custom, [r._pk for r in rows]))
        if execute:
            self._attach_related(rows)
        return count, rows

    def _attach_related(self, rows) -> None:
        """The records that foreign-key columns of the page show (the unit, the organisation,
        ...), read with one ``IN`` query per related model, never one query per row."""
        if not rows:
            return
        shown = {name for name, _label in (getattr(self, "_list_columns", None) or [])}
        shown |= {name for name, _label in (getattr(self, "_export_columns", None) or [])}
        for name in shown:
            field = self.model._meta.fields.get(name)
            if not isinstance(field, pw.ForeignKeyField):
                continue
            ids = {row.__data__.get(field.name) for row in rows} - {None}
            if not ids:
                continue
            target = field.rel_field
            related = {
                getattr(other, target.name): other
                for other in field.rel_model.select().where(target.in_(list(ids)))
            }
            for row in rows:
                other = related.get(row.__data__.get(field.name))
                if other is not None and field.name not in row.__rel__:
                    row.__rel__[field.name] = other

    def _custom_query(self, query):
        """Filters ``cf_<key>=value`` from the URL and the search box over custom text."""
        from core.search import search_condition
        from forms.services import custom_search_condition, filter_condition

        custom = self.custom_fields()
        for row, f in custom:
            value = request.args.get(CUSTOM_PREFIX + row.key, "").strip()
            if value:
                query = query.where(filter_condition(self.model, row, f, value))
        term = g.pop("_custom_search", None)
        if term:
            for word in term.split():
                condition = search_condition(
                    self.model,
                    getattr(self, "_search_fields", None),
                    word,
                    self.trigram_search,
                    self.count_cap,
                )
                if custom:
                    found = custom_search_condition(self.model, custom, word)
                    condition = found if condition is None else found | condition
                if condition is not None:
                    query = query.where(condition)
        return query

    # -- permissions as Flask-Admin flags --

    create_action = "create"  # the permission a create needs (a certificate: "approve")

    @property
    def can_create(self):
        return self.allow_create and self.allowed(self.create_action)

    @can_create.setter
    def can_create(self, value):
        self.allow_create = value

    @property
    def can_edit(self):
        return self.allow_edit and self.allowed("update")

    @can_edit.setter
    def can_edit(self, value):
        self.allow_edit = value

    @property
    def can_delete(self):
        return self.allow_delete and self.allowed("delete")

    @can_delete.setter
    def can_delete(self, value):
        self.allow_delete = value

    @property
    def can_export(self):
        return self.allow_export and self.allowed("export")

    @can_export.setter
    def can_export(self, value):
        self.allow_export = value

    # -- data scope --

    def scope_condition(self, action="read"):
        if not self.scoped:
            return None
        return record_scope(
            g.get("access"),
            self.model,
            self.plugin_id,
            action,
            g.get("district_id"),
            self.scope_through,
        )

    def _check_scoping(self):
        """Refuse at start-up a view that would show rows of every community."""
        fields = self.model._meta.fields
        name = f"{self.plugin_id}: {type(self).__name__} ({self.model.__name__})"
        if not self.scoped:
            if type(self).scoped_query is ModelView.scoped_query:
                raise PluginError(f"{name}: scoped = False needs its own scoped_query()")
            return
        if "unit" in fields:
            return
        fk = fields.get(self.scope_through or "")
        if not isinstance(fk, pw.ForeignKeyField) or "unit" not in fk.rel_model._meta.fields:
            raise PluginError(
                f"{name}: the model has no territory unit; set scope_through to a foreign key "
                f"of a district-owned model, or scoped = False with a scoped_query()"
            )

    def scoped_query(self, query, action="read"):
        condition = self.scope_condition(action)
        if condition is not None:
            query = query.where(condition)
        return self._state().narrow(self.model, query, current_user)

    def get_query(self):
        base = CappedSelect(self.model, self.model._meta.sorted_fields, is_default=True)
        base.cap = self.count_cap
        query = self.scoped_query(base)
        searched = has_request_context() and "_custom_search" in g
        return self._custom_query(query) if searched or self.custom_fields() else query

    def get_one(self, id):
        pk = self.model._meta.primary_key
        try:
            value = pk.db_value(id)
        except (TypeError, ValueError, OverflowError):
            return None
        if value is None or (isinstance(value, int) and not -(2**63) <= value < 2**63):
            return None  # an id no database column can hold: no such record
        return self.scoped_query(self.model.select()).where(pk == value).first()

    def _create_ajax_loader(self, name, options):
        remote = getattr(self.model, name).rel_model
        return ScopedAjaxLoader(name, remote, view=self, **options)

    # -- forms --

    def _restrict_units(self, form, action):
        access = g.get("access")
        for name, field in self.model._meta.fields.items():
            # a related district-owned record is offered only if the user may see it
            if (
                isinstance(field, pw.ForeignKeyField)
                and name in form._fields
                and name != "unit"
                and "unit" in field.rel_model._meta.fields
                and hasattr(form._fields[name], "query")
            ):
                related = field.rel_model
                form._fields[name].query = related.select().where(
                    access.scope_condition(related, self.plugin_id, "read", g.get("district_id"))
                    if access
                    else pw.SQL("1 = 0")
                )
        if "unit" in form._fields and "unit" in self.model._meta.fields:
            access = g.get("access")
            condition = access.unit_condition(self.resource, action) if access else pw.SQL("1=0")
            district = g.get("district_id")
            query = TerritoryUnit.select().where(condition)
            if district is not None:
                query = query.where(TerritoryUnit.district_id == district)
            form.unit.query = query.order_by(TerritoryUnit.path)
        return tree_widgets.attach_unit_pickers(self, form, action)

    def _with_custom(self, form_class, obj=None):
        """The form class extended with the district's custom fields, bound to the request."""
        from flask_admin.helpers import get_form_data

        from core.i18n import is_english
        from forms.services import choices_for, context, values_for
        from forms.wtform import wtfield

        custom = self.custom_fields()
        if not custom:
            return None
        ctx = context(g.get("district_id"), g.get("access"), self.plugin_id)
        ctx.choices = choices_for(g.get("district_id"))
        english = is_english()
        extended = type(
            form_class.__name__,
            (form_class,),
            {row.key: wtfield(f, ctx, english) for row, f in custom},
        )
        initial = {}
        if obj is not None and obj._pk is not None:
            stored = values_for(custom, [obj._pk])
            for row, f in custom:
                value = stored.get((row.id, obj._pk))
                if value is not None and f.type == "multi_choice":
                    value = json.loads(value)
                initial[row.key] = value
        form = extended(get_form_data(), obj=obj, data=initial or None)
        form._custom_context = ctx
        return form

    def create_form(self, obj=None):
        form = self._with_custom(self._create_form_class, obj) or super().create_form(obj)
        return self._restrict_units(form, "create")

    def edit_form(self, obj=None):
        form = self._with_custom(self._edit_form_class, obj) or super().edit_form(obj)
        form = self._restrict_units(form, "update")
        if not self.can_view_personal():
            for name in self.personal:  # what one may not see, one may not edit
                if name in form._fields:
                    delattr(form, name)
        return form

    def validate_form(self, form):
        ok = super().validate_form(form)
        custom = self.custom_fields()
        if not custom or not hasattr(form, "_custom_context"):
            return ok
        from forms.services import validate_custom
        from forms.uploads import store_field

        data = {}
        for row, f in custom:
            raw = form[row.key].data
            data[row.key] = store_field(f, raw) if f.type in ("photo", "file") else raw
        cleaned, errors = validate_custom(custom, data, form._custom_context)
        for key, messages in errors.items():
            form[key].errors = list(form[key].errors) + list(messages)
        form._custom_cleaned = cleaned
        return ok and not errors

    def _save_custom(self, form, model):
        if not hasattr(form, "_custom_cleaned"):
            return {}
        from forms.services import save_custom_values

        return save_custom_values(model, self.custom_fields(), form._custom_cleaned)

    # -- writes: every one through core.commands, which holds the rules --

    def _fail(self, message, exc):
        if not self.handle_view_exception(exc):
            flash(message, "error")
            log.info("admin write refused: %s", exc)

    def command_options(self, form=None, created=False) -> dict:
        """What the command needs to know about this view: its plugin, how it is scoped,
        the district's custom fields, and (for a form) the inline rows to save with it."""
        options = {
            "plugin": self.plugin_id,
            "through": self.scope_through if self.scoped else None,
            "scoped": self.scoped,
        }
        if form is not None:
            options["custom"] = self._custom_payload(form)
            options["prepare"] = lambda record: self._prepare(form, record, created)
            options["after"] = lambda record: self._save_inline(form, record)
        return options

    def _custom_payload(self, form):
        if not hasattr(form, "_custom_cleaned"):
            return None
        return {"fields": self.custom_fields(), "cleaned": form._custom_cleaned}

    def _prepare(self, form, record, created):
        self._on_model_change(form, record, created)
        if type(self).check_write is not ModelView.check_write:  # a view's own condition
            self.check_write(record, "create" if created else "update")

    def _save_inline(self, form, record):
        for field in form._fields.values():
            if isinstance(field, InlineModelFormList):
                field.save_related(record)

    def _form_names(self, form) -> list[str]:
        return [name for name in form._fields if name in self.model._meta.fields]

    def show_refusal(self, form, exc: Refused) -> None:
        """A refusal beside the form fields it names, and as a message above the form."""
        shown = False
        for name, messages in exc.errors.items():
            if form is not None and name in form._fields:
                form[name].errors = [*form[name].errors, *messages]
                shown = True
        if not shown or not exc.errors:
            flash(exc.message, "error")
        else:
            flash(_("The record was not saved: %(error)s", error=exc.message), "error")

    def create_model(self, form):
        ctx = commands.Context.current("admin")
        model = self.model()
        try:
            form.populate_obj(model)
            commands.save(
                ctx, model, names=self._form_names(form), **self.command_options(form, True)
            )
        except Refused as exc:
            self.show_refusal(form, exc)
            return False
        except (ServiceError, PermissionError) as exc:
            flash(str(exc), "error")
            return False
        except Exception as exc:
            self._fail(_("Failed to create record. %(error)s", error=str(exc)), exc)
            return False
        self.after_model_change(form, model, True)
        return model

    def update_model(self, form, model):
        from core.events import snapshot

        ctx = commands.Context.current("admin")
        before, stored = snapshot(model), dict(model.__data__)
        try:
            form.populate_obj(model)
            commands.save(ctx, model, before=before, **self.command_options(form, False))
        except Refused as exc:
            model.__data__ = stored
            self.show_refusal(form, exc)
            return False
        except (ServiceError, PermissionError) as exc:
            model.__data__ = stored
            flash(str(exc), "error")
            return False
        except Exception as exc:
            model.__data__ = stored
            self._fail(_("Failed to update record. %(error)s", error=str(exc)), exc)
            return False
        self.after_model_change(form, model, False)
        return True

    def delete_model(self, model):
        try:
            with db.atomic():
                self.on_model_delete(model)
                self.delete_one(model)
        except (ServiceError, PermissionError) as exc:
            flash(str(exc), "error")
            return False
        except Exception as exc:
            self._fail(_("Failed to delete record. %(error)s", error=str(exc)), exc)
            return False
        self.after_model_delete(model)
        return True

    def delete_one(self, model):
        commands.delete(
            commands.Context.current("admin"),
            model,
            plugin=self.plugin_id,
            through=self.scope_through if self.scoped else None,
            scoped=self.scoped,
        )

    def check_write(self, model, action):
        """Refuse writing ``model`` where the user may not ``action`` (the command checks
        this on every write; views that write through a service of their own call it)."""
        ctx = commands.Context.current("admin")
        if not ctx.can(self.plugin_id, action, model):
            raise Forbidden(_("You are not allowed to do this."))
        if self.scoped:
            commands.check_scope(ctx, model, self.plugin_id, action, self.scope_through)

    def emit(self, name, model, changes, district_id=None):
        emit(
            Event(
                name,
                plugin=self.plugin_id,
                record=model,
                actor=current_user._get_current_object(),
                district_id=district_id or district_of(model),
                changes=changes,
            )
        )

    @action(
        "delete",
        _l("Delete"),
        _l("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids):
        pk = self.model._meta.primary_key
        deleted, refused = 0, []
        try:
            with db.atomic():
                for record in self.scoped_query(self.model.select(), "delete").where(pk << ids):
                    try:
                        with db.atomic():
                            self.on_model_delete(record)
                            self.delete_one(record)
                            deleted += 1
                    except (ServiceError, PermissionError) as exc:
                        refused.append(str(exc))
        except Exception as exc:
            self._fail(_("Failed to delete records. %(error)s", error=str(exc)), exc)
            return
        if deleted:
            flash(
                ngettext("%(num)d record was deleted.", "%(num)d records were deleted.", deleted),
                "success",
            )
        for message in refused:
            flash(message, "error")

    def is_action_allowed(self, name):
        if name == "delete":
            return self.can_delete
        return super().is_action_allowed(name)

    # -- export (CSV with a BOM, XLSX; the list's filtered, scoped, masked rows) --

    export_types = ["csv", "xlsx"]
    export_batch = 1000  # rows read at once: memory does not grow with the list

    def get_export_value(self, model, name):
        return escape_formula(self.print_value(model, name))

    def print_value(self, model, name):
        """A cell as the export writes it (masked, labels of choices, 是/否), before the
        spreadsheet's formula escaping: what a printed list shows."""
        if name.startswith(CUSTOM_PREFIX):
            return self.custom_value(model, name)
        shown = self.dictionary_label(
            model, name, self.column_formatters_export or self.column_formatters
        )
        if shown is not None:
            return shown
        value = self._masked(model, name, super().get_export_value(model, name))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return value

    def get_export_name(self, export_type="csv"):
        return f"{self.endpoint}_{dt.datetime.now().strftime('%Y-%m-%d_%H-%M-%S')}.{export_type}"

    def export_cell(self, model, name):
        """A cell of the XLSX export: a date or time as a real date (in the configured zone),
        anything else as the CSV shows it (masked, labels of choices, formula-safe)."""
        field = self.model._meta.fields.get(name)
        if (
            isinstance(field, pw.DateField | pw.DateTimeField)
            and name not in (self.column_formatters_export or {})
            and name not in self.personal
        ):
            raw = getattr(model, name, None)
            if isinstance(raw, dt.datetime):
                from flask_babel import to_user_timezone

                local = to_user_timezone(raw if raw.tzinfo else raw.replace(tzinfo=dt.UTC))
                return local.replace(tzinfo=None)
            if isinstance(raw, dt.date):
                return raw
        value = self.get_export_value(model, name)
        if value is None or isinstance(value, int | float | str | dt.date):
            return value
        return str(value)

    def export_records(self, limit: int | None = None):
        """The records of the list as it is filtered, searched and sorted, in batches of
        :attr:`export_batch` (each one a call of :meth:`get_list`, so that the scope, the
        custom fields and what a view adds to its rows apply), sorted by primary key last so
        that the batches neither skip nor repeat a row; at most ``limit`` (or
        ``export_max_rows``) of them."""
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        sort_column = sort[0] if sort is not None else None
        limit = limit or self.export_max_rows or None
        offset = 0
        while True:
            size = self.export_batch if limit is None else min(self.export_batch, limit - offset)
            if size <= 0:
                return
            g.pop("_custom_values", None)  # the values of the batch before
            g._export_page = (offset, size)
            try:
                _count, rows = self.get_list(
                    0, sort_column, args.sort_desc, args.search, args.filters
                )
            finally:
                g.pop("_export_page", None)
            self._prefetch_related(rows)
            yield from rows
            if len(rows) < size:
                return
            offset += size

    def _prefetch_related(self, rows) -> None:
        """The related records the exported columns show (a unit, a person), one query per
        foreign key and batch instead of one per row."""
        names = {name for name, _label in self._export_columns if isinstance(name, str)}
        for name in names:
            field = self.model._meta.fields.get(name)
            if not isinstance(field, pw.ForeignKeyField):
                continue
            ids = {r.__data__.get(name) for r in rows} - {None}
            if not ids:
                continue
            target = field.rel_field
            related = {
                getattr(o, target.name): o
                for o in field.rel_model.select().where(target.in_(list(ids)))
            }
            for r in rows:
                found = related.get(r.__data__.get(name))
                if found is not None:
                    r.__rel__[name] = found

    def _export_csv(self, return_url):
        from flask import Response, stream_with_context
        from werkzeug.utils import secure_filename

        from core.sheets import csv_chunks

        columns = self._export_columns
        headers = [str(label) for _name, label in columns]
        rows = (
            [self.get_export_value(r, name) for name, _label in columns]
            for r in self.export_records()
        )
        filename = secure_filename(self.get_export_name("csv"))
        return Response(
            stream_with_context(csv_chunks(headers, rows)),
            headers={"Content-Disposition": f"attachment;filename={filename}"},
            mimetype="text/csv",
        )

    def _export_tablib(self, export_type, return_url):
        if export_type != "xlsx":
            return super()._export_tablib(export_type, return_url)
        import os
        import tempfile

        from flask import send_file

        from core.sheets import write_xlsx

        columns = self._export_columns
        headers = [str(label) for _name, label in columns]
        rows = (
            [self.export_cell(r, name) for name, _label in columns] for r in self.export_records()
        )
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            write_xlsx(headers, rows, path, title=str(self.name))
            stream = open(path, "rb")  # noqa: SIM115 (closed by the response)
        finally:
            os.unlink(path)  # the open file stays readable until the response closes it
        return send_file(
            stream,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=self.get_export_name("xlsx"),
        )

    # -- printing (打印, core.printing): the list as it is filtered, and a record's documents --

    details_template = "admin/linli_details.html"
    print_max_rows = None  # rows of a printed list: core.printing.LIST_MAX_ROWS

    @property
    def can_print_list(self):
        """A printed list is an export on paper: the same permission."""
        return self.can_export

    @expose("/print/")
    def print_list_view(self):
        """打印本列表: the list's columns and the export's rows (filtered, searched, sorted,
        scoped, masked, formatted as exported) as a print view, or as PDF with
        ``?format=pdf``; at most :attr:`print_max_rows`."""
        from core import printing, workdays

        if not self.can_print_list:
            abort(403)
        cap = self.print_max_rows or printing.LIST_MAX_ROWS
        columns = self._list_columns  # the list's columns: an export's may not fit on paper
        rows, more = [], False
        records = self.export_records(limit=cap + 1)
        try:
            for r in records:
                if len(rows) >= cap:
                    more = True
                    break
                rows.append([_print_text(self.print_value(r, n), "") for n, _label in columns])
        finally:
            records.close()
        title = str(self.name)
        return printing.respond(
            "print/list.html",
            title=title,
            filename=f"{title}_{workdays.today().isoformat()}",
            landscape=len(columns) > 6,
            headers=[str(label) for _name, label in columns],
            rows=rows,
            more=more,
            conditions=self.print_conditions(),
        )

    def print_conditions(self) -> list[str]:
        """The list's search and filters as words, printed above the rows."""
        args = self._get_list_extra_args()
        found = []
        if args.search:
            found.append(f"{_('Search')}{_(': ')}{args.search}")
        for index, _name, value in args.filters or ():
            flt = self._filters[index]
            found.append(f"{flt.name} {flt.operation()} {value}")
        return found

    def print_links(self, model) -> list[tuple[str, str]]:
        """The documents a details page offers to print: ``[(label, url)]``; a view that
        prints a record's documents lists them here (the URL's view checks access; expose it
        under ``/print/<document>/``, ``/print/`` is the list's). With a
        :attr:`print_record_title`, the record itself (its details, :meth:`print_record_view`)."""
        if not self.print_record_title:
            return []
        return [(str(self.print_record_title), url_for(".print_record_view", id=model._pk))]

    print_record_title = None  # e.g. _l("Registration record"): the details page prints
    print_record_template = "print/record.html"  # extends it to add what the details add

    def print_record_context(self, model) -> dict:
        """What a view's :attr:`print_record_template` needs beyond the record's fields."""
        return {}

    @expose("/print/record/")
    def print_record_view(self):
        """The record's details (the details page's fields, masked as there) as a printed
        document, or as PDF with ``?format=pdf``; the details page's permission and scope."""
        from core import printing

        if not (self.print_record_title and self.can_view_details):
            abort(404)
        model = self.get_one(request.args.get("id", ""))
        if model is None:
            abort(404)
        fields = []
        for name, label in self._details_columns:
            fields.append((str(label), _print_text(self.print_value(model, name))))
        title = f"{model} {self.print_record_title}"
        return printing.respond(
            self.print_record_template,
            title=title,
            filename=title,
            record=model,
            fields=fields,
            **self.print_record_context(model),
        )


def _print_text(value, nothing=None) -> str:
    """A printed cell: a formatter's HTML as its text, nothing as ``nothing`` (a dash)."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value.striptags()
    if nothing is not None and (value is None or value == ""):
        return nothing
    return readable.text(value)


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """Ajax look-ups limited to records the user may see."""

    def __init__(self, name, model, view=None, **options):
        self.view = view
        super().__init__(name, model, **options)

    def _base(self):
        query = self.model.select()
        if self.model is TerritoryUnit:
            access = g.get("access")
            condition = access.unit_condition(self.view.resource) if access else pw.SQL("1=0")
            query = query.where(condition)
            if g.get("district_id") is not None:
                query = query.where(TerritoryUnit.district_id == g.district_id)
        elif "unit" in self.model._meta.fields:
            access = g.get("access")
            if access is None:
                return query.where(pw.SQL("1 = 0"))
            query = query.where(
                access.scope_condition(
                    self.model, self.view.plugin_id, "read", g.get("district_id")
                )
            )
        return query

    def get_one(self, pk):
        return self._base().where(self.model._meta.primary_key == pk).first()

    def get_list(self, term, offset=0, limit=10):
        query = self._base()
        if term:
            condition = None
            for field in self._cached_fields:
                c = field ** f"%{term}%"
                condition = c if condition is None else (condition | c)
            query = query.where(condition)
        return list(query.offset(offset).limit(limit))


class DashboardView(AccessMixin, AdminIndexView):
    """The admin index: the widgets of the modules enabled in the current district."""

    def is_accessible(self):
        return (
            current_user.is_authenticated and not current_user.must_change_password and is_staff()
        )

    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        if not self.is_accessible():
            return self.inaccessible_callback("index")
        state = self._state()
        widgets = state.dashboard_widgets(g.get("district"), current_user)
        return self.render("admin/linli_index.html", widgets=widgets)
