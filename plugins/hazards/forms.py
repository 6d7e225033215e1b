"""The checklists (检查表) of hazard inspections, as low-code form definitions: the plugin
ships them as data in ``definitions/``; a district's administrator may make its own version
(表单管理), which then replaces the shipped one for that district.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.commands import Context

from .flows import PLUGIN

DEFINITIONS = Path(__file__).parent / "definitions"


def shipped_checklists() -> list[dict]:
    """The checklists this plugin ships as data (platform defaults)."""
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(DEFINITIONS.glob("*.json"))
    ]


def checklist_keys() -> list[str]:
    return [data["key"] for data in shipped_checklists()]


def all_passed(key: str) -> dict:
    """Answers passing every item of shipped checklist ``key`` outside repeat groups (the demo
    and tests start from it)."""
    data = next(d for d in shipped_checklists() if d["key"] == key)
    return {
        f["key"]: "yes"
        for section in data["sections"]
        if "repeat" not in section
        for f in section["fields"]
        if f["type"] == "yes_no_na"
    }


def checklist_version(key: str, district_id: int | None):
    """The current version of checklist ``key`` for a district: the district's own
    definition when an administrator made one (表单管理), else the shipped default (created
    on first use). None for an unknown key."""
    from forms import services as forms_services
    from forms.models import FormDefinition

    found = None
    if district_id is not None:
        found = FormDefinition.get_or_none(
            (FormDefinition.key == key) & (FormDefinition.district == district_id)
        )
    if found is None:
        found = FormDefinition.get_or_none(
            (FormDefinition.key == key) & FormDefinition.district.is_null()
        )
    if found is None:
        data = next((d for d in shipped_checklists() if d["key"] == key), None)
        if data is None:
            return None
        return forms_services.save_definition(Context.trusted(), data, None, plugin=PLUGIN)
    return forms_services.current_version(found)


def install_checklists() -> None:
    for key in checklist_keys():
        checklist_version(key, None)


def checklist_items(form_def) -> list:
    """The pass/fail items (yes_no_na fields) of a checklist."""
    return [f for _section, f in form_def.fields() if f.type == "yes_no_na"]
