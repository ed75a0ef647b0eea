"""The e-mail edge's words (handlers/email/): the layout around a message, its buttons and footer, and
`est-bot email test`."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "mail.form.open": {"sv": "Öppna veckans formulär", "en": "Open this week's form"},
    "mail.form.nothing": {"sv": "Inget att rapportera", "en": "Nothing to report"},
    "mail.form.personal": {
        "sv": "Länkarna är personliga och gäller bara den här veckan. Vidarebefordra inte e-brevet.",
        "en": "The links are personal and work for this week only. Please do not forward this e-mail.",
    },
    "mail.footer.why": {
        "sv": "Du får det här e-brevet eftersom du är med i EST-gruppens veckovisa lägesbild av tryggheten.",
        "en": "You get this e-mail because you take part in the EST group's weekly picture of local safety.",
    },
    "mail.footer.why.report": {
        "sv": "Du får det här e-brevet eftersom du får EST-gruppens veckorapport.",
        "en": "You get this e-mail because you receive the EST group's weekly report.",
    },
    "mail.footer.reply": {
        "sv": "Svarar du på e-brevet går svaret till samordnaren ({address}).",
        "en": "If you reply to this e-mail, the reply goes to the coordinator ({address}).",
    },
    "mail.footer.noreply": {
        "sv": "E-brevet skickas automatiskt och svar läses inte. Har du frågor, kontakta samordnaren.",
        "en": "This e-mail is sent automatically and replies are not read. Ask the coordinator if you have questions.",
    },
    "mail.report_off": {
        "sv": "Vill du inte längre få veckorapporten?",
        "en": "No longer want the weekly report?",
    },
    "mail.report_off.link": {"sv": "Sluta få rapporten", "en": "Stop the report"},
    "mail.attached": {"sv": "Bifogat: {names}", "en": "Attached: {names}"},
    "mail.chart": {"sv": "Diagram: {name}", "en": "Chart: {name}"},
    "mail.test.subject": {"sv": "EST: ett prov-e-brev", "en": "EST: a test e-mail"},
    "mail.test.text": {
        "sv": "Det här är ett prov-e-brev från est-bot.\n\nKom det fram, så kan boten skicka e-post via den här "
        "servern: frågeformulärets länkar, påminnelser och veckorapporten.",
        "en": "This is a test e-mail from est-bot.\n\nIf it arrived, the bot can send e-mail through this server: "
        "the questionnaire's links, reminders and the weekly report.",
    },
}
