"""`est-bot doctor`'s checks of the platforms, with their own clients and short timeouts: Slack (`auth.test`,
`conversations.info` of each configured channel, `apps.connections.open` for Socket Mode's app token), Telegram
(`getMe`, `getWebhookInfo`, `getChat` and `getChatMember` of each configured chat) and the SMTP server (connect,
TLS, login; nothing is sent). A token or password is never part of a line."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.config import EmailConfig, SlackConfig, TelegramConfig
from bot.doctor import Check, failed, passed

if TYPE_CHECKING:  # the SDK is loaded only when Telegram is checked
    from telegram import Bot

#: Seconds one call to a platform may take before the check counts it as unreachable.
TIMEOUT = 10.0

#: Channel = (group id, role, the channel's id or chat id as in the settings).
Channel = tuple[str, str, str]


def slack_checks(config: SlackConfig, token: str, channels: Sequence[Channel]) -> list[Check]:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=token, base_url=config.api_url, timeout=int(TIMEOUT))
    try:
        me = client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        return [
            failed(
                f"Slack refuses EST_SLACK_BOT_TOKEN ({error})",
                "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into "
                "EST_SLACK_BOT_TOKEN, and install the app to the workspace",
            )
        ]
    except OSError as exc:  # urllib's URLError and timeouts are OSErrors
        return [_unreachable("Slack", config.api_url, exc, "[slack] api_url")]
    out = [passed(f"Slack: signed in as {me.get('user')} in {me.get('team')}")]
    for group, role, channel in channels:
        where = f"Slack channel {channel} ({group} {role})"
        try:
            info = client.conversations_info(channel=channel)
        except SlackApiError as exc:
            error = exc.response.get("error", "error")
            if error == "missing_scope":
                todo = "add the scopes channels:read and groups:read to the Slack app (manifest.yml) and reinstall it"
            else:
                todo = "invite the bot there (/invite @est-bot in the channel), or correct the channel id"
            out.append(failed(f"{where}: Slack answers {error}", todo))
            continue
        except OSError as exc:
            out.append(_unreachable("Slack", config.api_url, exc, "[slack] api_url"))
            break
        found = info.get("channel") or {}
        if found.get("is_archived"):
            out.append(failed(f"{where} is archived", "unarchive it, or name another channel in the settings"))
        elif not found.get("is_member"):
            out.append(failed(f"{where}: the bot is not a member", "invite it: /invite @est-bot in the channel"))
        else:
            out.append(passed(f"{where}: the bot is a member and may post"))
    return out


def slack_app_token_check(config: SlackConfig, app_token: str) -> Check:
    """Socket Mode's app-level token, by `apps.connections.open`: Slack only hands out a URL, nothing connects."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=app_token, base_url=config.api_url, timeout=int(TIMEOUT))
    try:
        client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        return failed(
            f"Slack refuses EST_SLACK_APP_TOKEN for Socket Mode ({error})",
            "create an app-level token (xapp-…) with the scope connections:write under the app's Basic Information, "
            "put it in EST_SLACK_APP_TOKEN, and turn Socket Mode on",
        )
    except OSError as exc:
        return _unreachable("Slack", config.api_url, exc, "[slack] api_url")
    return passed("Slack: EST_SLACK_APP_TOKEN opens Socket Mode connections")


def telegram_checks(config: TelegramConfig, token: str, chats: Sequence[Channel]) -> list[Check]:
    import asyncio

    return asyncio.run(_telegram(config, token, chats))


async def _telegram(config: TelegramConfig, token: str, chats: Sequence[Channel]) -> list[Check]:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    base = config.base_url.rstrip("/")
    request = HTTPXRequest(connect_timeout=TIMEOUT, read_timeout=TIMEOUT, write_timeout=TIMEOUT, pool_timeout=TIMEOUT)
    bot = Bot(token, base_url=base, request=request, get_updates_request=request)
    try:
        return await _telegram_with(bot, config, chats, base)
    finally:
        await bot.shutdown()
        await request.shutdown()  # also when getMe failed, and the bot never counted as started


