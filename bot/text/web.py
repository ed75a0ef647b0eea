"""The web view's frame: the sign-in link in the chat, signing in and out, the menu and the error pages.
(Each page's own words are in bot/text/web_<page>.py.)"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "web.link": {
        "sv": "Din personliga länk till webbvyn. Den fungerar en gång, i {minutes} minuter, och bara för dig – "
        "dela den inte:\n{url}",
        "en": "Your personal link to the web view. It works once, for {minutes} minutes, and only for you – do not "
        "share it:\n{url}",
    },
    "web.link.limit": {
        "sv": "Du har bett om {n} länkar den senaste timmen. Vänta en stund och skriv webb igen.",
        "en": "You have asked for {n} links in the last hour. Wait a while and write web again.",
    },
    "web.title": {"sv": "EST – trygghetsläget", "en": "EST – the safety picture"},
    "web.skip": {"sv": "Hoppa till innehållet", "en": "Skip to the content"},
    "web.nav": {"sv": "Meny", "en": "Menu"},
    "web.nav.weeks": {"sv": "Veckor", "en": "Weeks"},
    "web.nav.trends": {"sv": "Trender", "en": "Trends"},
    "web.nav.map": {"sv": "Karta", "en": "Map"},
    "web.nav.actions": {"sv": "Åtgärder", "en": "Actions"},
    "web.nav.statistics": {"sv": "Statistik", "en": "Statistics"},
    "web.nav.reports": {"sv": "Veckorapporter", "en": "Weekly reports"},
    "web.nav.me": {"sv": "Mina svar", "en": "My answers"},
    "web.nav.review": {"sv": "Granska platser", "en": "Review places"},
    "web.signed_in_as": {"sv": "Inloggad som {name} ({role})", "en": "Signed in as {name} ({role})"},
    "web.signout": {"sv": "Logga ut", "en": "Sign out"},
    "web.signin.title": {"sv": "Logga in", "en": "Sign in"},
    "web.signin.body": {
        "sv": "Webbvyn har inga lösenord. Skriv webb till EST-boten i Slack eller Telegram (eller /est webb i "
        "Slack), så får du en personlig länk som fungerar en gång i 15 minuter.",
        "en": "The web view has no passwords. Write web to the EST bot in Slack or Telegram (or /est web in Slack) "
        "and you get a personal link that works once, for 15 minutes.",
    },
    "web.signedout.body": {"sv": "Du är utloggad.", "en": "You are signed out."},
    "web.idle.body": {
        "sv": "Din session har gått ut. Skriv webb till boten för en ny länk.",
        "en": "Your session has ended. Write web to the bot for a new link.",
    },
    "web.confirm.title": {"sv": "Logga in på webbvyn", "en": "Sign in to the web view"},
    "web.confirm.body": {
        "sv": "Länken loggar in dig och fungerar sedan inte igen. Tryck på knappen för att fortsätta.",
        "en": "The link signs you in once and then stops working. Press the button to continue.",
    },
    "web.confirm.button": {"sv": "Logga in", "en": "Sign in"},
    "web.refused.title": {"sv": "Länken fungerar inte", "en": "The link does not work"},
    "web.refused.unknown": {
        "sv": "Den här länken känner jag inte igen. Skriv webb till boten för en ny länk.",
        "en": "I do not recognise this link. Write web to the bot for a new link.",
    },
    "web.refused.used": {
        "sv": "Den här länken har redan använts; varje länk fungerar en gång. Skriv webb till boten för en ny.",
        "en": "This link has been used already; each link works once. Write web to the bot for a new one.",
    },
    "web.refused.expired": {
        "sv": "Den här länken har gått ut (den gällde i 15 minuter). Skriv webb till boten för en ny.",
        "en": "This link has expired (it was valid for 15 minutes). Write web to the bot for a new one.",
    },
    "web.forbidden.title": {"sv": "Inte för din roll", "en": "Not for your role"},
    "web.forbidden.body": {
        "sv": "Den här sidan är för {role}. Du är inloggad som {name} ({own}).",
        "en": "This page is for {role}. You are signed in as {name} ({own}).",
    },
    "web.csrf.title": {"sv": "Formuläret kunde inte skickas", "en": "The form could not be sent"},
    "web.csrf.body": {
        "sv": "Formuläret saknade sin säkerhetskod eller var för gammalt. Ladda om sidan och försök igen; "
        "inget har ändrats.",
        "en": "The form lacked its security code or was too old. Reload the page and try again; nothing was changed.",
    },
    "web.notfound.title": {"sv": "Sidan finns inte", "en": "Page not found"},
    "web.notfound.body": {
        "sv": "Det finns ingen sådan sida här.",
        "en": "There is no such page here.",
    },
    "web.badrequest.title": {"sv": "Det gick inte", "en": "That did not work"},
    "web.badrequest.body": {
        "sv": "Sidan kan inte användas så. Gå tillbaka och försök igen från menyn.",
        "en": "The page cannot be used that way. Go back and try again from the menu.",
    },
    "web.error.title": {"sv": "Något gick fel", "en": "Something went wrong"},
    "web.error.body": {
        "sv": "Något gick fel hos mig. Försök igen om en stund; samordnaren kan se felet i loggen.",
        "en": "Something went wrong on my side. Try again shortly; the coordinator can see the error in the log.",
    },
    "web.home": {"sv": "Till startsidan", "en": "To the start page"},
}
