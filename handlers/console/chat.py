"""`est-bot chat`: one person at a terminal, or a script of lines on standard input."""

from __future__ import annotations

import re
from typing import TextIO

from bot.bootstrap import App
from bot.config import GroupConfig
from bot.domain.masking import mask_personal_data
from bot.domain.model import Person
from bot.ports import UnitOfWork
from bot.text import t
from handlers.console.edge import ConsoleSender, parse_line


def find_person(app: App, who: str) -> tuple[Person, str] | None:
    """The person `who` names and their console address. `who` is a console id (from the configuration, or the
    one the bot named when a coordinator added the person in the terminal), a full name, or a first name from
    the configuration. A person found by name without a console id gets one, so the bot can reach them here."""
    wanted = " ".join(who.split())
    if not wanted:
        return None
    with app.services.unit() as uow:
        for handle in dict.fromkeys((wanted, wanted.lower())):
            owner = uow.store.account_owner("console", handle)
            if owner is not None:
                return uow.store.get_person(owner), handle
        key = wanted.casefold()
        for group in app.config.groups:
            for r in group.reporters:
                if key in (r.name.casefold(), (r.console or "").casefold(), r.name.split()[0].casefold()):
                    person = uow.store.person_by_name(group.id, r.name)
                    if person is not None:
                        return person, _console_address(uow, person, r.console)
        for group in app.config.groups:
            person = uow.store.person_by_name(group.id, wanted)
            if person is not None:
                return person, _console_address(uow, person, None)
    return None


def _console_address(uow: UnitOfWork, person: Person, configured: str | None) -> str:
    """The person's console id: the configured one, the one they have, or a new free one (first name, then
    first name and a number), linked to them."""
    if configured is not None:
        return configured
    for platform, address in uow.store.accounts_of(person.id):
        if platform == "console":
            return address
    base = re.sub(r"[^\w]", "", person.name.split()[0].lower()) if person.name.split() else ""
    base = base or f"person{person.id}"
    handle, n = base, 1
    while uow.store.account_owner("console", handle) is not None:
        n += 1
        handle = f"{base}{n}"
    uow.store.link_account("console", handle, person.id)
    uow.commit()
    return handle


def _known(app: App) -> str:
    """Everyone who can chat, by name and console id."""
    names: list[str] = []
    with app.services.unit() as uow:
        for group in app.config.groups:
            for person in uow.store.persons(group.id, active_only=True):
                handles = [a for p, a in uow.store.accounts_of(person.id) if p == "console"]
                configured = next((r.console for r in group.reporters if r.name == person.name), None)
                handle = configured or (handles[0] if handles else None)
                names.append(f"{person.name} ({handle})" if handle else person.name)
    return ", ".join(names) or "–"


def _group(app: App, person: Person) -> GroupConfig | None:
    return next((g for g in app.config.groups if g.id == person.group_id), None)


def run_chat(app: App, sender: ConsoleSender, who: str, stdin: TextIO, stdout: TextIO, interactive: bool) -> int:
    found = find_person(app, who)
    lang = app.config.groups[0].language if app.config.groups else "sv"
    if found is None:
        stdout.write(f"est-bot: {t(lang, 'chat.unknown', who=mask_personal_data(who), known=_known(app))}\n")
        return 2
    person, address = found
    group = _group(app, person)
    group_name = group.name if group is not None else person.group_id
    if not person.active:
        stdout.write(f"est-bot: {t(person.language, 'chat.removed', name=person.name, group=group_name)}\n")
        return 2
    role = person.role if person.role in ("reporter", "participant", "coordinator", "admin") else "reporter"
    intro = t(person.language, f"chat.you.{role}", name=person.name, group=group_name)
    stdout.write(f"{intro} {t(person.language, 'chat.how')}\n")
    app.services.tick()
    app.dispatcher.drain("console", address=address)
    if address not in sender.last_choices and app.services.show_pending("console", address):
        app.dispatcher.drain("console", address=address)  # a question from an earlier session: show it again
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
            stdout.write(f"> {mask_personal_data(line.strip())}\n")  # the echo of a script may be kept as a log
        app.services.handle(inbound)
        app.dispatcher.drain("console", address=address)
    return 0
