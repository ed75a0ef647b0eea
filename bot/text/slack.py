"""Strings only the Slack edge draws (its forms and menus); everything else comes from the core's texts."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "help.how.slack": {
        "sv": "I Slack skriver du /est och sedan kommandot, till exempel /est rapport eller /est status.",
        "en": "In Slack you type /est and then the command, for example /est report or /est status.",
    },
    "slack.confirm.title": {"sv": "Fastställa?", "en": "Finalise?"},
    "slack.confirm.finalize": {
        "sv": "Lägesbilden och prioriteringarna låses och går ut i fredagens rapport.",
        "en": "The picture and the priorities are locked and go out in Friday's report.",
    },
    "slack.confirm.yes": {"sv": "Fastställ", "en": "Finalise"},
    "slack.confirm.no": {"sv": "Avbryt", "en": "Cancel"},
    "slack.pick.type": {"sv": "Typ av åtgärd", "en": "Action type"},
    "slack.pick.resp": {"sv": "Vem agerar", "en": "Who acts"},
    "slack.pick.time": {"sv": "Tidsram", "en": "Time frame"},
    "slack.type_here": {
        "sv": "Skriv ditt svar här i chatten.",
        "en": "Type your answer here in the chat.",
    },
    "slack.where.button": {"sv": "📝 Plats och beskrivning…", "en": "📝 Place and description…"},
    "slack.where.title": {"sv": "Var och vad?", "en": "Where and what?"},
    "slack.where.pick": {"sv": "Känd plats", "en": "Known place"},
    "slack.where.pick_placeholder": {"sv": "Välj en plats", "en": "Choose a place"},
    "slack.where.new": {"sv": "…eller en ny plats", "en": "…or a new place"},
    "slack.where.what": {"sv": "Vad hände?", "en": "What happened?"},
    "slack.where.what_hint": {
        "sv": "Skriv inga namn eller personnummer.",
        "en": "Do not write names or personal identity numbers.",
    },
    "slack.where.submit": {"sv": "Spara", "en": "Save"},
    "slack.where.close": {"sv": "Avbryt", "en": "Cancel"},
}
