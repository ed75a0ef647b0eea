"""The table and notes of bench/answers.py for docs/PERFORMANCE.md: one `Result` per run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Result:
    backend: str
    path: str  # "Slack HTTP" or "engine only"
    reporters: int
    answers: int
    seconds: float
    cpu_s: float  # CPU time of the bot's process (all its threads) over the same span
    p50_ms: float
    p99_ms: float
    max_ms: float
    stored: int  # answers rows in the database afterwards
    sent: int  # questionnaires sent
    errors: int  # HTTP statuses other than 200, answers never confirmed stored, errors at the stand-in
    replies: int = 0  # messages the stand-in Slack API received (updates and new messages) during the run
    replies_s: float = 0.0  # until the last of them was sent
    load_cpu_s: float | None = None  # CPU time of the load generator's process over the run (None: no edge)

    @property
    def per_s(self) -> float:
        return self.answers / self.seconds

    @property
    def per_cpu_s(self) -> float:
        return self.answers / self.cpu_s if self.cpu_s > 0 else float("inf")

    def row(self) -> str:
        return (
            f"| {self.backend} | {self.path} | {self.reporters} | {self.answers} | {self.per_s:.0f}/s | "
            f"{self.per_cpu_s:.0f} | {1000 * self.cpu_s / self.answers:.1f} ms | {self.load_cpu_text} | "
            f"{self.p50_ms:.1f} ms | {self.p99_ms:.1f} ms | {self.max_ms:.1f} ms | "
            f"{self.stored}/{self.reporters * 12} | {self.sent}/{self.reporters} | {self.replies_text} | "
            f"{self.errors} |"
        )

    @property
    def load_cpu_text(self) -> str:
        if self.load_cpu_s is None:
            return "–"
        return f"{1000 * self.load_cpu_s / self.answers:.2f} ms ({100 * self.load_cpu_s / self.seconds:.0f} %)"

    @property
    def replies_text(self) -> str:
        return f"{self.replies} in {self.replies_s:.1f} s" if self.replies else "–"


HEADER = (
    "| database | path | reporters at once | answers | answers/s (wall) | answers per CPU-second | CPU per answer | "
    "load generator CPU per answer (busy) | p50 ack | p99 ack | max ack | answers stored | sent | "
    "replies at the stand-in | refused or lost |\n" + "|---" * 15 + "|"
)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def markdown(results: list[Result]) -> str:
    return (
        "## Answer handling through the whole stack\n\n"
        "`block_actions` presses to the real Bolt app, the intake (bot/intake.py), the engine and the database "
        "(`bench/answers.py`), through both ways Slack reaches an app: *Slack HTTP* is signed requests to the "
        "Request URL (uvicorn with httptools); *Slack Socket Mode* is `interactive` envelopes over the websocket "
        "the bot opens (slack_sdk's aiohttp `SocketModeClient`, as `est-bot run` uses it with `mode = "
        '"socket"`, the choice of a municipality with no public endpoint). The bot\'s process is held to one '
        "core; the load generator and the stand-in Slack Web API run in processes of their own on the other "
        "core, as Slack is outside the machine. The load generator plays the reporters answering at once: each "
        "makes its first press within the same second (a random moment, fixed seed) and then presses the 15 "
        "buttons of a questionnaire, the next one as soon as the previous answer is stored — no time to read, "
        "so this is the most a reporter could ask of the bot.\n\n"
        "The load generator (`bench/answers_load.py`) is kept cheap so that it does not set the pace: over HTTP "
        "it holds one keep-alive connection per reporter (plain asyncio, no HTTP client library), and every "
        "request is built and signed before the run starts, so a press is one socket write and its response "
        "the parse of a status line and a Content-Length. In Socket Mode it is Slack's websocket server "
        "(aiohttp, no compression): it greets the bot's connection with Slack's `hello`, answers its pings and "
        "pushes envelopes built before the run. Its CPU time is in the table.\n\n"
        "* *ack* is the time from sending a press to its HTTP response, or to the bot's acknowledgement of its "
        "envelope (the message with its `envelope_id`), as the load generator sees it;\n"
        "* *answers/s* counts button presses handled and stored, from the first press to the last one stored;\n"
        "* *CPU per answer* is the bot process's CPU time (every thread) over the same span, divided by the "
        "presses; *answers per CPU-second* is what one fully busy core would do;\n"
        "* *load generator CPU per answer*: the load generator's CPU time over the run, divided by the presses; "
        "in brackets, how busy that kept its core;\n"
        "* *edge only*: the listeners acknowledge and queue as always, but the intake does no work (the ceiling "
        "the edge sets, whatever the engine costs). Each reporter presses again at once, so there are always "
        "as many presses waiting as reporters;\n"
        "* *replies held*: the replies wait in the outbox until every answer is stored, then go out (Slack allows "
        "about 50 `chat.update` a minute per method, so on real Slack most replies wait for the rate limit "
        "anyway). These rows measure the intake alone. In the *replies sent* rows every reply is sent to the "
        "stand-in at once, as fast as it takes them, on the same core;\n"
        "* *replies at the stand-in*: the messages Slack got and when the last arrived, counted from the first "
        "press; *refused or lost*: HTTP errors (or envelopes never acknowledged), answers never stored and errors "
        "at the stand-in;\n"
        "* *engine only* is `Services.handle` called directly, one press after another, each in its own unit of "
        "work, on one core; *engine only, batches of 32* is `Services.handle_many` with 32 presses of different "
        "reporters at a time, as the intake takes presses that queued up under load (its *ack* columns are the "
        "time of a press's batch).\n\n"
        "Goals: p99 ack < 50 ms with 500 at once; ≥ 1,000 answers/s on SQLite on one core.\n\n"
        + HEADER
        + "\n"
        + "\n".join(r.row() for r in results)
        + "\n\n"
        + PROFILE_NOTES
    )


PROFILE_NOTES = """### Reading the table

