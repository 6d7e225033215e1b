"""Every page reads as text for people (可读的结果): no raw JSON, no Python repr, no internal code.

With the demo loaded and every plugin active, the walk of ``test_escaping`` (every admin list,
details and edit page, every portal and public page the platform administrator reaches) is
made once without payloads, and the visible text of each HTML page (outside ``<script>``,
``<style>``, ``<pre>``, ``<code>`` and ``<textarea>``: code samples and form input) must not
hold:

- raw JSON (``{"…":`` or ``[{``);
- a Python repr (``<… object at 0x``, ``datetime.datetime(``, ``datetime.date(``,
  ``Decimal(``, ``Fraction(``, ``{'…':``);
- a table cell (``<td>``, ``<dd>``, ``<th>`` of a details row) that says only ``None``,
  ``True`` or ``False``;
- a table cell that holds only the code of a field with choices (``pending_review``) where the
  field has a label for it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from tests.core.test_escaping import close_site, walk_site

# the words on the pages do not depend on the database: SQLite only (tests/run_both.sh)
pytestmark = pytest.mark.words

HIDDEN = {"script", "style", "pre", "code", "textarea", "template"}
CELLS = {"td", "dd"}
VOID = {"br", "img", "input", "hr", "meta", "link", "area", "base", "col", "source", "wbr"}
JSON = re.compile(r'\{\s*"[^"\n]{1,80}"\s*:|\[\s*\{')
REPR = re.compile(
    r"<[\w.]+ object at 0x|datetime\.datetime\(|datetime\.date\(|Decimal\(|Fraction\("
    r"|\{\s*'[^'\n]{1,80}'\s*:"
)
WORDS = {"None", "True", "False"}
# (page, code) -> why the code is right there: the page lists the codes themselves
CODE_PAGES = {
    "/admin/core/role/": "the list of roles shows each role's code (an identifier, like a login)",
}


class Visible(HTMLParser):
    """The visible text of a page, and the text of each table cell."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.stack: list[str] = []
        self.text: list[str] = []
        self.cells: list[list[str]] = []
        self.open_cells: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag in HIDDEN:
            self.hidden += 1
        if tag in CELLS:
            self.open_cells.append([])

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in HIDDEN:
                self.hidden -= 1
            if top in CELLS and self.open_cells:
                self.cells.append(self.open_cells.pop())
            if top == tag:
                break

    def handle_data(self, data):
        if self.hidden:
            return
        self.text.append(data)
        for cell in self.open_cells:
            cell.append(data)


def choice_codes(app) -> dict[str, str]:
    """code -> field, for every code of a field with choices whose label differs from it and
    which reads as a code (lower-case letters, digits, underscores, with an underscore)."""
    codes = {}
    state = app.extensions["linli"]
    for _pid, models in state.models.items():
        for model in models:
            for name, field in model._meta.fields.items():
                for choice in field.choices or ():
                    if not isinstance(choice, (tuple, list)) or len(choice) != 2:
                        continue
                    code, label = choice
                    if isinstance(code, str) and re.fullmatch(r"[a-z][a-z0-9]*_[a-z0-9_]+", code):
                        if str(label) != code:
                            codes[code] = f"{model._meta.table_name}.{name}"
    from core.workflow import _registry

    for model, flow in _registry.items():
        for code, label in flow.state_choices():
            if re.fullmatch(r"[a-z][a-z0-9]*_[a-z0-9_]+", code) and str(label) != code:
                codes.setdefault(code, f"{model._meta.table_name} workflow")
    return codes


def problems_of(html: str, codes: dict[str, str], url: str = "") -> list[str]:
    parser = Visible()
    parser.feed(html)
    parser.close()
    text = " ".join(" ".join(parser.text).split())
    found = []
    for pattern, kind in ((JSON, "raw JSON"), (REPR, "Python repr")):
        for match in pattern.finditer(text):
            start = max(0, match.start() - 30)
            found.append(f"{kind}: …{text[start : match.end() + 40]}…")
    for cell in parser.cells:
        value = " ".join(" ".join(cell).split())
        if value in WORDS:
            found.append(f"{value} in a cell")
        elif value in codes and url not in CODE_PAGES:
            found.append(f"code {value} ({codes[value]}) in a cell")
    return found


