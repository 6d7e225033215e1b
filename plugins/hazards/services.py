"""State changes of hazard governance: each runs in one transaction, checks permission and
data scope, and emits events (through the workflow engine and the forms services).
Every refusal raises :class:`core.services.ServiceError` with a message in the user's
language; nothing is written then."""

from __future__ import annotations

import json
from pathlib import Path

from core import workdays
from core.db import db
from core.events import Event, emit
from core.i18n import gettext as _
from core.models import RoleAssignment, RolePermission, TerritoryUnit, User
from core.services import ServiceError
from core.workflow import start, transition

from . import rules
from .flows import PLUGIN
from .models import Hazard, Inspection

DEFINITIONS = Path(__file__).parent / "definitions"


def refuse(message: str, **values) -> ServiceError:
    return ServiceError(_(message, **values))


# -- checklists (检查表) on the low-code form engine ---------------------------------------


def shipped_checklists() -> list[dict]:
    """The checklists this plugin ships as data (platform defaults)."""
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(DEFINITIONS.glob("*.json"))
    ]


def checklist_keys() -> list[str]:
    return [data["key"] for data in shipped_checklists()]


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
        return forms_services.save_definition(data, None, plugin=PLUGIN)
    return forms_services.current_version(found)


def install_checklists() -> None:
    for key in checklist_keys():
        checklist_version(key, None)


def checklist_items(form_def) -> list:
    """The pass/fail items (yes_no_na fields) of a checklist."""
    return [f for _section, f in form_def.fields() if f.type == "yes_no_na"]


# -- inspections (检查记录) ------------------------------------------------------------------


def inspect(
    unit: TerritoryUnit, checklist: str, place: str, answers: dict, actor, access, task=None
):
    """Record an inspection of ``place`` in ``unit`` against ``checklist``: store the answers
    (a forms Submission), the inspection and one reported hazard per failed item, all or
    nothing. ``task`` (an inspection task's id, optional) is the task the inspection fulfils
    (see :mod:`.planning`). Returns the inspection."""
    from forms import services as forms_services
    from forms.services import version_form

    if access is None or not access.can(PLUGIN, "create"):
        raise refuse("You are not allowed to record inspections.")
    allowed = (
        TerritoryUnit.select()
        .where((TerritoryUnit.id == unit.id) & access.unit_condition(PLUGIN, "create"))
        .exists()
    )
    if not allowed:
        raise refuse("This record is outside your data scope.")
    place = (place or "").strip()
    if not place:
        raise refuse("Please name the place inspected.")
    if len(place) > 100:
        raise refuse("The place name is too long (at most 100 characters).")
    version = checklist_version(checklist, unit.district_id)
    if version is None:
        raise refuse("Unknown checklist: %(key)s.", key=checklist)
    form_def = version_form(version)
    items = checklist_items(form_def)
    from .planning import fulfil, task_for

    for_task = task_for(task, unit, checklist, actor, access)
    with db.atomic():
        submission = forms_services.submit(version, answers, unit, actor, access)
        cleaned = json.loads(submission.data)
        failed = rules.failed_items(items, cleaned)
        inspection = Inspection.create(
            unit=unit,
            place=place,
            checklist=form_def.key,
            checklist_title=form_def.title_zh,
            submission=submission,
            inspected_on=workdays.today(),
            failed_count=len(failed),
            created_by=actor,
            updated_by=actor,
        )
        emit(
            Event(
                "created",
                plugin=PLUGIN,
                record=inspection,
                actor=actor,
                district_id=unit.district_id,
                summary=f"检查: {place} · {form_def.title_zh}"[:255],
            )
        )
        if for_task is not None:
            fulfil(for_task, inspection)
        for item in failed:
            hazard = Hazard(
                unit=unit,
                inspection=inspection,
                item=item.key,
                title=item.label_zh[:255],
                basis=item.help_zh,
                place=place,
                proposed_grade=rules.proposed_grade(item.key),
            )
            start(hazard, actor, access, comment=_("Found in inspection"))
            emit(
                Event(
                    "created",
                    plugin=PLUGIN,
                    record=hazard,
                    actor=actor,
                    district_id=unit.district_id,
                    summary=f"隐患: {hazard}"[:255],
                )
            )
    return inspection


# -- hazards (隐患) --------------------------------------------------------------------------


def safety_office(district_id: int) -> list[User]:
    """The district safety office: active users holding, at the district itself, a role that
    approves hazards."""
    roles = RolePermission.select(RolePermission.role).where(
        RolePermission.plugin.in_([PLUGIN, "*"]) & RolePermission.action.in_(["approve", "*"])
    )
    holders = RoleAssignment.select(RoleAssignment.user).where(
        (RoleAssignment.unit == district_id) & RoleAssignment.role.in_(roles)
    )
    return list(User.select().where(User.id.in_(holders) & User.is_active).order_by(User.id))


def move(hazard: Hazard, code: str, actor, access, comment: str = "", data: dict | None = None):
    """Take workflow step ``code``. A hazard assessed as major is reported to the district
    safety office by :func:`report_major`, which listens to the step's event: whatever path
    took it (admin, portal, API)."""
    transition(hazard, code, actor, access, comment, data)
    return hazard


def report_major(hazard: Hazard) -> None:
    """Notify the district safety office of a major hazard (重大隐患立即报告). Runs inside
    the step's transaction: a notice is never sent for a step that did not happen."""
    from core.notifications import notify

    district_id = hazard.unit.district_id
    for user in safety_office(district_id):
        notify(
            user,
            "hazard_major",
            _("Major hazard: %(title)s", title=str(hazard)),
            _("A major hazard was assessed at %(place)s.", place=hazard.place),
            f"/admin/hazards/hazard/details/?id={hazard.id}",
            district_id=district_id,
            key=f"hazards:major:{hazard.id}",
        )


def overdue_condition(today=None):
    today = today or workdays.today()
    return Hazard.state.in_(rules.RECTIFYING_STATES) & (Hazard.deadline < today)


def is_overdue(hazard: Hazard, today=None) -> bool:
    return rules.is_overdue(hazard.state, hazard.deadline, today or workdays.today())
