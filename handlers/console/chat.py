"""`est-bot chat`: one person at a terminal, or a script of lines on standard input."""

from __future__ import annotations

from typing import TextIO

from bot.bootstrap import App
from bot.domain.model import Person
from bot.text import t
from handlers.console.edge import ConsoleSender, parse_line


def find_person(app: App, who: str) -> tuple[Person, str] | None:
    """The person called `who` (full name, first name or console id) and their console address."""
    with app.services.unit() as uow:
        for group in app.config.groups:
            for r in group.reporters:
                if who.casefold() in (r.name.casefold(), (r.console or "").casefold(), r.name.split()[0].casefold()):
                    person = uow.store.person_by_name(group.id, r.name)
                    if person is not None:
                        address = r.console or r.name.split()[0].lower()
                        if r.console is None:
                            uow.store.link_account("console", address, person.id)
                            uow.commit()
                        return person, address
            person = uow.store.person_by_name(group.id, who)
            if person is not None:
                accounts = dict(uow.store.accounts_of(person.id))
                return person, accounts.get("console", who)
    return None


def run_chat(app: App, sender: ConsoleSender, who: str, stdin: TextIO, stdout: TextIO, interactive: bool) -> int:
    found = find_person(app, who)
    if found is None:
        names = ", ".join(r.name for g in app.config.groups for r in g.reporters)
        stdout.write(f"est-bot: nobody called {who!r}; known: {names}\n")
        return 2
    person, address = found
    role = t(person.language, f"role.one.{person.role}")
    stdout.write(t(person.language, "console.hello", name=person.name, role=role) + "\n")
    app.services.tick()
    app.dispatcher.drain("console", address=address)
    while True:
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
            stdout.write(f"> {line.strip()}\n")
        app.services.handle(inbound)
        app.dispatcher.drain("console", address=address)
    return 0
