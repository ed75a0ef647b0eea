"""Personal data on every way in (issue 14 §1): a whole week in which every role types a corpus of personal
identity numbers, coordination numbers, phone numbers and e-mail addresses into every free-text field and
every command argument, and the statistics imports carry them too. Afterwards none of them is anywhere: not in
the raw bytes of the database (the SQLite file with its WAL, or `pg_dump` of the PostgreSQL database), not in
any file the bot wrote, not in the log and not in any message the platform received; while the rest of what
was typed arrived, with placeholders where the numbers and addresses stood."""

from __future__ import annotations

import glob
import io
import json
import logging
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import make_url

from bot import logs
from bot.conversation.messages import Outbound
from bot.domain.masking import mask_personal_data
from bot.usecases.statistics import import_file
from tests.conftest import TUE_OPEN, Bot

# The newest server's pg_dump (scripts/test-postgres.sh installs PostgreSQL where the PostgreSQL run needs it).
PG_DUMP = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)), shutil.which("pg_dump"))
WED_REMIND = TUE_OPEN + timedelta(days=1, hours=5)
THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)

# Checksum-valid personal identity numbers (Luhn over the last ten digits) in the forms people write them,
# coordination numbers (day + 60), Swedish phone numbers in their common forms, and e-mail addresses.
PERSONNUMMER = [
    "19811218-9876",  # 12 digits with '-'
    "811218-9876",  # 10 digits with '-'
    "121212+1212",  # 10 digits with '+' (100 years or older)
    "6408233234",  # 10 digits, nothing between
    "198507091547",  # 12 digits, nothing between
    "19811218 9876",  # with a space
    "850709 1547",
    "640823 - 3234",  # spaces around the dash
    "470318—3428",  # an em dash
]
SAMORDNINGSNUMMER = ["19900561-2388", "900561-2388", "9005612388"]
PHONES = [
    "070-123 45 67",
    "+46 70 123 45 67",
    "0701234567",
    "08-123 456 78",
    "+46812345678",
    "0046 70 765 43 21",
    "031-12 34 56",
    "(08) 555 123 45",
    "076-987 65 43",
    "0410-123 45",
    "08/123 456 79",  # the older form with a slash
    "+46 8 765 432 10",
]
EMAILS = ["anna.andersson@exempel.se", "kalle+est@trelleborg.se", "Lisa_Berg@kommun.example"]
CORPUS = PERSONNUMMER + SAMORDNINGSNUMMER + PHONES + EMAILS
PLACEHOLDERS = ("[personnummer]", "[telefon]", "[e-post]")


def needles(item: str) -> list[bytes]:
    """What must not be found for one corpus item: the item as typed and, for a number, its digits alone (a
    number stored with other separators, or none, is still found in a haystack whose digit groups are
    joined), and for an address also its URL-encoded form."""
    found = [item.encode()]
    if "@" in item:
        found.append(item.replace("@", "%40").encode())
        found.append(item.split("@")[0].encode())  # the name part alone is someone's name
    else:
        digits = re.sub(r"\D", "", item)
        found.append(digits.encode())
        if digits.startswith("46"):  # +46 70 … is also 070 … in the national form
            found.append(("0" + digits[2:]).encode())
        if digits.startswith("0046"):
            found.append(("0" + digits[4:]).encode())
    return found


_JOIN_DIGITS = re.compile(rb"(?<=\d)(?:[ \-+()]|\xc2\xa0|\\u00a0)+(?=\d)")


def hits(blob: bytes) -> list[str]:
    """The corpus items found in `blob`, as typed or with their digit groups written any way."""
    joined = _JOIN_DIGITS.sub(b"", blob)
    found = []
    for item in CORPUS:
        if any(n in blob or n in joined for n in needles(item)):
            found.append(item)
    return found


def readable(path: Path) -> bytes:
    """A file's bytes as a person could read them: PDF text, and every member of a zip (XLSX) besides the raw
    bytes (both are compressed inside)."""
    raw = path.read_bytes()
    if path.suffix == ".pdf":
        return raw + "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages).encode()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return raw + b"\n".join(z.read(n) for n in z.namelist())
    return raw


