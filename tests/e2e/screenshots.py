"""Screenshots of the admin for the README's tour (导览截图): ``make screenshots`` or
``python -m tests.e2e.screenshots [FOLDER]`` (default docs/screenshots/).

Starts the demo (every built-in plugin, ``linli demo``'s data) on 127.0.0.1 in a temporary
folder, logs in as the demo's administrator (setting a new password, as at a first login),
and saves each page at 1280 × 800 and on a phone (360 × 740), as shown on opening (not the
whole page). Not part of ``make test``; tests/core/test_docs.py checks that the README
shows only screenshots that exist."""

from __future__ import annotations

import csv
import io
import logging
import sys
import tempfile
from pathlib import Path

from core.db import db
from core.testing import builtin_plugins, migrated_app
from tests.e2e.server import chromium, first_login, serve_demo

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "docs" / "screenshots"
SIZES = {"desktop": (1280, 800), "phone": (360, 740)}
NEW_PASSWORD = "Tour-pass-2026"
COMMUNITY = "990101001001"  # 幸福社区 of the demo


def tour_records(app) -> dict[str, int]:
    """The demo's records the tour opens: its first hazard, and the first matter of the
    meeting it has tallied (the one still voting has no tally yet)."""
    from plugins.hazards.models import Hazard
    from plugins.owners.assembly.models import Matter, Meeting

    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            hazard = Hazard.select().order_by(Hazard.id).first()
            matter = (
                Matter.select()
                .join(Meeting)
                .where((Matter.tally != "") & (Meeting.status != "voting_open"))
                .order_by(Matter.id)
                .first()
            )
            return {"hazard": hazard.id, "matter": matter.id}
        finally:
            db.close()


def _premises_file(folder: Path) -> Path:
    """Three premises to import, the second of an unknown kind (the row the import refuses)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "kind", "unit", "address"])
    writer.writerow(["幸福超市", "shop", COMMUNITY, "幸福路1号"])
    writer.writerow(["星光网吧", "火箭发射场", COMMUNITY, "幸福路3号"])
    writer.writerow(["东湖锅炉房", "boiler_room", COMMUNITY, "东湖路8号"])
    path = folder / "premises.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


def _import_result(page, base: str, upload: Path) -> None:
    page.goto(f"{base}/admin/core/import/")
    page.select_option("#resource", "hazards/premises")
    page.set_input_files("#file", str(upload))
    page.click("#import-upload button")
    page.wait_for_selector("#import-run")
    page.click("#import-run button[name=dry_run][value='1']")
    page.wait_for_selector("#import-result :first-child")
    page.locator("#import-result").evaluate(
        "e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -90); }"
    )


def _open_at(page, url: str, selector: str) -> None:
    """Open ``url`` scrolled to ``selector`` (a little of what is above it still shown)."""
    page.goto(url)
    page.locator(selector).first.evaluate(
        "e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -90); }"
    )


def tour(base: str, ids: dict[str, int], upload: Path):
    """(file name, how to get there): the pages of the README's tour, in its order."""
    return [
        ("dashboard", lambda page: page.goto(f"{base}/admin/")),
        ("hazards-list", lambda page: page.goto(f"{base}/admin/hazards/hazard/")),
        (
            "hazard-details",
            lambda page: _open_at(
                page, f"{base}/admin/hazards/hazard/details/?id={ids['hazard']}", "#workflow"
            ),
        ),
        ("todo", lambda page: page.goto(f"{base}/admin/todo/")),
        (
            "owners-tally",
            lambda page: _open_at(
                page, f"{base}/admin/owners/matter/details/?id={ids['matter']}", "table.tally"
            ),
        ),
        ("import-result", lambda page: _import_result(page, base, upload)),
    ]


def take(folder: Path = FOLDER) -> list[Path]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory(prefix="linli-shots-") as tmp:
        tmp = Path(tmp)
        app = migrated_app(
            tmp / "instance", f"sqlite:///{tmp / 'linli.sqlite3'}", builtin_plugins()
        )
        upload = _premises_file(tmp)
        with serve_demo(app) as server, chromium() as context:
            page = context.new_page()
            first_login(page, server.url, server.admin_password, NEW_PASSWORD)
            steps = tour(server.url, tour_records(app), upload)
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                for name, go in steps:
                    go(page)
                    page.wait_for_load_state("load")
                    path = folder / f"{name}-{size}.png"
                    page.screenshot(path=str(path), full_page=False)
                    saved.append(path)
    return saved


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for path in take(Path(argv[0]) if argv else FOLDER):
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
            f"  {path.stat().st_size // 1024} KB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
