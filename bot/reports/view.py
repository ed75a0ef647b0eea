"""The week's picture as shown in one language: the domain's `Picture` (data) with the language it is read in.

The domain computes the picture once, without words; every renderer (Markdown, HTML, PDF, the chat texts, the
charts, Slack's grid) takes a `PictureView` and words the values through the text catalogue. The view reads
like the picture (`input`, `cells`, `standouts`, `candidates`, ...) and adds what needs a language: the factor
labels and the reasons in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from bot.domain.detection import Signal
from bot.domain.picture import Candidate, Cell, Picture, PictureInput, Standout
from bot.text.reasons import candidate_reason_text, reason_text


@dataclass(frozen=True)
class PictureView:
    picture: Picture
    lang: str

    @property
    def input(self) -> PictureInput:
        return self.picture.input

    @property
    def cells(self) -> dict[tuple[str, str], Cell]:
        return self.picture.cells

    @property
    def standouts(self) -> list[Standout]:
        return self.picture.standouts

    @property
    def candidates(self) -> list[Candidate]:
        return self.picture.candidates

    @property
    def response_rate(self) -> float:
        return self.picture.response_rate

    @property
    def signals(self) -> dict[tuple[str, str], Signal]:
        return self.picture.signals

    @cached_property
    def _factor_labels(self) -> dict[str, str]:
        return {f.code: f.label(self.lang) for f in self.picture.input.factors}

    def area_name(self, code: str | None) -> str:
        """The area's name; an unknown code as itself, None as ""."""
        return self.picture.area_name(code)

    def factor_label(self, code: str | None) -> str:
        """The factor's label in the view's language; an unknown code as itself, None as ""."""
        return "" if code is None else self._factor_labels.get(code, code)

    def reason(self, standout: Standout) -> str:
        """Why `standout` stands out, in the view's language."""
        return reason_text(standout.reason, self.lang)

    def candidate_reasons(self, candidate: Candidate) -> tuple[str, ...]:
        """A candidate's reasons in the view's language; an area candidate's name their factors."""
        return tuple(candidate_reason_text(r, self.lang, self.factor_label) for r in candidate.reasons)
