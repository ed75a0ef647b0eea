"""Use cases about people and areas: help and the first hello, a person's language and pause, and the
coordinator's reporters, invitations and areas. Each takes its typed command (bot/commands/types.py) and the
`Ctx` of the event, answers through `reply` and audits what it changed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from bot.commands.people import (
    AreaAdd,
    AreaList,
    Edit,
    Help,
    Invite,
    Language,
    Pause,
    PauseOther,
    ReporterAdd,
    ReporterList,
    ReporterRemove,
    ReportMe,
    Start,
)
from bot.commands.types import ParseError
from bot.config import ROLES
from bot.conversation.mail import EMAIL
from bot.conversation.messages import Outbound
from bot.domain.masking import clean_text
from bot.domain.model import Person
from bot.text import count, t
from bot.usecases import answering, mailing, setup
from bot.usecases.context import Ctx, Env, audit, reply, role_name, say, send_to_person, tell
from bot.usecases.registry import handles


def person_has_areas(ctx: Ctx) -> bool:
    assert ctx.person is not None
    return bool(ctx.uow.people.person_areas(ctx.person.id))


# ---------------------------------------------------------------- everyone


@handles(Help)
def show_help(env: Env, ctx: Ctx, cmd: Help) -> None:
    answering.show_help(env, ctx)


@handles(ReportMe)
def report_me(env: Env, ctx: Ctx, cmd: ReportMe) -> None:
    answering.show_questionnaire(env, ctx)


@handles(Start)
def start(env: Env, ctx: Ctx, cmd: Start) -> None:
    """`/start` (Telegram's first word, and its deep links): a reporter's questionnaire; anyone who answers none
    (a coordinator, a meeting participant, a reporter without an area) is greeted and told what they can do."""
    if person_has_areas(ctx):
        answering.show_questionnaire(env, ctx)
    else:
        answering.greet(env, ctx)


@handles(Edit)
def edit(env: Env, ctx: Ctx, cmd: Edit) -> None:
    answering.edit_questionnaire(env, ctx)


@handles(Language)
def set_language(env: Env, ctx: Ctx, cmd: Language) -> None:
    assert ctx.person is not None
    ctx.uow.people.set_language(ctx.person.id, cmd.lang)
    ctx.person = ctx.uow.people.get_person(ctx.person.id)
    say(env, ctx, "cmd.language.set")


# ---------------------------------------------------------------- pause


@handles(Pause)
def pause(env: Env, ctx: Ctx, cmd: Pause) -> None:
    assert ctx.person is not None
    _pause(env, ctx, ctx.person, cmd.until, cmd.value)


@handles(PauseOther)
def pause_other(env: Env, ctx: Ctx, cmd: PauseOther) -> None:
    assert ctx.group is not None
    found = ctx.uow.people.person_by_name(ctx.group.id, cmd.person)
    if found is None:
        say(env, ctx, "cmd.reporter.unknown", name=cmd.person)
        return
    if isinstance(cmd.when, ParseError):
        tell(env, ctx, cmd.when)
        return
    _pause(env, ctx, found, cmd.when, cmd.value)


def _pause(env: Env, ctx: Ctx, person: Person, d: date | None, value: str) -> None:
    assert ctx.group is not None
    if d is None:
        ctx.uow.people.set_paused(person.id, None)
        say(env, ctx, "cmd.pause.off", name=person.name)
        audit(ctx, "pause_off", {"person": person.name})
        return
    today = ctx.now.astimezone(ctx.group.tz).date()
    if d < today:
        say(env, ctx, "cmd.date_past", value=value)
        return
    if d > today + timedelta(days=366):
        say(env, ctx, "cmd.date_far", value=value)
        return
    until = datetime.combine(d + timedelta(days=1), time(0), ctx.group.tz).astimezone(UTC)
    ctx.uow.people.set_paused(person.id, until)
    say(env, ctx, "cmd.pause.done", name=person.name, date=d.isoformat())
    audit(ctx, "pause", {"person": person.name, "until": d.isoformat()})


# ---------------------------------------------------------------- reporters


@handles(ReporterList)
def list_reporters(env: Env, ctx: Ctx, cmd: ReporterList) -> None:
    assert ctx.group is not None
    people = ctx.uow.people.persons(ctx.group.id, active_only=False)
    lines = [t(ctx.lang, "cmd.reporter.header", n=count(ctx.lang, "person", len(people)))]
    for p in people:
        extra = ""
        if not p.active:
            extra = t(ctx.lang, "cmd.reporter.inactive")
        elif p.is_paused(ctx.now) and p.paused_until is not None:
            last_day = (p.paused_until.astimezone(ctx.group.tz) - timedelta(days=1)).date()
            extra = t(ctx.lang, "cmd.reporter.paused", date=last_day.isoformat())
        areas = ", ".join(a.code for a in ctx.uow.people.person_areas(p.id)) or "–"
        if p.active and mailing.email_address(env, ctx.uow, p) is not None:
            extra += t(ctx.lang, "email.people.marker")
        lines.append(
            t(
                ctx.lang,
                "cmd.reporter.line",
                name=p.name,
                org=p.organisation or "–",
                areas=areas,
                role=role_name(ctx.lang, p.role),
                extra=extra,
            )
        )
    reply(env, ctx, Outbound("\n".join(lines), kind="list"))


@handles(ReporterAdd)
def add_reporter(env: Env, ctx: Ctx, cmd: ReporterAdd) -> None:
    assert ctx.group is not None
    mention = cmd.mention
    if mention is not None:
        owner = ctx.uow.people.account_owner(ctx.inbound.platform, mention[0])
        if owner is not None and ctx.uow.people.get_person(owner).active:
            say(env, ctx, "cmd.reporter.account_taken", name=ctx.uow.people.get_person(owner).name)
            return
    if cmd.refused is not None:
        tell(env, ctx, cmd.refused)
        return
    address = mailing.checked_address(cmd.email_text) if cmd.email_text is not None else None
    if cmd.email_text is not None and address is None:
        say(env, ctx, "email.people.bad_address")
        return
    if address is not None and (owner := ctx.uow.people.account_owner(EMAIL, address)) is not None:
        holder = ctx.uow.people.get_person(owner)
        if holder.active:
            say(env, ctx, "email.people.taken", name=holder.name)
            return
    name = " ".join(clean_text(cmd.name_text, 99).split())
    org = " ".join(clean_text(cmd.organisation, 199).split())
    codes = list(cmd.areas)
    role = cmd.role_word
    if not name:
        say(env, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.reporter.usage"))
        return
    if role not in ROLES:
        say(env, ctx, "cmd.bad_role", role=role, allowed=", ".join(role_name(ctx.lang, r) for r in ROLES))
        return
    known = {a.code: a for a in ctx.uow.groups.areas(ctx.group.id)}
    for c in codes:
        if c not in known:
            say(env, ctx, "cmd.bad_area", area=c, allowed=", ".join(known))
            return
    existing = ctx.uow.people.person_by_name(ctx.group.id, name)
    if existing is not None and existing.active:
        say(env, ctx, "cmd.reporter.exists", name=name)
        return
    person = ctx.uow.people.upsert_person(ctx.group.id, name, org, role, ctx.group.language, True)
    ctx.uow.people.set_active(person.id, True)
    ctx.uow.people.set_person_areas(person.id, [known[c].id for c in codes])
    done_key = "cmd.reporter.readded" if existing is not None else "cmd.reporter.added"
    say(env, ctx, done_key, name=name, role=role_name(ctx.lang, role), areas=", ".join(codes) or "–")
    if mention is not None:
        ctx.uow.people.link_account(ctx.inbound.platform, mention[0], person.id)
        say(env, ctx, "cmd.reporter.linked", name=name)
    elif (
        address is None
        and ctx.inbound.platform == "console"
        and not any(p == "console" for p, _ in ctx.uow.people.accounts_of(person.id))
    ):
        handle = _free_console_handle(ctx, name)
        ctx.uow.people.link_account("console", handle, person.id)
        say(env, ctx, "cmd.reporter.console", name=name, handle=handle)
    if address is not None:
        _link_address(env, ctx, person, address)
    detail: dict[str, object] = {"person": name, "areas": codes, "role": role}
    if mention is not None:
        detail["account"] = f"{ctx.inbound.platform}:{mention[0]}"
    if address is not None:
        detail["email"] = True  # that there is one, never the address (the audit log is read by people)
        if codes:
            _invite_now(env, ctx, ctx.uow.people.get_person(person.id))
    audit(ctx, "reporter_add", detail)


def _invite_now(env: Env, ctx: Ctx, person: Person) -> None:
    """Someone added by e-mail while the week's questionnaire is out gets its e-mail now, not first the
    reminder (the same outbox key as Tuesday's, so it never goes twice)."""
    assert ctx.group is not None
    rnd = answering.round_for_answering(ctx.uow, ctx.group.id)
    if rnd is None or rnd.phase not in answering.OPEN_PHASES or mailing.email_address(env, ctx.uow, person) is None:
        return
    ctx.uow.rounds.get_or_create_response(rnd.id, person.id, person.organisation, ctx.now)
    invitation = mailing.invitation(env, ctx.uow, ctx.group, rnd, person)
    send_to_person(env, ctx.uow, person.id, invitation, f"open:{rnd.id}:{person.id}")
    say(env, ctx, "email.people.invited", name=person.name, week=str(rnd.key.week))


def _link_address(env: Env, ctx: Ctx, person: Person, address: str) -> None:
    """The address as the person's e-mail account (the questionnaire goes there if they have no chat account,
    the Friday report if they receive it), and the coordinator told how they are reached, the address partly."""
    ctx.uow.people.link_account(EMAIL, address, person.id)
    setup.replace_addresses(ctx.uow, person.id, address)  # re-added with a new address: the old one goes
    shown = mailing.shown_address(address)
    if mailing.email_address(env, ctx.uow, person) is not None:
        say(env, ctx, "email.people.reached", name=person.name, address=shown)
    elif EMAIL not in env.platforms:
        say(env, ctx, "email.people.off", name=person.name)
    else:
        say(env, ctx, "email.people.report_only", name=person.name, address=shown)


def _free_console_handle(ctx: Ctx, name: str) -> str:
    """A console id for a new person that nobody has yet: the first name, then anna2, anna3, …"""
    base = re.sub(r"[^a-z0-9åäö]", "", name.split()[0].lower()) or "person"
    handle, n = base, 1
    while ctx.uow.people.account_owner("console", handle) is not None:
        n += 1
        handle = f"{base}{n}"
    return handle


@handles(ReporterRemove)
def remove_reporter(env: Env, ctx: Ctx, cmd: ReporterRemove) -> None:
    assert ctx.group is not None
    found = ctx.uow.people.person_by_name(ctx.group.id, cmd.person)
    if found is None:
        say(env, ctx, "cmd.reporter.unknown", name=cmd.person)
        return
    ctx.uow.people.set_active(found.id, False)
    say(env, ctx, "cmd.reporter.removed", name=found.name)
    audit(ctx, "reporter_remove", {"person": found.name})


@handles(Invite)
def invite(env: Env, ctx: Ctx, cmd: Invite) -> None:
    assert ctx.group is not None
    person = ctx.uow.people.person_by_name(ctx.group.id, cmd.person)
    if person is None or not person.active:
        say(env, ctx, "cmd.reporter.unknown", name=cmd.person)
        return
    _, link, expires = setup.create_invite(env, ctx.uow, person)
    day = expires.astimezone(ctx.group.tz).date().isoformat()
    reply(env, ctx, Outbound(t(ctx.lang, "cmd.invite.done", name=person.name, date=day, link=link), kind="notice"))
    audit(ctx, "invite", {"person": person.name})


# ---------------------------------------------------------------- areas


@handles(AreaList)
def list_areas(env: Env, ctx: Ctx, cmd: AreaList) -> None:
    assert ctx.group is not None
    lines = []
    for a in ctx.uow.groups.areas(ctx.group.id):
        lines.append(
            t(
                ctx.lang,
                "cmd.area.line",
                code=a.code,
                name=a.name,
                places=count(ctx.lang, "place", len(ctx.uow.groups.places(a.id))),
                people=count(ctx.lang, "reporter", ctx.uow.groups.count_area_reporters(a.id)),
            )
        )
    reply(env, ctx, Outbound("\n".join(lines), kind="list"))


@handles(AreaAdd)
def add_area(env: Env, ctx: Ctx, cmd: AreaAdd) -> None:
    assert ctx.group is not None
    if any(a.code == cmd.code for a in ctx.uow.groups.areas(ctx.group.id)):
        say(env, ctx, "cmd.area.exists", code=cmd.code)
        return
    ctx.uow.groups.upsert_area(ctx.group.id, cmd.code, cmd.area_name)
    say(env, ctx, "cmd.area.added", code=cmd.code, name=cmd.area_name)
    audit(ctx, "area_add", {"code": cmd.code, "name": cmd.area_name})
