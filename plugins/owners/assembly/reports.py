"""What the owners' assembly reads and reports (业主大会的统计与公示), writing nothing:

- the electorate of a matter (a use of the maintenance fund is voted by the units that bear
  its cost, 列支范围) and the current ballot of each unit (the latest row of the log);
- the verification of the hash-chained ballot log (``linli owners verify``);
- the proxies of a meeting and the state of the paper ballot sheets (书面表决票);
- the support of a provisional-meeting request and the compound's totals (试算);
- the results text, the anonymised ballot list published with the results (匿名表决票明细),
  from which anyone can recompute the tally;
- the publication and filing deadlines, reported to ``linli notify`` (督办).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
from decimal import Decimal
from fractions import Fraction

from flask import url_for

from core.i18n import gettext as _
from core.models import TerritoryUnit, User
from core.registry import kernel_state
from core.workdays import today

from ..fund.models import FundProposal, FundShare
from ..register import rules as register_rules
from ..register.models import Owner
from ..register.services import compound_of, holdings
from ..shared.services import PLUGIN, district_units, setting
from . import rules
from .models import BallotLog, Matter, Meeting, PaperEntry, ProvisionalRequest, Proxy

# -- the electorate (列支范围 of the maintenance fund) -------------------------------------------


def affected_unit_ids(matter: Matter) -> set[int] | None:
    """The units that vote on ``matter`` when it uses the maintenance fund (the proposal's
    列支范围), or None when every unit of the compound votes."""
    proposal = FundProposal.get_or_none(
        (FundProposal.matter == matter.id) & (FundProposal.kind == "use")
    )
    if proposal is None:
        return None
    return {s.premises_id for s in FundShare.select().where(FundShare.proposal == proposal.id)}


def electorate(matter: Matter, units: list[register_rules.Holding]) -> list[register_rules.Holding]:
    """The units that vote on ``matter``: for using the maintenance fund, the units
    that bear the cost (列支范围, 《住宅专项维修资金管理办法》第二十二、二十三条); otherwise every
    unit of the compound."""
    ids = affected_unit_ids(matter)
    return units if ids is None else [h for h in units if h.unit_id in ids]


def in_electorate(matter: Matter, premises_id: int) -> bool:
    ids = affected_unit_ids(matter)
    return ids is None or premises_id in ids


# -- the ballot log ------------------------------------------------------------------------------


def latest_ballots(matter: Matter) -> dict[int, str]:
    """The current choice per unit: the latest row of the log for each unit."""
    query = (
        BallotLog.select(BallotLog.premises, BallotLog.choice)
        .where(BallotLog.matter == matter.id)
        .order_by(BallotLog.id)
        .tuples()
    )
    return dict(query)  # later rows replace earlier ones


def verify() -> list[str]:
    """Recompute the hash chain of the ballot log; a list of problems (empty: intact)."""
    problems = []
    prev = None
    for row in BallotLog.select().order_by(BallotLog.id):
        if row.prev_hash != prev:
            problems.append(f"ballot {row.id}: chain broken (previous hash does not match)")
        expected = rules.row_hash(
            row.prev_hash,
            row.matter_id,
            row.premises_id,
            row.owner_id,
            row.choice,
            row.receipt,
            row.at,
            row.channel,
            row.proxy_id,
        )
        if row.hash != expected:
            problems.append(f"ballot {row.id}: hash does not match its contents")
        prev = row.hash
    return problems


# -- proxies (委托投票) ----------------------------------------------------------------------------


def active_proxy(meeting: Meeting, owner: Owner) -> Proxy | None:
    return (
        Proxy.select()
        .where(
            (Proxy.meeting == meeting.id) & (Proxy.owner == owner.id) & (Proxy.status == "active")
        )
        .first()
    )


def proxy_has_voted(proxy: Proxy) -> bool:
    return BallotLog.select().where(BallotLog.proxy_id == proxy.id).exists()


def proxies_for_user(user: User) -> list[Proxy]:
    return list(
        Proxy.select()
        .where((Proxy.proxy_user == user.id) & (Proxy.status == "active"))
        .order_by(Proxy.id)
    )


# -- paper ballot sheets (书面表决票双人录入) -----------------------------------------------------


def paper_values(entry: PaperEntry) -> dict:
    """One keying of a sheet as the rules compare it (:func:`.rules.paper_key`)."""
    return {
        "premises": entry.premises_id,
        "owner": entry.owner_id,
        "proxy": entry.proxy_id,
        "signed_on": entry.signed_on.isoformat()
        if isinstance(entry.signed_on, dt.date)
        else str(entry.signed_on),
        "choices": {str(k): v for k, v in json.loads(entry.choices).items()},
    }


def sheet_entries(meeting: Meeting, sheet: str) -> list[PaperEntry]:
    return list(
        PaperEntry.select()
        .where((PaperEntry.meeting == meeting.id) & (PaperEntry.sheet == sheet))
        .order_by(PaperEntry.round)
    )


def sheet_state(entries: list[PaperEntry]) -> str:
    """'first' (waiting for the second entry), 'counted', 'mismatch' (waiting for a third
    person) or 'resolved'."""
    if len(entries) == 1:
        return "first"
    if len(entries) == 2:
        first, second = (rules.paper_key(paper_values(e)) for e in entries)
        same = first == second
        return "counted" if same else "mismatch"
    return "resolved"


def sheets(meeting: Meeting) -> list[dict]:
    """Every sheet of the meeting with its entries, state and differences."""
    grouped: dict[str, list[PaperEntry]] = {}
    for e in (
        PaperEntry.select()
        .where(PaperEntry.meeting == meeting.id)
        .order_by(PaperEntry.sheet, PaperEntry.round)
    ):
        grouped.setdefault(e.sheet, []).append(e)
    out = []
    for sheet, entries in grouped.items():
        state = sheet_state(entries)
        diff = []
        if len(entries) >= 2:
            diff = rules.paper_differences(paper_values(entries[0]), paper_values(entries[1]))
        out.append({"sheet": sheet, "entries": entries, "state": state, "differences": diff})
    return out


# -- provisional meetings and the calculator's totals ----------------------------------------


def request_support(request: ProvisionalRequest) -> dict:
    """The requesting owners' area and heads against the compound's totals, and whether the
    request reaches the threshold (setting ``provisional_percent`` on ``provisional_basis``)."""
    compound = TerritoryUnit.get_by_id(request.unit_id)
    units = holdings(compound)
    owners = {r.owner_id for r in request.requesters}
    theirs = [h for h in units if h.owners & owners]
    area = register_rules.total_area(theirs)
    heads = len({register_rules.head_key(h) for h in theirs})
    total_area = register_rules.total_area(units)
    total_heads = register_rules.headcount(units)
    percent = int(setting(request, "provisional_percent"))
    basis = str(setting(request, "provisional_basis"))
    ok, by_area, by_heads = rules.provisional_accepted(
        basis, percent, total_area, total_heads, area, heads
    )
    return {
        "accepted": ok,
        "by_area": by_area,
        "by_heads": by_heads,
        "area": area,
        "heads": heads,
        "total_area": total_area,
        "total_heads": total_heads,
        "percent": percent,
        "basis": basis,
    }


def compound_totals(compound: TerritoryUnit) -> tuple[Decimal, int]:
    units = holdings(compound)
    return register_rules.total_area(units), register_rules.headcount(units)


# -- the results and the anonymised ballot list (匿名表决票明细) -------------------------------


RESULT_WORDS = {"passed": "通过", "rejected": "未通过", "not_quorate": "参与表决未达法定比例"}


def results_text(meeting: Meeting) -> str:
    lines = []
    for matter in Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id):
        counts = json.loads(matter.tally or "{}")
        if not counts:
            continue
        lines.append(
            f"{matter.title}：{RESULT_WORDS.get(matter.result, matter.result)}。"
            f"参与表决面积 {counts['participating']['area']} / {counts['total_area']} 平方米，"
            f"人数 {counts['participating']['heads']} / {counts['total_heads']} 人；"
            f"同意面积 {counts['agree']['area']} 平方米，人数 {counts['agree']['heads']} 人。"
        )
    return "\n".join(lines)


CSV_COLUMNS = (
    "matter",
    "matter_title",
    "kind",
    "total_area",
    "total_heads",
    "receipt",
    "area",
    "head",
    "choice",
)


def head_label(meeting: Meeting, key) -> str:
    """An opaque label of a head for one meeting: a keyed hash, stable for the meeting, that
    cannot be linked to the owner or across meetings without the server's secret."""
    from flask import current_app

    secret = str(current_app.secret_key or "linli").encode()
    digest = hmac.new(secret, f"owners|{meeting.id}|{key}".encode(), hashlib.sha256)
    return "H" + digest.hexdigest()[:10].upper()


