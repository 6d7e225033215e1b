"""Spreadsheets (表格导入导出): import CSV and XLSX into any model with a schema, export a
filtered, scoped list to CSV or XLSX.

Import reads the file, maps its columns to fields (by name, by label, or by an explicit
mapping), validates every row with the same writer the API uses, and reports every bad row
and field; only when no row is bad does it write them all, in one transaction (all or
nothing): 1,000 records at a time with their audit rows (:func:`core.commands.create_many`)
when the model allows it (:func:`core.commands.batchable`), else row after row.

Export streams: rows are read in batches by primary key, so memory does not grow with the
number of rows; cells a spreadsheet would run as a formula are escaped.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import peewee as pw
from flask import Response, g, send_file, stream_with_context

from core import commands
from core import sheets as sheets_module
from core.db import db
from core.i18n import gettext as _
from core.i18n import pgettext
from core.sheets import csv_chunks, escape_formula, write_xlsx, xlsx_cell  # noqa: F401
from forms.dictionaries import field_choices

from .resources import CUSTOM_PREFIX, ApiError, Resource
from .services import Writer

BATCH = 1000
ANALYZE_AFTER = 10_000  # rows imported at once after which SQLite's statistics are renewed
MAX_ERRORS = 1000  # listed in one report; the count says how many there were in all


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[list]  # each a list of cell values, as text
    total: int | None = None  # data rows, when known before reading them


# -- reading -------------------------------------------------------------------------------


def read_upload(filename: str, stream) -> Table:
    """A CSV (UTF-8, with or without BOM, or GB18030) or XLSX file as a table."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(stream)
    if name.endswith(".csv"):
        return _read_csv(stream.read())
    raise ApiError(400, _("Only CSV and XLSX files can be imported."), {"file": [filename]})


def _read_csv(raw: bytes) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ApiError(400, _("The file's encoding is not readable."), {"file": ["encoding"]})
    if "\x00" in text:
        raise ApiError(400, _("The file is not a CSV file."), {"file": ["NUL"]})
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text))
    try:
        headers = [h.strip() for h in next(reader, [])]
    except csv.Error:
        raise _cell_too_long(1) from None

    def rows():
        number = 1
        try:
            for number, row in enumerate(reader, start=2):  # noqa: B007 (read on error)
                yield row
        except csv.Error:
            raise _cell_too_long(number + 1) from None

    return Table(headers, rows(), max(len(lines) - 1, 0))


def _cell_too_long(row: int) -> ApiError:
    limit = csv.field_size_limit()
    return ApiError(
        400,
        _(
            "Row %(row)s of the file cannot be read: a cell is longer than %(limit)s "
            "characters or a quote is not closed; nothing was imported.",
            row=row,
            limit=limit,
        ),
        {"file": [f"row {row}"]},
    )


def _unreadable_xlsx() -> ApiError:
    return ApiError(400, _("The file is not a readable XLSX file."), {"file": ["xlsx"]})


def _read_xlsx(stream) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(stream.read()), read_only=True, data_only=True)
        sheet = book.worksheets[0]  # IndexError: a workbook without a worksheet
        rows = sheet.iter_rows(values_only=True)
        headers = [_text(h).strip() for h in next(rows, ())]
        total = (sheet.max_row - 1) if sheet.max_row else None
    except Exception:  # zipfile.BadZipFile, KeyError, InvalidFileException, IndexError...
        raise _unreadable_xlsx() from None

    def cells():
        try:
            for row in rows:
                yield [_text(v) for v in row]
        except Exception:  # a broken sheet found while reading its rows
            raise _unreadable_xlsx() from None

    return Table(headers, cells(), total)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# -- import --------------------------------------------------------------------------------


def columns(resource: Resource) -> dict[str, str]:
    """Importable field name -> label (model fields of the schema, then custom fields)."""
    fields = resource.model._meta.fields
    key_map = resource.key_map()
    found = {
        key: str(fields[key_map[key]].verbose_name or key)
        for key in resource.writable_names()
        if not (resource.workflow and key_map[key] in resource.workflow.managed_fields())
    }
    for row, f in resource.custom_fields():
        found[CUSTOM_PREFIX + row.key] = f.label_zh
    return found


