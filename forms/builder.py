"""Field-by-field form builder (表单设计器): pure changes on a definition's data.

Each function takes the definition as plain data (as :func:`forms.definition.to_data` gives it),
returns a changed copy and never touches the database; the admin page then saves the copy with
:func:`forms.services.save_definition`, so it is checked by ``parse()`` exactly like the text
editor and a changed body becomes a new version. Structural refusals (an unknown field, the
last field of a section...) raise :class:`BuilderError`; everything else is left to ``parse()``,
whose problems :func:`explain` turns into messages naming the field or section concerned.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from core.errors import ServiceError
from core.i18n import Label
from core.i18n import gettext as _
from forms.definition import CHOICE_TYPES, FIELD_TYPES, UPLOAD_TYPES, DefinitionError, parse

# Chinese and English names of the field types, shown in the builder (data, both languages).
TYPE_LABELS = {
    key: Label(zh, FIELD_TYPES[key])
    for key, zh in {
        "text": "单行文本",
        "long_text": "多行文本",
        "integer": "整数",
        "decimal": "小数",
        "date": "日期",
        "datetime": "日期时间",
        "choice": "单选",
        "multi_choice": "多选",
        "yes_no_na": "是/否/不适用",
        "mobile": "手机号码",
        "id_card": "身份证号",
        "uscc": "统一社会信用代码",
        "territory_unit": "网格/区划单元",
        "photo": "照片",
        "file": "文件",
        "location": "位置",
    }.items()
}

# The field attributes the builder's field form manages (every attribute of a field).
MANAGED = (
    "key",
    "type",
    "label_zh",
    "label_en",
    "required",
    "help_zh",
    "help_en",
    "min",
    "max",
    "min_length",
    "max_length",
    "pattern",
    "default",
    "accept",
    "max_size_kb",
    "allow_override",
    "dictionary",
    "choices",
    "visible_if",
)
PATH = re.compile(r"^sections\[(\d+)\](?:\.fields\[(\d+)\])?")


class BuilderError(ServiceError):
    """A change the builder refuses before the definition is even checked."""


# -- reading -------------------------------------------------------------------------------


def _copy(data: dict) -> dict:
    return copy.deepcopy(data)


def find_field(data: dict, key: str) -> tuple[int, int]:
    for i, section in enumerate(data.get("sections") or []):
        for j, f in enumerate(section.get("fields") or []):
            if f.get("key") == key:
                return i, j
    raise BuilderError(_("There is no field %(key)s.", key=key))


def find_section(data: dict, key: str) -> int:
    for i, section in enumerate(data.get("sections") or []):
        if section.get("key") == key:
            return i
    raise BuilderError(_("There is no section %(key)s.", key=key))


def get_field(data: dict, key: str) -> dict:
    i, j = find_field(data, key)
    return data["sections"][i]["fields"][j]


# -- changes -------------------------------------------------------------------------------


def add_field(data: dict, section_key: str, field: dict, position: int | None = None) -> dict:
    """Add ``field`` to a section (at the end, or at ``position``)."""
    data = _copy(data)
    fields = data["sections"][find_section(data, section_key)].setdefault("fields", [])
    fields.insert(len(fields) if position is None else position, dict(field))
    return data


def update_field(data: dict, key: str, field: dict) -> dict:
    """Replace the managed attributes of field ``key`` (its key may change); others are kept,
    except those that do not apply to its new type."""
    data = _copy(data)
    i, j = find_field(data, key)
    old = data["sections"][i]["fields"][j]
    new = {k: v for k, v in old.items() if k not in MANAGED}
    if field.get("type") != old.get("type"):
        new.pop("default", None)
        if field.get("type") not in UPLOAD_TYPES:
            new.pop("accept", None)
            new.pop("max_size_kb", None)
        if field.get("type") != "uscc":
            new.pop("allow_override", None)
    new.update(field)
    data["sections"][i]["fields"][j] = new
    return data


def remove_field(data: dict, key: str) -> dict:
    data = _copy(data)
    i, j = find_field(data, key)
    fields = data["sections"][i]["fields"]
    if len(fields) == 1:
        raise BuilderError(
            _(
                "Field %(key)s is the last field of section %(section)s: add another field "
                "first or delete the section.",
                key=key,
                section=data["sections"][i]["key"],
            )
        )
    users = [
        f["key"]
        for s in data["sections"]
        for f in s.get("fields") or []
        if (f.get("visible_if") or {}).get("field") == key
    ]
    if users:
        raise BuilderError(
            _(
                "Field %(key)s cannot be deleted: the visibility of %(fields)s depends on it.",
                key=key,
                fields=", ".join(users),
            )
        )
    del fields[j]
    return data


def move_field(data: dict, key: str, delta: int) -> dict:
    """Move a field up (-1) or down (+1); past the edge of its section it goes to the end of
    the previous section or the start of the next one."""
    data = _copy(data)
    i, j = find_field(data, key)
    sections = data["sections"]
    fields = sections[i]["fields"]
    target = j + delta
    if 0 <= target < len(fields):
        fields[j], fields[target] = fields[target], fields[j]
        return data
    k = i + (1 if delta > 0 else -1)
    if not 0 <= k < len(sections) or len(fields) == 1:
        return data  # nothing to do: already first / last (or alone in its section)
    moved = fields.pop(j)
    if delta > 0:
        sections[k].setdefault("fields", []).insert(0, moved)
    else:
        sections[k].setdefault("fields", []).append(moved)
    return data


def add_section(data: dict, section: dict, first_field: dict) -> dict:
    """Add a section at the end with its first field (a section needs at least one)."""
    data = _copy(data)
    data.setdefault("sections", []).append({**section, "fields": [dict(first_field)]})
    return data


def update_section(data: dict, key: str, section: dict) -> dict:
    """Rename a section (key, labels) and set or remove its repeat."""
    data = _copy(data)
    i = find_section(data, key)
    old = data["sections"][i]
    new = {k: v for k, v in old.items() if k not in ("key", "label_zh", "label_en", "repeat")}
    new.update(section)
    data["sections"][i] = new
    return data


def remove_section(data: dict, key: str) -> dict:
    data = _copy(data)
    i = find_section(data, key)
    if len(data["sections"]) == 1:
        raise BuilderError(_("Section %(key)s is the only section and cannot be deleted.", key=key))
    del data["sections"][i]
    return data


def move_section(data: dict, key: str, delta: int) -> dict:
    data = _copy(data)
    i = find_section(data, key)
    target = i + delta
    if 0 <= target < len(data["sections"]):
        sections = data["sections"]
        sections[i], sections[target] = sections[target], sections[i]
    return data


# -- from the page's forms -----------------------------------------------------------------


def _text(form, name: str) -> str:
    return (form.get(name) or "").strip()


def _number(form, name: str, label: str, whole: bool = False) -> Any:
    value = _text(form, name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise BuilderError(_("%(name)s must be a number.", name=label)) from None
    if whole or number.is_integer():
        if not number.is_integer():
            raise BuilderError(_("%(name)s must be a whole number.", name=label))
        return int(number)
    return number


def _default(form, ftype: str) -> Any:
    """The default value typed as the field stores it (numbers, a list for multiple choice)."""
    text = _text(form, "default")
    if not text:
        return None
    if ftype in ("integer", "decimal"):
        return _number(form, "default", _("Default value"), whole=ftype == "integer")
    if ftype == "multi_choice":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def parse_choices(text: str) -> list[dict]:
    """Lines ``code=中文名`` (or ``code=中文名|English``) as choices."""
    choices = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        code, sep, label = line.partition("=")
        zh, _sep, en = label.partition("|")
        if not sep or not code.strip() or not zh.strip():
            raise BuilderError(
                _(
                    "Choices, line %(line)s: write code=Chinese name (got %(text)s).",
                    line=n,
                    text=line,
                )
            )
        choices.append({"code": code.strip(), "label_zh": zh.strip(), "label_en": en.strip()})
    return choices


def choices_text(field: dict) -> str:
    return "\n".join(
        f"{c['code']}={c['label_zh']}" + (f"|{c['label_en']}" if c.get("label_en") else "")
        for c in field.get("choices") or []
    )


def form_values(field: dict | None) -> dict:
    """A field as the values of the builder's field form (to edit it)."""
    if not field:
        return {}
    visible = field.get("visible_if") or {}
    equals = visible.get("equals", ",".join(map(str, visible.get("in") or [])))
    values = {k: field.get(k) for k in MANAGED if k not in ("choices", "visible_if")}
    default = field.get("default")
    values.update(
        choices=choices_text(field),
        visible_field=visible.get("field", ""),
        visible_equals="" if equals is None else str(equals),
        required="y" if field.get("required") else "",
        default=",".join(map(str, default)) if isinstance(default, list) else default,
        accept=",".join(field.get("accept") or []),
        no_override="y" if field.get("allow_override") is False else "",
    )
    return {k: ("" if v is None else v) for k, v in values.items()}


