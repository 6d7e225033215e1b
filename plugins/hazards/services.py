"""State changes of hazard governance: each runs in one transaction, checks permission and
data scope, and emits events (through the workflow engine and the forms services).
Every refusal raises :class:`core.services.ServiceError` with a message in the user's
language; nothing is written then."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from core import commands, workdays
from core.access import resource_of
from core.commands import Context, refuse
from core.db import db
from core.events import Event, emit
from core.i18n import gettext as _
from core.models import RoleAssignment, RolePermission, TerritoryUnit, User, utcnow
from core.records import audit_values
from core.services import ServiceError
from core.workflow import start

from . import rules
from .flows import PLUGIN, setting
from .forms import checklist_version
from .models import PATROL_SOURCES, SOURCES, Hazard, Inspection, Photo, Premises, Recheck

# the resources the commands write: an inspection (and a re-inspection) needs
# ``hazards.inspection:create``, a report without an inspection ``hazards.hazard:create``;
# a plugin-wide grant (``hazards:create``) covers both
INSPECTION = resource_of(PLUGIN, Inspection)
HAZARD = resource_of(PLUGIN, Hazard)

log = logging.getLogger(__name__)


# -- inspections (检查记录) ------------------------------------------------------------------


def inspect(
    ctx: Context,
    unit: TerritoryUnit | None,
    checklist: str,
    place: str,
    answers: dict,
    *,
    premises: Premises | None = None,
    photos: dict | None = None,
    position: tuple | None = None,
    note: str = "",
    task=None,
):
    """Record an inspection of ``place`` in ``unit`` (or of a registered ``premises``)
    against ``checklist``: the answers (a forms Submission pinned to the checklist's
    version), the score, the position, the photos (``{answer path: [Upload]}``, "" for the
    whole inspection) and one reported hazard per answer that asks for an action (a failed
    item; one per failed repeat-group row, naming it), all or nothing. Answers flagged
    "notify" tell the unit's staff afterwards. ``task`` (an inspection task's id, optional)
    is the task the inspection fulfils (see :mod:`.planning`). Returns the inspection."""
    from forms.engine import answers as answered
    from forms.engine import validate
    from forms.services import context, version_form

    actor, access = ctx.actor, ctx.access
    unit, place = _place(unit, premises, place, access)
    lat, lon = _position(position)
    version = checklist_version(checklist, unit.district_id)
    if version is None:
        raise refuse("Unknown checklist: %(key)s.", key=checklist)
    form_def = version_form(version)
    from .planning.services import fulfil, task_for

    for_task = task_for(task, unit, checklist, actor, access)
    cleaned, errors = validate(form_def, answers, context(unit.district_id, access))
    if errors:
        raise _form_errors(form_def, errors)
    given = answered(form_def, cleaned)
    photos = {key: list(files) for key, files in (photos or {}).items() if files}
    missing = [
        _answer_label(a)
        for a in given
        if "photo" in rules.answer_flags(a.field, a.value) and not photos.get(a.path)
    ]
    if missing:
        raise refuse("A photo is required for: %(items)s.", items="；".join(missing))
    known = {a.path for a in given} | {""}
    photos = {key: files for key, files in photos.items() if key in known}
    batch = PhotoBatch([f for files in photos.values() for f in files], unit.district_id)
    earned, possible = score_of(form_def, cleaned)
    with batch, db.atomic():
        submission = forms_submit(version, answers, unit, actor, access)
        actions = [a for a in given if "action" in rules.answer_flags(a.field, a.value)]
        inspection = Inspection.create(
            unit=unit,
            premises=premises,
            place=place,
            checklist=form_def.key,
            checklist_title=form_def.title_zh,
            checklist_version=version.version,
            submission=submission,
            inspected_on=workdays.today(),
            failed_count=len(actions),
            score=rules.percent(earned, possible),
            latitude=lat,
            longitude=lon,
            note=(note or "").strip(),
            **audit_values(Inspection, True, actor),
        )
        _emit_created(inspection, actor, f"检查: {place} · {form_def.title_zh}")
        if for_task is not None:
            fulfil(for_task, inspection)
        hazards = {}
        for answer in actions:
            hazards[answer.path] = _open_hazard(inspection, answer, actor, access)
        for key, files in photos.items():
            for upload in files:
                batch.save(
                    upload, unit, actor, inspection=inspection, hazard=hazards.get(key), item=key
                )
    _notify_flagged(inspection, [a for a in given if "notify" in a.flags], actor)
    return inspection


def _place(unit, premises, place, access, resource=INSPECTION):
    """The unit and place name of an inspection or a report, checked against the data scope
    of ``access`` for creating ``resource`` (nothing is written before this passes)."""
    if access is None or not access.can(resource, "create"):
        if resource == HAZARD:
            raise refuse("You are not allowed to report hazards.")
        raise refuse("You are not allowed to record inspections.")
    if premises is not None:
        if unit is not None and unit.id != premises.unit_id:
            raise refuse("The premises does not belong to this community or grid.")
        unit = premises.unit
        if not premises.active:
            raise refuse("This premises is no longer in use.")
        place = (place or "").strip() or premises.name
    if unit is None:
        raise refuse("Choose the community or grid of the place.")
    allowed = (
        TerritoryUnit.select()
        .where((TerritoryUnit.id == unit.id) & access.unit_condition(resource, "create"))
        .exists()
    )
    if not allowed:
        raise refuse("This place is outside your data scope: nothing was recorded.")
    place = (place or "").strip()
    if not place:
        raise refuse("Please name the place inspected.")
    if len(place) > 100:
        raise refuse("The place name is too long (at most 100 characters).")
    return unit, place


def _position(position):
    """(latitude, longitude) as Decimals, or (None, None); refused when out of range."""
    import decimal

    lat, lon = position or (None, None)
    blank = (None, "")
    if lat in blank and lon in blank:
        return None, None
    try:
        lat = None if lat in blank else decimal.Decimal(str(lat).strip())
        lon = None if lon in blank else decimal.Decimal(str(lon).strip())
        if (lat is not None and not lat.is_finite()) or (lon is not None and not lon.is_finite()):
            raise decimal.InvalidOperation
    except decimal.InvalidOperation:
        raise refuse("The position is not a number.") from None
    problem = rules.position_problem(lat, lon)
    if problem:
        raise refuse(problem)
    return round(lat, 7), round(lon, 7)


def _answer_label(answer) -> str:
    if answer.row is None:
        return answer.field.label_zh
    name = rules.instance_name(answer.section, answer.values, answer.row)
    return f"{name}：{answer.field.label_zh}"


def _form_errors(form_def, errors: dict) -> ServiceError:
    """The engine's errors, each named by its item's label (a repeat row by its group and
    number), e.g. "楼梯间 #2 单元/楼梯间：此项为必填项。"."""
    import re

    labels = {f.key: f.label_zh for _s, f in form_def.fields()}
    groups = {s.key: s.label_zh for s in form_def.sections}
    parts = []
    for path, messages in errors.items():
        text = ", ".join(map(str, messages))
        row = re.match(r"(\w+)\[(\d+)\]\.(\w+)$", path)
        if row:
            name = f"{groups.get(row[1], row[1])} #{int(row[2]) + 1} {labels.get(row[3], row[3])}"
        else:
            name = labels.get(path) or groups.get(path) or path
        parts.append(f"{name}：{text}")
    return ServiceError("；".join(parts))


def score_of(form_def, cleaned: dict) -> tuple[float, float]:
    from forms.engine import score

    return score(form_def, cleaned)


def forms_submit(version, cleaned, unit, actor, access):
    from forms import services as forms_services

    return forms_services.submit(Context(actor, access), version, cleaned, unit)


def _emit_created(record, actor, summary: str) -> None:
    emit(
        Event(
            "created",
            plugin=PLUGIN,
            record=record,
            actor=actor,
            district_id=record.unit.district_id,
            summary=summary[:255],
        )
    )


def _open_hazard(inspection: Inspection, answer, actor, access) -> Hazard:
    instance = ""
    # the hazard is the failure (灭火器过期或配置不足), not the item's passing wording
    title = answer.field.failure_zh or answer.field.label_zh
    if answer.row is not None:
        instance = rules.instance_name(answer.section, answer.values, answer.row)
        title = f"{instance}：{title}"
    hazard = Hazard(
        unit=inspection.unit,
        premises=inspection.premises,
        inspection=inspection,
        source="inspection",
        item=answer.field.key,
        instance=instance,
        title=title[:255],
        basis=answer.field.help_zh,
        place=inspection.place,
        proposed_grade=rules.proposed_grade(answer.field.key),
    )
    start(hazard, actor, access, comment=_("Found in inspection"))
    _emit_created(hazard, actor, f"隐患: {hazard}")
    _emit_reported(hazard, actor)
    return hazard


def responsible_staff(unit_id: int, exclude=None) -> list[User]:
    """Who is told of a flagged answer: active users holding, at the inspected community or
    grid (and a grid's community), a role that may update hazards (the community's staff)."""
    unit = TerritoryUnit.get_by_id(unit_id)
    units = [unit.id] + ([unit.parent_id] if unit.level == "grid" and unit.parent_id else [])
    roles = RolePermission.select(RolePermission.role).where(
        RolePermission.plugin.in_([PLUGIN, "*"]) & RolePermission.action.in_(["update", "*"])
    )
    holders = RoleAssignment.select(RoleAssignment.user).where(
        RoleAssignment.unit.in_(units) & RoleAssignment.role.in_(roles)
    )
    query = User.select().where(User.id.in_(holders) & User.is_active)
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    return list(query.order_by(User.id))


def _notify_flagged(inspection: Inspection, flagged: list, actor) -> None:
    """Answers flagged "notify": one notification per answer to the responsible staff,
    after the inspection's transaction (channels deliver at once)."""
    from core.notifications import notify

    if not flagged:
        return
    district_id = inspection.unit.district_id
    for user in responsible_staff(inspection.unit_id, exclude=actor):
        for answer in flagged:
            notify(
                user,
                "hazards_answer",
                _("Inspection answer to follow up: %(item)s", item=_answer_label(answer)),
                _(
                    "%(place)s, %(checklist)s: %(item)s",
                    place=inspection.place,
                    checklist=inspection.checklist_title,
                    item=_answer_label(answer),
                ),
                f"/admin/hazards/inspection/details/?id={inspection.id}",
                district_id=district_id,
                key=f"hazards:answer:{inspection.id}:{answer.path}",
            )


