"""Platform-neutral messages: what the core receives and what it wants said.

Edges (Slack, Telegram, console) turn platform payloads into an `Inbound` and
draw an `Outbound` their own way. Nothing here knows any platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.domain.masking import mask_data, mask_personal_data

InboundKind = Literal["text", "choice", "command", "location", "home"]


@dataclass(frozen=True)
class Inbound:
    platform: str
    sender: str  # the platform's stable user id (never a username)
    kind: InboundKind
    text: str = ""
    choice: str = ""  # the opaque id of the Choice pressed
    command: str = ""  # command name without slash, lower case
    args: tuple[str, ...] = ()
    location: tuple[float, float] | None = None
    chat: str | None = None  # channel/group id when not a direct message
    event_id: str | None = None  # platform delivery id, for de-duplication
    # Where a private answer to this event goes when the platform has a better place than the sender's direct
    # chat (Slack: an ephemeral message in the channel the command was typed in). Messages that are updated
    # in place (with a `ref`) always go to the direct chat.
    reply_address: str | None = None
    # Platform accounts the text names (Slack `<@U…|name>`): (account id, display name), in order.
    mentions: tuple[tuple[str, str], ...] = ()
    # The text was given in a form that belongs to a question (Slack's where/what form), not typed into the chat:
    # the question's message is still the last one there, so the answer updates it in place.
    from_form: bool = False


@dataclass(frozen=True)
class Choice:
    id: str  # opaque, at most 64 bytes (Telegram callback_data)
    label: str
    style: str | None = None  # green|yellow|orange|red|primary|danger


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    path: str  # a file the sender uploads


@dataclass(frozen=True)
class Outbound:
    """One message the bot wants shown.

    `ref` names a message that is updated in place: a later Outbound with the
    same ref to the same recipient replaces the earlier one where the platform
    can, unless `fresh` asks for a new message (which then carries the ref): a
    reminder must notify, and after the person typed, the old message is no
    longer the last one in the chat. `kind` lets an edge draw a richer form (Block Kit, HTML) from `data`;
    `text` is always a complete plain-text rendering.

    Personal data is masked here, where every message is made (DESIGN.md §3): a reply that repeats what a
    person typed ("No reporter is called …") must not carry a personnummer, phone number or e-mail address
    into the outbox, to a platform or into a test's transcript. Text, choice labels and the strings of
    `data` are masked; ids, refs and attachment paths are the bot's own and are left alone.
    """

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    ref: str | None = None
    kind: str = "message"  # message|question|notice|picture|report|reminder|help
    expects_text: bool = False
    allow_location: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    fresh: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", mask_personal_data(self.text))
        if self.choices:
            object.__setattr__(
                self,
                "choices",
                tuple(
                    tuple(c if (m := mask_personal_data(c.label)) == c.label else Choice(c.id, m, c.style) for c in row)
                    for row in self.choices
                ),
            )
        if self.data:
            object.__setattr__(self, "data", mask_data(self.data))

    def to_json(self) -> dict[str, Any]:
        # Written out rather than `dataclasses.asdict`, which deep-copies field by field: every reply is
        # serialised once on its way into the outbox, so this is on every button press's path.
        return {
            "text": self.text,
            "choices": [[{"id": c.id, "label": c.label, "style": c.style} for c in row] for row in self.choices],
            "ref": self.ref,
            "kind": self.kind,
            "expects_text": self.expects_text,
            "allow_location": self.allow_location,
            "data": json_copy(self.data) if self.data else {},
            "attachments": [{"filename": a.filename, "mime": a.mime, "path": a.path} for a in self.attachments],
            "fresh": self.fresh,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Outbound:
        """An outbox row's message as `to_json` wrote it. Not masked again: it was masked when it was made (every
        outbox row is an `Outbound`'s `to_json`), and the dispatcher reads every row it sends (twice for an edit)."""
        out = object.__new__(cls)
        fields = {
            "text": d["text"],
            "choices": tuple(tuple(Choice(**c) for c in row) for row in d.get("choices", ())),
            "ref": d.get("ref"),
            "kind": d.get("kind", "message"),
            "expects_text": d.get("expects_text", False),
            "allow_location": d.get("allow_location", False),
            "data": dict(d.get("data") or {}),
            "attachments": tuple(Attachment(**a) for a in d.get("attachments", ())),
            "fresh": d.get("fresh", False),
        }
        for name, value in fields.items():
            object.__setattr__(out, name, value)
        return out

    def all_choices(self) -> list[Choice]:
        return [c for row in self.choices for c in row]


def json_copy(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, tuples and scalars): what `copy.deepcopy` gives for it, at a
    fraction of the cost (no memo of shared objects, which JSON cannot have). On every button press's path."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(json_copy(v) for v in value)
    return value
