"""User-facing strings: the weekly questionnaire."""

TEXT: dict[str, dict[str, str]] = {
    "q.greeting": {
        "sv": "Hej {name}! Dags för veckans EST-rapport ({week}).\n"
        "Hur har den senaste veckan varit i {areas}? Det tar 1–3 minuter.",
        "en": "Hi {name}! Time for this week's EST report ({week}).\n"
        "How was the past week in {areas}? It takes 1–3 minutes.",
    },
    "q.resume": {
        "sv": "Välkommen tillbaka! Vi fortsätter där du var.",
        "en": "Welcome back! Let's continue where you left off.",
    },
    "q.btn.start": {"sv": "▶️ Börja", "en": "▶️ Start"},
    "q.btn.nothing": {"sv": "🟢 Inget att rapportera", "en": "🟢 Nothing to report"},
    "q.btn.same": {"sv": "🔁 Som förra veckan", "en": "🔁 Same as last week"},
    "q.btn.later": {"sv": "⏰ Påminn mig senare", "en": "⏰ Remind me later"},
    "q.btn.back": {"sv": "⬅️ Tillbaka", "en": "⬅️ Back"},
    "q.btn.skip": {"sv": "Hoppa över", "en": "Skip"},
    "q.btn.new_place": {"sv": "✏️ Ny plats (skriv)", "en": "✏️ New place (type it)"},
    "q.btn.no_more": {"sv": "Nej tack", "en": "No, thanks"},
    "q.btn.send": {"sv": "✅ Skicka", "en": "✅ Send"},
    "q.btn.change_more": {"sv": "✏️ Övrigt", "en": "✏️ Anything else"},
    "q.btn.edit": {"sv": "✏️ Ändra svar", "en": "✏️ Change answers"},
    "level.0": {"sv": "Inget / som vanligt", "en": "Nothing / as usual"},
    "level.1": {"sv": "Enstaka händelser", "en": "Single incidents"},
    "level.2": {"sv": "Återkommande", "en": "Recurring"},
    "level.3": {"sv": "Allvarligt / eskalerande", "en": "Serious / escalating"},
    "q.level": {
        "sv": "{area}Fråga {n} av {total}\n{factor}\nHur har veckan varit?",
        "en": "{area}Question {n} of {total}\n{factor}\nHow was the week?",
    },
    "q.where": {
        "sv": "{factor}: {level}.\nVar? Välj en plats, skriv namnet på en ny eller dela en position.",
        "en": "{factor}: {level}.\nWhere? Choose a place, type the name of a new one or share a location.",
    },
    "q.where.typing": {
        "sv": "{factor}: {level}.\nSkriv namnet på den nya platsen (en gata, ett torg, en skola; inte en person).",
        "en": "{factor}: {level}.\nType the name of the new place (a street, a square, a school; not a person).",
    },
    "q.what": {
        "sv": "Vad hände, och när? Skriv kort (platser och situationer, inte personer).",
        "en": "What happened, and when? Keep it short (places and situations, not people).",
    },
    "q.more": {
        "sv": "Något mer som gruppen bör veta om veckan? Skriv, eller tryck Nej tack.",
        "en": "Anything else the group should know about the week? Type it, or press No, thanks.",
    },
    "q.summary": {
        "sv": "Sammanfattning {week}. Stämmer det? Tryck på en fråga för att ändra den.",
        "en": "Summary {week}. Is this right? Press a question to change it.",
    },
    "q.summary.copied": {
        "sv": "Dina svar från förra veckan är ifyllda. Kontrollera och skicka.",
        "en": "Your answers from last week are filled in. Check them and send.",
    },
    "q.summary.nothing": {
        "sv": "Allt är grönt. Skicka, eller ändra något först.",
        "en": "Everything is green. Send, or change something first.",
    },
    "q.summary.more": {"sv": "Övrigt: {text}", "en": "Anything else: {text}"},
    "q.sent": {
        "sv": "Tack! Din rapport för {week} är skickad. Du kan ändra den fram till {close}.",
        "en": "Thank you! Your report for {week} has been sent. You can change it until {close}.",
    },
    "q.sent.late": {
        "sv": "Tack! Din rapport för {week} är mottagen och markerad som sen.",
        "en": "Thank you! Your report for {week} was received and marked as late.",
    },
    "q.snoozed": {
        "sv": "Okej, jag påminner dig igen {at}.",
        "en": "OK, I will remind you again at {at}.",
    },
    "q.no_last_week": {
        "sv": "Du har ingen skickad rapport från förra veckan att utgå från.",
        "en": "You have no sent report from last week to start from.",
    },
    "q.stale": {
        "sv": "Den frågan är redan besvarad. Ändra den från sammanfattningen.",
        "en": "That question has already been answered. Change it from the summary.",
    },
    "q.type_or_choose": {
        "sv": "Välj ett av alternativen nedan.",
        "en": "Please choose one of the options below.",
    },
    "q.not_at_place_step": {
        "sv": "En position kan bara delas när jag frågar var.",
        "en": "A location can only be shared when I ask where.",
    },
    "q.location_label": {"sv": "Delad position", "en": "Shared location"},
    "q.too_long": {
        "sv": "Texten var lång och har kortats till {n} tecken.",
        "en": "The text was long and has been cut to {n} characters.",
    },
    "q.closed_edit": {
        "sv": "Veckans rapportering har stängt; skickade svar kan inte längre ändras.",
        "en": "This week's reporting has closed; sent answers can no longer be changed.",
    },
    "q.finalised": {
        "sv": "Lägesbilden för {week} är fastställd; svar tas inte längre emot.",
        "en": "The situation picture for {week} is finalised; answers are no longer taken.",
    },
    "q.no_round": {
        "sv": "Det finns ingen öppen rapportering just nu. Nästa enkät kommer {next}.",
        "en": "There is no open questionnaire right now. The next one comes {next}.",
    },
    "q.reminder": {
        "sv": "Påminnelse: veckans EST-rapport ({week}) är inte klar. Den stänger {close}.",
        "en": "Reminder: this week's EST report ({week}) is not finished. It closes {close}.",
    },
    "q.none": {"sv": "–", "en": "–"},
    "q.incomplete": {
        "sv": "Några frågor saknar svar. Svara på dem först, sedan kan du skicka.",
        "en": "Some questions have no answer yet. Answer them first, then you can send.",
    },
    "q.wake": {
        "sv": "Dags för veckans EST-rapport ({week}), som du bad om.",
        "en": "Time for this week's EST report ({week}), as you asked.",
    },
    "q.already_sent": {
        "sv": "Din rapport för {week} är skickad och rapporteringen har stängt. Tack!",
        "en": "Your report for {week} has been sent and reporting has closed. Thank you!",
    },
}
