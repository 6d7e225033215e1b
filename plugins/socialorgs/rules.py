"""The rules of the field as plain functions (no Flask, no database): what the regulations
say, with the numbers passed in from per-district settings.

Sources (see ``/work/shared/domain/rules.md`` section 2): 《社会团体登记管理条例》 art. 10-12,
18-21, 28-29; 《民办非企业单位登记管理暂行条例》; 《社会组织信用信息管理办法》 (2018);
《社会组织评估管理办法》 (民政部令第39号); GB 32100-2015 for the credit code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from forms.validators import N_, uscc_problem

TERMINAL_ORG_STATES = ("deregistered", "revoked")
SMALL_FINE = Decimal("50000")  # 5 万元: below, the abnormal list; from it, the dishonest list
GRADE_ORDER = ("5A", "4A", "3A", "2A", "1A")


# -- identity ------------------------------------------------------------------------------


def normalise_code(value: str | None) -> str:
    return (value or "").strip().upper().replace(" ", "")


def credit_code_problem(value: str | None) -> str | None:
    """GB 32100: 18 characters, no I O S V Z, both check characters right (English msgid)."""
    return uscc_problem(normalise_code(value))


def filing_number(district_code: str, year: int, sequence: int) -> str:
    """The local filing number (备案编号) of a filed organisation: ``备990101-2026-0001``.
    A filed organisation has no credit code; the number is persistent and never reused."""
    return f"备{district_code}-{year}-{sequence:04d}"


def org_identifier(credit_code: str | None, filing_no: str | None) -> str:
    """org-id.guide style identifier: ``CN-USCI-<code>`` for registered organisations, a
    local secondary-list prefix for filed ones."""
    if credit_code:
        return f"CN-USCI-{credit_code}"
    return f"CN-LINLI-BA-{filing_no}" if filing_no else ""


# -- annual reports ------------------------------------------------------------------------


def report_deadlines(year: int, supervisor_md: str, registrar_md: str) -> tuple[dt.date, dt.date]:
    """The report on ``year`` is due to the supervising unit and to the registrar on these
    days of the following year (``"03-31"``, ``"05-31"`` by default)."""

    def day(md: str) -> dt.date:
        month, d = (int(x) for x in md.split("-"))
        return dt.date(year + 1, month, d)

    return day(supervisor_md), day(registrar_md)


def report_year_problem(year: int, today: dt.date) -> str | None:
    """A report is on a finished year: not this year nor a future one."""
    if year >= today.year:
        return N_("An annual report can only be filed for a year that has ended.")
    if year < 1990:
        return N_("The year of the annual report is not plausible.")
    return None


def years_due(started_on: dt.date | None, ended_on: dt.date | None, today: dt.date) -> list[int]:
    """Years for which a report is owed by now: every finished year the organisation
    existed in (from the year it was filed or registered)."""
    if started_on is None:
        return []
    last = today.year - 1
    if ended_on is not None:
        last = min(last, ended_on.year - 1)
    return list(range(started_on.year, last + 1))


# -- legal representative ------------------------------------------------------------------


def legal_rep_conflict(org_type: str, legal_form: str, others: list[str]) -> str | None:
    """Art. 10 rule: one person is legal representative of one 社会团体 only. ``others`` are
    the names of the other live registered 社会团体 this person already represents."""
    if org_type == "social_group" and legal_form == "registered" and others:
        return others[0]
    return None


def membership_problem(individual: int, units: int, min_individual: int, min_unit: int):
    """社会团体 membership threshold (national 50 / 30; local settings may lower it)."""
    if individual < 0 or units < 0:
        return N_("Member counts cannot be negative.")
    if individual + units >= min_individual or units >= min_unit:
        return None
    return N_(
        "A social group needs at least %(individual)s individual members or %(unit)s unit "
        "members to register."
    )


# -- credit lists --------------------------------------------------------------------------


# Reasons the system writes on a listing or a credit event (English msgids, translated where
# shown). Staff also write free text there (removal reasons, objections, answers): only a
# reason that is one of these is translated; any other text is shown as typed, escaped.
REASON_SMALL_PENALTY = N_("A warning or a fine under 50,000 yuan")
REASON_LARGE_FINE = N_("A fine of 50,000 yuan or more")
REASON_RECTIFICATION_OVERDUE = N_("Rectification not completed on time")
REASON_NO_PARTY_ORGANISATION = N_("No party organisation as required")
REASON_SUSPENSION = N_("Ordered to suspend activities")
REASON_FRAUDULENT_CHANGE = N_("Fraudulent change registration revoked")
REASON_DISHONEST_DEBTOR = N_("Listed as a dishonest judgment debtor")
REASON_UNREACHABLE = N_("Unreachable at the registered address")
REASON_REPEATED_PENALTIES = N_("Two or more warnings or small fines within 3 years")
REASON_REVOKED = N_("Certificate revoked or registration cancelled")
REASON_REPORT_MISSING = N_("Annual report not filed or not accepted on time")
REASON_ABNORMAL_TOO_LONG = N_("On the abnormal-activity list for two years")
REASON_PERIOD_SERVED = N_("Removal period served")
REASON_OBJECTION_UPHELD = N_("Objection upheld")
REASON_CAUSE_FIXED = N_("Cause fixed; removed on request")

SYSTEM_REASONS = (
    REASON_SMALL_PENALTY,
    REASON_LARGE_FINE,
    REASON_RECTIFICATION_OVERDUE,
    REASON_NO_PARTY_ORGANISATION,
    REASON_SUSPENSION,
    REASON_FRAUDULENT_CHANGE,
    REASON_DISHONEST_DEBTOR,
    REASON_UNREACHABLE,
    REASON_REPEATED_PENALTIES,
    REASON_REVOKED,
    REASON_REPORT_MISSING,
    REASON_ABNORMAL_TOO_LONG,
    REASON_PERIOD_SERVED,
    REASON_OBJECTION_UPHELD,
    REASON_CAUSE_FIXED,
)


def is_system_reason(reason: str | None) -> bool:
    """Whether ``reason`` is one the system writes (a msgid to translate), not free text."""
    return reason in SYSTEM_REASONS


@dataclass(frozen=True)
class Trigger:
    """A reason to list an organisation: on which list, why, and from which day."""

    list_kind: str  # abnormal | dishonest
    reason: str  # one of SYSTEM_REASONS
    on: dt.date


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of the month when it has no such day)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def removable_on(list_kind: str, clock_from: dt.date, abnormal_months: int, dishonest_years: int):
    """When a listing may end at the earliest: 6 months on the abnormal list, 2 years on the
    serious-dishonesty list, counted from the last trigger."""
    if list_kind == "abnormal":
        return add_months(clock_from, abnormal_months)
    return add_months(clock_from, 12 * dishonest_years)


def letters_unreachable(letters: list[dt.date], min_gap: int, max_gap: int) -> dt.date | None:
    """Unreachable at the registered address: two registered letters not signed for, sent
    ``min_gap``-``max_gap`` days apart (20-60). Returns the day of the second letter."""
    letters = sorted(letters)
    for i, first in enumerate(letters):
        for second in letters[i + 1 :]:
            if min_gap <= (second - first).days <= max_gap:
                return second
    return None


def sanction_triggers(
    sanctions: list[tuple[str, dt.date, Decimal]],
    today: dt.date,
    window_years: int = 3,
    min_gap: int = 20,
    max_gap: int = 60,
) -> list[Trigger]:
    """Credit-list triggers from inspection and penalty records ``(kind, day, amount)``."""
    found: list[Trigger] = []
    penalties = []
    letters = []
    for kind, day, amount in sanctions:
        if kind == "letter_unsigned":
            letters.append(day)
        elif kind == "warning" or (kind == "fine" and amount < SMALL_FINE):
            penalties.append(day)
            found.append(Trigger("abnormal", REASON_SMALL_PENALTY, day))
        elif kind == "fine":
            found.append(Trigger("dishonest", REASON_LARGE_FINE, day))
        elif kind == "rectification_overdue":
            found.append(Trigger("abnormal", REASON_RECTIFICATION_OVERDUE, day))
        elif kind == "no_party_organisation":
            found.append(Trigger("abnormal", REASON_NO_PARTY_ORGANISATION, day))
        elif kind == "suspension":
            found.append(Trigger("dishonest", REASON_SUSPENSION, day))
        elif kind == "fraudulent_change":
            found.append(Trigger("dishonest", REASON_FRAUDULENT_CHANGE, day))
        elif kind == "dishonest_debtor":
            found.append(Trigger("dishonest", REASON_DISHONEST_DEBTOR, day))
    second = letters_unreachable(letters, min_gap, max_gap)
    if second is not None:
        found.append(Trigger("abnormal", REASON_UNREACHABLE, second))
    penalties.sort()
    for i in range(1, len(penalties)):
        if add_months(penalties[i - 1], 12 * window_years) >= penalties[i]:
            found.append(
                Trigger(
                    "dishonest",
                    REASON_REPEATED_PENALTIES,
                    penalties[i],
                )
            )
    return [t for t in found if t.on <= today]


def abnormal_too_long(listed_on: dt.date, today: dt.date, years: int = 2) -> bool:
    """On the abnormal list for ``years`` (2) or more: moved to the dishonest list."""
    return today >= add_months(listed_on, 12 * years)


# -- evaluation ----------------------------------------------------------------------------


def grade_for(score: int, bands: dict[str, int]) -> str:
    """The grade of a 1000-point score, from the local lower bounds of each grade; '' when
    the score is below the lowest band (no grade)."""
    for grade in GRADE_ORDER:
        if score >= bands[grade]:
            return grade
    return ""


def evaluation_problem(
    registered_on: dt.date | None,
    today: dt.date,
    listed: bool,
    last_report_ok: bool,
    graded_on: dt.date | None,
    min_years: int = 2,
) -> str | None:
    """Eligibility (民政部令第39号): registered two full years, last annual report accepted, not
    on a credit list, two years since the last grade (re-evaluation for promotion)."""
    if registered_on is None or add_months(registered_on, 12 * min_years) > today:
        return N_("Only organisations registered for at least two full years can be evaluated.")
    if listed:
        return N_("An organisation on a credit list cannot be evaluated.")
    if not last_report_ok:
        return N_("The annual report of last year has not been accepted.")
    if graded_on is not None and add_months(graded_on, 12 * min_years) > today:
        return N_("A new evaluation is possible two years after the last grade.")
    return None


def review_carried(members: int | None, votes: int | None) -> bool:
    """A review (复核) decision needs more than half of all committee members."""
    return bool(members) and votes is not None and 0 <= votes <= members and votes * 2 > members


def is_priority(grade: str, valid_until: dt.date | None, today: dt.date) -> bool:
    """3A and above, still valid: priority for purchased services (政府购买服务)."""
    return grade in ("5A", "4A", "3A") and valid_until is not None and valid_until >= today


def three_party_score(
    purchaser: int | None, users: int | None, third: int | None, weights: tuple[int, int, int]
) -> float | None:
    """The weighted evaluation of a purchased service (purchaser, users, third party)."""
    if None in (purchaser, users, third):
        return None
    total = sum(weights)
    return round((purchaser * weights[0] + users * weights[1] + third * weights[2]) / total, 1)


def inactivity_cutoff(today: dt.date, months: int) -> dt.date:
    """Organisations whose last activity (or filing or registration, when they had none) is
    on or before this day have been inactive for ``months`` (12, 社团条例 art. 29)."""
    return add_months(today, -months)


def inactive(last_activity: dt.date | None, since: dt.date | None, today: dt.date, months: int):
    """No activity for ``months`` since the last one, or since the organisation was filed or
    registered."""
    start = last_activity or since
    return start is not None and start <= inactivity_cutoff(today, months)