* **Acknowledgement (goal met with the replies held).** With 500 reporters at once and the replies held, p99
  stayed below 50 ms on both paths and both databases: 44 and 31 ms over HTTP and in Socket Mode on SQLite,
  45 and 27 ms on PostgreSQL. With every reply sent at once on the same core it was 53 ms over HTTP on SQLite
  and 100 ms on PostgreSQL (30 and 34 ms in Socket Mode): the sender's thread competes for the GIL, at a
  rate of replies real Slack's limits never allow (see *Replies sent*). The *edge only* rows are different:
  nothing is stored, so each reporter presses again at once and 500 presses are always waiting. Their
  acknowledgement time is queueing (Little's law: 500 presses / 1,200–1,800 a second ≈ 0.3–0.4 s), not the
  cost of one press.
* **Throughput (goal met in Socket Mode, not over HTTP).** On SQLite one core took 959 presses a second over HTTP
  with the replies held in this run, at 1.0 ms of CPU per press (1,050 per CPU-second), and 829 in Socket Mode
  (950 per CPU-second); with the replies sent, 741 and 931. Four runs of the held rows the same day gave 610–960
  over HTTP and 829, 1,062, 1,073 and 1,192 in Socket Mode (up to 1,340 per CPU-second): this shared 2-core
  virtual machine varies by ±20 % from run to run, and by more from day to day (the commit before this round,
  94da1f6, measured 374–397 a second over HTTP on it that morning, where it had measured 689 on 2026-11-22).
  Socket Mode is est-bot's default (`[slack] mode`). The engine is no longer what limits it: in batches as the
  intake takes them it handles about 2,000 presses a second on SQLite (*engine only, batches of 32*, 0.5 ms each),
  and Bolt's edge alone costs 0.6–0.7 ms per press over HTTP and 0.4 ms in Socket Mode (*edge only*).
* **PostgreSQL.** Every statement is a round trip to the server. One press at a time the engine takes about
  4 ms; in batches 0.8 ms (863 a second), because a batch's reads and writes are a handful of statements.
  Through the edges with 500 at once: 558 presses a second over HTTP and 788 in Socket Mode (234 and 346
  before the batched reads and writes). The server's own CPU is not in these figures.
* **Replies sent.** With every reply sent at once, each reply costs the sender 3–6 ms of the same core: two
  short transactions (claim, then record), and the slack_sdk `WebClient`, which opens a new connection for
  every call with no keep-alive and checks the Block Kit models again. Real Slack takes only about 50
  `chat.update` calls a minute (Tier 3), so most replies would wait in the outbox for their turn in any case.

### Where the time went, and what was done about it

Profiled with py-spy (`--gil --threads`) and cProfile on this benchmark:

* **The load generator.** The earlier one (aiohttp, each request signed when sent) cost 0.4–0.75 ms of CPU per
  press and was itself the limit: with the edge alone the bot's core was half idle. The new one
  (`bench/answers_load.py`) costs under 0.1 ms and keeps its core 5–25 % busy.
* **Acknowledgement.** Bolt with `process_before_response=False` polls for the `ack()` every 10 ms, so every
  request waited at least that long, and 500 waiting requests woke the event loop 50,000 times a second. The
  listeners now acknowledge, put the event on the intake's queue and return (`process_before_response=True`),
  so the response leaves as soon as the listener returns. The engine works in the intake thread, and a sender
  thread sends the replies (bot/intake.py).
* **Engine, one press at a time.** Per press the engine spent 2.7 ms, mostly in SQLAlchemy building ORM
  statements and their cache keys. The statements of a press are Core statements built once at import
  (storage/repositories/), and a sent questionnaire's answers go in with one executemany. `copy.deepcopy` of the
  conversation state (an eighth of the rest) is now a copy made for JSON data (`json_copy`), and the
  questionnaire's items and closing time are kept per group, week, language and areas instead of being built
  for every press.
* **Batches.** A unit of work of its own for every press spent about a fifth of the intake's time on the
  session, `BEGIN IMMEDIATE` and the commit. Presses that queue up while the intake is busy go into one unit
  of work, up to 32 (`Services.handle_many`); if one fails, the batch is rolled back and each press is handled
  again on its own.
* **A batch's reads and writes together.** Even in a batch, each press still ran about seven statements
  (its person, areas, places, round, response row and event id, then the saved state and the reply), and
  SQLAlchemy's work around each statement cost eight times SQLite's. `SqlUnitOfWork.begin_batch` now reads what
  the batch's presses will read in six statements for the whole batch (event ids recorded with one
  `INSERT … RETURNING`, response rows locked in id order), and the replies and saved states are written with
  one executemany each when the batch ends, every saved row checked against the version it was read at (a
  row changed meanwhile fails the batch, which is handled again press by press). A place named in the batch
  drops its area's list; anything but a questionnaire button ends the batch's reads and writes first.
  Engine CPU per press in batches went from 1.35 to 0.37–0.5 ms on SQLite.
