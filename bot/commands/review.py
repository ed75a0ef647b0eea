"""The commands of `review`: reporters' notes and the places waiting (bot.usecases.review, bot.usecases.places).

Each command is a frozen dataclass declaring its word and role, next to the parser that makes it from words
(`@parses`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.types import Args, Command, ParseError, parses
from bot.conversation.ids import parse_id
from bot.conversation.messages import Inbound
from bot.domain.masking import clean_text


class ReviewCommand(Command):
    name = "review"
    role = "coordinator"


@dataclass(frozen=True)
class ReviewList(ReviewCommand):
    """`review`: the notes of the current week, and the places waiting."""


@dataclass(frozen=True)
class ReviewNote(ReviewCommand):
    note: str
    status: str  # approved | hidden


@dataclass(frozen=True)
class ReviewEdit(ReviewCommand):
    note: str
    text: str


@dataclass(frozen=True)
class ReviewInvalid(ReviewCommand):
    """Words after `review` that make no note decision: told only once a round is known (without one the
    answer is that there is none)."""

    error: ParseError


@dataclass(frozen=True)
class PlaceReview(ReviewCommand):
    place_id: int
    approve: bool
    new_name: str


PLACE_ID = re.compile(r"[pP](\d{1,9})")


PLACE_APPROVE = ("approve", "godkänn", "godkann")


PLACE_REJECT = ("reject", "avvisa", "hide", "dölj")


PLACE_NAME_MAX = 100


NOTE_MAX = 1000


@parses(ReviewCommand)
def _review(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) >= 2 and args[0].lower() in PLACE_APPROVE + PLACE_REJECT:
        m = PLACE_ID.fullmatch(args[1])
        if m is not None:  # `approve|reject P<id> [new name]`: a decision about a place rather than a note
            approve = args[0].lower() in PLACE_APPROVE
            new_name = clean_text(" ".join(args[2:]), PLACE_NAME_MAX).replace("\n", " ").strip()
            if new_name and not approve:
                return ParseError.usage("place.review.usage", ReviewCommand)
            return PlaceReview(int(m.group(1)), approve, new_name)
    if not args:
        return ReviewList()
    if args[0].lower() in ("edit", "redigera", "skriv"):
        m = re.fullmatch(r"#?(\d{1,10})\s*:?\s*(.*)", " ".join(args[1:]), re.DOTALL)
        ident = m.group(1) if m else ""
        text = clean_text(m.group(2), NOTE_MAX) if m else ""
        if parse_id(ident) is None or not text:
            return ReviewInvalid(ParseError.usage("review.edit_usage", ReviewCommand))
        return ReviewEdit(ident, text)
    if len(args) == 2 and args[0].lower() in ("approve", "hide", "godkänn", "dölj"):
        status = "approved" if args[0].lower() in ("approve", "godkänn") else "hidden"
        ident = args[1].lstrip("#")
        if parse_id(ident) is None:
            return ReviewInvalid(ParseError("cmd.review.unknown", {"id": ident}, command=ReviewCommand))
        return ReviewNote(ident, status)
    return ReviewInvalid(ParseError.usage("cmd.review.usage", ReviewCommand))
