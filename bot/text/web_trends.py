"""User-facing strings of the web view's trends, actions and statistics pages (handlers/web/pages/trends.py,
actions.py, statistics.py). Plain text: the templates escape it."""

TEXT: dict[str, dict[str, str]] = {
    # trends
    "web.trends.title": {"sv": "Trender", "en": "Trends"},
    "web.trends.intro": {
        "sv": "Nivån vecka för vecka i ett område: medelvärdet av veckans rapporter på EST:s skala 0–3, mot "
        "färgbanden grönt, gult, orange och rött. Beslutade åtgärder är markerade på tidslinjen.",
        "en": "The level week by week in one area: the mean of the week's reports on EST's scale of 0–3, against "
        "the colour bands green, yellow, orange and red. Decided actions are marked on the timeline.",
    },
    "web.trends.form": {"sv": "Välj vad som visas", "en": "Choose what is shown"},
    "web.trends.area": {"sv": "Område", "en": "Area"},
    "web.trends.factor": {"sv": "Faktor", "en": "Factor"},
    "web.trends.span": {"sv": "Period", "en": "Period"},
    "web.trends.span.weeks": {"sv": "{weeks} veckor", "en": "{weeks} weeks"},
    "web.trends.show": {"sv": "Visa", "en": "Show"},
    "web.trends.heading": {"sv": "{factor} i {area}", "en": "{factor} in {area}"},
    "web.trends.range": {"sv": "Vecka {first} till {last}", "en": "Week {first} to {last}"},
    "web.trends.chart": {
        "sv": "Diagram: nivån för {factor} i {area} vecka för vecka, {first} till {last}. Samma siffror står i "
        "tabellen nedanför.",
        "en": "Chart: the level of {factor} in {area} week by week, {first} to {last}. The table below holds the "
        "same figures.",
    },
    "web.trends.gap": {
        "sv": "En vecka utan rapporter har ingen nivå: den lämnas tom i diagrammet och visas som – i tabellen, "
        "aldrig som noll.",
        "en": "A week without reports has no level: it is left empty in the chart and shown as – in the table, "
        "never as zero.",
    },
    "web.trends.no_data": {
        "sv": "Inga rapporter om {factor} i {area} under perioden.",
        "en": "No reports on {factor} in {area} in this period.",
    },
    "web.trends.no_areas": {"sv": "Gruppen har inga områden än.", "en": "The group has no areas yet."},
    "web.trends.caption": {
        "sv": "{factor} i {area} vecka för vecka, {first} till {last}",
        "en": "{factor} in {area} week by week, {first} to {last}",
    },
    "web.trends.col.answers": {"sv": "Svar", "en": "Answers"},
    "web.trends.col.actions": {"sv": "Beslutade åtgärder", "en": "Decided actions"},
    "web.trends.marker": {"sv": "Streckad linje: beslut", "en": "Dashed line: a decision"},
    "web.trends.axis.week": {"sv": "Vecka", "en": "Week"},
    "web.trends.action": {"sv": "#{id} {title} ({status})", "en": "#{id} {title} ({status})"},
    # actions
    "web.actions.title": {"sv": "Åtgärder", "en": "Actions"},
    "web.actions.intro": {
        "sv": "Gruppens beslutade åtgärder, de senaste först, med nivån före och efter beslutet.",
        "en": "The group's decided actions, the newest first, with the level before and after the decision.",
    },
    "web.actions.none": {"sv": "Inga åtgärder är beslutade än.", "en": "No actions have been decided yet."},
    "web.actions.caption": {"sv": "Beslutade åtgärder", "en": "Decided actions"},
    "web.actions.rule": {"sv": "Så räknas före och efter", "en": "How before and after are worked out"},
    "web.actions.trend": {"sv": "Trenden i området", "en": "The trend in the area"},
    "web.actions.col.factors": {"sv": "Faktorer", "en": "Factors"},
    "web.actions.col.mark": {"sv": "Markera", "en": "Mark"},
    "web.actions.mark.label": {"sv": "Ny status för åtgärd #{id}", "en": "New status of action #{id}"},
    "web.actions.mark.submit": {"sv": "Spara", "en": "Save"},
    "web.actions.marked": {
        "sv": "Åtgärd #{id} är markerad som {status}.",
        "en": "Action #{id} is marked as {status}.",
    },
    "web.actions.unknown.title": {"sv": "Åtgärden finns inte", "en": "No such action"},
    "web.actions.unknown": {
        "sv": "Din grupp har ingen åtgärd #{id}. Inget har ändrats.",
        "en": "Your group has no action #{id}. Nothing was changed.",
    },
    "web.actions.bad_status.title": {"sv": "Okänd status", "en": "Unknown status"},
    "web.actions.bad_status": {
        "sv": "En åtgärd kan här markeras som {statuses}. Inget har ändrats.",
        "en": "Here an action can be marked as {statuses}. Nothing was changed.",
    },
    "web.actions.or": {"sv": " eller ", "en": " or "},
    "web.actions.refused": {
        "sv": "Bara samordnare kan markera åtgärder här. Inget har ändrats.",
        "en": "Only coordinators can mark actions here. Nothing was changed.",
    },
    "web.actions.back": {"sv": "Tillbaka till åtgärderna", "en": "Back to the actions"},
    # statistics
    "web.stats.title": {"sv": "Statistik", "en": "Statistics"},
    "web.stats.intro": {
        "sv": "Månadsuppföljningen av de importerade siffrorna: polisens anmälda brott, kommunens "
        "skadegörelseanmälningar och polisens händelser, samma som samordnarna får i chatten varje månad.",
        "en": "The monthly follow-up of the imported figures: crimes reported to the police, the municipality's "
        "vandalism reports and police events, the same as the coordinators get in the chat every month.",
    },
    "web.stats.form": {"sv": "Välj månad", "en": "Choose a month"},
    "web.stats.month": {"sv": "Månad", "en": "Month"},
    "web.stats.show": {"sv": "Visa", "en": "Show"},
    "web.stats.heading": {"sv": "Uppföljning av {month}", "en": "Follow-up of {month}"},
    "web.stats.by_month": {"sv": "Per månad, {window}", "en": "By month, {window}"},
    "web.stats.by_weekday": {"sv": "Per veckodag, {window}", "en": "By weekday, {window}"},
    "web.stats.by_place": {"sv": "Flest per plats, {window}", "en": "Most by place, {window}"},
    "web.stats.chart": {
        "sv": "Diagram: {title}. Samma siffror står i tabellen nedanför.",
        "en": "Chart: {title}. The table below holds the same figures.",
    },
    "web.stats.col.month": {"sv": "Månad", "en": "Month"},
    "web.stats.col.day": {"sv": "Veckodag", "en": "Weekday"},
    "web.stats.col.place": {"sv": "Plats", "en": "Place"},
    "web.stats.col.total": {"sv": "Totalt", "en": "Total"},
    "web.stats.no_places": {
        "sv": "Inga platser är angivna under perioden.",
        "en": "No places are given in this period.",
    },
}
