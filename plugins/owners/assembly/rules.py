"""The rules of owners' assembly voting (业主大会表决规则), as pure functions.

- Who counts and what area counts (the heads and the exclusive areas of the register):
  :mod:`plugins.owners.register.rules`.
- 《民法典》第二百七十八条: a vote needs owners holding at least two thirds of the exclusive
  area AND at least two thirds of the heads to take part. Raising the maintenance fund,
  rebuilding and changing the use of common parts (items 6-8) need at least three quarters
  of the participating area AND heads; every other matter (including *using* the fund) needs
  more than half of both. "以上" includes the boundary (第一千二百五十九条); "过半数" is
  strictly more than half.

Everything is computed with exact fractions (:class:`fractions.Fraction`), never floats.

Also: the notice period and the voting window of a meeting, the threshold of a provisional
meeting (临时会议), the comparison of two keyings of a paper ballot sheet (书面表决票), and the
hash that chains each row of the ballot log to the one before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ..register.rules import Holding, head_key, headcount, total_area

CHOICES = ("agree", "disagree", "abstain")

# 《民法典》第二百七十八条第一款, items (1)-(9); items 6-8 are special matters (三分之二/四分之三)
ITEMS = tuple(str(n) for n in range(1, 10))
SPECIAL_ITEMS = ("6", "7", "8")

PARTICIPATION = Fraction(2, 3)  # 参与表决: 专有部分面积占比三分之二以上且人数占比三分之二以上
ORDINARY = Fraction(1, 2)  # 过半数: strictly more than
SPECIAL = Fraction(3, 4)  # 四分之三以上: at least

MEETING_STATES = (
    "draft",
    "noticed",
    "voting_open",
    "voting_closed",
    "tallied",
    "published",
    "filed",
)
NEXT_STATE = {
    "draft": "noticed",
    "noticed": "voting_open",
    "voting_open": "voting_closed",
    "voting_closed": "tallied",
    "tallied": "published",
    "published": "filed",
}
RESULTS_VISIBLE = ("voting_closed", "tallied", "published", "filed")
PUBLISHED = ("published", "filed")  # results public


def kind_of(item: str) -> str:
    """'special' for 民法典 278 items 6-8 (raise the fund, rebuild, change use), else 'ordinary'."""
    return "special" if str(item) in SPECIAL_ITEMS else "ordinary"


@dataclass
class Counter:
    """Separate counters for area and heads (两个独立计数: 面积与人数)."""

    area: Fraction = Fraction(0)
    heads: int = 0


@dataclass
class Tally:
    kind: str
    total_area: Fraction
    total_heads: int
    participating: Counter
    agree: Counter
    disagree: Counter
    abstain: Counter
    split_heads: int = 0  # heads whose units voted differently: they take part, never agree
    quorate_area: bool = False
    quorate_heads: bool = False
    passed_area: bool = False
    passed_heads: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def quorate(self) -> bool:
        return self.quorate_area and self.quorate_heads

    @property
    def passed(self) -> bool:
        return self.quorate and self.passed_area and self.passed_heads

    @property
    def result(self) -> str:
        if not self.quorate:
            return "not_quorate"
        return "passed" if self.passed else "rejected"

    def as_dict(self) -> dict:
        def c(counter):
            return {
                "area": str(Decimal(counter.area.numerator) / counter.area.denominator),
                "heads": counter.heads,
            }

        return {
            "kind": self.kind,
            "result": self.result,
            "total_area": str(Decimal(self.total_area.numerator) / self.total_area.denominator),
            "total_heads": self.total_heads,
            "participating": c(self.participating),
            "agree": c(self.agree),
            "disagree": c(self.disagree),
            "abstain": c(self.abstain),
            "split_heads": self.split_heads,
        }


def quorate(part: Fraction, total: Fraction) -> bool:
    """参与表决: at least two thirds (以上 includes the boundary)."""
    return total > 0 and part * 3 >= total * 2


def approved(kind: str, agree: Fraction, participating: Fraction) -> bool:
    """Ordinary: strictly more than half; special: at least three quarters, of participating."""
    if participating <= 0:
        return False
    if kind == "special":
        return agree * 4 >= participating * 3
    return agree * 2 > participating


def decide(
    kind: str,
    total_area: Fraction,
    total_heads: int,
    participating_area: Fraction,
    participating_heads: int,
    agree_area: Fraction,
    agree_heads: int,
) -> tuple[bool, bool, bool, bool]:
    """(quorate by area, quorate by heads, approved by area, approved by heads)."""
    return (
        quorate(Fraction(participating_area), Fraction(total_area)),
        quorate(Fraction(participating_heads), Fraction(total_heads)),
        approved(kind, Fraction(agree_area), Fraction(participating_area)),
        approved(kind, Fraction(agree_heads), Fraction(participating_heads)),
    )


def dry_run(
    kind: str,
    total_area,
    total_heads: int,
    participating_area,
    participating_heads: int,
    agree_area,
    agree_heads: int,
) -> dict:
    """The dry-run calculator (试算): given the totals and the counts, would the matter pass?

    Areas may be Decimal, int, str or Fraction; they are turned into exact fractions.
    """
    if kind not in ("ordinary", "special"):
        raise ValueError(kind)
    values = [
        Fraction(str(v)) if not isinstance(v, Fraction) else v
        for v in (total_area, participating_area, agree_area)
    ]
    total, part, agree = values
    if not (0 <= agree <= part <= total) or not (
        0 <= agree_heads <= participating_heads <= total_heads
    ):
        raise ValueError("counts out of range")
    qa, qh, pa, ph = decide(kind, total, total_heads, part, participating_heads, agree, agree_heads)
    quorum = qa and qh
    passed = quorum and pa and ph
    return {
        "quorate_area": qa,
        "quorate_heads": qh,
        "approved_area": pa,
        "approved_heads": ph,
        "result": "passed" if passed else ("rejected" if quorum else "not_quorate"),
        # what is still missing for the quorum (exact, rounded up to whole heads)
        "missing_area": max(Fraction(0), total * PARTICIPATION - part),
        "missing_heads": max(0, -((-2 * total_heads) // 3) - participating_heads),
    }


def tally(kind: str, holdings: Iterable[Holding], ballots: dict[int, str]) -> Tally:
    """Count one matter: ``holdings`` are all units of the compound (the denominators),
    ``ballots`` the latest choice per unit id (units without a ballot did not take part).

    Area counts per unit. Heads count per head (:func:`head_key`): a head whose units all
    chose the same counts for that choice; a head whose units chose differently takes part
    but counts for neither agree nor disagree (``split_heads``).
    """
    holdings = list(holdings)
    t_area = Fraction(str(total_area(holdings)))
    t_heads = headcount(holdings)
    result = Tally(kind, t_area, t_heads, Counter(), Counter(), Counter(), Counter())
    per_head: dict = {}
    # areas are Decimals with two places: their sums are exact in Decimal arithmetic (28
    # significant digits), and much faster than adding fractions unit by unit
    sums = {name: Decimal(0) for name in ("participating", *CHOICES)}
    for h in holdings:
        choice = ballots.get(h.unit_id)
        if choice is None:
            continue
        if choice not in CHOICES:
            raise ValueError(choice)
        area = Decimal(h.area)
        sums["participating"] += area
        sums[choice] += area
        per_head.setdefault(head_key(h), set()).add(choice)
    for name, total in sums.items():
        getattr(result, name).area = Fraction(total)
    result.participating.heads = len(per_head)
    for choices in per_head.values():
        if len(choices) == 1:
            getattr(result, next(iter(choices))).heads += 1
        else:
            result.split_heads += 1
    (
        result.quorate_area,
        result.quorate_heads,
        result.passed_area,
        result.passed_heads,
    ) = decide(
        kind,
        t_area,
        t_heads,
        result.participating.area,
        result.participating.heads,
        result.agree.area,
        result.agree.heads,
    )
    return result


def notice_problem(noticed_on: dt.date, opens_on: dt.date, notice_days: int) -> bool:
    """True when voting opens fewer than ``notice_days`` days after the notice (《物业管理条例》
    第十四条: notice at least 15 days before; the period starts the next day,
    民法典第二百零一条)."""
    return (opens_on - noticed_on).days < notice_days


def in_window(on: dt.date, opens_on: dt.date, closes_on: dt.date) -> bool:
    return opens_on <= on <= closes_on


def reaches(part: Fraction, total: Fraction, percent: int) -> bool:
    """``part`` is at least ``percent`` % of ``total`` ("以上" includes the boundary)."""
    return total > 0 and Fraction(part) * 100 >= Fraction(total) * percent


def provisional_accepted(
    basis: str,
    percent: int,
    total_area,
    total_heads: int,
    requesting_area,
    requesting_heads: int,
) -> tuple[bool, bool, bool]:
    """(accepted, by area, by heads) for a provisional-meeting request (《物业管理条例》第十三条:
    20% of the owners; 指导规则第二十一条: 20% of the area AND of the heads)."""
    by_area = reaches(Fraction(str(requesting_area)), Fraction(str(total_area)), percent)
    by_heads = reaches(Fraction(requesting_heads), Fraction(total_heads), percent)
    if basis == "area_and_heads":
        ok = by_area and by_heads
    elif basis == "area_or_heads":
        ok = by_area or by_heads
    else:
        ok = by_heads
    return ok, by_area, by_heads


def paper_key(entry: dict) -> tuple:
    """What two keyings of a paper ballot sheet must agree on."""
    return (
        entry["premises"],
        entry["owner"],
        entry.get("proxy"),
        entry["signed_on"],
        tuple(sorted((str(k), v) for k, v in entry["choices"].items())),
    )


def paper_differences(first: dict, second: dict) -> list[str]:
    """The fields in which two keyings of the same sheet differ (empty: they match)."""
    names = []
    for name in ("premises", "owner", "proxy", "signed_on"):
        if first.get(name) != second.get(name):
            names.append(name)
    a, b = first["choices"], second["choices"]
    for matter in sorted(set(a) | set(b), key=str):
        if a.get(matter) != b.get(matter):
            names.append(f"matter {matter}")
    return names


# -- the hash chain of the ballot log (表决票记录) --------------------------------------------


def row_hash(
    prev_hash: str | None,
    matter_id,
    premises_id,
    owner_id,
    choice,
    receipt,
    at,
    channel=None,
    proxy_id=None,
) -> str:
    """The SHA-256 of a ballot row, chained to the hash of the row before it: changing,
    removing or inserting a row breaks every hash after it (``linli owners verify``)."""
    values = [
        prev_hash or "",
        matter_id,
        premises_id,
        owner_id,
        choice,
        receipt,
        at.replace(microsecond=0).isoformat(),
    ]
    if channel:  # a proxy's or a paper ballot also seals how it came in
        values += [channel, proxy_id or ""]
    text = "|".join(str(v) for v in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
