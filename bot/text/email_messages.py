"""What the week sends by e-mail: the invitation to the week's form, the reminder, the report's subject; and what
a coordinator reads about people reached by e-mail (`reporter add … | e-post`, `reporter list`, `status`).

The bodies are plain text: the e-mail edge (handlers/email/) lays them out and adds the personal link, the
quick path "Inget att rapportera" and the line asking not to forward it below them (bot/text/email.py), so the
words here say "your personal link below" and no more.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    # Tuesday: the invitation to the week's form.
    "email.week.invite.subject": {
        "sv": "Veckans trygghetsenkät v. {week} – {group}",
        "en": "This week's safety questionnaire, week {week} – {group}",
    },
    "email.week.invite.body": {
        "sv": "Hej {name}!\n\n"
        "Nu är det dags för veckans EST-rapport för {group}, vecka {week}: hur det ser ut i dina områden, "
        "faktor för faktor. Svara i formuläret via din personliga länk nedan; det tar ett par minuter. "
        'Har du inget att rapportera räcker ett klick på "Inget att rapportera".\n\n'
        "Du kan svara, och ändra dina svar, till {close}.",
        "en": "Hello {name},\n\n"
        "It is time for this week's EST report for {group}, week {week}: how things look in your areas, factor "
        "by factor. Answer in the form through your personal link below; it takes a couple of minutes. "
        'If you have nothing to report, one click on "Nothing to report" is enough.\n\n'
        "You can answer, and change your answers, until {close}.",
    },
    # Wednesday: the reminder to those who have not sent.
    "email.week.reminder.subject": {
        "sv": "Påminnelse: veckans trygghetsenkät v. {week} – {group}",
        "en": "Reminder: this week's safety questionnaire, week {week} – {group}",
    },
    "email.week.reminder.body": {
        "sv": "Hej {name}!\n\n"
        "Din EST-rapport för vecka {week} ({group}) är inte skickad än. Formuläret stänger {close}. Din "
        "personliga länk nedan öppnar det igen; det du redan har svarat finns kvar.",
        "en": "Hello {name},\n\n"
        "Your EST report for week {week} ({group}) has not been sent yet. The form closes {close}. Your personal "
        "link below opens it again; what you have already answered is kept.",
    },
    # Friday: the report's subject (its text, charts and PDF are the chat's).
    "email.week.report.subject": {
        "sv": "Veckorapport v. {week} – {group}",
        "en": "Weekly report week {week} – {group}",
    },
    # The coordinator: `reporter add NAME | ORG | AREAS [| ROLE] [| e-post]`, `reporter list`.
    "email.people.invited": {
        "sv": "Veckans enkät (v. {week}) har skickats till {name} med e-post.",
        "en": "This week's questionnaire (week {week}) has been sent to {name} by e-mail.",
    },
    "email.people.reached": {
        "sv": "{name} får enkäten med e-post ({address}).",
        "en": "{name} gets the questionnaire by e-mail ({address}).",
    },
    "email.people.report_only": {
        "sv": "{name} har också e-post ({address}): dit går veckorapporten.",
        "en": "{name} has e-mail too ({address}): the weekly report goes there.",
    },
    "email.people.off": {
        "sv": "E-post är inte påslagen ([email] i inställningarna), så {name} nås inte förrän den är det.",
        "en": "E-mail is not switched on ([email] in the settings), so {name} is not reached until it is.",
    },
    "email.people.bad_address": {
        "sv": "Fältet med @ är ingen e-postadress jag kan använda. Skriv den som namn@domän.",
        "en": "The field with @ is no e-mail address I can use. Write it as name@domain.",
    },
    "email.people.two_addresses": {
        "sv": "Skriv bara en e-postadress per person.",
        "en": "Write only one e-mail address per person.",
    },
    "email.people.taken": {
        "sv": "Den e-postadressen tillhör redan {name}.",
        "en": "That e-mail address already belongs to {name}.",
    },
    "email.people.marker": {"sv": " (e-post)", "en": " (by e-mail)"},
    # `status`: the e-mail in the outbox.
    "email.status.line": {
        "sv": "✉️ E-post: {queued} i kö, {parked} stoppade.",
        "en": "✉️ E-mail: {queued} queued, {parked} stopped.",
    },
}
