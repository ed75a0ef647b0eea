"""`forget NAME` removes every copy of what the person wrote: the files made for their `mydata`, their notes in
messages queued or sent to others (review lists, pictures, reports), places only they named; a second `forget`
stores nothing about them. `mydata` includes the messages stored for the person."""

from __future__ import annotations

import json
from pathlib import Path

from bot.conversation.messages import Inbound
from tests.conftest import Bot
from tests.integration.commands.test_commands import texts
from tests.integration.usecases.test_places_review import answer_at, everything
from tests.integration.usecases.test_privacy import rows

NOTE = "Ungdomar_samlas *kvällstid* & <natt> vid porten"


def anna_reports(
    bot: Bot, place: str = "Porten på Annas gata", note: str = NOTE, more: str | None = "Mer: grannen i trappan bråkar"
) -> None:
    """Anna reports graffiti at a place she types, by default with a note full of characters Markdown and HTML
    escape, and something more."""
    bot.tick()
    bot.cmd("anna", "rapport")
    bot.press("anna", ":g:start")
    bot.press("anna", ":0")
    bot.press("anna", ":0")
    bot.press("anna", ":2")
    bot.text("anna", place)
    bot.text("anna", note)
    while bot.last_question("anna").data.get("step") == "level":
        bot.press("anna", ":0")
    if more is None:
        bot.press("anna", ":m:skip")
    else:
        bot.text("anna", more)
    bot.press("anna", ":s:send")


def outbox_texts(bot: Bot) -> str:
    return "\n".join(str(r[0]) for r in rows(bot, "SELECT payload FROM outbox ORDER BY id"))


def test_forget_removes_every_copy_and_a_second_forget_stores_nothing(bot: Bot) -> None:
    anna_reports(bot)
    answer_at(bot, "bo", "Stortorget")  # somebody else's note stays
    review = texts(bot.cmd("sara", "granska"))
    assert "Ungdomar_samlas *kvällstid* & <natt> vid porten" in review and "grannen i trappan" in review
    assert "Ungdomar" in texts(bot.cmd("sara", "picture"))
    mydata = bot.cmd("anna", "minadata")[-1].attachments[0].path
    assert Path(mydata).exists()
    # a review list still waiting in the outbox when forget runs
    bot.app.services.handle(Inbound("console", "sara", "command", command="review"))
    assert rows(bot, "SELECT count(*) FROM outbox WHERE status = 'pending'") == [(1,)]
    assert "Ungdomar" in outbox_texts(bot) and "grannen i trappan" in outbox_texts(bot)

    arrived = texts(bot.cmd("sara", "glöm Anna Andersson"))  # the review list, then the answer to forget
    assert "är raderad" in arrived and "Raderade filer med personens egna uppgifter: 1." in arrived
    # the waiting review list reaches Sara without Anna's notes; Bo's note is still there
    assert "[raderat]" in arrived and "Ungdomar" not in arrived and "grannen" not in arrived
    assert "Nytt klotter på väggen" in arrived
    # no copy anywhere: files, messages queued or sent, tables (the place only she named is gone too)
    assert not Path(mydata).exists()
    stored = everything(bot)
    for fragment in ("Ungdomar", "kvällstid", "grannen i trappan", "Annas gata", "Anna Andersson"):
        assert fragment not in stored, fragment
    assert "Nytt klotter på väggen" in stored and "Stortorget" in stored  # Bo's report is untouched
    assert rows(bot, "SELECT count(*) FROM answers WHERE level = 2") == [(2,)]  # her levels stay

    # forget again, by name or by the placeholder: the answer does not repeat the name, nothing else is stored
    before_outbox = rows(bot, "SELECT id FROM outbox")
    before_audit = rows(bot, "SELECT * FROM audit")
    for line in ("glöm Anna Andersson", "forget anna andersson", "forget #1"):
        again = texts(bot.cmd("sara", line))
        assert again == "Det finns ingen med det namnet, eller så är personen redan raderad. Ingenting ändrades."
    assert rows(bot, "SELECT * FROM audit") == before_audit
    new_rows = rows(bot, f"SELECT payload FROM outbox WHERE id > {max(int(str(r[0])) for r in before_outbox)}")
    assert len(new_rows) == 3 and all("Anna" not in str(r) for r in new_rows)
    assert "Anna" not in everything(bot)


def test_forget_in_english_and_a_sent_picture_is_redacted(bot: Bot) -> None:
    anna_reports(bot)
    bot.cmd("sara", "picture")
    bot.cmd("sara", "language en")
    out = texts(bot.cmd("sara", "forget Anna Andersson"))
    assert (
        "Messages to others their notes were removed from: 1." in out and "Files of their own data deleted: 0." in out
    )
    sent = rows(bot, "SELECT payload FROM outbox WHERE status = 'sent'")
    assert any("[erased]" in str(p) for p in sent) and not any("Ungdomar" in str(p) for p in sent)
    assert texts(bot.cmd("sara", "forget Anna Andersson")).startswith("There is nobody of that name")


