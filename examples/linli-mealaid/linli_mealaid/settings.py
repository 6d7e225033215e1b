"""Per-district settings of meal assistance, with their defaults and sources."""

from __future__ import annotations

from core.settings import Setting

from .flows import FLOW

SETTINGS = [
    Setting(
        "credit_minutes",
        int,
        30,
        "每次送餐计入志愿服务时长（分钟）",
        "Volunteer minutes credited per delivery",
        "Local practice of community canteens: one delivery round trip is about half an hour; "
        "0 credits nothing.",
        minimum=0,
        maximum=240,
    ),
    *FLOW.settings(),
]
