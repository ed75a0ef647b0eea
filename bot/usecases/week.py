"""Command use cases of the week's cycle: `status`, `remind`, `open`, `close`, `picture`, `draft`, `finalize` (and
the meeting's finalise button) and `publish`, handing the work on to the cycle and meeting use cases; and
`report` (the weekly report of a finalised week, or a reporter's own questionnaire)."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.week import Close, Draft, Finalize, Open, Picture, Publish, Remind, ReportBare, Status, WeeklyReport
from bot.conversation.choices import FinaliseChoice
from bot.conversation.document import Paragraph, plain_text
from bot.conversation.mail import EMAIL
from bot.conversation.messages import Outbound
from bot.domain.cycle import SCHEDULED_PHASES, Phase, RoundKey, phase_due_at, phase_index
from bot.domain.masking import mask_personal_data
from bot.domain.model import Round
from bot.reports.structured import picture_document
from bot.text import count, t
from bot.usecases import answering, cycle, mailing, meeting, publishing, reports
from bot.usecases.context import Ctx, Env, audit, channel_addresses, local_text, notice, reply, say
from bot.usecases.registry import handles
from bot.usecases.roles import permitted
from bot.usecases.rounds import current_round, named_round, next_open_at


@handles(Status)
def status(env: Env, ctx: Ctx, cmd: Status) -> None:
    assert ctx.group is not None
    rnd = current_round(ctx)
    lang = ctx.lang
    parked = ctx.uow.outbox.parked_count()
    lines: list[str] = []
    if rnd is None:
        lines.append(t(lang, "cmd.no_round"))
        opens = local_text(next_open_at(ctx.now, ctx.group), ctx.group, lang)  # when the first week begins
        lines.append(t(lang, "cmd.status.next", phase=t(lang, "phase.open"), at=opens))
    else:
        st = ctx.uow.rounds.round_status(rnd.id, ctx.group.id, ctx.now)
        expected = st.expected
        done = st.done
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
                late=st.late,
            )
        )
        if st.missing:
            lines.append(t(lang, "cmd.status.missing", names=", ".join(st.missing)))
        if st.paused:
            lines.append(t(lang, "cmd.status.paused", names=", ".join(st.paused)))
        nxt = [p for p in SCHEDULED_PHASES if phase_index(p) > phase_index(rnd.phase)]
        if nxt:
            at = phase_due_at(rnd.key, nxt[0], ctx.group.week_schedule(), ctx.group.tz)
            lines.append(
                t(lang, "cmd.status.next", phase=t(lang, f"phase.{nxt[0]}"), at=local_text(at, ctx.group, lang))
            )
    mail = ctx.uow.outbox.counts(EMAIL) if EMAIL in env.platforms else {}
    if mail.get("pending") or mail.get("parked"):
        lines.append(t(lang, "email.status.line", queued=mail.get("pending", 0), parked=mail.get("parked", 0)))
    if parked:
        lines.append(t(lang, "cmd.status.parked", n=count(lang, "message", parked)))
        for platform, address, who, error in ctx.uow.outbox.parked_messages(5):
            # an e-mail's server answer may name the address ("550 5.1.1 <…>: unknown user"): masked, as is an
            # address nobody owns any more
            shown = mailing.shown_address(address) if platform == EMAIL else address
            name = who or t(lang, "rel.parked_unknown", address=f"{platform}:{shown}")
            lines.append(t(lang, "rel.parked_line", who=name, error=mask_personal_data(error or "–")[:120]))
    waiting = len(ctx.uow.groups.places_for_review(ctx.group.id))
    if waiting:
        lines.append(t(lang, "place.review.status", n=waiting))
    reply(env, ctx, Outbound("\n".join(lines), kind="status"))


@handles(Remind)
def remind(env: Env, ctx: Ctx, cmd: Remind) -> None:
    assert ctx.group is not None
    rnd = current_round(ctx)
    if rnd is None or rnd.phase not in (Phase.OPEN, Phase.REMINDED):
        say(env, ctx, "cmd.remind.closed", week=str(rnd.key) if rnd else "-")
        return
    nth = ctx.uow.rounds.max_reminders(rnd.id) + 1
    n = cycle.send_reminders(env, ctx.uow, ctx.group, rnd, ctx.now, nth)
    say(env, ctx, "cmd.remind.done", n=count(ctx.lang, "reporter", n))
    audit(ctx, "remind", {"week": str(rnd.key), "count": n})


def _force(env: Env, ctx: Ctx, target: Phase, done_key: str) -> None:
    assert ctx.group is not None and ctx.person is not None
    key, changed = cycle.force_phase(env, ctx.uow, ctx.group, target, ctx.person)
    rnd = ctx.uow.rounds.get_round(ctx.group.id, key)
    assert rnd is not None
    if not changed:
        say(env, ctx, "cmd.phase.already", week=str(key), phase=t(ctx.lang, f"phase.{rnd.phase}"))
        return
    say(env, ctx, done_key, week=str(key))
    audit(ctx, f"force:{target}", {"week": str(key)})


@handles(Open)
def open_round(env: Env, ctx: Ctx, cmd: Open) -> None:
    _force(env, ctx, Phase.OPEN, "cmd.open.done")


@handles(Close)
def close_round(env: Env, ctx: Ctx, cmd: Close) -> None:
    _force(env, ctx, Phase.CLOSED, "cmd.close.done")


@handles(Picture)
def picture(env: Env, ctx: Ctx, cmd: Picture) -> None:
    assert ctx.group is not None
    rnd = named_round(env, ctx, cmd.week)
    if rnd is None:
        return
    pic = meeting.picture(env, ctx.uow, ctx.group, rnd, ctx.lang)
    doc = picture_document(
        pic,
        for_coordinators=ctx.person is not None and ctx.person.has_role("coordinator"),
        finalised=phase_index(rnd.phase) >= phase_index(Phase.FINALISED),
    )
    data = {"round_id": rnd.id, "week": str(rnd.key), "document": doc.to_json()}
    reply(env, ctx, Outbound(plain_text(doc), kind="picture_preview", data=data))


def finalize(env: Env, ctx: Ctx, rnd: Round) -> None:
    """Finalise the picture of `rnd` (the `finalize` command, and the meeting's button)."""
    assert ctx.group is not None and ctx.person is not None
    if not permitted(env, ctx, Finalize):
        return
    if rnd.phase != Phase.DRAFTED:
        if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
            say(env, ctx, "cmd.phase.already", week=str(rnd.key), phase=t(ctx.lang, f"phase.{rnd.phase}"))
        else:
            say(env, ctx, "cmd.finalize.not_ready", week=str(rnd.key), phase=t(ctx.lang, f"phase.{rnd.phase}"))
        return
    cycle.transition(env, ctx.uow, ctx.group, rnd.key, Phase.FINALISED, ctx.now, automatic=False, actor=ctx.person)
    n = len(ctx.uow.meeting.actions_for_round(rnd.id))
    say(env, ctx, "cmd.finalize.done.one" if n == 1 else "cmd.finalize.done", week=str(rnd.key), n=n)
    audit(ctx, "finalize", {"week": str(rnd.key), "actions": n})


def finalise_pressed(env: Env, ctx: Ctx, choice: FinaliseChoice) -> None:
    """The draft's finalise button: as the `finalize` command, for the round the button belongs to."""
    assert ctx.group is not None
    rnd = ctx.uow.rounds.get_round_by_id(choice.round_id)
    if rnd is None or rnd.group_id != ctx.group.id:
        notice(env, ctx, "meet.stale")
        return
    finalize(env, ctx, rnd)


@handles(Finalize)
def finalize_command(env: Env, ctx: Ctx, cmd: Finalize) -> None:
    rnd = named_round(env, ctx, cmd.week)
    if rnd is not None:
        finalize(env, ctx, rnd)


def _step(env: Env, ctx: Ctx, week: RoundKey | None, before: Phase, after: Phase, not_ready: str) -> Round | None:
    """Move a round from `before` to `after` now, as the schedule would: the scheduled step later finds it done
    and does nothing (the same transition, the same outbox keys). Any other phase gets an answer instead."""
    assert ctx.group is not None and ctx.person is not None
    rnd = named_round(env, ctx, week)
    if rnd is None:
        return None
    phase = t(ctx.lang, f"phase.{rnd.phase}")
    if phase_index(rnd.phase) >= phase_index(after):
        say(env, ctx, "cmd.phase.already", week=str(rnd.key), phase=phase)
        return None
    if rnd.phase != before or not cycle.transition(
        env, ctx.uow, ctx.group, rnd.key, after, ctx.now, automatic=False, actor=ctx.person
    ):
        say(env, ctx, not_ready, week=str(rnd.key), phase=phase)
        return None
    audit(ctx, f"force:{after}", {"week": str(rnd.key)})
    return rnd


def _no_channel(env: Env, ctx: Ctx, role: str) -> None:
    assert ctx.group is not None
    if not channel_addresses(env, ctx.group, role):
        say(env, ctx, "cmd.no_channel", channel=t(ctx.lang, f"channel.{role}"))


@handles(Draft)
def draft(env: Env, ctx: Ctx, cmd: Draft) -> None:
    """`utkast`: the draft picture in the meeting channel now, once reporting has closed."""
    rnd = _step(env, ctx, cmd.week, Phase.CLOSED, Phase.DRAFTED, "cmd.draft.not_closed")
    if rnd is not None:
        say(env, ctx, "cmd.draft.done", week=str(rnd.key))
        _no_channel(env, ctx, "meeting")


@handles(Publish)
def publish(env: Env, ctx: Ctx, cmd: Publish) -> None:
    """`publicera`: the finalised weekly report to everyone now, instead of at the scheduled time."""
    assert ctx.group is not None
    rnd = named_round(env, ctx, cmd.week)
    if rnd is None:
        return
    if rnd.phase == Phase.FINALISED and ctx.uow.rounds.round_status(rnd.id, ctx.group.id, ctx.now).expected == 0:
        say(env, ctx, "cmd.publish.empty", week=str(rnd.key))
        return
    rnd = _step(env, ctx, cmd.week, Phase.FINALISED, Phase.PUBLISHED, "cmd.publish.not_final")
    if rnd is not None:
        say(env, ctx, "cmd.publish.done", week=str(rnd.key))
        _no_channel(env, ctx, "broadcast")


@handles(ReportBare)
def report_or_questionnaire(env: Env, ctx: Ctx, cmd: ReportBare) -> None:
    """`report` alone: a reporter's own questionnaire (so too for anyone who is no meeting participant); a
    participant without areas gets the weekly report of the current week."""
    assert ctx.person is not None
    if ctx.uow.people.person_areas(ctx.person.id) or not ctx.person.has_role("participant"):
        answering.show_questionnaire(env, ctx)
    else:
        report_command(env, ctx, WeeklyReport())


@handles(WeeklyReport)
def report_command(env: Env, ctx: Ctx, cmd: WeeklyReport) -> None:
    """`veckorapport [WEEK]`: the finalised weekly report as a document in the chat, with its PDF."""
    assert ctx.group is not None
    rnd = named_round(env, ctx, cmd.week)
    if rnd is None:
        return
    if phase_index(rnd.phase) < phase_index(Phase.FINALISED):
        say(env, ctx, "cmd.report.none", week=str(rnd.key))
        return
    doc = publishing.report_document(env, ctx.uow, ctx.group, rnd, ctx.lang)
    pdf = reports.report_pdf_attachment(env, ctx.uow, ctx.group, rnd, ctx.lang)
    if not pdf:
        doc = replace(doc, parts=(*doc.parts, Paragraph(t(ctx.lang, "cmd.report.pdf_failed"), muted=True)))
    data = {"round_id": rnd.id, "week": str(rnd.key), "document": doc.to_json()}
    reply(env, ctx, Outbound(plain_text(doc), kind="report_document", data=data, attachments=pdf))
