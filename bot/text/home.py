"""Strings of the overview a person sees of their own week (Slack's App Home tab)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "home.title": {"sv": "EST – din vecka", "en": "EST – your week"},
    "home.hello": {"sv": "Hej {name}! Du rapporterar för {group}.", "en": "Hi {name}! You report for {group}."},
    "home.no_round": {
        "sv": "Ingen enkät är öppen just nu. Nästa öppnar {next}.",
        "en": "No questionnaire is open right now. The next one opens {next}.",
    },
    "home.week": {"sv": "Vecka {week}: {phase}.", "en": "Week {week}: {phase}."},
    "home.status.none": {"sv": "Du har inte börjat svara än.", "en": "You have not started answering yet."},
    "home.status.pending": {"sv": "Du har inte börjat svara än.", "en": "You have not started answering yet."},
    "home.status.in_progress": {
        "sv": "Du har börjat svara men inte skickat.",
        "en": "You have started answering but not sent it.",
    },
    "home.status.snoozed": {"sv": "Du bad om att få svara senare.", "en": "You asked to answer later."},
    "home.status.submitted": {"sv": "Tack! Dina svar är skickade.", "en": "Thank you! Your answers are sent."},
    "home.status.late": {"sv": "Dina svar kom in efter stängning.", "en": "Your answers came in after closing."},
    "home.close": {"sv": "Enkäten stänger {close}.", "en": "The questionnaire closes {close}."},
    "home.answers": {"sv": "Dina svar den här veckan:", "en": "Your answers this week:"},
    "home.hint": {
        "sv": "Svara i Meddelanden-fliken, eller skriv /est rapport. /est hjälp visar allt du kan göra.",
        "en": "Answer in the Messages tab, or type /est report. /est help shows everything you can do.",
    },
}
