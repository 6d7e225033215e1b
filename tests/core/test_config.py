"""Configuration: defaults, instance file, environment; one clear line for bad values."""

import pytest
from click.testing import CliRunner

from core import config
from core.cli import main
from core.config import ConfigError

SECRET = {"LINLI_SECRET_KEY": "x" * 20}


def test_defaults_use_sqlite_in_instance(tmp_path):
    values = config.load(tmp_path, environ=SECRET)
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path.resolve() / 'linli.sqlite3'}"
    assert values["UPLOAD_DIR"] == str(tmp_path.resolve() / "uploads")
    assert values["DEFAULT_LOCALE"] == "zh_Hans_CN"
    assert values["BLOCKED_PLUGINS"] == []


def test_environment_overrides_file(tmp_path):
    (tmp_path / "linli.toml").write_text('secret_key = "from-file-0123456789"\npage_size = 50\n')
    values = config.load(
        tmp_path, environ={"LINLI_PAGE_SIZE": "30", "LINLI_BLOCKED_PLUGINS": "a, b"}
    )
    assert values["SECRET_KEY"] == "from-file-0123456789"
    assert values["PAGE_SIZE"] == 30
    assert values["BLOCKED_PLUGINS"] == ["a", "b"]


@pytest.mark.parametrize(
    "environ, message",
    [
        ({}, "LINLI_SECRET_KEY: missing"),
        ({"LINLI_SECRET_KEY": "short"}, "LINLI_SECRET_KEY (environment): must be at least 16"),
        (
            {**SECRET, "LINLI_DATABASE_URL": "mysql://x/y"},
            "LINLI_DATABASE_URL (environment): must start with sqlite:/// or postgresql://",
        ),
        (
            {**SECRET, "LINLI_PAGE_SIZE": "many"},
            "LINLI_PAGE_SIZE (environment): must be a whole number",
        ),
        ({**SECRET, "LINLI_PAGE_SIZE": "0"}, "LINLI_PAGE_SIZE (environment): must be a positive"),
        ({**SECRET, "LINLI_DEFAULT_LOCALE": "fr"}, "LINLI_DEFAULT_LOCALE (environment): must be"),
        (
            {**SECRET, "LINLI_SESSION_IDLE_MINUTES": "31"},
            "LINLI_SESSION_IDLE_MINUTES (environment): must be 1 to 30",
        ),
    ],
)
def test_bad_settings_give_one_line(tmp_path, environ, message):
    with pytest.raises(ConfigError) as err:
        config.load(tmp_path, environ=environ)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_bad_instance_file(tmp_path):
    (tmp_path / "linli.toml").write_text("secret_key = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(tmp_path, environ={})
    (tmp_path / "linli.toml").write_text('secert_key = "0123456789abcdef"\n')
    with pytest.raises(ConfigError, match="LINLI_SECERT_KEY \\(linli.toml\\): unknown setting"):
        config.load(tmp_path, environ={})


def test_init_writes_a_secret_once(tmp_path):
    path = config.write_initial(tmp_path)
    first = path.read_text()
    assert "secret_key" in first
    assert config.write_initial(tmp_path) is None
    assert path.read_text() == first
    assert len(config.load(tmp_path, environ={})["SECRET_KEY"]) >= 32


def test_cli_refuses_to_start_with_bad_config(tmp_path):
    runner = CliRunner()
    env = {
        "LINLI_INSTANCE_PATH": str(tmp_path),
        "LINLI_SECRET_KEY": "0123456789abcdef",
        "LINLI_DATABASE_URL": "oracle://db",
    }
    result = runner.invoke(main, ["db", "status"], env=env)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "linli: LINLI_DATABASE_URL (environment): must start with sqlite:/// or postgresql://"
    ]


def test_cli_refuses_unknown_blocked_plugin(tmp_path):
    env = {
        "LINLI_INSTANCE_PATH": str(tmp_path),
        "LINLI_SECRET_KEY": "0123456789abcdef",
        "LINLI_BLOCKED_PLUGINS": "nosuch",
    }
    result = CliRunner().invoke(main, ["plugins", "list"], env=env)
    assert result.exit_code == 2
    assert "plugin 'nosuch' is blocked in configuration but is not installed" in result.output


def test_help_still_lists_commands_with_a_broken_configuration(tmp_path):
    env = {"LINLI_INSTANCE_PATH": str(tmp_path), "LINLI_SECRET_KEY": ""}
    result = CliRunner().invoke(main, ["--help"], env=env)
    assert result.exit_code == 0
    assert "plugins" in result.output and "db" in result.output and "demo" in result.output
