"""Migrations: a contract test per component, ordering, and a failure half-way."""

import pytest
from playhouse.schema_diff import diff_models

from core.cli import main
from core.db import db
from core.migrations import MigrationFailed
from tests.conftest import builtin_plugins
from tests.sample_plugins import brokenmig, noticeboard, noticeboard_extra


def tables():
    return set(db.get_tables())


def test_every_component_migrates_up_matches_models_down_and_up(make_app):
    """For each component: up on an empty database, schema_diff finds nothing missing,
    down to empty, up again."""
    builtin = builtin_plugins()
    app = make_app(plugins=[noticeboard, noticeboard_extra, *builtin], migrate=False)
    state = app.extensions["linli"]
    components = state.migrations.components()
    # noticeboard_extra has no migrations; every built-in plugin has
    assert components[0] == "core"
    assert sorted(components[1:]) == sorted(["noticeboard", *(p.MANIFEST.id for p in builtin)])
    checked = []
    with db.connection_context():
        state.migrations.upgrade()
        for component in components:
            models = state.models[component]
            diff = diff_models(db.obj, models)
            assert not diff.create_tables and not diff.add_columns, f"{component}: {diff}"
            assert not diff.add_indexes, f"{component}: missing indexes {diff}"
            checked.append(component)
        for component in reversed(components):
            applied = state.migrations.status(component)[0].applied
            state.migrations.downgrade(component, steps=len(applied))
            for model in state.models[component]:
                assert model._meta.table_name not in tables()
        state.migrations.upgrade()
        for component in components:
            assert not diff_models(db.obj, state.models[component]).create_tables
            assert state.migrations.status(component)[0].pending == []
    assert checked == components


def test_history_table_per_component(make_app):
    make_app(plugins=[noticeboard])
    with db.connection_context():
        assert {"migrations_core", "migrations_noticeboard"} <= tables()


def test_plugin_with_pending_migrations_is_not_active(make_app):
    app = make_app(plugins=[noticeboard], migrate=False)
    state = app.extensions["linli"]
    assert state.kernel.get("noticeboard").state == "pending"
    assert "noticeboard_notice" not in app.view_functions.get("noticeboard_notice.index_view", "")


def test_failing_migration_leaves_previous_version(make_app):
    app = make_app(plugins=[brokenmig], migrate=False)
    state = app.extensions["linli"]
    with db.connection_context():
        state.migrations.upgrade("core")
        with pytest.raises(MigrationFailed) as err:
            state.migrations.upgrade("brokenmig")
        message = str(err.value)
        assert message.startswith("brokenmig: migration 0002_fails failed (")
        assert message.endswith("brokenmig stays at 0001_first")
        assert "brokenmig_ok" in tables()
        assert "brokenmig_half" not in tables()
        status = state.migrations.status("brokenmig")[0]
        assert status.applied == ["0001_first"] and status.pending == ["0002_fails"]


def test_cli_upgrade_failure_exits_non_zero(make_app, tmp_path, database_url):
    app = make_app(plugins=[brokenmig], migrate=False)
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "brokenmig: migration 0002_fails failed" in result.output
    assert "stays at 0001_first" in result.output
    result = runner.invoke(main, ["db", "status"])
    assert "core: at " in result.output and "core: at (empty)" not in result.output
    assert result.output.startswith("core: at ") and ", 0 pending\nbrokenmig" in result.output
    assert "brokenmig: at 0001_first, 1 applied, 1 pending" in result.output


def test_cli_db_commands(make_app):
    app = make_app(plugins=[noticeboard, noticeboard_extra], migrate=False)
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["db", "upgrade", "--plugin", "noticeboard"])
    assert result.exit_code == 1
    assert "noticeboard requires core, which has pending migrations" in result.output
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.output.strip() == "nothing to apply"
    result = runner.invoke(main, ["db", "downgrade", "--plugin", "core"])
    assert result.exit_code == 1
    assert "cannot revert core: noticeboard still have applied migrations" in result.output
    result = runner.invoke(main, ["db", "downgrade", "--plugin", "ghost"])
    assert result.exit_code == 1 and "unknown plugin 'ghost'" in result.output
    result = runner.invoke(main, ["db", "downgrade"], input="n\n")
    assert result.exit_code == 1 and "cancelled; nothing was changed" in result.output
    result = runner.invoke(main, ["db", "downgrade", "--yes"])
    assert result.exit_code == 0
    assert result.output.strip() == "noticeboard: reverted 0002_contact"
    result = runner.invoke(main, ["db", "status", "--plugin", "noticeboard"])
    assert "noticeboard: at 0001_initial, 1 applied, 1 pending" in result.output
    result = runner.invoke(
        main, ["db", "downgrade", "--plugin", "noticeboard", "--steps", "5", "--yes"]
    )
    assert result.output.strip() == "noticeboard: reverted 0001_initial"


def test_makemigration_writes_nothing_when_models_match(make_app):
    app = make_app(plugins=[noticeboard])
    result = app.test_cli_runner().invoke(
        main, ["db", "makemigration", "--plugin", "noticeboard", "check"]
    )
    assert result.exit_code == 0
    assert "models and database agree" in result.output
