"""The plugin layout check (core/testing/layout.py) says what departs from the shape, naming
the file; a package in the shape passes."""

from __future__ import annotations

from core.testing.layout import layout_problems


def package(root, files):
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    return root


BASE = [
    "__init__.py",
    "models.py",
    "settings.py",
    "demo.py",
    "translations/zh_Hans_CN/LC_MESSAGES/messages.po",
    "translations/en/LC_MESSAGES/messages.po",
]


def test_a_package_in_the_shape_passes(tmp_path):
    root = package(
        tmp_path / "linli_parking",
        [*BASE, "commands.py", "fund/__init__.py", "fund/models.py", "fund/admin.py"],
    )
    assert layout_problems(root, "parking") == []


def test_files_named_after_history_are_refused_by_name(tmp_path):
    root = package(
        tmp_path / "linli_parking",
        [*BASE, "admin_more.py", "fund/__init__.py", "fund/fund_admin.py", "fund/settings.py"],
    )
    problems = layout_problems(root, "parking")
    assert any(p.startswith("linli_parking/admin_more.py: not a part") for p in problems)
    assert any(p.startswith("linli_parking/fund/fund_admin.py: not a part") for p in problems)
    # settings, demo and cli belong to the plugin, not to a subject
    assert any(p.startswith("linli_parking/fund/settings.py: not a part") for p in problems)


def test_missing_parts_and_catalogues_are_named(tmp_path):
    root = package(tmp_path / "linli_parking", ["__init__.py", "models.py", "odd/readme.txt"])
    problems = layout_problems(root, "parking")
    assert "linli_parking: settings.py is missing (per-district settings)" in problems
    assert "linli_parking: demo.py is missing (demonstration data)" in problems
    assert "linli_parking: translations/zh_Hans_CN/LC_MESSAGES/messages.po is missing" in problems
    assert any(
        p.startswith("linli_parking/odd/: not a folder of the plugin layout") for p in problems
    )