def test_mydata_includes_the_messages_stored_for_the_person(bot: Bot) -> None:
    anna_reports(bot)
    out = bot.cmd("anna", "minadata")[-1]
    data = json.loads(Path(out.attachments[0].path).read_text(encoding="utf-8"))
    messages = data["messages"]
    assert messages and all(m["platform"] == "console" for m in messages)
    assert any("Tack! Din rapport för 2026-W47 är skickad" in m["text"] for m in messages)
    assert f"meddelanden till dig: {len(messages)}" in out.text
    assert not any("Samordnare" in m["text"] for m in messages)  # nobody else's messages


def test_a_rewritten_note_leaves_no_copy_of_the_old_text_for_forget_to_miss(bot: Bot) -> None:
    anna_reports(bot)
    listing = texts(bot.cmd("sara", "granska"))
    nid = next(line for line in listing.splitlines() if "Ungdomar" in line).split()[0].lstrip("#")
    bot.cmd("sara", "picture")
    assert "Ungdomar_samlas" in outbox_texts(bot)
    bot.cmd("sara", f"granska edit {nid}: Ungdomar samlas vid porten")
    stored = outbox_texts(bot)
    assert "Ungdomar_samlas" not in stored and "kvällstid" not in stored  # the messages quote the new text
    assert "Ungdomar samlas vid porten" in stored
    bot.cmd("sara", "glöm Anna Andersson")
    assert "Ungdomar" not in everything(bot) and "grannen" not in everything(bot)


def test_a_one_word_note_is_not_cut_out_of_other_peoples_messages(bot: Bot) -> None:
    """A note of one word ("Klotter") is also a factor, a button and a word in others' notes: forget leaves those
    alone (the note itself is gone from the tables), so nobody else's question, summary or picture is garbled."""
    anna_reports(bot, place="Stortorget", note="Klotter", more=None)
    answer_at(bot, "bo", "Stortorget")
    bot.cmd("sara", "picture")

    def to_others() -> str:
        return "\n".join(str(r[0]) for r in rows(bot, "SELECT payload FROM outbox WHERE address <> 'anna' ORDER BY id"))

    before = to_others()
    assert before.count("Klotter") > 5  # factor names, buttons, Bo's questions and summary, the picture
    bot.cmd("sara", "glöm Anna Andersson")
    after = to_others()
    assert after.count("Klotter") == before.count("Klotter") and "Nytt klotter p" in after
    assert "[raderat]" not in after
    assert rows(bot, "SELECT count(*) FROM answers WHERE note = 'Klotter'") == [(0,)]


def test_forget_makes_the_weekly_report_files_again_without_the_notes(bot: Bot) -> None:
    """The Friday report's PDF, HTML and Markdown on disk (and as attachments still waiting in the outbox) held an
    approved note; after forget the same files are there, made again, without it."""
    from pypdf import PdfReader

    from tests.integration.usecases.test_coordinator_week import THU_DRAFT, answer

    bot.tick()
    answer(bot, "anna", {5: 3})
    bot.clock.set(THU_DRAFT)
    bot.tick()
    listing = texts(bot.cmd("sara", "granska"))
    note_id = next(line for line in listing.splitlines() if "Ungdomar samlas" in line).split()[0].lstrip("#")
    bot.cmd("sara", f"granska godkänn {note_id}")
    bot.cmd("sara", "fastställ")
    bot.cmd("sara", "publicera")
    bot.cmd("sara", "report 2026-W47")  # the chat's report writes the PDF as well
    bot.cmd("cecilia", "report 2026-W47")  # and in English
    folder = Path(bot.app.config.reports_dir) / "tbg"
    files = sorted(p for p in folder.iterdir() if p.suffix in (".pdf", ".html", ".md"))

    def body(path: Path) -> str:
        if path.suffix == ".pdf":
            return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
        return path.read_text(encoding="utf-8")

    assert files and all("Ungdomar samlas" in body(p) for p in files if p.suffix == ".pdf")
    bot.cmd("sara", "glöm Anna Andersson")
    assert sorted(p for p in folder.iterdir() if p.suffix in (".pdf", ".html", ".md")) == files  # made again
    for path in files:
        assert "Ungdomar" not in body(path), path.name


def test_a_forgotten_person_who_had_not_answered_is_no_longer_counted_as_asked(bot: Bot) -> None:
    bot.tick()
    answer_at(bot, "anna", "Stortorget")
    before = texts(bot.cmd("sara", "status"))
    assert "Svar: 1 av 3" in before and "Bo Berg" in before
    with bot.app.services.unit() as uow:
        rnd = uow.rounds.get_round("tbg", uow.rounds.recent_rounds("tbg", 1)[0].key)
        assert rnd is not None
        bo = uow.people.person_by_name("tbg", "Bo Berg")
        assert bo is not None
    bot.cmd("sara", "glöm Bo Berg")
    after = texts(bot.cmd("sara", "status"))
    assert "Svar: 1 av 2" in after and f"#{bo.id}" not in after  # not "asked and not answered"
    assert "1 av 2" in texts(bot.cmd("sara", "picture"))  # the picture's response rate agrees
    with bot.app.services.unit() as uow:
        (week,) = uow.history.week_stats("tbg", rnd.key, rnd.key)
        assert (week.expected, week.responded) == (2, 1)
