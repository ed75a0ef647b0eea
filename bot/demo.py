"""`est-bot demo`: a whole EST week for 40 reporters over 3 areas, offline, with a moving clock.

Everything goes through the real engine, services, database and outbox; only
the people are simulated. Four earlier weeks give the picture its baseline, and
one place (Stortorget) escalates week by week.

A few reporters (`EMAIL_REPORTERS`) are reached by e-mail instead of chat: the e-mail edge's real renderer
makes their e-mails, the transcript notes each one, and the last week's questionnaire e-mail and Friday e-mail
of the first of them are written to demo-output/e-post/ as .eml files (bot/demo_mail.py). The demo answers for
them in the terminal, as they would on the week's form, so the week's answers stay the same.

The week's charts and weekly reports are made by a chart worker on the other core while the events go on
(bot/demo_files.py); the draft still carries its charts, as the transcript shows it. The weeks run on a SQLite
database in memory, saved as demo-output/demo.sqlite when they are done (for `est-bot web` and the snapshot).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.conversation.choices import (
    CandidateFieldChoice,
    FinaliseChoice,
    Greeting,
    LevelPick,
    MoreSkip,
    NoteSkip,
    PlacePick,
    QuestionnaireAction,
    QuestionnaireChoice,
    Send,
    VoteChoice,
    decode,
    encode,
)
from bot.conversation.document import plain_text
from bot.conversation.messages import Inbound, Outbound
from bot.demo_files import FilesAhead, documents, files_ahead
from bot.demo_mail import DemoMail
from bot.demo_town import AREAS as AREAS  # the town's areas and names, for the benchmarks too
from bot.demo_town import FIRST as FIRST
from bot.demo_town import LAST as LAST
from bot.demo_town import ORGS as ORGS
from bot.demo_town import demo_config as demo_config
from bot.demo_transcript import Transcript
from bot.demo_web import save_database, write_settings, write_web_snapshot
from bot.domain.cycle import Phase, RoundKey, phase_due_at
from bot.domain.masking import mask_personal_data
from bot.domain.model import OutboxItem
from bot.reports.documents import render_weekly_html
from bot.reports.render import (
    picture_summary_text,
    render_picture_html,
    render_picture_markdown,
    render_report_markdown,
)

BASE_RATE = {
    "nedskrapning": 0.45,
    "klotter": 0.35,
    "skadegorelse": 0.3,
    "trafik": 0.3,
    "alkohol": 0.2,
    "grupperingar": 0.2,
    "otrygghet": 0.2,
    "stold": 0.15,
    "narkotika": 0.1,
    "personal": 0.1,
    "hot_vald": 0.08,
    "brand": 0.04,
}
ESCALATE_PLACE = ("centrum", "Stortorget")
ESCALATE_FACTORS = ("narkotika", "grupperingar")
WEEKS = [RoundKey(2026, w) for w in (43, 44, 45, 46, 47)]
NOTES = [
    "Ungdomar samlas på kvällarna, kl 21-23.",
    "Flera anmälningar om langning vid bänkarna.",
    "Ring vaktmästaren på 070-123 45 67 om det upprepas.",
    "Trasig belysning gör platsen otrygg.",
    "Mopeder kör på gångvägen efter skolan.",
    "Glaskross och skräp efter helgen.",
]


class TranscriptSender:
    """Writes every delivered console message to the transcript, addressed."""

    platform = "console"

    def __init__(self, stream: Transcript) -> None:
        self.stream = stream
        self.n = 0

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        self.n += 1
        verb = "edits" if message_id else "to"
        self.stream.write(f"--- bot {verb} {item.address} [{out.kind}]\n{out.text}\n")
        for row in out.choices:
            self.stream.write("    " + " | ".join(f"[{c.label}]" for c in row) + "\n")
        return message_id or f"m{self.n}"


@dataclass
class DemoResult:
    out_dir: Path
    files: list[Path]
    draft_text: str
    report_text: str  # the weekly report as the chat shows it (plain text of its structured document)
    answered: int
    events: int


class Simulation:
    def __init__(self, app: App, clock: ManualClock, rng: random.Random, transcript: Transcript) -> None:
        self.app = app
        self.platforms = tuple(app.services.platforms)
        self.clock = clock
        self.rng = rng
        self.transcript = transcript
        self.events = 0
        self.group = app.config.groups[0]

    def inbound(self, who: str, kind: str, **kw: Any) -> Inbound:
        """An event from `who`, counted and written to the transcript as it is sent."""
        self.events += 1
        shown = kw.get("choice") or kw.get("text") or (kw.get("command", "") + " " + " ".join(kw.get("args", ())))
        # The transcript is a file the bot writes: what a reporter typed is masked in it as it is everywhere.
        self.transcript.write(f">>> {who}: {mask_personal_data(shown)}\n")
        return Inbound("console", who, kind, **kw)  # type: ignore[arg-type]

    def send(self, who: str, kind: str, **kw: Any) -> list[Outbound]:
        return self.app.services.handle(self.inbound(who, kind, **kw))

    def choose(self, presses: list[tuple[str, str]]) -> None:
        """Buttons (who, choice) pressed together, whose answers nobody reads before the next drain: handled as
        the intake handles events that arrive together (`Services.handle_many`: one unit of work, the same
        result as one by one). Nothing is delivered in between, so the transcript reads the same."""
        self.app.services.handle_many([self.inbound(who, "choice", choice=choice) for who, choice in presses])

    def drain(self) -> None:
        """Deliver what the outbox holds: to the console (the transcript), and the e-mails."""
        for platform in self.platforms:
            self.app.dispatcher.drain(platform, limit=10_000, batch=500)

    def command(self, who: str, line: str) -> list[Outbound]:
        words = line.split()
        return self.send(who, "command", command=words[0], args=tuple(words[1:]))

    def last_question(self, out: list[Outbound]) -> Outbound:
        qs = [o for o in out if o.kind == "question"]
        assert qs, f"expected a question, got {[o.text for o in out]}"
        return qs[-1]

    def press(self, who: str, out: list[Outbound], action: QuestionnaireAction) -> list[Outbound]:
        """Press the last question's button for `action`."""
        q = self.last_question(out)
        for c in q.all_choices():
            chosen = decode(c.id)
            if isinstance(chosen, QuestionnaireChoice) and chosen.action == action:
                return self.send(who, "choice", choice=c.id)
        raise AssertionError(f"no choice {action!r} in {[c.id for c in q.all_choices()]}")

    def levels_for(self, week_index: int, areas: list[str]) -> dict[tuple[str, str], tuple[int, str | None]]:
        out: dict[tuple[str, str], tuple[int, str | None]] = {}
        for area in areas:
            for f in self.group.factor_list():
                level = 0
                if self.rng.random() < BASE_RATE.get(f.code, 0.1):
                    level = 1 if self.rng.random() < 0.8 else 2
                place = None
                if area == ESCALATE_PLACE[0] and f.code in ESCALATE_FACTORS and self.rng.random() < 0.6:
                    level = max(level, min(3, week_index))
                    place = ESCALATE_PLACE[1] if level >= 2 else None
                out[(area, f.code)] = (level, place)
        return out

    def answer(self, who: str, week_index: int, areas: list[str]) -> None:
        out = self.send(who, "command", command="rapport")
        levels = self.levels_for(week_index, areas)
        if all(lv == 0 for lv, _ in levels.values()):
            out = self.press(who, out, Greeting("nothing"))
            self.press(who, out, Send())
            self.drain()
            return
        out = self.press(who, out, Greeting("start"))
        while True:
            q = self.last_question(out)
            step = q.data.get("step")
            if step == "level":
                level, _ = levels[(q.data["area"], q.data["factor"])]
                out = self.press(who, out, LevelPick(q.data["item"], level))
            elif step == "where":
                item_place = self._place_for(q, levels)
                places = q.data.get("places", [])
                if item_place in places:
                    out = self.press(who, out, PlacePick(q.data["item"], places.index(item_place)))
                else:
                    out = self.send(who, "text", text=item_place)
            elif step == "what":
                if self.rng.random() < 0.35:
                    out = self.send(who, "text", text=self.rng.choice(NOTES))
                else:
                    out = self.press(who, out, NoteSkip(q.data["item"]))
            elif step == "more":
                out = self.press(who, out, MoreSkip())
            elif step == "summary":
                self.press(who, out, Send())
                self.drain()
                return
            else:
                raise AssertionError(f"unexpected step {step}")

    def _place_for(self, q: Outbound, levels: dict[tuple[str, str], tuple[int, str | None]]) -> str:
        places: list[str] = q.data.get("places", [])
        # The escalating place; otherwise a known place, now and then a new one.
        for (_area, _factor), (lv, place) in levels.items():
            if place and lv >= 2 and place in places:
                return place
        if self.rng.random() < 0.1:
            return self.rng.choice(["Gångtunneln vid stationen", "Parkeringshuset Väst", "Busshållplats Ekvägen"])
        return self.rng.choice(places) if places else "Okänd plats"

    def run_week(self, key: RoundKey, week_index: int, showcase: bool) -> None:
        g = self.group
        sched = g.week_schedule()
        at = {
            p: phase_due_at(key, p, sched, g.tz)
            for p in (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED, Phase.PUBLISHED)
        }
        self.clock.set(at[Phase.OPEN])
        self.app.services.tick()
        self.drain()
        people = [r for r in g.reporters if r.areas]
        self.rng.shuffle(people)
        n = len(people)
        on_time = people[: int(n * 0.8)]
        late = people[int(n * 0.8) : int(n * 0.9)]
        for i, r in enumerate(on_time):
            self.clock.set(at[Phase.OPEN] + timedelta(minutes=10 + i * 30))
            if showcase and i == 0:
                self.send(r.console or "", "command", command="rapport")
                out = self.send(r.console or "", "command", command="rapport")
                self.press(r.console or "", out, Greeting("later"))
                self.clock.advance(timedelta(hours=g.snooze_hours, minutes=1))
                self.app.services.tick()
                self.drain()
            self.answer(r.console or "", week_index, list(r.areas))
        self.clock.set(at[Phase.REMINDED])
        self.app.services.tick()
        self.drain()
        self.clock.set(at[Phase.CLOSED] + timedelta(minutes=2))
        self.app.services.tick()
        for i, r in enumerate(late):
            self.clock.set(at[Phase.CLOSED] + timedelta(minutes=1 + i))
            self.answer(r.console or "", week_index, list(r.areas))
        self.clock.set(at[Phase.DRAFTED])
        self.app.services.tick()
        self.drain()
        self.meeting(key, at[Phase.DRAFTED] + timedelta(hours=1), showcase)
        self.clock.set(at[Phase.PUBLISHED])
        self.app.services.tick()
        self.drain()

    def meeting(self, key: RoundKey, when: datetime, showcase: bool) -> None:
        self.clock.set(when)
        with self.app.services.unit() as uow:
            rnd = uow.rounds.get_round(self.group.id, key)
            assert rnd is not None
            cands = uow.meeting.candidates(rnd.id)
            notes = uow.rounds.notes_for_review(rnd.id)
        voters = ["polis", "samordnare", "r01", "r09"]
        choices = [
            ("presence", "hosts", "weekend"),
            ("presence", "police", "weekend"),
            ("physical", "municipality", "long_term"),
            ("social", "social", "next_week"),
        ]
        presses: list[tuple[str, str]] = []
        for n, c in enumerate(cands[:3]):
            presses += [(v, encode(VoteChoice(c.id, True))) for v in voters[: 3 - n]]
            a, r, tf = choices[n % len(choices)]
            presses += [
                ("samordnare", encode(CandidateFieldChoice(c.id, "action_type", a))),
                ("samordnare", encode(CandidateFieldChoice(c.id, "responsible", r))),
                ("samordnare", encode(CandidateFieldChoice(c.id, "timeframe", tf))),
            ]
        self.choose(presses)
        if showcase:
            self.command("polis", "observe centrum narkotika: Ökad narkotikahandel kring Stortorget kvällstid.")
            self.command("samordnare", "observe hamnen: Trygghetsvärdarna rapporterar lugn helg vid färjeterminalen.")
            self.command("samordnare", "priority add norr | Norrskolan: Se över belysningen vid skolans baksida")
            with self.app.services.unit() as uow:
                added = [c for c in uow.meeting.candidates(rnd.id) if c.source == "manual"]
            # a priority nobody chooses is dropped at finalising: the meeting chooses this one
            self.choose(
                [
                    press
                    for c in added
                    for press in (
                        ("polis", encode(VoteChoice(c.id, True))),
                        ("samordnare", encode(CandidateFieldChoice(c.id, "responsible", "municipality"))),
                    )
                ]
            )
        for note in notes[: max(1, len(notes) * 2 // 3)]:
            self.send("samordnare", "command", command="review", args=("approve", str(note.id)))
        with self.app.services.unit() as uow:  # places reporters typed wait for review too
            waiting = uow.groups.places_for_review(self.group.id)
        for place in waiting:
            self.send("samordnare", "command", command="review", args=("approve", f"P{place.id}"))
        with self.app.services.unit() as uow:
            rnd = uow.rounds.get_round(self.group.id, key)
            assert rnd is not None
            rid = rnd.id
        self.send("samordnare", "choice", choice=encode(FinaliseChoice(rid)))
        self.drain()


def run_demo(
    out_dir: Path, seed: int = 2026, echo: TextIO | None = None, files: FilesAhead | None = None
) -> DemoResult:
    """The demo into `out_dir`; its charts and reports made by `files` (`files_ahead()`), or by a worker of its own."""
    if files is None:
        with files_ahead() as own:
            return _run_demo(out_dir, seed, echo, own)
    return _run_demo(out_dir, seed, echo, files)


def _run_demo(out_dir: Path, seed: int, echo: TextIO | None, files: FilesAhead) -> DemoResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    # The weeks run on a database in memory, not written to a file at every commit (a tenth of the demo's CPU),
    # and saved as demo.sqlite when they are done (`save_database`).
    memory = f"sqlite:///file:est-demo-{secrets.token_hex(8)}?mode=memory&cache=shared&uri=true"
    config = demo_config(memory, out_dir)
    start = datetime(2026, 10, 19, 6, 0, tzinfo=UTC)
    clock = ManualClock(start)
    transcript_path = out_dir / "transcript.txt"
    with transcript_path.open("w", encoding="utf-8") as stream:
        transcript = Transcript(stream)
        sender = TranscriptSender(transcript)
        mail = DemoMail(config, clock, transcript, out_dir, WEEKS[-1], files)
        app = build(config, clock=clock, senders={"console": sender, mail.platform: mail})
        app.services.env.chart_pool = files
        app.services.env.draft_charts_follow = False  # the transcript shows the draft with its charts
        try:
            sim = Simulation(app, clock, random.Random(seed), transcript)
            for i, key in enumerate(WEEKS):
                transcript.write(f"\n======== {key} ========\n")
                sim.run_week(key, i, showcase=key == WEEKS[-1])
            key = WEEKS[-1]
            with app.services.unit() as uow:
                rnd = uow.rounds.get_round("demo", key)
                assert rnd is not None
                group = config.groups[0]
                pic = app.services.picture(uow, group, rnd, "sv")
                decisions = app.services.decisions(uow, rnd, "sv")
                answered = uow.rounds.round_status(rnd.id, "demo", clock.now()).done
                draft_text = picture_summary_text(pic)
                written = documents(app, uow, rnd, WEEKS[0], out_dir, files)
                # What the chat gets for `report`: the structured document as text, never Markdown to show.
                report_text = plain_text(app.services.report_document(uow, group, rnd, "sv"))
                weekly_html = f"veckorapport-{key}.html"
                outputs = {
                    f"lagesbild-{key}.md": render_picture_markdown(pic),
                    f"lagesbild-{key}.html": render_picture_html(pic),
                    f"veckorapport-{key}.md": render_report_markdown(pic, decisions),
                    weekly_html: "",  # below, once its chart is drawn
                }
                pic_en = app.services.picture(uow, group, rnd, "en")
                outputs[f"weekly-report-{key}.en.md"] = render_report_markdown(
                    pic_en, app.services.decisions(uow, rnd, "en")
                )
            save_database(app.engine, db)
            # For the web view: a settings file for `est-bot web` on this database, and the static snapshot
            # (web/), made from the week as it ended while the worker makes the last files.
            web = [write_settings(config, db), *write_web_snapshot(config, db, key, clock.now())]
            # the HTML report embeds the trend chart that `documents` drew for the PDF, as the README says
            trend = out_dir / f"veckorapport-{key}-trend.png"
            files.ready([trend])
            outputs[weekly_html] = render_weekly_html(pic, decisions, trend)
            for name, text in outputs.items():
                path = out_dir / name
                path.write_text(text, encoding="utf-8")
                written.append(path)
            mail.finish()
            files.finish()
            written.append(transcript_path)
            written += mail.files()
            written += web
            result = DemoResult(out_dir, written, draft_text, report_text, answered, sim.events)
        finally:
            transcript.close()
            app.close()
    if echo is not None:
        echo.write(f"Torsdagens utkast till lägesbild ({key}):\n\n{result.draft_text}\n\n")
        echo.write(f"Fredagens veckorapport ({key}):\n\n{result.report_text}\n\n")
        echo.write(f"{result.events} händelser genom motorn, {result.answered} svar vecka {key}.\n")
        echo.write("Skrev: " + ", ".join(str(f) for f in written) + "\n")
    return result
