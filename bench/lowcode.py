"""Low-code benchmarks (低代码性能): a 200-field form, and filtering on a custom field.

1. A definition of 200 fields (plus a repeat group of 10 rows) is parsed, built into a
   WTForms form, rendered to HTML and validated (engine and marshmallow schema), against a
   hand-written WTForms form with the same 200 fields and equivalent validators, rendered and
   validated in the same process.
2. 100,000 notices (the sample plugin's district-owned model) with a district custom field
   "floor": filtering on the custom field against filtering on built-in columns (an
   unindexed text column and an indexed foreign key), both as the query the admin list runs
   (count + first page) and as the admin list page itself.

Run: ``python -m bench lowcode [--rows N] [--repeat N]``. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from core.commands import Context


def _time(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _row(name, ours, base):
    print(f"{name:<58} {ours:>10.2f} {base:>10.2f} {ours / base:>7.2f}x")


def big_definition(n=200):
    kinds = ["text", "integer", "decimal", "date", "yes_no_na", "choice", "mobile", "long_text"]
    fields = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        f = {"key": f"f{i}", "type": kind, "label_zh": f"第{i}项", "required": i % 3 == 0}
        if kind == "text":
            f["max_length"] = 50
        if kind in ("integer", "decimal"):
            f.update(min=0, max=1000)
        if kind == "choice":
            f["choices"] = [{"code": c, "label_zh": c} for c in ("a", "b", "c", "d")]
        fields.append(f)
    return {
        "key": "big",
        "title_zh": "大表单",
        "sections": [
            {"key": "main", "label_zh": "主体", "fields": fields},
            {
                "key": "rows",
                "label_zh": "重复组",
                "repeat": {"min": 1, "max": 20},
                "fields": [
                    {"key": "floor", "type": "integer", "label_zh": "楼层", "required": True},
                    {"key": "ok", "type": "yes_no_na", "label_zh": "合格"},
                ],
            },
        ],
    }


def sample_answers(definition):
    values = {
        "text": "某某",
        "integer": "12",
        "decimal": "3.5",
        "date": "2026-11-20",
        "yes_no_na": "yes",
        "choice": "b",
        "mobile": "13800138000",
        "long_text": "说明",
    }
    data = {f["key"]: values[f["type"]] for f in definition["sections"][0]["fields"]}
    data["rows"] = [{"floor": str(i), "ok": "no"} for i in range(1, 11)]
    return data


def form_benchmark(repeat):
    from flask import Flask, render_template_string
    from werkzeug.datastructures import MultiDict
    from wtforms import Form, IntegerField, SelectField, StringField, TextAreaField
    from wtforms import validators as wv

    from forms.definition import parse
    from forms.engine import schema_class, validate
    from forms.wtform import wtform_class

    definition = big_definition()
    data = sample_answers(definition)
    formdata = MultiDict({k: v for k, v in data.items() if isinstance(v, str)})
    for i, row in enumerate(data["rows"]):
        for k, v in row.items():
            formdata[f"rows-{i}-{k}"] = v

    app = Flask("bench", root_path=str(Path(__file__).resolve().parent.parent / "core"))
    template = "{% for f in form %}{{ f.label }}{{ f() }}{% endfor %}"

    def ours():
        form_def = parse(definition)
        cls = wtform_class(form_def, base=Form)
        with app.test_request_context(method="POST"):
            form = cls(formdata)
            render_template_string(template, form=form)
            assert form.validate(), form.definition_errors
        schema_class(form_def)().load(data)
        validate(form_def, data)

    attrs = {}
    for f in definition["sections"][0]["fields"]:
        checks = [wv.InputRequired()] if f["required"] else [wv.Optional()]
        if f["type"] == "text":
            attrs[f["key"]] = StringField(f["label_zh"], checks + [wv.Length(max=50)])
        elif f["type"] == "integer":
            attrs[f["key"]] = IntegerField(f["label_zh"], checks + [wv.NumberRange(0, 1000)])
        elif f["type"] in ("choice", "yes_no_na"):
            options = ["a", "b", "c", "d"] if f["type"] == "choice" else ["yes", "no", "na"]
            attrs[f["key"]] = SelectField(f["label_zh"], choices=options, validators=checks)
        elif f["type"] == "long_text":
            attrs[f["key"]] = TextAreaField(f["label_zh"], checks)
        else:
            attrs[f["key"]] = StringField(f["label_zh"], checks)
    plain = type("Plain", (Form,), attrs)

    def baseline():
        with app.test_request_context(method="POST"):
            form = plain(formdata)
            render_template_string(template, form=form)
            form.validate()

    ours()
    baseline()
    a, b = _time(ours, repeat), _time(baseline, repeat)
    print("\n200-field form (+10 repeat rows): parse, build, render, validate (ms, median)")
    print(f"{'figure':<58} {'engine':>10} {'WTForms':>10} {'ratio':>8}")
    _row("definition form vs hand-written WTForms form", a, b)
    return {"form_ms": a, "plain_ms": b}


def filter_benchmark(rows, repeat):
    from bench._common import demo_app
    from core.db import db

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-lowcode-"))
    app = demo_app(tmp)

    from core.models import TerritoryUnit
    from forms import services as forms_services
    from forms.models import CustomValue
    from tests.sample_plugins.noticeboard.models import Notice

    with app.app_context(), db.connection_context():
        district = TerritoryUnit.get(TerritoryUnit.code == "990101")
        units = [u.id for u in TerritoryUnit.select().where(TerritoryUnit.level == "building")]
        field = forms_services.add_custom_field(
            Context.trusted(),
            district,
            "noticeboard",
            Notice,
            {"key": "floor", "type": "integer", "label_zh": "楼层", "min": 1, "max": 60},
        )
        print(f"\ngenerating {rows:,} notices with a custom field ...", flush=True)
        started = time.perf_counter()
        with db.atomic():
            for start in range(0, rows, 2000):
                batch = range(start, min(start + 2000, rows))
                Notice.insert_many(
                    [
                        {"unit": units[i % len(units)], "title": f"通知{i}", "body": ""}
                        for i in batch
                    ]
                ).execute()
            ids = [n.id for n in Notice.select(Notice.id).order_by(Notice.id)]
            for start in range(0, len(ids), 2000):
                CustomValue.insert_many(
                    [
                        {
                            "field": field.id,
                            "record_id": rid,
                            "value_text": str(i % 60 + 1),
                            "value_number": i % 60 + 1,
                        }
                        for i, rid in enumerate(ids[start : start + 2000], start)
                    ]
                ).execute()
        print(f"  generated in {time.perf_counter() - started:.1f} s")

        target_unit = units[7]
        title = f"通知{rows // 2}"
        fdef = forms_services.field_def(field)

        def page(query):
            query.count()
            list(query.order_by(Notice.id).limit(20))

        custom = Notice.select().where(forms_services.filter_condition(Notice, field, fdef, "37"))
        by_title = Notice.select().where(Notice.title == title)
        by_unit = Notice.select().where(Notice.unit == target_unit)
        figures = {
            "custom": _time(lambda: page(custom), repeat),
            "title": _time(lambda: page(by_title), repeat),
            "unit": _time(lambda: page(by_unit), repeat),
        }
        matches = (custom.count(), by_title.count(), by_unit.count())

    client = app.test_client()
    token_page = client.get("/auth/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
    client.post(
        "/auth/login", data={"username": "admin", "password": "Admin-pass-123", "csrf_token": token}
    )
    unit_id = target_unit
    urls = {
        "custom": "/admin/noticeboard/notice/?cf_floor=37",
        "title": f"/admin/noticeboard/notice/?flt0_14={title}",
        "unit": f"/admin/noticeboard/notice/?flt0_7={unit_id}",
    }
    for url in urls.values():
        assert client.get(url).status_code == 200, url
    pages = {k: _time(lambda u=u: client.get(u), repeat) for k, u in urls.items()}

    print(
        f"\nfiltering {rows:,} notices (ms, median of {repeat}); matches: custom field "
        f"{matches[0]:,}, title {matches[1]:,}, unit {matches[2]:,}"
    )
    print(f"{'figure':<58} {'custom':>10} {'built-in':>10} {'ratio':>8}")
    _row(
        "query (count + first page): custom vs unindexed text column",
        figures["custom"],
        figures["title"],
    )
    _row(
        "query (count + first page): custom vs indexed foreign key",
        figures["custom"],
        figures["unit"],
    )
    _row("admin list page: custom vs unindexed text column", pages["custom"], pages["title"])
    _row("admin list page: custom vs indexed foreign key", pages["custom"], pages["unit"])
    return {"query": figures, "pages": pages, "matches": matches, "rows": rows}


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench lowcode")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    results = {
        "form": form_benchmark(args.repeat),
        "filter": filter_benchmark(args.rows, args.repeat),
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "lowcode.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\nraw figures: {out / 'lowcode.json'}")
