"""User-facing strings: commands, roles, meeting controls, the cycle."""

TEXT: dict[str, dict[str, str]] = {
    "day.1": {"sv": "måndag", "en": "Monday"},
    "day.2": {"sv": "tisdag", "en": "Tuesday"},
    "day.3": {"sv": "onsdag", "en": "Wednesday"},
    "day.4": {"sv": "torsdag", "en": "Thursday"},
    "day.5": {"sv": "fredag", "en": "Friday"},
    "day.6": {"sv": "lördag", "en": "Saturday"},
    "day.7": {"sv": "söndag", "en": "Sunday"},
    "phase.planned": {"sv": "planerad", "en": "planned"},
    "phase.open": {"sv": "öppen", "en": "open"},
    "phase.reminded": {"sv": "öppen (påmind)", "en": "open (reminded)"},
    "phase.closed": {"sv": "stängd", "en": "closed"},
    "phase.drafted": {"sv": "utkast till lägesbild", "en": "draft picture"},
    "phase.finalised": {"sv": "fastställd", "en": "finalised"},
    "phase.published": {"sv": "publicerad", "en": "published"},
    "cmd.unknown_user": {
        "sv": "Hej! Jag känner inte igen dig. Be din EST-samordnare att lägga till dig som rapportör.",
        "en": "Hi! I don't know you yet. Ask your EST coordinator to add you as a reporter.",
    },
    "cmd.unknown": {
        "sv": 'Okänt kommando "{cmd}". Skriv hjälp för att se vad du kan göra.',
        "en": 'Unknown command "{cmd}". Type help to see what you can do.',
    },
    "cmd.unknown.close": {
        "sv": 'Okänt kommando "{cmd}". Menade du {c0}? Skriv hjälp för att se vad du kan göra.',
        "en": 'Unknown command "{cmd}". Did you mean {c0}? Type help to see what you can do.',
    },
    "cmd.unknown.close2": {
        "sv": 'Okänt kommando "{cmd}". Menade du {c0} eller {c1}? Skriv hjälp för att se vad du kan göra.',
        "en": 'Unknown command "{cmd}". Did you mean {c0} or {c1}? Type help to see what you can do.',
    },
    "cmd.denied": {
        "sv": 'Kommandot "{cmd}" är bara för {role}.',
        "en": 'The command "{cmd}" is only for {role}.',
    },
    "role.reporter": {"sv": "rapportörer", "en": "reporters"},
    "role.participant": {"sv": "mötesdeltagare", "en": "meeting participants"},
    "role.coordinator": {"sv": "samordnare", "en": "coordinators"},
    "role.admin": {"sv": "administratörer", "en": "administrators"},
    "role.one.reporter": {"sv": "rapportör", "en": "reporter"},
    "role.one.participant": {"sv": "mötesdeltagare", "en": "meeting participant"},
    "role.one.coordinator": {"sv": "samordnare", "en": "coordinator"},
    "role.one.admin": {"sv": "administratör", "en": "administrator"},
    "cmd.usage": {"sv": "Så här: {usage}", "en": "Usage: {usage}"},
    "cmd.error": {
        "sv": "Något gick fel hos mig, inget sparades. Försök igen om en stund; samordnaren kan se felet i loggen.",
        "en": "Something went wrong on my side and nothing was saved. Try again shortly; "
        "the coordinator can see the error in the log.",
    },
    "help.reporter": {
        "sv": "Det här kan du skriva till mig:\n"
        "• rapport – börja eller fortsätt veckans rapport\n"
        "• ändra – ändra din skickade rapport (fram till stängning)\n"
        "• ledig ÅÅÅÅ-MM-DD – inga frågor till och med ett datum (semester); ledig av – frågor igen\n"
        "• språk sv|en – byt språk\n"
        "• minadata – se vad boten har sparat om dig\n"
        "• webb – en personlig länk till webbvyn (veckorna, trender, karta)\n"
        "• start – en hälsning och vad du kan göra\n"
        "• hjälp – den här hjälpen",
        "en": "Here is what you can write to me:\n"
        "• report – start or continue this week's report\n"
        "• edit – change your sent report (until it closes)\n"
        "• pause YYYY-MM-DD – no questions until a date (vacation); pause off – questions again\n"
        "• language sv|en – change language\n"
        "• mydata – see what the bot has stored about you\n"
        "• web – a personal link to the web view (the weeks, trends, a map)\n"
        "• start – a greeting and what you can do\n"
        "• help – this help",
    },
    "help.participant": {
        "sv": "Mötesdeltagare:\n"
        "• lägesbild [ÅÅÅÅ-Vnn] – förhandsvisa lägesbilden\n"
        "• veckorapport [ÅÅÅÅ-Vnn] – veckorapporten (med PDF)\n"
        "• observera OMRÅDE [FAKTOR]: text – lägg till en observation\n"
        "• åtgärder – de beslutade åtgärderna",
        "en": "Meeting participants:\n"
        "• picture [YYYY-Wnn] – preview the situation picture\n"
        "• report [YYYY-Wnn] – the weekly report (with a PDF)\n"
        "• observe AREA [FACTOR]: text – add an observation\n"
        "• actions – the decided actions",
    },
    "help.coordinator": {
        "sv": "Samordnarkommandon:\n"
        "• status – svarsfrekvens och vilka som inte svarat\n"
        "• påminn – påminn dem som inte svarat\n"
        "• öppna / stäng – öppna eller stäng veckans rapportering nu\n"
        "• utkast – lägg ut utkastet till lägesbild i mötet nu (när rapporteringen är stängd)\n"
        "• fastställ [ÅÅÅÅ-Vnn] – fastställ lägesbilden\n"
        "• publicera – skicka ut den fastställda veckorapporten nu\n"
        "• exportera [FRÅN [TILL]] [csv|xlsx] – svar, lägesbilder och åtgärder som fil\n"
        "• uppföljning [ÅR] [html|pdf] – årsuppföljning av åtgärderna\n"
        "• rapportör ny NAMN | ORGANISATION | OMRÅDE[,OMRÅDE] [| ROLL] [| E-POST]\n"
        "• rapportör bort NAMN · rapportör lista\n"
        "• bjud NAMN – en inbjudningslänk till boten\n"
        "• ledig NAMN ÅÅÅÅ-MM-DD (eller av)\n"
        "• område ny KOD NAMN · område lista\n"
        "• prioritet ny OMRÅDE [| PLATS]: text\n"
        "• åtgärder [klar|pågår ID]\n"
        "• granska [godkänn|dölj ID] · granska redigera ID: text\n"
        "• granska godkänn|avvisa P-ID [NAMN] – nya platser som rapportörer skrivit eller delat\n"
        "• statistik [ÅÅÅÅ-MM] – månadsuppföljningen av brott och skadegörelse\n"
        "• bakåttest [VECKOR] [nyckel=värde,…] … – regeln för stigande nivå provad på lagrade veckor\n"
        "• radera NAMN – radera en person (svaren finns kvar utan namn)",
        "en": "Coordinator commands:\n"
        "• status – response rate and who has not answered\n"
        "• remind – remind those who have not answered\n"
        "• open / close – open or close this week's reporting now\n"
        "• draft – post the draft situation picture in the meeting now (once reporting is closed)\n"
        "• finalize [YYYY-Wnn] – finalise the situation picture\n"
        "• publish – send out the finalised weekly report now\n"
        "• export [FROM [TO]] [csv|xlsx] – answers, pictures and actions as a file\n"
        "• followup [YEAR] [html|pdf] – the yearly follow-up of actions\n"
        "• reporter add NAME | ORGANISATION | AREA[,AREA] [| ROLE] [| E-MAIL]\n"
        "• reporter remove NAME · reporter list\n"
        "• invite NAME – an invitation link to the bot\n"
        "• pause NAME YYYY-MM-DD (or off)\n"
        "• area add CODE NAME · area list\n"
        "• priority add AREA [| PLACE]: text\n"
        "• actions [done|ongoing ID]\n"
        "• review [approve|hide ID] · review edit ID: text\n"
        "• review approve|reject P-ID [NAME] – new places reporters typed or shared\n"
        "• stats [YYYY-MM] – the monthly follow-up of crimes and vandalism\n"
        "• backtest [WEEKS] [key=value,…] … – the rising-level rule tried on the stored weeks\n"
        "• forget NAME – erase a person (their answers stay without a name)",
    },
    "cmd.language.set": {"sv": "Jag skriver på svenska från och med nu.", "en": "I will write in English from now on."},
    "cmd.language.usage": {"sv": "språk sv|en", "en": "language sv|en"},
    "cmd.no_round": {
        "sv": "Det finns ingen omgång för den här veckan än.",
        "en": "There is no round for this week yet.",
    },
    "cmd.status": {
        "sv": "{week}: {phase}. Svar: {done} av {expected} ({rate} %), varav {late} sena.",
        "en": "{week}: {phase}. Answers: {done} of {expected} ({rate} %), {late} of them late.",
    },
    "cmd.status.missing": {"sv": "Har inte svarat: {names}", "en": "Not answered: {names}"},
    "cmd.status.paused": {"sv": "Lediga: {names}", "en": "On leave: {names}"},
    "cmd.status.parked": {
        "sv": "⚠️ {n} kunde inte levereras; den som driver boten ser varför i dess logg.",
        "en": "⚠️ {n} could not be delivered; whoever runs the bot sees why in its log.",
    },
    "cmd.status.next": {"sv": "Nästa steg: {phase} {at}.", "en": "Next step: {phase} {at}."},
    "cmd.remind.done": {"sv": "Påminnelse skickad till {n}.", "en": "Reminder sent to {n}."},
    "cmd.remind.closed": {
        "sv": "Rapporteringen är redan stängd för {week}.",
        "en": "Reporting has already closed for {week}.",
    },
    "cmd.open.done": {
        "sv": "{week} är öppen; enkäten har gått ut.",
        "en": "{week} is open; the questionnaire has gone out.",
    },
    "cmd.close.done": {"sv": "{week} är stängd för ordinarie svar.", "en": "{week} is closed for regular answers."},
    "cmd.phase.already": {"sv": "{week} är redan {phase}.", "en": "{week} is already {phase}."},
    "cmd.finalize.done": {
        "sv": "Lägesbilden för {week} är fastställd med {n} prioriteringar.",
        "en": "The situation picture for {week} is finalised with {n} priorities.",
    },
    "cmd.finalize.done.one": {
        "sv": "Lägesbilden för {week} är fastställd med 1 prioritering.",
        "en": "The situation picture for {week} is finalised with 1 priority.",
    },
    "cmd.finalize.not_ready": {
        "sv": "Det finns inget utkast att fastställa för {week} ({phase}).",
        "en": "There is no draft to finalise for {week} ({phase}).",
    },
    "cmd.report.none": {
        "sv": "Det finns ingen fastställd lägesbild för {week} än.",
        "en": "There is no finalised picture for {week} yet.",
    },
    "cmd.bad_week": {
        "sv": "Veckan {value} finns inte; skriv den som 2026-W47.",
        "en": "There is no week {value}; write it as 2026-W47.",
    },
    "cmd.reporter.added": {"sv": "{name} är tillagd ({role}, {areas}).", "en": "{name} was added ({role}, {areas})."},
    "cmd.reporter.exists": {
        "sv": "Det finns redan någon som heter {name}.",
        "en": "There is already someone called {name}.",
    },
    "cmd.reporter.removed": {
        "sv": "{name} får inga fler enkäter. Tidigare svar finns kvar.",
        "en": "{name} will get no more questionnaires. Earlier answers are kept.",
    },
    "cmd.reporter.unknown": {"sv": "Ingen rapportör heter {name}.", "en": "No reporter is called {name}."},
    "cmd.reporter.line": {
        "sv": "• {name} – {org} – {areas} – {role}{extra}",
        "en": "• {name} – {org} – {areas} – {role}{extra}",
    },
    "cmd.reporter.inactive": {"sv": " (borttagen)", "en": " (removed)"},
    "cmd.reporter.paused": {"sv": " (ledig t.o.m. {date})", "en": " (on leave until {date})"},
    "cmd.reporter.header": {"sv": "{n}:", "en": "{n}:"},
    "cmd.bad_role": {"sv": "Okänd roll {role}; välj {allowed}.", "en": "Unknown role {role}; choose {allowed}."},
    "cmd.bad_area": {"sv": "Okänt område {area}; finns: {allowed}.", "en": "Unknown area {area}; known: {allowed}."},
    "cmd.bad_factor": {
        "sv": "Okänd faktor {factor}; finns: {allowed}.",
        "en": "Unknown factor {factor}; known: {allowed}.",
    },
    "cmd.bad_date": {
        "sv": "Datumet {value} förstår jag inte; skriv ÅÅÅÅ-MM-DD, t.ex. 2026-12-31.",
        "en": "I don't understand the date {value}; write YYYY-MM-DD, e.g. 2026-12-31.",
    },
    "cmd.date_past": {"sv": "Datumet {value} har redan varit.", "en": "The date {value} has already passed."},
    "cmd.pause.done": {
        "sv": "{name} får inga enkäter till och med {date}.",
        "en": "{name} gets no questionnaires until {date} inclusive.",
    },
    "cmd.pause.off": {"sv": "{name} får enkäter igen.", "en": "{name} gets questionnaires again."},
    "cmd.area.added": {"sv": "Området {name} ({code}) är tillagt.", "en": "The area {name} ({code}) was added."},
    "cmd.area.exists": {"sv": "Området {code} finns redan.", "en": "The area {code} already exists."},
    "cmd.area.bad_code": {
        "sv": "Områdeskoden {code} får bara ha små bokstäver a–z, siffror, - och _.",
        "en": "The area code {code} may only have lower-case a–z, digits, - and _.",
    },
    "cmd.name_personal_data": {
        "sv": "{what} får inte innehålla personnummer, telefonnummer eller e-postadresser, eftersom det visas "
        "för alla. Inget sparades; skriv det utan dem.",
        "en": "{what} must not contain personal identity numbers, phone numbers or e-mail addresses, since it is "
        "shown to everyone. Nothing was saved; write it without them.",
    },
    "cmd.what.area_code": {"sv": "Områdets kod", "en": "The area's code"},
    "cmd.what.area_name": {"sv": "Områdets namn", "en": "The area's name"},
    "cmd.what.person_name": {"sv": "Personens namn", "en": "The person's name"},
    "cmd.what.organisation": {"sv": "Organisationens namn", "en": "The organisation's name"},
    "cmd.area.line": {
        "sv": "• {code} – {name} ({places}, {people})",
        "en": "• {code} – {name} ({places}, {people})",
    },
    "cmd.observe.done": {"sv": "Observationen är sparad för {week}.", "en": "The observation was saved for {week}."},
    "cmd.empty_text": {"sv": "Texten saknas.", "en": "The text is missing."},
    "cmd.priority.added": {
        "sv": 'Prioriteringen "{title}" är tillagd för {week}.',
        "en": 'The priority "{title}" was added for {week}.',
    },
    "cmd.priority.locked": {"sv": "{week} är redan fastställd.", "en": "{week} is already finalised."},
    "cmd.actions.none": {"sv": "Inga beslutade åtgärder än.", "en": "No decided actions yet."},
    "cmd.actions.line": {
        "sv": "#{id} {week} {title} – {type}, {resp}, {time} – {status}",
        "en": "#{id} {week} {title} – {type}, {resp}, {time} – {status}",
    },
    "cmd.actions.updated": {"sv": "Åtgärd #{id} är nu {status}.", "en": "Action #{id} is now {status}."},
    "cmd.actions.unknown": {"sv": "Det finns ingen åtgärd #{id}.", "en": "There is no action #{id}."},
    "status.planned": {"sv": "planerad", "en": "planned"},
    "status.ongoing": {"sv": "pågår", "en": "ongoing"},
    "status.done": {"sv": "genomförd", "en": "done"},
    "cmd.review.none": {"sv": "Inga anteckningar väntar på granskning.", "en": "No notes are waiting for review."},
    "cmd.review.line": {"sv": "#{id} [{status}] {where}: {text}", "en": "#{id} [{status}] {where}: {text}"},
    "cmd.review.done": {"sv": "Anteckning #{id}: {status}.", "en": "Note #{id}: {status}."},
    "cmd.review.unknown": {
        "sv": "Det finns ingen anteckning #{id} den här veckan.",
        "en": "There is no note #{id} this week.",
    },
    "review.pending": {"sv": "ej granskad", "en": "not reviewed"},
    "review.approved": {"sv": "godkänd", "en": "approved"},
    "review.hidden": {"sv": "dold", "en": "hidden"},
    "meet.candidate": {"sv": "Kandidat {n}: {title}", "en": "Candidate {n}: {title}"},
    "candidate.manual": {"sv": "tillagd av en samordnare", "en": "added by a coordinator"},
    "meet.votes": {"sv": "Röster: {n}", "en": "Votes: {n}"},
    "meet.choice": {
        "sv": "Åtgärd: {type} · Ansvarig: {resp} · När: {time}",
        "en": "Action: {type} · Responsible: {resp} · When: {time}",
    },
    "meet.btn.vote": {"sv": "👍 Prioritera", "en": "👍 Prioritise"},
    "meet.btn.unvote": {"sv": "↩️ Ta bort röst", "en": "↩️ Remove vote"},
    "meet.btn.finalize": {"sv": "🔒 Fastställ lägesbilden", "en": "🔒 Finalise the picture"},
    "meet.decided": {"sv": "✅ Beslutad", "en": "✅ Decided"},
    "meet.dropped": {"sv": "Inte prioriterad", "en": "Not prioritised"},
    "meet.locked": {
        "sv": "Lägesbilden är fastställd; inget kan ändras.",
        "en": "The picture is finalised; nothing can be changed.",
    },
    "meet.only_participants": {
        "sv": "Bara mötesdeltagare kan prioritera.",
        "en": "Only meeting participants can prioritise.",
    },
    "meet.finalised_note": {"sv": "🔒 Fastställd {at} av {name}.", "en": "🔒 Finalised {at} by {name}."},
    "meet.auto_finalised": {
        "sv": "🔒 Fastställd automatiskt vid publicering.",
        "en": "🔒 Finalised automatically at publication.",
    },
    "meet.draft_header": {
        "sv": "Utkast till lägesbild {week} – {group}",
        "en": "Draft situation picture {week} – {group}",
    },
    "meet.draft_charts": {
        "sv": "Diagram till utkastet {week} – {group}",
        "en": "Charts for the draft {week} – {group}",
    },
    "meet.final_header": {"sv": "Lägesbild {week} – {group}", "en": "Situation picture {week} – {group}"},
    "meet.report_header": {"sv": "Veckorapport {week} – {group}", "en": "Weekly report {week} – {group}"},
    "atype.presence": {"sv": "Närvaro", "en": "Presence"},
    "atype.traffic": {"sv": "Trafikkontroll", "en": "Traffic control"},
    "atype.camera": {"sv": "Kamerabevakning", "en": "Camera surveillance"},
    "atype.physical": {"sv": "Fysisk åtgärd", "en": "Physical measure"},
    "atype.social": {"sv": "Social insats", "en": "Social intervention"},
    "atype.other": {"sv": "Annat", "en": "Other"},
    "resp.police": {"sv": "Polisen", "en": "Police"},
    "resp.hosts": {"sv": "Trygghetsvärdar", "en": "Safety hosts"},
    "resp.social": {"sv": "Socialtjänstens mobila team", "en": "Social services' mobile team"},
    "resp.owner": {"sv": "Fastighetsägare", "en": "Property owner"},
    "resp.municipality": {"sv": "Kommunen", "en": "Municipality"},
    "resp.other": {"sv": "Annan", "en": "Other"},
    "time.weekend": {"sv": "I helgen", "en": "This weekend"},
    "time.next_week": {"sv": "Nästa vecka", "en": "Next week"},
    "time.long_term": {"sv": "Längre sikt", "en": "Longer term"},
    "unset": {"sv": "ej vald", "en": "not chosen"},
    "list.and": {"sv": " och ", "en": " and "},  # before a list's last part (bot.text.listed)
    "invite.welcome": {
        "sv": "Välkommen, {name}! Ditt konto är nu kopplat till {group}. Varje tisdag får du veckans frågor här.",
        "en": "Welcome, {name}! Your account is now linked to {group}. "
        "Every Tuesday you get the week's questions here.",
    },
    "invite.bad": {
        "sv": "Inbjudan är okänd, redan använd eller för gammal. Be din samordnare om en ny.",
        "en": "The invitation is unknown, already used or too old. Ask your coordinator for a new one.",
    },
    "cmd.invite.done": {
        "sv": "Inbjudan till {name}, gäller en gång till och med {date}:\n{link}",
        "en": "Invitation for {name}, valid once until {date}:\n{link}",
    },
    "menu.start": {"sv": "Hälsning och vad du kan göra", "en": "A greeting and what you can do"},
    "menu.report_me": {"sv": "Börja eller fortsätt veckans rapport", "en": "Start or continue this week's report"},
    "menu.edit": {"sv": "Ändra din skickade rapport", "en": "Change your sent report"},
    "menu.status": {"sv": "Svarsfrekvens (samordnare)", "en": "Response rate (coordinators)"},
    "menu.remind": {"sv": "Påminn dem som inte svarat", "en": "Remind those who have not answered"},
    "menu.picture": {"sv": "Förhandsvisa lägesbilden", "en": "Preview the situation picture"},
    "menu.finalize": {"sv": "Fastställ lägesbilden", "en": "Finalise the situation picture"},
    "menu.report": {"sv": "Veckorapporten", "en": "The weekly report"},
    "menu.actions": {"sv": "Beslutade åtgärder", "en": "Decided actions"},
    "menu.help": {"sv": "Hjälp", "en": "Help"},
    "menu.pause": {"sv": "Ledig till ett datum: /ledig ÅÅÅÅ-MM-DD", "en": "On leave until a date: /pause YYYY-MM-DD"},
    "menu.language": {"sv": "Byt språk: /sprak en", "en": "Change language: /language sv"},
    "menu.draft": {"sv": "Lägg ut utkastet till lägesbild nu", "en": "Post the draft situation picture now"},
    "menu.publish": {"sv": "Skicka ut veckorapporten nu", "en": "Send out the weekly report now"},
    "menu.open": {"sv": "Öppna veckans rapportering nu", "en": "Open this week's reporting now"},
    "menu.close": {"sv": "Stäng veckans rapportering nu", "en": "Close this week's reporting now"},
    "menu.reporter": {"sv": "Rapportörer: ny, bort, lista", "en": "Reporters: add, remove, list"},
    "menu.area": {"sv": "Områden: ny, lista", "en": "Areas: add, list"},
    "menu.observe": {"sv": "Lägg till en observation", "en": "Add an observation"},
    "menu.priority": {"sv": "Lägg till en prioritering", "en": "Add a priority"},
    "menu.review": {"sv": "Granska anteckningar", "en": "Review notes"},
    "menu.invite": {"sv": "Bjud in en person till boten", "en": "Invite a person to the bot"},
    "menu.mydata": {"sv": "Se vad boten sparat om dig", "en": "See what the bot has stored about you"},
    "menu.web": {"sv": "En personlig länk till webbvyn", "en": "A personal link to the web view"},
    "menu.stats": {"sv": "Månadens brotts- och skadegörelsestatistik", "en": "The month's crime and vandalism figures"},
    "menu.backtest": {
        "sv": "Bakåttest av regeln för stigande nivå",
        "en": "Backtest the rising-level rule",
    },
    "menu.forget": {"sv": "Radera en person (anonymiserar svaren)", "en": "Erase a person (answers anonymised)"},
    "meet.stale": {
        "sv": "Den knappen gäller inte längre. Använd de senaste meddelandena.",
        "en": "That button is no longer valid. Use the latest messages.",
    },
    "cmd.date_far": {
        "sv": "Datumet {value} ligger mer än ett år fram; välj ett närmare.",
        "en": "The date {value} is more than a year ahead; choose a nearer one.",
    },
    "cmd.reporter.readded": {
        "sv": "{name} är tillagd igen ({role}, {areas}).",
        "en": "{name} was added again ({role}, {areas}).",
    },
    "cmd.reporter.linked": {
        "sv": "{name} kan nu svara här i chatten; frågorna kommer som direktmeddelanden.",
        "en": "{name} can now answer here in the chat; the questions come as direct messages.",
    },
    "cmd.reporter.account_taken": {
        "sv": "Det kontot tillhör redan {name}. Ta bort {name} först om kontot ska byta ägare.",
        "en": "That account already belongs to {name}. Remove {name} first if the account should change hands.",
    },
    "cmd.reporter.console": {
        "sv": 'I terminalen heter {name} "{handle}".',
        "en": 'In the terminal {name} is "{handle}".',
    },
    "cmd.observe.locked": {
        "sv": "Observationen gäller nästa vecka, {week}, eftersom veckans lägesbild är fastställd.",
        "en": "The observation counts for next week, {week}, since this week's picture is finalised.",
    },
    # Counted nouns, "one|many", for bot.text.count: "1 vecka", "2 veckor".
    "noun.week.one": {"sv": "1 vecka", "en": "1 week"},
    "noun.week.many": {"sv": "{count} veckor", "en": "{count} weeks"},
    "noun.note.one": {"sv": "1 anteckning", "en": "1 note"},
    "noun.note.many": {"sv": "{count} anteckningar", "en": "{count} notes"},
    "noun.reporter.one": {"sv": "1 rapportör", "en": "1 reporter"},
    "noun.reporter.many": {"sv": "{count} rapportörer", "en": "{count} reporters"},
    "noun.person.one": {"sv": "1 person", "en": "1 person"},
    "noun.person.many": {"sv": "{count} personer", "en": "{count} people"},
    "noun.message.one": {"sv": "1 meddelande", "en": "1 message"},
    "noun.message.many": {"sv": "{count} meddelanden", "en": "{count} messages"},
    "noun.place.one": {"sv": "1 plats", "en": "1 place"},
    "noun.place.many": {"sv": "{count} platser", "en": "{count} places"},
    "noun.response.one": {"sv": "1 svar", "en": "1 response"},
    "noun.response.many": {"sv": "{count} svar", "en": "{count} responses"},
    "noun.cell.one": {"sv": "1 cell", "en": "1 cell"},
    "noun.cell.many": {"sv": "{count} celler", "en": "{count} cells"},
    "noun.decided_action.one": {"sv": "1 beslutad åtgärd", "en": "1 decided action"},
    "noun.decided_action.many": {"sv": "{count} beslutade åtgärder", "en": "{count} decided actions"},
    # The usage lines, in the words of each language (the Swedish words are aliases of the English ones).
    "cmd.pause.usage": {"sv": "ledig ÅÅÅÅ-MM-DD | av", "en": "pause YYYY-MM-DD | off"},
    "cmd.pause.other": {"sv": "ledig NAMN", "en": "pause NAME"},
    "cmd.reporter.usage": {
        "sv": "rapportör ny NAMN | ORGANISATION | OMRÅDE[,OMRÅDE] [| ROLL] [| E-POST] · rapportör bort NAMN · "
        "rapportör lista",
        "en": "reporter add NAME | ORGANISATION | AREA[,AREA] [| ROLE] [| E-MAIL] · reporter remove NAME · "
        "reporter list",
    },
    "cmd.area.usage": {"sv": "område ny KOD NAMN · område lista", "en": "area add CODE NAME · area list"},
    "cmd.observe.usage": {"sv": "observera OMRÅDE [FAKTOR]: text", "en": "observe AREA [FACTOR]: text"},
    "cmd.priority.usage": {"sv": "prioritet ny OMRÅDE [| PLATS]: text", "en": "priority add AREA [| PLACE]: text"},
    "cmd.actions.usage": {"sv": "åtgärder [klar|pågår ID]", "en": "actions [done|ongoing ID]"},
    "cmd.review.usage": {
        "sv": "granska [godkänn|dölj ID] · granska redigera ID: text",
        "en": "review [approve|hide ID] · review edit ID: text",
    },
    # Each command by the word a person of that language writes (what help shows; `cmd.denied` names it), in the
    # order of the command menus (handlers/telegram/runner.py).
    "word.report_me": {"sv": "rapport", "en": "report"},
    "word.edit": {"sv": "ändra", "en": "edit"},
    "word.pause": {"sv": "ledig", "en": "pause"},
    "word.language": {"sv": "språk", "en": "language"},
    "word.mydata": {"sv": "minadata", "en": "mydata"},
    "word.web": {"sv": "webb", "en": "web"},
    "word.start": {"sv": "start", "en": "start"},
    "word.help": {"sv": "hjälp", "en": "help"},
    "word.status": {"sv": "status", "en": "status"},
    "word.remind": {"sv": "påminn", "en": "remind"},
    "word.open": {"sv": "öppna", "en": "open"},
    "word.close": {"sv": "stäng", "en": "close"},
    "word.draft": {"sv": "utkast", "en": "draft"},
    "word.picture": {"sv": "lägesbild", "en": "picture"},
    "word.finalize": {"sv": "fastställ", "en": "finalize"},
    "word.publish": {"sv": "publicera", "en": "publish"},
    "word.report": {"sv": "veckorapport", "en": "report"},
    "word.reporter": {"sv": "rapportör", "en": "reporter"},
    "word.area": {"sv": "område", "en": "area"},
    "word.observe": {"sv": "observera", "en": "observe"},
    "word.priority": {"sv": "prioritet", "en": "priority"},
    "word.actions": {"sv": "åtgärder", "en": "actions"},
    "word.review": {"sv": "granska", "en": "review"},
    "word.invite": {"sv": "bjud", "en": "invite"},
    "word.export": {"sv": "exportera", "en": "export"},
    "word.followup": {"sv": "uppföljning", "en": "followup"},
    "word.stats": {"sv": "statistik", "en": "stats"},
    "word.backtest": {"sv": "bakåttest", "en": "backtest"},
    "word.forget": {"sv": "radera", "en": "forget"},
    # Other words for a command, space-separated (bot/commands/words.py adds each without å, ä, ö).
    "word.report_me.also": {"sv": "rapportera", "en": ""},
    "word.language.also": {"sv": "", "en": "lang"},
    "word.pause.also": {"sv": "semester", "en": ""},
    "word.finalize.also": {"sv": "", "en": "finalise"},
    "word.report.also": {"sv": "", "en": "weeklyreport"},
    "word.observe.also": {"sv": "observation", "en": ""},
    "word.invite.also": {"sv": "inbjudan", "en": ""},
    "word.forget.also": {"sv": "glöm", "en": ""},
    "word.mydata.also": {"sv": "mina_data", "en": ""},
    # The coordinator's draft and publish commands (issue 14 §4).
    "cmd.draft.done": {
        "sv": "Utkastet till lägesbild för {week} är utlagt i mötet.",
        "en": "The draft situation picture for {week} is posted in the meeting.",
    },
    "cmd.draft.not_closed": {
        "sv": "Rapporteringen för {week} är inte stängd än ({phase}); skriv stäng först.",
        "en": "Reporting for {week} has not closed yet ({phase}); write close first.",
    },
    "cmd.publish.done": {
        "sv": "Veckorapporten för {week} är utskickad.",
        "en": "The weekly report for {week} has been sent out.",
    },
    "cmd.publish.not_final": {
        "sv": "Lägesbilden för {week} är inte fastställd än ({phase}); skriv fastställ först.",
        "en": "The picture for {week} is not finalised yet ({phase}); write finalize first.",
    },
    "cmd.publish.empty": {
        "sv": "Ingen fick enkäten för {week}, så det finns ingen veckorapport att skicka ut.",
        "en": "Nobody was sent the questionnaire for {week}, so there is no weekly report to send out.",
    },
    "cmd.no_channel": {
        "sv": "⚠️ Ingen kanal är inställd för {channel}, så inget meddelande gick ut där.",
        "en": "⚠️ No channel is set up for {channel}, so no message went out there.",
    },
    "channel.meeting": {"sv": "mötet", "en": "the meeting"},
    "channel.broadcast": {"sv": "utskicket", "en": "the broadcast"},
    # `est-bot schedule`: what became of each phase.
    "schedule.done": {"sv": "klar", "en": "done"},
    "schedule.overdue": {"sv": "försenad, görs när boten går igen", "en": "overdue, done when the bot runs again"},
    "schedule.skipped": {
        "sv": "utelämnad: veckan började utan omgång",
        "en": "left out: the week began without a round",
    },
}
