"""Configuration (配置): defaults in code, then ``instance/linli.toml``, then ``LINLI_*`` variables.

Every setting is declared once in :data:`SETTINGS` with its type, default and a check. A
missing or invalid value stops start-up with :class:`ConfigError`, whose message is one line
naming the setting and what is wrong with it.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_FILE = "linli.toml"


class ConfigError(Exception):
    """An invalid or missing setting; ``str(error)`` is the one line shown to the operator."""


@dataclass(frozen=True)
class Setting:
    name: str
    kind: type
    default: Any
    doc: str
    check: Callable[[Any], str | None] | None = None
    required: bool = False


def _database_url(value: str) -> str | None:
    if value.startswith("sqlite:///") or value.startswith(("postgresql://", "postgres://")):
        return None
    return "must start with sqlite:/// or postgresql://"


def _secret(value: str) -> str | None:
    return None if len(value) >= 16 else "must be at least 16 characters"


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be a positive whole number"


def _locale(value: str) -> str | None:
    return None if value in ("zh_Hans_CN", "en") else "must be zh_Hans_CN or en"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        str,
        None,
        "Database URL; defaults to the SQLite file instance/linli.sqlite3",
        _database_url,
    ),
    Setting("SECRET_KEY", str, None, "Signs sessions and CSRF tokens", _secret, required=True),
    Setting("BLOCKED_PLUGINS", list, [], "Installed plugins that must not be activated"),
    Setting(
        "DEFAULT_LOCALE",
        str,
        "zh_Hans_CN",
        "Interface language: zh_Hans_CN (Simplified Chinese) or en",
        _locale,
    ),
    Setting("TIMEZONE", str, "Asia/Shanghai", "Time zone in which timestamps are shown"),
    Setting("UPLOAD_DIR", str, None, "Upload store; defaults to instance/uploads"),
    Setting(
        "SESSION_MINUTES",
        int,
        480,
        "Absolute lifetime of a login session in minutes (it then ends, however active)",
        _positive,
    ),
    Setting(
        "PASSWORD_MIN_LENGTH",
        int,
        8,
        "Fewest characters of a password (等保2.0: at least 8; with 3 of the 4 kinds of character)",
        lambda v: None if 8 <= v <= 64 else "must be 8 to 64",
    ),
    Setting(
        "PASSWORD_HISTORY",
        int,
        5,
        "A new password may not be one of the last this many (0: no history check)",
        lambda v: None if 0 <= v <= 24 else "must be 0 to 24",
    ),
    Setting(
        "PASSWORD_MAX_AGE_DAYS",
        int,
        90,
        "Days after which a password must be changed at the next login (0: never)",
        lambda v: None if 0 <= v <= 366 else "must be 0 to 366",
    ),
    Setting(
        "AUDIT_RETENTION_DAYS",
        int,
        180,
        "Days the audit and login logs are kept at least (网络安全法 art. 21: 180 or more); "
        "`linli audit prune` refuses anything younger",
        lambda v: None if v >= 180 else "must be 180 or more",
    ),
    Setting(
        "RESET_CODE_MINUTES",
        int,
        30,
        "Minutes a one-time password reset code stays valid",
        lambda v: None if 5 <= v <= 24 * 60 else "must be 5 to 1440",
    ),
    Setting(
        "SESSION_IDLE_MINUTES",
        int,
        15,
        "Minutes without a request after which a login session ends (等保2.0: at most 30)",
        lambda v: None if 1 <= v <= 30 else "must be 1 to 30",
    ),
    Setting(
        "TOTP_REQUIRED_FOR_ADMINS",
        bool,
        False,
        "Administrators (platform, district, system, security and audit administrators, and "
        "any role that manages users or configures) must use a TOTP second factor: without "
        "one they can only enrol after logging in (等保2.0 level 2: false; level 3: true)",
    ),
    Setting("PAGE_SIZE", int, 20, "Rows per page in admin lists", _positive),
    Setting(
        "TODO_COUNT_SECONDS",
        int,
        30,
        "Seconds the top bar's to-do count is kept per user while nothing changes in the "
        "same process (0: counted on every page; the to-do page itself is always fresh)",
        lambda v: None if v >= 0 else "must be 0 or more",
    ),
    Setting(
        "LIST_COUNT_CAP",
        int,
        10_000,
        'Admin lists count their rows up to this many and show more as "10,000+" (a full '
        "count of a million rows costs more than the page itself)",
        _positive,
    ),
    Setting(
        "PROXY_HOPS",
        int,
        0,
        "Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted",
        lambda v: None if v >= 0 else "must be 0 or more",
    ),
    Setting(
        "SECURE_COOKIES",
        bool,
        False,
        "Send session cookies over HTTPS only (set true in production behind HTTPS)",
    ),
    Setting(
        "LOGIN_MAX_FAILURES",
        int,
        5,
        "Failed logins of one account within the window before it is locked",
        _positive,
    ),
    Setting(
        "LOGIN_IP_MAX_FAILURES",
        int,
        20,
        "Failed logins from one address within the window after which it is slowed down "
        "(one try every LOGIN_IP_DELAY_SECONDS; no account is locked by it)",
        _positive,
    ),
    Setting(
        "LOGIN_IP_DELAY_SECONDS",
        int,
        10,
        "Seconds between two tries from an address that failed too often",
        _positive,
    ),
    Setting(
        "API_RATE_LIMIT",
        int,
        600,
        "Requests per minute one API token may make (per application process)",
        _positive,
    ),
    Setting(
        "API_MAX_PAGE_SIZE",
        int,
        200,
        "Most rows one API list page may return (?per_page=)",
        _positive,
    ),
    Setting(
        "LOGIN_WINDOW_MINUTES",
        int,
        15,
        "Window (and lock time) for login throttling, in minutes",
        _positive,
    ),
)


def _coerce(setting: Setting, raw: Any, source: str) -> Any:
    name = f"LINLI_{setting.name}"
    if setting.kind is list:
        if isinstance(raw, str):
            return [part.strip() for part in raw.split(",") if part.strip()]
        if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
            return raw
        raise ConfigError(f"{name} ({source}): must be a list of names")
    if setting.kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in (
            "1",
            "true",
            "yes",
            "on",
            "0",
            "false",
            "no",
            "off",
        ):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        raise ConfigError(f"{name} ({source}): must be true or false, not {raw!r}")
    if setting.kind is int:
        if isinstance(raw, bool):
            raise ConfigError(f"{name} ({source}): must be a whole number, not {raw!r}")
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} ({source}): must be a whole number, not {raw!r}") from None
    if not isinstance(raw, str):
        raise ConfigError(f"{name} ({source}): must be text, not {raw!r}")
    return raw


def load(instance_path: str | os.PathLike, overrides: dict | None = None, environ=None) -> dict:
    """Return the validated settings as a dict keyed by setting name (without prefix)."""
    environ = os.environ if environ is None else environ
    instance = Path(instance_path)
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    sources = {s.name: "default" for s in SETTINGS}
    known = {s.name: s for s in SETTINGS}

    path = instance / CONFIG_FILE
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        for key, raw in data.items():
            if key.upper() not in known:
                raise ConfigError(f"LINLI_{key.upper()} ({path.name}): unknown setting")
            setting = known[key.upper()]
            values[setting.name] = _coerce(setting, raw, path.name)
            sources[setting.name] = path.name

    for setting in SETTINGS:
        env_name = f"LINLI_{setting.name}"
        if env_name in environ:
            values[setting.name] = _coerce(setting, environ[env_name], "environment")
            sources[setting.name] = "environment"

    for key, raw in (overrides or {}).items():
        if key not in known:
            raise ConfigError(f"LINLI_{key}: unknown setting")
        values[key] = _coerce(known[key], raw, "application")
        sources[key] = "application"

    if not values["DATABASE_URL"]:
        values["DATABASE_URL"] = f"sqlite:///{(instance / 'linli.sqlite3').resolve()}"
    if not values["UPLOAD_DIR"]:
        values["UPLOAD_DIR"] = str((instance / "uploads").resolve())

    for setting in SETTINGS:
        value = values[setting.name]
        if value in (None, "") and setting.required:
            raise ConfigError(
                f"LINLI_{setting.name}: missing; set it in instance/{CONFIG_FILE} "
                f"or the environment (`linli init` writes one)"
            )
        if value not in (None, "") and setting.check:
            problem = setting.check(value)
            if problem:
                raise ConfigError(f"LINLI_{setting.name} ({sources[setting.name]}): {problem}")
    return values


def write_initial(instance_path: str | os.PathLike) -> Path | None:
    """Create ``instance/linli.toml`` with a fresh secret key unless it exists.

    Returns the path written, or None when a configuration was already there.
    """
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / CONFIG_FILE
    if path.exists():
        return None
    path.write_text(
        "# Linli instance configuration; every key can also be set as LINLI_<KEY>.\n"
        f'secret_key = "{secrets.token_urlsafe(32)}"\n'
        '# database_url = "postgresql://linli@127.0.0.1/linli"\n'
        "# blocked_plugins = []\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path
