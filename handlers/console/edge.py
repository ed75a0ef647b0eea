"""Console edge: draws Outbound as text with numbered choices; turns typed lines into Inbound."""

from __future__ import annotations

import re
import unicodedata
from typing import TextIO

from bot.commands.parse import COMMANDS
from bot.commands.words import ALIASES
from bot.conversation.messages import Choice, Inbound, Outbound
from bot.domain.model import OutboxItem
from bot.text import t

#: Words that are commands when typed alone, without `/`: every command the core knows, in both languages (the
#: same table every platform maps), so a command `help` lists is never answered as questionnaire text.
COMMAND_WORDS = frozenset(name for name in (*COMMANDS, *ALIASES) if name != "report_me")
#: The words for help: help even while the bot waits for a note or a place, as the greeting of `est-bot chat` says
#: ("Skriv ett nummer, en text eller hjälp"); a note that is only this word is no note.
HELP_WORDS = frozenset(["help", *(word for word, name in ALIASES.items() if name == "help")])
LOCATION_RE = re.compile(r"^@\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)$")


class ConsoleSender:
    """Prints messages for console addresses; remembers each address's last choices."""

    platform = "console"

    def __init__(self, stream: TextIO, show_address: bool = False) -> None:
        self.stream = stream
        self.show_address = show_address
        self.last_choices: dict[str, list[Choice]] = {}
        self.expects_text: dict[str, bool] = {}
        self.closed = False  # the output's reader went away
        self._counter = 0

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        try:
            self._write(item, out, message_id)
        except BrokenPipeError:
            # The reader went away (`est-bot chat … | head`): nothing more can be shown, and `chat` ends. What
            # was not shown waits in the conversation; the next `chat` shows the waiting question again.
            self.closed = True
        self._counter += 1
        return message_id or f"console-{self._counter}"

    def _write(self, item: OutboxItem, out: Outbound, message_id: str | None) -> None:
        if self.closed:
            return
        prefix = f"[{item.address}] " if self.show_address else ""
        # In the language of the message (a questionnaire's carries it), not always Swedish.
        edited = f" ({t(out.data.get('lang'), 'chat.edited')})" if message_id else ""
        self.stream.write(f"\n{prefix}bot{edited}:\n{out.text}\n")
        for attachment in out.attachments:
            self.stream.write(f"  [{attachment.filename}: {attachment.path}]\n")
        choices = out.all_choices()
        if choices:
            for n, c in enumerate(choices, start=1):
                self.stream.write(f"  {n}. {c.label}\n")
            self.last_choices[item.address] = choices
        if out.kind == "question":
            self.expects_text[item.address] = out.expects_text
        self.stream.flush()


def parse_line(line: str, sender: str, choices: list[Choice], expects_text: bool) -> Inbound | None:
    """A typed line as an Inbound: a number or a label (with or without its emoji; a level's words also without
    its digit, a label without its aside in brackets) picks a choice; /word (or a bare command word when no free
    text is expected, and the word for help alone at any time) is a command; '@lat,lon' shares a location;
    anything else is text. The line is read in Unicode's composed form, so 'ö' typed as 'o' and a combining mark
    is 'ö'."""
    text = unicodedata.normalize("NFC", line).strip()
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return Inbound("console", sender, "choice", choice=choices[int(text) - 1].id)
    typed = _bare(text)
    for c in choices:
        if text.casefold() == c.label.casefold() or (typed and typed == _bare(c.label)):
            return Inbound("console", sender, "choice", choice=c.id)
    # A label as people read it out, when that names one choice only: a level's words without its digit
    # ("Enstaka händelser" for "🟡 1 Enstaka händelser"), a label without its aside ("Ny plats" for "✏️ Ny plats
    # (skriv)", which would otherwise be taken as the new place's name).
    shorter = [c for c in choices if typed and typed in _short_forms(_bare(c.label))]
    if len(shorter) == 1:
        return Inbound("console", sender, "choice", choice=shorter[0].id)
    m = LOCATION_RE.match(text)
    if m:
        return Inbound("console", sender, "location", location=(float(m.group(1)), float(m.group(2))))
    words = text.split()
    if text.rstrip("?!.").casefold() in HELP_WORDS:
        return Inbound("console", sender, "command", command=text.rstrip("?!.").casefold(), args=())
    if text.startswith("/") or (not expects_text and words[0].lower() in COMMAND_WORDS):
        return Inbound("console", sender, "command", command=words[0].lstrip("/").lower(), args=tuple(words[1:]))
    return Inbound("console", sender, "text", text=text)


def _short_forms(bare: str) -> set[str]:
    """A bare label without the number it starts with ('1 enstaka händelser' -> 'enstaka händelser') and without
    the aside in brackets it ends with ('ny plats (skriv' -> 'ny plats')."""
    forms = set()
    if m := re.fullmatch(r"\d+\s+(\S.*)", bare):
        forms.add(m.group(1))
    if m := re.fullmatch(r"(.*?\S)\s*\(.*", bare):
        forms.add(m.group(1))
    return forms


def _bare(label: str) -> str:
    """A label as a person types it: from its first letter or digit to its last, without the emoji, marks and
    punctuation around it, in single spaces and case-folded, so 'Börja' picks '▶️ Börja' and 'skicka' '✅ Skicka'."""
    label = unicodedata.normalize("NFC", label)
    alnum = [i for i, ch in enumerate(label) if ch.isalnum()]
    if not alnum:
        return ""
    return " ".join(label[alnum[0] : alnum[-1] + 1].split()).casefold()
