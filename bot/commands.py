"""Commands, for every platform to map: parse the words, check the role, call a use case.

Each handler answers through `svc.reply`, in the caller's language, and a wrong
argument gets a message that says what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from bot import place_review, privacy
from bot.commands_reports import cmd_export, cmd_followup
from bot.config import CODE_RE, ROLES
from bot.conversation.ids import parse_id
from bot.conversation.messages import Outbound
from bot.domain.cycle import SCHEDULED_PHASES, Phase, RoundKey, local_round_key, phase_due_at, phase_index
from bot.domain.masking import clean_text, has_personal_data
from bot.domain.model import Round
from bot.services import Ctx, Services
from bot.text import CATALOGUE, count, label, t

Handler = Callable[[Services, Ctx, list[str]], None]

# Swedish and English words for the same command.
ALIASES = {
    "hjälp": "help",
    "rapport": "report_me",
    "rapportera": "report_me",
    "ändra": "edit",
    "andra": "edit",
    "sprak": "language",
    "språk": "language",
    "lang": "language",
    "ledig": "pause",
    "semester": "pause",
    "påminn": "remind",
    "öppna": "open",
    "stäng": "close",
    "lägesbild": "picture",
    "fastställ": "finalize",
    "finalise": "finalize",
    "veckorapport": "report",
    "rapportör": "reporter",
    "område": "area",
    "observera": "observe",
    "observation": "observe",
    "prioritet": "priority",
    "åtgärder": "actions",
    "granska": "review",
    "bjud": "invite",
    "inbjudan": "invite",
    "statistik": "stats",
    "exportera": "export",
    "uppföljning": "followup",
    "uppfoljning": "followup",
    "glöm": "forget",
    "radera": "forget",
    "minadata": "mydata",
    "mina_data": "mydata",
    "utkast": "draft",
    "publicera": "publish",
    # The Swedish words without å, ä, ö: what Telegram's command menu can hold, and what a keyboard without them
    # types.
    "hjalp": "help",
    "paminn": "remind",
    "oppna": "open",
    "stang": "close",
    "lagesbild": "picture",
    "faststall": "finalize",
    "rapportor": "reporter",
    "omrade": "area",
    "atgarder": "actions",
    "glom": "forget",
    "weeklyreport": "report",
}


def _say(svc: Services, ctx: Ctx, key: str, kind: str = "notice", **kw: object) -> None:
    svc.reply(ctx, Outbound(t(ctx.lang, key, **kw), kind=kind))


def dispatch(svc: Services, ctx: Ctx) -> None:
    inbound = ctx.inbound
    name = inbound.command.lower().lstrip("/")
    name = ALIASES.get(name, name)
    args = list(inbound.args)
    person = ctx.person
    assert person is not None
    weekly = inbound.command.lower().lstrip("/") in ("veckorapport", "weeklyreport")  # never the questionnaire
    if (
        name == "report"
        and not args
        and not weekly
        and (person_has_areas(svc, ctx) or not person.has_role("participant"))
    ):
        name = "report_me"  # "report" alone: a reporter's own questionnaire; with a week: the weekly report
    entry = COMMANDS.get(name)
    if entry is None:
        _say(svc, ctx, "cmd.unknown", cmd=inbound.command)
        return
    role, handler = entry
    if role and not person.has_role(role):
        _say(svc, ctx, "cmd.denied", cmd=command_word(ctx.lang, name), role=t(ctx.lang, f"role.{role}"))
        return
    handler(svc, ctx, args)


def command_word(lang: str, name: str) -> str:
    """The word a person writing `lang` uses for the command `name` (the Swedish word in Swedish)."""
    key = f"word.{name}"
    return t(lang, key) if key in CATALOGUE else name


def role_name(lang: str, role: str) -> str:
    """One role in the person's language ("rapportör", not "reporter")."""
    key = f"role.one.{role}"
    return t(lang, key) if key in CATALOGUE else role


# A role as written in a command, in either language.
ROLE_WORDS = {
    "rapportör": "reporter",
    "rapportor": "reporter",
    "mötesdeltagare": "participant",
    "motesdeltagare": "participant",
    "deltagare": "participant",
    "samordnare": "coordinator",
    "administratör": "admin",
    "administrator": "admin",
}


def person_has_areas(svc: Services, ctx: Ctx) -> bool:
    assert ctx.person is not None
    return bool(ctx.uow.store.person_areas(ctx.person.id))


