"""Strings of a first contact: the greeting for people who answer no questionnaire (coordinators, meeting
participants, reporters without an area), on `/start`, a direct message or Slack's App Home, and the
terminal's `est-bot chat` session."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "start.not_understood": {
        "sv": "Jag förstod inte ”{text}”: det är inget kommando, och du har ingen enkät att svara på.",
        "en": "I did not understand “{text}”: it is not a command, and you have no questionnaire to answer.",
    },
    "start.not_understood.close": {
        "sv": "Jag förstod inte ”{text}”. Menade du {c0}?",
        "en": "I did not understand “{text}”. Did you mean {c0}?",
    },
    "start.not_understood.close2": {
        "sv": "Jag förstod inte ”{text}”. Menade du {c0} eller {c1}?",
        "en": "I did not understand “{text}”. Did you mean {c0} or {c1}?",
    },
    "start.hello.reporter": {
        "sv": "Hej {name}! Du är rapportör i {group}, men du har inget område att rapportera om än, så du får "
        "inga veckofrågor. Be en samordnare att ge dig ett område.",
        "en": "Hi {name}! You are a reporter in {group}, but you have no area to report on yet, so you get no "
        "weekly questions. Ask a coordinator to give you an area.",
    },
    "start.hello.participant": {
        "sv": "Hej {name}! Du är mötesdeltagare i {group}. Du rapporterar inte själv, så veckans frågor går "
        "inte till dig. Du ser lägesbilden, prioriterar i veckans möte och kan lägga till observationer.",
        "en": "Hi {name}! You are a meeting participant in {group}. You do not report yourself, so the weekly "
        "questions do not come to you. You see the situation picture, prioritise in the weekly meeting and can "
        "add observations.",
    },
    "start.hello.coordinator": {
        "sv": "Hej {name}! Du är samordnare i {group}. Du rapporterar inte själv, så veckans frågor går inte "
        "till dig. Du leder veckan: rapportörer, områden, lägesbild, prioriteringar och rapporter.",
        "en": "Hi {name}! You are a coordinator in {group}. You do not report yourself, so the weekly questions "
        "do not come to you. You run the week: reporters, areas, situation picture, priorities and reports.",
    },
    "start.hello.admin": {
        "sv": "Hej {name}! Du är administratör i {group}. Du rapporterar inte själv, så veckans frågor går "
        "inte till dig. Du leder veckan: rapportörer, områden, lägesbild, prioriteringar och rapporter.",
        "en": "Hi {name}! You are an administrator in {group}. You do not report yourself, so the weekly "
        "questions do not come to you. You run the week: reporters, areas, situation picture, priorities and "
        "reports.",
    },
    "start.week": {"sv": "Just nu: vecka {week}, {phase}.", "en": "Right now: week {week}, {phase}."},
    "start.home_hint": {
        "sv": "/est hjälp visar allt du kan göra.",
        "en": "/est help shows everything you can do.",
    },
    "chat.you.reporter": {"sv": "Du är {name}, rapportör i {group}.", "en": "You are {name}, reporter in {group}."},
    "chat.you.participant": {
        "sv": "Du är {name}, mötesdeltagare i {group}.",
        "en": "You are {name}, meeting participant in {group}.",
    },
    "chat.you.coordinator": {
        "sv": "Du är {name}, samordnare i {group}.",
        "en": "You are {name}, coordinator in {group}.",
    },
    "chat.you.admin": {
        "sv": "Du är {name}, administratör i {group}.",
        "en": "You are {name}, administrator in {group}.",
    },
    "chat.how": {
        "sv": "Skriv ett nummer, en text eller hjälp; avsluta stänger.",
        "en": "Type a number, some text or help; quit ends.",
    },
    # After "bot" when a message is shown again with its changes (the chat platforms edit it in place).
    "chat.edited": {"sv": "uppdaterad", "en": "updated"},
    "chat.removed": {
        "sv": "{name} är borttagen ur {group} och kan inte använda boten längre. Tidigare svar finns kvar. "
        "Om det är fel: be en samordnare att lägga till {name} igen.",
        "en": "{name} was removed from {group} and cannot use the bot any more. Earlier answers are kept. "
        "If that is wrong, ask a coordinator to add {name} again.",
    },
    "chat.unknown": {
        "sv": "Ingen heter {who}. Ange en av dessa med --as (namn eller terminal-id): {known}",
        "en": "Nobody is called {who}. Give one of these with --as (name or terminal id): {known}",
    },
}
