"""User-facing strings: commands."""

TEXT: dict[str, dict[str, str]] = {}