def _round_for_input(svc: Services, ctx: Ctx) -> Round:
    """The round new observations and priorities belong to: this week's, or next week's once this week's
    picture is finalised (Friday to Monday)."""
    assert ctx.group is not None
    key = local_round_key(ctx.now, ctx.group.tz)
    rnd = ctx.uow.store.get_round(ctx.group.id, key) or ctx.uow.store.create_round(ctx.group.id, key, ctx.now)
    if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
        rnd = ctx.uow.store.get_round(ctx.group.id, key.next()) or ctx.uow.store.create_round(
            ctx.group.id, key.next(), ctx.now
        )
    return rnd


def _current_round(svc: Services, ctx: Ctx) -> Round | None:
    assert ctx.group is not None
    key = local_round_key(ctx.now, ctx.group.tz)
    rnd = ctx.uow.store.get_round(ctx.group.id, key)
    if rnd is None:
        recent = ctx.uow.store.recent_rounds(ctx.group.id, 1)
        rnd = recent[0] if recent else None
    return rnd


# ---------------------------------------------------------------- reporters


def cmd_help(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.person is not None
    text = t(ctx.lang, "help.reporter")
    if ctx.person.has_role("participant"):
        text += "\n\n" + t(ctx.lang, "help.participant")
    if ctx.person.has_role("coordinator"):
        text += "\n\n" + t(ctx.lang, "help.coordinator")
    how = f"help.how.{ctx.inbound.platform}"
    if how in CATALOGUE:  # where commands need a prefix (Slack: /est …), say so first
        text = t(ctx.lang, how) + "\n\n" + text
    svc.reply(ctx, Outbound(text, kind="help"))


def cmd_report_me(svc: Services, ctx: Ctx, args: list[str]) -> None:
    svc.show_questionnaire(ctx)


def cmd_start(svc: Services, ctx: Ctx, args: list[str]) -> None:
    """`/start` (Telegram's first word, and its deep links): a reporter's questionnaire; anyone who answers none
    (a coordinator, a meeting participant, a reporter without an area) is greeted and told what they can do.
    The words after it (an invitation code already used) are not a command's arguments."""
    if person_has_areas(svc, ctx):
        svc.show_questionnaire(ctx)
    else:
        greet(svc, ctx)


def greet(svc: Services, ctx: Ctx) -> None:
    """Hello to a person who answers no questionnaire: who they are here, the week, and the help."""
    svc.reply(ctx, Outbound(svc.greeting(ctx), kind="notice"))
    cmd_help(svc, ctx, [])


def cmd_edit(svc: Services, ctx: Ctx, args: list[str]) -> None:
    svc.edit_questionnaire(ctx)


def cmd_language(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.person is not None
    if len(args) != 1 or args[0].lower() not in ("sv", "en", "svenska", "english", "engelska"):
        _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.language.usage"))
        return
    lang = "sv" if args[0].lower() in ("sv", "svenska") else "en"
    ctx.uow.store.set_language(ctx.person.id, lang)
    ctx.person = ctx.uow.store.get_person(ctx.person.id)
    _say(svc, ctx, "cmd.language.set")


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def cmd_pause(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.person is not None and ctx.group is not None
    person = ctx.person
    if len(args) >= 2:
        if not person.has_role("coordinator"):
            _say(svc, ctx, "cmd.denied", cmd=t(ctx.lang, "cmd.pause.other"), role=t(ctx.lang, "role.coordinator"))
            return
        name = " ".join(args[:-1])
        found = ctx.uow.store.person_by_name(ctx.group.id, name)
        if found is None:
            _say(svc, ctx, "cmd.reporter.unknown", name=name)
            return
        person = found
    elif len(args) != 1:
        _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.pause.usage"))
        return
    value = args[-1]
    if value.lower() in ("off", "av", "slut"):
        ctx.uow.store.set_paused(person.id, None)
        _say(svc, ctx, "cmd.pause.off", name=person.name)
        audit(ctx, "pause_off", {"person": person.name})
        return
    d = parse_date(value)
    if d is None:
        _say(svc, ctx, "cmd.bad_date", value=value)
        return
    if d < ctx.now.astimezone(ctx.group.tz).date():
        _say(svc, ctx, "cmd.date_past", value=value)
        return
    if d > ctx.now.astimezone(ctx.group.tz).date() + timedelta(days=366):
        _say(svc, ctx, "cmd.date_far", value=value)
        return
    until = datetime.combine(d + timedelta(days=1), time(0), ctx.group.tz).astimezone(UTC)
    ctx.uow.store.set_paused(person.id, until)
    _say(svc, ctx, "cmd.pause.done", name=person.name, date=d.isoformat())
    audit(ctx, "pause", {"person": person.name, "until": d.isoformat()})


def _refuse_personal_data(svc: Services, ctx: Ctx, **named: str) -> bool:
    """Refuse a name that would be stored and shown to everyone if it holds personal data (a personnummer, phone
    number or e-mail address): names are not masked, since a masked name would name nothing. True if refused.
    `named` maps what the text is (a `cmd.what.*` key's last part) to the text."""
    for what, text in named.items():
        if has_personal_data(text):
            _say(svc, ctx, "cmd.name_personal_data", what=t(ctx.lang, f"cmd.what.{what}"))
            return True
    return False


def audit(ctx: Ctx, action: str, detail: dict[str, object]) -> None:
    assert ctx.person is not None and ctx.group is not None
    ctx.uow.store.audit(ctx.now, ctx.group.id, ctx.person.name, action, detail)


# ---------------------------------------------------------------- coordinators


def cmd_status(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    rnd = _current_round(svc, ctx)
    lang = ctx.lang
    parked = ctx.uow.store.parked_count()
    lines: list[str] = []
    if rnd is None:
        lines.append(t(lang, "cmd.no_round"))
        opens = svc._next_open_text(ctx.group, ctx)  # a fresh install: when the first week begins
        lines.append(t(lang, "cmd.status.next", phase=t(lang, "phase.open"), at=opens))
    else:
        st = ctx.uow.store.round_status(rnd.id, ctx.group.id, ctx.now)
        expected = st["expected"]
        done = st["done"]
        rate = round(100 * done / expected) if expected else 0
        lines.append(
            t(
                lang,
                "cmd.status",
                week=str(rnd.key),
                phase=t(lang, f"phase.{rnd.phase}"),
                done=done,
                expected=expected,
                rate=rate,
                late=st["late"],
            )
        )
        if st["missing"]:
            lines.append(t(lang, "cmd.status.missing", names=", ".join(st["missing"])))
        if st["paused"]:
            lines.append(t(lang, "cmd.status.paused", names=", ".join(st["paused"])))
        nxt = [p for p in SCHEDULED_PHASES if phase_index(p) > phase_index(rnd.phase)]
        if nxt:
            at = phase_due_at(rnd.key, nxt[0], ctx.group.week_schedule(), ctx.group.tz)
            lines.append(
                t(lang, "cmd.status.next", phase=t(lang, f"phase.{nxt[0]}"), at=svc.local_text(at, ctx.group, lang))
            )
    if parked:
        lines.append(t(lang, "cmd.status.parked", n=count(lang, "message", parked)))
        for platform, address, who, error in ctx.uow.store.parked_messages(5):
            name = who or t(lang, "rel.parked_unknown", address=f"{platform}:{address}")
            lines.append(t(lang, "rel.parked_line", who=name, error=(error or "–")[:120]))
    waiting = len(ctx.uow.store.places_for_review(ctx.group.id))
    if waiting:
        lines.append(t(lang, "place.review.status", n=waiting))
    svc.reply(ctx, Outbound("\n".join(lines), kind="status"))


def cmd_remind(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    rnd = _current_round(svc, ctx)
    if rnd is None or rnd.phase not in (Phase.OPEN, Phase.REMINDED):
        _say(svc, ctx, "cmd.remind.closed", week=str(rnd.key) if rnd else "-")
        return
    nth = ctx.uow.store.max_reminders(rnd.id) + 1
    n = svc.send_reminders(ctx.uow, ctx.group, rnd, ctx.now, nth)
    _say(svc, ctx, "cmd.remind.done", n=count(ctx.lang, "reporter", n))
    audit(ctx, "remind", {"week": str(rnd.key), "count": n})


def _force(svc: Services, ctx: Ctx, target: Phase, done_key: str) -> None:
    assert ctx.group is not None and ctx.person is not None
    key, changed = svc.force_phase(ctx.uow, ctx.group, target, ctx.person)
    rnd = ctx.uow.store.get_round(ctx.group.id, key)
    assert rnd is not None
    if not changed:
        _say(svc, ctx, "cmd.phase.already", week=str(key), phase=t(ctx.lang, f"phase.{rnd.phase}"))
        return
    _say(svc, ctx, done_key, week=str(key))
    audit(ctx, f"force:{target}", {"week": str(key)})


def cmd_open(svc: Services, ctx: Ctx, args: list[str]) -> None:
    _force(svc, ctx, Phase.OPEN, "cmd.open.done")


def cmd_close(svc: Services, ctx: Ctx, args: list[str]) -> None:
    _force(svc, ctx, Phase.CLOSED, "cmd.close.done")


def cmd_picture(svc: Services, ctx: Ctx, args: list[str]) -> None:
    from bot.conversation.document import plain_text
    from bot.reports.structured import picture_document

    assert ctx.group is not None
    rnd = _round_arg(svc, ctx, args)
    if rnd is None:
        return
    pic = svc.picture(ctx.uow, ctx.group, rnd, ctx.lang)
    doc = picture_document(
        pic,
        for_coordinators=ctx.person is not None and ctx.person.has_role("coordinator"),
        finalised=phase_index(rnd.phase) >= phase_index(Phase.FINALISED),
    )
    data = {"round_id": rnd.id, "week": str(rnd.key), "document": doc.to_json()}
    svc.reply(ctx, Outbound(plain_text(doc), kind="picture_preview", data=data))


def _round_arg(svc: Services, ctx: Ctx, args: list[str]) -> Round | None:
    assert ctx.group is not None
    if args:
        try:
            key = RoundKey.parse(args[0])
        except ValueError:
            _say(svc, ctx, "cmd.bad_week", value=args[0])
            return None
        rnd = ctx.uow.store.get_round(ctx.group.id, key)
    else:
        rnd = _current_round(svc, ctx)
    if rnd is None:
        _say(svc, ctx, "cmd.no_round")
    return rnd


def finalize(svc: Services, ctx: Ctx, rnd: Round) -> None:
    assert ctx.group is not None and ctx.person is not None
    if not ctx.person.has_role("coordinator"):
        _say(svc, ctx, "cmd.denied", cmd=command_word(ctx.lang, "finalize"), role=t(ctx.lang, "role.coordinator"))
        return
    if rnd.phase != Phase.DRAFTED:
        if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
            _say(svc, ctx, "cmd.phase.already", week=str(rnd.key), phase=t(ctx.lang, f"phase.{rnd.phase}"))
        else:
            _say(svc, ctx, "cmd.finalize.not_ready", week=str(rnd.key), phase=t(ctx.lang, f"phase.{rnd.phase}"))
        return
    svc.transition(ctx.uow, ctx.group, rnd.key, Phase.FINALISED, ctx.now, automatic=False, actor=ctx.person)
    n = len(ctx.uow.store.actions_for_round(rnd.id))
    _say(svc, ctx, "cmd.finalize.done.one" if n == 1 else "cmd.finalize.done", week=str(rnd.key), n=n)
    audit(ctx, "finalize", {"week": str(rnd.key), "actions": n})


def cmd_finalize(svc: Services, ctx: Ctx, args: list[str]) -> None:
    rnd = _round_arg(svc, ctx, args)
    if rnd is not None:
        finalize(svc, ctx, rnd)


def _step(svc: Services, ctx: Ctx, args: list[str], before: Phase, after: Phase, not_ready: str) -> Round | None:
    """Move a round from `before` to `after` now, as the schedule would: the scheduled step later finds it done
    and does nothing (the same transition, the same outbox keys). Any other phase gets an answer instead."""
    assert ctx.group is not None and ctx.person is not None
    rnd = _round_arg(svc, ctx, args)
    if rnd is None:
        return None
    phase = t(ctx.lang, f"phase.{rnd.phase}")
    if phase_index(rnd.phase) >= phase_index(after):
        _say(svc, ctx, "cmd.phase.already", week=str(rnd.key), phase=phase)
        return None
    if rnd.phase != before or not svc.transition(
        ctx.uow, ctx.group, rnd.key, after, ctx.now, automatic=False, actor=ctx.person
    ):
        _say(svc, ctx, not_ready, week=str(rnd.key), phase=phase)
        return None
    audit(ctx, f"force:{after}", {"week": str(rnd.key)})
    return rnd


def _no_channel(svc: Services, ctx: Ctx, role: str) -> None:
    assert ctx.group is not None
    if not svc.channel_addresses(ctx.group, role):
        _say(svc, ctx, "cmd.no_channel", channel=t(ctx.lang, f"channel.{role}"))


def cmd_draft(svc: Services, ctx: Ctx, args: list[str]) -> None:
    """`utkast`: the draft picture in the meeting channel now, once reporting has closed."""
    rnd = _step(svc, ctx, args, Phase.CLOSED, Phase.DRAFTED, "cmd.draft.not_closed")
    if rnd is not None:
        _say(svc, ctx, "cmd.draft.done", week=str(rnd.key))
        _no_channel(svc, ctx, "meeting")


def cmd_publish(svc: Services, ctx: Ctx, args: list[str]) -> None:
    """`publicera`: the finalised weekly report to everyone now, instead of at the scheduled time."""
    assert ctx.group is not None
    rnd = _round_arg(svc, ctx, args)
    if rnd is None:
        return
    if rnd.phase == Phase.FINALISED and ctx.uow.store.round_status(rnd.id, ctx.group.id, ctx.now)["expected"] == 0:
        _say(svc, ctx, "cmd.publish.empty", week=str(rnd.key))
        return
    rnd = _step(svc, ctx, args, Phase.FINALISED, Phase.PUBLISHED, "cmd.publish.not_final")
    if rnd is not None:
        _say(svc, ctx, "cmd.publish.done", week=str(rnd.key))
        _no_channel(svc, ctx, "broadcast")


def cmd_report(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    rnd = _round_arg(svc, ctx, args)
    if rnd is None:
        return
    if phase_index(rnd.phase) < phase_index(Phase.FINALISED):
        _say(svc, ctx, "cmd.report.none", week=str(rnd.key))
        return
    from bot.conversation.document import Paragraph, plain_text
    from bot.reporting import report_pdf_attachment

    doc = svc.report_document(ctx.uow, ctx.group, rnd, ctx.lang)
    pdf = report_pdf_attachment(svc, ctx.uow, ctx.group, rnd, ctx.lang)
    if not pdf:
        doc = replace(doc, parts=(*doc.parts, Paragraph(t(ctx.lang, "cmd.report.pdf_failed"), muted=True)))
    data = {"round_id": rnd.id, "week": str(rnd.key), "document": doc.to_json()}
    svc.reply(ctx, Outbound(plain_text(doc), kind="report_document", data=data, attachments=pdf))


def _split_pipes(args: list[str]) -> list[str]:
    return [p.strip() for p in " ".join(args).split("|")]


def cmd_reporter(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    sub = args[0].lower() if args else ""
    store = ctx.uow.store
    usage = t(ctx.lang, "cmd.reporter.usage")
    if sub in ("list", "lista"):
        people = store.persons(ctx.group.id, active_only=False)
        lines = [t(ctx.lang, "cmd.reporter.header", n=count(ctx.lang, "person", len(people)))]
        for p in people:
            extra = ""
            if not p.active:
                extra = t(ctx.lang, "cmd.reporter.inactive")
            elif p.is_paused(ctx.now) and p.paused_until is not None:
                last_day = (p.paused_until.astimezone(ctx.group.tz) - timedelta(days=1)).date()
                extra = t(ctx.lang, "cmd.reporter.paused", date=last_day.isoformat())
            areas = ", ".join(a.code for a in store.person_areas(p.id)) or "–"
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
        svc.reply(ctx, Outbound("\n".join(lines), kind="list"))
        return
    if sub in ("add", "lägg", "ny"):
        parts = _split_pipes(args[1:])
        if len(parts) < 3 or not parts[0]:
            _say(svc, ctx, "cmd.usage", usage=usage)
            return
        mention = ctx.inbound.mentions[0] if ctx.inbound.mentions else None
        name_part = parts[0]
        if mention is not None:  # "@anna" names the chat account; the rest of the part (if any) is the name
            name_part = name_part.replace(f"@{mention[1] or mention[0]}", " ").strip() or mention[1] or mention[0]
            owner = store.account_owner(ctx.inbound.platform, mention[0])
            if owner is not None and store.get_person(owner).active:
                _say(svc, ctx, "cmd.reporter.account_taken", name=store.get_person(owner).name)
                return
        if _refuse_personal_data(svc, ctx, person_name=name_part, organisation=parts[1]):
            return
        name = " ".join(clean_text(name_part, 99).split())
        org = " ".join(clean_text(parts[1], 199).split())
        codes = list(dict.fromkeys(c.strip().lower() for c in parts[2].split(",") if c.strip()))
        role = parts[3].lower() if len(parts) > 3 and parts[3] else "reporter"
        role = ROLE_WORDS.get(role, role)
        if not name:
            _say(svc, ctx, "cmd.usage", usage=usage)
            return
        if role not in ROLES:
            _say(svc, ctx, "cmd.bad_role", role=role, allowed=", ".join(role_name(ctx.lang, r) for r in ROLES))
            return
        known = {a.code: a for a in store.areas(ctx.group.id)}
        for c in codes:
            if c not in known:
                _say(svc, ctx, "cmd.bad_area", area=c, allowed=", ".join(known))
                return
        existing = store.person_by_name(ctx.group.id, name)
        if existing is not None and existing.active:
            _say(svc, ctx, "cmd.reporter.exists", name=name)
            return
        person = store.upsert_person(ctx.group.id, name, org, role, ctx.group.language, True)
        store.set_active(person.id, True)
        store.set_person_areas(person.id, [known[c].id for c in codes])
        done_key = "cmd.reporter.readded" if existing is not None else "cmd.reporter.added"
        _say(svc, ctx, done_key, name=name, role=role_name(ctx.lang, role), areas=", ".join(codes) or "–")
        if mention is not None:
            store.link_account(ctx.inbound.platform, mention[0], person.id)
            _say(svc, ctx, "cmd.reporter.linked", name=name)
        elif ctx.inbound.platform == "console" and not any(p == "console" for p, _ in store.accounts_of(person.id)):
            handle = _free_console_handle(ctx, name)
            store.link_account("console", handle, person.id)
            _say(svc, ctx, "cmd.reporter.console", name=name, handle=handle)
        detail: dict[str, object] = {"person": name, "areas": codes, "role": role}
        if mention is not None:
            detail["account"] = f"{ctx.inbound.platform}:{mention[0]}"
        audit(ctx, "reporter_add", detail)
        return
    if sub in ("remove", "ta", "bort"):
        words = args[2:] if sub == "ta" and len(args) > 1 and args[1].lower() == "bort" else args[1:]
        name = " ".join(words).strip()
        found = store.person_by_name(ctx.group.id, name) if name else None
        if found is None:
            _say(svc, ctx, "cmd.reporter.unknown", name=name or "–")
            return
        store.set_active(found.id, False)
        _say(svc, ctx, "cmd.reporter.removed", name=found.name)
        audit(ctx, "reporter_remove", {"person": found.name})
        return
    _say(svc, ctx, "cmd.usage", usage=usage)


def _free_console_handle(ctx: Ctx, name: str) -> str:
    """A console id for a new person that nobody has yet: the first name, then anna2, anna3, …"""
    base = re.sub(r"[^a-z0-9åäö]", "", name.split()[0].lower()) or "person"
    handle, n = base, 1
    while ctx.uow.store.account_owner("console", handle) is not None:
        n += 1
        handle = f"{base}{n}"
    return handle


def cmd_invite(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    name = " ".join(args).strip()
    person = ctx.uow.store.person_by_name(ctx.group.id, name) if name else None
    if person is None or not person.active:
        _say(svc, ctx, "cmd.reporter.unknown", name=name or "–")
        return
    _, link, expires = svc.create_invite(ctx.uow, person)
    day = expires.astimezone(ctx.group.tz).date().isoformat()
    svc.reply(ctx, Outbound(t(ctx.lang, "cmd.invite.done", name=person.name, date=day, link=link), kind="notice"))
    audit(ctx, "invite", {"person": person.name})


def cmd_area(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    store = ctx.uow.store
    sub = args[0].lower() if args else ""
    if sub in ("list", "lista"):
        lines = []
        for a in store.areas(ctx.group.id):
            lines.append(
                t(
                    ctx.lang,
                    "cmd.area.line",
                    code=a.code,
                    name=a.name,
                    places=count(ctx.lang, "place", len(store.places(a.id))),
                    people=count(ctx.lang, "reporter", store.count_area_reporters(a.id)),
                )
            )
        svc.reply(ctx, Outbound("\n".join(lines), kind="list"))
        return
    if sub in ("add", "lägg", "ny") and len(args) >= 3:
        code = args[1].lower()
        if _refuse_personal_data(svc, ctx, area_code=code, area_name=" ".join(args[1:])):
            return
        if not CODE_RE.match(code):
            _say(svc, ctx, "cmd.area.bad_code", code=code)
            return
        if any(a.code == code for a in store.areas(ctx.group.id)):
            _say(svc, ctx, "cmd.area.exists", code=code)
            return
        name = clean_text(" ".join(args[2:]), 200).replace("\n", " ")
        store.upsert_area(ctx.group.id, code, name)
        _say(svc, ctx, "cmd.area.added", code=code, name=name)
        audit(ctx, "area_add", {"code": code, "name": name})
        return
    _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.area.usage"))


def split_head(raw: str) -> tuple[str, str, str]:
    """`HEAD: text` split where the head ends, like `str.partition(":")`: at the first colon followed by a space
    (or at the end), else at the first that is neither in a link (`https://`) nor between digits (`3:2`,
    `12:30`). So a place or a link in the head, and anything in the text, may hold colons."""
    found = re.search(r":(?=\s|$)", raw)
    if found is None:
        found = next(
            (
                m
                for m in re.finditer(":", raw)
                if not raw.startswith("//", m.end())
                and not (raw[m.start() - 1 : m.start()].isdigit() and raw[m.end() : m.end() + 1].isdigit())
            ),
            None,
        )
    if found is None:
        return raw, "", ""
    return raw[: found.start()], ":", raw[found.end() :]


def _area_factor_text(svc: Services, ctx: Ctx, args: list[str], usage: str) -> tuple[str, str | None, str] | None:
    """Parse `AREA [FACTOR]: text` (or `AREA [| PLACE]: text`)."""
    assert ctx.group is not None
    raw = " ".join(args)
    head, sep, text = split_head(raw)
    words = head.split()
    if not sep or not words:
        _say(svc, ctx, "cmd.usage", usage=usage)
        return None
    text = clean_text(text, 1000)
    if not text:
        _say(svc, ctx, "cmd.empty_text")
        return None
    area = words[0].lower()
    known = [a.code for a in ctx.uow.store.areas(ctx.group.id)]
    if area not in known:
        _say(svc, ctx, "cmd.bad_area", area=area, allowed=", ".join(known))
        return None
    rest = " ".join(words[1:]).strip()
    return area, rest or None, text


def cmd_observe(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None and ctx.person is not None
    parsed = _area_factor_text(svc, ctx, args, t(ctx.lang, "cmd.observe.usage"))
    if parsed is None:
        return
    area, factor, text = parsed
    codes = [f.code for f in ctx.group.factor_list()]
    if factor is not None and factor.lower() not in codes:
        _say(svc, ctx, "cmd.bad_factor", factor=factor, allowed=", ".join(codes))
        return
    rnd = _round_for_input(svc, ctx)
    ctx.uow.store.add_observation(
        rnd.id,
        ctx.person.id,
        ctx.person.name,
        ctx.person.organisation or role_name(ctx.group.language, ctx.person.role),
        area,
        factor.lower() if factor else None,
        text,
        ctx.now,
    )
    _say(svc, ctx, "cmd.observe.done", week=str(rnd.key))
    audit(ctx, "observe", {"week": str(rnd.key), "area": area})


def cmd_priority(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    usage = t(ctx.lang, "cmd.priority.usage")
    if not args or args[0].lower() not in ("add", "lägg", "ny"):
        _say(svc, ctx, "cmd.usage", usage=usage)
        return
    raw = " ".join(args[1:])
    head, sep, text = split_head(raw)
    area_part, _, place = head.partition("|")  # the place is all after the first `|`, `|` and `:` included
    parsed = _area_factor_text(svc, ctx, [area_part.strip() + ": " + text.strip()] if sep else [], usage)
    if parsed is None:
        return
    area, _, title = parsed
    place_name = clean_text(place, 100) or None
    rnd = _round_for_input(svc, ctx)
    key = f"manual:{area}:{re.sub(r'[^a-z0-9åäö]+', '-', title.lower())[:80]}"
    pos = len(ctx.uow.store.candidates(rnd.id))
    cid = ctx.uow.store.add_candidate(rnd.id, key, area, place_name, (), title, (), "manual", pos)
    _say(svc, ctx, "cmd.priority.added", title=title, week=str(rnd.key))
    audit(ctx, "priority_add", {"week": str(rnd.key), "title": title})
    if rnd.phase == Phase.DRAFTED and cid is not None:
        cand = ctx.uow.store.get_candidate(cid)
        assert cand is not None
        svc.send_to_channel(
            ctx.uow,
            ctx.group,
            "meeting",
            svc.candidate_message(cand, pos + 1, ctx.group.language, False),
            f"{ctx.key_base}:cand:{cid}",
        )


def cmd_actions(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    store = ctx.uow.store
    lang = ctx.lang
    if len(args) == 2 and args[0].lower() in ("done", "ongoing", "planned", "klar", "pågår"):
        status = {"klar": "done", "pågår": "ongoing"}.get(args[0].lower(), args[0].lower())
        aid = parse_id(args[1].lstrip("#"))
        if aid is None or not store.set_action_status(ctx.group.id, aid, status):
            _say(svc, ctx, "cmd.actions.unknown", id=args[1])
            return
        _say(svc, ctx, "cmd.actions.updated", id=aid, status=t(lang, f"status.{status}"))
        audit(ctx, "action_status", {"id": aid, "status": status})
        return
    if args:
        _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.actions.usage"))
        return
    acts = store.actions(ctx.group.id)
    if not acts:
        _say(svc, ctx, "cmd.actions.none")
        return
    lines = [
        t(
            lang,
            "cmd.actions.line",
            id=a.id,
            week=str(a.week),
            title=a.title,
            type=label(lang, "atype", a.action_type),
            resp=label(lang, "resp", a.responsible),
            time=label(lang, "time", a.timeframe),
            status=t(lang, f"status.{a.status}"),
        )
        for a in acts
    ]
    svc.reply(ctx, Outbound("\n".join(lines), kind="list"))


def cmd_review(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None
    if place_review.is_place_review(args):
        place_review.decide(svc, ctx, args)
        return
    rnd = _current_round(svc, ctx)
    places = place_review.pending_lines(ctx) if not args else []
    if rnd is None:
        if places:
            svc.reply(ctx, Outbound("\n".join(places), kind="list"))
        else:
            _say(svc, ctx, "cmd.no_round")
        return
    store = ctx.uow.store
    if args and args[0].lower() in ("edit", "redigera", "skriv"):
        privacy.review_edit(svc, ctx, rnd.id, args[1:])
        return
    if len(args) == 2 and args[0].lower() in ("approve", "hide", "godkänn", "dölj"):
        status = "approved" if args[0].lower() in ("approve", "godkänn") else "hidden"
        ident = args[1].lstrip("#")
        if parse_id(ident) is None or not store.set_note_review(rnd.id, ident, status):
            _say(svc, ctx, "cmd.review.unknown", id=ident)
            return
        _say(svc, ctx, "cmd.review.done", id=ident, status=t(ctx.lang, f"review.{status}"))
        audit(ctx, "review", {"note": ident, "status": status})
        return
    if args:
        _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.review.usage"))
        return
    notes = store.notes_for_review(rnd.id)
    if not notes:
        if places:
            svc.reply(ctx, Outbound("\n".join([t(ctx.lang, "cmd.review.none"), *places]), kind="list"))
        else:
            _say(svc, ctx, "cmd.review.none")
        return
    lines = [
        t(
            ctx.lang,
            "cmd.review.line",
            id=n["id"],
            status=t(ctx.lang, f"review.{n['review']}"),
            where=n["where"],
            text=n["text"],
        )
        for n in notes
    ]
    svc.reply(ctx, Outbound("\n".join(lines + places), kind="list"))


def cmd_stats(svc: Services, ctx: Ctx, args: list[str]) -> None:
    from bot.stats.service import stats_command

    stats_command(svc, ctx, args)


COMMANDS: dict[str, tuple[str | None, Handler]] = {
    "help": (None, cmd_help),
    "report_me": (None, cmd_report_me),
    "start": (None, cmd_start),
    "edit": (None, cmd_edit),
    "language": (None, cmd_language),
    "pause": (None, cmd_pause),
    "status": ("coordinator", cmd_status),
    "remind": ("coordinator", cmd_remind),
    "open": ("coordinator", cmd_open),
    "close": ("coordinator", cmd_close),
    "picture": ("participant", cmd_picture),
    "draft": ("coordinator", cmd_draft),
    "finalize": ("coordinator", cmd_finalize),
    "publish": ("coordinator", cmd_publish),
    "report": ("participant", cmd_report),
    "reporter": ("coordinator", cmd_reporter),
    "area": ("coordinator", cmd_area),
    "observe": ("participant", cmd_observe),
    "priority": ("coordinator", cmd_priority),
    "actions": ("participant", cmd_actions),
    "review": ("coordinator", cmd_review),
    "invite": ("coordinator", cmd_invite),
    "stats": ("coordinator", cmd_stats),
    "export": ("coordinator", cmd_export),
    "followup": ("coordinator", cmd_followup),
    "forget": ("coordinator", privacy.cmd_forget),
    "mydata": (None, privacy.cmd_mydata),
}
