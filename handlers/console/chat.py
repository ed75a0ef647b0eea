"""`est-bot chat`: one person at a terminal, or a script of lines on standard input."""

from __future__ import annotations

from typing import TextIO

from bot.domain.masking import mask_personal_data
from bot.engine import Engine
from bot.text import t
from handlers.console.edge import parse_line
from handlers.console.runner import PLATFORM, ConsoleRunner


def run_chat(engine: Engine, console: ConsoleRunner, who: str, stdin: TextIO, stdout: TextIO, interactive: bool) -> int:
    found = engine.console_user(who)
    if found is None:
        known = ", ".join(engine.console_names()) or "–"
        stdout.write(f"est-bot: {t(engine.language, 'chat.unknown', who=mask_personal_data(who), known=known)}\n")
        return 2
    person, address = found.person, found.address
    if not person.active:
        stdout.write(f"est-bot: {t(person.language, 'chat.removed', name=person.name, group=found.group_name)}\n")
        return 2
    role = person.role if person.role in ("reporter", "participant", "coordinator", "admin") else "reporter"
    intro = t(person.language, f"chat.you.{role}", name=person.name, group=found.group_name)
    stdout.write(f"{intro} {t(person.language, 'chat.how')}\n")
    console.address = address
    sender = console.sender
    engine.tick()
    console.drain()
    if address not in sender.last_choices and engine.show_pending(PLATFORM, address):
        console.drain()  # a question from an earlier session: show it again
    while not console.sender.closed:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        if line.strip().lower() in ("quit", "exit", "avsluta"):
            break
        inbound = parse_line(
            line, address, sender.last_choices.get(address, []), sender.expects_text.get(address, False)
        )
        if inbound is None:
            continue
        if not interactive:
            stdout.write(f"> {mask_personal_data(line.strip())}\n")  # the echo of a script may be kept as a log
        console.submit(inbound)
    return 0
