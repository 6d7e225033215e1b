"""Spreadsheets (表格导入导出): import CSV and XLSX into any model with a schema, export a
filtered, scoped list to CSV or XLSX.

Import reads the file, maps its columns to fields (by name, by label, or by an explicit
mapping), validates every row with the same writer the API uses, and reports every bad row
and field; only when no row is bad does it write them all, in one transaction (all or
nothing). Export streams: rows are read in batches by primary key, so memory does not grow
with the number of rows; cells a spreadsheet would run as a formula are escaped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import peewee as pw
from flask import Response, send_file, stream_with_context

from core.admin import escape_formula
from core.db import db
from core.i18n import gettext as _

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
    by_label = {label: name for name, label in known.items()}
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
        try:
            values, custom = writer.validate(payload)
            writer.check(values, "import")
        except ApiError as exc:
            problems.extend(_row_problems(number, exc, table, chosen))
        else:
            if not dry_run and not problems:
                valid.append((number, values, custom))
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
        for number, values, custom in valid:
            try:  # the rows written before may refuse this one (a value unique in the file)
                writer.insert(values, custom, "import")
            except ApiError as exc:
                problems.extend(_row_problems(number, exc, table, chosen))
                break
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


class _Line:
    """A file-like target for csv.writer that hands back what was written."""

    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text


def csv_chunks(headers: list[str], rows: Iterator[list]) -> Iterator[bytes]:
    yield codecs.BOM_UTF8  # so that spreadsheet programs read UTF-8
    line = _Line()
    writer = csv.writer(line)
    writer.writerow(headers)
    buffered = 0
    for row in rows:
        writer.writerow(row)
        buffered += 1
        if buffered >= 200:
            yield line.text.encode("utf-8")
            line.text, buffered = "", 0
    yield line.text.encode("utf-8")


def write_xlsx(headers: list[str], rows: Iterator[list], path: str) -> None:
    """A workbook written row by row (openpyxl write-only mode): constant memory."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append([xlsx_safe(h) for h in headers])
    for row in rows:
        sheet.append([xlsx_safe(v) for v in row])
    book.save(path)


def write_workbook(sheets: list[tuple[str, list[str], list[list]]], path: str) -> None:
    """A workbook of several sheets, each ``(title, headers, rows)``: titles made valid (at
    most 31 characters, none of ``[]:*?/\\``, unique), cells escaped like an export's."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    seen: set[str] = set()
    for title, headers, rows in sheets:
        name = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:28] or "data"
        base, n = name, 2
        while name.lower() in seen:
            name, n = f"{base} {n}", n + 1
        seen.add(name.lower())
        sheet = book.create_sheet(name)
        sheet.append([xlsx_safe(h) for h in headers])
        for row in rows:
            sheet.append([xlsx_safe(_cell(v)) for v in row])
    if not seen:
        book.create_sheet("data")
    book.save(path)


def xlsx_safe(value):
    """A cell value a workbook can hold: the control characters XML 1.0 forbids (a BEL, a
    form feed...) are dropped; newlines and tabs stay."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


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
