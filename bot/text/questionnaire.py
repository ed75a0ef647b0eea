"""User-facing strings: questionnaire."""

TEXT: dict[str, dict[str, str]] = {}
