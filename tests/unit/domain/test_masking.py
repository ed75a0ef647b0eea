"""Masking of personal data in free text, and clean_text (bot.domain.masking)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.masking import (
    EMAIL_PLACEHOLDER,
    PERSONNUMMER_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    clean_text,
    has_personal_data,
    mask_data,
    mask_personal_data,
)

PNR = PERSONNUMMER_PLACEHOLDER
TEL = PHONE_PLACEHOLDER
MAIL = EMAIL_PLACEHOLDER

BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
DIGIT = re.compile(r"\d")

# --- examples ------------------------------------------------------------------

MASKED: list[tuple[str, str]] = [
    # personnummer / samordningsnummer
    ("Han heter inget, men pnr 19850101-1234 stod på lappen.", f"Han heter inget, men pnr {PNR} stod på lappen."),
    ("Personnummer 850101-1234 skrevs på väggen.", f"Personnummer {PNR} skrevs på väggen."),
    ("Äldre person, 250101+1234, ramlade.", f"Äldre person, {PNR}, ramlade."),
    ("Id 198501011234 hittades i plånboken.", f"Id {PNR} hittades i plånboken."),
    ("Id 8501011234 hittades i plånboken.", f"Id {PNR} hittades i plånboken."),
    ("Id 850101 1234 hittades.", f"Id {PNR} hittades."),
    ("Id 19850101 1234 hittades.", f"Id {PNR} hittades."),
    ("Samordningsnummer 850161-1234 i anmälan.", f"Samordningsnummer {PNR} i anmälan."),
    ("Samordningsnummer 19850191-1234 i anmälan.", f"Samordningsnummer {PNR} i anmälan."),
    ("Född 2007: 070101-1234.", f"Född 2007: {PNR}."),
    ("Id 850101–1234 (tankstreck).", f"Id {PNR} (tankstreck)."),
    ("Id 850101 - 1234 med mellanslag.", f"Id {PNR} med mellanslag."),
    ("Id 850101—1234 (långt tankstreck).", f"Id {PNR} (långt tankstreck)."),
    ("Id 19850101- 1234 med mellanslag.", f"Id {PNR} med mellanslag."),
    ("Äldre person, 250101 +1234, ramlade.", f"Äldre person, {PNR}, ramlade."),
    ("Pnr 1981-12-18-9876 på lappen.", f"Pnr {PNR} på lappen."),  # written as a date with dashes
    ("Pnr 81-12-18-9876 på lappen.", f"Pnr {PNR} på lappen."),
    ("Pnr 1981.12.18-9876 på lappen.", f"Pnr {PNR} på lappen."),
    ("Äldre person 1921-12-18+9876 ramlade.", f"Äldre person {PNR} ramlade."),
    ("Samordningsnummer 1985-01-61-1234.", f"Samordningsnummer {PNR}."),
    # phone numbers
    ("Ring 070-123 45 67 om det händer igen.", f"Ring {TEL} om det händer igen."),
    ("Mobil 073-1234567 till vakten.", f"Mobil {TEL} till vakten."),
    ("Nummer: 0701234567.", f"Nummer: {TEL}."),
    ("Ring +46 70 123 45 67 efter kl 22.", f"Ring {TEL} efter kl 22."),
    ("Ring 0046701234567 efter kl 22.", f"Ring {TEL} efter kl 22."),
    ("Ring +46701234567!", f"Ring {TEL}!"),
    ("Ring +46 (0)70-123 45 67.", f"Ring {TEL}."),
    ("Fastighetsvärden 08-123 456 78 vet.", f"Fastighetsvärden {TEL} vet."),
    ("Fastighetsvärden 040-12 34 56 vet.", f"Fastighetsvärden {TEL} vet."),
    ("Skolan 031 123 45 67 vet.", f"Skolan {TEL} vet."),
    ("Skolan (08) 123 45 67 vet.", f"Skolan {TEL} vet."),
    ("Ring 070-123-45-67.", f"Ring {TEL}."),
    ("Ring 070/123 45 67 eller 08/123 456 78.", f"Ring {TEL} eller {TEL}."),
    ("Ring 070\u00a0123\u00a045\u00a067.", f"Ring {TEL}."),
    ("Ring 070-123 45 67, 10 personer såg det.", f"Ring {TEL}, 10 personer såg det."),
    ("Ring 070 123 45 67 eller 08 123 45 67.", f"Ring {TEL} eller {TEL}."),
    ("Ring 070.123.45.67 i kväll.", f"Ring {TEL} i kväll."),  # with dots
    ("Växeln 08.123.456.78 svarar.", f"Växeln {TEL} svarar."),
    ("Vakten 0701.23.45.67 vet.", f"Vakten {TEL} vet."),
    ("Skolan 040.12.34.56 vet.", f"Skolan {TEL} vet."),
    # e-mail
    ("Maila anna.svensson@trelleborg.se om klottret.", f"Maila {MAIL} om klottret."),
    ("Kontakt: kalle_k+est@exempel.co.uk.", f"Kontakt: {MAIL}."),
    ("Adress åsa@för.se i lappen.", f"Adress {MAIL} i lappen."),
    # e-mail written so a machine would not see it
    ("Maila anna(at)exempel.se om klottret.", f"Maila {MAIL} om klottret."),
    ("Maila anna [at] exempel [dot] se om klottret.", f"Maila {MAIL} om klottret."),
    ("Maila anna (at) exempel (dot) se.", f"Maila {MAIL}."),
    ("Maila Anna.S[AT]kommun.trelleborg.se.", f"Maila {MAIL}."),
    ("Maila anna{at}exempel{dot}se idag.", f"Maila {MAIL} idag."),
    ("Maila anna (snabel-a) exempel (punkt) se idag.", f"Maila {MAIL} idag."),
    ("Mail: anna at exempel dot se, tack.", f"Mail: {MAIL}, tack."),
    # several kinds in one note
    (
        "Vittne 850101-1234, tel 070-1234567, e-post a.b@c.se, kl 22:30 vid Storgatan 12.",
        f"Vittne {PNR}, tel {TEL}, e-post {MAIL}, kl 22:30 vid Storgatan 12.",
    ),
]

UNCHANGED: list[str] = [
    "Det började 2026 och har blivit värre.",
    "Bråk vid busshållplatsen kl 22:30 i fredags.",
    "Ungdomar samlas kl 21-23 vid skolan.",
    "Klotter upptäckt 2026-11-21 på tunneln.",
    "Klotter upptäckt 21/11 på tunneln.",
    "Samma sak v.47 som v. 46.",
    "Se rapporten för 2026-W47.",
    "Trappuppgången på Storgatan 12 är nedklottrad.",
    "3 personer stod vid entrén.",
    "10-15 ungdomar på mopeder vid torget.",
    "Inbrott i förråd, 231 42 Trelleborg.",
    "Ärende 9913451234 hos polisen.",  # month 13: not a date, not a phone
    "Ärende 8501321234 hos polisen.",  # day 32
    "Ärende 850192-1234 hos polisen.",  # day 92
    "Ärende 850160-1234 hos polisen.",  # day 60
    "Föreningen 556677-8899 äger lokalen.",  # organisationsnummer
    "Ring 112 om det är akut, annars 114 14.",
    "Vakten går kl 0800-1200.",
    "Möte den 05-01-2026 på biblioteket.",
    "Möte den 07/12 2026 på biblioteket.",
    "Bråk kl 09-12, 10-15 ungdomar.",
    "Kl 07:30 den 2026-01-05 var det lugnt.",
    "Följ @polisen_trelleborg för info.",
    "0-3 personer per kväll, 0,5 promille.",
    "Ringde 1177 och sedan 113 13.",
    # dates, times, weeks, money and statistics written with dots, and words that come near an address
    "Klotter upptäckt 2026.01.05 på tunneln.",
    "Möte den 05.01.2026 på biblioteket.",
    "Vakten går kl 08.00-12.00, sedan kl 21.30.",
    "Mellan kl 08.15 och 09.30 var det lugnt.",
    "Skadan kostade 12.500 kr; budgeten är 1.234.567 kr.",
    "Anmälningarna ökade 12.3 % till 0.5 per 1.000 invånare.",
    "Samma sak v.47-48 som v. 46, se 2026-W47.",
    "Klotter upptäckt 1981-12-18 enligt arkivet.",
    "Affischerna hängde 2026-11-21-2026-11-28.",
    "Vi möttes at the library.",
    "Möte (at) biblioteket. Sen hem.",
    "Läs mer på trelleborg.se/trygghet.",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masks(text: str, expected: str) -> None:
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_alone(text: str) -> None:
    assert mask_personal_data(text) == text


def test_mask_empty() -> None:
    assert mask_personal_data("") == ""


def test_mask_data_masks_every_string_and_keeps_keys_and_numbers() -> None:
    data = {"name": "Ring 070-123 45 67", "070-1234567": [1, ("a@b.se", None), {"week": "2026-W47"}], "n": 3.5}
    assert mask_data(data) == {
        "name": f"Ring {TEL}",
        "070-1234567": [1, (MAIL, None), {"week": "2026-W47"}],
        "n": 3.5,
    }


def test_has_personal_data() -> None:
    assert (
        has_personal_data("Centrum 850101-1234")
        and has_personal_data("x@y.se")
        and has_personal_data("０７０１２３４５６７")
    )
    assert not has_personal_data("Centrum och hamnen 2026") and not has_personal_data("Storgatan 12")
    assert not has_personal_data("Ärende ١٢")  # other scripts' digits alone are not personal data


def test_clean_text_normalises() -> None:
    raw = "  \u202eHej\tdu\r\n\r\n\r\n\r\nrad\x00två\x07\u2066 \u2069\n  \n\n\nslut  "
    assert clean_text(raw) == "Hej du\n\nradtvå \n\nslut"


def test_clean_text_nfc() -> None:
    assert clean_text("Ga\u0308rdet") == "Gärdet"
    # a mark separated from its base by a control character is still composed
    assert clean_text("Ga\x00\u0308rdet") == "Gärdet"


def test_clean_text_keeps_two_newlines() -> None:
    assert clean_text("a\n\nb\nc") == "a\n\nb\nc"


def test_clean_text_masks() -> None:
    assert clean_text("Ring\t070-123\u200b45 67\n") == f"Ring {TEL}"


def test_clean_text_truncates() -> None:
    assert clean_text("abcdefghij", max_len=10) == "abcdefghij"
    assert clean_text("abcdefghijk", max_len=10) == "abcdefghij…"
    assert clean_text("abcde     fghijk", max_len=10) == "abcde…"
    assert clean_text("abc", max_len=0) == "…"


def test_clean_text_does_not_cut_a_number_in_half() -> None:
    # masked before the cut, and the cut never leaves part of a placeholder
    assert clean_text("Pnr 850101-1234 sågs", max_len=8) == "Pnr…"
    assert clean_text("Pnr 850101-1234 sågs", max_len=18) == f"Pnr {PNR}…"
    # nor splits a run of digits (the prefix could be maskable and grow)
    assert clean_text("Ärende 8501011234567", max_len=17) == "Ärende…"


def test_clean_text_rejects_negative_max_len() -> None:
    with pytest.raises(ValueError):
        clean_text("x", max_len=-1)


# --- properties ----------------------------------------------------------------

surrounding = st.text(alphabet=st.one_of(st.characters(categories=["L"]), st.just(" ")), max_size=15)


@st.composite
def personnummer(draw: st.DrawFn) -> str:
    year = draw(st.integers(1890, 2026))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 31)) + draw(st.sampled_from([0, 60]))
    birth = draw(st.integers(0, 9999))
    date = f"{month:02d}{day:02d}"
    full, short = f"{year:04d}{date}", f"{year % 100:02d}{date}"
    layout = draw(
        st.sampled_from(
            [
                "{full}-{n}",
                "{full}{n}",
                "{full} {n}",
                "{short}-{n}",
                "{short}+{n}",
                "{short}{n}",
                "{short} {n}",
                "{year}-{month}-{day}-{n}",
                "{year}.{month}.{day}-{n}",
            ]
        )
    )
    return layout.format(
        full=full, short=short, year=f"{year:04d}", month=f"{month:02d}", day=f"{day:02d}", n=f"{birth:04d}"
    )


def _group(digits: str, sep: str) -> str:
    """Swedish grouping: pairs from the right, a leading group of 2-3 digits."""
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-2:])
        digits = digits[:-2]
    groups.insert(0, digits)
    return sep.join(groups)


AREA_CODES = ["8", "11", "13", "18", "31", "40", "42", "46", "54", "90", "143", "410", "498", "910", "980"]


@st.composite
def phone_number(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        area = draw(st.sampled_from(["70", "72", "73", "76", "79"]))
        length = 7
    else:
        area = draw(st.sampled_from(AREA_CODES))
        # 8-10 digits with the leading 0; subscriber numbers have 5-8 digits
        length = draw(st.integers(max(5, 7 - len(area)), min(8, 9 - len(area))))
    first = draw(st.sampled_from("123456789"))
    rest = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    sub = first + rest
    layout = draw(
        st.sampled_from(
            [
                "0{a}-{spaced}",
                "0{a} {spaced}",
                "0{a}{sub}",
                "0{a}-{sub}",
                "0{a}-{dashed}",
                "0{a}.{dotted}",
                "+46 {a} {spaced}",
                "+46{a}{sub}",
                "0046{a}{sub}",
                "0046 {a} {spaced}",
                "+46 (0){a}-{spaced}",
                "+46-{a}-{sub}",
            ]
        )
    )
    return layout.format(a=area, sub=sub, spaced=_group(sub, " "), dashed=_group(sub, "-"), dotted=_group(sub, "."))


_local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._+-", min_size=1, max_size=12)
_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=10)
_tld = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=6)


@st.composite
def email_address(draw: st.DrawFn) -> str:
    labels = draw(st.lists(_label, min_size=1, max_size=3))
    return f"{draw(_local)}@{'.'.join([*labels, draw(_tld)])}"


@settings(max_examples=200)
@given(before=surrounding, value=st.one_of(personnummer(), phone_number()), after=surrounding)
def test_numbers_never_survive(before: str, value: str, after: str) -> None:
    masked = mask_personal_data(before + value + after)
    assert not DIGIT.search(masked)
    assert PNR in masked or TEL in masked
    assert not DIGIT.search(clean_text(before + value + after))


@settings(max_examples=200)
@given(before=surrounding, value=email_address(), after=surrounding)
def test_email_never_survives(before: str, value: str, after: str) -> None:
    masked = mask_personal_data(before + value + after)
    assert value not in masked
    assert "@" not in masked
    assert not DIGIT.search(masked)
    assert MAIL in masked


@settings(max_examples=200)
@given(
    before=surrounding,
    value=email_address(),
    at=st.sampled_from(["(at)", " [at] ", " (AT) ", "{at}", " <at> ", " (snabel-a) "]),
    dot=st.sampled_from([".", " [dot] ", " (dot) ", " (punkt) ", " dot "]),
    after=surrounding,
)
def test_obfuscated_email_never_survives(before: str, value: str, at: str, dot: str, after: str) -> None:
    words = re.compile(r"\b(?:at|dot|punkt|snabel)\b", re.IGNORECASE)
    assume(not words.search(before) and not words.search(after))  # an address may go on into them
    local, _, domain = value.partition("@")
    written = local + at + domain.replace(".", dot)
    assert mask_personal_data(f"{before} {written} {after}") == f"{before} {MAIL} {after}"


def test_generators_cover_the_listed_formats() -> None:
    assert _group("1234567", " ") == "123 45 67"
    assert _group("123456", " ") == "12 34 56"
    assert _group("12345", "-") == "123-45"


# Text that looks a lot like personal data: digits, separators, '@', and the
# generated values themselves, in any order.
_noisy_piece = st.one_of(
    st.text(alphabet="0123456789 -+@.()/:_ae\n", max_size=12),
    personnummer(),
    phone_number(),
    email_address(),
    st.sampled_from([PNR, TEL, MAIL, "kl ", "v.", "2026-", "+46", "0046", "(0)"]),
)
noisy_text = st.one_of(st.lists(_noisy_piece, max_size=8).map("".join), st.text(max_size=40))


@settings(max_examples=200)
@given(noisy_text)
def test_masking_is_idempotent(text: str) -> None:
    once = mask_personal_data(text)
    assert mask_personal_data(once) == once


@settings(max_examples=200)
@given(text=st.one_of(noisy_text, st.text(max_size=80)), max_len=st.integers(0, 60))
def test_clean_text_output_is_clean(text: str, max_len: int) -> None:
    cleaned = clean_text(text, max_len)
    assert len(cleaned) <= max_len + 1
    assert all(ch == "\n" or unicodedata.category(ch) != "Cc" for ch in cleaned)
    assert not BIDI_CONTROLS.intersection(cleaned)
    assert "\n\n\n" not in cleaned
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFC", cleaned)
    # the cut neither leaves something unmasked nor can masking grow it again
    assert mask_personal_data(cleaned) == cleaned


@settings(max_examples=200)
@given(st.one_of(noisy_text, st.text(max_size=80)))
def test_clean_text_is_idempotent_without_truncation(text: str) -> None:
    once = clean_text(text, max_len=10_000)
    assert clean_text(once, max_len=10_000) == once


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(exclude_categories=["Nd"], exclude_characters="@"), max_size=80))
def test_text_without_digits_or_at_is_unchanged(text: str) -> None:
    # An address written with "(at)" or "at … dot" has no '@'; text without such a word is left alone.
    assume(not re.search(r"\bat\b|snabel", text, re.IGNORECASE))
    assert mask_personal_data(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ring ０７０-１２３ ４５ ６７ nu", "Ring [telefon] nu"),  # full-width digits (a phone keyboard's CJK mode)
        ("pnr ١٩٨٥٠١٠١-١٢٣٤ i anteckningen", "pnr [personnummer] i anteckningen"),  # Arabic-Indic digits
        ("nummer ۰۷۰۱۲۳۴۵۶۷", "nummer [telefon]"),  # Persian digits
        ("٣ personer vid torget", "3 personer vid torget"),  # a count stays a count
        ("Fråga ０７０-１２３ ４５ ６７ på torget", "Fråga [telefon] på torget"),  # Swedish text is not ASCII either
        ("Ring +46 70 123 45 67 på lördag", "Ring [telefon] på lördag"),
        ("Fråga 3 av 12, kl 08–12", "Fråga 3 av 12, kl 08–12"),  # too few digits for any number: left as it is
    ],
)
def test_numbers_in_other_scripts_are_masked_too(text: str, expected: str) -> None:
    assert mask_personal_data(text) == expected


def test_the_cache_of_clean_texts_never_holds_personal_data_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.domain import masking

    clean: dict[str, None] = {}
    monkeypatch.setattr(masking, "_CLEAN", clean)
    monkeypatch.setattr(masking, "_CLEAN_MAX_ENTRIES", 3)
    personal = "Ring 070-123 45 67 eller maila a.b@exempel.se"
    for _ in range(2):  # the second time from the cache, where there is one: the same answer
        assert mask_personal_data(personal) == "Ring [telefon] eller maila [e-post]"
        assert mask_personal_data("Rösta") == "Rösta"
    assert list(clean) == ["Rösta"]  # the text that held a number and an address is not kept
    long_text = "Lugnt vid stationen. " * 20
    assert mask_personal_data(long_text) == long_text and long_text not in clean
    for label in ("Ja", "Nej", "Kanske", "Vet ej"):
        assert mask_personal_data(label) == label
    assert len(clean) <= 3  # emptied when full, never larger
    assert "Vet ej" in clean
