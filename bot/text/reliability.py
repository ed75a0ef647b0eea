"""Strings of the reliability and personal-data features: parked messages, note review, forget, own data."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "rel.parked_line": {
        "sv": "   • till {who}: {error}",
        "en": "   • to {who}: {error}",
    },
    "rel.parked_unknown": {"sv": "okänd mottagare {address}", "en": "unknown recipient {address}"},
    "review.edit_usage": {
        "sv": "granska redigera ID: ny text — skriver om anteckningen (t.ex. för att ta bort ett namn) "
        "och godkänner den.",
        "en": "review edit ID: new text — rewrites the note (e.g. to remove a name) and approves it.",
    },
    "review.edited": {
        "sv": "Anteckning {id} är omskriven och godkänd: {text}",
        "en": "Note {id} is rewritten and approved: {text}",
    },
    "forget.usage": {
        "sv": "radera NAMN — raderar personens namn, organisation och chattkopplingar; nivåerna finns kvar anonymt.",
        "en": "forget NAME — erases the person's name, organisation and chat links; their levels stay, anonymised.",
    },
    "forget.done": {
        "sv": (
            "Personen är raderad och heter nu {placeholder}: namn, organisation, chattkonton, inbjudningar, egna "
            "anteckningar och meddelanden som nämner namnet. {responses} finns kvar utan namn."
        ),
        "en": (
            "The person is erased and is now {placeholder}: name, organisation, chat accounts, invitations, own "
            "notes and messages naming them. {responses} remain without a name."
        ),
    },
    "forget.in_config": {
        "sv": "⚠️ Namnet står kvar i konfigurationsfilen och läggs till igen vid nästa start: ta bort personen där.",
        "en": "⚠️ The name is still in the configuration file and comes back at the next start: remove it there.",
    },
    "forget.self": {
        "sv": "Du kan inte radera dig själv; be en annan samordnare.",
        "en": "You cannot erase yourself; ask another coordinator.",
    },
    "mydata.text": {
        "sv": (
            "Det här har boten sparat om dig ({name}):\n"
            "• Roll: {role}, organisation: {org}, språk: {language}\n"
            "• Områden: {areas}\n"
            "• Chattkonton: {accounts}\n"
            "• Svar: {responses}, {notes}\n"
            "• Observationer: {observations}, röster: {votes}\n"
            "Allt finns i den bifogade filen {file}. Anteckningar gallras efter {weeks}. Vill du bli raderad: "
            "be en samordnare att radera dig."
        ),
        "en": (
            "This is what the bot keeps about you ({name}):\n"
            "• Role: {role}, organisation: {org}, language: {language}\n"
            "• Areas: {areas}\n"
            "• Chat accounts: {accounts}\n"
            "• Responses: {responses}, {notes}\n"
            "• Observations: {observations}, votes: {votes}\n"
            "Everything is in the attached file {file}. Notes are deleted after {weeks}. To be erased, ask a "
            "coordinator to forget you."
        ),
    },
}
