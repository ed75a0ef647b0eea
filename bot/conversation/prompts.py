"""The questionnaire drawn: the question for a state, with its buttons, and the summary of the answers.

Pure: the spec and the state in, an `Outbound` out. A button carries a typed action (`choices.py`) with the
round, the step and the item (see STATES.md), so a button from an old message is recognised by the engine.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.choices import (
    AddMore,
    Change,
    Edit,
    Greeting,
    LevelBack,
    LevelPick,
    MoreSkip,
    NoteSkip,
    PlaceNew,
    PlacePick,
    PlaceSkip,
    QuestionnaireAction,
    QuestionnaireChoice,
    Send,
    encode,
)
from bot.conversation.messages import Choice, Outbound
from bot.conversation.spec import Spec
from bot.domain.conversation_state import ConversationState, Origin, Step
from bot.domain.factors import LEVEL_COLOURS, LEVEL_EMOJI
from bot.text import listed, t

PLACE_BUTTONS = 8


class QuestionnaireView:
    def __init__(self, spec: Spec, ref: str) -> None:
        self.spec = spec
        self.ref = ref

    def notice(self, text: str) -> Outbound:
        return Outbound(text=text, kind="notice")

    def _c(self, action: QuestionnaireAction, label: str, style: str | None = None) -> Choice:
        return Choice(encode(QuestionnaireChoice(self.spec.round_id, action)), label, style)

    def prompt(self, s: ConversationState, typing_place: bool = False) -> Outbound:
        lang = self.spec.lang
        step = s.step
        base: dict[str, Any] = {"step": step.value, "round_id": self.spec.round_id, "lang": lang}
        if step == Step.GREETING:
            areas = listed(lang, list(dict.fromkeys(i.area_name for i in self.spec.items)))
            text = t(lang, "q.greeting", name=self.spec.name, week=self.spec.week, areas=areas)
            rows: list[tuple[Choice, ...]] = [
                (self._c(Greeting("start"), t(lang, "q.btn.start"), "primary"),),
                (self._c(Greeting("nothing"), t(lang, "q.btn.nothing"), "green"),),
            ]
            if self.spec.last_week:
                rows.append((self._c(Greeting("same"), t(lang, "q.btn.same")),))
            rows.append((self._c(Greeting("later"), t(lang, "q.btn.later")),))
            return Outbound(text, tuple(rows), ref=self.ref, kind="question", data=base)
        if step == Step.LEVEL:
            i = s.index
            item = self.spec.items[i]
            area = f"{item.area_name} · " if self.spec.multi_area else ""
            text = t(lang, "q.level", area=area, n=i + 1, total=len(self.spec.items), factor=item.factor.label(lang))
            levels = tuple(
                self._c(
                    LevelPick(i, lv),
                    f"{LEVEL_EMOJI[LEVEL_COLOURS[lv]]} {lv} {t(lang, f'level.{lv}')}",
                    LEVEL_COLOURS[lv],
                )
                for lv in range(4)
            )
            rows = [levels[:2], levels[2:]]
            if i > 0 and not s.returning:
                rows.append((self._c(LevelBack(i), t(lang, "q.btn.back")),))
            return Outbound(
                text,
                tuple(rows),
                ref=self.ref,
                kind="question",
                data={**base, "item": i, "factor": item.factor.code, "area": item.area},
            )
        if step == Step.WHERE:
            i = s.index
            item = self.spec.items[i]
            level = s.answers[item.key].level
            where = "q.where.typing" if typing_place else "q.where"  # after "New place": what to type, said
            text = t(lang, where, factor=item.factor.label(lang), level=t(lang, f"level.{level}"))
            places = self.spec.places.get(item.area, ())[:PLACE_BUTTONS]
            prows = [
                tuple(self._c(PlacePick(i, k), p) for k, p in enumerate(places[j : j + 2], start=j))
                for j in range(0, len(places), 2)
            ]
            prows.append(
                (self._c(PlaceNew(i), t(lang, "q.btn.new_place")), self._c(PlaceSkip(i), t(lang, "q.btn.skip")))
            )
            return Outbound(
                text,
                tuple(prows),
                ref=self.ref,
                kind="question",
                expects_text=True,
                allow_location=True,
                data={**base, "item": i, "typing_place": typing_place, "places": list(places)},
            )
        if step == Step.WHAT:
            i = s.index
            return Outbound(
                t(lang, "q.what"),
                ((self._c(NoteSkip(i), t(lang, "q.btn.skip")),),),
                ref=self.ref,
                kind="question",
                expects_text=True,
                data={**base, "item": i},
            )
        if step == Step.MORE:
            return Outbound(
                t(lang, "q.more"),
                ((self._c(MoreSkip(), t(lang, "q.btn.no_more")),),),
                ref=self.ref,
                kind="question",
                expects_text=True,
                data=base,
            )
        if step == Step.SUMMARY:
            return self._summary(s, base)
        sent_text = t(lang, "q.sent", week=self.spec.week, close=self.spec.close_text)
        return Outbound(
            sent_text, ((self._c(Edit(), t(lang, "q.btn.edit")),),), ref=self.ref, kind="question", data=base
        )

    def summary_lines(self, s: ConversationState) -> list[str]:
        lang = self.spec.lang
        lines: list[str] = []
        current_area = None
        for item in self.spec.items:
            if self.spec.multi_area and item.area != current_area:
                current_area = item.area
                lines.append(f"{item.area_name}:")
            a = s.answers.get(item.key)
            if a is None:
                lines.append(f"{LEVEL_EMOJI['none']} {item.factor.label(lang)}: {t(lang, 'q.none')}")
                continue
            lv = a.level
            line = f"{LEVEL_EMOJI[LEVEL_COLOURS[lv]]} {item.factor.label(lang)}: {t(lang, f'level.{lv}')}"
            if a.place:
                line += f" – {a.place}"
            if a.note:
                line += f" ({_short(a.note, 80)})"
            lines.append(line)
        if s.more:
            lines.append(t(lang, "q.summary.more", text=_short(s.more, 200)))
        return lines

    def _summary(self, s: ConversationState, base: dict[str, Any]) -> Outbound:
        lang = self.spec.lang
        head = t(lang, "q.summary", week=self.spec.week)
        if s.origin == Origin.SAME:
            head = t(lang, "q.summary.copied") + "\n" + head
        elif s.origin == Origin.NOTHING:
            head = t(lang, "q.summary.nothing") + "\n" + head
        text = head + "\n\n" + "\n".join(self.summary_lines(s))
        change: list[Choice] = []
        for i, item in enumerate(self.spec.items):
            a = s.answers.get(item.key)
            emoji = LEVEL_EMOJI[LEVEL_COLOURS[a.level]] if a else LEVEL_EMOJI["none"]
            label = f"{emoji} {item.factor.label(lang).split(',')[0]}"
            if self.spec.multi_area:
                label = f"{item.area_name}: {label}"
            change.append(self._c(Change(i), label))
        rows: list[tuple[Choice, ...]] = [(self._c(Send(), t(lang, "q.btn.send"), "primary"),)]
        rows += [tuple(change[j : j + 2]) for j in range(0, len(change), 2)]
        rows.append((self._c(AddMore(), t(lang, "q.btn.change_more")),))
        complete = all(item.key in s.answers for item in self.spec.items)
        return Outbound(text, tuple(rows), ref=self.ref, kind="question", data={**base, "complete": complete})


def _short(text: str, n: int) -> str:
    """Long notes are shortened in the summary so it fits one chat message; the whole note is kept."""
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
