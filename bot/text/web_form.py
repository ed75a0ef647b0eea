"""The week's form on the web (handlers/web/pages/form.py) for reporters reached by e-mail, and its pages."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {}
