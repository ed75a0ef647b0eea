"""What the week sends by e-mail: the invitation to the week's form, the reminder, the report's subject."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {}
