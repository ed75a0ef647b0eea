"""The week's form on the web (handlers/web/pages/form.py) for reporters reached by e-mail, and its pages."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "web.form.title": {"sv": "Veckans rapport, {week}", "en": "This week's report, {week}"},
    "web.form.week": {"sv": "vecka {n}", "en": "week {n}"},
    "web.form.whose": {"sv": "Formulär för {name}, {organisation}", "en": "Form for {name}, {organisation}"},
    "web.form.intro": {
        "sv": "{group}: hur har veckan varit i {areas}? Du kan ändra dina svar fram till {close}.",
        "en": "{group}: how was the week in {areas}? You can change your answers until {close}.",
    },
    "web.form.late_intro": {
        "sv": "Veckans rapportering har stängt. Svar som skickas nu tas emot och markeras som sena.",
        "en": "This week's reporting has closed. Answers sent now are received and marked as late.",
    },
    "web.form.status.none": {"sv": "Inte påbörjad.", "en": "Not started."},
    "web.form.status.pending": {"sv": "Inte påbörjad.", "en": "Not started."},
    "web.form.status.snoozed": {"sv": "Inte påbörjad.", "en": "Not started."},
    "web.form.status.in_progress": {
        "sv": "Påbörjad, inte skickad. Det du redan svarat (här eller i chatten) är ifyllt.",
        "en": "Started, not sent. What you already answered (here or in the chat) is filled in.",
    },
    "web.form.status.submitted": {
        "sv": "Skickad. Ändra något nedan och skicka igen om det behövs.",
        "en": "Sent. Change something below and send again if needed.",
    },
    "web.form.status.late": {"sv": "Markerad som sen.", "en": "Marked as late."},
    "web.form.not_me": {"sv": "Inte jag?", "en": "Not me?"},
    "web.form.quick": {"sv": "Snabbval", "en": "Quick choices"},
    "web.form.quick.nothing": {"sv": "Inget att rapportera", "en": "Nothing to report"},
    "web.form.quick.same": {"sv": "Samma som förra veckan", "en": "Same as last week"},
    "web.form.levels.help": {
        "sv": "0 grönt: inget / som vanligt · 1 gult: enstaka händelser · 2 orange: återkommande · "
        "3 rött: allvarligt / eskalerande. Från nivå {n} frågar vi var och vad.",
        "en": "0 green: nothing / as usual · 1 yellow: single incidents · 2 orange: recurring · "
        "3 red: serious / escalating. From level {n} we ask where and what.",
    },
    "web.form.level": {"sv": "{n} {name}", "en": "{n} {name}"},
    "web.form.where": {"sv": "Var?", "en": "Where?"},
    "web.form.where.none": {"sv": "Ingen plats vald", "en": "No place chosen"},
    "web.form.where.new": {"sv": "Eller skriv en ny plats", "en": "Or type a new place"},
    "web.form.what": {"sv": "Vad hände?", "en": "What happened?"},
    "web.form.what.hint": {
        "sv": "Kort. Skriv inga namn, personnummer eller telefonnummer.",
        "en": "Briefly. No names, identity numbers or phone numbers.",
    },
    "web.form.more": {"sv": "Något mer?", "en": "Anything more?"},
    "web.form.review": {"sv": "Till sammanfattningen", "en": "To the summary"},
    "web.form.missing": {
        "sv": "Välj en nivå för varje fråga. Nivå saknas för {items}. Det du har svarat är sparat.",
        "en": "Choose a level for every question. A level is missing for {items}. What you answered is saved.",
    },
    "web.form.missing.item": {"sv": "Välj en nivå.", "en": "Choose a level."},
    "web.form.stale": {
        "sv": "Dina svar ändrades någon annanstans (i chatten eller en annan flik) medan sidan var öppen, så det du "
        "skickade nu sparades inte. Här står det du fyllde i; skickar du igen ersätter det de andra ändringarna.",
        "en": "Your answers were changed elsewhere (in the chat or another tab) while this page was open, so what "
        "you just sent was not stored. Here is what you filled in; sending it again replaces the other changes.",
    },
    "web.form.cut": {
        "sv": "En text var för lång och har kortats. Kontrollera sammanfattningen.",
        "en": "A text was too long and has been shortened. Check the summary.",
    },
    "web.form.summary.title": {"sv": "Sammanfattning", "en": "Summary"},
    "web.form.summary.head": {
        "sv": "Dina svar för {week}. Stämmer det?",
        "en": "Your answers for {week}. Is this right?",
    },
    "web.form.summary.unsent": {
        "sv": "Dina ändringar är inte skickade än: tryck på Skicka. Till dess gäller svaren du skickade förut.",
        "en": "Your changes are not sent yet: press Send. Until then the answers you sent before stand.",
    },
    "web.form.send": {"sv": "Skicka", "en": "Send"},
    "web.form.change": {"sv": "Ändra", "en": "Change"},
    "web.form.sent.title": {"sv": "Tack!", "en": "Thank you!"},
    "web.form.sent.body": {
        "sv": "Din rapport för {week} är skickad. Du kan ändra den fram till {close}.",
        "en": "Your report for {week} has been sent. You can change it until {close}.",
    },
    "web.form.sent.late": {
        "sv": "Din rapport för {week} är mottagen och markerad som sen.",
        "en": "Your report for {week} was received and marked as late.",
    },
    "web.form.sent.change": {"sv": "Ändra svaren", "en": "Change the answers"},
    "web.form.locked.title": {"sv": "Veckan har stängt", "en": "The week has closed"},
    "web.form.locked.body": {
        "sv": "Veckans rapportering har stängt; dina skickade svar för {week} kan inte längre ändras.",
        "en": "This week's reporting has closed; your sent answers for {week} can no longer be changed.",
    },
    "web.form.refused.title": {"sv": "Länken fungerar inte", "en": "The link does not work"},
    "web.form.refused.forged": {
        "sv": "Länken är inte giltig. Kontrollera att hela länken kom med, eller öppna den igen från e-posten.",
        "en": "The link is not valid. Check that the whole link was copied, or open it again from the e-mail.",
    },
    "web.form.refused.revoked": {
        "sv": "Länken har spärrats, eftersom någon angav att formuläret inte var deras. Samordnaren har fått veta det. "
        "Är formuläret ditt, be samordnaren om en ny länk.",
        "en": "The link has been blocked, because someone said the form was not theirs. The coordinator was told. "
        "If the form is yours, ask the coordinator for a new link.",
    },
    "web.form.refused.closed": {
        "sv": "Veckan är avslutad och lägesbilden fastställd; svar tas inte längre emot.",
        "en": "The week is over and its situation picture finalised; answers are no longer taken.",
    },
    "web.form.refused.gone": {
        "sv": "Länken gäller någon som inte längre rapporterar här.",
        "en": "The link is for someone who no longer reports here.",
    },
    "web.form.no_session.title": {"sv": "Öppna formuläret från e-posten", "en": "Open the form from the e-mail"},
    "web.form.no_session.body": {
        "sv": "Formuläret öppnas med den personliga länken i ditt e-postmeddelande. Ett öppnat formulär gäller i tolv "
        "timmar; öppna länken igen om tiden har gått ut.",
        "en": "The form opens with the personal link in your e-mail. An opened form lasts twelve hours; open the "
        "link again if the time has run out.",
    },
    "web.form.not_me.title": {"sv": "Är det här inte ditt formulär?", "en": "Is this not your form?"},
    "web.form.not_me.body": {
        "sv": "Formuläret är till {name}. Om du inte är {name} spärrar vi länken, så att den inte fungerar längre, "
        "och berättar det för samordnaren. Inga svar ändras.",
        "en": "The form is for {name}. If you are not {name}, we block the link so it works no more, and tell the "
        "coordinator. No answers are changed.",
    },
    "web.form.not_me.button": {"sv": "Spärra länken", "en": "Block the link"},
    "web.form.not_me.back": {"sv": "Tillbaka till formuläret", "en": "Back to the form"},
    "web.form.not_me.done.title": {"sv": "Länken är spärrad", "en": "The link is blocked"},
    "web.form.not_me.done.body": {
        "sv": "Tack. Länken fungerar inte längre och samordnaren har fått veta det.",
        "en": "Thank you. The link works no more and the coordinator has been told.",
    },
    "web.form.not_me.done.untold": {
        "sv": "Tack. Länken fungerar inte längre. Samordnaren går inte att nå härifrån, så säg gärna själv till "
        "samordnaren i din EST-grupp.",
        "en": "Thank you. The link works no more. The coordinator cannot be reached from here, so please tell the "
        "coordinator of your EST group yourself.",
    },
    "web.form.not_me.told": {
        "sv": "⚠️ Någon som öppnade {name}s formulär för {week} angav att det inte var deras. Länken är spärrad, "
        "och ingen ny länk skickas av sig själv. Kontrollera e-postadressen (rapportör ny … | e-post rättar den); "
        "påminn skickar sedan en ny länk.",
        "en": "⚠️ Someone who opened {name}'s form for {week} said it was not theirs. The link is blocked, and no "
        "new link is sent by itself. Please check the e-mail address (reporter add … | e-mail corrects it); "
        "remind then sends a new link.",
    },
    "web.form.nothing.title": {"sv": "Inget att rapportera", "en": "Nothing to report"},
    "web.form.nothing.body": {
        "sv": "{name}: skicka ”inget att rapportera” för {week}? Alla frågor blir gröna (0). Du kan ändra det fram "
        "till {close}.",
        "en": "{name}: send “nothing to report” for {week}? Every question becomes green (0). You can change it "
        "until {close}.",
    },
    "web.form.nothing.replaces": {
        "sv": "Du har redan skickat en rapport för {week} där inte allt är grönt. Skickar du ”inget att rapportera” "
        "ersätts den: alla frågor blir gröna (0). Öppna hela formuläret för att se eller ändra den.",
        "en": "You have already sent a report for {week} in which not everything is green. Sending “nothing to "
        "report” replaces it: every question becomes green (0). Open the whole form to see or change it.",
    },
    "web.form.nothing.button": {"sv": "Skicka: inget att rapportera", "en": "Send: nothing to report"},
    "web.form.nothing.open": {"sv": "Öppna hela formuläret i stället", "en": "Open the whole form instead"},
    "web.report_off.title": {"sv": "Fredagsrapporten", "en": "The Friday report"},
    "web.report_off.body": {
        "sv": "{name}: vill du sluta få veckorapporten med e-post på fredagar?",
        "en": "{name}: do you want to stop getting the weekly report by e-mail on Fridays?",
    },
    "web.report_off.button": {"sv": "Sluta skicka rapporten till mig", "en": "Stop sending me the report"},
    "web.report_off.done": {
        "sv": "Klart: du får inte längre veckorapporten. Samordnaren kan slå på den igen.",
        "en": "Done: you no longer get the weekly report. The coordinator can turn it on again.",
    },
    "web.report_off.refused": {
        "sv": "Länken är inte giltig, eller gäller någon som inte längre finns här. Ingenting ändrades.",
        "en": "The link is not valid, or is for someone who is no longer here. Nothing was changed.",
    },
}
