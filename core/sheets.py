"""The spreadsheet writer (表格写出): the one place where cells become CSV or XLSX, for the
admin's list exports, the API's and the CLI's exports, import templates and error files.

* every text cell is made safe: a leading ``= + - @`` (tab, CR) that a spreadsheet would run
  as a formula gets an apostrophe (:func:`escape_formula`), and the control characters XML
  1.0 cannot hold are dropped (:func:`clean`);
* CSV starts with a UTF-8 byte-order mark, so that Excel on Windows reads UTF-8;
* XLSX is written row by row (openpyxl's write-only mode: constant memory); text is a text
  cell (number format ``@``), so that an ID card or phone number stays a string and never
  becomes ``1.1E+17``; dates and times are real dates with a date format.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# the characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): tab, LF, CR stay
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def escape_formula(value):
    """Make a cell safe for spreadsheets: a leading = + - @ tab or CR is prefixed with '.
    Idempotent: an escaped value starts with the apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def clean(value):
    """A value a workbook can hold: control characters (a BEL, a form feed...) dropped;
    newlines and tabs stay."""
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    return value


def safe_text(value) -> str:
    return escape_formula(clean(value))


# -- CSV ----------------------------------------------------------------------------------


class _Line:
    """A file-like target for csv.writer that hands back what was written."""

    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text


def csv_chunks(headers: list, rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark, in chunks of 200 rows; text cells made safe."""
    yield codecs.BOM_UTF8  # so that spreadsheet programs read UTF-8
    line = _Line()
    writer = csv.writer(line)
    writer.writerow([safe_text(str(h)) for h in headers])
    buffered = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        buffered += 1
        if buffered >= 200:
            yield line.text.encode("utf-8")
            line.text, buffered = "", 0
    yield line.text.encode("utf-8")


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return value


# -- XLSX ---------------------------------------------------------------------------------


def xlsx_cell(sheet, value):
    """A write-only cell: text as text (``@``), dates with a date format, numbers as they
    are; anything else as its text."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, decimal.Decimal):
        return value
    cell = WriteOnlyCell(sheet, value=None)
    cell.value = safe_text(str(value))
    cell.data_type = "s"  # never a formula, whatever openpyxl guesses
    cell.number_format = TEXT_FORMAT
    return cell


def _append(sheet, row: Iterable) -> None:
    sheet.append([xlsx_cell(sheet, v) for v in row])


def sheet_title(title: str, seen: set[str]) -> str:
    """A valid, unique sheet title: at most 31 characters, none of ``[]:*?/\\``."""
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:28] or "data"
    base, n = name, 2
    while name.lower() in seen:
        name, n = f"{base} {n}", n + 1
    seen.add(name.lower())
    return name


def write_xlsx(headers: list, rows: Iterable[list], path: str, title: str = "data") -> None:
    """A workbook written row by row (openpyxl write-only mode): constant memory."""
    write_workbook([(title, headers, rows)], path)


def write_workbook(sheets: list[tuple[str, list, Iterable[list]]], path: str) -> None:
    """A workbook of several sheets, each ``(title, headers, rows)``, written row by row."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    seen: set[str] = set()
    for title, headers, rows in sheets:
        sheet = book.create_sheet(sheet_title(title, seen))
        _append(sheet, [str(h) for h in headers])
        for row in rows:
            _append(sheet, row)
    if not seen:
        book.create_sheet("data")
    book.save(path)


# -- import templates ---------------------------------------------------------------------


@dataclass
class TemplateColumn:
    """One column of an import template: its header, whether it is required, its type (as
    the user reads it), its allowed values (a dropdown) and a note."""

    header: str
    key: str
    required: bool = False
    kind: str = ""
    allowed: list[str] = field(default_factory=list)
    note: str = ""
    text: bool = True  # typed as text (an ID or phone number stays text)
    strict: bool = True  # the dropdown refuses other values


@dataclass
class TemplateTexts:
    """The words of a template, in the user's language."""

    data: str
    guide: str
    values: str
    guide_headers: list[str]
    yes: str
    no: str
    refused_title: str
    refused: str


def write_template(
    columns: list[TemplateColumn], texts: TemplateTexts, path: str, rows: int = 1000
) -> None:
    """An import template: the data sheet (headers, text columns typed as text, dropdowns
    for columns with allowed values), a guide sheet explaining each column, and a hidden
    sheet holding the dropdowns' values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    data = book.active
    data.title = texts.data
    guide = book.create_sheet(texts.guide)
    values = book.create_sheet(texts.values)
    values.sheet_state = "hidden"
    bold = Font(bold=True)
    guide.append(texts.guide_headers)
    for cell in guide[1]:
        cell.font = bold
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = data.cell(row=1, column=index, value=safe_text(column.header))
        header.font = bold
        header.data_type = "s"
        data.column_dimensions[letter].width = max(12, min(40, len(column.header) * 2 + 4))
        if column.text:
            for row in range(2, rows + 2):
                data.cell(row=row, column=index).number_format = TEXT_FORMAT
        guide.append(
            [
                safe_text(column.header),
                column.key,
                texts.yes if column.required else texts.no,
                column.kind,
                safe_text("、".join(column.allowed)),
                safe_text(column.note),
            ]
        )
        if column.allowed:
            for number, value in enumerate(column.allowed, start=1):
                cell = values.cell(row=number, column=index, value=safe_text(value))
                cell.data_type = "s"
            ref = f"{quote_sheetname(values.title)}!${letter}$1:${letter}${len(column.allowed)}"
            rule = DataValidation(
                type="list",
                formula1=ref,
                allow_blank=not column.required,
                showErrorMessage=column.strict,
                errorTitle=texts.refused_title,
                error=texts.refused,
            )
            rule.add(f"{letter}2:{letter}{rows + 1}")
            data.add_data_validation(rule)
    for letter, width in zip("ABCDEF", (18, 16, 8, 14, 50, 40), strict=True):
        guide.column_dimensions[letter].width = width
    data.freeze_panes = "A2"
    book.save(path)
