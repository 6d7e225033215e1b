"""Register import (业主名册导入): buildings, units with their exclusive area and its source,
owners and co-owners of one compound, from a CSV or XLSX file.

The core spreadsheet import writes one model per row; a register row holds a unit, its
owner and its co-owners (three models, owners shared between rows), so the plugin has its own
import with the same behaviour: the file is read with the core reader
(:func:`core.api.spreadsheets.read_upload`), every bad row and column is listed with its
message, and only a file without a single bad row is written, all rows in one transaction
(all or nothing). A dry run checks and reports without writing.

One row per unit. Columns (Chinese header or English key):

==========  ============  ==============================================================
key         header        value
==========  ============  ==============================================================
building    楼栋          building name in the compound (created when new), e.g. 1号楼
number      单元号        unit number, unique in its building, e.g. 1-101
area        专有面积      exclusive area in m², more than zero, at most two decimals
source      面积来源      产权登记 (property register) / 实测 (survey) / 合同 (contract)
owner       业主姓名      the owner's name (or the developer's, for unsold units)
owner_id    证件号码      the owner's ID number: the key matching one owner across rows
co_owners   共有人        optional: co-owners as "姓名 证件号码", separated by ；or ;
developer   开发商未售    optional: 是 when the unit is the developer's unsold unit
==========  ============  ==============================================================
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core import territory
from core.access import resource_of
from core.commands import Context, refuse
from core.db import db
from core.events import Event, emit
from core.i18n import gettext as _
from core.models import TerritoryUnit

from ..shared.services import PLUGIN
from .models import Owner, Ownership, Premises
from .services import compound_of_unit

COLUMNS = [
    ("building", "楼栋"),
    ("number", "单元号"),
    ("area", "专有面积"),
    ("source", "面积来源"),
    ("owner", "业主姓名"),
    ("owner_id", "证件号码"),
    ("co_owners", "共有人"),
    ("developer", "开发商未售"),
]
REQUIRED = ("building", "number", "area", "source", "owner", "owner_id")
SOURCES = {
    "产权登记": "register",
    "不动产登记": "register",
    "登记簿": "register",
    "register": "register",
    "实测": "survey",
    "survey": "survey",
    "合同": "contract",
    "contract": "contract",
}
YES = {"是", "y", "yes", "1", "true"}
SEPARATORS = re.compile(r"[;；\n]+")

EXAMPLE = [
    ["1号楼", "1-101", "89.50", "产权登记", "陈美华", "110105194912310021", "", ""],
    [
        "1号楼",
        "1-102",
        "102.30",
        "实测",
        "刘志强",
        "110105195001010013",
        "王芳 110105195203040028",
        "",
    ],
    ["2号楼", "2-101", "120.00", "合同", "幸福置业有限公司", "91110000100000000A", "", "是"],
]


@dataclass
class Problem:
    row: int  # the line in the file (the header is line 1)
    column: str  # the header of the column, "" for the whole row
    message: str


@dataclass
class Report:
    dry_run: bool
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    buildings: int = 0  # new buildings
    units: int = 0
    owners: int = 0  # new owners
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Row:
    line: int
    building: str
    number: str
    area: Decimal
    source: str
    owners: list[tuple[str, str]]  # (name, id number), the owner first
    developer: bool


def template_xlsx() -> bytes:
    """The downloadable template: the headers, a hint row and example rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "业主名册"
    sheet.append([header for _key, header in COLUMNS])
    for row in EXAMPLE:
        sheet.append(row)
    for column in "ABCDEFGH":
        sheet.column_dimensions[column].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> str:
    lines = [",".join(h for _k, h in COLUMNS)] + [",".join(r) for r in EXAMPLE]
    return "\ufeff" + "\n".join(lines) + "\n"


def _columns(headers: list[str], report: Report) -> dict[str, int]:
    known = {}
    for key, header in COLUMNS:
        known[key] = key
        known[header] = key
        known[header.lower()] = key
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = known.get((header or "").strip()) or known.get(
            re.sub(r"[（(].*[)）]$", "", (header or "").strip())
        )
        if key and key not in found:
            found[key] = index
    for key in REQUIRED:
        if key not in found:
            report.problems.append(
                Problem(1, dict(COLUMNS)[key], _("The column is missing from the file."))
            )
    return found


