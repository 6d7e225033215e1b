"""Per-district settings (区级参数): every number that differs between cities.

A plugin declares its settings through the ``linli_settings`` hook; a district administrator
overrides the documented default in the admin. Reading a setting never fails: a district
without its own value gets the default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.i18n import Label
from core.i18n import gettext as _
from core.models import DistrictSetting
from core.records import audit_values


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type
    default: Any
    label_zh: str
    label_en: str
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()  # allowed values, when the setting is one of a few words
    check: Any = None  # check(value) raises ValueError (message in the user's language)

    @property
    def label(self) -> str:
        return str(Label(self.label_zh, self.label_en))

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to the setting's type, or raise ValueError (in Chinese)."""
        try:
            if self.kind is bool:
                if isinstance(value, str):
                    value = value.strip().lower() in ("1", "true", "yes", "是", "on")
                converted = bool(value)
            else:
                converted = self.kind(value)
        except (TypeError, ValueError):
            raise ValueError(
                _("%(label)s: %(value)s is not a valid value.", label=self.label, value=value)
            ) from None
        if self.minimum is not None and converted < self.minimum:
            raise ValueError(
                _("%(label)s: must not be less than %(min)s.", label=self.label, min=self.minimum)
            )
        if self.maximum is not None and converted > self.maximum:
            raise ValueError(
                _("%(label)s: must not be more than %(max)s.", label=self.label, max=self.maximum)
            )
        if self.choices and converted not in self.choices:
            raise ValueError(
                _(
                    "%(label)s: must be one of %(choices)s.",
                    label=self.label,
                    choices=", ".join(str(c) for c in self.choices),
                )
            )
        if self.check is not None:
            try:
                self.check(converted)
            except ValueError as exc:
                raise ValueError(f"{self.label}: {exc}") from None
        return converted


class Registry:
    """All declared settings, keyed by (plugin id, key)."""

    def __init__(self):
        self.settings: dict[tuple[str, str], Setting] = {}

    def add(self, plugin: str, setting: Setting) -> None:
        if (plugin, setting.key) in self.settings:
            raise ValueError(f"plugin {plugin!r} declares setting {setting.key!r} twice")
        self.settings[(plugin, setting.key)] = setting

    def declared(self, plugin: str, key: str) -> Setting:
        try:
            return self.settings[(plugin, key)]
        except KeyError:
            raise KeyError(f"plugin {plugin!r} declares no setting {key!r}") from None

    def get(self, district_id: int, plugin: str, key: str) -> Any:
        setting = self.declared(plugin, key)
        row = DistrictSetting.get_or_none(district=district_id, plugin=plugin, key=key)
        return setting.default if row is None else json.loads(row.value)

    def set(self, district_id: int, plugin: str, key: str, value: Any, actor=None) -> Any:
        setting = self.declared(plugin, key)
        value = setting.validate(value)
        (
            DistrictSetting.insert(
                district=district_id,
                plugin=plugin,
                key=key,
                value=json.dumps(value),
                **audit_values(DistrictSetting, False, getattr(actor, "id", actor)),
            )
            .on_conflict(
                conflict_target=[
                    DistrictSetting.district,
                    DistrictSetting.plugin,
                    DistrictSetting.key,
                ],
                preserve=[
                    DistrictSetting.value,
                    DistrictSetting.updated_at,
                    DistrictSetting.updated_by,
                ],
            )
            .execute()
        )
        return value
