"""Settings: one TOML file, secrets from the environment, validated by pydantic.

A wrong value stops start-up with one line that names the key, the value and
what is allowed (`ConfigError`), never a traceback.

The package: `base` (roles, codes, names, the error), `group` (one group's settings), `model` (the whole file),
`secrets` (from the environment), `errors` (a validation error as one line), `loading` (reading the file).
"""

from __future__ import annotations

from bot.config.base import CODE_RE, ROLES, Code, ConfigError, Name, Role
from bot.config.errors import format_validation_error
from bot.config.group import (
    AreaConfig,
    ChannelConfig,
    DetectionConfig,
    FactorConfig,
    GroupConfig,
    PlaceConfig,
    ReporterConfig,
    ScheduleConfig,
)
from bot.config.loading import load_config, parse_config
from bot.config.model import (
    Config,
    DatabaseConfig,
    EmailConfig,
    LogConfig,
    MetricsConfig,
    PoliceEventsConfig,
    PrivacyConfig,
    RunConfig,
    SlackConfig,
    TelegramConfig,
    WebConfig,
)
from bot.config.secrets import Secrets

__all__ = [
    "CODE_RE",
    "ROLES",
    "AreaConfig",
    "ChannelConfig",
    "Code",
    "Config",
    "ConfigError",
    "DatabaseConfig",
    "DetectionConfig",
    "EmailConfig",
    "FactorConfig",
    "GroupConfig",
    "LogConfig",
    "MetricsConfig",
    "Name",
    "PlaceConfig",
    "PoliceEventsConfig",
    "PrivacyConfig",
    "ReporterConfig",
    "Role",
    "RunConfig",
    "ScheduleConfig",
    "Secrets",
    "SlackConfig",
    "TelegramConfig",
    "WebConfig",
    "format_validation_error",
    "load_config",
    "parse_config",
]
