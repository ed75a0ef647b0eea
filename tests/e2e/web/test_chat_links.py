"""A sign-in link asked for in the chat, taken from the message as the platform shows it, opened in Chromium:
Kim (participant) writes /webb to the bot on Telegram, Sara (coordinator) types `/est webb` in Slack's meeting
channel. Each presses the sign-in button and reads week 47."""

from __future__ import annotations

import re
from typing import Any

import pytest

from standins import slack_requests as rq
from tests.e2e.web import browser as b
from tests.e2e.web.site import SLACK, SLACK_MEETING, TG, WEEK, Site
from tests.support.realproc import wait_until

pytestmark = pytest.mark.slow

#: A URL as Telegram and Slack find one in text: from the scheme to the first space; trailing punctuation is not
#: part of it.
BARE_URL = re.compile(r"https?://\S+")
TRAILING = ".,;:!?)]}'\""


def sign_in_link(site: Site) -> re.Pattern[str]:
    return re.compile(re.escape(site.base_url) + r"/in/[A-Za-z]{43}")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def telegram_links(message: dict[str, Any]) -> list[str]:
    """The links a person can tap in a Telegram message: `text_link` entities and the URLs Telegram recognises
    in the text (not inside code or pre, which Telegram never links)."""
    text = message.get("text", "")
    entities = message.get("entities", [])
    links = [str(e["url"]) for e in entities if e["type"] == "text_link"]
    coded = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in ("code", "pre")]
    for match in BARE_URL.finditer(text):
        start = len(_utf16(text[: match.start()])) // 2
        if any(a <= start < z for a, z in coded):
            continue
        links.append(match.group(0).rstrip(TRAILING))
    return links


def _slack_texts(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Every text object in the blocks, as (type, text)."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append((node["type"], node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def _slack_link_elements(node: Any) -> list[str]:
    """URLs of rich-text `link` elements and of buttons."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("link", "button") and isinstance(node.get("url"), str):
            found.append(node["url"])
        for value in node.values():
            found += _slack_link_elements(value)
    elif isinstance(node, list):
        for value in node:
            found += _slack_link_elements(value)
    return found


def slack_links(message: dict[str, Any]) -> list[str]:
    """The links a person can click in a Slack message as Slack draws it: in blocks, `<url>` / `<url|label>` and
    bare URLs in mrkdwn text (Slack links those unless `verbatim`), rich-text links and link buttons; without
    blocks, the same in the message's mrkdwn `text`. plain_text objects are drawn as written."""
    blocks = message.get("blocks") or []
    texts = [text for kind, text in _slack_texts(blocks) if kind == "mrkdwn"] if blocks else [message["text"]]
    links = _slack_link_elements(blocks)
    for text in texts:
        for match in re.finditer(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>", text):
            links.append(match.group(1))
        for match in BARE_URL.finditer(re.sub(r"<[^>]*>", " ", text)):
            links.append(match.group(0).rstrip(TRAILING))
    return links


def only_sign_in_link(site: Site, links: list[str], shown: object) -> str:
    pattern = sign_in_link(site)
    found = [link for link in links if pattern.fullmatch(link)]
    assert len(found) == 1, f"no single whole, clickable sign-in link in {shown!r} (links found: {links})"
    return found[0]


def reads_week_47(driver: b.Driver, site: Site) -> None:
    """Signed in (the session cookie set and hidden from scripts), then week 47: its heading and a heatmap
    cell's level (centrum × narkotika: the mean 2.5 of Anna's 3 and Bo's 2)."""
    from selenium.webdriver.common.by import By

    cookie = b.session_cookie(driver)
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie
    assert not b.cookie_visible_to_scripts(driver)
    driver.get(site.url(f"/weeks/{WEEK}"))
    assert "47" in b.heading(driver), b.main_text(driver)
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    narkotika = [r for r in rows if "narkotika" in r.find_element(By.CSS_SELECTOR, "th").text.lower()]
    assert narkotika, b.main_text(driver)
    centrum = narkotika[0].find_elements(By.CSS_SELECTOR, "td")[0].text
    assert re.search(r"2[,.]5", centrum), centrum
    assert not b.csp_errors(b.console(driver))


def test_a_link_from_telegram_signs_in_and_shows_the_week(driver: b.Driver, site: Site) -> None:
    kim = TG["Kim Polis"]
    before = len(site.telegram.sent_to(kim))
    site.telegram.push_update(site.telegram.command_update(kim, kim, "webb"))
    wait_until(lambda: len(site.telegram.sent_to(kim)) > before, 30, "the link on Telegram")
    message = site.telegram.sent_to(kim)[-1]
    link = only_sign_in_link(site, telegram_links(message), message)
    assert "15" in message["text"]  # how long it works

    b.signed_in(driver, link)
    reads_week_47(driver, site)


def test_a_link_from_slack_signs_in_and_shows_the_week(driver: b.Driver, site: Site) -> None:
    sara = SLACK["Sara Samordnare"]
    before = len(site.slack.ephemerals(user=sara))
    envelope = site.socket.send_slash_command(
        rq.slash_command_payload("/est", "webb", user_id=sara, channel_id=SLACK_MEETING)
    )
    site.socket.wait_ack(envelope, 10)
    wait_until(lambda: len(site.slack.ephemerals(user=sara)) > before, 30, "the link on Slack")
    message = site.slack.ephemerals(user=sara)[-1]
    link = only_sign_in_link(site, slack_links(message), message)
    # the link went only to Sara: nothing in the channel carries one
    assert not any("/in/" in str(m) for m in site.slack.messages(SLACK_MEETING))

    b.signed_in(driver, link)
    reads_week_47(driver, site)