def _parse_people(text: str) -> list[tuple[str, str]] | None:
    people = []
    for part in SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        bits = part.replace(",", " ").replace("，", " ").split()
        if len(bits) != 2:
            return None
        people.append((bits[0], bits[1].upper()))
    return people


def _check_row(line: int, cells: list, columns: dict, report: Report) -> Row | None:
    def cell(key):
        index = columns.get(key)
        return (cells[index] if index is not None and index < len(cells) else "") or ""

    def bad(key, message):
        report.problems.append(Problem(line, dict(COLUMNS)[key], message))

    before = len(report.problems)
    building, number = cell("building").strip(), cell("number").strip()
    if not building:
        bad("building", _("Please fill in the building."))
    elif len(building) > 100:
        bad("building", _("The building's name can have at most 100 characters."))
    if not number:
        bad("number", _("Please fill in the unit number."))
    elif len(number) > 32:
        bad("number", _("The unit number can have at most 32 characters."))
    area = None
    try:
        area = Decimal(cell("area").strip())
        if not area.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        bad("area", _("The exclusive area must be a number of square metres."))
        area = None
    if area is not None:
        if area <= 0:
            bad("area", _("The exclusive area must be more than zero."))
        elif area != area.quantize(Decimal("0.01")) or area >= Decimal("100000000"):
            bad("area", _("The exclusive area can have at most two decimals."))
    source = SOURCES.get(cell("source").strip().lower()) or SOURCES.get(cell("source").strip())
    if source is None:
        bad(
            "source",
            _(
                "Unknown area source “%(value)s”: use 产权登记, 实测 or 合同.",
                value=cell("source").strip(),
            ),
        )
    owner, owner_id = cell("owner").strip(), cell("owner_id").strip().upper()
    if not owner:
        bad("owner", _("Please fill in the owner's name."))
    elif len(owner) > 64:
        bad("owner", _("The owner's name can have at most 64 characters."))
    if not owner_id:
        bad("owner_id", _("The owner's ID number is missing."))
    elif len(owner_id) > 32:
        bad("owner_id", _("The ID number can have at most 32 characters."))
    co_owners = _parse_people(cell("co_owners"))
    if co_owners is None:
        bad("co_owners", _("Write each co-owner as a name and an ID number, separated by ；."))
        co_owners = []
    developer = cell("developer").strip().lower() in YES
    if developer and co_owners:
        bad("co_owners", _("An unsold unit of the developer has no co-owners."))
    people = [(owner, owner_id), *co_owners]
    if len({p[1] for p in people}) != len(people):
        bad("co_owners", _("The same person is listed twice for this unit."))
    if len(report.problems) > before:
        return None
    return Row(line, building, number, area, source, people, developer)