async def _telegram_with(bot: Bot, config: TelegramConfig, chats: Sequence[Channel], base: str) -> list[Check]:
    from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError

    try:
        await bot.initialize()  # getMe
    except InvalidToken:
        return [
            failed(
                "Telegram refuses EST_TELEGRAM_TOKEN (Unauthorized)",
                "copy the bot's token from @BotFather (/mybots, API Token) into EST_TELEGRAM_TOKEN",
            )
        ]
    except NetworkError as exc:  # TimedOut too
        return [_unreachable("Telegram", base, exc, "[telegram] base_url")]
    out = [passed(f"Telegram: signed in as @{bot.username}")]
    try:
        if config.mode == "webhook" and config.webhook_url:
            out.append(await _webhook(bot, config.webhook_url))
        for group, role, chat in chats:
            out.append(await _chat(bot, group, role, int(chat)))
    except Forbidden as exc:
        out.append(failed(f"Telegram forbids the call ({exc.message})", "check the bot's rights in @BotFather"))
    except TelegramError as exc:  # a network error half-way, or an answer the checks do not expect
        out.append(
            failed(f"Telegram at {base}: {type(exc).__name__} ({exc.message})", "check the network and [telegram]")
        )
    return out


async def _webhook(bot: Bot, url: str) -> Check:
    info = await bot.get_webhook_info()
    if not info.url:
        return passed(f"Telegram webhook {url}: not registered yet (`est-bot run` registers it when it starts)")
    if info.url != url:
        return failed(
            f"Telegram sends the updates to {info.url}, not to telegram.webhook_url {url}",
            "another installation or an old address uses this bot's token: stop it, then start `est-bot run` here "
            "(it registers its own URL)",
        )
    if info.last_error_message:
        return failed(
            f"Telegram webhook {url}: Telegram's last delivery failed ({info.last_error_message})",
            "check that the proxy forwards that URL to [telegram] listen/port and that its TLS certificate is valid",
        )
    return passed(f"Telegram webhook {url}: registered, {info.pending_update_count} updates waiting")


async def _chat(bot: Bot, group: str, role: str, chat_id: int) -> Check:
    from telegram import ChatMember
    from telegram.constants import ChatType
    from telegram.error import BadRequest, Forbidden

    where = f"Telegram chat {chat_id} ({group} {role})"
    add = "add the bot to that group (or correct the chat id in the settings)"
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.id)
    except (BadRequest, Forbidden) as exc:
        return failed(f"{where}: Telegram answers {exc.message}", add)
    status = member.status
    if status in (ChatMember.LEFT, ChatMember.BANNED):
        return failed(f"{where}: the bot is not a member ({status})", add)
    if chat.type == ChatType.CHANNEL:
        may = status == ChatMember.OWNER or bool(getattr(member, "can_post_messages", False))
        todo = "make the bot an administrator of the channel with the right to post messages"
    elif status == ChatMember.RESTRICTED:
        may = bool(getattr(member, "can_send_messages", False))
        todo = "lift the bot's restriction (let it send messages) in the group's member settings"
    elif status == ChatMember.MEMBER:
        may = chat.permissions is None or chat.permissions.can_send_messages is not False
        todo = "let members send messages in the group's permissions, or make the bot an administrator"
    else:  # the owner, an administrator
        may, todo = True, ""
    if not may:
        return failed(f"{where}: the bot may not post there ({status})", todo)
    return passed(f"{where}: the bot is a {status} and may post")


def smtp_check(config: EmailConfig, password: str | None) -> Check:
    from handlers.email.transport import SmtpTransport, explain

    where = f"{config.host}:{config.port}"
    security = "TLS" if config.tls else "STARTTLS" if config.starttls else "no TLS"
    if config.username and not password:
        return failed(
            f"SMTP server {where}: [email] username is set but EST_SMTP_PASSWORD is not",
            "set EST_SMTP_PASSWORD in the service's environment to that account's password",
        )
    short = config.model_copy(update={"timeout_seconds": min(config.timeout_seconds, TIMEOUT)})
    transport = SmtpTransport(short, password)
    try:
        transport.check()
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        said = explain(exc, where)
        return failed(f"SMTP server {where} ({security})", said)
    finally:
        transport.close()
    login = ", logged in" if config.username else ""
    return passed(f"SMTP server {where} ({security}){login}; nothing sent")


def _unreachable(platform: str, url: str, exc: BaseException, setting: str) -> Check:
    return failed(
        f"cannot reach {platform} at {url} ({type(exc).__name__})",
        f"check the server's network access and proxy, and {setting}",
    )
