"""Setting up who is who: the configuration file's groups, areas, places, people and accounts made known to the
database, and invitations (a one-time code that links a new chat account to a person).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from bot.conversation.mail import EMAIL
from bot.conversation.messages import Outbound
from bot.domain.masking import has_personal_data
from bot.domain.model import Person
from bot.ports import UnitOfWork
from bot.text import t
from bot.usecases.answering import round_for_answering, show_questionnaire
from bot.usecases.context import Ctx, Env, reply

INVITE_CODE_MAX = 64


def sync_config(env: Env) -> None:
    """Make the database know every group, area, place, person and account the file names (an e-mail address
    is an account too: where the questionnaire goes for someone without a chat account, or with `channel`)."""
    now = env.clock.now()
    with env.uow_factory() as uow:
        for g in env.config.groups:
            uow.groups.upsert_group(g.id, g.name)
            for a in g.areas:
                area = uow.groups.upsert_area(g.id, a.code, a.name)
                for name, lat, lon in a.place_points():
                    uow.groups.get_or_create_place(area.id, name, now, configured=True, lat=lat, lon=lon)
            for r in g.reporters:
                person = uow.people.upsert_person(g.id, r.name, r.organisation, r.role, r.language, r.receives_report)
                uow.people.set_person_areas(person.id, [uow.groups.area_by_code(g.id, c).id for c in r.areas])
                accounts = (("slack", r.slack), ("telegram", r.telegram), ("console", r.console), (EMAIL, r.email))
                for platform, ext in accounts:
                    if ext is not None:
                        uow.people.link_account(platform, str(ext), person.id)
                if r.email is not None:  # an address changed in the file replaces the old one
                    replace_addresses(uow, person.id, str(r.email))
                uow.people.set_channel(person.id, r.channel)
        uow.commit()


def replace_addresses(uow: UnitOfWork, person_id: int, address: str) -> None:
    """`address` is the person's one e-mail address: any other they had is theirs no more."""
    for platform, other in uow.people.accounts_of(person_id):
        if platform == EMAIL and other != address:
            uow.people.unlink_account(EMAIL, other)


def create_invite(env: Env, uow: UnitOfWork, person: Person, days: int = 14) -> tuple[str, str, datetime]:
    """A one-time code for `person`, the link to hand over, and when it expires."""
    code = secrets.token_urlsafe(16)
    while has_personal_data(code):  # a run of digits like a phone number would be masked in the message
        code = secrets.token_urlsafe(16)
    now = env.clock.now()
    expires = now + timedelta(days=days)
    uow.people.create_invite(code, person.id, now, expires)
    username = env.config.telegram.bot_username
    link = f"https://t.me/{username}?start={code}" if username else f"/start {code}"
    return code, link, expires


def accept_invite(env: Env, ctx: Ctx, code: str) -> bool:
    """`/start <code>` from an unknown account: link it to the invited person (never by username). False when
    this is not for an invitation (in a channel), so the event is handled as any other."""
    inbound = ctx.inbound
    if inbound.chat is not None:
        return False
    person_id = ctx.uow.people.use_invite(code[:INVITE_CODE_MAX], f"{inbound.platform}:{inbound.sender}", ctx.now)
    if person_id is None:
        reply(env, ctx, Outbound(t("sv", "invite.bad") + "\n\n" + t("en", "invite.bad"), kind="notice"))
        return True
    ctx.uow.people.link_account(inbound.platform, inbound.sender, person_id)
    person = ctx.uow.people.get_person(person_id)
    ctx.person, ctx.group = person, env.group_or_none(person.group_id)
    group_name = ctx.group.name if ctx.group else ""
    reply(env, ctx, Outbound(t(ctx.lang, "invite.welcome", name=person.name, group=group_name), kind="notice"))
    ctx.uow.audit.audit(ctx.now, person.group_id, person.name, "invite_used", {"platform": inbound.platform})
    if ctx.group is not None and round_for_answering(ctx.uow, ctx.group.id) is not None:
        show_questionnaire(env, ctx)
    return True
