"""Masking of personal data in free text, and normalisation of chat input.

EST looks at places, not individuals (DESIGN.md §3): free-text notes must not
carry Swedish personal identity numbers, phone numbers or e-mail addresses.
``mask_personal_data`` replaces them with neutral placeholders; ``clean_text``
normalises a message from a chat client and then masks it.

Numbers are found with spaces, dashes, dots or '/' inside (070.123.45.67), a
personnummer also written as a date (1981-12-18-9876), and an address also
written so a machine would not see it (anna(at)exempel.se, anna [at] exempel
[dot] se).

The rules lean towards masking: an ambiguous number that could be a phone
number or a personnummer is masked either way (the label may then be the
other one), but years, times, dates, ISO weeks, street numbers, counts and
postcodes are left alone. A coordinator reviews notes before they reach a
report, so this is a safety net, not a guarantee.

Pure functions; standard library only (``re`` for matching, ``unicodedata``
for NFC and combining-mark checks).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

__all__ = [
    "EMAIL_PLACEHOLDER",
    "PERSONNUMMER_PLACEHOLDER",
    "PHONE_PLACEHOLDER",
    "clean_text",
    "has_personal_data",
    "map_strings",
    "mask_data",
    "mask_personal_data",
]

PERSONNUMMER_PLACEHOLDER = "[personnummer]"
PHONE_PLACEHOLDER = "[telefon]"
EMAIL_PLACEHOLDER = "[e-post]"
_PLACEHOLDERS = (PERSONNUMMER_PLACEHOLDER, PHONE_PLACEHOLDER, EMAIL_PLACEHOLDER)

# Separators people (and their phones' keyboards) put inside numbers.
_SP = "[ \u00a0\u2009\u202f]"  # space, no-break space, thin space, narrow no-break space
_DASH = "[-\u2010\u2011\u2012\u2013\u2014\u2212]"  # hyphen-minus, hyphens, figure dash, en and em dash, minus

# --- e-mail -------------------------------------------------------------------
# The look-behind makes a match start only at the beginning of a run of
# local-part characters, which keeps the search linear on long words.
_EMAIL_RE = re.compile(r"(?<![\w.%+'-])[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+")
# Written so a machine would not see it: "anna(at)exempel.se", "anna [at] exempel [dot] se",
# "anna (snabel-a) exempel (punkt) se", or with bare words only where both are words: "anna at exempel dot se".
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_BRACKETED_AT = rf"[^\S\n]*{_OPEN}[^\S\n]*(?:at|snabel-?a)[^\S\n]*{_CLOSE}[^\S\n]*"
_WORD_DOT = r"[^\S\n]+(?:dot|punkt)[^\S\n]+"
_BRACKETED_DOT = rf"[^\S\n]*{_OPEN}[^\S\n]*(?:dot|punkt)[^\S\n]*{_CLOSE}[^\S\n]*"
_OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.%+'-])[\w.%+'-]+"
    rf"(?:{_BRACKETED_AT}[\w-]+(?:(?:\.|{_BRACKETED_DOT}|{_WORD_DOT})[\w-]+)+"
    rf"|[^\S\n]+at[^\S\n]+[\w-]+(?:(?:{_BRACKETED_DOT}|{_WORD_DOT})[\w-]+)+)"
    r"(?![\w-])",
    re.IGNORECASE,
)
_OBFUSCATION_HINT_RE = re.compile(r"\bat\b|snabel", re.IGNORECASE)

# --- personnummer / samordningsnummer --------------------------------------------
# Month 01-12; day 01-31, or 61-91 for a samordningsnummer (day + 60).
_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])"
# The separator before the last four digits: '-' or '+' (100 years or older), with a space either side or not.
_SEP = rf"{_SP}?(?:{_DASH}|\+){_SP}?"
# Unambiguous forms: with a century (YYYYMMDD, any separator or none), or
# YYMMDD with '-' / '+' before the last four digits. These go before phones,
# so 050101-1234 is a personnummer, not the number 050-101 12 34.
_PNR_STRICT_RE = re.compile(
    rf"(?<!\d)(?:(?:18|19|20)[0-9]{{2}}{_MMDD}(?:{_SEP}|{_SP})?|[0-9]{{2}}{_MMDD}{_SEP})"
    r"[0-9]{4}(?!\d)"
)
# The date written as a date, then the last four: "1981-12-18-9876", "81-12-18-9876", "1981.12.18-9876".
# The date's two separators are the same; the four digits are not the start of another date or number
# ("2026-11-21-2026-11-28" is a range of dates).
_DAY = r"(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])"
_PNR_DATED_RE = re.compile(
    rf"(?<![\d.])(?:(?:18|19|20)[0-9]{{2}}|[0-9]{{2}})(?P<sep>{_DASH}|[./])(?:0[1-9]|1[0-2])(?P=sep){_DAY}"
    rf"(?:{_DASH}|\+)[0-9]{{4}}(?!\d)(?!(?:{_DASH}|[./])\d)"
)
# YYMMDDNNNN and YYMMDD NNNN: ten bare digits. These go after phones, so
# 0701234567 is a phone number even though 07-01-23 is a plausible date.
_PNR_LOOSE_RE = re.compile(rf"(?<!\d)[0-9]{{2}}{_MMDD}{_SP}?[0-9]{{4}}(?!\d)")

# --- phone numbers ------------------------------------------------------------
_PHONE_MIN_DIGITS = 7  # counting the leading 0 of the national form
_PHONE_MAX_DIGITS = 10  # longest Swedish national number (0 + 9)
# A candidate: a national '0' (optionally '(0') or an international +46 / 0046
# prefix, an area code, then digit groups. Groups after the area code are at
# least two digits, and separated all by spaces, all by dashes or all by dots, so
# "kl 09-12 10-15 ungdomar" is not one long number. A candidate may be longer
# than a phone number; _phone_end picks how much of it is the number.
_PHONE_RE = re.compile(
    rf"""
    (?<!\d)                            # not inside a longer number
    (?<!\d[-/.:,\u2013])               # nor a date (2026-01-05), time (12:05) or list
    (?P<prefix>
        (?:\+|00)46{_SP}?(?:{_DASH}{_SP}?)?(?:\(0\){_SP}?|0)?
      | \(?0
    )
    (?P<body>
        [1-9][0-9]{{0,2}}\)?           # area code (or the start of a bare digit run)
        (?:
            (?:{_SP}?{_DASH}{_SP}?|{_SP}|/{_SP}?|\.)?   # after the area code: a dash, a space, the older '/', a dot
            [0-9]{{2,}}
            (?:(?:{_SP}[0-9]{{2,}})+|(?:{_DASH}[0-9]{{2,}})+|(?:\.[0-9]{{2,}})+)?
        )?
    )
    """,
    re.VERBOSE,
)
_DIGIT_RUN_RE = re.compile(r"\d+")
_OTHER_DIGIT_RE = re.compile(r"(?![0-9])\d")  # a decimal digit (Unicode category Nd) of another script
# Shapes that start with 0 and have enough digits, but are times or dates.
_HHMM = r"(?:[01][0-9]|2[0-3])[0-5][0-9]"
_NOT_A_PHONE_RE = re.compile(
    rf"{_HHMM}{_SP}?{_DASH}{_SP}?{_HHMM}"  # 0800-1200
    rf"|0[1-9][-/.](?:0[1-9]|1[0-2])[-/.](?:19|20)[0-9]{{2}}"  # 05-01-2026
    rf"|0[1-9]/(?:0[1-9]|1[0-2]){_SP}(?:19|20)[0-9]{{2}}"  # 07/12 2026
)

_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in _PLACEHOLDERS))

# --- clean_text -----------------------------------------------------------------
_NEWLINES_RE = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Bidi embedding/override (U+202A-U+202E) and isolate (U+2066-U+2069) controls,
# plus invisible format characters that would let a number slip past the
# patterns (soft hyphen, zero-width space, word joiner, BOM).
_INVISIBLE_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u00ad\u200b\u2060\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # category Cc except '\n'
_MANY_NEWLINES_RE = re.compile(r"\n(?:[^\S\n]*\n){2,}")
_ELLIPSIS = "…"


def _phone_end(match: re.Match[str]) -> int | None:
    """Where the phone number in a candidate ends, or None if it is not one.

    Takes the longest run of whole digit groups with 7-10 digits (national
    form), so a count after a number stays: "070-123 45 67 10 personer". A
    candidate with no such run but more digits is masked as far as the
    first group that crosses the limit: an over-long number is masked too.
    """
    body_start = match.start("body")
    runs = list(_DIGIT_RUN_RE.finditer(match.string, body_start, match.end()))
    counts: list[int] = []
    total = 1  # the national 0, implied by +46 / 0046
    for run in runs:
        total += len(run.group())
        counts.append(total)

    def usable(k: int) -> bool:
        span = match.string[match.start() : runs[k].end()]
        return _NOT_A_PHONE_RE.fullmatch(span) is None

    for k in range(len(runs) - 1, -1, -1):
        if _PHONE_MIN_DIGITS <= counts[k] <= _PHONE_MAX_DIGITS and usable(k):
            return runs[k].end()
    for k, count in enumerate(counts):
        if count > _PHONE_MAX_DIGITS:
            return runs[k].end() if usable(k) else None
    return None


def _mask_phones(text: str) -> str:
    parts: list[str] = []
    copied = 0
    pos = 0
    while (match := _PHONE_RE.search(text, pos)) is not None:
        end = _phone_end(match)
        if end is None:
            pos = match.start() + 1
            continue
        parts.append(text[copied : match.start()])
        parts.append(PHONE_PLACEHOLDER)
        copied = pos = end
    parts.append(text[copied:])
    return "".join(parts)


#: Fewer digits 0-9 than this in a text and no digit rule can match: a phone number has at least 7 (the national
#: 0 and six more, or 46 and six more), a personnummer 10. One less than the least, to be safe.
_FEWEST_DIGITS = _PHONE_MIN_DIGITS - 1
_DROP_DIGITS = str.maketrans("", "", "0123456789")


def _mask_once(text: str) -> str:
    if "@" in text:
        text = _EMAIL_RE.sub(EMAIL_PLACEHOLDER, text)
    if _OBFUSCATION_HINT_RE.search(text):
        text = _OBFUSCATED_EMAIL_RE.sub(EMAIL_PLACEHOLDER, text)
    # Counted in C (every reply's text and button labels come through here: "Fråga 3 av 12", "0", "1" …)
    if len(text) - len(text.translate(_DROP_DIGITS)) < _FEWEST_DIGITS:
        return text
    text = _PNR_DATED_RE.sub(PERSONNUMMER_PLACEHOLDER, text)
    text = _PNR_STRICT_RE.sub(PERSONNUMMER_PLACEHOLDER, text)
    text = _mask_phones(text)
    return _PNR_LOOSE_RE.sub(PERSONNUMMER_PLACEHOLDER, text)


def _ascii_digits(text: str) -> str:
    # A regular expression rather than a walk over the characters: every reply's text and labels come through
    # here, and Swedish text ("Fråga", "öppen") is never ASCII.
    if text.isascii() or _OTHER_DIGIT_RE.search(text) is None:
        return text
    return _OTHER_DIGIT_RE.sub(lambda m: str(unicodedata.decimal(m.group())), text)


#: Short texts seen to hold nothing to mask (a button's label, a heading: every message masks the same ones
#: again), remembered so that the next time costs a lookup. Only texts with nothing to mask are kept, so the
#: cache never holds a personnummer, phone number or address after masking has replaced it; it is bounded in
#: entries and in each entry's length (a long text, a log line with a traceback, is masked anew each time), and
#: emptied when full (a clear is one step, safe for the threads that share it).
_CLEAN: dict[str, None] = {}
_CLEAN_MAX_ENTRIES = 4096
_CLEAN_MAX_LENGTH = 200


def mask_personal_data(text: str) -> str:
    """Replace personnummer/samordningsnummer, phone numbers and e-mail addresses.

    >>> mask_personal_data("Ring 070-123 45 67 eller maila a.b@exempel.se")
    'Ring [telefon] eller maila [e-post]'

    Digits from other scripts (full-width ０-９, Arabic-Indic, …) are written as 0-9 first, so a number
    typed with them is found like any other.

    Idempotent: the placeholders contain no digits and no '@'. A pass can put
    a placeholder where a digit stood next to another number (as in
    "0701234567-0701234567"), which may make that number maskable, so the
    passes run until nothing changes; each one removes digits or '@'s, so
    this ends.
    """
    if text in _CLEAN:
        return text
    masked = _mask(text)
    if masked == text and len(text) <= _CLEAN_MAX_LENGTH:
        if len(_CLEAN) >= _CLEAN_MAX_ENTRIES:
            _CLEAN.clear()
        _CLEAN[text] = None
    return masked


def _mask(text: str) -> str:
    text = _ascii_digits(text)
    while True:
        masked = _mask_once(text)
        if masked == text:
            return masked
        text = masked


def has_personal_data(text: str) -> bool:
    """Whether masking would change `text`: it holds something that looks like a personnummer, a phone number
    or an e-mail address. For names that are refused rather than masked (an area, a person, an organisation)."""
    return mask_personal_data(text) != _ascii_digits(text)


def map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    """`value` (JSON-like: dicts, lists, tuples, strings, numbers) with `fn` applied to every string; keys kept."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [map_strings(v, fn) for v in value]
    if isinstance(value, tuple):
        return tuple(map_strings(v, fn) for v in value)
    return value


