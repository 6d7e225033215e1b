"""Low-code operations (低代码服务): dictionaries, definitions, submissions, custom fields.

Each operation validates first, writes in one transaction, emits an event for the audit
trail, and raises ServiceError (a message for the user, nothing saved) when refused.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import peewee as pw

from core.db import db
from core.errors import ServiceError
from core.events import Event, emit
from core.i18n import gettext as _
from core.models import TerritoryUnit
from forms.definition import KEY, Choice, DefinitionError, FieldDef, FormDef, parse, to_data
from forms.dictionaries import forget
from forms.engine import Context, validate
from forms.models import (
    CustomField,
    CustomValue,
    Dictionary,
    DictionaryItem,
    FormDefinition,
    FormVersion,
    Submission,
)

# -- dictionaries (字典) -------------------------------------------------------------------

if TYPE_CHECKING:  # annotations only: the commands read custom fields through us
    from core.commands import Context as CommandContext


def dictionary_items(code: str, district_id: int | None, include_retired: bool = False):
    """Platform items plus the district's own, in order; None if the dictionary is unknown."""
    dictionary = Dictionary.get_or_none(Dictionary.code == code)
    if dictionary is None:
        return None
    query = DictionaryItem.select().where(DictionaryItem.dictionary == dictionary)
    scope = DictionaryItem.district.is_null()
    if district_id is not None:
        scope |= DictionaryItem.district == district_id
    query = query.where(scope)
    if not include_retired:
        query = query.where(~DictionaryItem.retired)
    return list(query.order_by(DictionaryItem.sort_order, DictionaryItem.code))


def choices_for(district_id: int | None):
    """A resolver from a field to its choices in ``district_id`` (for the engine)."""

    def resolve(f: FieldDef) -> list[Choice]:
        if not f.dictionary:
            return list(f.choices)
        items = dictionary_items(f.dictionary, district_id) or []
        return [Choice(i.code, i.label_zh, i.label_en) for i in items]

    return resolve


def dictionary_codes(code: str) -> set[str] | None:
    items = dictionary_items(code, None, include_retired=True)
    return None if items is None else {i.code for i in items}


def ensure_dictionary(code: str, name_zh: str, name_en: str, items: list[tuple]) -> Dictionary:
    """Create a built-in dictionary with platform items if missing (idempotent; plugins and
    migrations ship their dictionaries this way). ``items``: (code, label_zh, label_en)."""
    with db.atomic():
        dictionary, created = Dictionary.get_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "builtin": True}
        )
        known = {
            i.code
            for i in DictionaryItem.select().where(
                (DictionaryItem.dictionary == dictionary) & DictionaryItem.district.is_null()
            )
        }
        for order, (item_code, zh, en) in enumerate(items):
            if item_code not in known:
                DictionaryItem.create(
                    dictionary=dictionary,
                    code=item_code,
                    label_zh=zh,
                    label_en=en,
                    sort_order=order,
                )
    forget()
    return dictionary


def add_item(
    ctx: CommandContext,
    dictionary: Dictionary,
    district: TerritoryUnit | None,
    code: str,
    label_zh: str,
    label_en: str = "",
) -> DictionaryItem:
    """A district extends a dictionary (district given) or the platform adds a default."""
    actor = ctx.actor
    code = (code or "").strip()
    if not code or len(code) > 64:
        raise ServiceError(_("The code must be 1 to 64 characters."))
    if not (label_zh or "").strip():
        raise ServiceError(_("The Chinese name is required."))
    clash = DictionaryItem.select().where(
        (DictionaryItem.dictionary == dictionary)
        & (DictionaryItem.code == code)
        & (DictionaryItem.district.is_null() | (DictionaryItem.district == district))
    )
    if clash.exists():
        raise ServiceError(_("The code %(code)s is already used.", code=code))
    last = (
        DictionaryItem.select(pw.fn.MAX(DictionaryItem.sort_order))
        .where(DictionaryItem.dictionary == dictionary)
        .scalar()
    )
    with db.atomic():
        item = DictionaryItem.create(
            dictionary=dictionary,
            district=district,
            code=code,
            label_zh=label_zh.strip(),
            label_en=(label_en or "").strip(),
            sort_order=(last or 0) + 1,
        )
        forget()
        emit(
            Event(
                "created",
                record=item,
                actor=actor,
                district_id=district.id if district else None,
                changes={"code": [None, code], "label_zh": [None, label_zh]},
            )
        )
    return item


