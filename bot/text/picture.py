"""User-facing strings: picture."""

TEXT: dict[str, dict[str, str]] = {}
