"""Personal data: a coordinator rewrites a note before the report, retention deletes old free text, forget erases
a person and keeps their levels, and mydata gives a person everything stored about them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.usecases.privacy import retention
from tests.conftest import Bot
from tests.integration.commands.test_commands import FRI_PUBLISH, report, texts


def note_id(bot: Bot, fragment: str) -> str:
    for line in texts(bot.cmd("sara", "review")).splitlines():
        if fragment in line:
            return line.split("#", 1)[1].split(" ", 1)[0]
    raise AssertionError(f"no note with {fragment!r}")


def rows(bot: Bot, sql: str) -> list[tuple[object, ...]]:
    with bot.app.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_a_coordinator_edits_a_note_before_the_report(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {5: 3})
    nid = note_id(bot, "Ungdomar samlas")
    out = texts(bot.cmd("sara", f"review edit {nid}: Ungdomar samlas vid Kalle Svenssons port, ring 070-1234567"))
    assert out.startswith(f"Anteckning {nid} är omskriven och godkänd")
    assert "070-1234567" not in out and "[telefon]" in out  # the coordinator's text is masked like a reporter's
    listing = texts(bot.cmd("sara", "review"))
    assert "[godkänd]" in listing and "Kalle Svenssons port" in listing
    # the report shows only reviewed notes: the edited one is there, the original text is gone everywhere
    picture = texts(bot.cmd("sara", "picture"))
    assert "Kalle Svenssons port" in picture and "Ungdomar samlas kvällstid" not in picture
    assert rows(bot, "SELECT note, note_review FROM answers WHERE note IS NOT NULL") == [
        ("Ungdomar samlas vid Kalle Svenssons port, ring [telefon]", "approved")
    ]
    # the reporter opens the questionnaire again and re-sends it: the edited text stays, still approved
    bot.cmd("anna", "ändra")
    bot.press("anna", ":s:send")
    assert rows(bot, "SELECT note_review FROM answers WHERE note IS NOT NULL") == [("approved",)]
    audit = rows(bot, "SELECT actor, action, detail FROM audit WHERE action = 'review_edit'")
    assert len(audit) == 1 and "Kalle" not in str(audit)  # audited without the text


def test_review_edit_wrong_arguments_change_nothing(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {5: 3})
    nid = note_id(bot, "Ungdomar")
    assert "Så här: granska redigera ID" in texts(bot.cmd("sara", "review edit"))
    assert "Så här: granska redigera ID" in texts(bot.cmd("sara", f"review edit {nid}:"))
    assert "Så här: granska redigera ID" in texts(bot.cmd("sara", "review edit abc: text"))
    assert "ingen anteckning #999" in texts(bot.cmd("sara", "review edit 999: text"))
    assert "bara för samordnare" in texts(bot.cmd("anna", f"review edit {nid}: text"))
    assert rows(bot, "SELECT note, note_review FROM answers WHERE note IS NOT NULL") == [
        ("Ungdomar samlas kvällstid", "pending")
    ]


def test_retention_deletes_old_free_text_and_keeps_the_numbers(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {5: 3, 6: 2})
    bot.clock.set(FRI_PUBLISH)
    bot.tick()  # week 47 published
    levels = rows(bot, "SELECT factor, level FROM answers ORDER BY id")
    weeks = bot.app.config.privacy.note_retention_weeks
    bot.clock.advance(timedelta(weeks=weeks - 1))
    assert retention(bot.app.services.env) == []  # not old enough yet
    assert len(rows(bot, "SELECT 1 FROM answers WHERE note IS NOT NULL")) == 2
    bot.clock.advance(timedelta(weeks=2))
    done = retention(bot.app.services.env)
    assert len(done) == 1 and "'notes': 2" in done[0]
    assert rows(bot, "SELECT 1 FROM answers WHERE note IS NOT NULL") == []
    assert [r for r in rows(bot, "SELECT state FROM responses") if r[0] not in ({}, "{}")] == []
    assert rows(bot, "SELECT factor, level FROM answers ORDER BY id") == levels  # the levels stay
    assert rows(bot, "SELECT phase FROM rounds WHERE week = 47") == [("published",)]
    assert "Svar: 1 av 3" in texts(bot.cmd("sara", "report 2026-W47"))  # the old report still has its numbers
    assert retention(bot.app.services.env) == []  # idempotent
    assert len(rows(bot, "SELECT 1 FROM audit WHERE action = 'retention'")) == 1


def test_retention_runs_daily_in_the_scheduler(bot: Bot) -> None:
    from bot.scheduler import build_scheduler
    from bot.usecases.privacy import add_retention_job

    scheduler = build_scheduler(bot.app.services)
    add_retention_job(scheduler, bot.app.services.env)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert "retention" in jobs and "hour='3'" in str(jobs["retention"].trigger)


def test_forget_erases_a_person_and_keeps_their_levels(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {5: 3})
    report(bot, "bo", {5: 2})
    bot.cmd("sara", "pause Anna Andersson 2026-12-01")
    before = texts(bot.cmd("sara", "picture"))
    levels = rows(bot, "SELECT level FROM answers ORDER BY id")
    assert "bara för samordnare" in texts(bot.cmd("kim", "forget Anna Andersson"))
    assert "Så här: radera NAMN" in texts(bot.cmd("sara", "forget"))
    unknown = texts(bot.cmd("sara", "forget Olle Okänd"))
    assert "Det finns ingen med det namnet" in unknown and "Olle" not in unknown  # not echoed
    assert "inte radera dig själv" in texts(bot.cmd("sara", "forget Sara Samordnare"))
    out = texts(bot.cmd("sara", "glöm anna andersson"))
    assert "är raderad" in out and "1 svar finns kvar utan namn" in out
    assert "står kvar i konfigurationsfilen" in out  # she is in the file, so the next start would add her again
    assert "Anna" not in out  # the answer itself does not store her name again
    # gone: her name, her chat link, her notes; she is a stranger to the bot now
    assert "känner inte igen dig" in texts(bot.text("anna", "hej"))
    everything = " ".join(str(r) for table in ("persons", "audit", "observations", "outbox", "accounts") for r in
                          rows(bot, f"SELECT * FROM {table}"))  # fmt: skip
    assert "Anna" not in everything and "Andersson" not in everything
    assert rows(bot, "SELECT note FROM answers a JOIN responses r ON r.id = a.response_id "
                     "JOIN persons p ON p.id = r.person_id WHERE p.forgotten") == [(None,)] * 12  # fmt: skip
    # kept: her levels, and so the week's numbers
    assert rows(bot, "SELECT level FROM answers ORDER BY id") == levels
    after = texts(bot.cmd("sara", "picture"))
    assert "Svar: 2 av" in before and "Svar: 2 av" in after
    assert "Anna" not in texts(bot.cmd("sara", "reporter list"))
    audit = rows(bot, "SELECT actor, detail FROM audit WHERE action = 'forget'")
    assert len(audit) == 1 and audit[0][0] == "Sara Samordnare" and "person_id" in str(audit[0][1])


def test_mydata_gives_a_person_their_own_data_privately(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {5: 3})
    report(bot, "bo", {5: 2}, place="Norrskolan")
    out = bot.cmd("anna", "minadata")
    assert len(out) == 1 and out[0].text.startswith("Det här har boten sparat om dig (Anna Andersson)")
    assert "Svar: 1 vecka, 1 anteckning" in out[0].text
    (attachment,) = out[0].attachments
    assert attachment.mime == "application/json"
    data = json.loads(Path(attachment.path).read_text(encoding="utf-8"))
    assert data["person"]["name"] == "Anna Andersson" and data["areas"] == ["centrum"]
    assert data["accounts"] == [{"platform": "console", "id": "anna"}]
    (week,) = data["responses"]
    assert week["week"] == "2026-W47" and week["status"] == "submitted"
    assert [a["note"] for a in week["answers"] if a["note"]] == ["Ungdomar samlas kvällstid"]
    assert "Bo Berg" not in json.dumps(data) and "Norrskolan" not in json.dumps(data)  # nobody else's data
    assert bot.cmd("cecilia", "mydata")[-1].text.startswith("This is what the bot keeps about you (Cecilia Ek)")
    # asked in the meeting channel, the answer still goes to the asker alone
    bot.app.services.handle(
        __import__("bot.conversation.messages", fromlist=["Inbound"]).Inbound(
            "console", "kim", "command", command="mydata", chat="möte"
        )
    )
    bot.flush()
    assert not any("sparat om dig" in o.text for o in bot.sender.to("möte"))
    assert any("sparat om dig (Kim Polis)" in o.text for o in bot.sender.to("kim"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    phone=st.from_regex(r"07[02369]-?[0-9]{3} ?[0-9]{2} ?[0-9]{2}", fullmatch=True),
    pnr=st.from_regex(r"(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])-[0-9]{4}", fullmatch=True),
    email=st.from_regex(r"[a-z]{2,8}\.[a-z]{2,8}@[a-z]{3,8}\.se", fullmatch=True),
)
def test_personal_data_typed_anywhere_never_reaches_the_database(bot: Bot, phone: str, pnr: str, email: str) -> None:
    """Through the real commands: an observation, a manual priority and a coordinator's note edit."""
    body = f"Ring {phone} eller mejla {email}, gäller {pnr}"
    bot.cmd("kim", f"observe centrum: {body}")
    bot.cmd("sara", f"priority add norr: {body}")
    stored = " ".join(str(r) for t in ("observations", "candidates") for r in rows(bot, f"SELECT * FROM {t}"))
    for value in (phone, pnr, email):
        assert value not in stored


def test_retention_removes_old_chat_exports_and_followups_and_keeps_recent_ones(bot: Bot) -> None:
    import os
    import time

    group = bot.app.config.groups[0].id
    base = Path(bot.app.config.reports_dir) / group
    old_export, new_export, old_followup = base / "exports" / "aaa", base / "exports" / "bbb", base / "followup" / "ccc"
    for folder in (old_export, new_export, old_followup):
        folder.mkdir(parents=True)
        (folder / "svar.csv").write_text("area;factor;level\n", encoding="utf-8")
    eight_days_ago = time.time() - 8 * 86400
    for folder in (old_export, old_followup):
        os.utime(folder, (eight_days_ago, eight_days_ago))
    done = retention(bot.app.services.env)
    assert not old_export.exists() and not old_followup.exists()
    assert (new_export / "svar.csv").exists()  # a file still waiting in the outbox is kept
    assert f"{group} removed 1 old exports folders" in done and f"{group} removed 1 old followup folders" in done
    assert retention(bot.app.services.env) == []