def retire_item(ctx: CommandContext, item: DictionaryItem) -> None:
    """A value in use is retired (hidden from new input, still shown on old records)."""
    actor = ctx.actor
    with db.atomic():
        DictionaryItem.update(retired=True).where(DictionaryItem.id == item.id).execute()
        forget()
        emit(
            Event(
                "updated",
                record=item,
                actor=actor,
                district_id=item.district_id,
                changes={"retired": [False, True]},
            )
        )


# -- form definitions (表单定义) ------------------------------------------------------------


def parse_checked(data: dict) -> FormDef:
    """Parse a definition, resolving dictionaries; ServiceError lists every problem."""
    try:
        return parse(data, dictionary_codes)
    except DefinitionError as exc:
        raise ServiceError(
            "；".join(f"{path}：{message}" for path, message in exc.problems)
        ) from exc


def load_text(text: str, fmt: str = "json") -> dict:
    """Read a definition exported as JSON or YAML."""
    try:
        if fmt == "yaml":
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as exc:  # json.JSONDecodeError, yaml.YAMLError
        raise ServiceError(
            _(
                "The text is not valid %(fmt)s: %(error)s",
                fmt=fmt.upper(),
                error=str(exc).splitlines()[0],
            )
        ) from exc
    if not isinstance(data, dict):
        raise ServiceError(_("A definition is an object with key, titles and sections."))
    return data


def dump_text(form: FormDef, fmt: str = "json") -> str:
    data = to_data(form)
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return json.dumps(data, ensure_ascii=False, indent=2)


def save_definition(
    ctx: CommandContext, data: dict, district: TerritoryUnit | None = None, plugin: str = "core"
) -> FormVersion:
    """Create or update a definition; a changed body becomes a new version (versions are
    never rewritten, so old submissions still display as they were filled)."""
    actor = ctx.actor
    form = parse_checked(data)
    body = json.dumps(to_data(form), ensure_ascii=False, sort_keys=True)
    with db.atomic():
        definition = FormDefinition.get_or_none(
            (FormDefinition.key == form.key)
            & (
                FormDefinition.district.is_null()
                if district is None
                else FormDefinition.district == district
            )
        )
        if definition is None:
            definition = FormDefinition.create(
                key=form.key,
                district=district,
                plugin=plugin,
                title_zh=form.title_zh,
                title_en=form.title_en,
            )
        latest = current_version(definition)
        if latest is not None and latest.body == body:
            return latest
        number = definition.current_version + 1
        version = FormVersion.create(
            definition=definition, version=number, body=body, created_by=actor
        )
        FormDefinition.update(
            current_version=number, title_zh=form.title_zh, title_en=form.title_en
        ).where(FormDefinition.id == definition.id).execute()
        emit(
            Event(
                "created",
                record=version,
                actor=actor,
                district_id=district.id if district else None,
                summary=f"{form.key} v{number}",
                changes={"version": [number - 1, number]},
            )
        )
    return version


def current_version(definition: FormDefinition) -> FormVersion | None:
    return FormVersion.get_or_none(
        (FormVersion.definition == definition) & (FormVersion.version == definition.current_version)
    )


def version_form(version: FormVersion) -> FormDef:
    return parse(json.loads(version.body))  # dictionaries were checked when it was saved


def context(district_id: int | None, access=None, plugin: str = "core") -> Context:
    """The engine context for a user working in ``district_id``."""

    def unit_allowed(unit_id: int) -> bool:
        if access is None:
            return False
        query = TerritoryUnit.select().where(
            (TerritoryUnit.id == unit_id) & access.unit_condition(plugin, "create")
        )
        if district_id is not None:
            query = query.where(TerritoryUnit.district_id == district_id)
        return query.exists()

    return Context(choices=choices_for(district_id), unit_allowed=unit_allowed)