def resolve_mapping(resource: Resource, headers: list[str], mapping: dict) -> dict[int, str]:
    """Column index -> field name. ``mapping`` maps a header to a field (or to "" to skip
    it); other headers are matched by field name or label. ApiError names a missing column."""
    known = columns(resource)
    by_label = {}
    for locale in ("en", "zh_Hans_CN"):  # a template downloaded in either language
        by_label.update({label: name for name, label in _in_locale(locale, columns, resource)})
    by_label.update({label: name for name, label in known.items()})
    chosen: dict[int, str] = {}
    errors: dict[str, list] = {}
    for header, target in mapping.items():
        if target and target not in known:
            errors[str(header)] = [_("Unknown field: %(field)s.", field=target)]
        if header not in headers:
            errors[str(header)] = [_("No such column in the file.")]
    for index, header in enumerate(headers):
        if header in mapping:
            target = mapping[header]
        else:
            target = header if header in known else by_label.get(header)
        if target:
            chosen[index] = target
    taken = list(chosen.values())
    for name in {n for n in taken if taken.count(n) > 1}:
        errors[name] = [_("Two columns are mapped to this field.")]
    declared = {f.data_key or n: f for n, f in resource.schema_class._declared_fields.items()}
    for name in known:
        field = declared.get(name)
        if field is not None and field.required and name not in taken:
            errors[name] = [
                _("Missing column “%(column)s” (%(label)s).", column=name, label=known[name])
            ]
    if errors:
        raise ApiError(400, _("The columns do not match; nothing was imported."), errors)
    return chosen


def _row_problems(number: int, exc: ApiError, table: Table, chosen: dict) -> list[dict]:
    """One {"row", "column", "field", "message"} per message of a refused row."""
    found = []
    for name, messages in (exc.errors or {"": [exc.message]}).items():
        header = next((table.headers[i] for i, n in chosen.items() if n == name), name)
        for message in messages if isinstance(messages, list) else [messages]:
            found.append({"row": number, "column": header, "field": name, "message": str(message)})
    return found


def _in_locale(locale: str, function, *args):
    from flask_babel import force_locale

    with force_locale(locale):
        return list(function(*args).items())


# -- values by name or code ------------------------------------------------------------------


SEPARATORS = str.maketrans("", "", " /\\-—·>＞、，,|")


def _unit_key(text: str) -> str:
    return str(text).translate(SEPARATORS)