# -- hazards (隐患) --------------------------------------------------------------------------


def safety_office(district_id: int) -> list[User]:
    """The district safety office: active users holding, at the district itself, a role that
    approves hazards."""
    roles = RolePermission.select(RolePermission.role).where(
        RolePermission.plugin.in_([PLUGIN, HAZARD, "*"])
        & RolePermission.action.in_(["approve", "*"])
    )
    holders = RoleAssignment.select(RoleAssignment.user).where(
        (RoleAssignment.unit == district_id) & RoleAssignment.role.in_(roles)
    )
    return list(User.select().where(User.id.in_(holders) & User.is_active).order_by(User.id))


def move(
    ctx: Context,
    hazard: Hazard,
    code: str,
    comment: str = "",
    data: dict | None = None,
    photos=(),
):
    """Take workflow step ``code``. A hazard assessed as major is reported to the district
    safety office by :func:`report_major`, which listens to the step's event: whatever path
    took it (admin, portal, API). ``photos`` (uploads) are kept as evidence of the step: on
    "submit_acceptance" they are the photos after rectification (整改后)."""
    actor = ctx.actor
    batch = PhotoBatch(list(photos or ()), hazard.unit.district_id)
    with batch, db.atomic():
        commands.transition(ctx, hazard, code, comment, data)
        stage = "after" if code == "submit_acceptance" else "before"
        for upload in batch.uploads:
            batch.save(upload, hazard.unit, actor, hazard=hazard, item=hazard.item, stage=stage)
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


