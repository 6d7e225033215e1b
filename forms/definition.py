"""Form definitions (表单定义) as data, and their validation.

A definition is a dict (stored as JSON, exported as JSON or YAML)::

    {"key": "fire_check", "title_zh": "消防检查", "title_en": "Fire check",
     "sections": [
        {"key": "basic", "label_zh": "基本情况", "label_en": "Basics", "fields": [
            {"key": "place", "type": "text", "label_zh": "场所", "label_en": "Place",
             "required": true, "max_length": 100},
            {"key": "result", "type": "yes_no_na", "label_zh": "是否合格", "label_en": "Passed"},
            {"key": "problem", "type": "long_text", "label_zh": "问题", "label_en": "Problem",
             "visible_if": {"field": "result", "equals": "no"}}]},
        {"key": "floors", "label_zh": "楼层", "label_en": "Floors",
         "repeat": {"min": 1, "max": 60}, "fields": [...]}]}

A section with ``repeat`` is a repeat group (one row per floor, per stairwell...); its data is
a list of rows. Every problem found is reported with the path of the field it concerns, and
nothing of an invalid definition is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.i18n import lazy_gettext as _l

FIELD_TYPES = {
    "text": "Text",
    "long_text": "Long text",
    "integer": "Whole number",
    "decimal": "Decimal number",
    "date": "Date",
    "datetime": "Date and time",
    "choice": "Single choice",
    "multi_choice": "Multiple choice",
    "yes_no_na": "Yes / no / not applicable",
    "mobile": "Mobile phone",
    "id_card": "ID card number",
    "uscc": "Unified social credit code",
    "territory_unit": "Territory unit",
    "photo": "Photo",
    "file": "File",
    "location": "Location",
}
CHOICE_TYPES = {"choice", "multi_choice"}
UPLOAD_TYPES = {"photo", "file"}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
YES_NO_NA = ("yes", "no", "na")
# Checklist logic per answer of a yes/no/na item (SafetyCulture-style "logic fields"):
# photo = evidence required, action = a follow-up (e.g. a hazard) is opened, notify = tell
# the responsible staff. The form engine records them; the module using the form acts on them.
ANSWER_FLAGS = ("photo", "action", "notify")


class Invalid(Exception):
    """A value a field refuses; ``message`` says why in the user's language."""

    def __init__(self, message: str):
        self.message = message