def anonymised_rows(meeting: Meeting) -> list[dict]:
    """One row per counted ballot: the receipt code, the unit's area, an opaque head label
    (units of the same head share it, so heads can be recounted) and the choice; no names,
    no unit numbers. Rows are sorted by receipt code, so their order reveals nothing."""
    compound = compound_of(meeting)
    everyone = holdings(compound)
    labels = {h: head_label(meeting, h) for h in {register_rules.head_key(u) for u in everyone}}
    out = []
    for matter in Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id):
        # the totals of the units that vote on the matter (a use of the maintenance fund
        # is voted among the units that bear its cost), as in the tally
        units = electorate(matter, everyone)
        total_area = register_rules.total_area(units)
        total_heads = register_rules.headcount(units)
        by_id = {h.unit_id: h for h in units}
        latest: dict[int, BallotLog] = {}
        for row in BallotLog.select().where(BallotLog.matter == matter.id).order_by(BallotLog.id):
            latest[row.premises_id] = row
        rows = []
        for premises_id, row in latest.items():
            holding = by_id.get(premises_id)
            if holding is None:
                continue
            rows.append(
                {
                    "matter": matter.id,
                    "matter_title": matter.title,
                    "kind": matter.kind,
                    "total_area": register_rules.area_text(total_area),
                    "total_heads": total_heads,
                    "receipt": row.receipt,
                    "area": register_rules.area_text(holding.area),
                    "head": labels[register_rules.head_key(holding)],
                    "choice": row.choice,
                }
            )
        out += sorted(rows, key=lambda r: r["receipt"])
    return out