* **Giving way.** With so few database calls per press, the intake thread no longer released the GIL on its
  own and kept it for CPython's 5 ms switch interval at a time; at 500 reporters the acknowledgements then
  queued behind it (Socket Mode, one run: p99 350 ms, 944 presses a second). The intake now gives way after
  each press of a batch (`bot.intake.give_way`: `os.sched_yield` with the GIL released), so the event loop
  goes first when it has work: p99 24 ms and 1,190 a second in the next run.
* **Garbage collection.** A full collection walked every object of the process, Bolt's and SQLAlchemy's
  included, and stopped all threads for up to 350 ms: the slowest acknowledgements were all in one such
  moment. `est-bot run` now calls `gc.freeze()` once it has started (`bot.bootstrap.tune_runtime`, as this
  benchmark does); full collections then took 13–30 ms.
* **SQLite's busy wait.** SQLite makes a second writer wait by sleeping 1, 2, 5, 10 … ms. Within one process
  the intake, the sender and the scheduler now take turns on a lock of their own (`SqlUnitOfWork`).
* **Outbox.** Claiming, leasing and recording a message were ORM statements too, and the `processed_events`
  insert was compiled again for every event. They are now prepared Core or text statements.
* **The first burst.** Bolt asks `auth.test` on the first requests until one answer is cached. The benchmark
  sends one signed warm-up request before it starts. With the first presses spread over one second, as here,
  the tail stays small.
* **What is left is Bolt's.** Over HTTP a fifth of the event loop's time is Bolt parsing the urlencoded
  `payload=` field (`urllib.parse.unquote_to_bytes`, pure Python, for every escaped character of a payload
  that carries the whole message) and another fifth its keyword-argument injection for middleware and
  listeners; uvicorn's protocol and the socket writes most of the rest.
* **Tried and turned back.** A GIL switch interval of 0.5 ms instead of CPython's 5 ms: the event loop and the
  intake then handed the GIL to each other so often that Bolt over HTTP took 855 requests a second instead of
  2,100 with the core half idle. Three sender threads instead of one sent the replies sooner, but left the
  event loop too little of the GIL (ack p99 at 500 from about 16 ms to 626 ms). Handling presses in the
  event loop itself, with no intake thread, cost as much CPU per press and made the acknowledgements wait.
* **Not tried yet.** A sender that skips an address waiting out its rate limit instead of sleeping; a sender
  that gives way like the intake, for the tail with every reply sent at once.

Beyond one process, PostgreSQL lets several `est-bot run` processes share the work (docs/RELIABILITY.md), each
with its own edge and intake. SQLite allows one.
"""
