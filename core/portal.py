"""The field portal (移动端门户): mobile-first pages for volunteers, inspectors, grid workers and
owners, outside Flask-Admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    """Something a user has to do, shown on the portal home page."""

    title: str
    url: str
    plugin: str = "core"
    due: dt.date | None = None
    note: str = ""


MODELS: list = []