def anonymised_csv(meeting: Meeting) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in anonymised_rows(meeting):
        writer.writerow(row)
    return buffer.getvalue()


# -- deadlines (督办) ------------------------------------------------------------------------------


def publication_state(meeting: Meeting, on: dt.date | None = None) -> str:
    """'' (nothing due), 'due', 'overdue' (tallied, deadline passed), 'late' (published after
    the deadline) or 'on_time'."""
    on = on or today()
    if meeting.publish_due is None:
        return ""
    if meeting.status == "tallied":
        return "overdue" if on > meeting.publish_due else "due"
    if meeting.published_on is not None:
        return "late" if meeting.published_on > meeting.publish_due else "on_time"
    return ""


def unfiled_decisions(district) -> list[tuple[Meeting, dt.date]]:
    """Published meetings whose decisions were not filed within ``decision_filing_days``,
    each with its due date."""
    units = district_units(district)
    days = int(kernel_state().settings.get(district.id, PLUGIN, "decision_filing_days"))
    late = Meeting.select().where(
        (Meeting.status == "published")
        & (Meeting.published_on < today() - dt.timedelta(days=days))
        & Meeting.unit.in_(units)
    )
    return [(m, m.published_on + dt.timedelta(days=days)) for m in late]


def overdue_publications(district) -> list[Meeting]:
    units = district_units(district)
    return list(
        Meeting.select().where(
            (Meeting.status == "tallied")
            & (Meeting.publish_due < today())
            & Meeting.unit.in_(units)
        )
    )


