"""What every part of the settings shares: the roles, codes and names, and the error a wrong file raises."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

from bot.domain.masking import has_personal_data

ROLES = ("reporter", "participant", "coordinator", "admin")
Role = Literal["reporter", "participant", "coordinator", "admin"]
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_CODE_HELP = (
    "allowed: 1-40 characters: lower-case letters a-z, digits, '_' or '-' (no spaces or å/ä/ö), "
    "starting with a letter or digit, e.g. 'centrum' or 'sodra-hamnen'"
)


class ConfigError(Exception):
    """A configuration problem, already phrased for the person who wrote the file."""


class KeyProblem(ValueError):
    """Raised by a model validator about a key *below* the model, so the message can name that key
    (pydantic alone would point at the model, e.g. ``groups[0]`` instead of ``groups[0].areas[3].code``)."""

    def __init__(self, path: tuple[int | str, ...], value: Any, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.value = value
        self.message = message


def first_duplicate(values: list[Any]) -> tuple[int, int] | None:
    """``(first, second)`` indexes of the first value that appears twice, or None."""
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        if v in seen:
            return seen[v], i
        seen[v] = i
    return None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_PERSONAL_DATA_HELP = (
    "holds a personal identity number, phone number or e-mail address, which a name or code everyone sees must "
    "not hold (EST looks at places, not persons); write it without them"
)


def _no_personal_data(v: str) -> str:
    if has_personal_data(v):
        raise ValueError(_PERSONAL_DATA_HELP)
    return v


def _check_code(v: str) -> str:
    if not CODE_RE.match(v):
        raise ValueError(_CODE_HELP)
    return _no_personal_data(v)


Code = Annotated[str, AfterValidator(_check_code)]
"""A stable identifier (area, factor, group): what the database and exports key on."""
Name = Annotated[str, AfterValidator(_no_personal_data)]
"""A name people see (a person, an organisation, an area, a place, a group, a factor): never personal data."""


def _check_email(v: str) -> str:
    # email-validator's syntax check (no DNS lookup: start-up must not depend on the network); the address is
    # kept as written, with its domain in lower case.
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(v, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not an e-mail address ({exc}); allowed: an address of the form namn@domän") from None
    return checked.normalized


EmailAddress = Annotated[str, AfterValidator(_check_email)]
"""An e-mail address, checked for its form (never for whether its domain exists)."""
