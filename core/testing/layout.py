"""The shape of a plugin package (插件目录结构), checked by the plugin contract.

Every plugin — the built-ins, an outside package, what ``linli plugins new`` writes — has the
same parts under the same names, so that a newcomer finds any feature by its folder::

    <package>/
      __init__.py   manifest and hook implementations only (wiring)       required
      models.py     peewee models                                          required
      settings.py   per-district settings with documented defaults         required
      demo.py       demonstration data (``linli demo``)                    required
      translations/ zh_Hans_CN and en catalogues                           required
      rules.py      rules as plain functions (no Flask, no request)
      commands.py   the Rules of the models (core.commands: every write path runs them)
      services.py   operations that change state, taking a core.commands.Context
      flows.py      workflows (core.workflow)
      schemas.py    marshmallow schemas: API, import, export
      forms.py      WTForms and low-code form definitions
      admin.py      Flask-Admin views
      views.py      portal and public pages
      reports.py    dashboard widgets, statistics, exports, printed documents
      events.py     subscribers to events (the ``linli_event`` hook)
      importer.py   a subject's own spreadsheet import (beyond the API's generic one)
      privacy.py    a person's copy and erasure of their personal information (the
                    ``linli_personal_data`` and ``linli_erase_personal_data`` hooks)
      cli.py        click commands
      templates/<id>/, static/<id>/, definitions/ (form data), migrations/
      <subject>/    a subject subpackage with the same parts inside (models, rules,
                    commands, services, flows, schemas, forms, admin, views, reports,
                    events, importer)

A module that is none of these is refused with its name and the parts it may be: put a
subject's code into a subpackage named after the subject, never into a file named after the
order in which it was written.
"""

from __future__ import annotations

from pathlib import Path

PARTS = {
    "__init__": "manifest and hook implementations",
    "models": "peewee models",
    "rules": "rules as plain functions",
    "commands": "the Rules of the models",
    "services": "operations that change state",
    "flows": "workflows",
    "schemas": "marshmallow schemas",
    "forms": "WTForms and form definitions",
    "admin": "Flask-Admin views",
    "views": "portal and public pages",
    "reports": "dashboard widgets, statistics, exports and printed documents",
    "events": "event subscribers",
    "importer": "a subject's own spreadsheet import",
    "settings": "per-district settings",
    "demo": "demonstration data",
    "cli": "click commands",
    "privacy": "a person's copy and erasure of their personal information",
}
TOP_ONLY = {"settings", "demo", "cli", "privacy"}
REQUIRED = ("__init__", "models", "settings", "demo")
FOLDERS = {"translations", "templates", "static", "definitions", "migrations", "__pycache__"}
LOCALES = ("zh_Hans_CN", "en")


def layout_problems(folder: Path, plugin_id: str | None = None) -> list[str]:
    """What in the package at ``folder`` departs from the plugin layout (empty: none)."""
    folder = Path(folder)
    problems = []
    modules = {p.stem for p in folder.glob("*.py")}
    for name in REQUIRED:
        if name not in modules:
            problems.append(f"{folder.name}: {name}.py is missing ({PARTS[name]})")
    for locale in LOCALES:
        po = folder / "translations" / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            problems.append(
                f"{folder.name}: translations/{locale}/LC_MESSAGES/messages.po is missing"
            )
    problems += _modules(folder, folder.name, top=True)
    templates = folder / "templates"
    if plugin_id and templates.is_dir():
        for child in templates.iterdir():
            if child.name != plugin_id:
                problems.append(
                    f"{folder.name}: templates/{child.name} — templates live in "
                    f"templates/{plugin_id}/"
                )
    return problems


def _modules(folder: Path, where: str, top: bool) -> list[str]:
    problems = []
    allowed = set(PARTS) if top else set(PARTS) - TOP_ONLY
    for path in sorted(folder.iterdir()):
        if path.suffix == ".py":
            if path.stem not in allowed:
                problems.append(
                    f"{where}/{path.name}: not a part of the plugin layout; the parts are "
                    f"{', '.join(sorted(allowed - {'__init__'}))}, or a subject subpackage"
                )
        elif path.is_dir() and path.name not in FOLDERS and not path.name.startswith("."):
            if (path / "__init__.py").exists():
                if not top:
                    problems.append(f"{where}/{path.name}/: subject subpackages do not nest")
                    continue
                problems += _modules(path, f"{where}/{path.name}", top=False)
                parts = {p.stem for p in path.glob("*.py")} - {"__init__"}
                if not parts:
                    problems.append(f"{where}/{path.name}/: a subject subpackage without parts")
            else:
                problems.append(
                    f"{where}/{path.name}/: not a folder of the plugin layout "
                    f"({', '.join(sorted(FOLDERS - {'__pycache__'}))}, or a subject subpackage)"
                )
    return problems