def overdue_items(district) -> list:
    from core.notifications import OverdueItem

    if district is None:
        return []
    items = [
        OverdueItem(
            _("Results not published: %(title)s", title=m.title),
            url_for("owners_meeting.details_view", id=m.id),
            m.publish_due,
            m.unit_id,
            None,
            PLUGIN,
        )
        for m in overdue_publications(district)
    ]
    for m, due in unfiled_decisions(district):
        items.append(
            OverdueItem(
                _("Decisions not filed: %(title)s", title=m.title),
                url_for("owners_meeting.details_view", id=m.id),
                due,
                m.unit_id,
                None,
                PLUGIN,
            )
        )
    return items


# -- the tally as a table (表决结果: 参与表决与同意, 面积与人数) --------------------------------


def _fraction(value) -> Fraction:
    return Fraction(str(value or 0))


def _percent(part: Fraction, whole: Fraction) -> str:
    if whole <= 0:
        return "—"
    return f"{float(part * 100 / whole):.2f}%"


def tally_rows(raw: str) -> list[dict]:
    """The stored tally of a matter (:meth:`.rules.Tally.as_dict`) as the four rows of
    《民法典》第二百七十八条: participation by area and by heads (of all), agreement by area and
    by heads (of those participating). Each row: what, the count, the base, the share, the
    required fraction and whether it is met, decided by :func:`.rules.decide` (the rules of
    the tally, not computed again here)."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return []
    if not data:
        return []
    kind = data.get("kind", "ordinary")
    total_area = _fraction(data.get("total_area"))
    total_heads = int(data.get("total_heads") or 0)
    part, agree = data.get("participating", {}), data.get("agree", {})
    part_area, part_heads = _fraction(part.get("area")), int(part.get("heads") or 0)
    agree_area, agree_heads = _fraction(agree.get("area")), int(agree.get("heads") or 0)
    qa, qh, pa, ph = rules.decide(
        kind, total_area, total_heads, part_area, part_heads, agree_area, agree_heads
    )
    needed = _("at least three quarters") if kind == "special" else _("more than half")
    two_thirds = _("at least two thirds")
    m2 = _("m²")
    heads = _("owners")

    def area(v):
        return f"{register_rules.area_text(Decimal(v.numerator) / v.denominator)} {m2}"

    return [
        {
            "group": _("Participation (of all owners)"),
            "measure": _("Exclusive area"),
            "count": area(part_area),
            "base": area(total_area),
            "share": _percent(part_area, total_area),
            "required": two_thirds,
            "met": qa,
        },
        {
            "group": _("Participation (of all owners)"),
            "measure": _("Number of owners"),
            "count": f"{part_heads} {heads}",
            "base": f"{total_heads} {heads}",
            "share": _percent(Fraction(part_heads), Fraction(total_heads)),
            "required": two_thirds,
            "met": qh,
        },
        {
            "group": _("Agreement (of those participating)"),
            "measure": _("Exclusive area"),
            "count": area(agree_area),
            "base": area(part_area),
            "share": _percent(agree_area, part_area),
            "required": needed,
            "met": pa,
        },
        {
            "group": _("Agreement (of those participating)"),
            "measure": _("Number of owners"),
            "count": f"{agree_heads} {heads}",
            "base": f"{part_heads} {heads}",
            "share": _percent(Fraction(agree_heads), Fraction(part_heads)),
            "required": needed,
            "met": ph,
        },
    ]


def tally_others(raw: str) -> dict:
    """The other counts of a stored tally: disagree, abstain (area and heads), split heads."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {
        "disagree": data.get("disagree", {}),
        "abstain": data.get("abstain", {}),
        "split_heads": data.get("split_heads", 0),
        "result": data.get("result", ""),
    }
