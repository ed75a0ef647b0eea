"""The fonts fpdf2 reads once per process (bot.reports.pdf): a document made after others is the same file,
byte for byte, as one made with the fonts read anew, and each holds only its own text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.reports import pdf, pdf_fonts


def write(path: Path, text: str) -> bytes:
    doc = pdf.Document("sv", "Veckorapport")
    doc.h1("Veckorapport – vecka 47")
    doc.para(text)
    doc.para("Fet text", style="B")
    doc.para("Kursiv text", style="I")
    return doc.save(path).read_bytes()


def test_a_document_with_the_fonts_read_before_is_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    # this fpdf2's font has the attributes the copy was checked against; a new version fails here: check the copy
    # (this test) and bring pdf._TTFFONT_SLOTS up to date
    assert pdf.REUSE_PARSED_FONTS
    parsed: dict[object, object] = {}
    monkeypatch.setattr(pdf, "_PARSED_FONTS", parsed)
    first = write(tmp_path / "a.pdf", "Ungdomar samlas vid bänkarna på Stortorget.")
    reused = write(tmp_path / "b.pdf", "Glaskross och skräp efter helgen – Färjeterminalen.")
    assert len(parsed) == 3  # the second document took the fonts read for the first
    monkeypatch.setattr(pdf, "_PARSED_FONTS", {})
    anew = write(tmp_path / "c.pdf", "Glaskross och skräp efter helgen – Färjeterminalen.")
    assert reused == anew and reused != first
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "b.pdf").pages)
    assert "Färjeterminalen" in text and "Stortorget" not in text and "Kursiv text" in text


def test_an_fpdf2_the_copy_was_not_checked_against_reads_the_fonts_for_each_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    monkeypatch.setattr(pdf, "_PARSED_FONTS", {})
    anew = write(tmp_path / "a.pdf", "Glaskross och skräp efter helgen – Färjeterminalen.")
    monkeypatch.setattr(pdf, "REUSE_PARSED_FONTS", False)
    parsed: dict[object, object] = {}
    monkeypatch.setattr(pdf, "_PARSED_FONTS", parsed)
    first = write(tmp_path / "b.pdf", "Ungdomar samlas vid bänkarna på Stortorget.")
    second = write(tmp_path / "c.pdf", "Glaskross och skräp efter helgen – Färjeterminalen.")
    assert parsed == {}  # nothing kept: every document read its fonts as fpdf2 does
    assert second == anew and first != second


# --------------------------------------------------------------------------- the reduced fonts (pdf_fonts)


def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """No reduced font in this process's memory, as in a process just started."""
    monkeypatch.setattr(pdf_fonts, "_reduced", {})
    monkeypatch.setattr(pdf_fonts, "_by_source", {})


def test_a_document_embedded_from_the_reduced_fonts_is_the_same_file_as_from_the_whole_fonts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    monkeypatch.setenv("EST_FONT_CACHE", str(tmp_path / "fonts"))
    fresh_process(monkeypatch)
    text = "Glaskross – 3 → 4 ≥ 2 “citat” … € • · − ✓ Åäö é ü ß ł œ Ž"
    doc = pdf.Document("sv", "Veckorapport")
    doc.para(text)
    doc.para("Fet text", style="B")
    doc.para("Kursiv text", style="I")
    reduced = doc.save(tmp_path / "reduced.pdf").read_bytes()
    assert sorted(doc.reduced_fonts) == ["dejavu", "dejavuB", "dejavuI"]
    assert len(list((tmp_path / "fonts").glob("DejaVuSans*.ttf"))) == 3  # kept for the next process
    # the same document with every font embedded from the whole file, as before the reduction
    monkeypatch.setattr(pdf, "reduced", lambda name, full: pdf_fonts.ReducedFont(b"", frozenset()))
    doc = pdf.Document("sv", "Veckorapport")
    doc.para(text)
    doc.para("Fet text", style="B")
    doc.para("Kursiv text", style="I")
    whole = doc.save(tmp_path / "whole.pdf").read_bytes()
    assert doc.reduced_fonts == [] and whole == reduced


def test_a_glyph_outside_the_reduced_font_is_embedded_from_the_whole_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EST_FONT_CACHE", str(tmp_path / "fonts"))
    doc = pdf.Document("sv", "Veckorapport")
    doc.para("Plats: Привет-торг, ψ")  # Cyrillic and Greek: DejaVu has them, the reduced font does not
    doc.para("Fet text", style="B")
    path = doc.save(tmp_path / "a.pdf")
    assert doc.reduced_fonts == ["dejavuB"]
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Привет-торг, ψ" in text and "Fet text" in text


def test_the_reduced_fonts_are_read_from_disk_and_made_in_memory_where_the_folder_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    monkeypatch.setenv("EST_FONT_CACHE", str(tmp_path / "fonts"))
    fresh_process(monkeypatch)
    first = write(tmp_path / "a.pdf", "Ungdomar samlas vid bänkarna på Stortorget.")

    def not_again(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("reduced again although it is on disk")

    fresh_process(monkeypatch)  # a new process: the files on disk, nothing in memory
    monkeypatch.setattr(pdf_fonts, "_reduce", not_again)
    assert write(tmp_path / "b.pdf", "Ungdomar samlas vid bänkarna på Stortorget.") == first
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("EST_FONT_CACHE", str(blocked / "fonts"))  # under a file: cannot be made
    fresh_process(monkeypatch)
    assert write(tmp_path / "c.pdf", "Ungdomar samlas vid bänkarna på Stortorget.") == first


def test_the_bots_own_symbols_and_icons_are_in_the_reduced_fonts() -> None:
    """Every character the bot's texts and reports print beyond Latin is in the reduced text font or the reduced
    emoji font, so that its documents take the short way (a character outside them costs time, not the glyph)."""
    root = Path(pdf_fonts.__file__).parents[1]
    files = [*(root / "text").glob("*.py"), *(root / "reports").glob("*.py"), root / "domain" / "factors.py"]
    kept = set(pdf_fonts.SYMBOLS) | set(pdf_fonts.EMOJI) | {"\ufe0f", "\u200d"}  # the last two are left out
    missing = {
        ch
        for file in files
        for ch in file.read_text(encoding="utf-8")
        if ord(ch) > 0x7F and ch not in kept and not any(lo <= ord(ch) <= hi for lo, hi in pdf_fonts.RANGES)
    }
    assert missing == set()


def test_an_emoji_outside_the_reduced_emoji_font_loads_the_whole_one(tmp_path: Path) -> None:
    if pdf.emoji_font() is None:
        pytest.skip("no colour emoji font on this machine (test_print covers printing them)")
    doc = pdf.Document("sv", "T")
    doc.para("📍 Stortorget")
    assert doc.emoji_fonts == ("Emoji",)  # the icons the bot prints: the reduced font only
    doc.para("Ny 🦄 vid kiosken")
    assert doc.emoji_fonts == ("Emoji", "Emoji1")
    text = "\n".join(p.extract_text() for p in PdfReader(doc.save(tmp_path / "e.pdf")).pages)
    assert "📍 Stortorget" in text and "🦄" in text
