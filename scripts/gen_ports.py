"""Regenerate the `Store` protocol in bot/ports.py from storage/store.py's public methods.

The port is what the core may ask of storage; keeping it generated keeps the two in step.
Run: .venv/bin/python scripts/gen_ports.py && .venv/bin/ruff format bot/ports.py
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = '''"""Ports: what the services need from storage, as protocols (storage/ implements them).

Generated from storage/store.py by scripts/gen_ports.py; edit the store, then regenerate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from bot.domain.cycle import Phase, RoundKey
from bot.domain.factors import Factor
from bot.domain.model import Action, AnswerIn, Area, Candidate, OutboxItem, Person, Place, Response, Round
from bot.domain.picture import PictureInput
from bot.domain.statistics import PoliceEvent, StatRecord
from bot.domain.stats import AnswerRecord, CellStat, Participation, PlaceMention, WeekStat


class Store(Protocol):
'''
FOOTER = """

class UnitOfWork(Protocol):
    @property
    def store(self) -> Store: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
"""


def main() -> None:
    tree = ast.parse((ROOT / "storage" / "store.py").read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SqlStore")
    methods = []
    for fn in cls.body:
        if isinstance(fn, ast.FunctionDef) and not fn.name.startswith("_"):
            doc = ast.get_docstring(fn)
            fn.body = [ast.Expr(ast.Constant(doc))] if doc else [ast.Expr(ast.Constant(...))]
            fn.decorator_list = []
            methods.append("    " + ast.unparse(fn).replace("\n", "\n    "))
    (ROOT / "bot" / "ports.py").write_text(HEADER + "\n\n".join(methods) + "\n" + FOOTER, encoding="utf-8")


if __name__ == "__main__":
    main()
