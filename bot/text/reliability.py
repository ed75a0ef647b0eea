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
            "anteckningar och meddelanden som nämner namnet. {responses} finns kvar utan namn.\n"
            "Meddelanden till andra som anteckningarna togs bort ur: {messages}. Raderade filer med personens egna "
            "uppgifter: {files}."
        ),
        "en": (
            "The person is erased and is now {placeholder}: name, organisation, chat accounts, invitations, own "
            "notes and messages naming them. {responses} remain without a name.\n"
            "Messages to others their notes were removed from: {messages}. Files of their own data deleted: {files}."
        ),
    },
    "forget.unknown": {
        "sv": "Det finns ingen med det namnet, eller så är personen redan raderad. Ingenting ändrades.",
        "en": "There is nobody of that name, or the person is already erased. Nothing was changed.",
    },
    "forget.redacted": {"sv": "[raderat]", "en": "[erased]"},
    "forget.in_config": {
        "sv": "⚠️ Namnet står kvar i konfigurationsfilen och läggs till igen vid nästa start: ta bort personen där.",
        "en": "⚠️ The name is still in the configuration file and comes back at the next start: remove it there.",
    },
    "forget.self": {
        "sv": "Du kan inte radera dig själv; be en annan samordnare.",
        "en": "You cannot erase yourself; ask another coordinator.",
    },
    "place.review.heading": {
        "sv": "Platser som rapportörer skrivit eller delat och som väntar på granskning:",
        "en": "Places reporters typed or shared that wait for review:",
    },
    "place.review.line": {"sv": "{id} {area}: {name} (svar: {n})", "en": "{id} {area}: {name} (answers: {n})"},
    "place.review.line_located": {
        "sv": "{id} {area}: {name} (delad position, svar: {n})",
        "en": "{id} {area}: {name} (shared location, answers: {n})",
    },
    "place.review.how": {
        "sv": (
            "Godkänn: granska godkänn P-ID [nytt namn] · avvisa: granska avvisa P-ID (till exempel P3). "
            "Först när en plats är godkänd "
            "erbjuds den andra rapportörer och syns i lägesbilden och rapporten."
        ),
        "en": (
            "Approve: review approve P-ID [new name] · reject: review reject P-ID (for example P3). "
            "Only an approved place is offered "
            "to other reporters and shown in the picture and the report."
        ),
    },
    "place.review.status": {
        "sv": "Platser som väntar på granskning: {n} (se granska).",
        "en": "Places waiting for review: {n} (see review).",
    },
    "place.review.usage": {
        "sv": "granska godkänn P-ID [nytt namn] · granska avvisa P-ID",
        "en": "review approve P-ID [new name] · review reject P-ID",
    },
    "place.review.approved": {
        "sv": "Plats {id} är godkänd: {name}. Den erbjuds nu i menyerna och syns i lägesbilden.",
        "en": "Place {id} is approved: {name}. It is now offered in the menus and shown in the picture.",
    },
    "place.review.rejected": {
        "sv": "Plats {id} är avvisad: {name}. Den erbjuds inte och syns inte i lägesbilden eller rapporten.",
        "en": "Place {id} is rejected: {name}. It is not offered and not shown in the picture or the report.",
    },
    "place.review.unknown": {
        "sv": "Det finns ingen plats {id} att granska.",
        "en": "There is no place {id} to review.",
    },
    "mydata.text": {
        "sv": (
            "Det här har boten sparat om dig ({name}):\n"
            "• Roll: {role}, organisation: {org}, språk: {language}\n"
            "• Områden: {areas}\n"
            "• Chattkonton: {accounts}\n"
            "• Svar: {responses}, {notes}\n"
            "• Observationer: {observations}, röster: {votes}, meddelanden till dig: {messages}\n"
            "Allt finns i den bifogade filen {file}. Anteckningar gallras efter {weeks}. Vill du bli raderad: "
            "be en samordnare att radera dig."
        ),
        "en": (
            "This is what the bot keeps about you ({name}):\n"
            "• Role: {role}, organisation: {org}, language: {language}\n"
            "• Areas: {areas}\n"
            "• Chat accounts: {accounts}\n"
            "• Responses: {responses}, {notes}\n"
            "• Observations: {observations}, votes: {votes}, messages to you: {messages}\n"
            "Everything is in the attached file {file}. Notes are deleted after {weeks}. To be erased, ask a "
            "coordinator to forget you."
        ),
    },
}
