"""Strings of the web view's pages for one's own answers (`/me`), the published reports (`/reports`), and the
coordinator's exports and review queue (`/review`)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    # /me
    "web.mine.title": {"sv": "Mina svar", "en": "My answers"},
    "web.mine.intro": {
        "sv": "Det du har skickat in, vecka för vecka, som det är sparat: anteckningar efter att telefonnummer, "
        "personnummer och e-postadresser har maskats. Ingen annans svar visas här.",
        "en": "What you have sent, week by week, as it is stored: notes after phone numbers, personal identity "
        "numbers and e-mail addresses were masked. Nobody else's answers are shown here.",
    },
    "web.mine.none": {
        "sv": "Du har inte skickat in några svar än.",
        "en": "You have not sent any answers yet.",
    },
    "web.mine.week": {"sv": "Vecka {week}", "en": "Week {week}"},
    "web.mine.sent": {"sv": "Skickat {at}", "en": "Sent {at}"},
    "web.mine.late": {"sv": "sent svar", "en": "late answer"},
    "web.mine.caption": {"sv": "{area}, vecka {week}", "en": "{area}, week {week}"},
    "web.mine.col.factor": {"sv": "Faktor", "en": "Factor"},
    "web.mine.col.level": {"sv": "Nivå", "en": "Level"},
    "web.mine.col.where": {"sv": "Plats och anteckning", "en": "Place and note"},
    "web.mine.more": {"sv": "Något mer: {text}", "en": "Anything more: {text}"},
    # /reports
    "web.reports.title": {"sv": "Veckorapporter", "en": "Weekly reports"},
    "web.reports.intro": {
        "sv": "Veckorapporterna som gått ut till gruppen, nyaste först. Samma dokument som skickas på fredagen.",
        "en": "The weekly reports sent to the group, newest first. The same documents as those sent on Friday.",
    },
    "web.reports.intro_drafts": {
        "sv": "Mötesdeltagare och samordnare ser också en fastställd veckas rapport innan den har skickats ut.",
        "en": "Meeting participants and coordinators also see a finalised week's report before it is sent out.",
    },
    "web.reports.none": {"sv": "Inga veckorapporter än.", "en": "No weekly reports yet."},
    "web.reports.caption": {"sv": "Publicerade veckorapporter", "en": "Published weekly reports"},
    "web.reports.col.week": {"sv": "Vecka", "en": "Week"},
    "web.reports.col.responses": {"sv": "Svar", "en": "Responses"},
    "web.reports.col.documents": {"sv": "Dokument", "en": "Documents"},
    "web.reports.responses": {
        "sv": "{responded} av {expected} ({percent})",
        "en": "{responded} of {expected} ({percent})",
    },
    "web.reports.published": {"sv": "utskickad", "en": "sent"},
    "web.reports.finalised": {"sv": "fastställd, ej utskickad än", "en": "finalised, not sent yet"},
    "web.reports.html": {"sv": "Webbsida", "en": "Web page"},
    "web.reports.pdf": {"sv": "PDF", "en": "PDF"},
    "web.reports.of_week": {"sv": ", rapport vecka {week}", "en": ", report week {week}"},
    "web.export.csv_short": {"sv": "Svar (CSV)", "en": "Answers (CSV)"},
    "web.export.xlsx_short": {"sv": "Export (Excel)", "en": "Export (Excel)"},
    "web.export.of_week": {"sv": ", vecka {week}", "en": ", week {week}"},
    "web.reports.not_found.title": {"sv": "Ingen rapport", "en": "No report"},
    "web.reports.not_found": {
        "sv": "Det finns ingen publicerad veckorapport för vecka {week}.",
        "en": "There is no published weekly report for week {week}.",
    },
    "web.reports.back": {"sv": "Alla veckorapporter", "en": "All weekly reports"},
    # exports
    "web.export.not_found.title": {"sv": "Ingen export", "en": "No export"},
    "web.export.not_found": {
        "sv": "Det finns ingen omgång för vecka {week} att exportera.",
        "en": "There is no round for week {week} to export.",
    },
    # /review
    "web.review.title": {"sv": "Platser att granska", "en": "Places to review"},
    "web.review.intro": {
        "sv": "Platser som rapportörer skrivit eller delat och som väntar på en samordnare. Tills en plats är "
        "godkänd visas den inte för andra rapportörer och inte i lägesbilden. Du godkänner eller avvisar i "
        "chatten:",
        "en": "Places reporters typed or shared that wait for a coordinator. Until a place is approved it is not "
        "offered to other reporters and not shown in the picture. You approve or reject in the chat:",
    },
    "web.review.none": {"sv": "Inga platser väntar på granskning.", "en": "No places wait for review."},
    "web.review.summary.one": {
        "sv": "1 plats väntar, sedan {since}.",
        "en": "1 place waits, since {since}.",
    },
    "web.review.summary.many": {
        "sv": "{count} platser väntar, den äldsta sedan {since}.",
        "en": "{count} places wait, the oldest since {since}.",
    },
    "web.review.caption": {"sv": "Platser som väntar på granskning", "en": "Places waiting for review"},
    "web.review.col.id": {"sv": "Id", "en": "Id"},
    "web.review.col.name": {"sv": "Plats", "en": "Place"},
    "web.review.col.answers": {"sv": "Svar", "en": "Answers"},
    "web.review.col.since": {"sv": "Sedan", "en": "Since"},
    "web.review.located": {"sv": "delad position", "en": "shared location"},
    "web.review.typed": {"sv": "skriven", "en": "typed"},
    "web.review.unknown_since": {"sv": "okänt", "en": "unknown"},
}
