"""The e-mail edge's words (handlers/email/): the layout around a message, its buttons and footer."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {}
