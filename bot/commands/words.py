"""The words of the commands in Swedish and English: command names, roles, and what `export` writes."""

from __future__ import annotations

# Swedish and English words for the same command.
ALIASES = {
    "hjälp": "help",
    "rapport": "report_me",
    "rapportera": "report_me",
    "ändra": "edit",
    "andra": "edit",
    "sprak": "language",
    "språk": "language",
    "lang": "language",
    "ledig": "pause",
    "semester": "pause",
    "påminn": "remind",
    "öppna": "open",
    "stäng": "close",
    "lägesbild": "picture",
    "fastställ": "finalize",
    "finalise": "finalize",
    "veckorapport": "report",
    "rapportör": "reporter",
    "område": "area",
    "observera": "observe",
    "observation": "observe",
    "prioritet": "priority",
    "åtgärder": "actions",
    "granska": "review",
    "bjud": "invite",
    "inbjudan": "invite",
    "statistik": "stats",
    "exportera": "export",
    "uppföljning": "followup",
    "uppfoljning": "followup",
    "glöm": "forget",
    "radera": "forget",
    "minadata": "mydata",
    "mina_data": "mydata",
    "utkast": "draft",
    "publicera": "publish",
    # The Swedish words without å, ä, ö: what Telegram's command menu can hold, and what a keyboard without them
    # types.
    "hjalp": "help",
    "paminn": "remind",
    "oppna": "open",
    "stang": "close",
    "lagesbild": "picture",
    "faststall": "finalize",
    "rapportor": "reporter",
    "omrade": "area",
    "atgarder": "actions",
    "glom": "forget",
    "weeklyreport": "report",
}

# A role as written in a command, in either language.
ROLE_WORDS = {
    "rapportör": "reporter",
    "rapportor": "reporter",
    "mötesdeltagare": "participant",
    "motesdeltagare": "participant",
    "deltagare": "participant",
    "samordnare": "coordinator",
    "administratör": "admin",
    "administrator": "admin",
}

# What `export` writes, in either language.
KIND_WORDS = {
    "answers": "answers",
    "svar": "answers",
    "pictures": "pictures",
    "lägesbilder": "pictures",
    "lagesbilder": "pictures",
    "actions": "actions",
    "åtgärder": "actions",
    "atgarder": "actions",
    "all": "all",
    "allt": "all",
    "alla": "all",
}
