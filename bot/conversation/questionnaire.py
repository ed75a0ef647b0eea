"""The weekly questionnaire as a pure state machine (see STATES.md beside this file).

`step(spec, state, event)` returns the new state and what to show; it has no
I/O, so it is tested as a dialogue and persisted by the services after every
step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.conversation.choices import QuestionnaireChoice, decode, encode
from bot.conversation.messages import Choice, Outbound, json_copy
from bot.domain.factors import LEVEL_COLOURS, LEVEL_EMOJI, Factor
from bot.domain.masking import clean_text
from bot.domain.places import coarse, nearest_place
from bot.text import t

PLACE_BUTTONS = 8
PLACE_MAX = 100
NOTE_MAX = 500
MORE_MAX = 1000

GREETING, LEVEL, WHERE, WHAT, MORE, SUMMARY, SENT = (
    "greeting",
    "level",
    "where",
    "what",
    "more",
    "summary",
    "sent",
)


@dataclass(frozen=True)
class Item:
    area: str
    area_name: str
    factor: Factor

    @property
    def key(self) -> str:
        return f"{self.area}|{self.factor.code}"


@dataclass(frozen=True)
class Spec:
    """What the engine needs to know about this reporter's questionnaire this week."""

    round_id: int
    week: str
    name: str
    lang: str
    items: tuple[Item, ...]
    threshold: int
    places: dict[str, tuple[str, ...]]  # area code -> known place names
    last_week: dict[str, dict[str, Any]] | None = None  # answers of last week's sent report
    last_more: str | None = None
    close_text: str = ""
    # Approved places with a position, per area code: a shared location within `snap_m` metres becomes one.
    located: dict[str, tuple[tuple[str, float, float], ...]] = field(default_factory=dict)
    snap_m: float = 0.0

    @property
    def multi_area(self) -> bool:
        return len({i.area for i in self.items}) > 1


@dataclass(frozen=True)
class Event:
    kind: str  # "choice" | "text" | "location" | "show"
    value: str = ""
    location: tuple[float, float] | None = None


@dataclass
class Result:
    state: dict[str, Any]
    out: list[Outbound] = field(default_factory=list)
    submitted: bool = False
    snooze: bool = False
    changed: bool = False


def new_state() -> dict[str, Any]:
    return {"step": GREETING, "i": 0, "answers": {}, "more": None, "ret": False, "origin": None}