def section_values(section: dict | None) -> dict:
    if not section:
        return {}
    repeat = section.get("repeat") or {}
    return {
        "section_key": section.get("key", ""),
        "section_label_zh": section.get("label_zh", ""),
        "section_label_en": section.get("label_en", ""),
        "repeat_min": repeat.get("min", ""),
        "repeat_max": repeat.get("max", ""),
    }


def field_from_form(form, data: dict | None = None) -> dict:
    """The field described by the builder's field form (``form`` is a mapping of the posted
    values; ``data`` the definition, to type a visibility value compared with a number)."""
    ftype = _text(form, "type")
    field: dict[str, Any] = {
        "key": _text(form, "key"),
        "type": ftype,
        "label_zh": _text(form, "label_zh"),
    }
    if ftype not in FIELD_TYPES:
        raise BuilderError(_("Choose the type of the field."))
    optional = {
        "label_en": _text(form, "label_en"),
        "required": form.get("required") in ("y", "on", "1", "true"),
        "help_zh": _text(form, "help_zh"),
        "help_en": _text(form, "help_en"),
        "min": _number(form, "min", _("Minimum")),
        "max": _number(form, "max", _("Maximum")),
        "min_length": _number(form, "min_length", _("Minimum length"), whole=True),
        "max_length": _number(form, "max_length", _("Maximum length"), whole=True),
        "pattern": _text(form, "pattern") or None,
        "default": _default(form, ftype),
    }
    if ftype in UPLOAD_TYPES:
        accept = [a.strip() for a in _text(form, "accept").split(",") if a.strip()]
        optional["accept"] = accept or None
        optional["max_size_kb"] = _number(form, "max_size_kb", _("Largest file (KB)"), whole=True)
    field.update({k: v for k, v in optional.items() if v not in (None, "", False)})
    if ftype == "uscc" and form.get("no_override") in ("y", "on", "1", "true"):
        field["allow_override"] = False
    if ftype in CHOICE_TYPES:
        if _text(form, "dictionary"):
            field["dictionary"] = _text(form, "dictionary")
        choices = parse_choices(form.get("choices") or "")
        if choices:
            field["choices"] = choices
    target = _text(form, "visible_field")
    if target:
        value: Any = _text(form, "visible_equals")
        target_type = None
        if data is not None:
            try:
                target_type = get_field(data, target).get("type")
            except BuilderError:
                target_type = None  # parse() reports the missing field
        values = [v.strip() for v in value.split(",")] if "," in value else [value]
        if target_type in ("integer", "decimal"):
            values = [_number({"v": v}, "v", _("Visible when equals")) for v in values if v]
        if len(values) > 1:
            field["visible_if"] = {"field": target, "in": values}
        else:
            field["visible_if"] = {"field": target, "equals": values[0] if values else ""}
    return field


