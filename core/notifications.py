"""Notifications (消息通知): an in-app inbox per user; other channels are plugins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Channel:
    """A delivery channel contributed through ``linli_notification_channels``."""

    code: str
    label_zh: str
    label_en: str
    send: Any  # callable(user, notification) -> None


@dataclass(frozen=True)
class OverdueItem:
    """Work past its deadline, reported through ``linli_overdue_items``."""

    title: str
    url: str
    due: dt.date
    unit_id: int
    responsible_id: int | None = None
    plugin: str = "core"


MODELS: list = []