def check(compound: TerritoryUnit, table) -> tuple[Report, list[Row]]:
    """Read and check every row (nothing is written)."""
    report = Report(dry_run=True)
    columns = _columns(table.headers, report)
    if report.problems:
        return report, []
    buildings = {
        b.name: b
        for b in TerritoryUnit.select().where(
            (TerritoryUnit.parent == compound.id) & (TerritoryUnit.level == "building")
        )
    }
    existing = {
        (p.unit_id, p.number)
        for p in Premises.select(Premises.unit, Premises.number).where(
            Premises.unit.in_([b.id for b in buildings.values()] or [0])
        )
    }
    known = {
        o.id_number: o.name
        for o in Owner.select().where((Owner.unit == compound.id) & Owner.id_number.is_null(False))
    }
    names: dict[str, tuple[str, int]] = {}
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for line, cells in enumerate(table.rows, start=2):
        if not any((c or "").strip() for c in cells):
            continue
        report.rows += 1
        row = _check_row(line, cells, columns, report)
        if row is None:
            continue
        key = (row.building, row.number)
        building = buildings.get(row.building)
        if key in seen:
            report.problems.append(
                Problem(
                    line,
                    "单元号",
                    _(
                        "Unit %(number)s is listed twice (also on line %(line)s).",
                        number=row.number,
                        line=seen[key],
                    ),
                )
            )
            continue
        seen[key] = line
        if building is not None and (building.id, row.number) in existing:
            report.problems.append(
                Problem(
                    line,
                    "单元号",
                    _(
                        "Unit %(number)s is already registered in %(building)s.",
                        number=row.number,
                        building=row.building,
                    ),
                )
            )
            continue
        clash = False
        for name, id_number in row.owners:
            other = known.get(id_number)
            first = names.get(id_number)
            if (other is not None and other != name) or (first and first[0] != name):
                report.problems.append(
                    Problem(
                        line,
                        "证件号码",
                        _(
                            "ID number %(id)s belongs to %(other)s, not %(name)s.",
                            id=id_number,
                            other=other if other is not None else first[0],
                            name=name,
                        ),
                    )
                )
                clash = True
            names.setdefault(id_number, (name, line))
        if not clash:
            rows.append(row)
    if not report.rows and not report.problems:
        report.problems.append(Problem(0, "", _("The file has no data rows.")))
    report.buildings = len({r.building for r in rows} - set(buildings))
    report.units = len(rows)
    report.owners = len({i for r in rows for _n, i in r.owners} - set(known))
    return report, rows


def import_register(
    ctx: Context,
    compound: TerritoryUnit,
    table,
    dry_run: bool = False,
) -> Report:
    """Check every row; unless ``dry_run`` or a row is bad, write them all in one transaction.
    Needs the ``import`` permission on every resource it writes (the units, the owners and
    their ownerships; ``owners:import`` covers them), as the core spreadsheet import, unless
    the context is trusted (the operator's CLI)."""
    if not ctx.system and not all(
        ctx.access is not None and ctx.access.can(resource_of(PLUGIN, model), "import")
        for model in (Premises, Owner, Ownership)
    ):
        raise refuse("You are not allowed to do this.")
    actor = ctx.actor
    compound = compound_of_unit(compound.id)
    report, rows = check(compound, table)
    report.dry_run = dry_run
    if dry_run or report.problems:
        return report
    stamp = {"created_by": actor, "updated_by": actor}
    with db.atomic():
        buildings = {
            b.name: b
            for b in TerritoryUnit.select().where(
                (TerritoryUnit.parent == compound.id) & (TerritoryUnit.level == "building")
            )
        }
        owners = {
            o.id_number: o
            for o in Owner.select().where(
                (Owner.unit == compound.id) & Owner.id_number.is_null(False)
            )
        }
        for row in rows:
            building = buildings.get(row.building)
            if building is None:
                building = territory.create_unit(
                    _building_code(compound, len(buildings) + 1), row.building, "building", compound
                )
                buildings[row.building] = building
            premises = Premises.create(
                unit=building, number=row.number, area=row.area, area_source=row.source, **stamp
            )
            for position, (name, id_number) in enumerate(row.owners):
                owner = owners.get(id_number)
                if owner is None:
                    owner = Owner.create(
                        unit=compound,
                        name=name,
                        id_number=id_number,
                        is_developer=row.developer and position == 0,
                        **stamp,
                    )
                    owners[id_number] = owner
                Ownership.create(unit=building, premises=premises, owner=owner, **stamp)
        emit(
            Event(
                "imported",
                plugin=PLUGIN,
                record=compound,
                actor=actor,
                district_id=compound.district_id,
                summary=f"业主名册导入: {compound.name} {len(rows)} 个单元",
                data={"units": len(rows)},
            )
        )
    report.written = True
    return report


def _building_code(compound: TerritoryUnit, n: int) -> str:
    base = f"{compound.code}-B"
    while True:
        code = f"{base}{n}"[-32:]
        if not TerritoryUnit.select().where(TerritoryUnit.code == code).exists():
            return code
        n += 1
