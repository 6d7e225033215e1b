"""Who counts and what area counts (业主人数与专有部分面积), as pure functions.

- Headcount (专有部分数量, 《建筑物区分所有权司法解释》第九条): one exclusive unit counts as one
  owner; all of a developer's unsold units count as one together; an owner (or the same
  co-owners) holding several units counts as one.
- Area (专有部分面积, 司法解释第八条): the area in the property register (不动产登记簿), else the
  surveyed area (实测), else the sale-contract area (合同).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

AREA_SOURCES = ("register", "survey", "contract")  # 登记簿 > 实测 > 合同 (司法解释第八条)


def best_area(
    register: Decimal | None, survey: Decimal | None, contract: Decimal | None
) -> tuple[Decimal, str] | None:
    """The area that counts and its source, in the order of 司法解释第八条."""
    for value, source in ((register, "register"), (survey, "survey"), (contract, "contract")):
        if value is not None and value > 0:
            return Decimal(value), source
    return None


@dataclass(frozen=True)
class Holding:
    """One exclusive unit (专有部分) as the rules see it."""

    unit_id: int
    area: Decimal
    owners: frozenset[int]  # owner ids; co-owners hold one unit together
    developer_unsold: bool = False


def head_key(holding: Holding):
    """Who the unit counts as: all developer-unsold units are one head; otherwise the set of
    its owners (an owner, or the same co-owners, holding several units is one head)."""
    if holding.developer_unsold:
        return ("developer",)
    return ("owners", tuple(sorted(holding.owners)) or (f"unit-{holding.unit_id}",))


def headcount(holdings: Iterable[Holding]) -> int:
    return len({head_key(h) for h in holdings})


def total_area(holdings: Iterable[Holding]) -> Decimal:
    return sum((Decimal(h.area) for h in holdings), Decimal(0))


def area_text(value) -> str:
    """An area to two decimals, the same on every database."""
    return str(Decimal(value).quantize(Decimal("0.01")))