def database_bytes(url: str) -> bytes:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        db = Path(parsed.database)
        files = sorted(db.parent.glob(db.name + "*"))  # the file, its -wal and -shm
        assert files and files[0] == db
        return b"".join(f.read_bytes() for f in files)
    assert PG_DUMP is not None, "pg_dump is missing beside the PostgreSQL server"
    dump = subprocess.run([PG_DUMP, "--no-owner", "-d", url], capture_output=True, check=True, timeout=120)
    assert b"COPY public.outbox" in dump.stdout
    return dump.stdout


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The log as `est-bot run` sets it up (bot.logs.setup), at DEBUG, written to a file."""
    path = tmp_path / "est-bot.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved = root.level, {n: logging.getLogger(n).level for n in logs.LIBRARY_LOGGERS}
    root.addHandler(handler)
    logs.setup("DEBUG", ("xoxb-secret-token",))
    yield path
    root.removeHandler(handler)
    handler.close()
    for h in root.handlers:  # pytest's own capture handlers got the filters too
        for f in [f for f in h.filters if isinstance(f, logs.RedactSecrets | logs.MaskPersonalData)]:
            h.removeFilter(f)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def masked(text: str) -> str:
    return " ".join(mask_personal_data(text).split())


def statistics_files(folder: Path) -> dict[str, Path]:
    """A police export, a municipal vandalism list and police events, each with the corpus in its place,
    category and summary fields."""
    police = folder / "polisen.csv"
    lines = ["Diarienummer;Brottsdatum;Klockslag;Brottskategori;Brottsplats;Kommun"]
    for i, item in enumerate(CORPUS):
        lines.append(f"5000-K2000{i:02d}-26;2026-10-{i % 28 + 1:02d};22:00;Skadegörelse;Stortorget {item};Trelleborg")
    lines.append(f"5000-K300001-26;2026-10-05;21:00;Klotter {PHONES[0]};Hamnen;Trelleborg")
    police.write_text("\n".join(lines) + "\n", encoding="utf-8")
    vandalism = folder / "skadegorelse.csv"
    rows = ["Ärendenummer;Registrerad;Tid;Plats;Typ av skada;Beskrivning"]
    for i, item in enumerate(CORPUS):
        rows.append(f"SK-2026-{i:04d};2026-10-{i % 28 + 1:02d};08:00;Norrskolan {item};Klotter;Anmält av {item}")
    vandalism.write_text("\n".join(rows) + "\n", encoding="utf-8")
    events = folder / "handelser.json"
    evs = [
        {
            "id": 700000 + i,
            "datetime": f"2026-11-{12 + i % 5} 22:{i:02d}:00 +01:00",
            "name": f"{12 + i % 5} november, Skadegörelse, Trelleborg {item}",
            "summary": f"Fönster krossade vid Stortorget; vittne nås på {item}.",
            "url": f"/aktuellt/handelser/2026/november/{12 + i % 5}/{i}/",
            "type": "Skadegörelse",
            "location": {"name": "Trelleborg", "gps": "55.375423,13.157252"},
        }
        for i, item in enumerate(CORPUS)
    ]
    events.write_text(json.dumps(evs, ensure_ascii=False), encoding="utf-8")
    return {"police": police, "vandalism": vandalism, "events": events}


def test_a_week_of_personal_data_leaves_none_behind(bot: Bot, log_file: Path, tmp_path: Path) -> None:
    every = " ".join(CORPUS)
    assert every != mask_personal_data(every) and not any(i in mask_personal_data(every) for i in CORPUS)
    arrived: list[tuple[str, str]] = []  # (what was typed, where its masked text must be seen)

    # ---- Tuesday: the questionnaire, with every item typed as a new place, a note and "anything more"
    bot.tick()
    for who, items in (("anna", CORPUS[:12]), ("bo", CORPUS[12:]), ("cecilia", CORPUS[6:18])):
        bot.cmd(who, "rapport")
        bot.press(who, ":g:start")
        levels = {n: 3 for n in range(3)}
        notes = iter(f"Glaskross vid kiosken {item} igen" for item in items)
        while True:
            q = bot.last_question(who)
            step = str(q.data["step"])
            if step == "level":
                bot.press(who, f":l:{q.data['item']}:{levels.get(q.data['item'] % 12, 0)}")
            elif step == "where":
                bot.text(who, f"Parken vid {next(iter(items))}")
            elif step == "what":
                note = next(notes, f"Ungdomar samlas {every}")
                bot.text(who, note)
                arrived.append((note, "review"))
            elif step == "more":
                more = f"Mer om veckan: ring {every} efter kl 18"
                summary = bot.text(who, more)
                assert "Mer om veckan: ring [personnummer] [personnummer]" in texts(summary)  # the summary, masked
            else:
                break
        bot.press(who, ":s:send")
    # text outside any question, and commands with personal data in their arguments, by every role
    for who in ("anna", "cecilia", "kim", "sara"):
        for item in CORPUS:
            out = texts(bot.cmd(who, f"flyga {item}")) + texts(bot.say(who, "command", command=item, args=(item,)))
            assert item not in out and any(p in out for p in PLACEHOLDERS), out  # "Okänt kommando …"
        out = texts(bot.cmd(who, f"pause {every} {PHONES[2]}"))
        assert PHONES[2] not in out
        for item in (PERSONNUMMER[2], PHONES[2], EMAILS[0]):
            out = texts(bot.cmd(who, f"ledig {item}"))
            assert item not in out and any(p in out for p in PLACEHOLDERS), out  # "Datumet … förstår jag inte"
            bot.say(who, "choice", choice=f"q1:{item}")  # a button no message of the bot had
            bot.say(who, "choice", choice=f"c{item}:v")
        bot.cmd(who, f"language {every}")
        bot.cmd(who, f"hjälp {every}")
        bot.cmd(who, f"mydata {every}")
        bot.text(who, f"Hej, här är mitt nummer {PHONES[1]} och {EMAILS[0]}")
        for cmd in ("status", "remind", "open", "picture", "report", "actions", "review", "stats", "export"):
            bot.cmd(who, f"{cmd} {every}")  # refused for the role, or "week … does not exist" and the like
        bot.cmd(who, f"observe centrum {PERSONNUMMER[0]}: x")
        bot.cmd(who, f"observe {EMAILS[1]}: Polisen ser {PHONES[3]}")
    # a participant's observation and a coordinator's, each with the whole corpus
    for who in ("kim", "sara"):
        obs = f"Polisen ser langning vid bänkarna, tipsare {every}"
        assert "sparad" in texts(bot.cmd(who, f"observe centrum narkotika: {obs}"))
        arrived.append((obs, "picture"))

    # ---- coordinators: names and codes with personal data are refused, never stored
    for item in CORPUS:
        out = texts(bot.cmd("sara", f"area add a{len(item)} Torget {item}"))
        assert "får inte innehålla personnummer, telefonnummer eller e-postadresser" in out, out
        out = texts(bot.cmd("sara", f"reporter add Dana {item} | Fältassistenter | norr"))
        assert "Personens namn får inte innehålla" in out, out
        out = texts(bot.cmd("sara", f"reporter add Dana Dahl | Fält {item} | norr"))
        assert "Organisationens namn får inte innehålla" in out, out
        for line in (
            f"reporter remove {item}",
            f"pause {item} 2026-12-01",
            f"invite {item}",
            f"forget {item}",
            f"review approve {item}",
            f"review edit {item}",
            f"actions done {item}",
            f"report {item}",
            f"picture {item}",
            f"stats {item}",
            f"export {item}",
            f"followup {item}",
            f"reporter add {item} | X | norr | {item}",
            f"reporter add Eva | X | {item}",
        ):
            out = texts(bot.cmd("sara", line))
            assert item not in out, (line, out)
    for code in ("198112189876", "19811218-9876", "8112189876", "0701234567"):
        out = texts(bot.cmd("sara", f"area add {code} Torget"))
        assert "Områdets kod får inte innehålla" in out, out
    bot.cmd("sara", "language en")  # the refusal in the caller's language
    out = texts(bot.cmd("sara", f"area add hamnen Hamnen {PHONES[4]}"))
    assert out == (
        "The area's name must not contain personal identity numbers, phone numbers or e-mail addresses, since it "
        "is shown to everyone. Nothing was saved; write it without them."
    )
    bot.cmd("sara", "språk sv")
    out = texts(bot.cmd("sara", f"area add hamnen Hamnen {EMAILS[0]}"))
    assert "Områdets namn får inte innehålla" in out and "Nothing" not in out
    listing = texts(bot.cmd("sara", "area list")) + texts(bot.cmd("sara", "reporter list"))
    assert "hamnen" not in listing and "Dana" not in listing  # nothing of the refused names was stored

    # priorities and review edits: free text, masked
    title = f"Belysning vid Norrskolan, kontakt {every}"
    out = texts(bot.cmd("sara", f"priority add norr | Norrskolan {PHONES[0]}: {title}"))
    assert "är tillagd" in out
    arrived.append((title, "sara"))

    # ---- statistics: imports mask place, category and summary fields and say how many
    files = statistics_files(tmp_path)
    police = import_file(bot.app.services.env, "tbg", "police", files["police"], actor=f"cli {PHONES[0]}")
    assert police.masked == len(CORPUS) + 1
    assert f"personal data (personal identity, phone or e-mail) masked in {len(CORPUS) + 1} fields" in police.text()
    vandalism = import_file(bot.app.services.env, "tbg", "vandalism", files["vandalism"])
    assert vandalism.masked == len(CORPUS)  # the place; the description is not a column the import reads
    events = import_file(bot.app.services.env, "tbg", "events", files["events"])
    assert events.masked == 2 * len(CORPUS)  # each event's name and summary
    assert "masked in" in events.text()

    # ---- Wednesday's reminder, Thursday's picture and meeting, Friday's report
    bot.clock.set(WED_REMIND)
    bot.tick()
    review = texts(bot.cmd("sara", "review"))
    ids = re.findall(r"#(\d+)", review)
    assert ids
    edited = f"Redigerad: ring {every}"
    assert "är omskriven" in texts(bot.cmd("sara", f"review edit {ids[0]}: {edited}"))
    arrived.append((edited, "review"))
    for ident in ids[1:]:
        bot.cmd("sara", f"review approve {ident}")
    bot.clock.set(THU_DRAFT)
    bot.tick()
    meeting = bot.sender.to("möte")
    cands = [o for o in meeting if o.kind == "candidate"]
    assert cands
    for o in cands:
        bot.say("kim", "choice", choice=f"c{o.data['candidate_id']}:v")
    draft = next(o for o in meeting if o.kind == "picture")
    preview = texts(bot.cmd("sara", "picture")) + texts(bot.cmd("kim", "lägesbild"))
    bot.say("sara", "choice", choice=draft.all_choices()[0].id)  # finalise
    bot.clock.set(FRI_PUBLISH)
    bot.tick()
    report = texts(bot.cmd("sara", "report 2026-W47")) + texts(bot.cmd("kim", "report 2026-W47"))
    for who in ("anna", "sara"):
        bot.cmd(who, "mydata")  # a file of everything stored about them
    bot.cmd("sara", "export csv")
    bot.cmd("sara", "export xlsx")
    bot.cmd("sara", "stats 2026-10")
    bot.cmd("sara", "actions")
    bot.flush()

    # ---- what arrived: the rest of every text, with placeholders where the personal data stood
    review_now = texts(bot.cmd("sara", "review"))
    sara = texts(bot.sender.to("sara"))
    seen = {"review": review + "\n" + review_now, "picture": preview + report, "sara": sara}
    for typed, where in arrived:
        want = masked(typed)
        assert any(p in want for p in PLACEHOLDERS)
        assert want in " ".join(seen[where].replace("\\", "").split()), (where, want)  # Markdown escapes [ ]
    assert "[e-post]" in preview and "[telefon]" in preview and "\\[" not in preview  # plain text, no Markdown escapes

    # ---- and nowhere a corpus item: messages, log, files, database
    bot.app.close()
    for sent_item, sent_out, _ in bot.sender.sent:
        payload = json.dumps(sent_out.to_json(), ensure_ascii=False).encode() + sent_item.address.encode()
        assert hits(payload) == [], (sent_item.address, sent_out.text)
    log_text = log_file.read_bytes()
    assert hits(log_text) == []
    written = sorted(p for p in Path(bot.app.config.reports_dir).rglob("*") if p.is_file())
    assert any(p.suffix == ".pdf" for p in written) and any(p.suffix == ".xlsx" for p in written)
    assert any(p.suffix == ".json" for p in written)  # mydata
    for path in written:
        assert hits(readable(path)) == [], path
    # the search reads what a person would: the report's PDF text holds the masked notes and observations
    assert any(b"[personnummer]" in readable(p) for p in written if p.suffix == ".pdf")
    assert any(b"[telefon]" in readable(p) for p in written if p.suffix in (".json", ".xlsx", ".csv"))
    assert hits(database_bytes(bot.url)) == []
    shutil.rmtree(bot.app.config.reports_dir, ignore_errors=True)


def test_on_slack_typed_personal_data_reaches_neither_slack_nor_the_log_nor_the_database(
    tmp_path: Path, log_file: Path
) -> None:
    """The same over the real Bolt app and the stand-in Slack: slash commands and direct messages full of the
    corpus, and requests with a bad signature, which Bolt logs with their whole body at INFO."""
    from standins import slack_requests as rq
    from tests.support.slack_harness import ANNA, SARA, Workspace, run_workspace

    every = " ".join(CORPUS)
    echoes: list[str] = []

    async def week(ws: Workspace) -> None:
        await ws.tick()  # Tuesday: the questionnaire goes out
        for item in CORPUS:
            await ws.command(SARA, f"flyga {item}")
        await ws.command(SARA, f"pause {every} 2026-12-01")
        await ws.command(SARA, f"area add torg Torget {PHONES[0]}")
        await ws.command(SARA, f"observe centrum: Langning, tipsare {every}")
        await ws.command(ANNA, f"ledig {every}")
        await ws.command(ANNA, f"ledig {PERSONNUMMER[1]}")
        await ws.command(ANNA, f"{PHONES[2]} {EMAILS[0]}")
        await ws.dm(ANNA, f"Mitt nummer är {every}")
        for forged in (
            rq.slash_command("/est", f"flyga {every}", user_id=SARA, forge="wrong_secret"),
            rq.event_callback(rq.message_im(ANNA, ws.fake.dm_channel(ANNA), every), forge="wrong_secret"),
        ):
            status, _ = await ws.post(forged)
            assert status == 401
        await ws.drain()
        echoes.extend(ws.ephemeral_texts(SARA) + ws.ephemeral_texts(ANNA))
        echoes.extend(m.get("text", "") for who in (ANNA, SARA) for m in ws.messages(who))

    fake = run_workspace(tmp_path, week)
    shown = "\n".join(echoes)
    assert 'Okänt kommando "flyga"' in shown and 'Okänt kommando "[telefon]"' in shown
    assert "Ingen rapportör heter [personnummer]" in shown
    assert "Områdets namn får inte innehålla" in shown, shown
    assert "Datumet [personnummer]" in shown, shown
    received = [json.dumps(c.params, ensure_ascii=False).encode() for c in fake.calls]
    received += [(f.content or b"") + (f.initial_comment or "").encode() for f in fake.files()]
    assert received and all(hits(r) == [] for r in received)
    log = log_file.read_bytes()
    assert hits(log) == [], log.decode()
    assert hits(database_bytes(f"sqlite:///{tmp_path / 'slack.sqlite'}")) == []


def test_on_telegram_typed_personal_data_reaches_neither_telegram_nor_the_log_nor_the_database(
    tmp_path: Path, log_file: Path
) -> None:
    """The same over the real python-telegram-bot Application and the stand-in Bot API."""
    from tests.support.telegram_harness import ANNA, SARA, Edge, run_edge

    every = " ".join(CORPUS)
    echoes: list[str] = []

    async def week(e: Edge) -> None:
        await e.tick()  # Tuesday: the questionnaire goes out
        for item in CORPUS:
            await e.feed(e.fake.message_update(SARA, SARA, f"/flyga {item}"))
            await e.feed(e.fake.message_update(SARA, SARA, f"/reporter remove {item}"))
        await e.feed(e.fake.message_update(SARA, SARA, f"/area add torg Torget {EMAILS[2]}"))
        await e.feed(e.fake.message_update(SARA, SARA, f"/observe centrum: Langning, tipsare {every}"))
        await e.feed(e.fake.message_update(ANNA, ANNA, f"/ledig {PHONES[2]}"))
        await e.feed(e.fake.message_update(ANNA, ANNA, f"Mitt nummer är {every}"))
        await e.tick()
        echoes.extend(m.get("text", "") for who in (ANNA, SARA) for m in e.fake.sent_to(who))

    fake = run_edge(tmp_path, week)
    shown = "\n".join(echoes)
    assert "Ingen rapportör heter [personnummer]." in shown and "Ingen rapportör heter [e-post]." in shown
    assert "Områdets namn får inte innehålla" in shown and "Datumet [telefon]" in shown
    received = [json.dumps(c.params, ensure_ascii=False, default=str).encode() for c in fake.calls]
    assert received and all(hits(r) == [] for r in received)
    assert hits(log_file.read_bytes()) == []
    assert hits(database_bytes(f"sqlite:///{tmp_path / 'tg.sqlite'}")) == []
