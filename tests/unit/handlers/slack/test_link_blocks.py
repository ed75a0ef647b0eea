"""A message that carries a link (the web view's sign-in link) shows it in Slack as a link: a plain_text section
draws a URL as words, so the link is a rich-text link element of its own."""

from __future__ import annotations

from bot.conversation.messages import Outbound
from handlers.slack.blocks import fallback_text, message_blocks
from standins.slack_api.validation import validate_blocks

URL = "https://est.kommun.se/in/" + "a" * 43


def test_a_link_in_a_message_is_a_rich_text_link_and_not_plain_words() -> None:
    out = Outbound(f"Your personal link. It works once:\n{URL}", kind="notice", data={"link": URL})
    blocks = [b.to_dict() for b in message_blocks(out, "en")]
    assert validate_blocks(blocks) == ""
    plain = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert plain == ["Your personal link. It works once:"]
    links = [e for b in blocks if b["type"] == "rich_text" for s in b["elements"] for e in s["elements"]]
    assert links == [{"type": "link", "url": URL, "text": URL}]
    assert URL in fallback_text(out)  # the notification's mrkdwn text: Slack links a bare URL there


def test_a_message_without_a_link_is_drawn_as_before() -> None:
    blocks = [b.to_dict() for b in message_blocks(Outbound(f"See {URL}", kind="notice"), "en")]
    assert [b["type"] for b in blocks] == ["section"]
