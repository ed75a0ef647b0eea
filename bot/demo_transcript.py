"""The demo's transcript (demo-output/transcript.txt): what people typed and what the bot delivered, in order.

A place can be kept for what is written later (`keep`, then `into`): an e-mail whose charts and PDF a worker is
still making is delivered once they are made (bot/demo_mail.py) while the demo goes on, and its line stands where it
was sent. The file is written up to the first place not yet filled; `close` writes the rest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Place:
    """Text of the transcript, or a place kept for text written later."""

    __slots__ = ("kept", "parts")

    def __init__(self, kept: bool) -> None:
        self.parts: list[str] = []
        self.kept = kept  # not filled yet


class Transcript:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._waiting: deque[Place] = deque()  # from the first place not filled yet on
        self._into: Place | None = None

    def write(self, text: str) -> int:
        if self._into is not None:
            self._into.parts.append(text)
        elif not self._waiting:
            self.stream.write(text)
        else:
            last = self._waiting[-1]
            if last.kept:
                last = Place(kept=False)
                self._waiting.append(last)
            last.parts.append(text)
        return len(text)

    def keep(self) -> Place:
        """A place here for text written later (`into`)."""
        place = Place(kept=True)
        self._waiting.append(place)
        return place

    @contextmanager
    def into(self, place: Place) -> Iterator[None]:
        """What is written in the block goes to `place`, which is then filled."""
        self._into = place
        try:
            yield
        finally:
            self._into = None
            place.kept = False
            self._flush()

    def close(self) -> None:
        """The rest written out; a place never filled (the demo failed before) is marked as such."""
        for place in self._waiting:
            self.stream.write("".join(place.parts) if not place.kept else "--- (not delivered: the demo stopped)\n")
        self._waiting.clear()

    def _flush(self) -> None:
        while self._waiting and not self._waiting[0].kept:
            self.stream.write("".join(self._waiting.popleft().parts))
