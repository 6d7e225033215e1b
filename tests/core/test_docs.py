"""The documentation keeps in step with the code.

``docs/hooks.md`` documents every hook of ``core/hookspecs.py`` with its exact signature, and
``docs/operations.md`` names every instance setting of ``core.config.SETTINGS``.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from core import config, hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs"
HEADING = re.compile(r"^## (linli_\w+)\s*$")
SIGNATURE = re.compile(r"^def (\w+)\((.*)\):\s*$")


def hook_specs() -> dict:
    """Module-level ``linli_*`` functions of core.hookspecs carrying pluggy's spec marker."""
    return {
        name: obj
        for name, obj in vars(hookspecs).items()
        if name.startswith("linli_")
        and inspect.isfunction(obj)
        and getattr(obj, "linli_spec", None) is not None
    }


def documented_hooks(text: str) -> list[tuple[str, str | None]]:
    """``(heading name, first line of the first code block under it)`` in document order.

    Headings inside fenced code blocks do not count. The line is None when the section has
    no code block (or only an empty one) before the next heading.
    """
    sections: list[list] = []  # [name, first line of its first code block or None]
    in_fence = False
    capturing = False  # inside the first code block of the current hook section
    looked = True  # the current section's first code block has been seen
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            if not in_fence and not looked:
                capturing, looked = True, True
            elif in_fence:
                capturing = False
            in_fence = not in_fence
        elif in_fence:
            if capturing and stripped and sections[-1][1] is None:
                sections[-1][1] = stripped
        elif line.startswith("## "):
            match = HEADING.match(line)
            looked = match is None
            if match:
                sections.append([match.group(1), None])
    return [(name, first) for name, first in sections]


def parameters(signature_line: str | None, name: str) -> list[str] | str:
    """Parameter names of a ``def name(a, b):`` line, or a message saying what is wrong."""
    if signature_line is None:
        return "no code block after the heading"
    match = SIGNATURE.match(signature_line)
    if not match:
        return f"first line of the code block is not a def line: {signature_line!r}"
    if match.group(1) != name:
        return f"code block defines {match.group(1)!r}, heading says {name!r}"
    return [part.strip() for part in match.group(2).split(",") if part.strip()]


def test_every_hook_is_documented_with_its_exact_signature():
    specs = hook_specs()
    assert specs, "no hook specifications found in core.hookspecs"
    documented = documented_hooks((DOCS / "hooks.md").read_text(encoding="utf-8"))
    names = [name for name, _ in documented]

    duplicates = sorted({name for name in names if names.count(name) > 1})
    missing = sorted(set(specs) - set(names))
    extra = sorted(set(names) - set(specs))
    assert not (missing or extra or duplicates), (
        f"docs/hooks.md and core/hookspecs.py differ: missing from the docs {missing}, "
        f"documented but not specified {extra}, documented twice {duplicates}"
    )

    problems = []
    for name, line in documented:
        expected = list(inspect.signature(specs[name]).parameters)
        found = parameters(line, name)
        if isinstance(found, str):
            problems.append(f"{name}: {found}")
        elif found != expected:
            problems.append(
                f"{name}: documented ({', '.join(found)}), spec ({', '.join(expected)})"
            )
    assert not problems, "signatures in docs/hooks.md differ:\n" + "\n".join(problems)


def test_hooks_are_documented_in_spec_order():
    spec_order = list(hook_specs())
    doc_order = [name for name, _ in documented_hooks((DOCS / "hooks.md").read_text("utf-8"))]
    assert doc_order == spec_order


def test_every_hook_spec_has_a_docstring():
    undocumented = sorted(
        name for name, spec in hook_specs().items() if not (inspect.getdoc(spec) or "").strip()
    )
    assert not undocumented, f"hook specs without a docstring: {undocumented}"


def test_operations_guide_names_every_instance_setting():
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    missing = [
        f"LINLI_{setting.name}"
        for setting in config.SETTINGS
        if not re.search(rf"\bLINLI_{re.escape(setting.name)}\b", text)
    ]
    assert not missing, f"docs/operations.md does not mention {missing}"


def test_documented_hooks_parser_reads_headings_and_def_lines():
    text = (
        "# Title\n\n## linli_a\n\ntext\n\n```python\ndef linli_a(x, y):\n```\n\n"
        "```python\ndef other():\n```\n\n## Not a hook\n\n```python\ndef linli_b():\n```\n\n"
        "## linli_c\n\n```markdown\n## linli_d\n```\n"
    )
    documented = documented_hooks(text)
    assert documented == [("linli_a", "def linli_a(x, y):"), ("linli_c", "## linli_d")]
    assert parameters("def linli_a(x, y):", "linli_a") == ["x", "y"]
    assert parameters("def linli_a():", "linli_a") == []
    assert "heading says" in parameters("def linli_b():", "linli_a")
    assert "not a def line" in parameters("## linli_d", "linli_c")
    assert "no code block" in parameters(None, "linli_c")


def test_the_readme_tour_shows_every_screenshot_and_only_those_that_exist():
    """README's "Tour": each image is a file of docs/screenshots/, each file the screenshot
    script (tests/e2e/screenshots.py) saves is shown, and no other file lies there."""
    from tests.e2e.screenshots import SIZES, tour

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Tour", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", section)
    assert shown, "README has no tour"
    missing = [path for path in shown if not (root / path).is_file()]
    assert not missing, f"README's tour shows missing files: {missing}"
    names = [name for name, _go in tour("", {"hazard": 0, "matter": 0}, Path())]
    expected = {f"docs/screenshots/{name}-{size}.png" for name in names for size in SIZES}
    on_disk = {p.relative_to(root).as_posix() for p in (root / "docs/screenshots").glob("*")}
    assert set(shown) == expected == on_disk
