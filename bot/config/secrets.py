"""Secrets: tokens and the database URL, from the environment only."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Secrets(BaseSettings):
    """Secrets come only from the environment, never from the TOML file."""

    model_config = SettingsConfigDict(env_prefix="EST_", extra="ignore")

    database_url: str | None = None
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    telegram_token: str | None = None
    telegram_webhook_secret: str | None = None
    web_secret: str | None = None  # signs the web view's session cookies and CSRF tokens, and the e-mails' links
    smtp_password: str | None = None  # [email] username's password on the SMTP server
