"""``linli plugins new ID`` (插件脚手架): a complete, installable plugin package.

The package has its own ``pyproject.toml`` declaring the ``linli.plugins`` entry point, a
manifest and hooks, a district-owned peewee model with its migration, an admin view, a
marshmallow schema (a REST resource), a portal page with a form, a service that checks the
user's scope and emits an event, Chinese and English catalogues (compiled), and tests that
use Linli's pytest fixtures and run the plugin contract. ``pip install -e DIR`` makes it
discoverable; ``linli db upgrade`` and ``linli plugins enable ID --district CODE`` switch it
on.

A bad id (not 2-32 lower-case letters, digits or ``_`` starting with a letter, or a Python
keyword), an id an installed plugin already uses, or an existing target directory is
refused with one line naming the problem, and nothing is created.
"""

from __future__ import annotations

import keyword
import shutil
import tempfile
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path
from string import Template

from core.kernel import CORE_ID, ENTRY_POINT_GROUP, ID_PATTERN

TEMPLATES = Path(__file__).resolve().parent / "template"


class ScaffoldError(Exception):
    """The plugin cannot be created; ``str(error)`` names the problem. Nothing was written."""


def check_id(plugin_id: str) -> None:
    if not ID_PATTERN.match(plugin_id or "") or keyword.iskeyword(plugin_id):
        raise ScaffoldError(
            f"invalid plugin id {plugin_id!r}: use 2-32 lower-case letters, digits or _, "
            "starting with a letter and not a Python keyword (for example parking_permits)"
        )
    if plugin_id == CORE_ID:
        raise ScaffoldError("plugin id 'core' is taken by the core itself")
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == plugin_id:
            dist = ep.dist.name if ep.dist else ep.value
            raise ScaffoldError(
                f"plugin id {plugin_id!r} is taken: the installed package {dist} declares it"
            )
    try:
        taken = find_spec(package_name(plugin_id)) is not None
    except (ImportError, ValueError):
        taken = False
    if taken:
        raise ScaffoldError(
            f"plugin id {plugin_id!r}: a module named {package_name(plugin_id)} is already "
            "importable; choose another id"
        )


def package_name(plugin_id: str) -> str:
    return f"linli_{plugin_id}"


def project_dir(plugin_id: str) -> str:
    return f"linli-{plugin_id.replace('_', '-')}"


def create(plugin_id: str, parent: Path, label_zh: str = "", label_en: str = "") -> Path:
    """Write the package ``parent/linli-<id>``; return its path."""
    check_id(plugin_id)
    parent = Path(parent)
    if not parent.is_dir():
        raise ScaffoldError(f"the directory {parent} does not exist")
    target = parent / project_dir(plugin_id)
    if target.exists():
        raise ScaffoldError(f"{target} already exists; nothing was created")
    label_en = label_en.strip() or plugin_id.replace("_", " ").capitalize()
    label_zh = label_zh.strip() or label_en
    values = {
        "id": plugin_id,
        "package": package_name(plugin_id),
        "project": project_dir(plugin_id),
        "label_zh": label_zh,
        "label_en": label_en,
    }
    staging = Path(tempfile.mkdtemp(prefix=f".{plugin_id}-", dir=parent))
    try:
        for source in sorted(TEMPLATES.rglob("*")):
            if source.is_dir() or "__pycache__" in source.parts:
                continue
            relative = Template(str(source.relative_to(TEMPLATES))).substitute(values)
            relative = relative.removesuffix(".tmpl")
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text(encoding="utf-8")
            path.write_text(Template(text).substitute(values), encoding="utf-8")
        compile_catalogues(staging / values["package"] / "translations")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def compile_catalogues(folder: Path) -> None:
    """Write ``messages.mo`` beside each ``messages.po`` (``make install`` does the same)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
