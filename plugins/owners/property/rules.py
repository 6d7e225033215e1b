"""The rules of the property service (物业服务规则), as pure functions: the notice dates of a
service contract, an overdue complaint, the ratings."""

from __future__ import annotations

import datetime as dt


def notice_dates(ends_on: dt.date, renewal_days: int, dismissal_days: int) -> dict:
    """The dates a service contract's notices fall due (民法典第九百四十七条: a company that will
    not renew tells the owners ``renewal_days`` (90) days before expiry; 第九百四十六条: owners
    dismissing the company give ``dismissal_days`` (60) days' written notice)."""
    return {
        "renewal": ends_on - dt.timedelta(days=renewal_days),
        "dismissal": ends_on - dt.timedelta(days=dismissal_days),
    }


def complaint_overdue(status: str, due_on: dt.date, on: dt.date) -> bool:
    return status == "open" and on > due_on


RATINGS = (1, 2, 3, 4, 5)
