"""The personal links an e-mail carries, signed with EST_WEB_SECRET (itsdangerous): to a person's form of one
week, and to turning their Friday report off.

A link holds only ids and is signed, so a forged or altered one is refused; whether it still works is decided
when it is opened (bot/usecases/form.py): the round must still take answers, the person must be active, and the
link's generation must be today's (a "not me" moves it on).
"""

from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer

from bot.conversation.mail import FormRef

FORM_SALT = "est-form-link"
REPORT_OFF_SALT = "est-report-off"


def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=salt)


def form_token(secret: str, ref: FormRef) -> str:
    return str(_serializer(secret, FORM_SALT).dumps([ref.person_id, ref.round_id, ref.generation]))


def read_form_token(secret: str, token: str) -> FormRef | None:
    """The form a token names, None for one that is forged, altered or not a token at all."""
    try:
        value = _serializer(secret, FORM_SALT).loads(token[:400])
    except BadData:
        return None
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, int) for v in value)):
        return None
    return FormRef(value[0], value[1], value[2])


def report_off_token(secret: str, person_id: int) -> str:
    return str(_serializer(secret, REPORT_OFF_SALT).dumps(person_id))


def read_report_off_token(secret: str, token: str) -> int | None:
    try:
        value = _serializer(secret, REPORT_OFF_SALT).loads(token[:400])
    except BadData:
        return None
    return value if isinstance(value, int) else None


def form_url(base_url: str, secret: str, ref: FormRef) -> str:
    """The week's form (opening it starts a short session for that form alone)."""
    return f"{base_url.rstrip('/')}/form/{form_token(secret, ref)}"


def nothing_url(base_url: str, secret: str, ref: FormRef) -> str:
    """The quick path "nothing to report": a page with one button (a GET never changes anything, since mail
    systems open links to scan them)."""
    return f"{form_url(base_url, secret, ref)}/nothing"


def report_off_url(base_url: str, secret: str, person_id: int) -> str:
    """Turning the Friday report off (List-Unsubscribe; a POST to it is RFC 8058's one click)."""
    return f"{base_url.rstrip('/')}/report-off/{report_off_token(secret, person_id)}"
