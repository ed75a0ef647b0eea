"""The use cases: answer, advance the cycle, build the picture, decide, publish.

Every public method is one unit of work: what it changes and every message it
wants sent (as outbox rows) commit together or not at all. Nothing here knows
Slack, Telegram or SQL; it speaks to storage through the `UnitOfWork` port.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import Clock
from bot.config import Config, GroupConfig
from bot.conversation.document import Document
from bot.conversation.ids import parse_id
from bot.conversation.messages import Attachment, Choice, Inbound, Outbound
from bot.conversation.questionnaire import Event, Item, Questionnaire, Spec
from bot.domain.cycle import (
    PHASE_ORDER,
    Phase,
    RoundKey,
    due_phase,
    local_round_key,
    phase_due_at,
    phase_index,
    round_may_begin,
)
from bot.domain.masking import has_personal_data, mask_personal_data
from bot.domain.model import ACTION_TYPES, RESPONSIBLES, TIMEFRAMES, AnswerIn, Area, Candidate, Person, Round
from bot.domain.picture import Picture, PictureInput, build_picture
from bot.domain.places import coarse
from bot.ports import UnitOfWork
from bot.reports.grid import picture_grid
from bot.reports.render import Decision, picture_summary_text
from bot.sanitize import without_nul
from bot.text import CATALOGUE, label, t

log = logging.getLogger(__name__)

CHANNEL_ROLES = ("meeting", "broadcast", "coordinators")
OPEN_PHASES = (Phase.OPEN, Phase.REMINDED)
ANSWERABLE = (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED)


@dataclass
class Ctx:
    """One incoming event being handled: who, where to answer, in which language."""

    uow: UnitOfWork
    inbound: Inbound
    person: Person | None
    group: GroupConfig | None
    now: datetime
    key_base: str
    n: int = 0
    sent: list[Outbound] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.person.language if self.person else "sv"


class Services:
    def __init__(
        self,
        config: Config,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        platforms: Sequence[str] = ("console",),
    ) -> None:
        self.config = config
        self.uow_factory = uow_factory
        self.clock = clock
        self.platforms = tuple(platforms)
        # A questionnaire's items and closing time per group, week, language and areas: the same for every
        # press of every reporter with those, and rebuilt for each press they cost as much as a database read.
        self._spec_parts: dict[tuple[str, RoundKey, str, tuple[Area, ...]], tuple[tuple[Item, ...], str]] = {}

    # ------------------------------------------------------------------ set-up

    def sync_config(self) -> None:
        """Make the database know every group, area, place, person and account the file names."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            for g in self.config.groups:
                uow.store.upsert_group(g.id, g.name)
                for a in g.areas:
                    area = uow.store.upsert_area(g.id, a.code, a.name)
                    for name, lat, lon in a.place_points():
                        uow.store.get_or_create_place(area.id, name, now, configured=True, lat=lat, lon=lon)
                for r in g.reporters:
                    person = uow.store.upsert_person(
                        g.id, r.name, r.organisation, r.role, r.language, r.receives_report
                    )
                    uow.store.set_person_areas(person.id, [uow.store.area_by_code(g.id, c).id for c in r.areas])
                    for platform, ext in (("slack", r.slack), ("telegram", r.telegram), ("console", r.console)):
                        if ext is not None:
                            uow.store.link_account(platform, str(ext), person.id)
            uow.commit()

    # ------------------------------------------------------------------ outbox helpers

    def _next_key(self) -> str:
        """A key for an event the platform gave no id: unique across processes, even under a test clock."""
        return uuid.uuid4().hex

    def _enqueue(self, uow: UnitOfWork, platform: str, address: str, out: Outbound, key: str) -> None:
        uow.store.enqueue(key, platform, address, out.ref, out.to_json(), self.clock.now())

    def send_to_person(
        self, uow: UnitOfWork, person_id: int, out: Outbound, key: str, platform: str | None = None
    ) -> bool:
        accounts = uow.store.accounts_of(person_id)
        usable = [(p, a) for p, a in accounts if p in self.platforms]
        if platform is not None:
            usable = sorted(usable, key=lambda pa: pa[0] != platform)
        if not usable:
            return False
        p, a = usable[0]
        self._enqueue(uow, p, a, out, f"{key}@{p}")
        return True

    def channel_addresses(self, group: GroupConfig, role: str) -> list[tuple[str, str]]:
        """(platform, address) of the group's channel for `role` on every enabled platform."""
        ch = group.channels.get(role)  # type: ignore[call-overload]
        if ch is None:
            return []
        return [(p, str(a)) for p in self.platforms if (a := getattr(ch, p, None)) is not None]

    def send_to_channel(self, uow: UnitOfWork, group: GroupConfig, role: str, out: Outbound, key: str) -> int:
        addresses = self.channel_addresses(group, role)
        for platform, address in addresses:
            self._enqueue(uow, platform, address, out, f"{key}@{platform}")
        return len(addresses)

    def reply(self, ctx: Ctx, out: Outbound) -> None:
        """Answer the person who wrote, in private: an answer given in a group chat (status with the names of
        non-responders, a refusal) is for the asker alone. What the group should see goes by send_to_channel."""
        ctx.n += 1
        inbound = ctx.inbound
        address = inbound.sender if out.ref else (inbound.reply_address or inbound.sender)
        self._enqueue(ctx.uow, inbound.platform, address, out, f"{ctx.key_base}:{ctx.n}")
        ctx.sent.append(out)

    # ------------------------------------------------------------------ incoming events

    def handle(self, inbound: Inbound) -> list[Outbound]:
        """Handle one incoming event in one unit of work; returns what was queued as replies.

        If handling fails, nothing it did is kept: the error is logged with its traceback and the person
        is told, in a unit of work of its own, that nothing was saved.
        """
        inbound = without_nul(inbound)
        try:
            return self._handle(inbound)
        except Exception:
            log.exception("handling %s from %s/%s failed", inbound.kind, inbound.platform, inbound.sender)
            with self.uow_factory() as uow:
                person = uow.store.person_by_account(inbound.platform, inbound.sender)
                ctx = Ctx(uow, inbound, person, None, self.clock.now(), f"err:{inbound.platform}:{self._next_key()}")
                self.reply(ctx, Outbound(t(ctx.lang, "cmd.error"), kind="notice"))
                uow.commit()
                return ctx.sent

    def handle_many(self, inbounds: Sequence[Inbound], pause: Callable[[], object] | None = None) -> list[Outbound]:
        """Handle events that arrived together (the intake's queue under load) in one unit of work, in their
        order; returns what was queued as replies.

        One transaction for many events saves each event its own begin, commit and write to the database's
        log, and the store reads the batch's presses together and writes their results together
        (`begin_batch`), which together is most of what a button press costs. The result is the same as
        `handle` one by one: if any event fails, or the commit does, nothing of the batch is kept and every
        event is handled again on its own, so a failure costs only the event that failed. Commands are always
        handled on their own (a command can take long, and must not hold the others' transaction open).
        `pause` is called after each event: the intake gives the event loop its turn there.
        """
        sent: list[Outbound] = []
        batch: list[Inbound] = []
        for inbound in inbounds:
            if inbound.kind == "command":
                sent += self._handle_batch(batch, pause)
                batch = []
                sent += self.handle(inbound)
            else:
                batch.append(without_nul(inbound))
        return sent + self._handle_batch(batch, pause)

    def _handle_batch(self, batch: Sequence[Inbound], pause: Callable[[], object] | None) -> list[Outbound]:
        if len(batch) <= 1:
            return [out for inbound in batch for out in self.handle(inbound)]
        sent: list[Outbound] = []
        try:
            with self.uow_factory() as uow:
                presses = [(i.platform, i.sender, _questionnaire_round(i)) for i in batch]
                events = [(i.platform, i.event_id) for i in batch if i.event_id is not None]
                uow.store.begin_batch(presses, events, self.clock.now())
                for inbound, (_, _, round_id) in zip(batch, presses, strict=True):
                    if round_id is None:  # not a questionnaire press: may do what a batch does not foresee
                        uow.store.end_batch()
                    sent += self._handle_in(uow, inbound)
                    if pause is not None:
                        pause()
                uow.commit()
            return sent
        except Exception as exc:
            # Nothing of the batch was kept. `handle` logs the failure with its traceback when it happens
            # again on its own, and tells the person.
            log.warning("a batch of %d events failed (%r); handling them one at a time", len(batch), exc)
            return [out for inbound in batch for out in self.handle(inbound)]

    def _handle(self, inbound: Inbound) -> list[Outbound]:
        with self.uow_factory() as uow:
            sent = self._handle_in(uow, inbound)
            uow.commit()
            return sent

    def _handle_in(self, uow: UnitOfWork, inbound: Inbound) -> list[Outbound]:
        """Handle one event in `uow`, without committing."""
        from bot import commands

        now = self.clock.now()
        if inbound.event_id is not None:
            if not uow.store.mark_event_processed(inbound.platform, inbound.event_id, now):
                log.info("duplicate delivery %s/%s ignored", inbound.platform, inbound.event_id)
                return []
            key_base = f"in:{inbound.platform}:{inbound.event_id}"
        else:
            key_base = f"in:{inbound.platform}:{self._next_key()}"
        person = uow.store.person_by_account(inbound.platform, inbound.sender)
        group = self._group_or_none(person.group_id) if person else None
        ctx = Ctx(uow, inbound, person, group, now, key_base)
        invited = person is None and inbound.kind == "command" and inbound.command == "start" and inbound.args
        if invited and self._accept_invite(ctx, inbound.args[0]):
            return ctx.sent
        if person is None or group is None:
            if inbound.chat is None:  # in a channel, strangers are simply not answered
                text = t("sv", "cmd.unknown_user") + "\n\n" + t("en", "cmd.unknown_user")
                self.reply(ctx, Outbound(text, kind="home" if inbound.kind == "home" else "notice"))
            return ctx.sent
        if inbound.kind == "command":
            commands.dispatch(self, ctx)
        elif inbound.kind == "choice" and inbound.choice.startswith("q"):
            self._questionnaire_event(ctx, Event("choice", inbound.choice), inbound.choice)
        elif inbound.kind == "choice" and inbound.choice[:1] in ("c", "f"):
            self._meeting_choice(ctx, inbound.choice)
        elif inbound.kind == "choice":
            self.reply(ctx, Outbound(t(ctx.lang, "meet.stale"), kind="notice"))
        elif inbound.kind == "home":
            self.show_home(ctx)
        elif inbound.kind == "location":
            self._questionnaire_event(ctx, Event("location", location=inbound.location), None)
        elif inbound.chat is None:
            self._questionnaire_event(ctx, Event("text", inbound.text), None)
        return ctx.sent

    def message_ref(self, platform: str, address: str, message_id: str) -> str | None:
        """The ref of a message the bot sent (None for any other message), for edges that turn an action on
        a message itself (an emoji reaction) into a choice."""
        with self.uow_factory() as uow:
            return uow.store.ref_for_message(platform, address, message_id)

    def _accept_invite(self, ctx: Ctx, code: str) -> bool:
        """`/start <code>` from an unknown account: link it to the invited person (never by username)."""
        inbound = ctx.inbound
        if inbound.chat is not None:
            return False
        person_id = ctx.uow.store.use_invite(code[:64], f"{inbound.platform}:{inbound.sender}", ctx.now)
        if person_id is None:
            self.reply(ctx, Outbound(t("sv", "invite.bad") + "\n\n" + t("en", "invite.bad"), kind="notice"))
            return True
        ctx.uow.store.link_account(inbound.platform, inbound.sender, person_id)
        person = ctx.uow.store.get_person(person_id)
        ctx.person, ctx.group = person, self._group_or_none(person.group_id)
        group_name = ctx.group.name if ctx.group else ""
        self.reply(ctx, Outbound(t(ctx.lang, "invite.welcome", name=person.name, group=group_name), kind="notice"))
        ctx.uow.store.audit(ctx.now, person.group_id, person.name, "invite_used", {"platform": inbound.platform})
        if ctx.group is not None and self._round_for_answering(ctx.uow, ctx.group.id) is not None:
            self.show_questionnaire(ctx)
        return True

    def create_invite(self, uow: UnitOfWork, person: Person, days: int = 14) -> tuple[str, str, datetime]:
        """A one-time code for `person`, the link to hand over, and when it expires."""
        code = secrets.token_urlsafe(16)
        while has_personal_data(code):  # a run of digits like a phone number would be masked in the message
            code = secrets.token_urlsafe(16)
        now = self.clock.now()
        expires = now + timedelta(days=days)
        uow.store.create_invite(code, person.id, now, expires)
        username = self.config.telegram.bot_username
        link = f"https://t.me/{username}?start={code}" if username else f"/start {code}"
        return code, link, expires

    def _group_or_none(self, group_id: str) -> GroupConfig | None:
        try:
            return self.config.group(group_id)
        except KeyError:
            return None  # the group was removed from the configuration

    # ------------------------------------------------------------------ questionnaire

    def _round_for_answering(self, uow: UnitOfWork, group_id: str) -> Round | None:
        rounds = uow.store.recent_rounds(group_id, 2)
        for r in rounds:
            if r.phase in ANSWERABLE:
                return r
        return None

    def questionnaire_spec(
        self,
        uow: UnitOfWork,
        group: GroupConfig,
        rnd: Round,
        person: Person,
        areas: list[Area] | None = None,
        with_last_week: bool = True,
    ) -> Spec:
        """What the engine needs; last week's answers are looked up only where they can be used."""
        areas = uow.store.person_areas(person.id) if areas is None else areas
        key = (group.id, rnd.key, person.language, tuple(areas))
        parts = self._spec_parts.get(key)
        if parts is None:
            if len(self._spec_parts) >= 4096:
                self._spec_parts.clear()
            factors = group.factor_list()
            close = phase_due_at(rnd.key, Phase.CLOSED, group.week_schedule(), group.tz)
            parts = self._spec_parts[key] = (
                tuple(Item(a.code, a.name, f) for a in areas for f in factors),
                self.local_text(close, group, person.language),
            )
        items, close_text = parts
        known = {a.code: uow.store.places(a.id) for a in areas}
        places = {code: tuple(p.name for p in ps) for code, ps in known.items()}
        located = {
            code: tuple((p.name, p.lat, p.lon) for p in ps if p.lat is not None and p.lon is not None)
            for code, ps in known.items()
        }
        last = uow.store.last_submitted_answers(group.id, rnd.key, person.id) if with_last_week else None
        return Spec(
            round_id=rnd.id,
            week=str(rnd.key),
            name=person.name.split()[0] if person.name else "",
            lang=person.language,
            items=items,
            threshold=group.threshold,
            places=places,
            last_week=last,
            close_text=close_text,
            located=located,
            snap_m=float(self.config.privacy.location_snap_metres),
        )

    def local_text(self, when: datetime, group: GroupConfig, lang: str) -> str:
        local = when.astimezone(group.tz)
        return f"{t(lang, f'day.{local.isoweekday()}')} {local:%d/%m %H:%M}"

    def _questionnaire_event(self, ctx: Ctx, event: Event, choice: str | None) -> None:
        assert ctx.person is not None and ctx.group is not None
        uow, person, group = ctx.uow, ctx.person, ctx.group
        rnd: Round | None
        if choice is not None:
            rid = _round_of_choice(choice)
            rnd = uow.store.get_round_by_id(rid) if rid is not None else None
            if rnd is None or rnd.group_id != group.id:
                self.reply(ctx, Outbound(t(ctx.lang, "q.stale"), kind="notice"))
                return
        else:
            rnd = self._round_for_answering(uow, group.id)
        areas = uow.store.person_areas(person.id)
        if not areas:  # nothing to answer, in any week: say who they are here and what they can do
            from bot import commands

            # say it was not understood before the greeting: masked first, then shortened (a cut address or
            # number would no longer be recognised)
            words = mask_personal_data(" ".join(ctx.inbound.text.split()))
            if ctx.inbound.kind == "text" and words:
                shown = words if len(words) <= 60 else words[:59].rsplit(" ", 1)[0] + " …"
                self.reply(ctx, Outbound(t(ctx.lang, "start.not_understood", text=shown), kind="notice"))
            commands.greet(self, ctx)
            return
        if rnd is None:
            self.reply(ctx, Outbound(t(ctx.lang, "q.no_round", next=self._next_open_text(group, ctx)), kind="notice"))
            return
        if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
            self.reply(ctx, Outbound(t(ctx.lang, "q.finalised", week=str(rnd.key)), kind="notice"))
            return
        resp = uow.store.get_or_create_response(rnd.id, person.id, person.organisation, ctx.now)
        at_greeting = resp.state.get("step", "greeting") == "greeting"
        spec = self.questionnaire_spec(uow, group, rnd, person, areas, with_last_week=at_greeting)
        engine = Questionnaire(spec)
        if resp.status == "submitted" and phase_index(rnd.phase) >= phase_index(Phase.CLOSED):
            key = "q.already_sent" if event.kind == "show" else "q.closed_edit"
            self.reply(ctx, Outbound(t(ctx.lang, key, week=str(rnd.key)), kind="notice"))
            return
        result = engine.step(resp.state, event)
        # After text typed into the chat the old message is no longer the last one; a form's text leaves it last.
        typed = ctx.inbound.kind != "choice" and not ctx.inbound.from_form
        for out in result.out:
            self.reply(ctx, replace(out, fresh=True) if typed and out.ref else out)
        if not result.changed:
            return
        status = resp.status if resp.status == "submitted" else "in_progress"
        snoozed_until = None
        if result.snooze:
            snoozed_until = ctx.now + timedelta(hours=group.snooze_hours)
            status = "snoozed"
            self.reply(
                ctx,
                Outbound(
                    t(ctx.lang, "q.snoozed", at=self.local_text(snoozed_until, group, ctx.lang)),
                    ref=engine.ref,
                    kind="question",
                ),
            )
        late = resp.late
        submitted_at = resp.submitted_at
        if result.submitted:
            answers = []
            area_ids = {a.code: a.id for a in areas}
            for item in spec.items:
                a = result.state["answers"].get(item.key, {"level": 0})
                place_id = None
                if a.get("place"):
                    loc = coarse(*a["loc"]) if a.get("loc") else None  # ~100 m, even from an older state
                    place = uow.store.get_or_create_place(
                        area_ids[item.area],
                        a["place"],
                        ctx.now,
                        lat=loc[0] if loc else None,
                        lon=loc[1] if loc else None,
                    )
                    place_id = place.id
                answers.append(
                    AnswerIn(area_ids[item.area], item.factor.code, int(a["level"]), place_id, a.get("note"))
                )
            uow.store.replace_answers(resp.id, answers, result.state.get("more"))
            status = "submitted"
            submitted_at = ctx.now
            late = phase_index(rnd.phase) >= phase_index(Phase.CLOSED)
            key = "q.sent.late" if late else "q.sent"
            self.reply(
                ctx,
                Outbound(
                    t(ctx.lang, key, week=spec.week, close=spec.close_text),
                    ((Choice(engine.prefix + "x:edit", t(ctx.lang, "q.btn.edit")),),) if not late else (),
                    ref=engine.ref,
                    kind="question",
                    data={"step": "sent", "round_id": rnd.id},
                ),
            )
        uow.store.save_response(resp.id, resp.version, result.state, status, snoozed_until, late, submitted_at, ctx.now)

    def _next_open_text(self, group: GroupConfig, ctx: Ctx) -> str:
        key = local_round_key(ctx.now, group.tz)
        at = phase_due_at(key, Phase.OPEN, group.week_schedule(), group.tz)
        if at <= ctx.now:
            at = phase_due_at(key.next(), Phase.OPEN, group.week_schedule(), group.tz)
        return self.local_text(at, group, ctx.lang)

    def show_home(self, ctx: Ctx) -> None:
        """A person's overview of their own week: the round, their status and their own answers (nobody
        else's). Platforms that have a place for it (Slack's App Home) show it when the person opens it."""
        assert ctx.person is not None and ctx.group is not None
        uow, person, group, lang = ctx.uow, ctx.person, ctx.group, ctx.lang
        rnd = self._round_for_answering(uow, group.id)
        areas = uow.store.person_areas(person.id)
        if not areas:  # answers no questionnaire: who they are here and the week, not an answer's status
            text = self.greeting(ctx) + "\n\n" + t(lang, "start.home_hint")
            self.reply(ctx, Outbound(text, kind="home", data={"title": t(lang, "home.title")}))
            return
        lines = [t(lang, "home.hello", name=person.name.split()[0], group=group.name)]
        answers: list[str] = []
        if rnd is None:
            lines.append(t(lang, "home.no_round", next=self._next_open_text(group, ctx)))
        else:
            lines.append(t(lang, "home.week", week=str(rnd.key), phase=t(lang, f"phase.{rnd.phase}")))
            resp = uow.store.get_response(rnd.id, person.id)
            status = resp.status if resp is not None else "none"
            lines.append(t(lang, f"home.status.{status}"))
            if resp is not None and resp.late:
                lines.append(t(lang, "home.status.late"))
            close = phase_due_at(rnd.key, Phase.CLOSED, group.week_schedule(), group.tz)
            if close > ctx.now:
                lines.append(t(lang, "home.close", close=self.local_text(close, group, lang)))
            if resp is not None and resp.state.get("answers"):
                spec = self.questionnaire_spec(uow, group, rnd, person, areas, with_last_week=False)
                answers = [t(lang, "home.answers"), *Questionnaire(spec).summary_lines(resp.state)]
        text = "\n".join(lines)
        if answers:
            text += "\n\n" + "\n".join(answers)
        text += "\n\n" + t(lang, "home.hint")
        self.reply(ctx, Outbound(text, kind="home", data={"title": t(lang, "home.title")}))

    def greeting(self, ctx: Ctx) -> str:
        """Hello to a person who answers no questionnaire (a coordinator, a meeting participant, a reporter
        without an area): their role in the group, and this week's round."""
        assert ctx.person is not None and ctx.group is not None
        person, lang = ctx.person, ctx.lang
        role = person.role if f"start.hello.{person.role}" in CATALOGUE else "reporter"
        lines = [t(lang, f"start.hello.{role}", name=person.name.split()[0], group=ctx.group.name)]
        key = local_round_key(ctx.now, ctx.group.tz)
        rnd = ctx.uow.store.get_round(ctx.group.id, key)
        if rnd is not None:
            lines.append(t(lang, "start.week", week=str(rnd.key), phase=t(lang, f"phase.{rnd.phase}")))
        return "\n".join(lines)

    def show_questionnaire(self, ctx: Ctx) -> None:
        self._questionnaire_event(ctx, Event("show"), None)

    def show_pending(self, platform: str, address: str) -> bool:
        """Ask a person's unanswered question again, as a new message, where a new session has nothing on screen
        to answer (a new `est-bot chat` process). Returns whether a question was waiting."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            person = uow.store.person_by_account(platform, address)
            group = self._group_or_none(person.group_id) if person is not None else None
            if person is None or group is None:
                return False
            rnd = self._round_for_answering(uow, group.id)
            areas = uow.store.person_areas(person.id)
            if rnd is None or not areas:
                return False
            resp = uow.store.get_response(rnd.id, person.id)
            if resp is None:
                # nothing begun: a person on leave is left alone, and a closed week is not offered
                if rnd.phase not in OPEN_PHASES or person.is_paused(now):
                    return False
            elif resp.status == "submitted":
                return False
            state = resp.state if resp is not None else {}
            spec = self.questionnaire_spec(uow, group, rnd, person, areas, state.get("step", "greeting") == "greeting")
            prompt = replace(Questionnaire(spec).step(state, Event("show")).out[0], fresh=True)
            self._enqueue(uow, platform, address, prompt, f"pending:{platform}:{address}:{self._next_key()}")
            uow.commit()
            return True

    def edit_questionnaire(self, ctx: Ctx) -> None:
        assert ctx.person is not None and ctx.group is not None
        rnd = self._round_for_answering(ctx.uow, ctx.group.id)
        if rnd is not None:
            resp = ctx.uow.store.get_response(rnd.id, ctx.person.id)
            if resp is not None and resp.status == "submitted":
                self._questionnaire_event(ctx, Event("choice", f"q{rnd.id}:x:edit"), f"q{rnd.id}:x:edit")
                return
        self.show_questionnaire(ctx)

    # ------------------------------------------------------------------ the cycle

    def tick(self) -> list[str]:
        """The scheduler's heartbeat: advance every group and re-ask snoozed reporters."""
        done: list[str] = []
        for g in self.config.groups:
            try:
                done += self.advance(g.id)
                done += self.wake_snoozed(g.id)
            except Exception:
                log.exception("tick for group %s failed; the next tick tries again", g.id)
            try:
                done += self.monthly(g.id)
            except Exception:
                log.exception("monthly follow-up for group %s failed; the next tick tries again", g.id)
        return done

    def monthly(self, group_id: str) -> list[str]:
        """Post last month's statistics follow-up if it is due and not yet posted (bot/usecases/statistics.py)."""
        from bot.usecases.statistics import post_monthly_if_due

        return post_monthly_if_due(self, group_id)

    def advance(self, group_id: str, now: datetime | None = None) -> list[str]:
        """Move the group's rounds to the phase due now; idempotent, and catches up after downtime."""
        group = self.config.group(group_id)
        now = now or self.clock.now()
        schedule = group.week_schedule()
        done: list[str] = []
        current = local_round_key(now, group.tz)
        with self.uow_factory() as uow:
            if (
                uow.store.get_round(group_id, current) is None
                and due_phase(current, schedule, group.tz, now) != Phase.PLANNED
                and round_may_begin(current, schedule, group.tz, now)
            ):
                uow.store.create_round(group_id, current, now)
            uow.commit()
        with self.uow_factory() as uow:
            rounds = uow.store.unpublished_rounds(group_id)
        for rnd in rounds:
            target = due_phase(rnd.key, schedule, group.tz, now)
            if rnd.key < current and target == Phase.PLANNED:
                continue
            for phase in PHASE_ORDER[phase_index(rnd.phase) + 1 : phase_index(target) + 1]:
                with self.uow_factory() as uow:
                    if not self.transition(uow, group, rnd.key, phase, now, automatic=True):
                        break
                    uow.commit()
                done.append(f"{group_id} {rnd.key} {phase}")
        return done

    def transition(
        self,
        uow: UnitOfWork,
        group: GroupConfig,
        key: RoundKey,
        phase: Phase,
        now: datetime,
        automatic: bool,
        actor: Person | None = None,
    ) -> bool:
        """One phase step inside the caller's unit of work; False if another process did it first."""
        rnd = uow.store.get_round(group.id, key)
        if rnd is None or phase_index(rnd.phase) + 1 != phase_index(phase):
            return False
        if not uow.store.set_phase(rnd.id, rnd.phase, phase, now):
            return False
        opened_at = now if phase == Phase.OPEN else rnd.opened_at
        rnd = Round(rnd.id, rnd.group_id, rnd.key, phase, opened_at)
        schedule = group.week_schedule()
        if phase == Phase.OPEN:
            # Catching up past the publication: nobody could answer any more, so nobody is asked.
            if not automatic or now < phase_due_at(key, Phase.PUBLISHED, schedule, group.tz):
                self._on_open(uow, group, rnd, now)
        elif phase == Phase.REMINDED:
            # Remind only while answers are still regular, and not when the questionnaire itself went out
            # after the reminder was due (a catch-up): decided from the stored round, so any process agrees.
            close_at = phase_due_at(key, Phase.CLOSED, schedule, group.tz)
            remind_at = phase_due_at(key, Phase.REMINDED, schedule, group.tz)
            opened_late = rnd.opened_at is not None and rnd.opened_at >= remind_at
            if not automatic or (now < close_at and not opened_late):
                self.send_reminders(uow, group, rnd, now, 1)
        elif phase == Phase.DRAFTED:
            self._on_draft(uow, group, rnd)
        elif phase == Phase.FINALISED:
            self._on_finalise(uow, group, rnd, now, actor)
        elif phase == Phase.PUBLISHED:
            self._on_publish(uow, group, rnd)
        uow.store.audit(now, group.id, actor.name if actor else "scheduler", f"phase:{phase}", {"week": str(key)})
        log.info("%s %s -> %s", group.id, key, phase)
        return True

    def _on_open(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, now: datetime) -> None:
        for person in uow.store.persons(group.id, active_only=True):
            if person.is_paused(now) or not uow.store.person_areas(person.id):
                continue
            resp = uow.store.get_or_create_response(rnd.id, person.id, person.organisation, now)
            spec = self.questionnaire_spec(uow, group, rnd, person)
            prompt = Questionnaire(spec).prompt(resp.state or {"step": "greeting", "answers": {}})
            self.send_to_person(uow, person.id, prompt, f"open:{rnd.id}:{person.id}")

    def send_reminders(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, now: datetime, nth: int) -> int:
        n = 0
        close = phase_due_at(rnd.key, Phase.CLOSED, group.week_schedule(), group.tz)
        for person in uow.store.persons(group.id, active_only=True):
            if person.is_paused(now) or not uow.store.person_areas(person.id):
                continue
            resp = uow.store.get_or_create_response(rnd.id, person.id, person.organisation, now)
            if resp.status == "submitted" or resp.reminders >= nth:
                continue
            spec = self.questionnaire_spec(uow, group, rnd, person)
            engine = Questionnaire(spec)
            text = t(
                person.language, "q.reminder", week=str(rnd.key), close=self.local_text(close, group, person.language)
            )
            self.send_to_person(uow, person.id, Outbound(text, kind="reminder"), f"remind:{rnd.id}:{person.id}:{nth}")
            self.send_to_person(
                uow,
                person.id,
                replace(engine.prompt(resp.state or {"step": "greeting"}), fresh=True),
                f"remind:{rnd.id}:{person.id}:{nth}:prompt",
            )
            uow.store.set_reminders(resp.id, nth)
            n += 1
        return n

    def wake_snoozed(self, group_id: str) -> list[str]:
        group = self.config.group(group_id)
        now = self.clock.now()
        done = []
        with self.uow_factory() as uow:
            for resp, rnd in uow.store.due_snoozes(group_id, now):
                if rnd.phase not in ANSWERABLE or resp.person_id is None:
                    continue
                person = uow.store.get_person(resp.person_id)
                spec = self.questionnaire_spec(uow, group, rnd, person)
                prompt = replace(Questionnaire(spec).prompt(resp.state), fresh=True)
                key = f"wake:{resp.id}:{resp.snoozed_until}"
                self.send_to_person(
                    uow, person.id, Outbound(t(person.language, "q.wake", week=str(rnd.key)), kind="reminder"), key
                )
                self.send_to_person(uow, person.id, prompt, key + ":prompt")
                uow.store.save_response(
                    resp.id, resp.version, resp.state, "in_progress", None, resp.late, resp.submitted_at, now
                )
                done.append(f"wake {person.name}")
            uow.commit()
        return done

    # ------------------------------------------------------------------ picture and meeting

    def picture_input(self, uow: UnitOfWork, group: GroupConfig, rnd: Round) -> PictureInput:
        from bot.usecases.statistics import week_events

        inp = uow.store.picture_input(group.id, group.name, rnd, group.factor_list(), group.threshold, self.clock.now())
        return replace(inp, police_events=week_events(uow, group, rnd.key), detection=group.detection.params())

    def picture(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str | None = None) -> Picture:
        return build_picture(self.picture_input(uow, group, rnd), lang or group.language)

    def _on_draft(self, uow: UnitOfWork, group: GroupConfig, rnd: Round) -> None:
        pic = self.picture(uow, group, rnd)
        for pos, c in enumerate(pic.candidates):
            uow.store.add_candidate(rnd.id, c.key, c.area, c.place, c.factors, c.title, c.reasons, "auto", pos)
        self._post_meeting(uow, group, rnd, pic, "draft")

    def heatmap(self, group: GroupConfig, rnd: Round, pic: Picture) -> tuple[Attachment, ...]:
        """The week's heatmap as an attachment; a chart that cannot be drawn costs the image, not the message."""
        from bot.reports.charts import heatmap_png

        path = Path(self.config.reports_dir) / group.id / f"lagesbild-{rnd.key}-{pic.lang}.png"
        try:
            heatmap_png(pic, path)
        except Exception:
            log.exception("heatmap for %s %s failed; sending text only", group.id, rnd.key)
            return ()
        return (Attachment(path.name, "image/png", str(path.resolve())),)

    def charts(self, group: GroupConfig, rnd: Round, pic: Picture) -> tuple[Attachment, ...]:
        """The week's heatmap and the trend of the last 12 weeks; a chart that fails costs that image only."""
        from bot.usecases.reports import trend_attachment

        return self.heatmap(group, rnd, pic) + trend_attachment(self, group, rnd, pic)

    def _post_meeting(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, pic: Picture, key: str) -> None:
        lang = group.language
        head = t(lang, "meet.draft_header", week=str(rnd.key), group=group.name)
        out = Outbound(
            head + "\n\n" + picture_summary_text(pic),
            ref=f"pic:{rnd.id}",
            kind="picture",
            choices=((Choice(f"f{rnd.id}", t(lang, "meet.btn.finalize"), "danger"),),),
            data={"round_id": rnd.id, "week": str(rnd.key), "group": group.id, "grid": picture_grid(pic)},
            attachments=self.charts(group, rnd, pic) if self.channel_addresses(group, "meeting") else (),
        )
        self.send_to_channel(uow, group, "meeting", out, f"{key}:{rnd.id}")
        for n, cand in enumerate(uow.store.candidates(rnd.id), start=1):
            self.send_to_channel(
                uow, group, "meeting", self.candidate_message(cand, n, lang, False), f"{key}:{rnd.id}:cand:{cand.id}"
            )

    def candidate_message(self, c: Candidate, n: int, lang: str, locked: bool) -> Outbound:
        lines = [t(lang, "meet.candidate", n=n, title=c.title)]
        lines += [f"• {r}" for r in c.reasons]
        lines.append(t(lang, "meet.votes", n=c.votes))
        lines.append(
            t(
                lang,
                "meet.choice",
                type=label(lang, "atype", c.action_type),
                resp=label(lang, "resp", c.responsible),
                time=label(lang, "time", c.timeframe),
            )
        )
        rows: tuple[tuple[Choice, ...], ...] = ()
        if locked:
            lines.append(t(lang, "meet.decided") if c.status == "decided" else t(lang, "meet.dropped"))
        else:
            p = f"c{c.id}:"
            rows = (
                (Choice(p + "v", t(lang, "meet.btn.vote"), "primary"), Choice(p + "u", t(lang, "meet.btn.unvote"))),
                tuple(
                    Choice(p + f"a:{a}", t(lang, f"atype.{a}"), "primary" if a == c.action_type else None)
                    for a in ACTION_TYPES
                ),
                tuple(
                    Choice(p + f"r:{r}", t(lang, f"resp.{r}"), "primary" if r == c.responsible else None)
                    for r in RESPONSIBLES
                ),
                tuple(
                    Choice(p + f"t:{x}", t(lang, f"time.{x}"), "primary" if x == c.timeframe else None)
                    for x in TIMEFRAMES
                ),
            )
        return Outbound(
            "\n".join(lines),
            rows,
            ref=f"cand:{c.id}",
            kind="candidate",
            data={
                "candidate_id": c.id,
                "round_id": c.round_id,
                "votes": c.votes,
                "action_type": c.action_type,
                "responsible": c.responsible,
                "timeframe": c.timeframe,
                "status": c.status,
                "locked": locked,
            },
        )

    def _meeting_choice(self, ctx: Ctx, choice: str) -> None:
        assert ctx.person is not None and ctx.group is not None
        uow, person, group = ctx.uow, ctx.person, ctx.group
        if choice.startswith("f"):
            rid = parse_id(choice[1:])
            rnd = uow.store.get_round_by_id(rid) if rid is not None else None
            if rnd is None or rnd.group_id != group.id:
                self.reply(ctx, Outbound(t(ctx.lang, "meet.stale"), kind="notice"))
                return
            from bot import commands

            commands.finalize(self, ctx, rnd)
            return
        head, _, rest = choice.partition(":")
        cid = parse_id(head[1:])
        cand = uow.store.get_candidate(cid) if cid is not None else None
        rnd = uow.store.get_round_by_id(cand.round_id) if cand else None
        if cand is None or rnd is None or rnd.group_id != group.id:
            self.reply(ctx, Outbound(t(ctx.lang, "meet.stale"), kind="notice"))
            return
        if not person.has_role("participant"):
            self.reply(ctx, Outbound(t(ctx.lang, "meet.only_participants"), kind="notice"))
            return
        if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
            self.reply(ctx, Outbound(t(ctx.lang, "meet.locked"), kind="notice"))
            return
        kind, _, value = rest.partition(":")
        changed = False
        if kind == "v":
            changed = uow.store.vote(cand.id, person.id, True)
        elif kind == "u":
            changed = uow.store.vote(cand.id, person.id, False)
        elif kind == "a" and value in ACTION_TYPES:
            changed = uow.store.set_candidate_field(cand.id, "action_type", value)
        elif kind == "r" and value in RESPONSIBLES:
            changed = uow.store.set_candidate_field(cand.id, "responsible", value)
        elif kind == "t" and value in TIMEFRAMES:
            changed = uow.store.set_candidate_field(cand.id, "timeframe", value)
        else:
            self.reply(ctx, Outbound(t(ctx.lang, "meet.stale"), kind="notice"))
            return
        if changed:
            cand = uow.store.get_candidate(cand.id)
            assert cand is not None
            n = [c.id for c in uow.store.candidates(rnd.id)].index(cand.id) + 1
            msg = self.candidate_message(cand, n, group.language, False)
            self.send_to_channel(uow, group, "meeting", msg, f"{ctx.key_base}:cand:{cand.id}")

    def _on_finalise(
        self, uow: UnitOfWork, group: GroupConfig, rnd: Round, now: datetime, actor: Person | None
    ) -> None:
        cands = uow.store.candidates(rnd.id)
        for c in cands:
            uow.store.decide_candidate(c.id, c.chosen, group.id, rnd.id, now)
        lang = group.language
        for n, c in enumerate(uow.store.candidates(rnd.id), start=1):
            self.send_to_channel(
                uow, group, "meeting", self.candidate_message(c, n, lang, True), f"final:{rnd.id}:cand:{c.id}"
            )
        note = (
            t(lang, "meet.finalised_note", at=self.local_text(now, group, lang), name=actor.name)
            if actor
            else t(lang, "meet.auto_finalised")
        )
        pic = self.picture(uow, group, rnd)
        head = t(lang, "meet.final_header", week=str(rnd.key), group=group.name)  # no longer a draft
        self.send_to_channel(
            uow,
            group,
            "meeting",
            Outbound(
                head + "\n\n" + picture_summary_text(pic) + "\n\n" + note,
                ref=f"pic:{rnd.id}",
                kind="picture",
                data={"round_id": rnd.id, "week": str(rnd.key), "locked": True, "grid": picture_grid(pic)},
            ),
            f"final:{rnd.id}",
        )

    def decisions(self, uow: UnitOfWork, rnd: Round, lang: str) -> list[Decision]:
        return [
            Decision(
                a.title,
                a.area_name,
                a.place,
                label(lang, "atype", a.action_type),
                label(lang, "resp", a.responsible),
                label(lang, "time", a.timeframe),
                a.votes,
            )
            for a in uow.store.actions_for_round(rnd.id)
        ]

    def report_document(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str) -> Document:
        """The weekly report as structure, for the chat platforms to lay out (never Markdown to show)."""
        from bot.reports.structured import report_document

        pic = self.picture(uow, group, rnd, lang)
        return report_document(pic, self.decisions(uow, rnd, lang))

    def _on_publish(self, uow: UnitOfWork, group: GroupConfig, rnd: Round) -> None:
        texts: dict[str, str] = {}
        pics: dict[str, Picture] = {}
        if uow.store.round_status(rnd.id, group.id, self.clock.now())["expected"] == 0:
            # Nobody was asked this week (no reporters yet, or the round began too late): a report of
            # "0 of 0" tells nobody anything, so the week is closed without one.
            log.info("%s %s: nobody was asked this week; no weekly report is sent", group.id, rnd.key)
            return
        for lang in ("sv", "en"):
            pic = pics[lang] = self.picture(uow, group, rnd, lang)
            head = t(lang, "meet.report_header", week=str(rnd.key), group=group.name)
            texts[lang] = head + "\n\n" + picture_summary_text(pic)
            decisions = self.decisions(uow, rnd, lang)
            if decisions:
                texts[lang] += "\n\n" + "\n".join(
                    f"• {d.title}: {d.action_type}, {d.responsible}, {d.timeframe}" for d in decisions
                )
        data = {"round_id": rnd.id, "week": str(rnd.key), "group": group.id}
        images: dict[str, tuple[Attachment, ...]] = {}

        def image(lang: str) -> tuple[Attachment, ...]:  # drawn only for a language someone receives
            if lang not in images:  # the charts, then the report as a PDF to keep
                from bot.usecases.reports import report_pdf_attachment

                images[lang] = self.charts(group, rnd, pics[lang]) + report_pdf_attachment(self, uow, group, rnd, lang)
            return images[lang]

        if self.channel_addresses(group, "broadcast"):
            self.send_to_channel(
                uow,
                group,
                "broadcast",
                Outbound(texts[group.language], kind="report", data=data, attachments=image(group.language)),
                f"publish:{rnd.id}",
            )
        for person in uow.store.persons(group.id, active_only=True):
            reachable = any(p in self.platforms for p, _ in uow.store.accounts_of(person.id))
            if person.receives_report and reachable:
                self.send_to_person(
                    uow,
                    person.id,
                    Outbound(texts[person.language], kind="report", data=data, attachments=image(person.language)),
                    f"publish:{rnd.id}:{person.id}",
                )

    # ------------------------------------------------------------------ manual phase changes

    def force_phase(
        self, uow: UnitOfWork, group: GroupConfig, target: Phase, actor: Person, key: RoundKey | None = None
    ) -> tuple[RoundKey, bool]:
        """A coordinator's open/close/finalize now: walk this week's round up to target."""
        now = self.clock.now()
        key = key or local_round_key(now, group.tz)
        rnd = uow.store.get_round(group.id, key) or uow.store.create_round(group.id, key, now)
        if phase_index(rnd.phase) >= phase_index(target):
            return key, False
        for phase in PHASE_ORDER[phase_index(rnd.phase) + 1 : phase_index(target) + 1]:
            if phase == Phase.REMINDED:
                r = uow.store.get_round(group.id, key)
                assert r is not None
                uow.store.set_phase(r.id, r.phase, Phase.REMINDED, now)
                continue
            self.transition(uow, group, key, phase, now, automatic=False, actor=actor)
        return key, True

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        with self.uow_factory() as uow:
            yield uow


def _round_of_choice(choice: str) -> int | None:
    """The round a questionnaire button ("q<round id>:…") belongs to."""
    return parse_id(choice[1:].split(":", 1)[0])


def _questionnaire_round(inbound: Inbound) -> int | None:
    """The round of a questionnaire button press; None for any other event."""
    if inbound.kind == "choice" and inbound.choice.startswith("q"):
        return _round_of_choice(inbound.choice)
    return None
