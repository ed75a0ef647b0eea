"""What a chart job carries to a worker by the hundred is pickled by its own `__reduce__` (bot.domain.picture.Report,
bot.domain.stats.CellStat): every field comes back, in its place."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from bot.domain.cycle import RoundKey
from bot.domain.picture import Report
from bot.domain.stats import CellStat


@pytest.mark.parametrize(
    "value",
    [
        Report(7, "Polisen", "centrum", "narkotika", 3, "Stortorget", "Langning vid bänkarna"),
        Report(8, "Kommunen", "norr", "klotter", 1),
        CellStat(RoundKey(2026, 47), "hamnen", "brand", 4, 9, 3),
    ],
)
def test_a_value_comes_back_equal_field_by_field(value: Report | CellStat) -> None:
    back = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is type(value) and back == value
    assert dataclasses.astuple(back) == dataclasses.astuple(value)  # every field, in order
    # a field added later must be added to `__reduce__` too, or it would come back as its default
    assert len(value.__reduce__()[1]) == len(dataclasses.fields(value))