# -- hz-inspect: photos (照片), hand reports, re-inspections, patrol events -------------------


@dataclass(frozen=True)
class Upload:
    """A photo as received (from a form or the API), before it is checked and stored."""

    name: str
    data: bytes
    content_type: str = ""

    @classmethod
    def from_storage(cls, storage, limit_kb: int) -> Upload | None:
        """A werkzeug FileStorage, read up to one byte over the limit (enough to refuse)."""
        if storage is None or not getattr(storage, "filename", ""):
            return None
        return cls(storage.filename, storage.read(limit_kb * 1024 + 1), storage.mimetype or "")


def photo_limits(district_id: int | None) -> tuple[int, tuple[str, ...]]:
    """(largest size in KB, accepted content types) of the district's settings."""
    return (
        setting(district_id, "photo_max_kb"),
        rules.accepted_types(setting(district_id, "photo_types")),
    )


def check_photos(uploads: list, district_id: int | None) -> dict:
    """Check every upload before anything is written: size, and that the bytes really are an
    image of an accepted format (magic bytes, then Pillow decodes it). Returns
    {id(upload): content type}; raises ServiceError naming the file otherwise."""
    from PIL import Image

    from forms.uploads import sniff

    limit_kb, accepted = photo_limits(district_id)
    found = {}
    for upload in uploads:
        if len(upload.data) > limit_kb * 1024:
            raise refuse(
                "The photo %(name)s is larger than %(kb)s KB: nothing was recorded.",
                name=upload.name,
                kb=limit_kb,
            )
        kind = sniff(upload.data[:16], "image/jpeg")
        decoded = None
        try:
            with Image.open(io.BytesIO(upload.data)) as image:
                decoded = Image.MIME.get(image.format or "")
                image.verify()
        except Exception:  # Pillow raises many kinds for bytes that are not an image
            decoded = None
        if decoded is None or kind != decoded or kind not in accepted:
            raise refuse(
                "The file %(name)s is not a photo in an accepted format (%(kinds)s): "
                "nothing was recorded.",
                name=upload.name,
                kinds=setting(district_id, "photo_types"),
            )
        found[id(upload)] = kind
    return found