class Values:
    """Turns a row's cells written as people write them into the values the schema reads: a
    territory unit by its code, its name or its full name (示范区东湖街道幸福社区, with or without
    separators), a choice by its label (Chinese or English) or its code, yes/no as 是/否.
    Ids stay accepted. A value that names nothing is refused naming its column."""

    YES = {"是", "yes", "y", "true", "1", "对", "√"}
    NO = {"否", "no", "n", "false", "0", "不是", "×"}

    def __init__(self, resource: Resource):
        from marshmallow import fields as mf

        from core.models import TerritoryUnit

        self.resource = resource
        self.units: dict[str, int] | None = None  # full name without separators -> id
        self.cache: dict[str, object] = {}
        model_fields = resource.model._meta.fields
        key_map = resource.key_map()
        declared = {f.data_key or n: f for n, f in resource.schema_class._declared_fields.items()}
        self.unit_keys = set()
        self.choices: dict[str, dict[str, str]] = {}
        self.booleans = set()
        for key, name in key_map.items():
            field = model_fields[name]
            if isinstance(field, pw.ForeignKeyField) and field.rel_model is TerritoryUnit:
                self.unit_keys.add(key)
            elif (listed := field_choices(field, g.get("district_id"), retired=True)) is not None:
                self.choices[key] = choice_names(listed)
            if isinstance(declared.get(key), mf.Boolean):
                self.booleans.add(key)
        for row, f in resource.custom_fields():
            if f.type == "choice":
                options = _custom_choices(f)
                self.choices[CUSTOM_PREFIX + row.key] = choice_names(
                    [(c.code, c.label_zh, c.label_en) for c in options]
                )
            elif f.type == "territory_unit":
                self.unit_keys.add(CUSTOM_PREFIX + row.key)

    def convert(self, payload: dict) -> tuple[dict, dict]:
        """(the payload in the schema's terms, {key: [message]} of values naming nothing)."""
        errors: dict[str, list] = {}
        converted = dict(payload)
        for key, value in payload.items():
            if key in self.unit_keys:
                found = self.unit(value)
                if isinstance(found, str):
                    errors[key] = [found]
                else:
                    converted[key] = str(found)
            elif key in self.choices:
                names = self.choices[key]
                code = names.get(value) or names.get(value.strip().lower())
                if code is None:  # the message the command gives on every surface
                    errors[key] = [_("Not a valid choice.")]
                else:
                    converted[key] = code
            elif key in self.booleans:
                word = value.strip().lower()
                if word in self.YES:
                    converted[key] = "true"
                elif word in self.NO:
                    converted[key] = "false"
        return converted, errors

    def unit(self, value: str):
        """The id of the unit ``value`` names in the district worked in, or a message."""
        from flask import g

        from core.models import TerritoryUnit

        value = value.strip()
        if value in self.cache:
            return self.cache[value]
        district = g.get("district_id")
        query = TerritoryUnit.select(TerritoryUnit.id)
        if district is not None:
            query = query.where(TerritoryUnit.district_id == district)
        found: object = None
        by_code = query.where(TerritoryUnit.code == value).first()
        if by_code is not None:
            found = by_code.id
        elif value.isdigit():
            found = int(value)  # an id, as the API writes it
        else:
            named = list(query.where(TerritoryUnit.name == value).limit(2))
            if len(named) == 1:
                found = named[0].id
            else:
                found = self._full_names().get(_unit_key(value))
                if found is None and len(named) > 1:
                    found = _(
                        "Several territory units are named “%(value)s”: write its code or its "
                        "full name.",
                        value=value,
                    )
        if found is None:
            found = _(
                "Unknown territory unit “%(value)s”: write its code, its name or its full name.",
                value=value,
            )
        self.cache[value] = found
        return found

    def _full_names(self) -> dict[str, int]:
        """Every unit of the district by its full name (from the district down, and from the
        street down), read once per import."""
        if self.units is None:
            from flask import g

            from core.models import TerritoryUnit

            query = TerritoryUnit.select(TerritoryUnit.id, TerritoryUnit.name, TerritoryUnit.parent)
            district = g.get("district_id")
            if district is not None:
                query = query.where(
                    (TerritoryUnit.district_id == district) | (TerritoryUnit.id == district)
                )
            rows = {u.id: (u.name, u.parent_id) for u in query}
            self.units = {}
            for unit_id in rows:
                names, current = [], unit_id
                while current in rows:
                    name, parent = rows[current]
                    names.insert(0, name)
                    current = parent
                for start in range(len(names)):
                    self.units.setdefault(_unit_key("".join(names[start:])), unit_id)
        return self.units


def choice_names(choices) -> dict[str, str]:
    """Label (Chinese, English, as shown) or code -> code, for model choices (code, label)
    or custom choices (code, label_zh, label_en)."""
    from flask_babel import force_locale

    names: dict[str, str] = {}
    for choice in choices:
        code, labels = str(choice[0]), choice[1:]
        names[code] = code
        names[code.lower()] = code
        for label in labels:
            if not label:
                continue
            for locale in ("zh_Hans_CN", "en"):
                with force_locale(locale):
                    text = str(label)
                names.setdefault(text, code)
                names.setdefault(text.lower(), code)
    return names


def _custom_choices(f) -> list:
    from flask import g

    from forms.services import choices_for

    return choices_for(g.get("district_id"))(f)