def section_from_form(form) -> dict:
    section: dict[str, Any] = {
        "key": _text(form, "section_key"),
        "label_zh": _text(form, "section_label_zh"),
        "label_en": _text(form, "section_label_en"),
    }
    low = _number(form, "repeat_min", _("Minimum rows"), whole=True)
    high = _number(form, "repeat_max", _("Maximum rows"), whole=True)
    if low is not None or high is not None or form.get("repeat") in ("y", "on", "1"):
        section["repeat"] = {"min": low or 0, "max": high}
    return section


def apply(data: dict, form) -> tuple[dict, str]:
    """Apply the change posted by the builder page (``op`` and its values); return the changed
    data and the key of the field or section it concerns."""
    op = form.get("op")
    key = _text(form, "target")
    if op == "add_field":
        field = field_from_form(form, data)
        return add_field(data, _text(form, "section"), field), field["key"]
    if op == "update_field":
        field = field_from_form(form, data)
        return update_field(data, key, field), field["key"]
    if op == "remove_field":
        return remove_field(data, key), key
    if op in ("move_up", "move_down"):
        return move_field(data, key, -1 if op == "move_up" else 1), key
    if op == "add_section":
        section = section_from_form(form)
        return add_section(data, section, field_from_form(form, data)), section["key"]
    if op == "update_section":
        section = section_from_form(form)
        return update_section(data, key, section), section["key"]
    if op == "remove_section":
        return remove_section(data, key), key
    if op in ("section_up", "section_down"):
        return move_section(data, key, -1 if op == "section_up" else 1), key
    if op == "titles":
        data = _copy(data)
        data["title_zh"], data["title_en"] = _text(form, "title_zh"), _text(form, "title_en")
        return data, data.get("key", "")
    raise BuilderError(_("Unknown change."))