def test_the_check_finds_what_it_must():
    codes = {"pending_review": "timebank_record.status"}
    bad = (
        '<p>{"kind": "ordinary", "result": "passed"}</p>',
        '<div>[{"row": 2, "error": "x"}]</div>',
        "<td>&lt;Meeting object at 0x7f00&gt;</td>",
        "<p>datetime.datetime(2026, 1, 1, 0, 0)</p>",
        "<p>Decimal('1.00')</p>",
        "<p>{'a': 1}</p>",
        "<table><tr><td>None</td></tr></table>",
        "<dl><dd> True </dd></dl>",
        "<table><tr><td>pending_review</td></tr></table>",
    )
    for html in bad:
        assert problems_of(html, codes), html
    good = (
        '<script type="application/json">{"a": 1}</script>',
        '<pre>{"a": 1}</pre>',
        '<code>[{"a": 1}]</code>',
        "<td>待审核</td>",
        "<p>None of these</p>",
        '<td><a href="?status=pending_review">待审核</a></td>',
        '<input value="{&quot;a&quot;: 1}">',
    )
    for html in good:
        assert not problems_of(html, codes), html


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    yield walk_site(tmp_path_factory.mktemp("readable"), with_payloads=False)
    close_site()


def test_every_page_reads_as_text(walk, capsys):
    codes = choice_codes(walk.app)
    found = defaultdict(list)
    html_pages = [p for p in walk.pages if p.html and p.status == 200]
    for page in html_pages:
        for problem in problems_of(page.html, codes, page.url):
            found[f"{page.label} {page.url}"].append(problem)
    admin = sum(p.url.startswith("/admin") for p in html_pages)
    with capsys.disabled():
        print(
            f"\nreadable: {len(html_pages)} HTML pages ({admin} admin, "
            f"{len(html_pages) - admin} portal and public), {len(codes)} choice codes watched, "
            f"{sum(len(v) for v in found.values())} problems on {len(found)} pages"
        )
    report = "\n".join(f"{page}: {'; '.join(sorted(set(p)))[:400]}" for page, p in found.items())
    assert not found, f"{len(found)} pages are not readable:\n{report}"
    assert admin >= 150 and len(html_pages) >= 200


def test_the_demo_gives_every_screen_something(walk):
    """The demo has an open meeting with ballots, a service record pending review, an overdue
    hazard and a certificate about to expire."""
    import datetime as dt

    from core.workdays import today
    from plugins.hazards.models import Hazard
    from plugins.owners.assembly.models import BallotLog, Meeting
    from plugins.timebank.models import ServiceRecord

    with walk.app.app_context():
        open_meetings = Meeting.select().where(Meeting.status == "voting_open")
        assert open_meetings.count() >= 1
        assert BallotLog.select().count() >= 3
        assert ServiceRecord.select().where(ServiceRecord.status == "pending_review").count() >= 1
        overdue = [
            h
            for h in Hazard.select()
            if h.deadline and h.deadline < today() and h.state not in ("closed", "accepted")
        ]
        assert overdue
        assert expiring_certificates(today() + dt.timedelta(days=60))


def expiring_certificates(before):
    """Social organisations whose evaluation grade (评估等级证书) runs out before ``before``."""
    from core.workdays import today
    from plugins.socialorgs.models import Organisation

    return list(
        Organisation.select().where(Organisation.grade_valid_until.between(today(), before))
    )