def run_import(
    resource: Resource,
    table: Table,
    mapping: dict | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Validate every row, then (not a dry run, no bad row) create them all at once.

    Returns {"rows", "created", "dry_run"}; raises ApiError 400 whose ``errors`` is a list
    of {"row", "column", "field", "message"} (row 2 is the first data row, as a spreadsheet
    numbers it) when any row is bad: then nothing was written."""
    chosen = resolve_mapping(resource, table.headers, mapping or {})
    writer = Writer(resource, source="import")
    values_by_name = Values(resource)
    valid: list[tuple[dict, dict]] = []
    problems: list[dict] = []
    count = 0
    for number, cells in enumerate(table.rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        count += 1
        payload = {
            name: cells[index].strip()
            for index, name in chosen.items()
            if index < len(cells) and cells[index].strip() != ""
        }
        payload, unnamed = values_by_name.convert(payload)

        try:
            values, custom = writer.validate(payload)
            if unnamed:
                raise ApiError(400, _("The data is not valid; nothing was saved."), unnamed)
            record = writer.check(values, "import")
        except ApiError as exc:
            if unnamed:  # what names nothing, told so, with what else the row has wrong
                errors = exc.errors if isinstance(exc.errors, dict) else {}
                exc = ApiError(400, exc.message, {**errors, **unnamed})
            problems.extend(_row_problems(number, exc, table, chosen))
        else:
            if not dry_run and not problems:
                valid.append((number, values, custom, record))
        if progress is not None:
            progress(1)
    if problems:
        raise ApiError(
            400,
            _(
                "%(count)s problems in the file; nothing was imported.",
                count=len(problems),
            ),
            problems[:MAX_ERRORS],
        )
    if dry_run:
        return {"rows": count, "created": 0, "dry_run": True}
    with db.atomic() as transaction:
        if commands.batchable(resource.model):
            for start in range(0, len(valid), BATCH):
                problems = _write_batch(writer, valid[start : start + BATCH], table, chosen)
                if problems:
                    break
        else:
            problems = _write_rows(writer, valid, table, chosen)
        if problems:
            transaction.rollback()
    if problems:
        raise ApiError(
            400,
            _("%(count)s problems in the file; nothing was imported.", count=len(problems)),
            problems,
        )
    if len(valid) >= ANALYZE_AFTER and isinstance(db.obj, pw.SqliteDatabase):
        # SQLite plans scoped lists well only with statistics (PostgreSQL's autovacuum
        # keeps its own): without them a list page sorts the whole table
        db.execute_sql(f'ANALYZE "{resource.table}"')
    return {"rows": count, "created": len(valid), "dry_run": False}


# -- export --------------------------------------------------------------------------------


def _write_rows(writer: Writer, valid: list, table: Table, chosen: dict) -> list[dict]:
    """Write the rows one by one, each checked again after the rows before it (a number
    unique in its building, twice in the file): the problems of the first refused."""
    for number, values, custom, _record in valid:
        try:
            writer.insert(values, custom, "import")
        except ApiError as exc:
            return _row_problems(number, exc, table, chosen)
    return []


def _write_batch(writer: Writer, valid: list, table: Table, chosen: dict) -> list[dict]:
    """Write checked rows together; when the database or a subscriber refuses the batch
    (a value unique in the table, twice in the file), nothing of it stays and its rows are
    written again one by one to name the row at fault."""
    try:
        writer.insert_checked([r[3] for r in valid], [r[2] for r in valid])
    except ApiError:
        return _write_rows(writer, valid, table, chosen)
    return []


def export_headers(resource: Resource) -> list[str]:
    schema = resource.schema()
    names = [f.data_key or name for name, f in schema.fields.items() if not f.load_only]
    return names + [CUSTOM_PREFIX + row.key for row, _f in resource.custom_fields()]


def export_rows(resource: Resource, query, sorted_by: str | None = None) -> Iterator[list]:
    """Rows of cells in batches of :data:`BATCH`: by primary key (keyset) when no sort is
    asked for, else by offset."""
    headers = export_headers(resource)
    pk = resource.model._meta.primary_key
    last = None
    offset = 0
    while True:
        if sorted_by:
            batch = list(query.offset(offset).limit(BATCH))
            offset += BATCH
        else:
            page = query.order_by(pk.asc())
            if last is not None:
                page = page.where(pk > last)
            batch = list(page.limit(BATCH))
        if not batch:
            return
        last = batch[-1]._pk
        for row in resource.dump(batch):
            yield [_cell(row.get(h)) for h in headers]
        if len(batch) < BATCH:
            return


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, decimal.Decimal):
        value = str(value)
    return escape_formula(value)


def write_workbook(sheets: list[tuple[str, list[str], list[list]]], path: str) -> None:
    """A workbook of several sheets, each ``(title, headers, rows)``: titles made valid (at
    most 31 characters, none of ``[]:*?/\\``, unique), cells escaped like an export's."""
    sheets_module.write_workbook(
        [
            (title, headers, ([_cell(v) for v in row] for row in rows))
            for title, headers, rows in sheets
        ],
        path,
    )


def export_response(resource: Resource, query, fmt: str, sorted_by: str | None = None):
    headers = export_headers(resource)
    rows = export_rows(resource, query, sorted_by)
    filename = f"{resource.table}.{fmt}"
    if fmt == "csv":
        return Response(
            stream_with_context(csv_chunks(headers, rows)),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={filename}"},
        )
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(headers, rows, path)
        stream = open(path, "rb")  # noqa: SIM115 (closed by the response)
    finally:
        os.unlink(path)  # the open file stays readable until the response closes it
    return send_file(
        stream,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=filename,
    )


# -- import templates and error files ------------------------------------------------------

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_ROWS = 1000  # rows of the template typed as text and given dropdowns
UNITS_LISTED = 500  # territory units offered in a template's dropdown


def _kind(model_field, schema_field) -> str:
    from marshmallow import fields as mf

    if isinstance(schema_field, mf.Boolean) or isinstance(model_field, pw.BooleanField):
        return _("Yes or no")
    if isinstance(model_field, pw.DateTimeField) or isinstance(schema_field, mf.DateTime):
        return _("Date and time")
    if isinstance(model_field, pw.DateField) or isinstance(schema_field, mf.Date):
        return _("Date")
    if isinstance(model_field, pw.ForeignKeyField):
        return _("Record number")
    if isinstance(model_field, pw.DecimalField | pw.FloatField):
        return pgettext("template", "Number")
    if isinstance(model_field, pw.IntegerField):
        return _("Whole number")
    return _("Plain text")


CUSTOM_KINDS = {
    "integer": "Whole number",
    "decimal": "Number",
    "date": "Date",
    "choice": "Choice",
    "multi_choice": "Choice",
    "territory_unit": "Territory unit",
}


def _custom_kind(kind: str) -> str:
    """The template's word for a custom field's type (a message context where the English
    word means something else elsewhere)."""
    word = CUSTOM_KINDS.get(kind, "Plain text")
    return pgettext("template", word) if word in ("Number", "Choice") else _(word)


def template_columns(resource: Resource) -> list[sheets_module.TemplateColumn]:
    """The columns of the resource's import template: the importable fields by their labels
    (what :func:`resolve_mapping` matches), each explained."""
    from flask import g

    from core.fields import IdCardField, MobileField
    from core.models import TerritoryUnit

    key_map = resource.key_map()
    fields = resource.model._meta.fields
    declared = {f.data_key or n: f for n, f in resource.schema_class._declared_fields.items()}
    found = []
    for key, label in columns(resource).items():
        if key.startswith(CUSTOM_PREFIX):
            continue
        model_field = fields[key_map[key]]
        schema_field = declared.get(key)
        column = sheets_module.TemplateColumn(
            header=label,
            key=key,
            required=bool(schema_field is not None and schema_field.required),
            kind=_kind(model_field, schema_field),
        )
        if isinstance(model_field, IdCardField):
            column.kind, column.note = _("Plain text"), _("ID card number (18 characters).")
        elif isinstance(model_field, MobileField):
            column.kind, column.note = _("Plain text"), _("Mobile phone number (11 digits).")
        elif isinstance(model_field, pw.ForeignKeyField) and model_field.rel_model is TerritoryUnit:
            column.kind = _("Territory unit")
            column.note = _("The unit's code, its name or its full name.")
            access = g.get("access")
            units = TerritoryUnit.select().where(
                access.unit_condition(resource.resource, "create") if access else pw.SQL("1=0")
            )
            if g.get("district_id") is not None:
                units = units.where(TerritoryUnit.district_id == g.district_id)
            column.allowed = [
                u.name for u in units.order_by(TerritoryUnit.path).limit(UNITS_LISTED)
            ]
            column.strict = False  # a code or a full name is as good as a name
        elif (listed := field_choices(model_field, g.get("district_id"))) is not None:
            column.kind = pgettext("template", "Choice")
            column.allowed = [str(label) for _code, label in listed]
            column.note = _(
                "The label or the code: %(codes)s.",
                codes="、".join(f"{label}={code}" for code, label in listed),
            )
        elif column.kind == _("Yes or no"):
            column.allowed = [_("Yes"), _("No")]
        elif isinstance(model_field, pw.DateTimeField):
            column.note, column.text = _("For example 2026-03-01 09:30."), False
        elif isinstance(model_field, pw.DateField):
            column.note, column.text = _("For example 2026-03-01."), False
        elif isinstance(model_field, pw.IntegerField | pw.DecimalField | pw.FloatField):
            column.text = False
        if getattr(model_field, "max_length", None) and isinstance(model_field, pw.CharField):
            extra = _("At most %(max)s characters.", max=model_field.max_length)
            column.note = f"{column.note} {extra}".strip()
        found.append(column)
    for row, f in resource.custom_fields():
        column = sheets_module.TemplateColumn(
            header=f.label_zh,
            key=CUSTOM_PREFIX + row.key,
            required=f.required,
            kind=_custom_kind(f.type),
            note=f.help_zh,
            text=f.type not in ("integer", "decimal", "date"),
        )
        if f.type in ("choice", "multi_choice"):
            column.allowed = [c.label_zh for c in _custom_choices(f)]
            column.strict = f.type == "choice"
        found.append(column)
    return found


def template_texts() -> sheets_module.TemplateTexts:
    return sheets_module.TemplateTexts(
        data=_("Data"),
        guide=_("Columns"),
        values=_("Allowed values"),
        guide_headers=[
            pgettext("template", "Column"),
            _("Field"),
            pgettext("template", "Required"),
            _("Type"),
            _("Allowed values"),
            pgettext("template", "Note"),
        ],
        yes=_("Yes"),
        no=_("No"),
        refused_title=_("Not an allowed value"),
        refused=_("Choose a value from the list."),
    )


def _xlsx_response(path: str, filename: str):
    stream = open(path, "rb")  # noqa: SIM115 (closed by the response)
    return send_file(stream, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)


def template_response(resource: Resource):
    """The resource's import template as an XLSX download."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        sheets_module.write_template(
            template_columns(resource), template_texts(), path, rows=TEMPLATE_ROWS
        )
        return _xlsx_response(path, _("Import template %(name)s.xlsx", name=resource.label))
    finally:
        os.unlink(path)  # the open file stays readable until the response closes it


def write_error_file(table: Table, problems: list[dict], path: str) -> None:
    """The rows of ``table`` as they were read, with a last column naming each row's
    problems: fixed and imported again, the error column is ignored."""
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        text = problem["message"]
        if problem.get("column"):
            text = _("%(column)s: %(message)s", column=problem["column"], message=text)
        by_row.setdefault(problem["row"], []).append(text)
    headers = list(table.headers)
    if headers and headers[-1] == _("Errors"):  # an error file imported again
        headers.pop()
    width = len(headers)

    def rows():
        for number, cells in enumerate(table.rows, start=2):
            cells = list(cells)[:width] + [""] * max(0, width - len(cells))
            yield [*cells, "；".join(by_row.get(number, []))]

    sheets_module.write_xlsx([*headers, _("Errors")], rows(), path, title=_("Errors"))