class Questionnaire:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.ref = f"q:{spec.round_id}"

    # ---- public -------------------------------------------------------------------------------

    def step(self, state: dict[str, Any], event: Event) -> Result:
        s = json_copy(state) if state else new_state()
        s.setdefault("answers", {})
        self._normalise(s)
        if event.kind == "show":
            result = Result(s, [self.prompt(s)])
        elif event.kind == "choice":
            result = self._choice(s, event.value)
        elif event.kind == "text":
            result = self._text(s, event.value)
        elif event.kind == "location" and event.location is not None:
            result = self._location(s, event.location)
        else:
            result = Result(s, [self.notice(t(self.spec.lang, "q.type_or_choose")), self.prompt(s)])
        keys = self._keys()
        if 0 <= result.state.get("i", 0) < len(keys):
            result.state["k"] = keys[result.state.get("i", 0)]
        return result

    def _keys(self) -> list[str]:
        return [it.key for it in self.spec.items]

    def _normalise(self, s: dict[str, Any]) -> None:
        """Fit a stored state to today's items: the areas or factors may have changed since it was saved.

        The position is kept by item key, not by index, so a reordered list resumes at the same question; a
        removed item's answer is dropped and the reporter continues at the first unanswered question.
        """
        keys = self._keys()
        s["answers"] = {k: v for k, v in s["answers"].items() if k in keys}
        if s["step"] not in (LEVEL, WHERE, WHAT):
            return
        k = s.get("k")
        if k in keys:
            s["i"] = keys.index(k)
        elif k is not None or not 0 <= s.get("i", 0) < len(keys):
            s["i"] = self._first_missing(s)
            s["step"] = LEVEL
        if s["step"] in (WHERE, WHAT) and keys[s["i"]] not in s["answers"]:
            s["step"] = LEVEL

    def _first_missing(self, s: dict[str, Any]) -> int:
        for i, key in enumerate(self._keys()):
            if key not in s["answers"]:
                return i
        return 0

    def is_own_choice(self, choice_id: str) -> bool:
        return self._own(choice_id) is not None

    def _own(self, choice_id: str) -> QuestionnaireChoice | None:
        chosen = decode(choice_id)
        return chosen if isinstance(chosen, QuestionnaireChoice) and chosen.round_id == self.spec.round_id else None

    # ---- event handlers ---------------------------------------------------------------------------

    def _choice(self, s: dict[str, Any], raw: str) -> Result:
        lang = self.spec.lang
        own = self._own(raw)
        if own is None:
            return Result(s, [self.notice(t(lang, "q.stale")), self.prompt(s)])
        parts = own.action.split(":")
        kind = parts[0]
        step = s["step"]

        if kind == "g" and step == GREETING:
            what = parts[1] if len(parts) > 1 else ""
            if what == "start":
                s.update(step=LEVEL, i=0, origin="manual")
                return self._changed(s)
            if what == "nothing":
                s["answers"] = {it.key: {"level": 0} for it in self.spec.items}
                s.update(step=SUMMARY, origin="nothing")
                return self._changed(s)
            if what == "same":
                if not self.spec.last_week:
                    return Result(s, [self.notice(t(lang, "q.no_last_week")), self.prompt(s)])
                s["answers"] = {it.key: _copy_answer(self.spec.last_week.get(it.key)) for it in self.spec.items}
                s.update(step=SUMMARY, origin="same")
                return self._changed(s)
            if what == "later":
                return Result(s, [], snooze=True, changed=True)
        if kind == "l" and len(parts) == 3:
            i, value = _int(parts[1]), parts[2]
            if i is None:
                return self._stale_or_same(s, same=False)
            if value == "back":
                if step == LEVEL and i == s["i"] and i > 0:
                    s["i"] = i - 1
                    return self._changed(s)
                return self._stale_or_same(s, same=True)
            level = _int(value)
            if level is None or not 0 <= level <= 3 or not 0 <= i < len(self.spec.items):
                return self._stale_or_same(s, same=False)
            key = self.spec.items[i].key
            if step == LEVEL and s["i"] == i:
                old = s["answers"].get(key, {})
                ans: dict[str, Any] = {"level": level}
                if level >= self.spec.threshold and old.get("level", -1) >= self.spec.threshold:
                    ans.update({k: old[k] for k in ("place", "note", "loc") if k in old})
                s["answers"][key] = ans
                if level >= self.spec.threshold:
                    s["step"] = WHERE
                else:
                    self._after_item(s)
                return self._changed(s)
            return self._stale_or_same(s, same=s["answers"].get(key, {}).get("level") == level)
        if kind == "p" and len(parts) == 3:
            i = _int(parts[1])
            if step != WHERE or i is None or i != s["i"]:
                return self._stale_or_same(s, same=False)
            key = self.spec.items[i].key
            if parts[2] == "skip":
                s["answers"][key].pop("place", None)
                s["answers"][key].pop("loc", None)
                s["step"] = WHAT
                return self._changed(s)
            if parts[2] == "new":
                return Result(s, [self.prompt(s, typing_place=True)])
            k = _int(parts[2])
            places = self.spec.places.get(self.spec.items[i].area, ())
            if k is None or not 0 <= k < len(places):
                return self._stale_or_same(s, same=False)
            s["answers"][key]["place"] = places[k]
            s["answers"][key].pop("loc", None)
            s["step"] = WHAT
            return self._changed(s)
        if kind == "w" and len(parts) == 3 and parts[2] == "skip":
            i = _int(parts[1])
            if step != WHAT or i is None or i != s["i"]:
                return self._stale_or_same(s, same=True)
            s["answers"][self.spec.items[i].key].pop("note", None)
            self._after_item(s)
            return self._changed(s)
        if kind == "m" and len(parts) == 2 and parts[1] == "skip":
            if step != MORE:
                return self._stale_or_same(s, same=True)
            s["step"] = SUMMARY
            s["ret"] = False
            return self._changed(s)
        if kind == "s" and step == SUMMARY:
            if parts[1:] == ["send"]:
                if any(key not in s["answers"] for key in self._keys()):
                    s.update(step=LEVEL, i=self._first_missing(s), ret=True)
                    return Result(s, [self.notice(t(self.spec.lang, "q.incomplete")), self.prompt(s)], changed=True)
                s["step"] = SENT
                return Result(s, [], submitted=True, changed=True)
            if parts[1:] == ["more"]:
                s.update(step=MORE, ret=True)
                return self._changed(s)
            if len(parts) == 3 and parts[1] == "c":
                i = _int(parts[2])
                if i is not None and 0 <= i < len(self.spec.items):
                    s.update(step=LEVEL, i=i, ret=True)
                    return self._changed(s)
        if kind == "x" and parts[1:] == ["edit"] and step == SENT:
            s["step"] = SUMMARY
            return self._changed(s)
        # A button from an earlier step, or pressed twice.
        same = (kind == "s" and step == SENT) or (kind == "g" and step != GREETING)
        return self._stale_or_same(s, same=same)

    def _text(self, s: dict[str, Any], raw: str) -> Result:
        lang = self.spec.lang
        step = s["step"]
        if step == WHERE:
            name = clean_text(raw, PLACE_MAX).replace("\n", " ")
            if not name:
                return Result(s, [self.prompt(s)])
            key = self.spec.items[s["i"]].key
            known = {p.casefold(): p for p in self.spec.places.get(self.spec.items[s["i"]].area, ())}
            s["answers"][key]["place"] = known.get(name.casefold(), name)
            s["answers"][key].pop("loc", None)
            s["step"] = WHAT
            return self._changed(s, cut=len(raw.strip()) > PLACE_MAX, limit=PLACE_MAX)
        if step == WHAT:
            note = clean_text(raw, NOTE_MAX)
            if note:
                s["answers"][self.spec.items[s["i"]].key]["note"] = note
            self._after_item(s)
            return self._changed(s, cut=len(raw.strip()) > NOTE_MAX, limit=NOTE_MAX)
        if step == MORE:
            more = clean_text(raw, MORE_MAX)
            s["more"] = more or None
            s["step"] = SUMMARY
            s["ret"] = False
            return self._changed(s, cut=len(raw.strip()) > MORE_MAX, limit=MORE_MAX)
        return Result(s, [self.notice(t(lang, "q.type_or_choose")), self.prompt(s)])

    def _location(self, s: dict[str, Any], loc: tuple[float, float]) -> Result:
        if s["step"] != WHERE:
            return Result(s, [self.notice(t(self.spec.lang, "q.not_at_place_step")), self.prompt(s)])
        item = self.spec.items[s["i"]]
        answer = s["answers"][item.key]
        # The raw fix is used only here, to find the nearest place; what is kept is that place or ~100 m.
        near = nearest_place(loc, self.spec.located.get(item.area, ()), self.spec.snap_m)
        if near is not None:
            answer["place"] = near
            answer.pop("loc", None)
        else:
            lat, lon = coarse(*loc)
            answer["place"] = f"{t(self.spec.lang, 'q.location_label')} {lat:.3f}, {lon:.3f}"
            answer["loc"] = [lat, lon]
        s["step"] = WHAT
        return self._changed(s)

    # ---- transitions ------------------------------------------------------------------------------

    def _after_item(self, s: dict[str, Any]) -> None:
        if s.get("ret"):
            s["step"] = SUMMARY
            s["ret"] = False
            return
        nxt = s["i"] + 1
        if nxt < len(self.spec.items):
            s.update(step=LEVEL, i=nxt)
        else:
            s["step"] = MORE

    def _changed(self, s: dict[str, Any], cut: bool = False, limit: int = 0) -> Result:
        out = [self.notice(t(self.spec.lang, "q.too_long", n=limit))] if cut else []
        return Result(s, [*out, self.prompt(s)], changed=True)

    def _stale_or_same(self, s: dict[str, Any], same: bool) -> Result:
        if same:
            return Result(s, [])
        return Result(s, [self.notice(t(self.spec.lang, "q.stale")), self.prompt(s)])

    # ---- drawing ----------------------------------------------------------------------------------

    def notice(self, text: str) -> Outbound:
        return Outbound(text=text, kind="notice")

    def _c(self, code: str, label: str, style: str | None = None) -> Choice:
        return Choice(encode(QuestionnaireChoice(self.spec.round_id, code)), label, style)

    def prompt(self, s: dict[str, Any], typing_place: bool = False) -> Outbound:
        lang = self.spec.lang
        step = s["step"]
        base: dict[str, Any] = {"step": step, "round_id": self.spec.round_id, "lang": lang}
        if step == GREETING:
            areas = ", ".join(dict.fromkeys(i.area_name for i in self.spec.items))
            text = t(lang, "q.greeting", name=self.spec.name, week=self.spec.week, areas=areas)
            rows: list[tuple[Choice, ...]] = [
                (self._c("g:start", t(lang, "q.btn.start"), "primary"),),
                (self._c("g:nothing", t(lang, "q.btn.nothing"), "green"),),
            ]
            if self.spec.last_week:
                rows.append((self._c("g:same", t(lang, "q.btn.same")),))
            rows.append((self._c("g:later", t(lang, "q.btn.later")),))
            return Outbound(text, tuple(rows), ref=self.ref, kind="question", data=base)
        if step == LEVEL:
            i = s["i"]
            item = self.spec.items[i]
            area = f"{item.area_name} · " if self.spec.multi_area else ""
            text = t(lang, "q.level", area=area, n=i + 1, total=len(self.spec.items), factor=item.factor.label(lang))
            levels = tuple(
                self._c(
                    f"l:{i}:{lv}", f"{LEVEL_EMOJI[LEVEL_COLOURS[lv]]} {lv} {t(lang, f'level.{lv}')}", LEVEL_COLOURS[lv]
                )
                for lv in range(4)
            )
            rows = [levels[:2], levels[2:]]
            if i > 0 and not s.get("ret"):
                rows.append((self._c(f"l:{i}:back", t(lang, "q.btn.back")),))
            return Outbound(
                text,
                tuple(rows),
                ref=self.ref,
                kind="question",
                data={**base, "item": i, "factor": item.factor.code, "area": item.area},
            )
        if step == WHERE:
            i = s["i"]
            item = self.spec.items[i]
            level = s["answers"][item.key]["level"]
            text = t(lang, "q.where", factor=item.factor.label(lang), level=t(lang, f"level.{level}"))
            places = self.spec.places.get(item.area, ())[:PLACE_BUTTONS]
            prows = [
                tuple(self._c(f"p:{i}:{k}", p) for k, p in enumerate(places[j : j + 2], start=j))
                for j in range(0, len(places), 2)
            ]
            prows.append(
                (self._c(f"p:{i}:new", t(lang, "q.btn.new_place")), self._c(f"p:{i}:skip", t(lang, "q.btn.skip")))
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
        if step == WHAT:
            i = s["i"]
            return Outbound(
                t(lang, "q.what"),
                ((self._c(f"w:{i}:skip", t(lang, "q.btn.skip")),),),
                ref=self.ref,
                kind="question",
                expects_text=True,
                data={**base, "item": i},
            )
        if step == MORE:
            return Outbound(
                t(lang, "q.more"),
                ((self._c("m:skip", t(lang, "q.btn.no_more")),),),
                ref=self.ref,
                kind="question",
                expects_text=True,
                data=base,
            )
        if step == SUMMARY:
            return self._summary(s, base)
        sent_text = t(lang, "q.sent", week=self.spec.week, close=self.spec.close_text)
        return Outbound(
            sent_text, ((self._c("x:edit", t(lang, "q.btn.edit")),),), ref=self.ref, kind="question", data=base
        )

    def summary_lines(self, s: dict[str, Any]) -> list[str]:
        lang = self.spec.lang
        lines: list[str] = []
        current_area = None
        for item in self.spec.items:
            if self.spec.multi_area and item.area != current_area:
                current_area = item.area
                lines.append(f"{item.area_name}:")
            a = s["answers"].get(item.key)
            if a is None:
                lines.append(f"{LEVEL_EMOJI['none']} {item.factor.label(lang)}: {t(lang, 'q.none')}")
                continue
            lv = int(a["level"])
            line = f"{LEVEL_EMOJI[LEVEL_COLOURS[lv]]} {item.factor.label(lang)}: {t(lang, f'level.{lv}')}"
            if a.get("place"):
                line += f" – {a['place']}"
            if a.get("note"):
                line += f" ({_short(a['note'], 80)})"
            lines.append(line)
        if s.get("more"):
            lines.append(t(lang, "q.summary.more", text=_short(s["more"], 200)))
        return lines

    def _summary(self, s: dict[str, Any], base: dict[str, Any]) -> Outbound:
        lang = self.spec.lang
        head = t(lang, "q.summary", week=self.spec.week)
        origin = s.get("origin")
        if origin == "same":
            head = t(lang, "q.summary.copied") + "\n" + head
        elif origin == "nothing":
            head = t(lang, "q.summary.nothing") + "\n" + head
        text = head + "\n\n" + "\n".join(self.summary_lines(s))
        change: list[Choice] = []
        for i, item in enumerate(self.spec.items):
            a = s["answers"].get(item.key)
            emoji = LEVEL_EMOJI[LEVEL_COLOURS[int(a["level"])]] if a else LEVEL_EMOJI["none"]
            label = f"{emoji} {item.factor.label(lang).split(',')[0]}"
            if self.spec.multi_area:
                label = f"{item.area_name}: {label}"
            change.append(self._c(f"s:c:{i}", label))
        rows: list[tuple[Choice, ...]] = [(self._c("s:send", t(lang, "q.btn.send"), "primary"),)]
        rows += [tuple(change[j : j + 2]) for j in range(0, len(change), 2)]
        rows.append((self._c("s:more", t(lang, "q.btn.change_more")),))
        complete = all(item.key in s["answers"] for item in self.spec.items)
        return Outbound(text, tuple(rows), ref=self.ref, kind="question", data={**base, "complete": complete})


def _copy_answer(a: dict[str, Any] | None) -> dict[str, Any]:
    if not a:
        return {"level": 0}
    out: dict[str, Any] = {"level": int(a.get("level", 0))}
    if a.get("place"):
        out["place"] = a["place"]
    return out


def _int(v: str) -> int | None:
    try:
        return int(v)
    except ValueError:
        return None


def _short(text: str, n: int) -> str:
    """Long notes are shortened in the summary so it fits one chat message; the whole note is kept."""
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