def mask_data(value: Any) -> Any:
    """`value` with every string masked: for what is stored or sent as a whole (an outgoing message's data, an
    audit entry's detail), so that a word a person typed cannot reach storage inside it."""
    return map_strings(value, mask_personal_data)


def _cut_position(text: str, limit: int) -> int:
    """A position <= limit to cut text at without splitting a token.

    Never inside a digit run (a cut-off personnummer would escape masking, and
    a shortened digit run could become maskable and grow), a placeholder, or
    a base character and its combining marks / joiners.
    """
    cut = limit
    while True:
        before = cut
        for placeholder in _PLACEHOLDER_RE.finditer(text, max(0, cut - 20), cut + 20):
            if placeholder.start() < cut < placeholder.end():
                cut = placeholder.start()
        while 0 < cut < len(text) and text[cut - 1].isdecimal() and text[cut].isdecimal():
            cut -= 1
        while 0 < cut < len(text) and (_continues_cluster(text[cut]) or text[cut - 1] == "\u200d"):
            cut -= 1
        if cut == before:
            return cut


def _continues_cluster(ch: str) -> bool:
    """A mark, joiner or variation selector: belongs to the character before it."""
    return unicodedata.category(ch).startswith("M") or ch in "\u200c\u200d" or "\ufe00" <= ch <= "\ufe0f"


def clean_text(text: str, max_len: int = 1000) -> str:
    """Normalise free text from a chat message, then mask personal data.

    NFC; line breaks unified to '\\n'; tabs to spaces; other control characters,
    bidi embedding/override/isolate controls and invisible format characters
    removed; more than two consecutive newlines (blank lines may hold spaces)
    collapsed to two; stripped; masked; and, if longer than ``max_len``
    characters, cut and ended with "…" (so at most ``max_len + 1``).

    Masking comes before the cut: masking after it could leave the tail of a
    cut personnummer unmasked, and placeholders can be longer than what they
    replace, which would break the length limit.
    """
    if max_len < 0:
        raise ValueError("max_len must not be negative")
    text = _NEWLINES_RE.sub("\n", text)
    text = text.replace("\t", " ")
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub("", text)
    # After removing characters, so that a mark separated from its base by a
    # removed control character is composed as well.
    text = unicodedata.normalize("NFC", text)
    text = _MANY_NEWLINES_RE.sub("\n\n", text)
    text = mask_personal_data(text.strip())
    if len(text) <= max_len:
        return text
    return text[: _cut_position(text, max_len)].rstrip() + _ELLIPSIS