def test_the_tally_reads_as_the_table_of_article_278(walk):
    """A tallied matter's details page shows the two thresholds by area and by heads, each with
    its counts, share, required fraction and 通过/未通过 — no JSON."""
    from core.testing import csrf_token  # noqa: F401  (the walk's client is logged in)
    from plugins.owners.assembly.models import Matter

    with walk.app.app_context():
        special = Matter.get(Matter.item == "8", Matter.result != "")
        ordinary = Matter.get(Matter.item == "1", Matter.result != "")
    page = walk.client.get(f"/admin/owners/matter/details/?id={special.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="table table-sm table-bordered mb-1 tally"' in html
    assert not problems_of(html, {})
    for words in ("参与表决（占全体业主）", "同意（占参与表决业主）", "专有部分面积", "人数"):
        assert words in html, words
    assert "三分之二以上" in html and "四分之三以上" in html and "过半数" not in html
    # all 7 heads and the whole area took part; 464.55 of 1143.70 m² and 4 of 7 owners agreed
    assert "1143.70 平方米" in html and "464.55 平方米" in html and "40.62%" in html
    assert html.count(">通过<") == 2 and html.count(">未通过<") == 2 and "未通过" in html
    html = walk.client.get(f"/admin/owners/matter/details/?id={ordinary.id}").get_data(as_text=True)
    assert "过半数" in html and "四分之三以上" not in html and html.count(">通过<") == 4


def test_the_ballot_receipt_reads_as_text(walk):
    from plugins.owners.assembly.models import BallotLog

    with walk.app.app_context():
        row = BallotLog.select().order_by(BallotLog.id.desc()).first()
    html = walk.client.get(f"/admin/owners/ballot_log/details/?id={row.id}").get_data(as_text=True)
    assert row.receipt in html and "无（业主本人投票）" in html and "书面表决票" in html
    assert not problems_of(html, {})


def _import(walk, rows: str, dry_run: str, accept: str = "text/html", fragment=False):
    import io

    from core.testing import csrf_token

    page = walk.client.get("/admin/core/import/").get_data(as_text=True)
    token = csrf_token(page)
    data = io.BytesIO(("名称,unit\n" + rows).encode("utf-8"))
    mapped = walk.client.post(
        "/admin/core/import/",
        data={"resource": "timebank/team", "file": (data, "t.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    key = mapped.split('name="key" value="')[1].split('"')[0]
    headers = {"Accept": accept, **({"X-Linli-Fragment": "1"} if fragment else {})}
    form = {
        "resource": "timebank/team",
        "key": key,
        "map:名称": "name",
        "map:unit": "unit",
        "csrf_token": token,
        "dry_run": dry_run,
    }
    return walk.client.post("/admin/core/import/run", data=form, headers=headers)


def test_the_import_answers_a_page_with_counts_and_refused_rows(walk):
    """A browser gets the result as a page: rows read, imported and refused, and every refused
    row in a table; a script or API client still gets the same JSON."""
    from core.models import TerritoryUnit
    from plugins.timebank.models import Team

    with walk.app.app_context():
        unit = TerritoryUnit.get(TerritoryUnit.code == "990101001001").id
        before = Team.select().count()
    bad = f"导入服务队一,{unit}\n,{unit}\n导入服务队三,999999\n"
    r = _import(walk, bad, "0")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert 'id="import-counts"' in html and 'id="import-errors"' in html
    counts = re.findall(r"<th scope=\"row\">([^<]+)</th><td>([^<]+)</td>", html)
    assert counts == [("读取行数", "3"), ("导入行数", "0"), ("拒绝行数", "2")], counts
    errors = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]+)</td></tr>", html)
    assert {row for row, _c, _m in errors} == {"3", "4"}, errors
    assert not problems_of(html, {}) and "导入其他文件" in html
    with walk.app.app_context():
        assert Team.select().count() == before  # refused: nothing written
    fragment = _import(walk, bad, "1", fragment=True).get_data(as_text=True)
    assert fragment.lstrip().startswith("{#") is False and "<html" not in fragment
    assert 'id="import-errors"' in fragment
    good = f"导入服务队一,{unit}\n导入服务队二,{unit}\n"
    dry = _import(walk, good, "1").get_data(as_text=True)
    assert "试导入" in dry and ("可导入行数", "2") in re.findall(
        r"<th scope=\"row\">([^<]+)</th><td>([^<]+)</td>", dry
    )
    as_json = _import(walk, good, "0", accept="application/json")
    assert as_json.get_json() == {"rows": 2, "created": 2, "dry_run": False}
    with walk.app.app_context():
        assert Team.select().count() == before + 2