class DefinitionError(ValueError):
    """An invalid definition: ``problems`` lists (path, message) pairs; messages are lazy
    translations, shown in the user's language."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


@dataclass(frozen=True)
class Choice:
    code: str
    label_zh: str
    label_en: str = ""


@dataclass
class FieldDef:
    key: str
    type: str
    label_zh: str
    label_en: str = ""
    required: bool = False
    default: Any = None
    dictionary: str | None = None
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    help_zh: str = ""
    help_en: str = ""
    visible_if: dict | None = None
    accept: tuple[str, ...] = ()
    max_size_kb: int | None = None
    allow_override: bool = True  # uscc: an override with a reason accepts a failing code
    weight: float | None = None  # yes_no_na: weight in the score (None: 1)
    on_answer: dict = field(default_factory=dict)  # yes_no_na: answer -> tuple of flags
    # yes_no_na: the wording of the problem when the item fails (灭火器过期或配置不足), where
    # the label is the passing wording (灭火器配置到位且在有效期内)
    failure_zh: str = ""
    failure_en: str = ""

    def flags(self, answer) -> tuple[str, ...]:
        """The flags (see ANSWER_FLAGS) the definition sets for ``answer``."""
        return tuple(self.on_answer.get(answer, ()))


@dataclass
class SectionDef:
    key: str
    label_zh: str
    label_en: str = ""
    fields: list[FieldDef] = field(default_factory=list)
    repeat_min: int | None = None
    repeat_max: int | None = None

    @property
    def repeat(self) -> bool:
        return self.repeat_max is not None


@dataclass
class FormDef:
    key: str
    title_zh: str
    title_en: str
    sections: list[SectionDef]

    def fields(self):
        for section in self.sections:
            for f in section.fields:
                yield section, f

    def field(self, key: str) -> FieldDef | None:
        return next((f for _, f in self.fields() if f.key == key), None)


DEFAULT_ACCEPT = {
    "photo": ("image/jpeg", "image/png", "image/webp"),
    "file": (
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
DEFAULT_MAX_SIZE_KB = {"photo": 8 * 1024, "file": 20 * 1024}


def parse(data: dict, dictionary_codes: Callable[[str], set[str] | None] | None = None) -> FormDef:
    """Check ``data`` and build a :class:`FormDef`; raise :class:`DefinitionError` listing every
    problem. ``dictionary_codes(code)`` returns the codes of a dictionary, None if unknown;
    without it, dictionary references are not checked (a stored, already checked version)."""
    problems: list[tuple[str, str]] = []

    def need_text(obj, name, path, required=True):
        value = obj.get(name, "")
        if not isinstance(value, str) or (required and not value.strip()):
            problems.append((f"{path}.{name}", _l("must be a non-empty text")))
            return ""
        return value.strip()

    if not isinstance(data, dict):
        raise DefinitionError([("", _l("a definition is an object with key, titles and sections"))])
    key = need_text(data, "key", "form")
    if key and not KEY.match(key):
        problems.append(("form.key", _l("must be lower-case letters, digits and _")))
    title_zh = need_text(data, "title_zh", "form")
    title_en = need_text(data, "title_en", "form", required=False)
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append(("form.sections", _l("must be a non-empty list")))
        raise DefinitionError(problems)

    seen: dict[str, str] = {}
    sections: list[SectionDef] = []
    order: list[str] = []
    for i, raw in enumerate(raw_sections):
        path = f"sections[{i}]"
        if not isinstance(raw, dict):
            problems.append((path, _l("must be an object")))
            continue
        skey = need_text(raw, "key", path)
        if skey and not KEY.match(skey):
            problems.append((f"{path}.key", _l("must be lower-case letters, digits and _")))
        if skey in seen:
            problems.append(
                (
                    f"{path}.key",
                    _l("duplicate key %(key)s (also at %(other)s)", key=skey, other=seen[skey]),
                )
            )
        seen[skey] = path
        section = SectionDef(
            skey, need_text(raw, "label_zh", path), need_text(raw, "label_en", path, required=False)
        )
        repeat = raw.get("repeat")
        if repeat is not None:
            if not isinstance(repeat, dict):
                problems.append((f"{path}.repeat", _l("must be an object with min and max")))
            else:
                low, high = repeat.get("min", 0), repeat.get("max")
                if (
                    not isinstance(low, int)
                    or not isinstance(high, int)
                    or low < 0
                    or high < max(low, 1)
                ):
                    problems.append(
                        (
                            f"{path}.repeat",
                            _l("min and max must be whole numbers, 0 <= min <= max, max >= 1"),
                        )
                    )
                else:
                    section.repeat_min, section.repeat_max = low, high
        for j, rawf in enumerate(raw.get("fields") or []):
            fpath = f"{path}.fields[{j}]"
            if not isinstance(rawf, dict):
                problems.append((fpath, _l("must be an object")))
                continue
            fkey = need_text(rawf, "key", fpath)
            if fkey and not KEY.match(fkey):
                problems.append((f"{fpath}.key", _l("must be lower-case letters, digits and _")))
            if fkey in seen:
                problems.append(
                    (
                        f"{fpath}.key",
                        _l("duplicate key %(key)s (also at %(other)s)", key=fkey, other=seen[fkey]),
                    )
                )
            seen[fkey] = fpath
            ftype = rawf.get("type")
            if ftype not in FIELD_TYPES:
                problems.append((f"{fpath}.type", _l("unknown type %(type)s", type=str(ftype))))
                continue
            fdef = _field(rawf, fkey, ftype, fpath, problems, need_text, dictionary_codes)
            section.fields.append(fdef)
            order.append(fkey)
        if not section.fields:
            problems.append((f"{path}.fields", _l("must list at least one field")))
        sections.append(section)

    form = FormDef(key, title_zh, title_en, sections)
    _check_visibility(form, order, seen, problems)
    if problems:
        raise DefinitionError(problems)
    return form


def _number(value, name, path, problems):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append((f"{path}.{name}", _l("must be a number")))
        return None
    return value


def _field(raw, key, ftype, path, problems, need_text, dictionary_codes) -> FieldDef:
    f = FieldDef(
        key,
        ftype,
        need_text(raw, "label_zh", path),
        need_text(raw, "label_en", path, required=False),
    )
    f.required = bool(raw.get("required", False))
    f.help_zh = str(raw.get("help_zh", "") or "")
    f.help_en = str(raw.get("help_en", "") or "")
    f.minimum = _number(raw.get("min"), "min", path, problems)
    f.maximum = _number(raw.get("max"), "max", path, problems)
    if f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
        problems.append((f"{path}.min", _l("is greater than max")))
    for name in ("min_length", "max_length"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            problems.append((f"{path}.{name}", _l("must be a whole number >= 0")))
        else:
            setattr(f, name, value)
    pattern = raw.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
            f.pattern = pattern
        except (re.error, TypeError):
            problems.append((f"{path}.pattern", _l("is not a valid regular expression")))
    if ftype in CHOICE_TYPES:
        f.dictionary = raw.get("dictionary")
        inline = raw.get("choices")
        if f.dictionary and inline:
            problems.append((path, _l("give either a dictionary or choices, not both")))
        elif f.dictionary:
            if dictionary_codes is not None and dictionary_codes(f.dictionary) is None:
                problems.append(
                    (f"{path}.dictionary", _l("unknown dictionary %(code)s", code=f.dictionary))
                )
        elif isinstance(inline, list) and inline:
            choices = []
            for k, c in enumerate(inline):
                if not isinstance(c, dict) or not c.get("code") or not c.get("label_zh"):
                    problems.append((f"{path}.choices[{k}]", _l("needs code and label_zh")))
                    continue
                choices.append(
                    Choice(str(c["code"]), str(c["label_zh"]), str(c.get("label_en", "")))
                )
            codes = [c.code for c in choices]
            if len(set(codes)) != len(codes):
                problems.append((f"{path}.choices", _l("duplicate codes")))
            f.choices = tuple(choices)
        else:
            problems.append((path, _l("a choice field needs a dictionary or choices")))
    if ftype in UPLOAD_TYPES:
        accept = raw.get("accept") or DEFAULT_ACCEPT[ftype]
        f.accept = tuple(accept)
        size = raw.get("max_size_kb", DEFAULT_MAX_SIZE_KB[ftype])
        if not isinstance(size, int) or size <= 0:
            problems.append((f"{path}.max_size_kb", _l("must be a positive whole number")))
        else:
            f.max_size_kb = size
    if ftype == "uscc":
        f.allow_override = bool(raw.get("allow_override", True))
    _answer_logic(raw, f, path, problems)
    f.default = raw.get("default")
    if f.default is not None and ftype in CHOICE_TYPES and f.choices:
        allowed = {c.code for c in f.choices}
        values = f.default if isinstance(f.default, list) else [f.default]
        if any(v not in allowed for v in values):
            problems.append((f"{path}.default", _l("is not one of the choices")))
    if f.default is not None and ftype == "yes_no_na" and f.default not in YES_NO_NA:
        problems.append((f"{path}.default", _l("must be yes, no or na")))
    visible = raw.get("visible_if")
    if visible is not None:
        if (
            not isinstance(visible, dict)
            or not visible.get("field")
            or not ("equals" in visible or "in" in visible)
        ):
            problems.append((f"{path}.visible_if", _l("needs field and equals or in")))
        else:
            f.visible_if = visible
    return f


def _answer_logic(raw: dict, f: FieldDef, path: str, problems: list) -> None:
    """``weight`` and ``on_answer`` (per-answer flags) of a yes/no/na item."""
    weight, on_answer = raw.get("weight"), raw.get("on_answer")
    failure = {name: raw.get(name) for name in ("failure_zh", "failure_en")}
    if f.type != "yes_no_na":
        for name, value in (("weight", weight), ("on_answer", on_answer), *failure.items()):
            if value is not None:
                problems.append((f"{path}.{name}", _l("only a yes/no/na item has this")))
        return
    for name, value in failure.items():
        if value is not None and not isinstance(value, str):
            problems.append((f"{path}.{name}", _l("must be text")))
        elif value:
            setattr(f, name, value.strip())
    f.weight = _number(weight, "weight", path, problems)
    if f.weight is not None and f.weight < 0:
        problems.append((f"{path}.weight", _l("must not be negative")))
        f.weight = None
    if on_answer is None:
        return
    if not isinstance(on_answer, dict):
        problems.append((f"{path}.on_answer", _l("must map answers (yes, no, na) to flags")))
        return
    logic = {}
    for answer, flags in on_answer.items():
        if answer not in YES_NO_NA:
            problems.append((f"{path}.on_answer.{answer}", _l("must be yes, no or na")))
            continue
        if not isinstance(flags, list) or any(x not in ANSWER_FLAGS for x in flags):
            problems.append(
                (
                    f"{path}.on_answer.{answer}",
                    _l("must be a list of %(flags)s", flags=", ".join(ANSWER_FLAGS)),
                )
            )
            continue
        if flags:
            logic[answer] = tuple(x for x in ANSWER_FLAGS if x in flags)
    f.on_answer = logic


def _check_visibility(form: FormDef, order: list[str], seen: dict, problems: list) -> None:
    position = {key: i for i, key in enumerate(order)}
    for section, f in form.fields():
        if not f.visible_if:
            continue
        path = seen.get(f.key, f.key)
        target = f.visible_if["field"]
        if target == f.key:
            problems.append((f"{path}.visible_if", _l("refers to the field itself")))
        elif target not in position:
            problems.append(
                (f"{path}.visible_if", _l("refers to a missing field %(key)s", key=target))
            )
        elif position[target] > position[f.key]:
            problems.append(
                (f"{path}.visible_if", _l("refers to %(key)s, which comes later", key=target))
            )
        else:
            other_section = next(s for s, g in form.fields() if g.key == target)
            if other_section.repeat and other_section is not section:
                problems.append(
                    (
                        f"{path}.visible_if",
                        _l("refers to %(key)s inside another repeat group", key=target),
                    )
                )


def to_data(form: FormDef) -> dict:
    """The definition back as plain data (for JSON or YAML export)."""
    sections = []
    for s in form.sections:
        section: dict[str, Any] = {"key": s.key, "label_zh": s.label_zh, "label_en": s.label_en}
        if s.repeat:
            section["repeat"] = {"min": s.repeat_min or 0, "max": s.repeat_max}
        section["fields"] = [_field_data(f) for f in s.fields]
        sections.append(section)
    return {
        "key": form.key,
        "title_zh": form.title_zh,
        "title_en": form.title_en,
        "sections": sections,
    }


def _field_data(f: FieldDef) -> dict:
    data: dict[str, Any] = {"key": f.key, "type": f.type, "label_zh": f.label_zh}
    optional = {
        "label_en": f.label_en,
        "required": f.required,
        "default": f.default,
        "dictionary": f.dictionary,
        "min": f.minimum,
        "max": f.maximum,
        "min_length": f.min_length,
        "max_length": f.max_length,
        "pattern": f.pattern,
        "help_zh": f.help_zh,
        "help_en": f.help_en,
        "visible_if": f.visible_if,
    }
    data.update({k: v for k, v in optional.items() if v not in (None, "", False)})
    if f.choices:
        data["choices"] = [
            {"code": c.code, "label_zh": c.label_zh, "label_en": c.label_en} for c in f.choices
        ]
    if f.type in UPLOAD_TYPES:
        data["accept"] = list(f.accept)
        data["max_size_kb"] = f.max_size_kb
    if f.type == "uscc" and not f.allow_override:
        data["allow_override"] = False
    if f.weight is not None:
        data["weight"] = f.weight
    for name in ("failure_zh", "failure_en"):
        if getattr(f, name):
            data[name] = getattr(f, name)
    if f.on_answer:
        data["on_answer"] = {answer: list(flags) for answer, flags in f.on_answer.items()}
    return data
