"""Accounts as the edges need them: whose account a platform id is, and who is at the console.

Plain functions of a unit of work; bootstrap.CoreEngine offers them to the edges (bot/engine.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.config import GroupConfig
from bot.domain.model import Person
from bot.engine import ConsoleUser
from bot.ports import UnitOfWork

CONSOLE = "console"


def language_of(uow: UnitOfWork, platform: str, account: str) -> str | None:
    """The language of the person behind a platform account; None for an account nobody has."""
    person = uow.people.person_by_account(platform, account)
    return person.language if person is not None else None


def find_console_user(uow: UnitOfWork, groups: Sequence[GroupConfig], who: str) -> ConsoleUser | None:
    """The person `who` names and their console address. `who` is a console id (from the configuration, or the
    one the bot named when a coordinator added the person in the terminal), a full name, or a first name from
    the configuration. A person found by name without a console id gets one (committed here), so the bot can
    reach them at the console."""
    wanted = " ".join(who.split())
    if not wanted:
        return None
    for handle in dict.fromkeys((wanted, wanted.lower())):
        owner = uow.people.account_owner(CONSOLE, handle)
        if owner is not None:
            return _user(uow.people.get_person(owner), handle, groups)
    key = wanted.casefold()
    for group in groups:
        for r in group.reporters:
            if key in (r.name.casefold(), (r.console or "").casefold(), r.name.split()[0].casefold()):
                person = uow.people.person_by_name(group.id, r.name)
                if person is not None:
                    return _user(person, _console_address(uow, person, r.console), groups)
    for group in groups:
        person = uow.people.person_by_name(group.id, wanted)
        if person is not None:
            return _user(person, _console_address(uow, person, None), groups)
    return None


def console_names(uow: UnitOfWork, groups: Sequence[GroupConfig]) -> list[str]:
    """Everyone who can chat, by name and console id."""
    names: list[str] = []
    for group in groups:
        for person in uow.people.persons(group.id, active_only=True):
            handles = [a for p, a in uow.people.accounts_of(person.id) if p == CONSOLE]
            configured = next((r.console for r in group.reporters if r.name == person.name), None)
            handle = configured or (handles[0] if handles else None)
            names.append(f"{person.name} ({handle})" if handle else person.name)
    return names


def _user(person: Person, address: str, groups: Sequence[GroupConfig]) -> ConsoleUser:
    group = next((g for g in groups if g.id == person.group_id), None)
    return ConsoleUser(person, address, group.name if group is not None else person.group_id)


def _console_address(uow: UnitOfWork, person: Person, configured: str | None) -> str:
    """The person's console id: the configured one, the one they have, or a new free one (first name, then
    first name and a number), linked to them."""
    if configured is not None:
        return configured
    for platform, address in uow.people.accounts_of(person.id):
        if platform == CONSOLE:
            return address
    base = re.sub(r"[^\w]", "", person.name.split()[0].lower()) if person.name.split() else ""
    base = base or f"person{person.id}"
    handle, n = base, 1
    while uow.people.account_owner(CONSOLE, handle) is not None:
        n += 1
        handle = f"{base}{n}"
    uow.people.link_account(CONSOLE, handle, person.id)
    uow.commit()
    return handle