class PhotoBatch:
    """The photos of one change: all checked before anything is written (refused: nothing
    stored), written inside the change's transaction, removed again if it fails. Use as
    ``with batch, db.atomic(): ... batch.save(...)``."""

    def __init__(self, uploads: list, district_id: int | None):
        self.uploads = uploads
        self.checked = check_photos(uploads, district_id)
        self.written: list[Path] = []

    def save(self, upload, unit, actor, *, inspection=None, hazard=None, item="", stage="before"):
        self.written.append(
            _save_photo(
                self.checked[id(upload)],
                upload,
                unit,
                actor,
                inspection=inspection,
                hazard=hazard,
                item=item,
                stage=stage,
            )
        )

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for path in self.written:
                path.unlink(missing_ok=True)
        return False


def _save_photo(kind, upload, unit, actor, *, inspection, hazard, item, stage="before") -> Path:
    """Write one checked photo to the upload store and its evidence row; returns the file's
    path (removed again by the caller if the transaction fails)."""
    from forms.definition import FieldDef
    from forms.uploads import store, upload_root

    f = FieldDef("photo", "photo", "照片", accept=(kind,), max_size_kb=len(upload.data) // 1024 + 1)
    ref = store(upload.data, upload.name, kind, f)
    Photo.create(
        unit=unit,
        inspection=inspection,
        hazard=hazard,
        item=(item or "")[:120],
        stage=stage,
        path=ref["path"],
        name=ref["name"],
        size=ref["size"],
        content_type=kind,
        **audit_values(Photo, True, actor),
    )
    return upload_root() / ref["path"]


def photo_file(photo: Photo) -> Path:
    from forms.uploads import upload_root

    return upload_root() / photo.path


def hazard_photos(hazard: Hazard) -> list[Photo]:
    """Photos before (of its item in the inspection, or of the report) and after."""
    condition = Photo.hazard == hazard.id
    return list(Photo.select().where(condition).order_by(Photo.stage.desc(), Photo.id))


# -- hazards reported by hand (自查、楼栋长报告、居民报告、巡查) -------------------------------


def report_hazard(
    ctx: Context,
    *,
    source: str,
    title: str,
    unit: TerritoryUnit | None = None,
    premises: Premises | None = None,
    place: str = "",
    category: str = "",
    description: str = "",
    photos=(),
) -> Hazard:
    """A hazard reported without an inspection, with its place, category, description and
    photos (before). A report made on a patrol (building head under 八必报, volunteer)
    also emits ``volunteer_work`` so the time bank can credit the patrol."""
    actor, access = ctx.actor, ctx.access
    if source not in dict(SOURCES):
        raise refuse("Choose where the report comes from.")
    unit, place = _place(unit, premises, place, access, HAZARD)
    title = (title or "").strip()
    if not title:
        raise refuse("Please describe the hazard in a few words.")
    if len(title) > 255:
        raise refuse("The hazard's title is too long (at most 255 characters).")
    if len((category or "").strip()) > 64:
        raise refuse("The category is too long (at most 64 characters).")
    batch = PhotoBatch(list(photos or ()), unit.district_id)
    with batch, db.atomic():
        hazard = Hazard(
            unit=unit,
            premises=premises,
            source=source,
            title=title,
            place=place,
            category=(category or "").strip(),
            description=(description or "").strip(),
        )
        start(hazard, actor, access, comment=str(dict(SOURCES)[source]))
        _emit_created(hazard, actor, f"隐患: {hazard}")
        for upload in batch.uploads:
            batch.save(upload, unit, actor, hazard=hazard)
        _emit_reported(hazard, actor)
    if source in PATROL_SOURCES:
        credit_patrol(hazard, actor)
    return hazard


def _emit_reported(hazard: Hazard, actor) -> None:
    """``hazard_reported`` (documented in docs/hooks.md): a hazard entered the register."""
    emit(
        Event(
            "hazard_reported",
            plugin=PLUGIN,
            record=hazard,
            actor=actor,
            district_id=hazard.unit.district_id,
            summary=f"隐患: {hazard}"[:255],
            data={
                "hazard_id": hazard.id,
                "source": hazard.source,
                "place": hazard.place,
                "premises_id": hazard.premises_id,
                "unit_id": hazard.unit_id,
                "title": hazard.title,
                "proposed_grade": hazard.proposed_grade,
                "inspection_id": hazard.inspection_id,
                "reported_by": getattr(actor, "id", None),
            },
        )
    )


def credit_patrol(hazard: Hazard, actor) -> None:
    """Emit ``volunteer_work`` for the patrol that found ``hazard`` (跨模块: the time bank
    turns it into a record waiting for review if the reporter is a registered volunteer,
    once per reference). The report stands even if the time bank refuses the record."""
    if getattr(actor, "id", None) is None:
        return
    ended = utcnow().replace(microsecond=0)
    minutes = setting(hazard.unit.district_id, "patrol_minutes")
    event = Event(
        "volunteer_work",
        plugin=PLUGIN,
        record=hazard,
        actor=actor,
        district_id=hazard.unit.district_id,
        summary=f"巡查: {hazard}"[:255],
        data={
            "user_id": actor.id,
            "started_at": (ended - dt.timedelta(minutes=minutes)).isoformat(),
            "ended_at": ended.isoformat(),
            "minutes": minutes,
            "content": f"安全隐患巡查：{hazard.place} · {hazard.title}"[:500],
            "ref": f"hazard-{hazard.id}",
            "confirmed_by": "安全隐患排查治理",
        },
    )
    try:
        with db.atomic():
            emit(event)
    except ServiceError as exc:
        log.info("patrol of hazard %s not credited: %s", hazard.id, exc)


# -- re-inspections (复查) ---------------------------------------------------------------------


def carried_items(original: Inspection) -> list[Hazard]:
    """What a re-inspection of ``original`` checks: the hazards of its failed items that are
    still open (closed or invalid ones are done)."""
    return list(original.hazards.where(Hazard.state.in_(rules.OPEN_STATES)).order_by(Hazard.id))


def reinspect(
    ctx: Context,
    original: Inspection,
    results: dict,
    *,
    photos: dict | None = None,
    position: tuple | None = None,
    note: str = "",
) -> Inspection:
    """A re-inspection linked to ``original``, carrying forward only its failed items (the
    open hazards): ``results`` maps hazard id to "yes" (now passes) or "no" (still fails).
    Each answer is recorded against its hazard (a Recheck shown on the hazard); the hazard's
    own steps (acceptance, closure) stay with the approvers. Photos by hazard id."""
    actor, access = ctx.actor, ctx.access
    if access is None or not access.can(INSPECTION, "create"):
        raise refuse("You are not allowed to record inspections.")
    in_scope = (
        Inspection.select()
        .where((Inspection.id == original.id) & access.scope_condition(Inspection, PLUGIN, "read"))
        .exists()
    )
    if not in_scope:
        raise refuse("This place is outside your data scope: nothing was recorded.")
    unit, place = _place(original.unit, original.premises, original.place, access)
    items = carried_items(original)
    if not items:
        raise refuse("This inspection has no failed items to re-inspect.")
    results = {str(k): v for k, v in (results or {}).items()}
    unanswered = [h.title for h in items if results.get(str(h.id)) not in ("yes", "no")]
    if unanswered:
        raise refuse("Answer every item: %(items)s.", items="；".join(unanswered))
    lat, lon = _position(position)
    photos = {str(k): list(v) for k, v in (photos or {}).items() if v}
    photos = {k: v for k, v in photos.items() if k in {str(h.id) for h in items}}
    batch = PhotoBatch([f for files in photos.values() for f in files], unit.district_id)
    still = [h for h in items if results[str(h.id)] == "no"]
    with batch, db.atomic():
        inspection = Inspection.create(
            unit=unit,
            premises=original.premises,
            reinspection_of=original,
            place=place,
            checklist=original.checklist,
            checklist_title=original.checklist_title,
            checklist_version=original.checklist_version,
            inspected_on=workdays.today(),
            failed_count=len(still),
            score=rules.percent(len(items) - len(still), len(items)),
            latitude=lat,
            longitude=lon,
            note=(note or "").strip(),
            **audit_values(Inspection, True, actor),
        )
        _emit_created(inspection, actor, f"复查: {place} · {original.checklist_title}")
        for hazard in items:
            passed = results[str(hazard.id)] == "yes"
            Recheck.create(
                unit=unit,
                hazard=hazard,
                inspection=inspection,
                passed=passed,
                checked_on=inspection.inspected_on,
                **audit_values(Recheck, True, actor),
            )
            for upload in photos.get(str(hazard.id), ()):
                batch.save(
                    upload,
                    unit,
                    actor,
                    inspection=inspection,
                    hazard=hazard,
                    item=hazard.item,
                    stage="after" if passed else "before",
                )
    return inspection
