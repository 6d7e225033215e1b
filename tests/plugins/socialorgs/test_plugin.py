"""The plugin as a whole: migrations up / schema_diff / down / up, the translation catalogue,
the schemas it hands to the API, the settings and the demo data."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from playhouse.schema_diff import diff_models

import plugins.socialorgs as socialorgs
from core.db import db

ROOT = Path(__file__).resolve().parents[3]
HERE = ROOT / "plugins" / "socialorgs"
ZH = HERE / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
EN = HERE / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def test_migrations_up_match_models_down_and_up(make_app):
    app = make_app(plugins=[socialorgs], migrate=False)
    state = app.extensions["linli"]
    assert state.migrations.components() == ["core", "socialorgs"]
    with db.connection_context():
        state.migrations.upgrade()
        diff = diff_models(db.obj, state.models["socialorgs"])
        assert not diff.create_tables and not diff.add_columns and not diff.add_indexes, diff
        applied = state.migrations.status("socialorgs")[0].applied
        state.migrations.downgrade("socialorgs", steps=len(applied))
        tables = set(db.get_tables())
        assert not any(t.startswith("socialorgs_") for t in tables)
        state.migrations.upgrade()
        assert not diff_models(db.obj, state.models["socialorgs"]).create_tables
        assert state.migrations.status("socialorgs")[0].pending == []


def test_every_string_of_the_plugin_is_translated():
    with (HERE / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = {
        (m[0] if isinstance(m, tuple) else m)
        for _f, _n, m, _c, _ctx in extract_from_dir(str(ROOT), method_map, options_map, keywords)
        if m
    }
    assert "Social organisation search" in found  # templates were read
    assert "Choose filing or registration." in found  # python was read
    zh = read_po(ZH.open("rb"))
    problems = []
    for text in sorted(found):
        entry = zh.get(text)
        if entry is None or not entry.string or "fuzzy" in entry.flags:
            problems.append(f"missing or empty: {text!r}")
        elif set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(entry.string)):
            problems.append(f"placeholders differ: {text!r}")
    assert not problems, "\n".join(problems)
    en = read_po(EN.open("rb"))
    assert {m.id for m in en if m.id} == {m.id for m in zh if m.id}
    assert all(not m.string for m in en if m.id)


def test_schemas_map_each_model_to_its_schema():
    from marshmallow import Schema

    schemas = socialorgs.linli_schemas()
    assert isinstance(schemas, dict) and len(schemas) >= 8
    models = set(socialorgs.linli_models())
    for model, schema in schemas.items():
        assert issubclass(schema, Schema) and schema.Meta.model is model and model in models
    from plugins.socialorgs.schemas import OrganisationSchema

    errors = OrganisationSchema().validate({"name": "x", "unit": 1, "credit_code": "12345"})
    assert "credit_code" in errors


def test_settings_have_documented_defaults(app):
    keys = {s.key: s for s in socialorgs.linli_settings()}
    assert keys["target_urban"].default == 10 and keys["target_rural"].default == 5
    assert keys["registration_days"].default == 60 and keys["change_window_days"].default == 30
    assert keys["abnormal_months"].default == 6 and keys["dishonest_years"].default == 2
    assert all(s.doc for s in keys.values())


def test_demo_is_populated_and_idempotent(people):
    from core import demo
    from plugins.socialorgs.models import Organisation

    with people.app_context():
        db.connect(reuse_if_open=True)
        count = Organisation.select().count()
        assert count >= 9
        assert Organisation.select().where(Organisation.state == "registered").count() >= 3
        demo.load()
        assert Organisation.select().count() == count
