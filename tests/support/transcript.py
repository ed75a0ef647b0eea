"""`TranscriptBot`: the test group's bot driven as transcripts (speak as any person, get back what the bot
answered), over any unit of work: `tests.conftest.Bot` runs it over a real database, `FakeBot`
(tests/unit/fakes) over the in-memory one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.clock import ManualClock
from bot.config import Config
from bot.conversation.messages import Inbound, InboundKind, Outbound
from bot.outbox import Dispatcher
from bot.ports import UnitOfWork
from bot.services import Services
from standins.config import TUE_OPEN, RecordingSender


@dataclass
class TranscriptBot:
    """The test group's bot over any unit of work, driven as transcripts."""

    services: Services
    dispatcher: Dispatcher
    clock: ManualClock
    sender: RecordingSender
    seen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def over(cls, config: Config, unit: Callable[[], UnitOfWork], clock: ManualClock | None = None) -> TranscriptBot:
        """What `bot.bootstrap.build` wires, without opening a database: the front (its configuration
        synchronised), and the outbox's dispatcher to a recording console sender."""
        clock = clock or ManualClock(TUE_OPEN)
        sender = RecordingSender()
        services = Services(config, unit, clock, platforms=("console",))
        services.sync_config()
        return cls(services, Dispatcher(unit, clock, {"console": sender}), clock, sender)

    def say(self, who: str, kind: InboundKind = "text", **kw: Any) -> list[Outbound]:
        self.services.handle(Inbound("console", who, kind, **kw))
        return self.flush(who)

    def text(self, who: str, text: str) -> list[Outbound]:
        return self.say(who, "text", text=text)

    def cmd(self, who: str, line: str) -> list[Outbound]:
        words = line.split()
        return self.say(who, "command", command=words[0], args=tuple(words[1:]))

    def press(self, who: str, label_or_suffix: str) -> list[Outbound]:
        q = self.last_question(who)
        for c in q.all_choices():
            if c.id.endswith(label_or_suffix) or label_or_suffix.casefold() in c.label.casefold():
                return self.say(who, "choice", choice=c.id)
        raise AssertionError(f"{label_or_suffix!r} not among {[c.label for c in q.all_choices()]}")

    def answer_levels(self, who: str, levels: dict[int, int], place: str = "Stortorget", note: str = "Kl 22") -> str:
        """Answer the level questions from where the reporter is (item -> level, others 0); at or above the
        threshold pick or type `place` and write `note`. Returns the step it stopped at (more/summary)."""
        while True:
            q = self.last_question(who)
            step = str(q.data["step"])
            if step == "level":
                self.press(who, f":l:{q.data['item']}:{levels.get(q.data['item'], 0)}")
            elif step == "where":
                if place in q.data["places"]:
                    self.press(who, place)
                else:
                    self.text(who, place)
            elif step == "what":
                self.text(who, note)
            else:
                return step

    def flush(self, who: str | None = None) -> list[Outbound]:
        """Deliver what the outbox holds; what `who` received since the last time they were asked."""
        self.dispatcher.drain("console", limit=100_000, batch=500)
        if who is None:
            return []
        msgs = self.sender.to(who)
        start = self.seen.get(who, 0)
        self.seen[who] = len(msgs)
        return msgs[start:]

    def last_question(self, who: str) -> Outbound:
        qs = [o for o in self.sender.to(who) if o.kind == "question"]
        assert qs, f"no question for {who}"
        return qs[-1]

    def tick(self) -> list[str]:
        done = self.services.tick()
        self.flush()
        return done