def submit(
    ctx: CommandContext, version: FormVersion, data: dict, unit: TerritoryUnit
) -> Submission:
    """Validate and store a submission; ServiceError names every field in error."""
    actor, access = ctx.actor, (None if ctx.system else ctx.access)
    form = version_form(version)
    cleaned, errors = validate(form, data, context(unit.district_id, access))
    if errors:
        raise ServiceError(
            "；".join(
                f"{path}：{', '.join(map(str, messages))}" for path, messages in errors.items()
            )
        )
    with db.atomic():
        submission = Submission.create(
            version=version,
            unit=unit,
            created_by=actor,
            data=json.dumps(cleaned, ensure_ascii=False),
        )
        emit(
            Event(
                "created",
                record=submission,
                actor=actor,
                district_id=unit.district_id,
                summary=f"{form.key} v{version.version}",
            )
        )
    return submission


# -- custom fields (自定义字段) -------------------------------------------------------------


def custom_fields(district_id: int | None, table: str) -> list[tuple[CustomField, FieldDef]]:
    """The active custom fields of ``table`` in a district, with their parsed definitions."""
    if district_id is None:
        return []
    rows = (
        CustomField.select()
        .where(
            (CustomField.district == district_id)
            & (CustomField.table == table)
            & ~CustomField.retired
        )
        .order_by(CustomField.sort_order, CustomField.id)
    )
    return [(row, field_def(row)) for row in rows]


def field_def(row: CustomField) -> FieldDef:
    form = parse(
        {
            "key": "custom",
            "title_zh": "自定义",
            "sections": [{"key": "custom", "label_zh": "自定义", "fields": [json.loads(row.spec)]}],
        }
    )
    return form.sections[0].fields[0]


def add_custom_field(
    ctx: CommandContext, district: TerritoryUnit, plugin: str, model, spec: dict
) -> CustomField:
    """Add a field to ``model`` for ``district``; its key may not clash with a built-in one."""
    actor = ctx.actor
    if district is None or district.level != "district":
        raise ServiceError(_("Custom fields are added per district."))
    key = str(spec.get("key", ""))
    if not KEY.match(key):
        raise ServiceError(_("%(key)s: a key is lower-case letters, digits and _.", key=key))
    if key in model._meta.fields or hasattr(model, key):
        raise ServiceError(_("%(key)s: clashes with a built-in field of this model.", key=key))
    table = model._meta.table_name
    if (
        CustomField.select()
        .where(
            (CustomField.district == district)
            & (CustomField.table == table)
            & (CustomField.key == key)
        )
        .exists()
    ):
        raise ServiceError(_("%(key)s: this district already has a field with this key.", key=key))
    probe = {
        "key": "custom",
        "title_zh": "自定义",
        "sections": [{"key": "custom_section", "label_zh": "自定义", "fields": [spec]}],
    }
    form = parse_checked(probe)
    with db.atomic():
        row = CustomField.create(
            district=district,
            plugin=plugin,
            table=table,
            key=key,
            spec=json.dumps(to_data(form)["sections"][0]["fields"][0], ensure_ascii=False),
        )
        emit(
            Event(
                "created",
                record=row,
                actor=actor,
                district_id=district.id,
                changes={"table": [None, table], "key": [None, key]},
            )
        )
    return row


def _typed(f: FieldDef, value: Any) -> dict:
    if f.type in ("integer", "decimal"):
        return {"value_number": value, "value_text": str(value)}
    if isinstance(value, (dict, list)) or f.type == "long_text":
        text = value if isinstance(value, str) else None
        return {
            "value_json": json.dumps(value, ensure_ascii=False),
            "value_text": (text or "")[:255] or None,
        }
    return {"value_text": str(value)[:255]}


