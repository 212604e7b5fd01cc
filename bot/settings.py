"""The Telegram bot's settings, from the environment or a ``.env`` file (pydantic-settings).

Every setting is named as in the environment; :func:`load_settings` turns any problem into one
line naming the setting and what it allows (:class:`SettingsError`), never echoing the value
given (it could be the token).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from dialogs.i18n import LANGUAGES

__all__ = ["SUPPORTED_TIME_ZONES", "Settings", "SettingsError", "load_settings"]

SUPPORTED_TIME_ZONES = ("Europe/Amsterdam",)  # dialogs.clock formats in this zone only
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
MAX_IDLE_HOURS = 24 * 365
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]")  # a bot's @username
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token

#: What each setting allows, for the one-line error message.
ALLOWED: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "the token from @BotFather, <digits>:<letters, digits, _ or ->",
    "TELEGRAM_API_BASE_URL": "an http(s) URL ending in /bot, e.g. http://127.0.0.1:8081/bot",
    "ALLOWED_USER_IDS": "comma-separated numeric Telegram user ids, e.g. 12345,67890",
    "DATA_DIR": "a writable directory (created if missing)",
    "TIMEZONE": "only " + ", ".join(SUPPORTED_TIME_ZONES),
    "DEFAULT_LANGUAGE": " or ".join(LANGUAGES),
    "IDLE_TIMEOUT_HOURS": "a number of hours greater than 0, at most 8760 (default 12)",
    "LOG_LEVEL": ", ".join(LOG_LEVELS),
    "RATE_LIMIT_PER_MINUTE": "a whole number of updates per user per minute, 1-100000",
    "WEBHOOK_URL": "an https:// URL (empty for long polling)",
    "WEBHOOK_SECRET": "1-256 characters A-Z a-z 0-9 _ -, required when WEBHOOK_URL is set",
    "WEBHOOK_LISTEN": "an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0",
    "WEBHOOK_PORT": "a port number 1-65535",
    "BOT_USERNAME": "the bot's @username, 5-32 letters, digits or _ ending in bot "
                    "(empty: asked from Telegram)",
    "METRICS_PORT": "a port number 1-65535 for /metrics and /healthz on 127.0.0.1 (empty: off)",
}


class SettingsError(Exception):
    """A setting is missing or bad; ``str()`` is the one line to show."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
    )

    telegram_bot_token: SecretStr
    telegram_api_base_url: str | None = None
    allowed_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    data_dir: Path = Path("data")
    timezone: str = "Europe/Amsterdam"
    default_language: Literal["nl", "en"] = "nl"
    idle_timeout_hours: float = Field(default=12.0, gt=0, le=MAX_IDLE_HOURS, allow_inf_nan=False)
    log_level: str = "INFO"
    rate_limit_per_minute: int = Field(default=30, ge=1, le=100_000)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    bot_username: str | None = None

    @field_validator("telegram_bot_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN.fullmatch(value.get_secret_value().strip()):
            raise ValueError("malformed token")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("not an http(s) URL")
        return value.strip()

    @field_validator("allowed_user_ids", mode="before")
    @classmethod
    def _user_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"\d{1,20}", p) for p in parts):
                raise ValueError("not a list of numbers")
            return frozenset(int(p) for p in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if value.strip() not in SUPPORTED_TIME_ZONES:
            raise ValueError("unsupported time zone")
        return value.strip()

    @field_validator("default_language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError("unknown log level")
        return level

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme != "https" or not parts.netloc:
            raise ValueError("not an https URL")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("bad secret")
        return value

    @field_validator("bot_username")
    @classmethod
    def _bot_username(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = value.strip().removeprefix("@")
        if not _USERNAME.fullmatch(name):
            raise ValueError("not a bot username")
        return name

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        return str(ipaddress.ip_address(value.strip()))  # ValueError: not an IP address

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET")
        return self

    # --- derived ----------------------------------------------------------------------------
    @property
    def idle_timeout(self) -> timedelta:
        return timedelta(hours=self.idle_timeout_hours)

    @property
    def database(self) -> Path:
        return self.data_dir / "bot.sqlite3"

    @property
    def webhook_path(self) -> str:
        """The path part of WEBHOOK_URL, where the local webhook server listens."""
        return urlsplit(self.webhook_url or "").path.lstrip("/")


def _setting_of(error: dict[str, Any]) -> str:
    loc = error.get("loc") or ()
    if loc:
        return str(loc[0]).upper()
    # A model-level check names the setting in its message ("Value error, WEBHOOK_SECRET").
    return str(error.get("msg", "")).rsplit(" ", 1)[-1]


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read and check the settings; raise :class:`SettingsError` with one line on a problem."""
    try:
        return Settings(_env_file=env_file)
    except (OSError, UnicodeError, PydanticSettingsError) as exc:
        raise SettingsError(f"the settings file {env_file} could not be read "
                            f"({type(exc).__name__}): expected UTF-8 lines NAME=value") from None
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        first = errors[0]
        name = _setting_of(dict(first))
        missing = first.get("type") == "missing"
        if name == "WEBHOOK_SECRET" and not first.get("loc"):
            missing = True
        problem = "is missing" if missing else "is not valid"
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise SettingsError(
            f"setting {name} {problem}: expected {ALLOWED.get(name, 'a valid value')}{more}"
        ) from None
