"""`est-bot doctor`'s checks that need neither the database nor a platform's SDK: the result type, the reports
folder, each group's time zone and schedule, and that every person can be reached. The database's check is in
bot/cli_doctor.py (the composition root, which may use storage); the platforms' in handlers/doctor.py."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.config import Config
from bot.domain.cycle import PHASE_ORDER, SCHEDULED_PHASES, Phase, RoundKey, phase_due_at

#: Free space the reports folder should have: a year of weekly PDFs, charts and exports is far less.
MIN_FREE_BYTES = 200 * 1024 * 1024
#: The platforms a message can go out on (console is only for `est-bot chat`, nobody is sent anything there).
REACHING = ("slack", "telegram", "email")
#: Each scheduled phase as its setting in [groups.schedule] names it.
SETTING = {
    Phase.OPEN: "open",
    Phase.REMINDED: "remind",
    Phase.CLOSED: "close",
    Phase.DRAFTED: "draft",
    Phase.PUBLISHED: "publish",
}


@dataclass(frozen=True)
class Check:
    """One line of `est-bot doctor`: what was checked and found, and for a failure what to do about it."""

    ok: bool
    what: str
    todo: str = ""

    def line(self) -> str:
        if self.ok:
            return f"✓ {self.what}"
        return f"✗ {self.what}: {self.todo}" if self.todo else f"✗ {self.what}"


def passed(what: str) -> Check:
    return Check(True, what)


def failed(what: str, todo: str) -> Check:
    return Check(False, what, todo)


def _size(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GB"
    return f"{n / 1024**2:.0f} MB"


def _more_space(min_free: int) -> str:
    return f"free at least {_size(min_free)} on that disk, or set reports_dir to a folder on a larger one"


def reports_folder(folder: Path, min_free: int = MIN_FREE_BYTES) -> Check:
    """The folder exists (or can be made), a file can be written in it, and it has `min_free` bytes free."""
    where = f"reports folder {folder}"
    if not folder.exists():  # made at the first report; made here it could belong to the wrong user
        parent = next((p for p in folder.absolute().parents if p.exists()), Path("/"))
        if not os.access(parent, os.W_OK | os.X_OK):
            return failed(
                f"{where} does not exist and cannot be created in {parent}",
                "create it and give the user est-bot runs as the right to write there, or set reports_dir",
            )
        free = shutil.disk_usage(parent).free
        if free < min_free:
            return failed(f"{where}: only {_size(free)} free on {parent}", _more_space(min_free))
        return passed(f"{where}: not there yet, est-bot creates it in {parent}; {_size(free)} free")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".est-doctor-", delete=True) as probe:
            probe.write(b"est-bot doctor")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return failed(
            f"{where} is not writable ({exc.strerror or type(exc).__name__})",
            "give the user est-bot runs as the right to write there (chown/chmod), or set reports_dir",
        )
    free = shutil.disk_usage(folder).free
    if free < min_free:
        return failed(f"{where}: only {_size(free)} free", _more_space(min_free))
    return passed(f"{where}: writable, {_size(free)} free")


def schedules(cfg: Config, now: datetime) -> list[Check]:
    """Each group's time zone and the next time each scheduled phase runs, in the group's local time."""
    out: list[Check] = []
    for g in cfg.groups:
        try:
            tz = g.tz
            schedule = g.week_schedule()
            local = now.astimezone(tz)
            key = RoundKey.of(local.date())
            nxt: dict[Phase, datetime] = {}
            for _ in range(3):  # this week's phases still to come, then next week's
                for phase in SCHEDULED_PHASES:
                    due = phase_due_at(key, phase, schedule, tz)
                    if due > now and phase not in nxt:
                        nxt[phase] = due.astimezone(tz)
                key = key.next()
        except (ValueError, KeyError) as exc:  # the settings' checks make this unlikely; said, not hidden
            out.append(failed(f"group {g.id}: time zone {g.timezone} or schedule", f"{exc}; correct [groups.schedule]"))
            continue
        ordered = sorted(nxt.items(), key=lambda pd: PHASE_ORDER.index(pd[0]))
        times = ", ".join(f"{SETTING[phase]} {when:%a %Y-%m-%d %H:%M}" for phase, when in ordered)
        offset = now.astimezone(tz).strftime("%Z")
        out.append(passed(f"group {g.id}: time zone {g.timezone} (now {offset}); next {times}"))
    return out


def enabled_platforms(cfg: Config) -> tuple[str, ...]:
    on = {"slack": cfg.slack.enabled, "telegram": cfg.telegram.enabled, "email": cfg.email.enabled}
    return tuple(p for p in REACHING if on[p])


def reachability(cfg: Config, stored: Mapping[str, Mapping[str, Iterable[str]]]) -> list[Check]:
    """Every person of every group has an account or address on an enabled platform. `stored`: group id -> the
    people the database holds (added in the chat, too) by name -> the platforms of their linked accounts; the
    configuration's own accounts count as well (a database not yet synced has none of them)."""
    platforms = enabled_platforms(cfg)
    out: list[Check] = []
    for g in cfg.groups:
        ways: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for r in g.reporters:
            names[r.name.casefold()] = r.name
            ways[r.name.casefold()] = {p for p in REACHING if getattr(r, p) is not None}
        for name, accounts in stored.get(g.id, {}).items():
            names.setdefault(name.casefold(), name)
            ways.setdefault(name.casefold(), set()).update(accounts)
        nobody = sorted(names[k] for k, have in ways.items() if not have.intersection(platforms))
        if not platforms:
            out.append(
                failed(
                    f"group {g.id}: no platform is enabled, so the bot reaches none of its {len(names)} people",
                    "enable [slack], [telegram] or [email] (the terminal is only for trying it out)",
                )
            )
        elif nobody:
            out.append(
                failed(
                    f"group {g.id}: {len(nobody)} of {len(names)} people cannot be reached on "
                    f"{', '.join(platforms)}: {', '.join(nobody)}",
                    "give each a slack or telegram id or an email address in the settings (or `est-bot invite NAME` "
                    "for Telegram)",
                )
            )
        else:
            out.append(passed(f"group {g.id}: all {len(names)} people can be reached ({', '.join(platforms)})"))
    return out


def channels(cfg: Config, platform: str) -> list[tuple[str, str, str]]:
    """(group id, role, address) of every channel the settings name on `platform`."""
    out: list[tuple[str, str, str]] = []
    for g in cfg.groups:
        for role, ch in g.channels.items():
            address = getattr(ch, platform, None)
            if address is not None:
                out.append((g.id, role, str(address)))
    return out