def save_custom_values(record, fields: list[tuple[CustomField, FieldDef]], cleaned: dict) -> dict:
    """Write the cleaned values of ``fields`` for ``record``; return before/after changes."""
    record_id = record._pk
    existing = {
        v.field_id: v
        for v in CustomValue.select().where(
            (CustomValue.record_id == record_id)
            & CustomValue.field.in_([row.id for row, _f in fields] or [0])
        )
    }
    changes = {}
    for row, f in fields:
        value = cleaned.get(row.key)
        old = existing.get(row.id)
        before = display_value(f, old)
        if value in (None, "", []):
            if old is not None:
                old.delete_instance()
                changes[f"custom.{row.key}"] = [before, None]
            continue
        values = {"value_text": None, "value_number": None, "value_json": None, **_typed(f, value)}
        if old is None:
            CustomValue.create(field=row, record_id=record_id, **values)
        else:
            CustomValue.update(**values).where(CustomValue.id == old.id).execute()
        after = (
            json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
        )
        if str(before) != str(after):
            changes[f"custom.{row.key}"] = [before, after]
    return changes


def display_value(f: FieldDef, value: CustomValue | None):
    if value is None:
        return None
    if value.value_json is not None:
        return value.value_json
    return value.value_text


def values_for(fields: list[tuple[CustomField, FieldDef]], record_ids: list[int]) -> dict:
    """{(field id, record id): display value} for many records in one query."""
    if not fields or not record_ids:
        return {}
    by_id = {row.id: f for row, f in fields}
    rows = CustomValue.select().where(
        CustomValue.field.in_(list(by_id)) & CustomValue.record_id.in_(record_ids)
    )
    return {(v.field_id, v.record_id): display_value(by_id[v.field_id], v) for v in rows}


def filter_condition(model, row: CustomField, f: FieldDef, value: str):
    """Records whose custom field equals ``value`` (numbers) or contains it (text)."""
    values = CustomValue.select(CustomValue.record_id).where(CustomValue.field == row.id)
    if f.type in ("integer", "decimal"):
        try:
            number = float(value)
        except ValueError:
            return pw.SQL("1 = 0")
        values = values.where(CustomValue.value_number == number)
    elif f.type in ("choice", "yes_no_na", "territory_unit", "date"):
        values = values.where(CustomValue.value_text == value)
    else:
        values = values.where(CustomValue.value_text.contains(value))
    return model._meta.primary_key.in_(values)


def validate_custom(fields: list[tuple[CustomField, FieldDef]], data: dict, ctx: Context):
    """Check the submitted values of a district's custom fields; (cleaned, errors by key)."""
    from forms.definition import SectionDef

    definition = FormDef(
        "custom", "", "", [SectionDef("custom", "", fields=[f for _r, f in fields])]
    )
    return validate(definition, data, ctx)


def typed_values_for(fields: list[tuple[CustomField, FieldDef]], record_ids: list[int]) -> dict:
    """{(field id, record id): value} with numbers as numbers and lists as lists (the API)."""
    if not fields or not record_ids:
        return {}
    by_id = {row.id: f for row, f in fields}
    found = {}
    rows = CustomValue.select().where(
        CustomValue.field.in_(list(by_id)) & CustomValue.record_id.in_(record_ids)
    )
    for v in rows:
        f = by_id[v.field_id]
        if v.value_json is not None:
            value = json.loads(v.value_json)
        elif f.type == "integer" and v.value_number is not None:
            value = int(v.value_number)
        elif f.type == "decimal" and v.value_number is not None:
            value = float(v.value_number)
        else:
            value = v.value_text
        found[(v.field_id, v.record_id)] = value
    return found


def custom_search_condition(model, fields: list[tuple[CustomField, FieldDef]], word: str):
    """Records of ``model`` with a custom text value containing ``word``."""
    return model._meta.primary_key.in_(
        CustomValue.select(CustomValue.record_id).where(
            CustomValue.field.in_([row.id for row, _f in fields] or [0])
            & CustomValue.value_text.contains(word)
        )
    )