def new_definition(form) -> dict:
    """A new definition from the builder's "new form" page: key, titles, first section and
    its first field."""
    section = section_from_form(form)
    return {
        "key": _text(form, "form_key"),
        "title_zh": _text(form, "title_zh"),
        "title_en": _text(form, "title_en"),
        "sections": [{**section, "fields": [field_from_form(form)]}],
    }


# -- checking ------------------------------------------------------------------------------


def _where(data: dict, path: str) -> str:
    """A problem's path as the field or section it concerns: 字段 place（场所）."""
    match = PATH.match(path or "")
    if not match:
        return _("Form")
    sections = data.get("sections") or []
    i = int(match.group(1))
    section = sections[i] if i < len(sections) and isinstance(sections[i], dict) else {}
    if match.group(2) is None:
        return _("Section %(key)s", key=section.get("key") or f"#{i + 1}")
    j = int(match.group(2))
    fields = section.get("fields") or []
    f = fields[j] if j < len(fields) and isinstance(fields[j], dict) else {}
    name = f.get("key") or f"#{j + 1}"
    if f.get("label_zh"):
        name = f"{name}（{f['label_zh']}）"
    return _("Field %(key)s", key=name)


def explain(exc: DefinitionError, data: dict) -> str:
    """Every problem of ``exc`` as one message naming the fields concerned."""

    def name(match: re.Match) -> str:  # "(also at sections[0].fields[1])" -> the field's key
        i, j = int(match.group(1)), match.group(2)
        try:
            section = data["sections"][i]
            return section["fields"][int(j)]["key"] if j is not None else section["key"]
        except (IndexError, KeyError, TypeError):
            return match.group(0)

    inner = re.compile(r"sections\[(\d+)\](?:\.fields\[(\d+)\])?")
    return "；".join(
        f"{_where(data, path)}：{inner.sub(name, str(message))}" for path, message in exc.problems
    )


def check(data: dict, dictionary_codes=None) -> None:
    """Check ``data`` like ``save_definition`` will; raise BuilderError naming the fields."""
    try:
        parse(data, dictionary_codes)
    except DefinitionError as exc:
        raise BuilderError(explain(exc, data)) from exc
